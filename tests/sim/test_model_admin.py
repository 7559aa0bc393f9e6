"""Out-of-band (administrator) actions for drift tests, and VMAX2 FAST."""

from vmax_sim.model import admin
from vmax_sim.model import errors
from vmax_sim.model import objects as o
from vmax_sim.model import ops

from tests.sim import test_model_support as base

GIB = base.GIB
V3 = base.V3
V2 = base.V2
SG = base.DIAMOND_SG


class AdminTest(base.ModelTestCase):

    def masked_volume_with_snapshot(self):
        dev = self.volume('OS-a', 1)
        ops.create_hardware_id(self.estate, V3, base.IQN_HOST, 5)
        ops.create_initiator_group(self.estate, V3, 'ig', [base.IQN_HOST])
        ops.create_masking_view(self.estate, V3, 'mv', SG, 'ig',
                                'OS-PG-iSCSI-A')
        rel = ops.create_snapvx_replica(self.estate, V3, dev.device_id,
                                        'snap')
        return dev, rel

    def test_delete_device_in_view_and_session(self):
        dev, rel = self.masked_volume_with_snapshot()
        before = self.estate.snapshot()
        admin.delete_device(self.estate, V3, dev.device_id)
        diff = self.estate.diff(since=before)
        self.assertEqual(
            sorted([o.ElementKey(o.KIND_DEVICE, V3, dev.device_id),
                    o.ElementKey(o.KIND_RELATIONSHIP, V3, str(rel.rel_id)),
                    o.ElementKey(o.KIND_SNAPSHOT, V3,
                                 '%s:snap:1' % dev.device_id)]),
            sorted(diff.deleted_keys()))
        self.assertEqual({}, self.estate.arrays[V3].masking_views['mv']
                         .luns)
        self.assertIn(rel.target_device, self.estate.arrays[V3].devices)

    def test_rename_and_move_between_groups(self):
        dev = self.volume('OS-a')
        admin.rename_device(self.estate, V3, dev.device_id, 'renamed')
        ops.create_storage_group(self.estate, V3, 'other', srp='SRP_1',
                                 slo='Diamond', workload='DSS')
        admin.remove_from_storage_group(self.estate, V3, SG, dev.device_id)
        admin.add_to_storage_group(self.estate, V3, 'other', dev.device_id)
        self.assertEqual(('renamed', ['other']),
                         (dev.label, self.estate.arrays[V3]
                          .groups_of_device(dev.device_id)))
        self.assertRefused(errors.device_not_in_group(dev.device_id, SG),
                           admin.remove_from_storage_group, self.estate, V3,
                           SG, dev.device_id)

    def test_admin_ignores_change_sessions(self):
        dev = self.volume('OS-a')
        admin.hold_change_session(self.estate, V3, SG, 60)
        admin.remove_from_storage_group(self.estate, V3, SG, dev.device_id)
        self.assertEqual([], self.estate.arrays[V3].storage_groups[SG]
                         .members)
        admin.release_change_session(self.estate, V3, SG)
        ops.add_members(self.estate, V3, o.KIND_SG, SG, [dev.device_id])
        self.assertEqual([dev.device_id],
                         self.estate.arrays[V3].storage_groups[SG].members)

    def test_delete_groups_takes_views_first(self):
        dev, _rel = self.masked_volume_with_snapshot()
        admin.delete_storage_group(self.estate, V3, SG)
        arr = self.estate.arrays[V3]
        self.assertEqual(({}, [], ['ig']),
                         (arr.masking_views,
                          arr.groups_of_device(dev.device_id),
                          list(arr.initiator_groups)))
        admin.delete_initiator_group(self.estate, V3, 'ig')
        self.assertIsNone(arr.group_of_hardware_id(base.IQN_HOST))

    def test_delete_view_only(self):
        self.masked_volume_with_snapshot()
        admin.delete_masking_view(self.estate, V3, 'mv')
        self.assertEqual([], self.estate.arrays[V3].views_of_group(
            o.KIND_SG, SG))

    def test_licence_and_capacity(self):
        dev = self.volume('OS-a')
        admin.set_licence(self.estate, V3, 'snapvx', False)
        self.assertRefused(errors.not_licensed('snapvx', V3),
                           ops.create_snapshot, self.estate, V3,
                           dev.device_id, 's')
        admin.set_pool_capacity(self.estate, V3, 'SRP_1', 10 * GIB)
        self.assertEqual(10 * GIB, self.estate.arrays[V3].pool_usage(
            'SRP_1').total_bytes)

    def test_missing_objects(self):
        exc = self.assertRaises(errors.ObjectNotFound, admin.delete_device,
                                self.estate, V3, '0FFFF')
        self.assertEqual(errors.not_found(o.KIND_DEVICE, '0FFFF', V3),
                         exc.message)


class FastPolicyTest(base.ModelTestCase):

    profile = 'vmax2'

    def test_associate_and_one_fast_sg_per_device(self):
        dev = ops.create_volume(self.estate, V2, 'OS-a', GIB,
                                pool='FC_Pool')
        ops.create_storage_group(self.estate, V2, 'OS_default_GOLD1_SG',
                                 members=[dev.device_id])
        ops.associate_fast_policy(self.estate, V2, 'OS_default_GOLD1_SG',
                                  'GOLD1')
        self.assertEqual(['OS_default_GOLD1_SG'],
                         ops.storage_groups_of_policy(self.estate, V2,
                                                      'GOLD1'))
        ops.create_storage_group(self.estate, V2, 'OS-host-GOLD1-FP-I-SG',
                                 members=[dev.device_id])
        self.assertRefused(
            errors.fast_sg_conflict(dev.device_id, 'OS_default_GOLD1_SG',
                                    'OS-host-GOLD1-FP-I-SG'),
            ops.associate_fast_policy, self.estate, V2,
            'OS-host-GOLD1-FP-I-SG', 'GOLD1')
        self.assertRefused(
            errors.sg_already_fast('OS_default_GOLD1_SG', 'GOLD1'),
            ops.associate_fast_policy, self.estate, V2,
            'OS_default_GOLD1_SG', 'SILVER1')
        self.assertRefused(
            errors.sg_not_fast('OS_default_GOLD1_SG', 'SILVER1'),
            ops.disassociate_fast_policy, self.estate, V2,
            'OS_default_GOLD1_SG', 'SILVER1')
        ops.disassociate_fast_policy(self.estate, V2, 'OS_default_GOLD1_SG',
                                     'GOLD1')
        ops.associate_fast_policy(self.estate, V2, 'OS-host-GOLD1-FP-I-SG',
                                  'GOLD1')
        self.assertEqual('GOLD1', self.estate.arrays[V2].storage_groups[
            'OS-host-GOLD1-FP-I-SG'].fast_setting)

    def test_fast_sg_created_with_policy_rejects_second_fast_sg(self):
        dev = ops.create_volume(self.estate, V2, 'OS-a', GIB,
                                pool='FC_Pool')
        ops.create_storage_group(self.estate, V2, 'a', fast_policy='GOLD1',
                                 members=[dev.device_id])
        self.assertRefused(errors.fast_sg_conflict(dev.device_id, 'a', 'b'),
                           ops.create_storage_group, self.estate, V2, 'b',
                           fast_policy='SILVER1', members=[dev.device_id])

    def test_unknown_policy(self):
        ops.create_storage_group(self.estate, V2, 'a')
        self.assertRefused(errors.not_found(o.KIND_FAST_POLICY, 'BRONZE9',
                                            V2),
                           ops.associate_fast_policy, self.estate, V2, 'a',
                           'BRONZE9')
