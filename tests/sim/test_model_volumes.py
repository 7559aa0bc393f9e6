"""Volume operations of the domain model: placement, DeviceIDs, capacity,
extend, delete, VMAX2 metas."""

from vmax_sim.model import admin
from vmax_sim.model import errors
from vmax_sim.model import objects as o
from vmax_sim.model import ops

from tests.sim import test_model_support as base

GIB = base.GIB
V3 = base.V3
V2 = base.V2


class CreateVolumeV3Test(base.ModelTestCase):

    def test_create_in_sg_takes_placement_from_sg(self):
        sg = self.diamond_sg()
        dev = ops.create_volume(self.estate, V3, 'OS-a', 10 * GIB,
                                storage_group=sg.name)
        self.assertEqual('00100', dev.device_id)
        self.assertEqual('SRP_1', dev.pool)
        self.assertTrue(dev.compressed)
        self.assertEqual(32, len(dev.wwn))
        self.assertEqual([dev.device_id], sg.members)
        self.assertEqual([sg.name],
                         self.estate.arrays[V3].groups_of_device('00100'))
        usage = self.estate.arrays[V3].pool_usage('SRP_1')
        self.assertEqual(10 * GIB, usage.subscribed_bytes)
        self.assertEqual(50 * 1024 * GIB - 10 * GIB, usage.remaining_bytes)
        self.assertEqual(45 * 1024 * GIB - 10 * GIB, usage.free_bytes)

    def test_sg_without_srp_uses_default_srp(self):
        ops.create_storage_group(self.estate, V3, 'OS-no_SLO-SG')
        dev = ops.create_volume(self.estate, V3, 'OS-a', GIB,
                                storage_group='OS-no_SLO-SG')
        self.assertEqual('SRP_1', dev.pool)

    def test_compression_disabled_by_sg(self):
        ops.create_storage_group(self.estate, V3, 'OS-CD-SG', srp='SRP_1',
                                 slo='Diamond', workload='DSS',
                                 disable_compression=True)
        dev = ops.create_volume(self.estate, V3, 'OS-a', GIB,
                                storage_group='OS-CD-SG')
        self.assertFalse(dev.compressed)

    def test_create_in_pool_directly(self):
        dev = ops.create_volume(self.estate, V3, 'OS-a', GIB, pool='SRP_1')
        self.assertEqual([], self.estate.arrays[V3].groups_of_device(
            dev.device_id))
        self.assertEqual(GIB, self.estate.arrays[V3].pool_usage(
            'SRP_1').subscribed_bytes)

    def test_create_without_pool_or_sg_refused(self):
        self.assertRefused(errors.pool_needed(V3), ops.create_volume,
                           self.estate, V3, 'OS-a', GIB)

    def test_device_ids_are_reused_lowest_first_with_new_wwn(self):
        devs = [self.volume('OS-%d' % i) for i in range(4)]
        self.assertEqual(['00100', '00101', '00102', '00103'],
                         [d.device_id for d in devs])
        old_wwn = devs[1].wwn
        for dev in (devs[2], devs[1]):
            ops.remove_members(self.estate, V3, o.KIND_SG, base.DIAMOND_SG,
                               [dev.device_id])
            ops.delete_volume(self.estate, V3, dev.device_id)
        again = self.volume('OS-new')
        self.assertEqual('00101', again.device_id)
        self.assertNotEqual(old_wwn, again.wwn)
        self.assertEqual('00102', self.volume('OS-new2').device_id)
        self.assertEqual('00104', self.volume('OS-new3').device_id)

    def test_labels_may_repeat(self):
        first = self.volume('OS-same')
        second = self.volume('OS-same')
        self.assertNotEqual(first.device_id, second.device_id)

    def test_capacity_exhausted(self):
        self.diamond_sg()
        admin.set_pool_capacity(self.estate, V3, 'SRP_1', 100 * GIB)
        self.volume('OS-a', 50)
        free = 90 * GIB - 50 * GIB
        self.assertRefused(
            errors.capacity_exhausted('SRP_1', 41 * GIB, free),
            ops.create_volume, self.estate, V3, 'OS-b', 41 * GIB,
            storage_group=base.DIAMOND_SG)
        self.assertEqual(
            'Insufficient capacity in pool SRP_1: requested 44023414784 '
            'bytes (41.00 GiB), 42949672960 bytes (40.00 GiB) free',
            errors.capacity_exhausted('SRP_1', 41 * GIB, free))
        self.volume('OS-c', 40)    # exactly the free space fits

    def test_create_volumes_is_all_or_nothing(self):
        self.diamond_sg()
        admin.set_pool_capacity(self.estate, V3, 'SRP_1', 10 * GIB)
        self.assertRefused(
            errors.capacity_exhausted('SRP_1', 10 * GIB, 9 * GIB),
            ops.create_volumes, self.estate, V3, 'OS-x', 2 * GIB, 5,
            storage_group=base.DIAMOND_SG)
        devs = ops.create_volumes(self.estate, V3, 'OS-x', 2 * GIB, 4,
                                  storage_group=base.DIAMOND_SG)
        self.assertEqual(['00100', '00101', '00102', '00103'],
                         [d.device_id for d in devs])

    def test_invalid_and_too_large_sizes(self):
        self.diamond_sg()
        self.assertRefused(errors.invalid_size(0), ops.create_volume,
                           self.estate, V3, 'OS-a', 0,
                           storage_group=base.DIAMOND_SG)
        limit = self.estate.arrays[V3].max_volume_bytes
        self.assertRefused(errors.size_too_large(limit + 512, limit),
                           ops.create_volume, self.estate, V3, 'OS-a',
                           limit + 512, storage_group=base.DIAMOND_SG)

    def test_label_longer_than_64_refused(self):
        self.diamond_sg()
        label = 'L' * 65
        self.assertRefused(errors.name_too_long(o.KIND_DEVICE, label, 64),
                           ops.create_volume, self.estate, V3, label, GIB,
                           storage_group=base.DIAMOND_SG)
        self.assertEqual('L' * 64, self.volume('L' * 64).label)

    def test_srp_must_be_an_srp(self):
        self.assertRefused(errors.not_found(o.KIND_POOL, 'SRP_9', V3),
                           ops.create_volume, self.estate, V3, 'OS-a', GIB,
                           pool='SRP_9')

    def test_pool_must_be_an_srp(self):
        arr = self.estate.arrays[V3]
        arr.pools['TP'] = o.Pool('TP', o.POOL_THIN, 100 * GIB)
        arr.reindex()
        self.assertRefused('Pool TP is not a storage resource pool',
                           ops.create_volume, self.estate, V3, 'OS-a', GIB,
                           pool='TP')

    def test_unknown_array(self):
        exc = self.assertRaises(errors.ObjectNotFound, ops.create_volume,
                                self.estate, '000000000001', 'x', GIB)
        self.assertEqual(errors.array_not_found('000000000001'), exc.message)


class ExtendDeleteRenameTest(base.ModelTestCase):

    def test_extend_grows_device_and_pool_figures(self):
        dev = self.volume('OS-a', 10)
        ops.extend_volume(self.estate, V3, dev.device_id, 20 * GIB)
        self.assertEqual(20 * GIB, dev.size_bytes)
        self.assertEqual(20 * GIB, self.estate.arrays[V3].pool_usage(
            'SRP_1').subscribed_bytes)

    def test_extend_to_smaller_size_refused(self):
        dev = self.volume('OS-a', 10)
        self.assertRefused(
            errors.extend_smaller(dev.device_id, 10 * GIB, 9 * GIB),
            ops.extend_volume, self.estate, V3, dev.device_id, 9 * GIB)

    def test_extend_to_same_size_changes_nothing(self):
        dev = self.volume('OS-a', 10)
        before = self.estate.snapshot()
        ops.extend_volume(self.estate, V3, dev.device_id, 10 * GIB)
        self.assertFalse(self.estate.diff(since=before))

    def test_extend_beyond_capacity_refused(self):
        dev = self.volume('OS-a', 10)
        admin.set_pool_capacity(self.estate, V3, 'SRP_1', 20 * GIB)
        free = 18 * GIB - 10 * GIB
        self.assertRefused(
            errors.capacity_exhausted('SRP_1', 10 * GIB, free),
            ops.extend_volume, self.estate, V3, dev.device_id, 20 * GIB)

    def test_delete_device_in_sg_refused(self):
        dev = self.volume('OS-a')
        self.assertRefused(
            errors.device_in_group(dev.device_id, base.DIAMOND_SG),
            ops.delete_volume, self.estate, V3, dev.device_id)

    def test_delete_snapshot_source_and_link_target_refused(self):
        src = ops.create_volume(self.estate, V3, 'OS-src', GIB,
                                pool='SRP_1')
        rel = ops.create_snapvx_replica(self.estate, V3, src.device_id,
                                        'snap')
        self.assertRefused(
            errors.device_in_copy_session(src.device_id, 'source'),
            ops.delete_volume, self.estate, V3, src.device_id)
        self.assertRefused(
            errors.device_in_copy_session(rel.target_device, 'target'),
            ops.delete_volume, self.estate, V3, rel.target_device)

    def test_delete_volumes_is_all_or_nothing(self):
        free = ops.create_volume(self.estate, V3, 'OS-free', GIB,
                                 pool='SRP_1')
        held = self.volume('OS-held')
        self.assertRefused(
            errors.device_in_group(held.device_id, base.DIAMOND_SG),
            ops.delete_volumes, self.estate, V3,
            [free.device_id, held.device_id])

    def test_delete_missing_device_is_not_found(self):
        exc = self.assertRaises(errors.ObjectNotFound, ops.delete_volume,
                                self.estate, V3, '0ABCD')
        self.assertEqual(errors.not_found(o.KIND_DEVICE, '0ABCD', V3),
                         exc.message)

    def test_delete_frees_capacity_and_leaves_replication_groups(self):
        dev = ops.create_volume(self.estate, V3, 'OS-a', 5 * GIB,
                                pool='SRP_1')
        ops.create_replication_group(self.estate, V3, 'cg1',
                                     [dev.device_id])
        before = self.estate.snapshot()
        ops.delete_volume(self.estate, V3, dev.device_id)
        diff = self.estate.diff(since=before)
        self.assertEqual([o.ElementKey(o.KIND_DEVICE, V3, dev.device_id)],
                         diff.deleted_keys())
        self.assertEqual({'members': ((dev.device_id,), ())},
                         diff.changed_fields(
                             o.ElementKey(o.KIND_RG, V3, 'cg1')))
        self.assertEqual(0, self.estate.arrays[V3].pool_usage(
            'SRP_1').subscribed_bytes)

    def test_rename(self):
        dev = self.volume('OS-a')
        ops.rename_volume(self.estate, V3, dev.device_id, 'renamed')
        self.assertEqual('renamed', dev.label)
        self.assertRefused(
            errors.name_too_long(o.KIND_DEVICE, 'x' * 65, 64),
            ops.rename_volume, self.estate, V3, dev.device_id, 'x' * 65)

    def test_supported_size_range(self):
        size_range = ops.supported_size_range(self.estate, V3, 'SRP_1',
                                              'Diamond', 'OLTP')
        self.assertEqual(45 * 1024 * GIB, size_range.remaining_bytes)
        self.assertRefused(errors.slo_not_offered('SRP_1', 'Gold', 'OLTP'),
                           ops.supported_size_range, self.estate, V3,
                           'SRP_1', 'Gold', 'OLTP')


class Vmax2VolumeTest(base.ModelTestCase):

    profile = 'vmax2'

    def test_thin_device_in_pool(self):
        dev = ops.create_volume(self.estate, V2, 'OS-a', 10 * GIB,
                                pool='FC_Pool')
        self.assertEqual(('00100', 'FC_Pool', False),
                         (dev.device_id, dev.pool, dev.compressed))
        self.assertFalse(dev.is_composite)

    def test_large_device_becomes_concatenated_meta(self):
        dev = ops.create_volume(self.estate, V2, 'OS-big', 500 * GIB,
                                pool='FC_Pool')
        self.assertEqual(['00101', '00102'], dev.meta_members)
        self.assertTrue(dev.concatenated)
        self.assertEqual(500 * GIB, dev.size_bytes)
        arr = self.estate.arrays[V2]
        parts = [dev.size_bytes - sum(arr.devices[m].size_bytes
                                      for m in dev.meta_members)]
        parts += [arr.devices[m].size_bytes for m in dev.meta_members]
        self.assertTrue(all(p <= 240 * GIB for p in parts), parts)
        self.assertEqual(500 * GIB, arr.pool_usage('FC_Pool')
                         .subscribed_bytes)
        self.assertRefused(errors.device_is_meta_member('00101', '00100'),
                           ops.delete_volume, self.estate, V2, '00101')

    def test_striped_meta_cannot_be_extended(self):
        dev = ops.create_volume(self.estate, V2, 'OS-s', 40 * GIB,
                                pool='FC_Pool', member_count=4,
                                striped=True)
        self.assertEqual(3, len(dev.meta_members))
        self.assertFalse(dev.concatenated)
        self.assertRefused(errors.extend_striped(dev.device_id),
                           ops.extend_volume, self.estate, V2,
                           dev.device_id, 50 * GIB)

    def test_striped_member_over_limit_refused(self):
        self.assertRefused(
            errors.meta_member_too_large(250 * GIB, 240 * GIB),
            ops.create_volume, self.estate, V2, 'OS-s', 500 * GIB,
            pool='FC_Pool', member_count=2, striped=True)

    def test_extend_appends_concatenated_member(self):
        dev = ops.create_volume(self.estate, V2, 'OS-a', 10 * GIB,
                                pool='SATA_Pool')
        ops.extend_volume(self.estate, V2, dev.device_id, 15 * GIB)
        self.assertEqual(['00101'], dev.meta_members)
        self.assertEqual(15 * GIB, dev.size_bytes)
        self.assertEqual(5 * GIB,
                         self.estate.arrays[V2].devices['00101'].size_bytes)
        self.assertEqual(15 * GIB, self.estate.arrays[V2].pool_usage(
            'SATA_Pool').subscribed_bytes)

    def test_compose_meta_from_unbound_member(self):
        head = ops.create_volume(self.estate, V2, 'OS-a', 10 * GIB,
                                 pool='FC_Pool')
        member = ops.create_volume(self.estate, V2, 'appendVolume',
                                   5 * GIB, pool='FC_Pool', bind=False)
        self.assertFalse(member.bound)
        self.assertEqual(10 * GIB, self.estate.arrays[V2].pool_usage(
            'FC_Pool').subscribed_bytes)
        ops.compose_meta(self.estate, V2, head.device_id,
                         [member.device_id])
        self.assertEqual(15 * GIB, head.size_bytes)
        self.assertEqual(head.device_id, member.meta_head)
        self.assertEqual(15 * GIB, self.estate.arrays[V2].pool_usage(
            'FC_Pool').subscribed_bytes)

    def test_unbind_and_bind(self):
        dev = ops.create_volume(self.estate, V2, 'OS-a', 10 * GIB,
                                pool='FC_Pool')
        ops.unbind_volume(self.estate, V2, dev.device_id)
        self.assertFalse(dev.bound)
        self.assertEqual(0, self.estate.arrays[V2].pool_usage(
            'FC_Pool').subscribed_bytes)
        ops.bind_volume(self.estate, V2, dev.device_id, 'SATA_Pool')
        self.assertEqual(10 * GIB, self.estate.arrays[V2].pool_usage(
            'SATA_Pool').subscribed_bytes)

    def test_thin_pool_oversubscription_limit(self):
        # 20 TiB at 150 % max subscription.
        limit = 30 * 1024 * GIB
        usage = self.estate.arrays[V2].pool_usage('FC_Pool')
        self.assertEqual(limit, usage.free_bytes)
        self.assertRefused(
            errors.capacity_exhausted('FC_Pool', limit + GIB, limit),
            ops.create_volume, self.estate, V2, 'OS-a', limit + GIB,
            pool='FC_Pool')

    def test_relocate_moves_capacity_between_pools(self):
        dev = ops.create_volume(self.estate, V2, 'OS-a', 300 * GIB,
                                pool='FC_Pool')
        ops.relocate_volumes(self.estate, V2, [dev.device_id], 'SATA_Pool')
        arr = self.estate.arrays[V2]
        self.assertEqual((0, 300 * GIB),
                         (arr.pool_usage('FC_Pool').subscribed_bytes,
                          arr.pool_usage('SATA_Pool').subscribed_bytes))
        self.assertEqual(['SATA_Pool'],
                         [arr.devices[m].pool for m in dev.meta_members])
        self.assertRefused(errors.device_in_pool(dev.device_id,
                                                 'SATA_Pool'),
                           ops.relocate_volumes, self.estate, V2,
                           [dev.device_id], 'SATA_Pool')

    def test_sizes_round_up_to_whole_blocks(self):
        dev = ops.create_volume(self.estate, V2, 'vol1', 1, pool='FC_Pool',
                                bind=False)
        self.assertEqual((512, 1), (dev.size_bytes, dev.number_of_blocks))
        ops.bind_volume(self.estate, V2, dev.device_id, 'FC_Pool')
        ops.extend_volume(self.estate, V2, dev.device_id, 1000)
        self.assertEqual(1024, dev.size_bytes)

    def test_vmax2_needs_a_pool(self):
        self.assertRefused(errors.pool_needed(V2), ops.create_volume,
                           self.estate, V2, 'OS-a', GIB)
