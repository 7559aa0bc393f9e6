"""Cascaded storage groups and MoveMembers through the real pywbem client:
SE_MemberOfCollection_DMG_DMG both ways, AddMembers / RemoveMembers /
CreateGroup with child storage groups, views on a parent, MoveMembers
with its rules, parameter checks, jobs and faults, and one run over
HTTP."""

import pywbem

from tests.sim import test_cim_base as base
from tests.sim import test_wire_support as wire
from vmax_sim.model import errors
from vmax_sim.model import objects as o

IQN = 'iqn.1993-08.org.debian:01:host1'
PARENT = 'OS-host1-I-SG'
DIAMOND = 'OS-host1-SRP_1-Diamond-OLTP-I-SG'
OPTIMIZED = 'OS-host1-SRP_1-Optimized-I-SG'
VIEW = 'OS-host1-I-MV'
CASCADE = 'SE_MemberOfCollection_DMG_DMG'


def _names(instances):
    return sorted(i['ElementName'] for i in instances)


class CascadeCimCase(base.CimTestCase):

    def setUp(self):
        super().setUp()
        self.ccs_path = self.ccs()

    def children(self):
        diamond = self.create_sg(DIAMOND, EMCSRP='SRP_1', EMCSLO='Diamond',
                                 EMCWorkload='OLTP')
        optimized = self.create_sg(OPTIMIZED, EMCSRP='SRP_1',
                                   EMCSLO='Optimized')
        return diamond, optimized

    def cascade(self, devices=2, view=True):
        """Parent with the two children, ``devices`` volumes in the
        Diamond child and (``view``) a view of host1 on the parent."""
        diamond, optimized = self.children()
        parent = self.create_sg(PARENT, Members=[diamond, optimized])
        vols = [self.create_volume_in_sg(diamond, 'OS-%d' % i)
                for i in range(devices)]
        if view:
            self.view_on(parent)
        return parent, diamond, optimized, vols

    def view_on(self, sg, name=VIEW):
        rc, out = self.invoke('CreateStorageHardwareID', self.hwsvc(),
                              StorageID=IQN, IDType=base.U16(5))
        ig = self.invoke_ok('CreateGroup', self.ccs_path,
                            GroupName='OS-host1-I-IG', Type=base.U16(2),
                            Members=[out['HardwareID']])['MaskingGroup']
        pg = [p for p in self.conn.AssociatorNames(
            self.ccs_path, ResultClass='SE_TargetMaskingGroup')
            if p['InstanceID'].endswith('OS-PG-iSCSI-A')][0]
        return self.invoke_ok(
            'CreateMaskingView', self.ccs_path, ElementName=name,
            InitiatorMaskingGroup=ig, DeviceMaskingGroup=sg,
            TargetMaskingGroup=pg)['ProtocolController']

    def luns(self, vol):
        result = {}
        for unit in self.conn.References(
                vol, ResultClass='CIM_ProtocolControllerForUnit'):
            view = self.conn.GetInstance(unit['Antecedent'])
            result[view['ElementName']] = int(unit['DeviceNumber'], 16)
        return result

    def move(self, vols, source, target):
        return self.invoke('MoveMembers', self.ccs_path, Members=vols,
                           SourceMaskingGroup=source,
                           TargetMaskingGroup=target)

    def assertRefusedOverCim(self, message, method, target, **params):
        """CIM_ERR_FAILED with exactly the model's message, nothing
        changed."""
        before = self.sim.snapshot()
        exc = self.assertCIMError(pywbem.CIM_ERR_FAILED, self.invoke,
                                  method, target, **params)
        self.assertEqual(message, exc.status_description)
        self.assertFalse(self.sim.diff(before), self.sim.diff(before))

    def assertInvalidParameter(self, method, target, **params):
        before = self.sim.snapshot()
        exc = self.assertCIMError(pywbem.CIM_ERR_INVALID_PARAMETER,
                                  self.invoke, method, target, **params)
        self.assertFalse(self.sim.diff(before))
        return exc


class CascadeAssociationTest(CascadeCimCase):

    def test_parent_to_children_and_child_to_parent(self):
        parent, diamond, optimized, _ = self.cascade(devices=1, view=False)
        children = self.conn.Associators(
            parent, AssocClass=CASCADE, ResultClass='SE_DeviceMaskingGroup',
            Role='Collection', ResultRole='Member')
        self.assertEqual([DIAMOND, OPTIMIZED], _names(children))
        for child in (diamond, optimized):
            parents = self.conn.Associators(
                child, AssocClass=CASCADE,
                ResultClass='SE_DeviceMaskingGroup', Role='Member')
            self.assertEqual([PARENT], _names(parents))
        # Subclass semantics: CIM_MemberOfCollection finds it too; the
        # roles keep the directions apart.
        self.assertEqual([PARENT], _names(self.conn.Associators(
            diamond, AssocClass='CIM_MemberOfCollection',
            ResultClass='CIM_DeviceMaskingGroup')))
        self.assertEqual([], self.conn.AssociatorNames(
            diamond, AssocClass=CASCADE, Role='Collection'))
        refs = self.conn.ReferenceNames(parent, ResultClass=CASCADE)
        self.assertEqual(2, len(refs))
        link = self.conn.GetInstance(self.conn.ReferenceNames(
            diamond, ResultClass=CASCADE)[0])
        self.assertEqual((parent['InstanceID'], diamond['InstanceID']), (
            link['Collection']['InstanceID'], link['Member']['InstanceID']))
        self.assertIn(CASCADE, [
            r.classname for r in self.conn.References(parent)])
        # The volumes stay members of the child only.
        vol_groups = self.conn.Associators(
            self.conn.AssociatorNames(
                diamond, AssocClass='CIM_OrderedMemberOfCollection',
                ResultClass='Symm_StorageVolume')[0],
            AssocClass='CIM_OrderedMemberOfCollection',
            ResultClass='SE_DeviceMaskingGroup')
        self.assertEqual([DIAMOND], _names(vol_groups))
        parent_inst = self.conn.GetInstance(parent)
        self.assertEqual(('', '', ''), (parent_inst['EMCSRP'],
                                        parent_inst['EMCSLO'],
                                        parent_inst['EMCFastSetting']))

    def test_add_and_remove_children(self):
        diamond, optimized = self.children()
        parent = self.create_sg(PARENT)
        out = self.invoke_ok('AddMembers', self.ccs_path,
                             MaskingGroup=parent,
                             Members=[diamond, optimized])
        # The job names the children it added and the parent it changed.
        self.assertEqual([PARENT, DIAMOND, OPTIMIZED],
                         _names(self.conn.Associators(
                             out['Job'],
                             ResultClass='SE_DeviceMaskingGroup')))
        self.assertEqual(2, len(self.conn.AssociatorNames(
            parent, AssocClass=CASCADE)))
        self.invoke_ok('RemoveMembers', self.ccs_path, MaskingGroup=parent,
                       Members=[optimized])
        self.assertEqual([DIAMOND], _names(self.conn.Associators(
            parent, AssocClass=CASCADE)))
        self.assertEqual([], self.conn.AssociatorNames(
            optimized, AssocClass=CASCADE))

    def test_cascade_rules_answer_the_array_message(self):
        parent, diamond, optimized, (vol,) = self.cascade(devices=1)
        self.assertRefusedOverCim(
            errors.parent_not_plain(DIAMOND), 'AddMembers', self.ccs_path,
            MaskingGroup=diamond, Members=[optimized])
        self.assertRefusedOverCim(
            errors.parent_holds_no_devices(PARENT), 'AddMembers',
            self.ccs_path, MaskingGroup=parent, Members=[vol])
        self.assertRefusedOverCim(
            errors.parent_not_plain('P2'), 'CreateGroup', self.ccs_path,
            GroupName='P2', Type=base.U16(4), EMCSRP='SRP_1',
            Members=[diamond])
        self.assertRefusedOverCim(
            errors.child_cannot_be_deleted(DIAMOND, PARENT), 'DeleteGroup',
            self.ccs_path, MaskingGroup=diamond, Force=True)
        self.assertRefusedOverCim(
            errors.last_child_devices_in_view(DIAMOND, PARENT, VIEW),
            'RemoveMembers', self.ccs_path, MaskingGroup=parent,
            Members=[diamond])
        self.assertRefusedOverCim(
            errors.last_device_of_parent_in_view(vol['DeviceID'], DIAMOND,
                                                 PARENT, VIEW),
            'RemoveMembers', self.ccs_path, MaskingGroup=diamond,
            Members=[vol])
        # Volumes and groups in one Members list: an invalid parameter.
        self.assertInvalidParameter('AddMembers', self.ccs_path,
                                    MaskingGroup=parent,
                                    Members=[optimized, vol])

    def test_structure_and_delete_rules_answer_the_array_message(self):
        parent, diamond, optimized, (vol,) = self.cascade(devices=1)
        top = self.create_sg('top')
        plain = self.create_sg('plain-child')
        self.invoke_ok('AddMembers', self.ccs_path, MaskingGroup=parent,
                       Members=[plain])
        loose = self.invoke_ok(
            'CreateOrModifyElementFromStoragePool', self.scs(),
            ElementName='loose', ElementType=base.U16(5),
            Size=base.U64(base.GIB),
            InPool=self.pool('SRP_1'))['TheElement']
        holder = self.create_sg('holder', Members=[loose])
        dss = self.create_sg('dss', EMCSRP='SRP_1', EMCSLO='Diamond',
                             EMCWorkload='DSS')
        dev = vol['DeviceID']
        for message, method, params in (
                (errors.child_is_parent(PARENT), 'AddMembers',
                 dict(MaskingGroup=top, Members=[parent])),
                (errors.parent_is_child('plain-child', PARENT), 'AddMembers',
                 dict(MaskingGroup=plain, Members=[top])),
                (errors.child_has_parent(DIAMOND, PARENT), 'AddMembers',
                 dict(MaskingGroup=top, Members=[diamond])),
                (errors.child_of_itself('top'), 'AddMembers',
                 dict(MaskingGroup=top, Members=[top])),
                (errors.not_a_child('top', PARENT), 'RemoveMembers',
                 dict(MaskingGroup=parent, Members=[top])),
                (errors.group_holds_devices('holder', 1), 'AddMembers',
                 dict(MaskingGroup=holder, Members=[top])),
                (errors.group_in_view(o.KIND_SG, PARENT, VIEW),
                 'DeleteGroup', dict(MaskingGroup=parent, Force=True)),
                (errors.fast_sg_conflict(dev, DIAMOND, 'dss'), 'AddMembers',
                 dict(MaskingGroup=dss, Members=[vol]))):
            self.assertRefusedOverCim(message, method, self.ccs_path,
                                      **params)
        self.assertRefusedOverCim(
            errors.parent_holds_no_devices(PARENT),
            'CreateOrModifyElementFromStoragePool', self.scs(),
            ElementName='into-parent', ElementType=base.U16(5),
            Size=base.U64(base.GIB), EMCCollections=[parent])
        self.assertRefusedOverCim(
            errors.device_in_group(dev, DIAMOND),
            'ReturnElementsToStoragePool', self.scs(), TheElements=[vol])

    def test_view_on_a_parent_masks_the_children(self):
        parent, diamond, optimized, (first, second) = self.cascade()
        third = self.create_volume_in_sg(optimized, 'OS-opt')
        self.assertEqual(({VIEW: 1}, {VIEW: 2}, {VIEW: 3}), (
            self.luns(first), self.luns(second), self.luns(third)))
        self.assertTrue(self.conn.GetInstance(third)['EMCIsMapped'])
        view = self.conn.AssociatorNames(
            third, ResultClass='Symm_LunMaskingView')
        self.assertEqual([VIEW], [v['DeviceID'] for v in view])
        self.assertEqual([PARENT], _names(self.conn.Associators(
            view[0], ResultClass='CIM_DeviceMaskingGroup')))
        self.assertEqual(3, len(self.conn.AssociatorNames(
            view[0], ResultClass='Symm_StorageVolume')))


class MoveMembersCimTest(CascadeCimCase):

    def test_move_keeps_the_lun_and_takes_the_target_service_level(self):
        parent, diamond, optimized, (first, second) = self.cascade()
        before = self.conn.GetInstance(second)
        self.assertEqual(('Diamond', 'OLTP'), (before['EMCSLO'],
                                               before['EMCWorkload']))
        rc, out = self.move([second], diamond, optimized)
        self.assertEqual(4096, rc)
        job = self.wait_job(out)
        self.assertEqual((7, 'MoveMembers'), (job['JobState'],
                                              job['ElementName']))
        self.assertEqual([second['DeviceID']], [
            v['DeviceID'] for v in self.job_volumes(out)])
        after = self.conn.GetInstance(second)
        self.assertEqual(('Optimized', 'NONE', True), (
            after['EMCSLO'], after['EMCWorkload'], after['EMCIsMapped']))
        self.assertEqual({VIEW: 2}, self.luns(second))
        self.assertEqual([OPTIMIZED], _names(self.conn.Associators(
            second, AssocClass='CIM_OrderedMemberOfCollection',
            ResultClass='SE_DeviceMaskingGroup')))

    def test_move_rules_answer_the_array_message(self):
        parent, diamond, optimized, (first, second) = self.cascade()
        outside = self.create_sg('outside', EMCSRP='SRP_1',
                                 EMCSLO='Optimized')
        plain = self.create_sg('plain')
        dev = first['DeviceID']
        self.assertRefusedOverCim(
            errors.move_disruptive(dev, DIAMOND, 'outside', [VIEW], []),
            'MoveMembers', self.ccs_path, Members=[first],
            SourceMaskingGroup=diamond, TargetMaskingGroup=outside)
        self.assertRefusedOverCim(
            errors.device_not_in_group(dev, OPTIMIZED), 'MoveMembers',
            self.ccs_path, Members=[first], SourceMaskingGroup=optimized,
            TargetMaskingGroup=diamond)
        self.assertRefusedOverCim(
            errors.move_same_group(DIAMOND), 'MoveMembers', self.ccs_path,
            Members=[first], SourceMaskingGroup=diamond,
            TargetMaskingGroup=diamond)
        self.assertRefusedOverCim(
            errors.move_fast_mismatch(DIAMOND, 'plain'), 'MoveMembers',
            self.ccs_path, Members=[first], SourceMaskingGroup=diamond,
            TargetMaskingGroup=plain)
        self.assertRefusedOverCim(
            errors.parent_holds_no_devices(PARENT), 'MoveMembers',
            self.ccs_path, Members=[first], SourceMaskingGroup=diamond,
            TargetMaskingGroup=parent)
        self.sim.admin.hold_change_session(self.serial, OPTIMIZED, 60)
        self.assertRefusedOverCim(
            errors.sg_locked(OPTIMIZED), 'MoveMembers', self.ccs_path,
            Members=[first], SourceMaskingGroup=diamond,
            TargetMaskingGroup=optimized)

    def test_moves_between_views_of_one_host(self):
        a = self.create_sg('a', EMCSRP='SRP_1', EMCSLO='Diamond',
                           EMCWorkload='OLTP')
        b = self.create_sg('b', EMCSRP='SRP_1', EMCSLO='Optimized')
        first, second, third = [self.create_volume_in_sg(a, 'v%d' % i)
                                for i in range(3)]
        self.create_volume_in_sg(b, 'w')
        view_a = self.view_on(a, 'MV-a')
        ig = self.conn.AssociatorNames(
            view_a, ResultClass='SE_InitiatorMaskingGroup')[0]
        pg = self.conn.AssociatorNames(
            view_a, ResultClass='SE_TargetMaskingGroup')[0]
        self.invoke_ok('CreateMaskingView', self.ccs_path,
                       ElementName='MV-b', InitiatorMaskingGroup=ig,
                       DeviceMaskingGroup=b, TargetMaskingGroup=pg)
        self.invoke_ok('MoveMembers', self.ccs_path, Members=[third],
                       SourceMaskingGroup=a, TargetMaskingGroup=b)
        self.assertEqual({'MV-b': 3}, self.luns(third))
        self.assertRefusedOverCim(
            errors.move_lun_taken(first['DeviceID'], 1, 'MV-b'),
            'MoveMembers', self.ccs_path, Members=[first],
            SourceMaskingGroup=a, TargetMaskingGroup=b)
        self.sim.admin.remove_from_storage_group(self.serial, 'a',
                                                 first['DeviceID'])
        self.assertRefusedOverCim(
            errors.last_device_in_view(second['DeviceID'], 'a', 'MV-a'),
            'MoveMembers', self.ccs_path, Members=[second],
            SourceMaskingGroup=a, TargetMaskingGroup=b)

    def test_unmasked_moves_srp_and_room(self):
        parent, diamond, optimized, (first, second) = self.cascade(
            view=False)
        outside = self.create_sg('outside', EMCSRP='SRP_1',
                                 EMCSLO='Optimized')
        self.invoke_ok('MoveMembers', self.ccs_path, Members=[first],
                       SourceMaskingGroup=diamond,
                       TargetMaskingGroup=outside)
        arr = self.estate.arrays[self.serial]
        arr.pools['SRP_2'] = o.Pool(name='SRP_2', kind=o.POOL_SRP,
                                    total_bytes=100 * base.GIB,
                                    settings=[('Diamond', 'OLTP')])
        srp2 = self.create_sg('srp2', EMCSRP='SRP_2', EMCSLO='Diamond',
                              EMCWorkload='OLTP')
        self.assertRefusedOverCim(
            errors.move_srp_mismatch(DIAMOND, 'SRP_1', 'srp2', 'SRP_2'),
            'MoveMembers', self.ccs_path, Members=[second],
            SourceMaskingGroup=diamond, TargetMaskingGroup=srp2)
        arr.max_devices_per_sg = 1
        self.assertRefusedOverCim(
            errors.sg_full('outside', 1), 'MoveMembers', self.ccs_path,
            Members=[second], SourceMaskingGroup=diamond,
            TargetMaskingGroup=outside)

    def test_parameters_are_checked_strictly(self):
        parent, diamond, optimized, (first, _) = self.cascade(view=False)
        spare = self.create_sg('spare')
        # Members must be volumes; the groups must be storage groups.
        self.assertInvalidParameter('MoveMembers', self.ccs_path,
                                    Members=[diamond],
                                    SourceMaskingGroup=diamond,
                                    TargetMaskingGroup=optimized)
        self.assertInvalidParameter('MoveMembers', self.ccs_path,
                                    Members=[first],
                                    SourceMaskingGroup=first,
                                    TargetMaskingGroup=optimized)
        # Required parameters, undeclared ones, CIM types.
        self.assertInvalidParameter('MoveMembers', self.ccs_path,
                                    Members=[first],
                                    SourceMaskingGroup=diamond)
        self.assertInvalidParameter('MoveMembers', self.ccs_path,
                                    SourceMaskingGroup=diamond,
                                    TargetMaskingGroup=spare)
        self.assertInvalidParameter('MoveMembers', self.ccs_path,
                                    Members=[first],
                                    SourceMaskingGroup=diamond,
                                    TargetMaskingGroup=optimized,
                                    Force=True)
        self.assertInvalidParameter('MoveMembers', self.ccs_path,
                                    Members=first,
                                    SourceMaskingGroup=diamond,
                                    TargetMaskingGroup=optimized)
        exc = self.assertCIMError(
            pywbem.CIM_ERR_NOT_FOUND, self.move, [first], diamond,
            wire.group_path('no-such-group'))
        self.assertIn('no-such-group', exc.status_description)
        method = self.sim.dispatcher.classes.method(
            'Symm_ControllerConfigurationService', 'MoveMembers')
        self.assertEqual(['Members', 'SourceMaskingGroup',
                          'TargetMaskingGroup', 'Job'],
                         list(method.parameters))


class MoveMembersFaultsTest(CascadeCimCase):

    def setUp(self):
        super().setUp()
        (self.parent, self.diamond, self.optimized,
         (self.first, self.second)) = self.cascade()
        self.before = self.sim.snapshot()

    def _move(self):
        return self.move([self.second], self.diamond, self.optimized)

    def test_job_exception_and_return_code_change_nothing(self):
        self.sim.faults.add('job_exception', method='MoveMembers',
                            error_code=10430, description='injected')
        rc, out = self._move()
        job = self.wait_job(out)
        self.assertEqual((4096, 10, 'injected'), (
            rc, job['JobState'], job['ErrorDescription']))
        self.sim.faults.add('return_code', method='MoveMembers', rc=9)
        self.assertEqual(9, self._move()[0])
        self.sim.faults.add('cim_error', method='MoveMembers',
                            code=pywbem.CIM_ERR_FAILED)
        self.assertCIMError(pywbem.CIM_ERR_FAILED, self._move)
        self.assertFalse(self.sim.diff(self.before))

    def test_job_stuck_holds_both_change_sessions(self):
        self.sim.faults.add('job_stuck', method='MoveMembers')
        rc, out = self._move()
        self.assertEqual(4096, rc)
        self.sim.clock.advance(600)
        self.assertEqual(4, self.conn.GetInstance(out['Job'])['JobState'])
        self.assertFalse(self.sim.diff(self.before))
        for group in (self.diamond, self.optimized):
            exc = self.assertCIMError(
                pywbem.CIM_ERR_FAILED, self.invoke, 'AddMembers',
                self.ccs_path, MaskingGroup=group, Members=[self.first])
            self.assertIn('locked by an existing change session',
                          exc.status_description)

    def test_job_late_moves_when_the_clock_passes(self):
        self.sim.faults.add('job_late', method='MoveMembers', seconds=60)
        rc, out = self._move()
        self.assertEqual((4096, ['Job']), (rc, list(out)))
        self.sim.clock.advance(30)
        self.assertFalse(self.sim.diff(self.before))
        self.sim.clock.advance(31)
        self.assertEqual(7, self.conn.GetInstance(out['Job'])['JobState'])
        changed = self.sim.diff(self.before).changed_keys(o.KIND_DEVICE)
        self.assertEqual([self.second['DeviceID']],
                         [key.ident for key in changed])
        self.assertEqual({VIEW: 2}, self.luns(self.second))


class CascadeOverHttpTest(CascadeCimCase):
    """The same surface as CIM-XML over a real socket (the groups are
    built in-process, the cascade is read and the move made over HTTP)."""

    def test_cascade_and_move_over_http(self):
        parent, diamond, optimized, (first, second) = self.cascade()
        server = self.useFixture(wire.ServedSimulator(self.sim))
        self.conn = pywbem.WBEMConnection(server.url,
                                          default_namespace=wire.NS,
                                          timeout=10)
        self.ccs_path = wire.controller_configuration_service()
        self.assertEqual([DIAMOND, OPTIMIZED], _names(self.conn.Associators(
            parent, AssocClass=CASCADE, ResultClass='SE_DeviceMaskingGroup')))
        self.assertEqual([PARENT], _names(self.conn.Associators(
            optimized, AssocClass=CASCADE)))
        rc, out = self.move([second], diamond, optimized)
        self.assertEqual(4096, rc)
        self.assertIsInstance(rc, pywbem.Uint32)
        self.assertEqual(7, self.wait_job(out)['JobState'])
        self.assertEqual('Optimized', self.conn.GetInstance(second)['EMCSLO'])
        self.assertEqual({VIEW: 2}, self.luns(second))
        exc = self.assertCIMError(pywbem.CIM_ERR_FAILED, self.move,
                                  [second], diamond, optimized)
        self.assertEqual(errors.device_not_in_group(second['DeviceID'],
                                                    DIAMOND),
                         exc.status_description)
