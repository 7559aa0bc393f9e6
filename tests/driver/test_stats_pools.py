"""Pool-aware stats: every figure against the simulator's own accounting,
multi-pool reporting, and round trips independent of the device count."""

from oslo_config import cfg
import testtools

from tests import fixtures
from vmax_driver import options
from vmax_sim.model import ops

GIB = 1024 ** 3


def multi_pool_backend(test, profile='vmax3-hybrid'):
    """A backend with vmax_multi_pool_support = True."""
    backend = test.useFixture(fixtures.SimulatedBackend(profile))
    backend.driver.configuration.append_config_values(options.pool_opts)
    cfg.CONF.set_override('vmax_multi_pool_support', True,
                          group=backend.section)
    test.addCleanup(cfg.CONF.clear_override, 'vmax_multi_pool_support',
                    group=backend.section)
    return backend


class StatsTestMixin(object):

    def pool_figures(self, backend, pool_name):
        usage = backend.array.pool_usage(pool_name)
        return (usage.total_bytes // GIB, usage.remaining_bytes // GIB,
                usage.subscribed_bytes // GIB)

    def reported(self, pool):
        return (pool['total_capacity_gb'], pool['free_capacity_gb'],
                pool['provisioned_capacity_gb'])


class Vmax3StatsTest(StatsTestMixin, testtools.TestCase):

    def setUp(self):
        super().setUp()
        self.backend = self.useFixture(
            fixtures.SimulatedBackend('vmax3-hybrid'))
        self.driver = self.backend.driver

    def test_figures_follow_creates_and_deletes(self):
        volumes = [self.backend.create_volume(size=s) for s in (3, 7, 11)]
        stats = self.driver.get_volume_stats(refresh=True)
        pool = stats['pools'][0]
        self.assertEqual(self.pool_figures(self.backend, 'SRP_1'),
                         self.reported(pool))
        self.assertEqual(21, pool['provisioned_capacity_gb'])
        self.driver.delete_volume(volumes[1])
        pool = self.driver.get_volume_stats(refresh=True)['pools'][0]
        self.assertEqual(self.pool_figures(self.backend, 'SRP_1'),
                         self.reported(pool))
        self.assertEqual(14, pool['provisioned_capacity_gb'])

    def test_every_field(self):
        stats = self.driver.get_volume_stats(refresh=True)
        pool = stats['pools'][0]
        self.assertEqual(
            {'pool_name': 'Gold+DSS+SRP_1+000197200056',
             'location_info': '000197200056#SRP_1#Gold#DSS',
             'reserved_percentage': 10,
             'max_over_subscription_ratio': 20.0,
             'thin_provisioning_support': True,
             'thick_provisioning_support': False,
             'QoS_support': True, 'compression_support': False,
             'replication_enabled': False,
             'service_level': 'Gold', 'workload': 'DSS'},
            {key: pool[key] for key in (
                'pool_name', 'location_info', 'reserved_percentage',
                'max_over_subscription_ratio', 'thin_provisioning_support',
                'thick_provisioning_support', 'QoS_support',
                'compression_support', 'replication_enabled',
                'service_level', 'workload')})
        for key in ('consistencygroup_support',
                    'consistent_group_snapshot_enabled'):
            self.assertIn(key, pool)
        self.assertEqual(('Dell EMC', self.driver.VERSION, 'iSCSI'),
                         (stats['vendor_name'], stats['driver_version'],
                          stats['storage_protocol']))

    def test_multi_pool_one_pool_per_level(self):
        backend = multi_pool_backend(self)
        backend.create_volume(size=4)
        backend.sim.calls.reset()
        stats = backend.driver.get_volume_stats(refresh=True)
        names = [p['pool_name'] for p in stats['pools']]
        # 5 levels x 5 workloads + Optimized.
        self.assertEqual(26, len(names))
        self.assertIn('Bronze+OLTP_REP+SRP_1+000197200056', names)
        self.assertIn('Optimized+NONE+SRP_1+000197200056', names)
        for pool in stats['pools']:
            self.assertEqual(self.pool_figures(backend, 'SRP_1'),
                             self.reported(pool))
        # The SRP is read once for all 26 pools, plus the licences.
        self.assertLessEqual(backend.sim.calls.total, 3)

    def test_pool_name_of_multi_pool_is_accepted_by_types(self):
        backend = multi_pool_backend(self)
        stats = backend.driver.get_volume_stats(refresh=True)
        name = stats['pools'][5]['pool_name']
        volume = backend.create_volume(size=1,
                                       extra_specs={'pool_name': name})
        slo, workload = name.split('+')[:2]
        self.assertEqual(
            'OS-SRP_1-%s-%s-SG' % (slo, workload),
            backend.array.groups_of_device(
                backend.device_of(volume).device_id)[0])


class Vmax2StatsTest(StatsTestMixin, testtools.TestCase):

    def test_figures_follow_creates_and_deletes(self):
        backend = self.useFixture(fixtures.SimulatedBackend('vmax2'))
        volume = backend.create_volume(size=6)
        backend.create_volume(size=2)
        pool = backend.driver.get_volume_stats(refresh=True)['pools'][0]
        self.assertEqual(self.pool_figures(backend, 'FC_Pool'),
                         self.reported(pool))
        self.assertEqual((8, '000195900551#FC_Pool#None', None),
                         (pool['provisioned_capacity_gb'],
                          pool['location_info'], pool['service_level']))
        backend.driver.delete_volume(volume)
        pool = backend.driver.get_volume_stats(refresh=True)['pools'][0]
        self.assertEqual(2, pool['provisioned_capacity_gb'])
        self.assertEqual(self.pool_figures(backend, 'FC_Pool'),
                         self.reported(pool))


class RoundTripTest(testtools.TestCase):

    def calls_with(self, profile, devices):
        sim = fixtures.simulator(profile)
        backend = self.useFixture(fixtures.SimulatedBackend(profile,
                                                            sim=sim))
        pool = fixtures.PROFILE_ARRAYS[profile]['pool']
        with sim.dispatcher.lock:
            ops.create_volumes(sim.estate, backend.serial, 'bulk', GIB,
                               devices, pool=pool)
        sim.calls.reset()
        stats = backend.driver.get_volume_stats(refresh=True)
        self.assertEqual(devices, stats['pools'][0]['provisioned_capacity_gb'])
        return sim.calls.total

    def test_round_trips_do_not_grow_with_devices(self):
        for profile in ('vmax3-allflash', 'vmax2'):
            few = self.calls_with(profile, 10)
            many = self.calls_with(profile, 2000)
            self.assertEqual(few, many, profile)
            self.assertLessEqual(many, 3, profile)
