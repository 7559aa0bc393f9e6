"""Masking: storage / initiator / port groups, hardware IDs, masking views
and host LUNs, through the real pywbem client."""

import pywbem

from tests.sim import test_cim_base as base
from vmax_sim.model import objects as o

IQN = 'iqn.1993-08.org.debian:01:host1'
WWPN = '10000090FA1B2C3D'
SG_NAME = 'OS-host1-SRP_1-Diamond-OLTP-I-SG'


class MaskingTest(base.CimTestCase):

    def setUp(self):
        super().setUp()
        self.ccs_path = self.ccs()

    def _hardware_id(self, storage_id=IQN, id_type=5):
        rc, out = self.invoke('CreateStorageHardwareID', self.hwsvc(),
                              StorageID=storage_id,
                              IDType=base.U16(id_type))
        self.assertEqual(0, rc)
        self.assertNotIn('Job', out)
        return out['HardwareID']

    def _ig(self, name='OS-host1-I-IG', hwids=None):
        hwids = hwids if hwids is not None else [self._hardware_id()]
        out = self.invoke_ok('CreateGroup', self.ccs_path, GroupName=name,
                             Type=base.U16(2), Members=hwids)
        return out['MaskingGroup']

    def _pg(self, name='OS-PG-iSCSI-A'):
        for pg in self.conn.Associators(
                self.ccs_path, ResultClass='CIM_TargetMaskingGroup'):
            if pg['ElementName'] == name:
                return pg.path
        self.fail('no port group %s' % name)

    def _view(self, sg, ig, pg, name='OS-host1-SRP_1-Diamond-OLTP-I-MV'):
        out = self.invoke_ok('CreateMaskingView', self.ccs_path,
                             ElementName=name, InitiatorMaskingGroup=ig,
                             DeviceMaskingGroup=sg, TargetMaskingGroup=pg)
        views = self.conn.AssociatorNames(out['Job'],
                                          ResultClass='Symm_LunMaskingView')
        self.assertEqual([out['ProtocolController'].keybindings],
                         [v.keybindings for v in views])
        return views[0]

    def _lun_of(self, vol):
        units = self.conn.ReferenceNames(
            vol, ResultClass='CIM_ProtocolControllerForUnit')
        result = {}
        for unit in units:
            number = self.conn.GetInstance(unit, LocalOnly=False)[
                'DeviceNumber']
            view = self.conn.GetInstance(unit['Antecedent'])['ElementName']
            result[view] = int(number, 16)
        return result

    def test_hardware_ids(self):
        iscsi = self._hardware_id()
        self.assertEqual('I-+-' + IQN, iscsi['InstanceID'])
        fc = self._hardware_id(WWPN, 2)
        self.assertEqual('W-+-' + WWPN.lower(), fc['InstanceID'])
        inst = self.conn.GetInstance(fc)
        self.assertEqual((WWPN.lower(), 2), (inst['StorageID'],
                                             inst['IDType']))
        listed = self.conn.Associators(self.hwsvc(),
                                       ResultClass='EMC_StorageHardwareID')
        self.assertEqual({IQN, WWPN.lower()},
                         {i['StorageID'] for i in listed})
        exc = self.assertCIMError(pywbem.CIM_ERR_FAILED, self.invoke,
                                  'CreateStorageHardwareID', self.hwsvc(),
                                  StorageID=IQN, IDType=base.U16(5))
        self.assertIn('already exists', exc.status_description)
        rc, _out = self.invoke('DeleteStorageHardwareID', self.hwsvc(),
                               HardwareID=fc)
        self.assertEqual(0, rc)
        self.assertCIMError(pywbem.CIM_ERR_NOT_FOUND, self.conn.GetInstance,
                            fc)

    def test_initiator_group_and_one_group_per_initiator(self):
        hwid = self._hardware_id()
        ig = self._ig(hwids=[hwid])
        members = self.conn.Associators(ig,
                                        ResultClass='EMC_StorageHardwareID')
        self.assertEqual([IQN], [m['StorageID'] for m in members])
        before = self.sim.snapshot()
        exc = self.assertCIMError(
            pywbem.CIM_ERR_FAILED, self.invoke, 'CreateGroup',
            self.ccs_path, GroupName='OS-other-I-IG', Type=base.U16(2),
            Members=[hwid])
        self.assertEqual('Initiator %s already belongs to initiator group '
                         'OS-host1-I-IG' % IQN, exc.status_description)
        self.assertFalse(self.sim.diff(before))

    def test_masking_view_luns_and_teardown(self):
        sg, vol = self.volume_in_sg('OS-v1')
        # The view's SG: a second SLO SG; the volume must leave the first.
        self.invoke_ok('RemoveMembers', self.ccs_path, MaskingGroup=sg,
                       Members=[vol])
        view_sg = self.create_sg(SG_NAME, EMCSRP='SRP_1', EMCSLO='Diamond',
                                 EMCWorkload='OLTP', Members=[vol])
        view = self._view(view_sg, self._ig(), self._pg())
        self.assertEqual({'OS-host1-SRP_1-Diamond-OLTP-I-MV': 1},
                         self._lun_of(vol))
        self.assertTrue(self.conn.GetInstance(vol)['EMCIsMapped'])
        unit = self.conn.References(
            vol, ResultClass='CIM_ProtocolControllerForUnit')[0]
        self.assertEqual('0001', unit['DeviceNumber'])
        # View -> its groups, system -> views, SG -> view.
        for classname, expected in (
                ('CIM_DeviceMaskingGroup', SG_NAME),
                ('SE_InitiatorMaskingGroup', 'OS-host1-I-IG'),
                ('CIM_TargetMaskingGroup', 'OS-PG-iSCSI-A')):
            groups = self.conn.Associators(view, ResultClass=classname)
            self.assertEqual([expected], [g['ElementName'] for g in groups])
        views = self.conn.Associators(
            self.system(), ResultClass='EMC_LunMaskingSCSIProtocolController')
        self.assertEqual(['OS-host1-SRP_1-Diamond-OLTP-I-MV'],
                         [v['ElementName'] for v in views])
        self.assertEqual([view.keybindings], [v.keybindings for v in
                         self.conn.AssociatorNames(
                             view_sg, ResultClass='Symm_LunMaskingView')])
        # A second volume joining the view's SG gets the next LUN.
        vol2 = self.create_volume_in_sg(view_sg, 'OS-v2')
        self.assertEqual({'OS-host1-SRP_1-Diamond-OLTP-I-MV': 2},
                         self._lun_of(vol2))
        # The SG and IG of a view cannot be deleted.
        exc = self.assertCIMError(
            pywbem.CIM_ERR_FAILED, self.invoke, 'DeleteGroup',
            self.ccs_path, MaskingGroup=view_sg, Force=True)
        self.assertIn('used by masking view', exc.status_description)
        # Tear down in driver order.
        self.invoke_ok('RemoveMembers', self.ccs_path, MaskingGroup=view_sg,
                       Members=[vol2])
        self.assertEqual({}, self._lun_of(vol2))
        self.invoke_ok('DeleteMaskingView', self.ccs_path,
                       ProtocolController=view)
        self.assertCIMError(pywbem.CIM_ERR_NOT_FOUND, self.conn.GetInstance,
                            view)
        self.assertFalse(self.conn.GetInstance(vol)['EMCIsMapped'])
        exc = self.assertCIMError(
            pywbem.CIM_ERR_FAILED, self.invoke, 'DeleteGroup',
            self.ccs_path, MaskingGroup=view_sg, Force=False)
        self.assertIn('is not empty', exc.status_description)
        self.invoke_ok('DeleteGroup', self.ccs_path, MaskingGroup=view_sg,
                       Force=True)
        self.assertCIMError(pywbem.CIM_ERR_NOT_FOUND, self.conn.GetInstance,
                            view_sg)
        self.assertEqual([], self.conn.AssociatorNames(
            vol, ResultClass='CIM_DeviceMaskingGroup'))

    def test_one_slo_group_per_device(self):
        sg, vol = self.volume_in_sg('OS-v1')
        other = self.create_sg('OS-SRP_1-Optimized-NONE-SG', EMCSRP='SRP_1',
                               EMCSLO='Optimized')
        before = self.sim.snapshot()
        exc = self.assertCIMError(pywbem.CIM_ERR_FAILED, self.invoke,
                                  'AddMembers', self.ccs_path,
                                  MaskingGroup=other, Members=[vol])
        self.assertTrue(exc.status_description.startswith(
            'A device cannot belong to more than one storage group in use '
            'by FAST'), exc.status_description)
        self.assertFalse(self.sim.diff(before))
        # A group without service level is exempt.
        plain = self.create_sg('OS-parent-SG')
        self.invoke_ok('AddMembers', self.ccs_path, MaskingGroup=plain,
                       Members=[vol])
        groups = self.conn.AssociatorNames(
            vol, ResultClass='CIM_DeviceMaskingGroup',
            AssocClass='CIM_OrderedMemberOfCollection')
        self.assertEqual(2, len(groups))

    def test_storage_group_properties(self):
        sg = self.create_sg('OS-SRP_1-Diamond-DSS-CD-SG', EMCSRP='SRP_1',
                            EMCSLO='Diamond', EMCWorkload='DSS',
                            EMCDisableCompression=True)
        inst = self.conn.GetInstance(sg)
        self.assertEqual(
            ('SRP_1', 'Diamond', 'DSS', 'Diamond+DSS', True, 0, 0, 1),
            (inst['EMCSRP'], inst['EMCSLO'], inst['EMCWorkload'],
             inst['EMCFastSetting'], inst['EMCDisableCompression'],
             inst['EMCMaximumIO'], inst['EMCMaximumBandwidth'],
             inst['EMCMaxIODynamicDistributionType']))
        plain = self.conn.GetInstance(self.create_sg('OS-plain-SG'))
        self.assertEqual(('', '', '', ''), (
            plain['EMCSRP'], plain['EMCSLO'], plain['EMCWorkload'],
            plain['EMCFastSetting']))
        self.assertEqual(2, len(self.conn.AssociatorNames(
            self.ccs_path, ResultClass='CIM_DeviceMaskingGroup')))

    def test_unknown_slo_is_refused(self):
        exc = self.assertCIMError(
            pywbem.CIM_ERR_FAILED, self.invoke, 'CreateGroup',
            self.ccs_path, GroupName='OS-bad-SG', Type=base.U16(4),
            EMCSRP='SRP_1', EMCSLO='Bronze', EMCWorkload='OLTP')
        self.assertEqual('Service level Bronze with workload OLTP is not '
                         'offered by SRP SRP_1', exc.status_description)

    def test_group_type_and_name_are_checked(self):
        self.assertCIMError(pywbem.CIM_ERR_INVALID_PARAMETER, self.invoke,
                            'CreateGroup', self.ccs_path, GroupName='x',
                            Type=base.U16(7))
        self.assertCIMError(pywbem.CIM_ERR_INVALID_PARAMETER, self.invoke,
                            'CreateGroup', self.ccs_path, Type=base.U16(4))
        exc = self.assertCIMError(pywbem.CIM_ERR_FAILED, self.invoke,
                                  'CreateGroup', self.ccs_path,
                                  GroupName='S' * 65, Type=base.U16(4))
        self.assertIn('the maximum is 64', exc.status_description)

    def test_port_group_of_endpoints(self):
        ports = self.conn.EnumerateInstanceNames(
            'Symm_iSCSIProtocolEndpoint')[:2]
        out = self.invoke_ok('CreateGroup', self.ccs_path,
                             GroupName='OS-PG-new', Type=base.U16(3),
                             Members=ports)
        members = self.conn.AssociatorNames(
            out['MaskingGroup'], AssocClass='CIM_MemberOfCollection')
        self.assertEqual(sorted(p['Name'] for p in ports),
                         sorted(m['Name'] for m in members))
        pg = self.estate.arrays[self.serial].port_groups['OS-PG-new']
        self.assertEqual(2, len(pg.ports))

    def test_job_affects_created_group(self):
        out = self.invoke_ok('CreateGroup', self.ccs_path,
                             GroupName='OS-job-SG', Type=base.U16(4))
        affected = self.conn.AssociatorNames(
            out['Job'], AssocClass='CIM_AffectedJobElement')
        self.assertEqual([out['MaskingGroup'].keybindings],
                         [a.keybindings for a in affected])
        key = o.ElementKey(o.KIND_SG, self.serial, 'OS-job-SG')
        job = self.estate.jobs[int(out['Job']['InstanceID'].split('-+-')[-1])]
        self.assertIn(key, job.affected)
