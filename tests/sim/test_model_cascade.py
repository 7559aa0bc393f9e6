"""Cascaded storage groups and MoveMembers in the domain model: every rule,
accepted and refused (with the array's message and no change)."""

import os

import fixtures

from tests.sim import test_cli
from tests.sim import test_model_support as base
from vmax_sim import model
from vmax_sim.model import admin
from vmax_sim.model import errors
from vmax_sim.model import objects as o
from vmax_sim.model import ops

GIB = base.GIB
V3 = base.V3
IQN = base.IQN_HOST
PARENT = 'OS-host1-I-SG'
DIAMOND = 'OS-host1-SRP_1-Diamond-OLTP-I-SG'
OPTIMIZED = 'OS-host1-SRP_1-Optimized-I-SG'
VIEW = 'OS-host1-I-MV'
IG = 'OS-host1-I-IG'
PG = 'OS-PG-iSCSI-A'


class CascadeFixture(base.ModelTestCase):
    """A parent SG with two service-level children; optionally in a view
    of host1 with ``devices`` devices in the Diamond child."""

    def arr(self):
        return self.estate.arrays[V3]

    def children(self):
        ops.create_storage_group(self.estate, V3, DIAMOND, srp='SRP_1',
                                 slo='Diamond', workload='OLTP')
        ops.create_storage_group(self.estate, V3, OPTIMIZED, srp='SRP_1',
                                 slo='Optimized')

    def cascade(self, devices=2, view=True):
        self.children()
        ops.create_storage_group(self.estate, V3, PARENT,
                                 children=[DIAMOND, OPTIMIZED])
        devs = [ops.create_volume(self.estate, V3, 'OS-%d' % i, GIB,
                                  storage_group=DIAMOND).device_id
                for i in range(devices)]
        if view:
            self.host_view(PARENT)
        return devs

    def host_view(self, sg, name=VIEW, ig=IG, pg=PG, iqn=IQN):
        if ig not in self.arr().initiator_groups:
            ops.create_hardware_id(self.estate, V3, iqn, o.ID_TYPE_ISCSI)
            ops.create_initiator_group(self.estate, V3, ig, [iqn])
        return ops.create_masking_view(self.estate, V3, name, sg, ig, pg)

    def luns(self, view=VIEW):
        return dict(self.arr().masking_views[view].luns)


class ParentAndChildrenTest(CascadeFixture):

    def test_create_group_with_children_makes_a_parent(self):
        self.children()
        parent = ops.create_storage_group(self.estate, V3, PARENT,
                                          children=[DIAMOND, OPTIMIZED])
        self.assertEqual([DIAMOND, OPTIMIZED], parent.children)
        self.assertTrue(parent.is_parent)
        self.assertFalse(parent.fast_managed)
        self.assertEqual(PARENT, self.arr().parent_of_group(DIAMOND))
        self.assertIsNone(self.arr().parent_of_group(PARENT))
        record = self.estate.snapshot().record(
            o.ElementKey(o.KIND_SG, V3, PARENT))
        self.assertEqual(((DIAMOND, OPTIMIZED), None),
                         (record['children'], record['parent']))
        self.assertEqual(PARENT, self.estate.snapshot().record(
            o.ElementKey(o.KIND_SG, V3, DIAMOND))['parent'])

    def test_empty_parent_then_children_added_and_removed(self):
        self.children()
        ops.create_storage_group(self.estate, V3, PARENT)
        ops.add_child_groups(self.estate, V3, PARENT, [OPTIMIZED])
        ops.add_child_groups(self.estate, V3, PARENT, [DIAMOND])
        self.assertEqual([OPTIMIZED, DIAMOND],
                         self.arr().storage_groups[PARENT].children)
        before = self.estate.snapshot()
        ops.remove_child_groups(self.estate, V3, PARENT, [OPTIMIZED])
        diff = self.estate.diff(since=before)
        self.assertEqual(
            {'children': ((DIAMOND, OPTIMIZED), (DIAMOND,))},
            diff.changed_fields(o.ElementKey(o.KIND_SG, V3, PARENT)))
        self.assertEqual({'parent': (PARENT, None)}, diff.changed_fields(
            o.ElementKey(o.KIND_SG, V3, OPTIMIZED)))
        self.assertIsNone(self.arr().parent_of_group(OPTIMIZED))

    def test_parent_has_no_srp_service_level_or_fast_policy(self):
        self.children()
        self.assertRefused(errors.parent_not_plain('P'),
                           ops.create_storage_group, self.estate, V3, 'P',
                           srp='SRP_1', children=[DIAMOND])
        self.assertEqual(
            'Storage group P cannot be a parent storage group: a parent has '
            'no SRP, service level, workload or FAST policy',
            errors.parent_not_plain('P'))
        # An SG with a service level cannot take children either.
        self.assertRefused(errors.parent_not_plain(DIAMOND),
                           ops.add_child_groups, self.estate, V3, DIAMOND,
                           [OPTIMIZED])

    def test_vmax2_parent_cannot_take_a_fast_policy(self):
        self.estate = model.load_profile('vmax2')
        ops.create_storage_group(self.estate, base.V2, 'gold',
                                 fast_policy='GOLD1')
        ops.create_storage_group(self.estate, base.V2, 'P',
                                 children=['gold'])
        self.assertRefused(errors.parent_no_fast_policy('P'),
                           ops.associate_fast_policy, self.estate, base.V2,
                           'P', 'SILVER1')

    def test_devices_or_children_never_both(self):
        self.cascade(devices=1, view=False)
        dev = ops.create_volume(self.estate, V3, 'x', GIB, pool='SRP_1')
        self.assertRefused(errors.parent_holds_no_devices(PARENT),
                           ops.add_members, self.estate, V3, o.KIND_SG,
                           PARENT, [dev.device_id])
        self.assertRefused(errors.parent_holds_no_devices(PARENT),
                           ops.create_volume, self.estate, V3, 'y', GIB,
                           storage_group=PARENT)
        ops.create_storage_group(self.estate, V3, 'plain',
                                 members=[dev.device_id])
        ops.create_storage_group(self.estate, V3, 'lonely')
        self.assertRefused(errors.group_holds_devices('plain', 1),
                           ops.add_child_groups, self.estate, V3, 'plain',
                           ['lonely'])
        self.assertRefused(errors.group_holds_devices('both', 1),
                           ops.create_storage_group, self.estate, V3,
                           'both', members=[dev.device_id],
                           children=['lonely'])

    def test_one_level_only(self):
        self.cascade(devices=0, view=False)
        ops.create_storage_group(self.estate, V3, 'top')
        # A parent cannot become a child ...
        self.assertRefused(errors.child_is_parent(PARENT),
                           ops.add_child_groups, self.estate, V3, 'top',
                           [PARENT])
        # ... and a child (a plain one, which could otherwise be a
        # parent) cannot become a parent.
        ops.create_storage_group(self.estate, V3, 'plain-child')
        ops.add_child_groups(self.estate, V3, PARENT, ['plain-child'])
        self.assertRefused(errors.parent_is_child('plain-child', PARENT),
                           ops.add_child_groups, self.estate, V3,
                           'plain-child', ['top'])

    def test_a_child_has_one_parent(self):
        self.cascade(devices=0, view=False)
        ops.create_storage_group(self.estate, V3, 'other')
        self.assertRefused(errors.child_has_parent(DIAMOND, PARENT),
                           ops.add_child_groups, self.estate, V3, 'other',
                           [DIAMOND])
        self.assertRefused(errors.child_has_parent(DIAMOND, PARENT),
                           ops.add_child_groups, self.estate, V3, PARENT,
                           [DIAMOND])
        self.assertRefused(errors.child_has_parent(DIAMOND, PARENT),
                           ops.create_storage_group, self.estate, V3, 'new',
                           children=[DIAMOND])
        self.assertRefused(errors.child_of_itself('other'),
                           ops.add_child_groups, self.estate, V3, 'other',
                           ['other'])
        self.assertRefused(errors.not_a_child('other', PARENT),
                           ops.remove_child_groups, self.estate, V3, PARENT,
                           ['other'])
        self.assertRefused(errors.not_found(o.KIND_SG, 'nope', V3),
                           ops.add_child_groups, self.estate, V3, PARENT,
                           ['nope'])

    def test_change_sessions_of_parent_and_child(self):
        self.cascade(devices=0, view=False)
        ops.create_storage_group(self.estate, V3, 'extra')
        admin.hold_change_session(self.estate, V3, 'extra', 60)
        self.assertRefused(errors.sg_locked('extra'), ops.add_child_groups,
                           self.estate, V3, PARENT, ['extra'])
        admin.hold_change_session(self.estate, V3, PARENT, 60)
        self.assertRefused(errors.sg_locked(PARENT),
                           ops.remove_child_groups, self.estate, V3, PARENT,
                           [DIAMOND])


class ViewOnParentTest(CascadeFixture):

    def test_view_masks_every_device_of_every_child(self):
        first, second = self.cascade(devices=2)
        third = ops.create_volume(self.estate, V3, 'OS-opt', GIB,
                                  storage_group=OPTIMIZED).device_id
        self.assertEqual({first: 1, second: 2, third: 3}, self.luns())
        self.assertEqual([VIEW], self.arr().views_of_device(third))
        self.assertEqual([first, second, third],
                         self.arr().devices_of_group(PARENT))

    def test_children_joining_and_leaving_a_parent_in_a_view(self):
        first, _ = self.cascade(devices=2)
        ops.create_storage_group(self.estate, V3, 'late')
        late = ops.create_volume(self.estate, V3, 'OS-late', GIB,
                                 pool='SRP_1').device_id
        ops.add_members(self.estate, V3, o.KIND_SG, 'late', [late])
        ops.add_child_groups(self.estate, V3, PARENT, ['late'])
        self.assertEqual(3, self.luns()[late])
        ops.remove_child_groups(self.estate, V3, PARENT, ['late'])
        self.assertNotIn(late, self.luns())
        self.assertEqual([], self.arr().views_of_device(late))

    def test_a_device_reaching_a_view_twice_keeps_its_lun(self):
        first, _ = self.cascade(devices=2)
        ops.create_storage_group(self.estate, V3, 'plain-child',
                                 members=[first])
        ops.add_child_groups(self.estate, V3, PARENT, ['plain-child'])
        ops.remove_members(self.estate, V3, o.KIND_SG, 'plain-child',
                           [first])
        self.assertEqual(1, self.luns()[first])

    def test_the_parent_keeps_at_least_one_device(self):
        (only,) = self.cascade(devices=1)
        message = errors.last_device_of_parent_in_view(only, DIAMOND,
                                                       PARENT, VIEW)
        self.assertEqual(
            'Cannot remove device %s from storage group %s: it is the last '
            'device of parent storage group %s, which is in masking view '
            '%s; delete the view first' % (only, DIAMOND, PARENT, VIEW),
            message)
        exc = self.assertRefused(message, ops.remove_members, self.estate,
                                 V3, o.KIND_SG, DIAMOND, [only])
        self.assertEqual(errors.CODE_IN_USE, exc.code)
        self.assertRefused(
            errors.last_child_devices_in_view(DIAMOND, PARENT, VIEW),
            ops.remove_child_groups, self.estate, V3, PARENT, [DIAMOND])
        # Removing the empty child is fine; so is emptying one child while
        # another still holds devices.
        ops.remove_child_groups(self.estate, V3, PARENT, [OPTIMIZED])
        ops.add_child_groups(self.estate, V3, PARENT, [OPTIMIZED])
        ops.create_volume(self.estate, V3, 'OS-opt', GIB,
                          storage_group=OPTIMIZED)
        ops.remove_members(self.estate, V3, o.KIND_SG, DIAMOND, [only])
        self.assertNotIn(only, self.luns())

    def test_a_child_of_a_parent_in_no_view_may_become_empty(self):
        (only,) = self.cascade(devices=1, view=False)
        ops.remove_members(self.estate, V3, o.KIND_SG, DIAMOND, [only])
        ops.remove_child_groups(self.estate, V3, PARENT,
                                [DIAMOND, OPTIMIZED])
        self.assertEqual([], self.arr().storage_groups[PARENT].children)

    def test_delete_rules(self):
        first, _ = self.cascade(devices=2)
        self.assertRefused(errors.child_cannot_be_deleted(DIAMOND, PARENT),
                           ops.delete_storage_group, self.estate, V3,
                           DIAMOND, force=True)
        self.assertRefused(errors.group_in_view(o.KIND_SG, PARENT, VIEW),
                           ops.delete_storage_group, self.estate, V3,
                           PARENT, force=True)
        # A device masked through the parent cannot be deleted.
        self.assertRefused(errors.device_in_group(first, DIAMOND),
                           ops.delete_volume, self.estate, V3, first)
        ops.delete_masking_view(self.estate, V3, VIEW)
        self.assertRefused(errors.group_not_empty(o.KIND_SG, PARENT, 2),
                           ops.delete_storage_group, self.estate, V3,
                           PARENT)
        ops.delete_storage_group(self.estate, V3, PARENT, force=True)
        self.assertIsNone(self.arr().parent_of_group(DIAMOND))
        ops.delete_storage_group(self.estate, V3, OPTIMIZED)

    def test_fast_rule_unchanged_and_parent_exempt(self):
        first, _ = self.cascade(devices=2)
        ops.create_storage_group(self.estate, V3, 'dss', srp='SRP_1',
                                 slo='Diamond', workload='DSS')
        self.assertRefused(
            errors.fast_sg_conflict(first, DIAMOND, 'dss'),
            ops.add_members, self.estate, V3, o.KIND_SG, 'dss', [first])
        # The parent is not FAST managed: a device of a child may still
        # join a plain SG.
        ops.create_storage_group(self.estate, V3, 'plain', members=[first])
        self.assertEqual([DIAMOND, 'plain'],
                         self.arr().groups_of_device(first))

    def test_administrator_actions_follow_the_cascade(self):
        first, second = self.cascade(devices=2)
        admin.delete_device(self.estate, V3, first)
        self.assertEqual({second: 2}, self.luns())
        admin.delete_storage_group(self.estate, V3, DIAMOND)
        self.assertEqual({}, self.luns())
        self.assertEqual([OPTIMIZED],
                         self.arr().storage_groups[PARENT].children)


class MoveMembersTest(CascadeFixture):

    def test_move_within_a_parent_keeps_the_lun(self):
        first, second = self.cascade(devices=2)
        arr = self.arr()
        ops.set_host_io_limits(self.estate, V3, OPTIMIZED, iops=5000)
        usage = arr.pool_usage('SRP_1')
        before = self.estate.snapshot()
        ops.move_members(self.estate, V3, DIAMOND, OPTIMIZED, [second])
        self.assertEqual({first: 1, second: 2}, self.luns())
        self.assertEqual([OPTIMIZED], arr.groups_of_device(second))
        self.assertEqual(usage, arr.pool_usage('SRP_1'))
        sg = arr.storage_groups[arr.groups_of_device(second)[0]]
        self.assertEqual(('Optimized', 5000), (sg.slo,
                                               sg.host_io_limit_iops))
        changed = self.estate.diff(since=before).changed_keys()
        self.assertEqual(
            {o.ElementKey(o.KIND_DEVICE, V3, second),
             o.ElementKey(o.KIND_SG, V3, DIAMOND),
             o.ElementKey(o.KIND_SG, V3, OPTIMIZED)}, set(changed))

    def test_compression_follows_the_target(self):
        (dev,) = self.cascade(devices=1, view=False)
        ops.create_storage_group(self.estate, V3, 'nocomp', srp='SRP_1',
                                 slo='Diamond', workload='OLTP',
                                 disable_compression=True)
        self.assertTrue(self.arr().devices[dev].compressed)
        ops.move_members(self.estate, V3, DIAMOND, 'nocomp', [dev])
        self.assertFalse(self.arr().devices[dev].compressed)

    def test_members_must_be_in_the_source(self):
        first, _ = self.cascade(devices=2)
        other = ops.create_volume(self.estate, V3, 'x', GIB,
                                  pool='SRP_1').device_id
        self.assertRefused(errors.device_not_in_group(other, DIAMOND),
                           ops.move_members, self.estate, V3, DIAMOND,
                           OPTIMIZED, [first, other])
        self.assertRefused(errors.device_not_in_group(first, DIAMOND),
                           ops.move_members, self.estate, V3, DIAMOND,
                           OPTIMIZED, [first, first])
        self.assertRefused(errors.not_found(o.KIND_DEVICE, 'FFFFF', V3),
                           ops.move_members, self.estate, V3, DIAMOND,
                           OPTIMIZED, ['FFFFF'])

    def test_source_and_target(self):
        first, _ = self.cascade(devices=2)
        self.assertRefused(errors.move_same_group(DIAMOND),
                           ops.move_members, self.estate, V3, DIAMOND,
                           DIAMOND, [first])
        self.assertRefused(errors.parent_holds_no_devices(PARENT),
                           ops.move_members, self.estate, V3, DIAMOND,
                           PARENT, [first])
        ops.create_storage_group(self.estate, V3, 'plain')
        ops.add_child_groups(self.estate, V3, PARENT, ['plain'])
        self.assertRefused(errors.move_fast_mismatch(DIAMOND, 'plain'),
                           ops.move_members, self.estate, V3, DIAMOND,
                           'plain', [first])
        self.assertEqual(
            'Cannot move devices from storage group %s to plain: one is '
            'managed by FAST and the other is not' % DIAMOND,
            errors.move_fast_mismatch(DIAMOND, 'plain'))

    def test_plain_to_plain_moves(self):
        self.cascade(devices=0, view=False)
        dev = ops.create_volume(self.estate, V3, 'x', GIB,
                                pool='SRP_1').device_id
        ops.create_storage_group(self.estate, V3, 'a', members=[dev])
        ops.create_storage_group(self.estate, V3, 'b')
        ops.move_members(self.estate, V3, 'a', 'b', [dev])
        self.assertEqual(['b'], self.arr().groups_of_device(dev))

    def test_a_move_cannot_change_the_srp(self):
        (dev,) = self.cascade(devices=1, view=False)
        self.arr().pools['SRP_2'] = o.Pool(
            name='SRP_2', kind=o.POOL_SRP, total_bytes=100 * GIB,
            settings=[('Diamond', 'OLTP')])
        ops.create_storage_group(self.estate, V3, 'srp2', srp='SRP_2',
                                 slo='Diamond', workload='OLTP')
        self.assertRefused(
            errors.move_srp_mismatch(DIAMOND, 'SRP_1', 'srp2', 'SRP_2'),
            ops.move_members, self.estate, V3, DIAMOND, 'srp2', [dev])

    def test_disruptive_moves_are_refused(self):
        first, _ = self.cascade(devices=2)
        ops.create_storage_group(self.estate, V3, 'outside', srp='SRP_1',
                                 slo='Optimized')
        message = errors.move_disruptive(first, DIAMOND, 'outside', [VIEW],
                                         [])
        self.assertEqual(
            'Cannot move device %s from storage group %s to outside '
            'non-disruptively: it is masked through masking view %s and '
            'would be masked through no masking view'
            % (first, DIAMOND, VIEW), message)
        exc = self.assertRefused(message, ops.move_members, self.estate,
                                 V3, DIAMOND, 'outside', [first])
        self.assertEqual(errors.CODE_IN_USE, exc.code)
        # Into a view of another host: refused the same way.
        ops.create_volume(self.estate, V3, 'o', GIB, storage_group='outside')
        self.host_view('outside', name='OS-host2-MV', ig='OS-host2-IG',
                       iqn='iqn.1993-08.org.debian:01:host2')
        self.assertRefused(
            errors.move_disruptive(first, DIAMOND, 'outside', [VIEW],
                                   ['OS-host2-MV']),
            ops.move_members, self.estate, V3, DIAMOND, 'outside', [first])

    def test_neither_masked_moves_freely(self):
        (dev,) = self.cascade(devices=1, view=False)
        ops.create_storage_group(self.estate, V3, 'outside', srp='SRP_1',
                                 slo='Optimized')
        ops.move_members(self.estate, V3, DIAMOND, 'outside', [dev])
        self.assertEqual(['outside'], self.arr().groups_of_device(dev))

    def test_move_to_another_view_of_the_same_host_keeps_the_lun(self):
        ops.create_storage_group(self.estate, V3, 'a', srp='SRP_1',
                                 slo='Diamond', workload='OLTP')
        ops.create_storage_group(self.estate, V3, 'b', srp='SRP_1',
                                 slo='Optimized')
        devs = [ops.create_volume(self.estate, V3, 'v%d' % i, GIB,
                                  storage_group='a').device_id
                for i in range(3)]
        keep = ops.create_volume(self.estate, V3, 'w', GIB,
                                 storage_group='b').device_id
        self.host_view('a', name='MV-a')
        self.host_view('b', name='MV-b')
        self.assertEqual({keep: 1}, self.luns('MV-b'))
        ops.move_members(self.estate, V3, 'a', 'b', [devs[2]])
        self.assertEqual({keep: 1, devs[2]: 3}, self.luns('MV-b'))
        self.assertNotIn(devs[2], self.luns('MV-a'))
        # LUN 1 of the first device is taken in MV-b: refused.
        self.assertRefused(errors.move_lun_taken(devs[0], 1, 'MV-b'),
                           ops.move_members, self.estate, V3, 'a', 'b',
                           [devs[0]])
        # A view's SG keeps at least one device, moves included.
        admin.remove_from_storage_group(self.estate, V3, 'a', devs[0])
        self.assertRefused(errors.last_device_in_view(devs[1], 'a', 'MV-a'),
                           ops.move_members, self.estate, V3, 'a', 'b',
                           [devs[1]])

    def test_change_sessions_of_both_groups(self):
        first, _ = self.cascade(devices=2)
        for name in (DIAMOND, OPTIMIZED):
            admin.hold_change_session(self.estate, V3, name, 60)
            self.assertRefused(errors.sg_locked(name), ops.move_members,
                               self.estate, V3, DIAMOND, OPTIMIZED, [first])
            admin.release_change_session(self.estate, V3, name)
        job = ops.start_job(self.estate, V3, 'MoveMembers', None,
                            locks=[OPTIMIZED], duration=30)
        self.assertRefused(errors.sg_locked(OPTIMIZED), ops.move_members,
                           self.estate, V3, DIAMOND, OPTIMIZED, [first])
        self.estate.advance(31)
        self.assertTrue(job.finished)
        ops.move_members(self.estate, V3, DIAMOND, OPTIMIZED, [first])

    def test_target_room(self):
        first, _ = self.cascade(devices=2)
        self.arr().max_devices_per_sg = 2
        ops.create_volume(self.estate, V3, 'o1', GIB, storage_group=OPTIMIZED)
        ops.create_volume(self.estate, V3, 'o2', GIB, storage_group=OPTIMIZED)
        self.assertRefused(errors.sg_full(OPTIMIZED, 2), ops.move_members,
                           self.estate, V3, DIAMOND, OPTIMIZED, [first])


class CascadeStateTest(CascadeFixture):

    def test_persisted_and_reloaded(self):
        self.cascade(devices=2)
        copy = model.Estate.from_dict(self.estate.to_dict())
        self.assertEqual(self.estate.snapshot(), copy.snapshot())
        self.assertEqual(PARENT, copy.arrays[V3].parent_of_group(DIAMOND))
        self.assertEqual([VIEW], copy.arrays[V3].views_of_device('00100'))

    def test_summary_shows_parent_and_children(self):
        self.cascade(devices=2)
        text = self.estate.summary()
        self.assertIn('SG %s: parent of %s, %s (2 devices)'
                      % (PARENT, DIAMOND, OPTIMIZED), text)
        self.assertIn('SG %s [Diamond+OLTP]: 2 devices, child of %s'
                      % (DIAMOND, PARENT), text)

    def test_vmax_sim_summary_command(self):
        self.cascade(devices=1)
        state = os.path.join(self.useFixture(fixtures.TempDir()).path,
                             'state.json')
        self.estate.save(state)
        code, out, _ = test_cli._run_cli('summary', '--state', state)
        self.assertEqual(0, code)
        self.assertIn('SG %s: parent of %s, %s (1 devices)'
                      % (PARENT, DIAMOND, OPTIMIZED), out)
        self.assertIn('child of %s' % PARENT, out)
