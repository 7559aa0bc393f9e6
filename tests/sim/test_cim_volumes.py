"""Volumes: create / extend / delete on VMAX3 (EMCCollections, InPool) and
VMAX2 (InPool, metas, unbind, relocation), through the real pywbem client.
"""

import pywbem

from tests.sim import test_cim_base as base
from vmax_sim.model import objects as o


class Vmax3VolumeTest(base.CimTestCase):

    def test_create_into_storage_group(self):
        sg = self.create_sg('OS-SRP_1-Diamond-OLTP-SG', EMCSRP='SRP_1',
                            EMCSLO='Diamond', EMCWorkload='OLTP')
        before = self.sim.snapshot()
        rc, out = self.invoke('CreateOrModifyElementFromStoragePool',
                              self.scs(), ElementName='OS-1234',
                              ElementType=base.U16(5),
                              Size=base.U64(10 * base.GIB),
                              EMCCollections=[sg])
        self.assertEqual(4096, rc)
        self.assertEqual(10 * base.GIB, out['Size'])
        job = self.wait_job(out)
        self.assertEqual(7, job['JobState'])
        self.assertEqual('CreateOrModifyElementFromStoragePool',
                         job['ElementName'])
        self.assertTrue(job['InstanceID'].startswith(
            'SYMMETRIX-+-000197800123-+-'))
        volumes = self.job_volumes(out)
        self.assertEqual(['00100'], [v['DeviceID'] for v in volumes])
        diff = self.sim.diff(before)
        created = diff.created_keys(o.KIND_DEVICE)
        self.assertEqual([o.ElementKey(o.KIND_DEVICE, self.serial, '00100')],
                         created)
        members = self.conn.AssociatorNames(sg,
                                            ResultClass='EMC_StorageVolume')
        self.assertEqual([volumes[0].keybindings],
                         [m.keybindings for m in members])
        pool = self.conn.AssociatorNames(volumes[0],
                                         ResultClass='Symm_SRPStoragePool')
        self.assertEqual('SRP_1', self.conn.GetInstance(pool[0])['PoolID'])
        srp = self.conn.GetInstance(pool[0])
        self.assertEqual(10 * base.GIB, srp['EMCSubscribedCapacity'])

    def test_create_in_srp_without_service_level(self):
        srp = self.pool('SRP_1', 'Symm_SRPStoragePool')
        out = self.invoke_ok('CreateOrModifyElementFromStoragePool',
                             self.scs(), ElementName='OS-nosl',
                             ElementType=base.U16(5), Size=base.U64(base.GIB),
                             InPool=srp)
        volume = self.conn.GetInstance(out['TheElement'])
        self.assertEqual('OS-nosl', volume['ElementName'])
        self.assertIsNone(volume['EMCSLO'])
        self.assertEqual([], self.conn.AssociatorNames(
            out['TheElement'], ResultClass='CIM_DeviceMaskingGroup'))

    def test_number_of_devices(self):
        srp = self.pool('SRP_1', 'Symm_SRPStoragePool')
        out = self.invoke_ok('CreateOrModifyElementFromStoragePool',
                             self.scs(), ElementName='OS-many',
                             ElementType=base.U16(5), Size=base.U64(base.GIB),
                             InPool=srp, EMCNumberOfDevices=base.U32(3))
        self.assertEqual(['00100', '00101', '00102'],
                         sorted(v['DeviceID'] for v in self.job_volumes(out)))

    def test_extend_and_refuse_shrink(self):
        _sg, vol = self.volume_in_sg('OS-grow', gib=2)
        out = self.invoke_ok('CreateOrModifyElementFromStoragePool',
                             self.scs(), TheElement=vol,
                             Size=base.U64(5 * base.GIB))
        self.assertEqual(5 * base.GIB, out['Size'])
        self.assertEqual([vol.keybindings],
                         [v.keybindings for v in self.job_volumes(out)])
        inst = self.conn.GetInstance(vol)
        self.assertEqual(5 * base.GIB,
                         inst['ConsumableBlocks'] * inst['BlockSize'])
        before = self.sim.snapshot()
        exc = self.assertCIMError(
            pywbem.CIM_ERR_FAILED, self.invoke,
            'CreateOrModifyElementFromStoragePool', self.scs(),
            TheElement=vol, Size=base.U64(base.GIB))
        self.assertIn('cannot be resized', exc.status_description)
        self.assertFalse(self.sim.diff(before))

    def test_delete_refused_in_group_then_done(self):
        sg, vol = self.volume_in_sg('OS-del')
        exc = self.assertCIMError(
            pywbem.CIM_ERR_FAILED, self.invoke,
            'ReturnElementsToStoragePool', self.scs(), TheElements=[vol])
        self.assertEqual(
            'Device 00100 cannot be deleted: it is in storage group '
            'OS-SRP_1-Diamond-OLTP-SG', exc.status_description)
        self.invoke_ok('RemoveMembers', self.ccs(), MaskingGroup=sg,
                       Members=[vol])
        self.invoke_ok('ReturnElementsToStoragePool', self.scs(),
                       TheElements=[vol])
        self.assertCIMError(pywbem.CIM_ERR_NOT_FOUND, self.conn.GetInstance,
                            vol)
        # The freed DeviceID is taken by the next create, with a new WWN.
        srp = self.pool('SRP_1', 'Symm_SRPStoragePool')
        out = self.invoke_ok('CreateOrModifyElementFromStoragePool',
                             self.scs(), ElementName='OS-again',
                             ElementType=base.U16(5), Size=base.U64(base.GIB),
                             InPool=srp)
        self.assertEqual('00100', out['TheElement']['DeviceID'])

    def test_capacity_exhausted(self):
        srp = self.pool('SRP_1', 'Symm_SRPStoragePool')
        exc = self.assertCIMError(
            pywbem.CIM_ERR_FAILED, self.invoke,
            'CreateOrModifyElementFromStoragePool', self.scs(),
            ElementName='OS-huge', ElementType=base.U16(5),
            Size=base.U64(60 * 1024 * base.GIB), InPool=srp)
        self.assertTrue(exc.status_description.startswith(
            'Insufficient capacity in pool SRP_1: requested 65970697666560 '
            'bytes'), exc.status_description)

    def test_thick_element_type_refused_on_vmax3(self):
        srp = self.pool('SRP_1', 'Symm_SRPStoragePool')
        exc = self.assertCIMError(
            pywbem.CIM_ERR_FAILED, self.invoke,
            'CreateOrModifyElementFromStoragePool', self.scs(),
            ElementName='OS-thick', ElementType=base.U16(2),
            Size=base.U64(base.GIB), InPool=srp)
        self.assertIn('not supported on VMAX3', exc.status_description)

    def test_object_of_another_kind_is_an_invalid_parameter(self):
        sg = self.create_sg('OS-plain-SG')
        self.assertCIMError(
            pywbem.CIM_ERR_INVALID_PARAMETER, self.invoke,
            'ReturnElementsToStoragePool', self.scs(), TheElements=[sg])


class Vmax2VolumeTest(base.CimTestCase):

    profile = 'vmax2'
    serial = base.V2

    def test_create_thin_in_pool_extend_by_meta(self):
        pool = self.pool('FC_Pool', 'EMC_VirtualProvisioningPool')
        out = self.invoke_ok('CreateOrModifyElementFromStoragePool',
                             self.scs(), ElementName='OS-v2',
                             ElementType=base.U16(5),
                             Size=base.U64(2 * base.GIB), InPool=pool)
        vol = out['TheElement']
        self.assertEqual('SYMMETRIX+000195900551', vol['SystemName'])
        inst = self.conn.GetInstance(vol)
        self.assertTrue(inst['EMCIsBound'])
        self.assertFalse(inst['IsComposite'])
        self.assertNotIn('EMCSLO', inst.properties)
        # Extend: the array appends a concatenated member.
        self.invoke_ok('CreateOrModifyElementFromStoragePool', self.scs(),
                       TheElement=vol, Size=base.U64(3 * base.GIB))
        inst = self.conn.GetInstance(vol)
        self.assertTrue(inst['IsComposite'])
        self.assertTrue(inst['IsConcatenated'])
        rc, out = self.invoke('GetCompositeElements', self.service(
            'Symm_ElementCompositionService'), TheElement=vol)
        self.assertEqual(0, rc)
        self.assertEqual(['00100', '00101'],
                         [e['DeviceID'] for e in out['OutElements']])

    def test_composite_create_and_unbound_member(self):
        pool = self.pool('FC_Pool', 'EMC_VirtualProvisioningPool')
        ecs = self.service('Symm_ElementCompositionService')
        out = self.invoke_ok('CreateOrModifyCompositeElement', ecs,
                             ElementName='OS-meta',
                             ElementType=base.U16(32768),
                             Size=base.U64(500 * base.GIB),
                             ElementSource=base.U16(2), EMCInPools=[pool],
                             CompositeType=base.U16(2),
                             EMCNumberOfMembers=base.U32(3))
        head = self.conn.GetInstance(out['TheElement'])
        self.assertTrue(head['IsComposite'])
        self.assertEqual(500 * base.GIB,
                         head['ConsumableBlocks'] * head['BlockSize'])
        member_out = self.invoke_ok(
            'CreateOrModifyElementFromStoragePool', self.scs(),
            ElementName='appendVolume', ElementType=base.U16(5),
            Size=base.U64(base.GIB), InPool=pool,
            EMCBindElements=False)
        member = self.conn.GetInstance(member_out['TheElement'])
        self.assertFalse(member['EMCIsBound'])

    def test_unbind_and_relocate(self):
        fc = self.pool('FC_Pool', 'EMC_VirtualProvisioningPool')
        sata = self.pool('SATA_Pool', 'EMC_VirtualProvisioningPool')
        out = self.invoke_ok('CreateOrModifyElementFromStoragePool',
                             self.scs(), ElementName='OS-move',
                             ElementType=base.U16(5), Size=base.U64(base.GIB),
                             InPool=fc)
        vol = out['TheElement']
        self.invoke_ok('RelocateStorageVolumesToStoragePool',
                       self.service('Symm_StorageRelocationService'),
                       TheElements=[vol], TargetPool=sata)
        pools = self.conn.AssociatorNames(
            vol, ResultClass='EMC_VirtualProvisioningPool')
        self.assertEqual(sata.keybindings, pools[0].keybindings)
        rc, _out = self.invoke('RequestStateChange', vol,
                               RequestedState=base.U16(32769))
        self.assertEqual(4096, rc)
        self.invoke_ok('EMCUnBindElement', self.scs(), TheElement=vol)
        self.assertFalse(self.conn.GetInstance(vol)['EMCIsBound'])
        self.assertEqual([], self.conn.AssociatorNames(
            vol, ResultClass='CIM_StoragePool'))

    def test_slo_refused_on_vmax2(self):
        exc = self.assertCIMError(
            pywbem.CIM_ERR_FAILED, self.invoke, 'CreateGroup', self.ccs(),
            GroupName='OS-x-SG', Type=base.U16(4), EMCSLO='Diamond')
        self.assertIn('not supported on VMAX2', exc.status_description)


class SynchronousArrayTest(base.CimTestCase):
    """A profile with ``async_jobs: false`` answers 0 with a Completed
    job, unless the job still waits for a copy."""

    def setUp(self):
        super().setUp()
        self.estate.arrays[self.serial].async_jobs = False

    def test_rc_zero_with_completed_job(self):
        sg = self.create_sg('OS-SRP_1-Diamond-OLTP-SG', EMCSRP='SRP_1',
                            EMCSLO='Diamond', EMCWorkload='OLTP')
        rc, out = self.invoke('CreateOrModifyElementFromStoragePool',
                              self.scs(), ElementName='OS-sync',
                              ElementType=base.U16(5),
                              Size=base.U64(4 * base.GIB),
                              EMCCollections=[sg])
        self.assertEqual(0, rc)
        job = self.conn.GetInstance(out['Job'])
        self.assertEqual((7, 100), (job['JobState'],
                                    job['PercentComplete']))
        self.assertEqual([out['TheElement'].keybindings],
                         [v.keybindings for v in self.job_volumes(out)])
        rsd = pywbem.CIMInstance('SE_ReplicationSettingData', properties={
            'TargetElementSupplier': base.U16(2)})
        rc, out = self.invoke('CreateElementReplica', self.rs(),
                              ElementName='OS-snap', SyncType=base.U16(7),
                              SourceElement=out['TheElement'],
                              ReplicationSettingData=rsd,
                              Collections=[sg],
                              WaitForCopyState=base.U16(4))
        self.assertEqual(4096, rc)
        self.assertEqual(4, self.conn.GetInstance(out['Job'])['JobState'])
        self.sim.clock.advance(4)
        self.assertEqual(7, self.conn.GetInstance(out['Job'])['JobState'])
