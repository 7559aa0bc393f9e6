"""retype and migrate_volume done by the array, the cases handed back to
Cinder (False), and failure injection after every step: zero orphans,
attached volumes stay attached and reachable."""

from cinder import exception
import fixtures as fixtures_lib
import testtools

from tests.driver import test_attach_support as attach_support
from tests import fixtures
from vmax_flows import failpoints
from vmax_flows import registry

SERIAL = '000197800123'


def v3_host(slo='Diamond', workload='DSS', serial=SERIAL, srp='SRP_1'):
    return {'host': 'cinder@vmax#%s+%s+%s+%s' % (slo, workload, srp, serial),
            'capabilities': {'location_info': '%s#%s#%s#%s' % (
                serial, srp, slo, workload)}}


def new_type(extra_specs, qos=None):
    return {'extra_specs': extra_specs,
            'qos_specs': {'specs': qos, 'consumer': 'back-end'}
            if qos else None}


DSS = new_type({'storagetype:workload': 'DSS'})


class RetypeTest(testtools.TestCase):

    def setUp(self):
        super().setUp()
        self.useFixture(fixtures_lib.FakeLogger(level=40))
        self.backend = self.useFixture(
            attach_support.AttachBackend('vmax3-allflash'))
        self.driver = self.backend.driver
        self.sim = self.backend.sim

    def groups(self, volume):
        return self.backend.array.groups_of_device(
            self.backend.device_of(volume).device_id)

    def test_service_level_workload_and_compression(self):
        volume = self.backend.create_volume(size=1)
        self.assertTrue(self.driver.retype(None, volume, DSS, {},
                                           v3_host()))
        self.assertEqual(['OS-SRP_1-Diamond-DSS-SG'], self.groups(volume))
        self.assertTrue(self.driver.retype(
            None, volume, new_type({'storagetype:slo': 'Optimized',
                                    'storagetype:disablecompression':
                                        'true'}), {},
            v3_host('Optimized', 'NONE')))
        self.assertEqual(['OS-SRP_1-Optimized-NONE-CD-SG'],
                         self.groups(volume))
        self.assertFalse(self.backend.device_of(volume).compressed)

    def test_same_placement_changes_nothing(self):
        volume = self.backend.create_volume(size=1)
        before = self.sim.snapshot()
        self.assertTrue(self.driver.retype(None, volume, new_type({}), {},
                                           v3_host('Diamond', 'OLTP')))
        self.assertFalse(self.sim.diff(before))

    def test_other_array_or_replicated_falls_back(self):
        volume = self.backend.create_volume(size=1)
        before = self.sim.snapshot()
        self.sim.calls.reset()
        self.assertFalse(self.driver.retype(
            None, volume, DSS, {}, v3_host(serial='000197800999')))
        self.assertFalse(self.driver.retype(
            None, volume, new_type({'replication_enabled': '<is> True'}),
            {}, v3_host()))
        self.assertEqual((False, None), self.driver.migrate_volume(
            None, volume, v3_host(serial='000197800999')))
        self.assertFalse(self.sim.diff(before))
        self.assertEqual(0, self.sim.calls.total)

    def test_attached_volume_falls_back_and_stays_masked(self):
        volume = self.backend.create_volume(size=1)
        self.backend.attach(volume)
        before = self.sim.snapshot()
        self.assertFalse(self.driver.retype(None, volume, DSS, {},
                                            v3_host()))
        self.assertEqual((False, None), self.driver.migrate_volume(
            None, volume, v3_host()))
        self.assertFalse(self.sim.diff(before))

    def test_attached_volume_qos_change_falls_back(self):
        # Limits live on the host's group, shared with the host's other
        # volumes: new limits would need another group and view, so
        # Cinder migrates (False) and nothing changes -- the 2.x driver
        # set them in place and throttled the neighbours (bug 1712050).
        volume = self.backend.create_volume(size=1)
        self.backend.attach(volume)
        before = self.sim.snapshot()
        self.assertFalse(self.driver.retype(
            None, volume, new_type({}, {'maxIOPS': '800'}), {},
            v3_host('Diamond', 'OLTP')))
        self.assertFalse(self.sim.diff(before))

    def test_migrate_to_another_level(self):
        volume = self.backend.create_volume(size=1)
        self.assertEqual((True, None), self.driver.migrate_volume(
            None, volume, v3_host('Diamond', 'DSS')))
        self.assertEqual(['OS-SRP_1-Diamond-DSS-SG'], self.groups(volume))
        self.assertEqual((False, None), self.driver.migrate_volume(
            None, volume, v3_host(srp='SRP_2')))

    def test_update_migrated_volume_keeps_the_new_name_id(self):
        volume = self.backend.volume(size=1)
        new = self.backend.create_volume(size=1)
        self.assertEqual({'_name_id': new.name_id,
                          'provider_location': new.provider_location},
                         self.driver.update_migrated_volume(
                             None, volume, new, 'available'))

    def run_with_failures(self, operation, call, check=None):
        """Fail after every step of ``operation``: nothing may change and
        ``check`` must hold after each revert."""
        for step in registry.task_names(operation, 'VMAX3'):
            before = self.sim.snapshot()
            self.driver.flow_decorator = lambda op, flow, step=step: \
                failpoints.with_failure_after(flow, step)
            self.assertRaises(exception.VolumeBackendAPIException, call)
            self.assertEqual([], fixtures.real_changes(self.sim, before),
                             step)
            self.assertEqual([], self.backend.orphans(), step)
            if check:
                check(step)
        self.driver.flow_decorator = None

    def test_retype_reverts_after_every_step(self):
        volume = self.backend.create_volume(size=1)
        self.backend.create_volume(size=1)
        self.run_with_failures('retype', lambda: self.driver.retype(
            None, volume, new_type({'storagetype:workload': 'DSS'},
                                   {'maxMBPS': '50'}), {}, v3_host()))
        self.assertNotIn('OS-SRP_1-Diamond-DSS-SG',
                         self.backend.array.storage_groups)
        self.assertTrue(self.driver.retype(None, volume, DSS, {},
                                           v3_host()))

    def test_qos_retype_reverts_after_every_step(self):
        volume = self.backend.create_volume(size=1)
        self.backend.create_volume(size=1)
        qos_type = new_type({}, {'maxIOPS': '900',
                                 'DistributionType': 'always'})
        target = self.driver._placement_for_specs({}, qos_type)[
            'storage_group']

        def no_qos_group(step):
            self.assertNotIn(target, self.backend.array.storage_groups,
                             step)
        self.run_with_failures('retype', lambda: self.driver.retype(
            None, volume, qos_type, {}, v3_host('Diamond', 'OLTP')),
            no_qos_group)
        self.assertEqual(0, self.backend.array.storage_groups[
            attach_support.DEFAULT_SG].host_io_limit_iops)
        self.assertTrue(self.driver.retype(None, volume, qos_type, {},
                                           v3_host('Diamond', 'OLTP')))
        self.assertEqual([target], self.groups(volume))
        self.assertEqual(900, self.backend.array.storage_groups[
            target].host_io_limit_iops)

    def test_migrate_reverts_after_every_step(self):
        volume = self.backend.create_volume(size=1)
        self.run_with_failures('migrate_volume', lambda: self.assertTrue(
            self.driver.migrate_volume(None, volume,
                                       v3_host('Diamond', 'DSS'))[0]))


class Vmax2RetypeTest(testtools.TestCase):

    def setUp(self):
        super().setUp()
        self.useFixture(fixtures_lib.FakeLogger(level=40))
        self.backend = self.useFixture(fixtures.SimulatedBackend('vmax2'))
        self.driver = self.backend.driver

    def host(self, pool):
        return {'host': 'cinder@vmax2#%s+000195900551' % pool,
                'capabilities': {'location_info':
                                 '000195900551#%s#None' % pool}}

    def test_pool_change_relocates(self):
        volume = self.backend.create_volume(size=2)
        device = self.backend.device_of(volume)
        self.assertTrue(self.driver.retype(
            None, volume, new_type({'pool_name': 'SATA_Pool+000195900551'}),
            {}, self.host('SATA_Pool')))
        self.assertEqual('SATA_Pool', device.pool)
        self.assertEqual((True, None), self.driver.migrate_volume(
            None, volume, self.host('FC_Pool')))
        self.assertEqual('FC_Pool', device.pool)

    def test_relocation_reverts_after_every_step(self):
        volume = self.backend.create_volume(size=2)
        device = self.backend.device_of(volume)
        for step in registry.task_names('migrate_volume', 'VMAX2'):
            before = self.backend.sim.snapshot()
            self.driver.flow_decorator = lambda op, flow, step=step: \
                failpoints.with_failure_after(flow, step)
            self.assertRaises(exception.VolumeBackendAPIException,
                              self.driver.migrate_volume, None, volume,
                              self.host('SATA_Pool'))
            self.assertEqual([], fixtures.real_changes(self.backend.sim,
                                                       before), step)
            self.assertEqual('FC_Pool', device.pool)
