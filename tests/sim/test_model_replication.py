"""Replication in the domain model: SnapVX, clones, SRDF, replication
groups and group snapshots, with copy progress driven by the clock."""

from vmax_sim import model
from vmax_sim.model import admin
from vmax_sim.model import errors
from vmax_sim.model import objects as o
from vmax_sim.model import ops

from tests.sim import test_model_support as base

GIB = base.GIB
V3 = base.V3
V2 = base.V2
REMOTE = base.V3_REMOTE
SG = base.DIAMOND_SG


class SnapVxTest(base.ModelTestCase):

    def test_replica_with_array_created_target_copies_with_clock(self):
        src = self.volume('OS-src', 10)
        rel = ops.create_snapvx_replica(self.estate, V3, src.device_id,
                                        'OS-snap', target_storage_group=SG)
        arr = self.estate.arrays[V3]
        target = arr.devices[rel.target_device]
        self.assertEqual(('OS-snap', 10 * GIB, [SG]),
                         (target.label, target.size_bytes,
                          arr.groups_of_device(target.device_id)))
        self.assertEqual((o.SYNC_TYPE_SNAPSHOT, o.COPY_STATE_IN_PROGRESS,
                          0), (rel.sync_type, rel.copy_state,
                               rel.percent_synced))
        # 1024 MiB/s: 10 GiB take 10 s.
        self.estate.advance(4)
        self.assertEqual((40, o.COPY_STATE_IN_PROGRESS),
                         (rel.percent_synced, rel.copy_state))
        self.estate.advance(6)
        self.assertEqual((100, o.COPY_STATE_SYNCHRONIZED,
                          o.SYNC_STATE_SYNCHRONIZED),
                         (rel.percent_synced, rel.copy_state,
                          rel.sync_state))
        self.assertIs(rel, self.estate.relationship_between(
            (V3, src.device_id), (V3, target.device_id)))

    def test_dissolve_refused_while_copying_unless_forced(self):
        src = self.volume('OS-src', 10)
        rel = ops.create_snapvx_replica(self.estate, V3, src.device_id,
                                        'OS-snap')
        self.estate.advance(5)
        self.assertRefused(
            errors.copy_in_progress('dissolve', '%s:%s' % rel.source_key,
                                    '%s:%s' % rel.target_key, 50),
            ops.modify_synchronization, self.estate, rel.rel_id, 9)
        self.assertEqual(
            'Cannot dissolve the copy session 000197800123:00100 -> '
            '000197800123:00101: the copy is in progress (50% synced); '
            'use Force',
            errors.copy_in_progress('dissolve', '%s:%s' % rel.source_key,
                                    '%s:%s' % rel.target_key, 50))
        ops.modify_synchronization(self.estate, rel.rel_id, 9, force=True)
        self.assertEqual({}, self.estate.relationships)
        self.assertEqual([], self.estate.arrays[V3].snapshots_of(
            src.device_id))

    def test_dissolve_after_sync_makes_target_independent(self):
        src = self.volume('OS-src', 1)
        rel = ops.create_snapvx_replica(self.estate, V3, src.device_id,
                                        'OS-snap')
        self.estate.advance(1)
        before = self.estate.snapshot()
        ops.dissolve(self.estate, rel.rel_id)
        diff = self.estate.diff(since=before)
        self.assertEqual(['relationship', 'snapshot'],
                         sorted(k.kind for k in diff.deleted_keys()))
        ops.delete_volume(self.estate, V3, rel.target_device)
        self.assertNotIn(rel.target_device, self.estate.arrays[V3].devices)

    def test_generations_when_a_name_is_reused(self):
        src = self.volume('OS-src', 1)
        target = ops.create_volume(self.estate, V3, 't', GIB, pool='SRP_1')
        first = ops.create_snapshot(self.estate, V3, src.device_id, 'daily')
        rel = ops.link_snapshot(self.estate, V3, src.device_id, 'daily',
                                target.device_id)
        self.assertEqual(0, rel.generation)
        self.estate.advance(60)
        second = ops.create_snapshot(self.estate, V3, src.device_id,
                                     'daily')
        self.assertEqual((1, 0), (first.generation, second.generation))
        self.assertEqual(1, rel.generation)
        self.assertEqual(first.snap_id, rel.snap_id)
        ops.terminate_snapshot(self.estate, V3, src.device_id, 'daily', 0)
        self.assertEqual(0, first.generation)
        self.assertEqual(0, rel.generation)

    def test_terminate_linked_snapshot_refused(self):
        src = self.volume('OS-src', 1)
        ops.create_snapvx_replica(self.estate, V3, src.device_id, 'snap')
        self.assertRefused(
            errors.snapshot_has_links(src.device_id, 'snap', 1),
            ops.terminate_snapshot, self.estate, V3, src.device_id, 'snap')

    def test_unlink_keeps_the_snapshot(self):
        src = self.volume('OS-src', 1)
        rel = ops.create_snapvx_replica(self.estate, V3, src.device_id,
                                        'snap', copy=False)
        self.assertEqual(o.COPY_STATE_SYNCHRONIZED, rel.copy_state)
        ops.unlink_snapshot(self.estate, rel.rel_id)
        self.assertEqual(['snap'], [s.name for s in self.estate.arrays[V3]
                                    .snapshots_of(src.device_id)])

    def test_per_source_snapshot_cap(self):
        self.estate.arrays[V3].snapvx_max_per_source = 3
        src = self.volume('OS-src', 1)
        for i in range(3):
            ops.create_snapshot(self.estate, V3, src.device_id, 's%d' % i)
        self.assertRefused(errors.snapvx_cap(src.device_id, 3),
                           ops.create_snapshot, self.estate, V3,
                           src.device_id, 's3')
        self.assertRefused(errors.snapvx_cap(src.device_id, 3),
                           ops.create_snapvx_replica, self.estate, V3,
                           src.device_id, 's3', target_storage_group=SG)

    def test_not_licensed(self):
        src = self.volume('OS-src', 1)
        admin.set_licence(self.estate, V3, 'snapvx', False)
        self.assertRefused('SnapVX is not licensed on array %s' % V3,
                           ops.create_snapvx_replica, self.estate, V3,
                           src.device_id, 'snap')

    def test_target_rules(self):
        src = self.volume('OS-src', 2)
        small = ops.create_volume(self.estate, V3, 'small', GIB,
                                  pool='SRP_1')
        self.assertRefused(
            errors.target_too_small(small.device_id, GIB, src.device_id,
                                    2 * GIB),
            ops.create_snapvx_replica, self.estate, V3, src.device_id,
            'snap', target=small.device_id)
        self.assertRefused(errors.same_device(src.device_id),
                           ops.create_snapvx_replica, self.estate, V3,
                           src.device_id, 'snap', target=src.device_id)
        rel = ops.create_snapvx_replica(self.estate, V3, src.device_id,
                                        'snap')
        self.assertRefused(errors.device_in_use_by_copy(rel.target_device),
                           ops.create_snapvx_replica, self.estate, V3,
                           src.device_id, 'snap2',
                           target=rel.target_device)

    def test_snapvx_needs_vmax3(self):
        self.estate = model.load_profile('vmax2')
        dev = ops.create_volume(self.estate, V2, 'a', GIB, pool='FC_Pool')
        self.assertRefused(
            errors.feature_needs_family('snapvx', o.FAMILY_VMAX3, V2),
            ops.create_snapshot, self.estate, V2, dev.device_id, 'snap')


class CloneTest(base.ModelTestCase):

    profile = 'vmax2'

    def test_clone_copies_and_detach_waits_for_sync(self):
        src = ops.create_volume(self.estate, V2, 'OS-src', 2 * GIB,
                                pool='FC_Pool')
        rel = ops.create_clone(self.estate, V2, src.device_id,
                               target_label='OS-clone')
        target = self.estate.arrays[V2].devices[rel.target_device]
        self.assertEqual(('OS-clone', 'FC_Pool', 2 * GIB),
                         (target.label, target.pool, target.size_bytes))
        # 256 MiB/s: 2 GiB take 8 s.
        self.estate.advance(2)
        self.assertEqual(25, rel.percent_synced)
        self.assertRefused(
            errors.copy_in_progress('detach', '%s:%s' % rel.source_key,
                                    '%s:%s' % rel.target_key, 25),
            ops.modify_synchronization, self.estate, rel.rel_id, 8)
        self.estate.advance(6)
        ops.modify_synchronization(self.estate, rel.rel_id, 8)
        self.assertEqual({}, self.estate.relationships)

    def test_clone_not_licensed(self):
        src = ops.create_volume(self.estate, V2, 'OS-src', GIB,
                                pool='FC_Pool')
        admin.set_licence(self.estate, V2, 'clone', False)
        self.assertRefused('TimeFinder Clone is not licensed on array %s'
                           % V2, ops.create_clone, self.estate, V2,
                           src.device_id)


class SrdfTest(base.ModelTestCase):

    profile = 'srdf-pair'

    def pair(self, size_gib=2):
        src = self.volume('OS-r1', size_gib)
        tgt = self.volume('OS-r1', size_gib, serial=REMOTE)
        rel = ops.create_srdf_pair(self.estate, V3, src.device_id, REMOTE,
                                   tgt.device_id, 10)
        return src, tgt, rel

    def test_pair_states(self):
        _src, _tgt, rel = self.pair()
        self.assertEqual((o.SYNC_TYPE_MIRROR, o.MODE_SYNCHRONOUS, 10,
                          o.SYNC_STATE_COPY_IN_PROGRESS),
                         (rel.sync_type, rel.mode, rel.rdf_group,
                          rel.sync_state))
        self.estate.advance(1)
        ops.suspend(self.estate, rel.rel_id)
        self.assertEqual((o.SYNC_STATE_SUSPENDED, o.COPY_STATE_SUSPENDED,
                          50), (rel.sync_state, rel.copy_state,
                                rel.percent_synced))
        self.estate.advance(10)
        self.assertEqual(50, rel.percent_synced)   # no copy while suspended
        ops.modify_synchronization(self.estate, rel.rel_id, 15)
        self.estate.advance(1)
        self.assertEqual((o.SYNC_STATE_SYNCHRONIZED,
                          o.COPY_STATE_SYNCHRONIZED),
                         (rel.sync_state, rel.copy_state))
        ops.modify_synchronization(self.estate, rel.rel_id, 10)
        self.assertEqual((True, o.SYNC_STATE_FAILED_OVER,
                          o.COPY_STATE_FAILED_OVER),
                         (rel.failed_over, rel.sync_state, rel.copy_state))
        self.assertRefused(
            errors.operation_not_valid(
                'fail over', '%s:%s -> %s:%s' % (rel.source_key
                                                 + rel.target_key),
                'already failed over'),
            ops.failover, self.estate, rel.rel_id)
        ops.modify_synchronization(self.estate, rel.rel_id, 11)
        self.assertEqual((False, o.SYNC_STATE_SYNCHRONIZED),
                         (rel.failed_over, rel.sync_state))

    def test_detach_needs_suspend_unless_forced(self):
        src, tgt, rel = self.pair()
        name = '%s:%s -> %s:%s' % (V3, src.device_id, REMOTE, tgt.device_id)
        self.assertRefused(
            errors.operation_not_valid('detach', name, 'not suspended'),
            ops.modify_synchronization, self.estate, rel.rel_id, 8)
        ops.suspend(self.estate, rel.rel_id)
        ops.detach(self.estate, rel.rel_id)
        self.assertEqual([], self.estate.relationships_of(V3,
                                                          src.device_id))
        self.assertEqual([], self.estate.relationships_of(REMOTE,
                                                          tgt.device_id))

    def test_paired_devices_cannot_be_deleted_or_extended(self):
        src, tgt, _rel = self.pair()
        ops.remove_members(self.estate, REMOTE, o.KIND_SG, SG,
                           [tgt.device_id])
        self.assertRefused(
            errors.device_in_copy_session(tgt.device_id, 'target'),
            ops.delete_volume, self.estate, REMOTE, tgt.device_id)
        self.assertRefused(errors.extend_in_copy_session(src.device_id),
                           ops.extend_volume, self.estate, V3,
                           src.device_id, 3 * GIB)

    def test_rdf_group_rules(self):
        src = self.volume('OS-r1')
        tgt = self.volume('OS-r1', serial=REMOTE)
        self.assertRefused(
            errors.not_found(o.KIND_RDF_GROUP, 11, V3),
            ops.create_srdf_pair, self.estate, V3, src.device_id, REMOTE,
            tgt.device_id, 11)
        admin.set_rdf_group_online(self.estate, V3, 10, False)
        self.assertRefused(errors.rdf_group_offline(10, V3),
                           ops.create_srdf_pair, self.estate, V3,
                           src.device_id, REMOTE, tgt.device_id, 10)
        admin.set_licence(self.estate, REMOTE, 'srdf', False)
        self.assertRefused(errors.not_licensed('srdf', REMOTE),
                           ops.create_srdf_pair, self.estate, V3,
                           src.device_id, REMOTE, tgt.device_id, 10)

    def test_rdf_groups_on_both_sides(self):
        local = self.estate.arrays[V3].rdf_groups[10]
        remote = self.estate.arrays[REMOTE].rdf_groups[10]
        self.assertEqual(('os-rdf-1', REMOTE, 10),
                         (local.label, local.remote_serial,
                          local.remote_number))
        self.assertEqual(('os-rdf-1', V3, 10),
                         (remote.label, remote.remote_serial,
                          remote.remote_number))


class ReplicationGroupTest(base.ModelTestCase):

    def group(self, name, count, prefix):
        devs = [self.volume('%s%d' % (prefix, i), 1) for i in range(count)]
        return ops.create_replication_group(
            self.estate, V3, name, [d.device_id for d in devs])

    def test_group_snapshot_has_one_point_in_time(self):
        src = self.group('cg', 3, 'src')
        tgt = self.group('cg-snap', 3, 'tgt')
        self.estate.advance(30)
        group_rel = ops.create_group_replica(self.estate, V3, 'ab12', 'cg',
                                             'cg-snap')
        snaps = [s for d in src.members
                 for s in self.estate.arrays[V3].snapshots_of(d)]
        self.assertEqual(3, len(snaps))
        self.assertEqual({group_rel.created_at},
                         {s.created_at for s in snaps})
        self.assertEqual({'ab12'}, {s.name for s in snaps})
        pairs = [(self.estate.relationships[r].source_device,
                  self.estate.relationships[r].target_device)
                 for r in group_rel.member_rel_ids]
        self.assertEqual(list(zip(src.members, tgt.members)), pairs)
        self.assertEqual(o.COPY_STATE_IN_PROGRESS,
                         ops.group_copy_state(self.estate, group_rel))
        self.estate.advance(1)
        self.assertEqual(o.COPY_STATE_SYNCHRONIZED,
                         ops.group_copy_state(self.estate, group_rel))
        ops.modify_group_synchronization(self.estate,
                                         group_rel.group_rel_id, 9)
        self.assertEqual(({}, {}), (self.estate.relationships,
                                    self.estate.group_relationships))
        self.assertEqual([], self.estate.arrays[V3].snapshots_of(
            src.members[0]))

    def test_group_replica_rules(self):
        self.group('cg', 2, 'src')
        self.group('small', 1, 'tgt')
        self.assertRefused(errors.rg_size_mismatch('cg', 2, 'small', 1),
                           ops.create_group_replica, self.estate, V3, 'x',
                           'cg', 'small')
        ops.create_replication_group(self.estate, V3, 'empty')
        self.assertRefused(errors.rg_empty('empty'),
                           ops.create_group_replica, self.estate, V3, 'x',
                           'empty', 'empty')

    def test_group_dissolve_refused_while_copying(self):
        self.group('cg', 2, 'src')
        self.group('cg-snap', 2, 'tgt')
        group_rel = ops.create_group_replica(self.estate, V3, 'ab12', 'cg',
                                             'cg-snap')
        first = self.estate.relationships[group_rel.member_rel_ids[0]]
        self.assertRefused(
            errors.copy_in_progress('dissolve', '%s:%s' % first.source_key,
                                    '%s:%s' % first.target_key, 0),
            ops.dissolve_group_relationship, self.estate,
            group_rel.group_rel_id)

    def test_delete_non_empty_group_needs_remove_elements(self):
        rg = self.group('cg', 2, 'src')
        self.assertRefused(errors.rg_not_empty('cg', 2),
                           ops.delete_replication_group, self.estate, V3,
                           'cg')
        members = list(rg.members)
        ops.delete_replication_group(self.estate, V3, 'cg',
                                     remove_elements=True)
        self.assertEqual({}, self.estate.arrays[V3].replication_groups)
        for dev in members:
            self.assertIn(dev, self.estate.arrays[V3].devices)

    def test_members(self):
        rg = self.group('cg', 1, 'src')
        extra = self.volume('extra')
        ops.add_replication_group_members(self.estate, V3, 'cg',
                                          [extra.device_id])
        self.assertEqual(['cg'], self.estate.arrays[V3]
                         .replication_groups_of_device(extra.device_id))
        self.assertRefused(
            errors.member_not_in_group(o.KIND_RG, '0FFFF', 'cg'),
            ops.remove_replication_group_members, self.estate, V3, 'cg',
            ['0FFFF'])
        ops.remove_replication_group_members(self.estate, V3, 'cg',
                                             [extra.device_id])
        self.assertEqual(1, len(rg.members))
