"""Masking rules of the domain model: groups, names, FAST/SLO membership,
change sessions, views and LUNs, hardware IDs, host I/O limits."""

from vmax_sim.model import admin
from vmax_sim.model import errors
from vmax_sim.model import objects as o
from vmax_sim.model import ops

from tests.sim import test_model_support as base

GIB = base.GIB
V3 = base.V3
IQN = base.IQN_HOST
SG = base.DIAMOND_SG


class MaskingFixture(base.ModelTestCase):

    def host(self, ig='OS-host1-I-IG', iqn=IQN):
        ops.create_hardware_id(self.estate, V3, iqn, o.ID_TYPE_ISCSI)
        return ops.create_initiator_group(self.estate, V3, ig, [iqn])

    def view(self, devices=1, name='OS-host1-SRP_1-Diamond-OLTP-I-MV',
             sg='OS-host1-SRP_1-Diamond-OLTP-I-SG'):
        ops.create_storage_group(self.estate, V3, sg, srp='SRP_1',
                                 slo='Diamond', workload='OLTP')
        devs = [ops.create_volume(self.estate, V3, 'OS-%d' % i, GIB,
                                  storage_group=sg)
                for i in range(devices)]
        self.host()
        ops.create_masking_view(self.estate, V3, name, sg, 'OS-host1-I-IG',
                                'OS-PG-iSCSI-A')
        return self.estate.arrays[V3].masking_views[name], devs


class StorageGroupRulesTest(MaskingFixture):

    def test_name_unique(self):
        self.diamond_sg()
        self.assertRefused(errors.name_exists(o.KIND_SG, SG),
                           ops.create_storage_group, self.estate, V3, SG)
        self.assertEqual('Storage group %s already exists' % SG,
                         errors.name_exists(o.KIND_SG, SG))

    def test_name_at_most_64_characters(self):
        name = 'S' * 65
        self.assertRefused(errors.name_too_long(o.KIND_SG, name, 64),
                           ops.create_storage_group, self.estate, V3, name)
        self.assertEqual('S' * 64, ops.create_storage_group(
            self.estate, V3, 'S' * 64).name)
        self.assertRefused(errors.name_empty(o.KIND_IG),
                           ops.create_initiator_group, self.estate, V3, '')

    def test_unknown_service_level_or_workload(self):
        self.assertRefused(errors.slo_not_offered('SRP_1', 'Gold', 'OLTP'),
                           ops.create_storage_group, self.estate, V3, 'g',
                           srp='SRP_1', slo='Gold', workload='OLTP')
        self.assertRefused(
            errors.slo_not_offered('SRP_1', 'Optimized', 'OLTP'),
            ops.create_storage_group, self.estate, V3, 'g', srp='SRP_1',
            slo='Optimized', workload='OLTP')
        sg = ops.create_storage_group(self.estate, V3, 'g', srp='SRP_1',
                                      slo='Optimized')
        self.assertEqual(('Optimized', 'NONE', 'Optimized+NONE'),
                         (sg.slo, sg.workload, sg.fast_setting))

    def test_compression_only_on_all_flash(self):
        self.estate = base.model.load_profile('vmax3-hybrid')
        self.assertRefused(
            errors.compression_not_all_flash(base.HYBRID, 'VMAX200K'),
            ops.create_storage_group, self.estate, base.HYBRID, 'g',
            srp='SRP_1', slo='Gold', workload='OLTP',
            disable_compression=True)
        sg = ops.create_storage_group(self.estate, base.HYBRID, 'g',
                                      srp='SRP_1', slo='Gold',
                                      workload='OLTP')
        dev = ops.create_volume(self.estate, base.HYBRID, 'v', GIB,
                                storage_group=sg.name)
        self.assertFalse(dev.compressed)

    def test_fast_policy_refused_on_vmax3_and_slo_on_vmax2(self):
        self.assertRefused(errors.fast_policy_on_vmax3(V3),
                           ops.create_storage_group, self.estate, V3, 'g',
                           fast_policy='GOLD1')
        self.estate = base.model.load_profile('vmax2')
        self.assertRefused(errors.slo_on_vmax2(base.V2),
                           ops.create_storage_group, self.estate, base.V2,
                           'g', srp='SRP_1', slo='Diamond')

    def test_device_in_only_one_slo_sg(self):
        dev = self.volume('OS-a')
        ops.create_storage_group(self.estate, V3, 'other', srp='SRP_1',
                                 slo='Diamond', workload='DSS')
        self.assertRefused(
            errors.fast_sg_conflict(dev.device_id, SG, 'other'),
            ops.add_members, self.estate, V3, o.KIND_SG, 'other',
            [dev.device_id])
        self.assertEqual(
            'A device cannot belong to more than one storage group in use '
            'by FAST: device 00100 is in %s and cannot join other' % SG,
            errors.fast_sg_conflict('00100', SG, 'other'))
        self.assertEqual(errors.CODE_FAST_CONFLICT, self.assertRaises(
            errors.ArrayError, ops.add_members, self.estate, V3, o.KIND_SG,
            'other', [dev.device_id]).code)
        # A plain (non-SLO) parent group is exempt.
        ops.create_storage_group(self.estate, V3, 'plain')
        ops.add_members(self.estate, V3, o.KIND_SG, 'plain',
                        [dev.device_id])
        self.assertEqual([SG, 'plain'], self.estate.arrays[V3]
                         .groups_of_device(dev.device_id))

    def test_devices_per_sg_limit(self):
        self.estate.arrays[V3].max_devices_per_sg = 2
        self.volume('OS-1')
        self.volume('OS-2')
        self.assertRefused(errors.sg_full(SG, 2), ops.create_volume,
                           self.estate, V3, 'OS-3', GIB, storage_group=SG)
        extra = ops.create_volume(self.estate, V3, 'x', GIB, pool='SRP_1')
        self.assertRefused(errors.sg_full(SG, 2), ops.add_members,
                           self.estate, V3, o.KIND_SG, SG,
                           [extra.device_id])

    def test_add_twice_and_remove_absent_refused(self):
        dev = self.volume('OS-a')
        self.assertRefused(errors.device_already_in_group(dev.device_id, SG),
                           ops.add_members, self.estate, V3, o.KIND_SG, SG,
                           [dev.device_id])
        other = ops.create_volume(self.estate, V3, 'x', GIB, pool='SRP_1')
        self.assertRefused(errors.device_not_in_group(other.device_id, SG),
                           ops.remove_members, self.estate, V3, o.KIND_SG,
                           SG, [dev.device_id, other.device_id])

    def test_admin_change_session_blocks_changes_until_it_expires(self):
        dev = self.volume('OS-a')
        admin.hold_change_session(self.estate, V3, SG, 2)
        message = errors.sg_locked(SG)
        self.assertEqual('The storage group %s is locked by an existing '
                         'change session' % SG, message)
        self.assertRefused(message, ops.remove_members, self.estate, V3,
                           o.KIND_SG, SG, [dev.device_id])
        self.assertRefused(message, ops.create_volume, self.estate, V3,
                           'OS-b', GIB, storage_group=SG)
        self.assertRefused(message, ops.delete_storage_group, self.estate,
                           V3, SG, True)
        self.assertRefused(message, ops.set_host_io_limits, self.estate,
                           V3, SG, iops=1000)
        self.estate.advance(1.9)
        self.assertRefused(message, ops.remove_members, self.estate, V3,
                           o.KIND_SG, SG, [dev.device_id])
        self.estate.advance(0.1)
        ops.remove_members(self.estate, V3, o.KIND_SG, SG, [dev.device_id])
        self.assertEqual([], self.estate.arrays[V3].storage_groups[SG]
                         .members)

    def test_running_job_holds_a_change_session(self):
        dev = self.volume('OS-a')
        other = ops.create_volume(self.estate, V3, 'x', GIB, pool='SRP_1')
        job = ops.start_job(
            self.estate, V3, 'AddMembers',
            lambda: ops.add_members(self.estate, V3, o.KIND_SG, SG,
                                    [other.device_id]),
            duration=5)
        self.assertEqual([SG], job.locks)
        self.assertRefused(errors.sg_locked(SG), ops.remove_members,
                           self.estate, V3, o.KIND_SG, SG, [dev.device_id])
        self.estate.advance(5)
        self.assertEqual(o.JOB_COMPLETED, job.state)
        ops.remove_members(self.estate, V3, o.KIND_SG, SG, [dev.device_id])
        self.assertEqual([other.device_id],
                         self.estate.arrays[V3].storage_groups[SG].members)

    def test_delete_non_empty_sg_needs_force(self):
        dev = self.volume('OS-a')
        self.assertRefused(errors.group_not_empty(o.KIND_SG, SG, 1),
                           ops.delete_storage_group, self.estate, V3, SG)
        ops.delete_storage_group(self.estate, V3, SG, force=True)
        self.assertNotIn(SG, self.estate.arrays[V3].storage_groups)
        self.assertIn(dev.device_id, self.estate.arrays[V3].devices)
        self.assertEqual([], self.estate.arrays[V3].groups_of_device(
            dev.device_id))

    def test_host_io_limits(self):
        sg = self.diamond_sg()
        ops.set_host_io_limits(self.estate, V3, SG, iops=2000, mbps=100,
                               distribution=o.DISTRIBUTION_ALWAYS)
        self.assertEqual((2000, 100, 3), (sg.host_io_limit_iops,
                                          sg.host_io_limit_mbps,
                                          sg.host_io_distribution))
        ops.set_host_io_limits(self.estate, V3, SG, mbps=0)
        self.assertEqual((2000, 0), (sg.host_io_limit_iops,
                                     sg.host_io_limit_mbps))
        self.assertRefused(errors.invalid_host_io_limit('IO/s', 50),
                           ops.set_host_io_limits, self.estate, V3, SG,
                           iops=50)
        self.assertRefused(
            errors.invalid_host_io_limit('distribution', 7),
            ops.set_host_io_limits, self.estate, V3, SG, distribution=7)


class InitiatorAndPortGroupTest(MaskingFixture):

    def test_initiator_belongs_to_one_ig(self):
        self.host()
        self.assertRefused(errors.initiator_in_other_ig(IQN,
                                                        'OS-host1-I-IG'),
                           ops.create_initiator_group, self.estate, V3,
                           'OS-host2-I-IG', [IQN])

    def test_hardware_ids(self):
        hwid = ops.create_hardware_id(self.estate, V3,
                                      '10:00:00:00:C9:AB:CD:EF',
                                      o.ID_TYPE_WWPN)
        self.assertEqual('10000000c9abcdef', hwid.storage_id)
        self.assertRefused(
            errors.name_exists(o.KIND_HWID, '10000000c9abcdef'),
            ops.create_hardware_id, self.estate, V3, '10000000C9ABCDEF',
            o.ID_TYPE_WWPN)
        self.assertRefused(errors.invalid_hardware_id('xyz', 5),
                           ops.create_hardware_id, self.estate, V3, 'xyz',
                           o.ID_TYPE_ISCSI)
        ig = ops.create_initiator_group(self.estate, V3, 'ig',
                                        ['10000000c9abcdef'])
        ops.delete_hardware_id(self.estate, V3, '10000000c9abcdef')
        self.assertEqual([], ig.hardware_ids)
        self.assertIsNone(self.estate.arrays[V3].group_of_hardware_id(
            '10000000c9abcdef'))

    def test_ig_members_must_exist(self):
        self.assertRefused(errors.not_found(o.KIND_HWID, IQN, V3),
                           ops.create_initiator_group, self.estate, V3,
                           'ig', [IQN])

    def test_port_group_members(self):
        pg = ops.create_port_group(self.estate, V3, 'pg', ['SE-1E:0'])
        self.assertRefused(
            errors.member_already_in_group(o.KIND_PG, 'SE-1E:0', 'pg'),
            ops.add_members, self.estate, V3, o.KIND_PG, 'pg', ['SE-1E:0'])
        ops.add_members(self.estate, V3, o.KIND_PG, 'pg', ['SE-2E:1'])
        self.assertEqual(['SE-1E:0', 'SE-2E:1'], pg.ports)
        self.assertEqual(['OS-PG-iSCSI-A', 'pg'], self.estate.arrays[V3]
                         .port_groups_of_port('SE-1E:0'))


class MaskingViewTest(MaskingFixture):

    def test_luns_assigned_lowest_free_from_one(self):
        view, devs = self.view(3)
        self.assertEqual({'00100': 1, '00101': 2, '00102': 3}, view.luns)
        sg = view.storage_group
        ops.remove_members(self.estate, V3, o.KIND_SG, sg, ['00101'])
        self.assertEqual({'00100': 1, '00102': 3}, view.luns)
        new = ops.create_volume(self.estate, V3, 'OS-new', GIB,
                                storage_group=sg)
        self.assertEqual(2, view.luns[new.device_id])
        ops.add_members(self.estate, V3, o.KIND_SG, sg, ['00101'])
        self.assertEqual(4, view.luns['00101'])
        self.assertEqual([view.name], self.estate.arrays[V3]
                         .views_of_device('00101'))

    def test_groups_in_a_view_cannot_be_deleted(self):
        view, _devs = self.view(1)
        for kind, name in ((o.KIND_SG, view.storage_group),
                           (o.KIND_IG, view.initiator_group),
                           (o.KIND_PG, view.port_group)):
            self.assertRefused(errors.group_in_view(kind, name, view.name),
                               ops.delete_group, self.estate, V3, kind,
                               name, True)
        self.assertEqual(
            'Initiator group OS-host1-I-IG cannot be deleted: it is used '
            'by masking view %s' % view.name,
            errors.group_in_view(o.KIND_IG, 'OS-host1-I-IG', view.name))
        ops.delete_masking_view(self.estate, V3, view.name)
        ops.delete_group(self.estate, V3, o.KIND_IG, view.initiator_group,
                         force=True)
        self.assertEqual({}, self.estate.arrays[V3].initiator_groups)
        self.assertEqual([], self.estate.arrays[V3].views_of_device('00100'))

    def test_view_name_unique(self):
        view, _devs = self.view(1)
        self.assertRefused(errors.name_exists(o.KIND_VIEW, view.name),
                           ops.create_masking_view, self.estate, V3,
                           view.name, view.storage_group,
                           view.initiator_group, view.port_group)

    def test_view_needs_an_online_port(self):
        self.diamond_sg()
        self.host()
        admin.set_port_online(self.estate, V3, 'SE-1E:0', False)
        admin.set_port_online(self.estate, V3, 'SE-2E:0', False)
        self.assertRefused(
            errors.no_port_online('OS-PG-iSCSI-A', ['SE-1E:0', 'SE-2E:0']),
            ops.create_masking_view, self.estate, V3, 'mv', SG,
            'OS-host1-I-IG', 'OS-PG-iSCSI-A')
        admin.set_port_online(self.estate, V3, 'SE-2E:0', True)
        view = ops.create_masking_view(self.estate, V3, 'mv', SG,
                                       'OS-host1-I-IG', 'OS-PG-iSCSI-A')
        self.assertEqual('mv', view.name)

    def test_view_references_must_exist(self):
        self.diamond_sg()
        exc = self.assertRefused(
            errors.not_found(o.KIND_IG, 'nope', V3),
            ops.create_masking_view, self.estate, V3, 'mv', SG, 'nope',
            'OS-PG-iSCSI-A')
        self.assertIsInstance(exc, errors.ObjectNotFound)


class LastDeviceOfAViewTest(MaskingFixture):
    """Rule added for attach/detach: a storage group in a masking view
    keeps at least one device; the view is deleted first."""

    def test_last_device_cannot_leave_a_group_in_a_view(self):
        view, devs = self.view(2)
        sg = view.storage_group
        ops.remove_members(self.estate, V3, o.KIND_SG, sg, ['00100'])
        message = errors.last_device_in_view('00101', sg, view.name)
        self.assertEqual(
            'Cannot remove device 00101 from storage group %s: it is the '
            'last device of the group, which is in masking view %s; delete '
            'the view first' % (sg, view.name), message)
        exc = self.assertRefused(message, ops.remove_members, self.estate,
                                 V3, o.KIND_SG, sg, ['00101'])
        self.assertEqual(errors.CODE_IN_USE, exc.code)
        self.assertEqual({'00101': 2}, view.luns)

    def test_removing_every_device_at_once_is_refused_too(self):
        view, devs = self.view(2)
        self.assertRefused(
            errors.last_device_in_view('00101', view.storage_group,
                                       view.name),
            ops.remove_members, self.estate, V3, o.KIND_SG,
            view.storage_group, ['00100', '00101'])

    def test_after_the_view_is_gone_the_last_device_may_leave(self):
        view, devs = self.view(1)
        ops.delete_masking_view(self.estate, V3, view.name)
        ops.remove_members(self.estate, V3, o.KIND_SG, view.storage_group,
                           ['00100'])
        self.assertEqual(
            [], self.estate.arrays[V3].storage_groups[view.storage_group]
            .members)

    def test_a_group_in_no_view_may_become_empty(self):
        dev = self.volume('OS-a')
        ops.remove_members(self.estate, V3, o.KIND_SG, SG, [dev.device_id])
        self.assertEqual([], self.estate.arrays[V3].storage_groups[SG]
                         .members)

    def test_an_administrator_is_not_stopped(self):
        view, devs = self.view(1)
        admin.remove_from_storage_group(self.estate, V3, view.storage_group,
                                        '00100')
        self.assertEqual({}, view.luns)
