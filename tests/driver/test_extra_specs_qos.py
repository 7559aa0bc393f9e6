"""Bad extra specs and QoS specs fail before any array change, naming the
bad spec and the valid values; good QoS specs become host I/O limits."""

from cinder import exception
import testtools

from tests import fixtures

V3_HOST = {'host': 'cinder@vmax#pool', 'capabilities': {
    'location_info': '000197800123#SRP_1#Diamond#OLTP'}}


class BadSpecTest(testtools.TestCase):

    def setUp(self):
        super().setUp()
        self.backend = self.useFixture(
            fixtures.SimulatedBackend('vmax3-hybrid'))
        self.sim = self.backend.sim

    def assertRefused(self, extra_specs, *words, profile_backend=None):
        backend = profile_backend or self.backend
        before = backend.sim.snapshot()
        volume = backend.volume(size=1, extra_specs=extra_specs)
        error = self.assertRaises(exception.InvalidVolumeType,
                                  backend.driver.create_volume, volume)
        for word in words:
            self.assertIn(word, str(error))
        self.assertFalse(backend.sim.diff(before))

    def test_unknown_pool_name_srp(self):
        self.assertRefused({'pool_name': 'Gold+DSS+SRP_9+000197200056'},
                           "SRP 'SRP_9'", 'valid values: SRP_1')

    def test_unknown_array(self):
        self.assertRefused({'pool_name': 'Gold+DSS+SRP_1+000197299999'},
                           '000197299999', 'valid values: 000197200056')

    def test_malformed_pool_name(self):
        self.assertRefused({'pool_name': 'Gold'}, 'pool_name',
                           '<SLO>+<Workload>+<SRP>+<serial>')

    def test_invalid_service_level(self):
        self.assertRefused({'storagetype:slo': 'Titanium'},
                           "'Titanium'", 'Bronze, Diamond, Gold')

    def test_invalid_workload(self):
        self.assertRefused({'storagetype:workload': 'OLAP'}, "'OLAP'",
                           'DSS, DSS_REP, NONE, OLTP, OLTP_REP')

    def test_unsupported_workload_for_level(self):
        self.assertRefused({'storagetype:slo': 'Optimized',
                            'storagetype:workload': 'DSS'},
                           "workload 'DSS'", 'valid values: NONE')

    def test_compression_on_hybrid(self):
        self.assertRefused({'storagetype:disablecompression': 'true'},
                           'storagetype:disablecompression', 'VMAX200K')

    def test_conflicting_specs(self):
        self.assertRefused({'pool_name': 'Gold+DSS+SRP_1+000197200056',
                            'storagetype:slo': 'Silver'},
                           "storagetype:slo 'Silver'",
                           'conflicts with pool_name', 'valid values: Gold')

    def test_unknown_storagetype_key(self):
        self.assertRefused({'storagetype:sl0': 'Gold'},
                           "'storagetype:sl0'", 'storagetype:slo')

    def test_stripes_on_vmax3(self):
        self.assertRefused({'storagetype:stripecount': '4'},
                           'storagetype:stripecount', 'VMAX2 only')

    def test_bad_flag(self):
        self.assertRefused({'storagetype:disablecompression': 'maybe'},
                           "'maybe'", 'valid values: true, false')

    def test_service_level_on_vmax2(self):
        backend = self.useFixture(fixtures.SimulatedBackend('vmax2'))
        self.assertRefused({'storagetype:slo': 'Gold'}, 'storagetype:slo',
                           'VMAX3 only', profile_backend=backend)

    def test_bad_stripe_count_on_vmax2(self):
        backend = self.useFixture(fixtures.SimulatedBackend('vmax2'))
        self.assertRefused({'storagetype:stripecount': 'zero'},
                           "'zero'", 'at least 1', profile_backend=backend)

    def test_good_level_and_workload_specs(self):
        volume = self.backend.create_volume(
            size=1, extra_specs={'storagetype:slo': 'silver',
                                 'storagetype:workload': 'oltp'})
        self.assertEqual(['OS-SRP_1-Silver-OLTP-SG'],
                         self.backend.array.groups_of_device(
                             self.backend.device_of(volume).device_id))


class QosTest(testtools.TestCase):

    def setUp(self):
        super().setUp()
        self.backend = self.useFixture(
            fixtures.SimulatedBackend('vmax3-allflash'))
        self.driver = self.backend.driver
        self.volume = self.backend.create_volume(size=1)

    def new_type(self, qos, extra_specs=None, consumer='back-end'):
        return {'extra_specs': extra_specs or {},
                'qos_specs': {'specs': qos, 'consumer': consumer}}

    def assertQosRefused(self, qos, *words):
        before = self.backend.sim.snapshot()
        error = self.assertRaises(
            exception.InvalidVolumeType, self.driver.retype, None,
            self.volume, self.new_type(qos), {}, V3_HOST)
        for word in words:
            self.assertIn(word, str(error))
        self.assertFalse(self.backend.sim.diff(before))

    def test_iops_out_of_range(self):
        self.assertQosRefused({'maxIOPS': '50'}, "maxIOPS '50'",
                              'from 100 to 2000000')

    def test_mbps_not_a_number(self):
        self.assertQosRefused({'maxMBPS': 'fast'}, "maxMBPS 'fast'",
                              'from 1 to 100000')

    def test_bad_distribution(self):
        self.assertQosRefused({'maxIOPS': '500', 'DistributionType': 'x'},
                              "DistributionType 'x'",
                              'valid values: never, onfailure, always')

    def test_distribution_without_limit(self):
        self.assertQosRefused({'DistributionType': 'always'},
                              'needs maxIOPS or maxMBPS')

    def test_misspelt_key(self):
        self.assertQosRefused({'maxIOps': '500'}, "'maxIOps'",
                              'maxIOPS, maxMBPS, DistributionType')

    def test_retype_moves_to_the_group_of_the_limits(self):
        # Another volume stays in the old group: its limits must not
        # change (limits are per group, never set on a shared one).
        self.backend.create_volume(size=1)
        old = self.backend.array.storage_groups['OS-SRP_1-Diamond-OLTP-SG']
        limits_before = (old.host_io_limit_iops, old.host_io_limit_mbps,
                         old.host_io_distribution)
        self.assertTrue(self.driver.retype(
            None, self.volume, self.new_type({
                'maxIOPS': '4000', 'maxMBPS': '250',
                'DistributionType': 'onfailure'}), {}, V3_HOST))
        groups = self.backend.array.groups_of_device(
            self.backend.device_of(self.volume).device_id)
        self.assertEqual(1, len(groups))
        self.assertRegex(groups[0], r'^OS-SRP_1-Diamond-OLTP-Q[0-9A-F]{6}-SG$')
        group = self.backend.array.storage_groups[groups[0]]
        self.assertEqual((4000, 250, 2), (
            group.host_io_limit_iops, group.host_io_limit_mbps,
            group.host_io_distribution))
        self.assertEqual(limits_before, (
            old.host_io_limit_iops, old.host_io_limit_mbps,
            old.host_io_distribution))

    def test_front_end_specs_leave_the_array_alone(self):
        before = self.backend.sim.snapshot()
        self.assertTrue(self.driver.retype(
            None, self.volume, self.new_type({'maxIOPS': '4000'},
                                             consumer='front-end'),
            {}, V3_HOST))
        self.assertFalse(self.backend.sim.diff(before))
