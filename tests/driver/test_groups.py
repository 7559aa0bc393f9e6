"""Generic volume groups and legacy consistency groups through the
driver, against a simulated array.

Every test reads the array's state: replication groups and their
members, SnapVX snapshots and their point in time, and each device's
content lineage (``Device.lineage`` in the simulator's model).
"""

from cinder import exception
import testtools

from tests.driver import test_replication_support as support
from vmax_flows import naming

GIB = support.GIB


class GroupTestBase(object):
    """Setup and helpers; the group snapshot and group-from-source tests,
    which run on both families (mixed into the test cases below)."""

    profile = 'vmax3-allflash'

    def setUp(self):
        super().setUp()
        self.backend = self.useFixture(support.GroupBackend(self.profile))
        self.driver = self.backend.driver
        self.sim = self.backend.sim
        self.array = self.backend.array

    def make_group(self, count=3):
        group = self.backend.group()
        self.assertEqual({'status': 'available'},
                         self.driver.create_group(None, group))
        volumes = []
        for _ in range(count):
            volume = self.backend.group_volume(group)
            support.apply(volume, self.driver.create_volume(volume))
            volumes.append(volume)
            self.sim.advance(30)
        return group, volumes

    def device(self, cinder_object):
        return self.backend.device_of(cinder_object)

    def members(self, group_or_snapshot):
        return list(self.backend.replication_group(group_or_snapshot)
                    .members)

    def snapshot_group(self, group, volumes):
        group_snapshot = self.backend.group_snapshot(group)
        snapshots = self.backend.member_snapshots(group_snapshot, volumes)
        model, updates = self.driver.create_group_snapshot(
            None, group_snapshot, snapshots)
        self.assertEqual({'status': 'available'}, model)
        self.assertEqual([s.id for s in snapshots],
                         [u['id'] for u in updates])
        for snapshot, update in zip(snapshots, updates):
            self.assertEqual('available', update['status'])
            support.apply(snapshot, update)
        return group_snapshot, snapshots

    def test_group_snapshot_is_one_point_in_time(self):
        group, volumes = self.make_group()
        self.sim.advance(300)
        taken_at = self.sim.clock.now()
        group_snapshot, snapshots = self.snapshot_group(group, volumes)
        self.assertEqual([self.device(s).device_id for s in snapshots],
                         self.members(group_snapshot))
        for volume, snapshot in zip(volumes, snapshots):
            source, target = self.device(volume), self.device(snapshot)
            self.assertEqual(naming.label(snapshot.id), target.label)
            self.assertEqual([(source.device_id, source.wwn, taken_at)],
                             [(o['device_id'], o['wwn'], o['point_in_time'])
                              for o in target.lineage])
            [snap] = self.array.snapshots_of(source.device_id)
            self.assertEqual(taken_at, snap.created_at)
        # One member snapshot serves a volume of its own, with the group
        # snapshot's point in time behind it.
        restored = self.backend.volume(size=1)
        support.apply(restored, self.driver.create_volume_from_snapshot(
            restored, snapshots[1]))
        self.assertEqual(
            [self.device(snapshots[1]).device_id,
             self.device(volumes[1]).device_id],
            [o['device_id'] for o in self.device(restored).lineage])
        self.assertEqual(taken_at,
                         self.device(restored).lineage[1]['point_in_time'])

    def test_group_snapshot_failure_reverts_everything(self):
        group, volumes = self.make_group()
        before = self.sim.snapshot()
        self.sim.faults.add('job_exception', method='CreateGroupReplica',
                            description='SnapVX session limit reached')
        group_snapshot = self.backend.group_snapshot(group)
        error = self.assertRaises(
            exception.VolumeBackendAPIException,
            self.driver.create_group_snapshot, None, group_snapshot,
            self.backend.member_snapshots(group_snapshot, volumes))
        self.assertIn('SnapVX session limit reached', str(error))
        self.assertIn('all changes were reverted', str(error))
        self.assertFalse(self.sim.diff(before), self.sim.diff(before))

    def test_delete_group_snapshot(self):
        group, volumes = self.make_group()
        before = self.sim.snapshot()
        group_snapshot, snapshots = self.snapshot_group(group, volumes)
        model, updates = self.driver.delete_group_snapshot(
            None, group_snapshot, snapshots)
        self.assertEqual({'status': 'deleted'}, model)
        self.assertEqual([{'id': s.id, 'status': 'deleted'}
                          for s in snapshots], updates)
        self.assertFalse(self.sim.diff(before), self.sim.diff(before))

    def test_group_from_group_snapshot(self):
        group, volumes = self.make_group()
        taken_at = self.sim.clock.now()
        group_snapshot, snapshots = self.snapshot_group(group, volumes)
        self.sim.advance(600)
        copied_at = self.sim.clock.now()
        new_group = self.backend.group()
        new_volumes = [self.backend.group_volume(new_group)
                       for _ in snapshots]
        model, updates = self.driver.create_group_from_src(
            None, new_group, new_volumes, group_snapshot=group_snapshot,
            snapshots=snapshots)
        self.assertEqual({'status': 'available'}, model)
        for volume, update in zip(new_volumes, updates):
            self.assertEqual((volume.id, 'available'),
                             (update['id'], update['status']))
            support.apply(volume, update)
        self.assertEqual([self.device(v).device_id for v in new_volumes],
                         self.members(new_group))
        for new, snapshot, volume in zip(new_volumes, snapshots, volumes):
            device = self.device(new)
            self.assertEqual(naming.label(new.id), device.label)
            self.assertEqual(
                [(self.device(snapshot).device_id, copied_at),
                 (self.device(volume).device_id, taken_at)],
                [(o['device_id'], o['point_in_time'])
                 for o in device.lineage])
            self.assertEqual([], self.sim.estate.relationships_of(
                self.backend.serial, device.device_id))

    def test_group_from_source_group(self):
        group, volumes = self.make_group()
        self.sim.advance(60)
        copied_at = self.sim.clock.now()
        new_group = self.backend.group()
        new_volumes = [self.backend.group_volume(new_group)
                       for _ in volumes]
        _, updates = self.driver.create_group_from_src(
            None, new_group, new_volumes, source_group=group,
            source_vols=volumes)
        for new, volume, update in zip(new_volumes, volumes, updates):
            support.apply(new, update)
            self.assertEqual([(self.device(volume).device_id, copied_at)],
                             [(o['device_id'], o['point_in_time'])
                              for o in self.device(new).lineage])
        self.assertEqual({}, self.sim.estate.group_relationships)


class GroupTest(GroupTestBase, testtools.TestCase):
    """VMAX3, plus what does not depend on the family: membership,
    generic groups, deletes, legacy methods, stats."""

    def test_volumes_created_in_a_group_join_its_replication_group(self):
        group, volumes = self.make_group()
        self.assertEqual([self.device(v).device_id for v in volumes],
                         self.members(group))

    def test_generic_groups_are_left_to_cinder(self):
        group = self.backend.group(consistent=False)
        before = self.sim.snapshot()
        self.assertRaises(NotImplementedError, self.driver.create_group,
                          None, group)
        volume = self.backend.group_volume(group)
        support.apply(volume, self.driver.create_volume(volume))
        self.assertRaises(NotImplementedError, self.driver.update_group,
                          None, group, [volume], [])
        self.assertRaises(NotImplementedError, self.driver.delete_group,
                          None, group, [volume])
        snapshot = self.backend.group_snapshot(group)
        self.assertRaises(NotImplementedError,
                          self.driver.create_group_snapshot, None, snapshot,
                          [])
        self.assertEqual({}, self.array.replication_groups)
        # The volume itself was created, in no replication group.
        self.assertEqual([], self.array.replication_groups_of_device(
            self.device(volume).device_id))
        self.assertEqual(['device'], [
            key.kind for key, _ in self.sim.diff(before).created
            if key.kind != 'sg'])

    def test_update_group(self):
        group, volumes = self.make_group(2)
        loose = self.backend.create_volume(size=1)
        self.assertEqual((None, None, None), self.driver.update_group(
            None, group, add_volumes=[loose], remove_volumes=[volumes[0]]))
        self.assertEqual([self.device(volumes[1]).device_id,
                          self.device(loose).device_id], self.members(group))

    def test_group_snapshot_of_an_empty_group_is_refused(self):
        group, _ = self.make_group(0)
        before = self.sim.snapshot()
        error = self.assertRaises(
            exception.InvalidInput, self.driver.create_group_snapshot, None,
            self.backend.group_snapshot(group), [])
        self.assertIn('has no snapshots', str(error))
        self.assertFalse(self.sim.diff(before))

    def test_group_from_source_with_replicated_types_is_refused(self):
        group, volumes = self.make_group(1)
        new_group = self.backend.group()
        new_volume = self.backend.group_volume(
            new_group, extra_specs=support.REPLICATED)
        before = self.sim.snapshot()
        error = self.assertRaises(
            exception.InvalidInput, self.driver.create_group_from_src, None,
            new_group, [new_volume], source_group=group, source_vols=volumes)
        self.assertIn('replicated volumes', str(error))
        self.assertFalse(self.sim.diff(before))

    def test_delete_group_deletes_its_volumes(self):
        before = self.sim.snapshot()
        group, volumes = self.make_group()
        model, updates = self.driver.delete_group(None, group, volumes)
        self.assertEqual({'status': 'deleted'}, model)
        self.assertEqual([{'id': v.id, 'status': 'deleted'}
                          for v in volumes], updates)
        self.assertIsNone(self.backend.replication_group(group))
        # At most the default storage group stays, empty.
        diff = self.sim.diff(before)
        self.assertEqual([g for g in [
            self.driver.default_placement['storage_group']] if g],
            [key.ident for key, _ in diff.created])
        self.assertEqual(([], []), (diff.changed, diff.deleted))

    def test_delete_group_reports_each_volume(self):
        group, volumes = self.make_group()
        self.sim.faults.add('job_exception',
                            method='ReturnElementsToStoragePool', nth=2,
                            description='device busy')
        model, updates = self.driver.delete_group(None, group, volumes)
        self.assertEqual({'status': 'error_deleting'}, model)
        self.assertEqual(['deleted', 'error_deleting', 'deleted'],
                         [u['status'] for u in updates])
        # The group and the volume that could not go are still there.
        self.assertEqual([self.device(volumes[1]).device_id],
                         self.members(group))

    def test_legacy_consistency_group_methods(self):
        cg = self.backend.consistency_group()
        self.assertEqual({'status': 'available'},
                         self.driver.create_consistencygroup(None, cg))
        volumes = [self.backend.create_volume(size=1) for _ in range(2)]
        self.driver.update_consistencygroup(None, cg, add_volumes=volumes)
        self.assertEqual([self.device(v).device_id for v in volumes],
                         self.members(cg))
        cgsnapshot = self.backend.cgsnapshot(cg)
        snapshots = [self.backend.snapshot(v) for v in volumes]
        model, updates = self.driver.create_cgsnapshot(None, cgsnapshot,
                                                       snapshots)
        for snapshot, update in zip(snapshots, updates):
            support.apply(snapshot, update)
        times = {self.device(s).lineage[0]['point_in_time']
                 for s in snapshots}
        self.assertEqual(1, len(times))
        new_cg = self.backend.consistency_group()
        new_volumes = [self.backend.volume(size=1) for _ in snapshots]
        _, updates = self.driver.create_consistencygroup_from_src(
            None, new_cg, new_volumes, cgsnapshot=cgsnapshot,
            snapshots=snapshots)
        for volume, update in zip(new_volumes, updates):
            support.apply(volume, update)
        self.assertEqual([self.device(v).device_id for v in new_volumes],
                         self.members(new_cg))
        self.driver.delete_cgsnapshot(None, cgsnapshot, snapshots)
        self.assertIsNone(self.backend.replication_group(cgsnapshot))
        model, _ = self.driver.delete_consistencygroup(None, new_cg,
                                                       new_volumes)
        self.assertEqual({'status': 'deleted'}, model)
        self.assertIsNone(self.backend.replication_group(new_cg))
        self.assertEqual([], self.backend.devices_labelled(new_volumes[0]))

    def test_stats_offer_consistent_group_snapshots(self):
        stats = self.driver.get_volume_stats(refresh=True)
        self.assertTrue(stats['consistent_group_snapshot_enabled'])
        self.assertTrue(stats['pools'][0]['consistent_group_snapshot_enabled'])
        self.assertFalse(stats['replication_enabled'])


class Vmax2GroupTest(GroupTestBase, testtools.TestCase):
    """VMAX2: TimeFinder clone group replicas."""

    profile = 'vmax2'

    def test_group_snapshot_is_one_point_in_time(self):
        group, volumes = self.make_group()
        taken_at = self.sim.clock.now()
        group_snapshot, snapshots = self.snapshot_group(group, volumes)
        for volume, snapshot in zip(volumes, snapshots):
            self.assertEqual(
                [(self.device(volume).device_id, taken_at, 'clone')],
                [(o['device_id'], o['point_in_time'], o['via'])
                 for o in self.device(snapshot).lineage])
