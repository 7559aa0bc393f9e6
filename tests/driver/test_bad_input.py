"""Bad settings and bad extra specs: one clear error, no array change.

Each error names the bad value and the valid ones; the array state diff
is empty and, for extra specs, not even a read reaches the provider.
"""

import logging
import socket

from cinder import exception
import fixtures as fixtures_lib
import testtools

from tests import fixtures

SERIAL = '000197800123'


class SetupErrorTest(testtools.TestCase):

    def setUp(self):
        super().setUp()
        self.logs = self.useFixture(fixtures_lib.FakeLogger(
            level=logging.DEBUG))

    def failing_setup(self, profile='vmax3-allflash', sim=None, **options):
        backend = self.useFixture(fixtures.SimulatedBackend(
            profile, options=options, setup=False, sim=sim))
        before = backend.sim.snapshot()
        backend.sim.calls.reset()
        error = self.assertRaises(
            (exception.InvalidConfigurationValue,
             exception.VolumeBackendAPIException),
            backend.driver.do_setup, None)
        self.assertFalse(backend.sim.diff(before))
        self.assertEqual(0, sum(
            count for op, count in backend.sim.calls.counts().items()
            if op.startswith('InvokeMethod:') and
            op != 'InvokeMethod:GetDefaultReplicationSettingData'))
        # The backend stays unusable rather than half set up.
        self.assertRaises(exception.VolumeBackendAPIException,
                          backend.driver.check_for_setup_error)
        self.assertNotIn('not-logged-secret', self.logs.output)
        self.assertNotIn('not-logged-secret', str(error))
        return error

    def test_unknown_array_serial(self):
        error = self.failing_setup(vmax_array='000199999999')
        self.assertIsInstance(error, exception.InvalidConfigurationValue)
        self.assertIn("array serial '000199999999' is not valid",
                      str(error))
        self.assertIn('valid values: %s' % SERIAL, str(error))

    def test_unknown_srp(self):
        error = self.failing_setup(vmax_pool='SRP_9')
        self.assertIsInstance(error, exception.InvalidConfigurationValue)
        self.assertIn("'SRP_9'", str(error))
        self.assertIn('valid values: SRP_1', str(error))

    def test_unknown_thin_pool(self):
        error = self.failing_setup('vmax2', vmax_pool='SSD_Pool')
        self.assertIn("'SSD_Pool'", str(error))
        self.assertIn('valid values: FC_Pool, SATA_Pool', str(error))

    def test_service_level_not_offered(self):
        error = self.failing_setup(vmax_service_level='Gold')
        self.assertIn("service level 'Gold' is not valid", str(error))
        self.assertIn('valid values: Diamond, Optimized', str(error))

    def test_workload_not_offered(self):
        error = self.failing_setup(vmax_service_level='Optimized',
                                   vmax_workload='DSS')
        self.assertIn("workload 'DSS' is not valid", str(error))
        self.assertIn('valid values: NONE', str(error))

    def test_unknown_port_group(self):
        error = self.failing_setup(vmax_port_groups=['OS-PG-iSCSI-A',
                                                     'PG-missing'])
        self.assertIn("port group 'PG-missing' is not valid", str(error))
        self.assertIn('valid values: OS-PG-iSCSI-A, OS-PG-iSCSI-B',
                      str(error))

    def test_unknown_fast_policy(self):
        error = self.failing_setup('vmax2', vmax_fast_policy='BRONZE7')
        self.assertIn("fast policy 'BRONZE7' is not valid", str(error))
        self.assertIn('valid values: GOLD1, SILVER1', str(error))

    def test_bad_credentials(self):
        sim = fixtures.simulator('vmax3-allflash')
        sim.credentials = ('admin', 'the-right-one')
        error = self.failing_setup(sim=sim)
        self.assertIsInstance(error, exception.VolumeBackendAPIException)
        self.assertIn("rejected the credentials of user 'admin'",
                      str(error))

    def test_unreachable_provider(self):
        with socket.socket() as probe:
            probe.bind(('127.0.0.1', 0))
            port = probe.getsockname()[1]
        backend = self.useFixture(fixtures.SimulatedBackend(
            options={'vmax_smis_address': '127.0.0.1',
                     'vmax_smis_port': port, 'driver_use_ssl': False,
                     'vmax_request_timeout': 5}, setup=False))
        backend.driver.connection_factory = None   # the real pywbem path
        error = self.assertRaises(exception.VolumeBackendAPIException,
                                  backend.driver.do_setup, None)
        self.assertIn('SMI-S provider http://127.0.0.1:%d did not answer'
                      % port, str(error))
        self.assertNotIn('not-logged-secret', self.logs.output)


class ExtraSpecErrorTest(testtools.TestCase):

    def setUp(self):
        super().setUp()
        self.backend = self.useFixture(fixtures.SimulatedBackend(
            'vmax3-allflash'))
        self.driver = self.backend.driver
        self.existing = self.backend.create_volume(size=1)
        self.before = self.backend.sim.snapshot()
        self.backend.sim.calls.reset()

    def tearDown(self):
        super().tearDown()

    def assert_untouched(self):
        self.assertFalse(self.backend.sim.diff(self.before))
        self.assertEqual(0, self.backend.sim.calls.total)

    def create_with(self, **specs):
        volume = self.backend.volume(size=1, extra_specs=specs)
        error = self.assertRaises(exception.InvalidVolumeType,
                                  self.driver.create_volume, volume)
        self.assert_untouched()
        return str(error)

    def test_unknown_service_level(self):
        text = self.create_with(pool_name='Bronze+OLTP+SRP_1+' + SERIAL)
        self.assertIn("service level 'Bronze' is not valid", text)
        self.assertIn('valid values: Diamond, Optimized', text)

    def test_unknown_workload(self):
        text = self.create_with(pool_name='Diamond+OLAP+SRP_1+' + SERIAL)
        self.assertIn("workload 'OLAP' is not valid", text)
        self.assertIn('valid values: DSS, DSS_REP, NONE, OLTP, OLTP_REP',
                      text)

    def test_unknown_srp(self):
        text = self.create_with(pool_name='Diamond+OLTP+SRP_2+' + SERIAL)
        self.assertIn("'SRP_2'", text)
        self.assertIn('valid values: SRP_1', text)

    def test_unknown_array(self):
        text = self.create_with(pool_name='Diamond+OLTP+SRP_1+000100000001')
        self.assertIn("'000100000001'", text)
        self.assertIn('valid values: ' + SERIAL, text)

    def test_malformed_pool_name(self):
        text = self.create_with(pool_name='Diamond-SRP_1')
        self.assertIn("'Diamond-SRP_1'", text)

    def test_bad_compression_value(self):
        text = self.create_with(**{'storagetype:disablecompression': 'sure'})
        self.assertIn('valid values: true, false', text)

    def test_stripecount_on_vmax3(self):
        text = self.create_with(**{'storagetype:stripecount': '2'})
        self.assertIn('VMAX2 only', text)

    def test_snapshot_of_volume_with_bad_type(self):
        volume = self.backend.volume(
            size=1, extra_specs={'pool_name': 'Gold+SRP_1+' + SERIAL})
        snapshot = self.backend.snapshot(volume)
        self.assertRaises(exception.InvalidVolumeType,
                          self.driver.create_snapshot, snapshot)
        self.assert_untouched()

    def test_extend_to_smaller_size(self):
        error = self.assertRaises(exception.InvalidInput,
                                  self.driver.extend_volume,
                                  self.existing, 1)
        self.assertIn('from 1 GiB to 1 GiB', str(error))
        self.assert_untouched()

    def test_clone_smaller_than_source(self):
        source = self.existing
        source.size = 2
        clone = self.backend.volume(size=1)
        error = self.assertRaises(exception.InvalidInput,
                                  self.driver.create_cloned_volume, clone,
                                  source)
        self.assertIn('cannot be smaller', str(error))
        self.assert_untouched()


class HybridArrayTest(testtools.TestCase):

    def test_disable_compression_refused_on_hybrid(self):
        backend = self.useFixture(fixtures.SimulatedBackend('vmax3-hybrid'))
        before = backend.sim.snapshot()
        backend.sim.calls.reset()
        volume = backend.volume(size=1, extra_specs={
            'storagetype:disablecompression': 'True'})
        error = self.assertRaises(exception.InvalidVolumeType,
                                  backend.driver.create_volume, volume)
        self.assertIn('All Flash', str(error))
        self.assertIn('VMAX200K', str(error))
        self.assertFalse(backend.sim.diff(before))
        self.assertEqual(0, backend.sim.calls.total)


class Vmax2SpecTest(testtools.TestCase):

    def test_compression_refused_on_vmax2(self):
        backend = self.useFixture(fixtures.SimulatedBackend('vmax2'))
        before = backend.sim.snapshot()
        volume = backend.volume(size=1, extra_specs={
            'storagetype:disablecompression': 'yes'})
        self.assertRaises(exception.InvalidVolumeType,
                          backend.driver.create_volume, volume)
        self.assertFalse(backend.sim.diff(before))

    def test_bad_stripecount(self):
        backend = self.useFixture(fixtures.SimulatedBackend('vmax2'))
        before = backend.sim.snapshot()
        volume = backend.volume(size=1, extra_specs={
            'storagetype:stripecount': '-3'})
        error = self.assertRaises(exception.InvalidVolumeType,
                                  backend.driver.create_volume, volume)
        self.assertIn("'-3'", str(error))
        self.assertFalse(backend.sim.diff(before))

    def test_striped_meta_cannot_be_extended(self):
        backend = self.useFixture(fixtures.SimulatedBackend('vmax2'))
        volume = backend.create_volume(
            size=2, extra_specs={'storagetype:stripecount': '2'})
        before = backend.sim.snapshot()
        error = self.assertRaises(exception.InvalidInput,
                                  backend.driver.extend_volume, volume, 4)
        self.assertIn('striped meta volume', str(error))
        self.assertFalse(backend.sim.diff(before))
