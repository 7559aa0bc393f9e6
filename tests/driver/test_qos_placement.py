"""QoS specs as host I/O limits of storage groups of their own.

A volume type with back-end QoS specs places its volumes in a default
group named for the limits (created with them); attach puts them into
the host's group for those limits; two types with different limits never
share a group, so no volume is ever throttled by another's limits.
Everything is checked in the simulator's model.
"""

from cinder import exception
import fixtures as fixtures_lib
import testtools

from tests.driver import test_attach_support as attach_support
from vmax_flows import hostnames
from vmax_flows import qos
from vmax_sim.model import ops

GOLD = {'maxIOPS': '4000', 'maxMBPS': '250', 'DistributionType': 'always'}
SILVER = {'maxIOPS': '1000'}
TOKEN = r'Q[0-9A-F]{6}'


def limits(group):
    return (group.host_io_limit_iops, group.host_io_limit_mbps,
            group.host_io_distribution)


class QosPlacementTest(testtools.TestCase):

    profile = 'vmax3-allflash'

    def setUp(self):
        super().setUp()
        self.useFixture(fixtures_lib.FakeLogger(level=40))
        self.backend = self.useFixture(
            attach_support.AttachBackend(self.profile))
        self.driver = self.backend.driver
        self.sim = self.backend.sim

    def create(self, qos_specs=None, extra_specs=None, consumer='back-end'):
        vtype = self.backend.volume_type(extra_specs, qos=qos_specs,
                                         consumer=consumer)
        volume = self.backend.volume(size=1, volume_type=vtype)
        volume.update(self.driver.create_volume(volume))
        return volume

    def group_of(self, volume):
        groups = self.backend.groups_of(volume)
        self.assertEqual(1, len(groups), groups)
        return groups[0]

    def test_create_sets_the_limits_on_the_default_group(self):
        volume = self.create(GOLD)
        name = self.group_of(volume)
        self.assertRegex(name, r'^OS-SRP_1-Diamond-OLTP-%s-SG$' % TOKEN)
        self.assertEqual((4000, 250, 3),
                         limits(self.backend.array.storage_groups[name]))

    def test_no_qos_keeps_todays_group_and_front_end_is_ignored(self):
        plain = self.create()
        front = self.create(GOLD, consumer='front-end')
        self.assertEqual(attach_support.DEFAULT_SG, self.group_of(plain))
        self.assertEqual(attach_support.DEFAULT_SG, self.group_of(front))
        self.assertEqual((0, 0, 1), limits(
            self.backend.array.storage_groups[attach_support.DEFAULT_SG]))

    def test_types_of_different_limits_never_share_a_group(self):
        gold, silver, plain = (self.create(GOLD), self.create(SILVER),
                               self.create())
        again = self.create(dict(GOLD))
        names = [self.group_of(v) for v in (gold, silver, plain)]
        self.assertEqual(3, len(set(names)))
        self.assertEqual(names[0], self.group_of(again))
        groups = self.backend.array.storage_groups
        self.assertEqual((1000, 0, 1), limits(groups[names[1]]))
        self.assertEqual((0, 0, 1), limits(groups[names[2]]))
        # Nor on a host: each limits has its own host group, a child of
        # the host's parent (one view).
        for volume in (gold, silver, plain):
            self.backend.attach(volume)
        host_groups = [self.group_of(v) for v in (gold, silver, plain)]
        self.assertEqual(3, len(set(host_groups)))
        self.assertEqual([(4000, 250, 3), (1000, 0, 1), (0, 0, 1)],
                         [limits(groups[g]) for g in host_groups])
        self.assertEqual(1, len(self.backend.array.masking_views))
        self.assertEqual(sorted(host_groups), sorted(groups[
            attach_support.names('compute-1')['parent']].children))

    def test_token_is_stable(self):
        # Groups on arrays are found again by this name: it must never
        # change between releases.
        self.assertEqual('QB60E74', qos.token(
            {'iops': 4000, 'mbps': 250, 'distribution': 3}))
        self.assertEqual(qos.token({'iops': 1000, 'mbps': 0,
                                    'distribution': None}),
                         qos.token({'iops': 1000, 'mbps': 0,
                                    'distribution': 1}))

    def test_attach_puts_the_limits_on_the_hosts_group(self):
        plain = self.create()
        self.backend.attach(plain)
        volume = self.create(GOLD)
        self.backend.attach(volume)
        groups = self.backend.array.storage_groups
        host_group = self.group_of(volume)
        self.assertRegex(host_group,
                         r'^OS-compute-1-SRP_1-Diamond-OLTP-I-%s-SG$'
                         % TOKEN)
        self.assertTrue(hostnames.is_host_storage_group(host_group))
        self.assertEqual((4000, 250, 3), limits(groups[host_group]))
        # The host's plain group (the other volume's) is left alone.
        plain_group = attach_support.names('compute-1')['sg']
        self.assertEqual([plain_group], self.backend.groups_of(plain))
        self.assertEqual((0, 0, 1), limits(groups[plain_group]))
        views = self.backend.views_of(volume)
        self.assertEqual([attach_support.names('compute-1')['mv']], views)

    def test_second_attach_finds_the_group_and_detach_removes_it(self):
        first, second = self.create(GOLD), self.create(GOLD)
        default = self.group_of(first)
        self.backend.attach(first)
        host_group = self.group_of(first)
        self.backend.attach(second)
        self.assertEqual(host_group, self.group_of(second))
        self.backend.detach(first)
        self.assertEqual(default, self.group_of(first))
        self.backend.detach(second)
        self.assertEqual(default, self.group_of(second))
        self.assertNotIn(host_group, self.backend.array.storage_groups)
        self.assertEqual([], list(self.backend.array.masking_views))
        self.assertEqual([], self.backend.orphans())

    def test_volume_made_before_qos_groups_moves_to_them(self):
        # A volume of a QoS type made by an earlier release sits in the
        # type's group without the token: attach takes it from there to
        # the host's group of its limits, detach to the default group of
        # its limits.
        volume = self.create()
        volume.volume_type = self.backend.volume_type(qos=SILVER)
        self.backend.attach(volume)
        host_group = self.group_of(volume)
        self.assertRegex(host_group, r'-I-%s-SG$' % TOKEN)
        self.backend.detach(volume)
        default = self.group_of(volume)
        self.assertRegex(default, r'^OS-SRP_1-Diamond-OLTP-%s-SG$' % TOKEN)
        self.assertEqual((1000, 0, 1), limits(
            self.backend.array.storage_groups[default]))

    def test_detach_last_recreates_a_missing_default_group_with_limits(
            self):
        volume = self.create(SILVER)
        default = self.group_of(volume)
        self.backend.attach(volume)
        # The default group went away while the volume was attached
        # (the last device left it, an administrator deleted it).
        self.backend.seed(ops.delete_storage_group, default)
        self.backend.detach(volume)
        self.assertEqual(default, self.group_of(volume))
        self.assertEqual((1000, 0, 1), limits(
            self.backend.array.storage_groups[default]))

    def test_found_group_without_limits_is_completed(self):
        # A group of this name left without limits (an earlier run that
        # stopped half way) is completed, not refused.
        first = self.create(GOLD)
        name = self.group_of(first)
        self.backend.seed(ops.set_host_io_limits, name,
                          iops=0, mbps=0, distribution=1)
        self.create(GOLD)
        self.assertEqual((4000, 250, 3),
                         limits(self.backend.array.storage_groups[name]))

    def test_found_group_with_other_limits_is_refused(self):
        first = self.create(GOLD)
        name = self.group_of(first)
        self.backend.seed(ops.set_host_io_limits, name,
                          iops=500)
        before = self.sim.snapshot()
        vtype = self.backend.volume_type(qos=GOLD)
        volume = self.backend.volume(size=1, volume_type=vtype)
        error = self.assertRaises(exception.VolumeBackendAPIException,
                                  self.driver.create_volume, volume)
        self.assertIn(name, str(error))
        self.assertIn('maxIOPS 500', str(error))
        self.assertFalse(self.sim.diff(before))

    def test_bad_qos_at_create_and_attach_changes_nothing(self):
        volume = self.create()
        before = self.sim.snapshot()
        bad = self.backend.volume_type(qos={'maxIOPS': '4000',
                                            'DistributionType': 'sometimes'})
        error = self.assertRaises(
            exception.InvalidVolumeType, self.driver.create_volume,
            self.backend.volume(size=1, volume_type=bad))
        self.assertIn("DistributionType 'sometimes'", str(error))
        self.assertIn('valid values: never, onfailure, always', str(error))
        # The volume's type gets a bad QoS spec after it was created.
        volume.volume_type = self.backend.volume_type(qos={'maxIOPs': '1'})
        self.sim.calls.reset()
        error = self.assertRaises(exception.InvalidVolumeType,
                                  self.backend.attach, volume)
        self.assertIn("'maxIOPs'", str(error))
        self.assertIn('maxIOPS, maxMBPS, DistributionType', str(error))
        self.assertFalse(self.sim.diff(before))
        self.assertEqual(0, self.sim.calls.total)

    def test_retype_moves_an_unattached_volume_between_limits(self):
        volume, neighbour = self.create(GOLD), self.create(GOLD)
        gold = self.group_of(volume)
        vtype = self.backend.volume_type(qos=SILVER)
        host = {'host': 'cinder@vmax#p', 'capabilities': {
            'location_info': '%s#SRP_1#Diamond#OLTP' % self.backend.serial}}
        self.assertTrue(self.driver.retype(None, volume, vtype, {}, host))
        silver = self.group_of(volume)
        self.assertNotEqual(gold, silver)
        groups = self.backend.array.storage_groups
        self.assertEqual((1000, 0, 1), limits(groups[silver]))
        # The old group and the volume left in it keep their limits.
        self.assertEqual([gold], self.backend.groups_of(neighbour))
        self.assertEqual((4000, 250, 3), limits(groups[gold]))

    def test_retype_of_an_attached_volume_to_other_limits(self):
        # Cascaded masking: the device moves to the host's child group of
        # the new limits (or of none), keeping its view and LUN; the old
        # child is deleted.
        volume = self.create(GOLD)
        self.backend.attach(volume)
        views = {v: self.backend.lun_of(volume, v)
                 for v in self.backend.views_of(volume)}
        host = {'host': 'cinder@vmax#p', 'capabilities': {
            'location_info': '%s#SRP_1#Diamond#OLTP' % self.backend.serial}}
        gold_group = self.group_of(volume)
        self.assertTrue(self.driver.retype(
            None, volume, self.backend.volume_type(qos=SILVER), {}, host))
        groups = self.backend.array.storage_groups
        self.assertEqual((1000, 0, 1), limits(groups[self.group_of(volume)]))
        self.assertNotIn(gold_group, groups)
        self.assertTrue(self.driver.retype(
            None, volume, self.backend.volume_type(), {}, host))
        self.assertEqual(attach_support.names('compute-1')['sg'],
                         self.group_of(volume))
        self.assertEqual(views, {v: self.backend.lun_of(volume, v)
                                 for v in self.backend.views_of(volume)})
        # Same limits, attached: nothing to do, and True.
        before = self.sim.snapshot()
        self.assertTrue(self.driver.retype(
            None, volume, self.backend.volume_type(), {}, host))
        self.assertFalse(self.sim.diff(before))

    def test_long_names_fit_the_array(self):
        placement = dict(self.driver.default_placement,
                         srp='SRP_WITH_A_LONG_NAME', slo='Optimized',
                         workload='OLTP_REP', disable_compression=True,
                         qos={'iops': 2000000, 'mbps': 100000,
                              'distribution': 3})
        host = hostnames.short_host_name('a-very-long-compute-host-name')
        name = hostnames.host_storage_group(host, placement)
        self.assertLessEqual(len(name), hostnames.MAX_NAME_LENGTH)
        self.assertTrue(hostnames.is_host_storage_group(name))
        self.assertTrue(hostnames.is_host_masking_view(
            hostnames.host_masking_view(host, placement)))


class Vmax2QosPlacementTest(testtools.TestCase):

    def backend(self, **options):
        self.useFixture(fixtures_lib.FakeLogger(level=40))
        return self.useFixture(attach_support.AttachBackend(
            'vmax2', options=options))

    def create(self, backend, qos_specs):
        volume = backend.volume(
            size=1, volume_type=backend.volume_type(qos=qos_specs))
        volume.update(backend.driver.create_volume(volume))
        return volume

    def test_thin_pool_volume_gets_its_limits_at_attach(self):
        # No FAST policy: no default group to carry them (limits act on
        # host I/O only), so the host's group of the limits does.
        backend = self.backend()
        volume = self.create(backend, SILVER)
        self.assertEqual([], backend.groups_of(volume))
        backend.attach(volume)
        [group] = backend.groups_of(volume)
        self.assertRegex(group, r'^OS-compute-1-FC_Pool-I-%s-SG$' % TOKEN)
        self.assertEqual((1000, 0, 1),
                         limits(backend.array.storage_groups[group]))
        backend.detach(volume)
        self.assertEqual([], backend.groups_of(volume))
        self.assertEqual([], backend.orphans())

    def test_fast_policy_group_of_the_limits(self):
        backend = self.backend(vmax_fast_policy='GOLD1')
        volume = self.create(backend, GOLD)
        [group] = backend.groups_of(volume)
        self.assertRegex(group, r'^OS_default_GOLD1_%s_SG$' % TOKEN)
        self.assertEqual('GOLD1',
                         backend.array.storage_groups[group].fast_policy)
        self.assertEqual((4000, 250, 3),
                         limits(backend.array.storage_groups[group]))


class QosRoundTripTest(testtools.TestCase):
    """A QoS type costs at most one round trip more (the limits of a group
    it creates, or the check of a found view's group); types without QoS
    cost exactly what they did."""

    def test_round_trips_with_and_without_qos(self):
        self.useFixture(fixtures_lib.FakeLogger(level=40))
        backend = self.useFixture(attach_support.AttachBackend())
        driver = backend.driver
        # Warm the port-address cache, as a running service has it.
        backend.attach(backend.create_volume(size=1), 'warm-up-host')
        plain_type = backend.volume_type(
            {'storagetype:workload': 'DSS'})
        qos_type = backend.volume_type({'storagetype:workload': 'DSS'},
                                       qos=GOLD)

        def measured(func, *args):
            before = backend.calls()
            func(*args)
            return backend.calls() - before

        def create(volume):
            volume.update(driver.create_volume(volume))
        counts = {}
        for kind, vtype in (('plain', plain_type), ('qos', qos_type)):
            first, second = [backend.volume(size=1, volume_type=vtype)
                             for _ in range(2)]
            counts[kind] = (measured(create, first),
                            measured(create, second),
                            measured(backend.attach, first, 'host-' + kind),
                            measured(backend.attach, second, 'host-' + kind))
        plain = counts['plain']
        # create (new group), create, first attach, second attach
        self.assertEqual((plain[0] + 1, plain[1], plain[2] + 1,
                          plain[3] + 1), counts['qos'], counts)
        # Cascaded masking: first attach +3, second attach +1.
        self.assertEqual((6, 4, 20, 10), plain)
