"""Consistency group flows against simulated arrays, through the runner.

State is read from the simulator's model: replication groups, SnapVX
snapshots and their point in time, group relationships, and each
device's content lineage (``Device.lineage``).
"""

import uuid

import testtools

from tests.flows import test_cg_support as support
from vmax_flows import exceptions
from vmax_flows.flows import cg_common
from vmax_flows.flows import common
from vmax_flows.flows import create_group
from vmax_flows.flows import create_group_from_src
from vmax_flows.flows import create_group_snapshot
from vmax_flows.flows import create_volume_in_group
from vmax_flows.flows import delete_group
from vmax_flows.flows import delete_group_snapshot
from vmax_flows.flows import update_group
from vmax_flows import naming
from vmax_sim.model import ops

SNAPVX = 7
CLONE = 8


def new_id():
    return str(uuid.uuid4())


class GroupEnv(object):
    """A site with ``count`` volumes in one consistency group."""

    def __init__(self, profile='vmax3-allflash', count=3, **settings):
        self.site = support.Site(profile, **settings)
        self.sim = self.site.sim
        self.group_id = new_id()
        self.volumes = self.site.create_volumes(count)
        self.site.run(create_group, cg_common.group_request(self.group_id))
        if count:
            self.update(adds=self.volumes)

    @property
    def rg_name(self):
        return naming.label(self.group_id)

    def update(self, adds=(), removes=()):
        placement = self.site.placement
        return self.site.run(update_group, cg_common.update_group_request(
            self.group_id, adds, [placement] * len(adds), removes,
            [placement] * len(removes)))

    def snapshot_request(self, volumes=None, group_snapshot_id=None):
        volumes = self.volumes if volumes is None else volumes
        snapshots = [common.item('snapshot', new_id(), v['size_gb'])
                     for v in volumes]
        return cg_common.group_snapshot_request(
            self.group_id, group_snapshot_id or new_id(), volumes,
            snapshots, [self.site.placement] * len(volumes))

    def snapshot(self, request):
        """Run create_group_snapshot; return located snapshot items."""
        outcome = self.site.run(
            create_group_snapshot, request,
            results=create_group_snapshot.result_names(request))
        return [support.located(request[cg_common.name('snapshot', i)],
                                outcome[cg_common.name('target_device', i)],
                                self.site.serial)
                for i in range(request['member_count'])]

    def delete_snapshot_request(self, request, snapshots):
        return cg_common.delete_group_snapshot_request(
            self.group_id, request['group_snapshot']['id'], snapshots,
            [self.site.placement] * len(snapshots))

    def from_source_request(self, source_kind, source_id, sources,
                            group_id=None):
        volumes = [common.item('volume', new_id(), s['size_gb'])
                   for s in sources]
        placements = [self.site.placement] * len(sources)
        return cg_common.group_from_source_request(
            group_id or new_id(), source_kind, source_id, volumes,
            placements, sources, placements)

    def from_source(self, request):
        outcome = self.site.run(
            create_group_from_src, request,
            results=create_group_from_src.result_names(request))
        return [outcome[cg_common.name('device', i)]
                for i in range(request['member_count'])]


class GroupTestBase(testtools.TestCase):

    profile = 'vmax3-allflash'
    sync_type = SNAPVX

    def setUp(self):
        super().setUp()
        support.quiet(self)
        self.env = GroupEnv(self.profile)
        self.site = self.env.site
        self.array = self.site.array
        self.sim = self.env.sim

    def member_ids(self, name):
        return list(self.array.replication_groups[name].members)

    def source_ids(self):
        return [v['location']['device_id'] for v in self.env.volumes]


class GroupMembershipTest(GroupTestBase):
    """create / update / delete group, volumes created in a group (the
    same on both families: replication groups only)."""

    def test_group_holds_the_volumes_in_order(self):
        self.assertEqual(self.source_ids(),
                         self.member_ids(self.env.rg_name))

    def test_create_group_retried_changes_nothing(self):
        before = self.sim.snapshot()
        outcome = self.site.run(create_group,
                                cg_common.group_request(self.env.group_id),
                                results=('replication_group',))
        self.assertEqual({'name': self.env.rg_name,
                          'members': self.source_ids(), 'created': False},
                         outcome['replication_group'])
        self.assertFalse(self.sim.diff(before))

    def test_update_removes_and_adds(self):
        first, second, third = self.env.volumes
        self.env.update(removes=[second])
        self.assertEqual([first['location']['device_id'],
                          third['location']['device_id']],
                         self.member_ids(self.env.rg_name))
        # Removing again, or adding what is there, changes nothing.
        before = self.sim.snapshot()
        self.env.update(adds=[first], removes=[second])
        self.assertFalse(self.sim.diff(before))
        self.env.update(adds=[second])
        self.assertEqual(
            [first['location']['device_id'], third['location']['device_id'],
             second['location']['device_id']],
            self.member_ids(self.env.rg_name))

    def test_update_whose_removal_fails_takes_the_addition_back(self):
        [extra] = self.site.create_volumes(1)
        before = self.sim.snapshot()
        self.sim.faults.add('job_exception', method='RemoveMembers',
                            description='group is busy')
        error = self.assertRaises(exceptions.FlowFailed, self.env.update,
                                  adds=[extra],
                                  removes=[self.env.volumes[0]])
        self.assertIn('group is busy', str(error))
        self.assertIn('update_group.remove_from_replication_group',
                      str(error))
        self.assertFalse(self.sim.diff(before), self.sim.diff(before))

    def test_volume_created_in_group_joins_it(self):
        volume = common.item('volume', new_id(), 1)
        request = {'volume': volume, 'placement': self.site.placement,
                   'group': cg_common.group('group', self.env.group_id)}
        device = self.site.run(create_volume_in_group, request,
                               results=('device',))['device']
        self.assertEqual(self.source_ids() + [device['device_id']],
                         self.member_ids(self.env.rg_name))

    def test_volume_created_in_missing_group_is_refused_first(self):
        before = self.sim.snapshot()
        self.sim.calls.reset()
        request = {'volume': common.item('volume', new_id(), 1),
                   'placement': self.site.placement,
                   'group': cg_common.group('group', new_id())}
        error = self.assertRaises(exceptions.FlowFailed, self.site.run,
                                  create_volume_in_group, request)
        self.assertIn('No replication group for group', str(error))
        self.assertEqual(0, self.sim.calls.count('InvokeMethod'))
        self.assertFalse(self.sim.diff(before))

    def test_delete_group_releases_the_volumes(self):
        self.site.run(delete_group,
                      cg_common.group_request(self.env.group_id))
        self.assertNotIn(self.env.rg_name, self.array.replication_groups)
        for device_id in self.source_ids():
            self.assertIn(device_id, self.array.devices)
        before = self.sim.snapshot()
        self.site.run(delete_group,
                      cg_common.group_request(self.env.group_id))
        self.assertFalse(self.sim.diff(before))

    def test_group_made_by_the_2x_driver_is_found(self):
        # The 2.x driver named groups "<display name>_<uuid>".
        group_id = new_id()
        legacy = 'my_cg_%s' % group_id
        ops.create_replication_group(self.sim.estate, self.site.serial,
                                     legacy, self.source_ids()[:1])
        before = self.sim.snapshot()
        outcome = self.site.run(create_group,
                                cg_common.group_request(group_id),
                                results=('replication_group',))
        self.assertEqual(legacy, outcome['replication_group']['name'])
        self.assertFalse(self.sim.diff(before))


class Vmax3GroupReplicaTest(GroupTestBase):
    """Group snapshots and groups from a source: SnapVX on VMAX3."""

    def test_group_snapshot_is_one_point_in_time(self):
        self.sim.advance(60)
        taken_at = self.sim.clock.now()
        request = self.env.snapshot_request()
        snapshots = self.env.snapshot(request)
        target_rg = request['group_snapshot']['rg_name']
        targets = [s['location']['device_id'] for s in snapshots]
        self.assertEqual(targets, self.member_ids(target_rg))
        group_rels = list(self.sim.estate.group_relationships.values())
        self.assertEqual(1, len(group_rels))
        group_rel = group_rels[0]
        self.assertEqual((self.env.rg_name, target_rg, self.sync_type),
                         (group_rel.source_group, group_rel.target_group,
                          group_rel.sync_type))
        # Every member: its own target, the same point in time, the
        # volume's identity in the target's lineage.
        for volume, snapshot in zip(self.env.volumes, snapshots):
            source = self.site.device(volume)
            target = self.site.device(snapshot)
            self.assertEqual(snapshot['label'], target.label)
            self.assertEqual(source.size_bytes, target.size_bytes)
            [origin] = target.lineage
            self.assertEqual(
                (source.device_id, source.wwn, source.label, taken_at),
                (origin['device_id'], origin['wwn'], origin['label'],
                 origin['point_in_time']))
        if self.sync_type == SNAPVX:
            times = {snap.created_at for v in self.env.volumes
                     for snap in self.array.snapshots_of(
                         v['location']['device_id'])}
            self.assertEqual({taken_at}, times)
            for rel_id in group_rel.member_rel_ids:
                self.assertEqual(4, self.sim.estate.relationships[
                    rel_id].copy_state)

    def test_group_snapshot_pairs_follow_the_group_order(self):
        # Requests list the volumes in another order than the group holds
        # them: each snapshot must still be its own volume's.
        shuffled = [self.env.volumes[2], self.env.volumes[0],
                    self.env.volumes[1]]
        request = self.env.snapshot_request(shuffled)
        snapshots = self.env.snapshot(request)
        for volume, snapshot in zip(shuffled, snapshots):
            self.assertEqual(volume['location']['device_id'],
                             self.site.device(snapshot).lineage[0][
                                 'device_id'])

    def test_group_snapshot_retried_changes_nothing(self):
        request = self.env.snapshot_request()
        first = self.env.snapshot(request)
        before = self.sim.snapshot()
        self.assertEqual(first, self.env.snapshot(request))
        self.assertFalse(self.sim.diff(before), self.sim.diff(before))

    def test_group_snapshot_refused_when_group_and_request_differ(self):
        [stray] = self.site.create_volumes(1)
        self.env.update(adds=[stray])
        before = self.sim.snapshot()
        self.sim.calls.reset()
        error = self.assertRaises(exceptions.FlowFailed, self.env.snapshot,
                                  self.env.snapshot_request())
        self.assertIsInstance(error.cause, exceptions.InvalidRequest)
        self.assertIn('not requested: %s' % stray['location']['device_id'],
                      str(error))
        self.assertEqual(0, self.sim.calls.count('InvokeMethod'))
        self.assertFalse(self.sim.diff(before))

    def test_group_snapshot_fault_at_each_step_reverts_everything(self):
        group_snapshot_id = new_id()

        def run(env):
            env.snapshot(env.snapshot_request(
                group_snapshot_id=group_snapshot_id))
        steps = support.fail_each_step(self, self.env, run, min_steps=5)
        self.assertIn(('CreateGroupReplica', 1), steps)

    def test_delete_group_snapshot_removes_everything(self):
        before = self.sim.snapshot()
        request = self.env.snapshot_request()
        snapshots = self.env.snapshot(request)
        delete = self.env.delete_snapshot_request(request, snapshots)
        self.site.run(delete_group_snapshot, delete)
        self.assertFalse(self.sim.diff(before), self.sim.diff(before))
        self.assertEqual({}, self.sim.estate.group_relationships)
        # Twice: nothing left to do.
        self.sim.calls.reset()
        self.site.run(delete_group_snapshot, delete)
        self.assertEqual(0, self.sim.calls.count('InvokeMethod'))
        self.assertFalse(self.sim.diff(before))

    def test_delete_group_snapshot_failures(self):
        request = self.env.snapshot_request()
        delete = self.env.delete_snapshot_request(
            request, self.env.snapshot(request))
        before = self.sim.snapshot()
        # Before the group replica ends (taking the targets out of their
        # storage groups) a failure reverts everything.
        self.sim.faults.add('job_exception', method='RemoveMembers', nth=2)
        self.assertRaises(exceptions.FlowFailed, self.site.run,
                          delete_group_snapshot, delete)
        support.assert_unchanged(self, self.sim, before)
        # After it, a failure leaves a group snapshot that a retried
        # delete finishes.
        self.sim.faults.add('job_exception',
                            method='ReturnElementsToStoragePool', nth=2)
        self.assertRaises(exceptions.FlowFailed, self.site.run,
                          delete_group_snapshot, delete)
        self.site.run(delete_group_snapshot, delete)
        self.assertEqual({}, self.sim.estate.group_relationships)
        self.assertEqual([], [d.device_id for d in self.array.devices.values()
                              if d.lineage])
        self.assertNotIn(request['group_snapshot']['rg_name'],
                         self.array.replication_groups)

    def test_group_from_group_snapshot_lineage(self):
        self.sim.advance(60)
        taken_at = self.sim.clock.now()
        request = self.env.snapshot_request()
        snapshots = self.env.snapshot(request)
        self.sim.advance(600)
        copied_at = self.sim.clock.now()
        from_src = self.env.from_source_request(
            'group_snapshot', request['group_snapshot']['id'], snapshots)
        devices = self.env.from_source(from_src)
        new_rg = from_src['group']['rg_name']
        self.assertEqual([d['device_id'] for d in devices],
                         self.member_ids(new_rg))
        for i, (volume, snapshot, device) in enumerate(
                zip(self.env.volumes, snapshots, devices)):
            new = self.array.devices[device['device_id']]
            item = from_src[cg_common.name('volume', i)]
            self.assertEqual(item['label'], new.label)
            self.assertEqual(
                [(snapshot['location']['device_id'], copied_at),
                 (volume['location']['device_id'], taken_at)],
                [(o['device_id'], o['point_in_time']) for o in new.lineage])
            # Independent: no pair left, no snapshot left on the source.
            self.assertEqual([], self.sim.estate.relationships_of(
                self.site.serial, new.device_id))
            self.assertEqual([], self.array.snapshots_of(
                snapshot['location']['device_id']))
        # The group snapshot itself is untouched.
        self.assertEqual(1, len(self.sim.estate.group_relationships))

    def test_group_from_source_group_is_one_point_in_time(self):
        self.sim.advance(60)
        copied_at = self.sim.clock.now()
        from_src = self.env.from_source_request(
            'group', self.env.group_id, self.env.volumes)
        devices = self.env.from_source(from_src)
        for volume, device in zip(self.env.volumes, devices):
            new = self.array.devices[device['device_id']]
            self.assertEqual([(volume['location']['device_id'], copied_at)],
                             [(o['device_id'], o['point_in_time'])
                              for o in new.lineage])
        self.assertEqual({}, self.sim.estate.group_relationships)
        self.assertEqual([], [r for r in
                              self.sim.estate.relationships.values()])

    def test_group_from_source_fault_at_each_step(self):
        group_id = new_id()

        def run(env):
            env.from_source(env.from_source_request(
                'group', env.group_id, env.volumes, group_id=group_id))
        steps = support.fail_each_step(self, self.env, run, min_steps=6)
        self.assertIn(('CreateGroupReplica', 1), steps)


class Vmax2GroupReplicaTest(Vmax3GroupReplicaTest):
    """VMAX2: TimeFinder clones (SyncType 8) instead of SnapVX."""

    profile = 'vmax2'
    sync_type = CLONE
