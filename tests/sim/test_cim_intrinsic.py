"""Intrinsic operations: error codes, host-free matching, PropertyList,
subclass queries, association filters, ModifyInstance."""

import pywbem

from tests.sim import test_cim_base as base


class InstanceOperationsTest(base.CimTestCase):

    def setUp(self):
        super().setUp()
        self.sg, self.vol = self.volume_in_sg('OS-one', gib=2)

    def test_get_instance_of_missing_and_unknown(self):
        gone = self.vol.copy()
        gone['DeviceID'] = 'FFFFF'
        exc = self.assertCIMError(pywbem.CIM_ERR_NOT_FOUND,
                                  self.conn.GetInstance, gone)
        self.assertIn('FFFFF', exc.status_description)
        bogus = pywbem.CIMInstanceName('Symm_NoSuchThing',
                                       keybindings={'Name': 'x'})
        self.assertCIMError(pywbem.CIM_ERR_INVALID_CLASS,
                            self.conn.GetInstance, bogus)
        self.assertCIMError(pywbem.CIM_ERR_INVALID_CLASS,
                            self.conn.EnumerateInstanceNames, 'EMC_Nope')
        self.assertCIMError(pywbem.CIM_ERR_INVALID_NAMESPACE,
                            self.conn.EnumerateInstanceNames,
                            'CIM_StorageVolume', namespace='root/cimv2')

    def test_group_path_built_from_its_name(self):
        path = pywbem.CIMInstanceName(
            'SE_DeviceMaskingGroup', namespace='root/emc', keybindings={
                'InstanceID': 'SYMMETRIX-+-%s-+-OS-SRP_1-Diamond-OLTP-SG'
                              % self.serial})
        self.assertEqual('OS-SRP_1-Diamond-OLTP-SG',
                         self.conn.GetInstance(path)['ElementName'])
        path['InstanceID'] = 'SYMMETRIX-+-%s-+-OS-absent-SG' % self.serial
        self.assertCIMError(pywbem.CIM_ERR_NOT_FOUND,
                            self.conn.GetInstance, path)

    def test_inbound_host_is_ignored_returned_host_is_the_provider(self):
        foreign = self.vol.copy()
        foreign.host = '10.9.8.7:5989'
        inst = self.conn.GetInstance(foreign)
        self.assertEqual('OS-one', inst['ElementName'])
        groups = self.conn.AssociatorNames(
            foreign, ResultClass='CIM_DeviceMaskingGroup')
        self.assertEqual([self.sg.keybindings],
                         [g.keybindings for g in groups])
        self.assertEqual('ecom.sim:5988', groups[0].host)

    def test_property_list(self):
        inst = self.conn.GetInstance(
            self.vol, PropertyList=['ElementName', 'ConsumableBlocks'])
        self.assertEqual({'ElementName', 'ConsumableBlocks'},
                         set(inst.properties))
        self.assertEqual(2 * base.GIB // 512, inst['ConsumableBlocks'])
        self.assertIsInstance(inst['ConsumableBlocks'], base.U64)

    def test_volume_properties_and_derived_values(self):
        inst = self.conn.GetInstance(self.vol, LocalOnly=False)
        dev = self.device(self.vol)
        self.assertEqual(dev.wwn, inst['Name'])
        self.assertEqual(32, len(inst['Name']))
        self.assertEqual(512, inst['BlockSize'])
        self.assertEqual(2 * base.GIB,
                         inst['ConsumableBlocks'] * inst['BlockSize'])
        self.assertEqual(('Diamond', 'OLTP'),
                         (inst['EMCSLO'], inst['EMCWorkload']))
        self.assertFalse(inst['EMCIsMapped'])
        self.assertTrue(inst['EMCCompressed'])
        self.assertEqual([2], list(inst['OperationalStatus']))
        self.assertEqual(5, len(inst['DeviceID']))

    def test_subclass_queries(self):
        for classname in ('CIM_StorageVolume', 'EMC_StorageVolume',
                          'CIM_LogicalDevice', 'Symm_StorageVolume'):
            names = self.conn.EnumerateInstanceNames(classname)
            volumes = [n for n in names
                       if n.classname == 'Symm_StorageVolume']
            self.assertEqual(1, len(volumes), classname)
        instances = self.conn.EnumerateInstances('CIM_MaskingGroup')
        self.assertEqual(
            {'SE_DeviceMaskingGroup', 'SE_TargetMaskingGroup'},
            {i.classname for i in instances})
        everything = self.conn.EnumerateInstanceNames('CIM_ManagedElement')
        classes = {n.classname for n in everything}
        self.assertIn('Symm_StorageSystem', classes)
        self.assertIn('SE_ConcreteJob', classes)
        self.assertIn('Symm_StoragePoolSetting', classes)
        associations = self.conn.EnumerateInstanceNames('CIM_Dependency')
        self.assertIn('CIM_AllocatedFromStoragePool',
                      {n.classname for n in associations})

    def test_deep_inheritance_false_limits_properties(self):
        inst = self.conn.EnumerateInstances('CIM_StorageExtent',
                                            DeepInheritance=False)
        volume = [i for i in inst if i.classname == 'Symm_StorageVolume'][0]
        self.assertIn('ConsumableBlocks', volume.properties)
        self.assertNotIn('EMCIsMapped', volume.properties)

    def test_create_and_delete_instance_not_supported(self):
        self.assertCIMError(pywbem.CIM_ERR_NOT_SUPPORTED,
                            self.conn.DeleteInstance, self.vol)
        new = pywbem.CIMInstance('Symm_StorageVolume', properties={
            'DeviceID': '0AAAA'})
        self.assertCIMError(pywbem.CIM_ERR_NOT_SUPPORTED,
                            self.conn.CreateInstance, new)


class AssociationFiltersTest(base.CimTestCase):

    def setUp(self):
        super().setUp()
        self.sg, self.vol = self.volume_in_sg('OS-assoc')

    def _classes(self, results):
        return sorted(r.classname for r in results)

    def test_associators_filters_with_subclassing(self):
        everything = self.conn.AssociatorNames(self.vol)
        # system, pool, storage group and the creating job.
        self.assertEqual(['SE_ConcreteJob', 'SE_DeviceMaskingGroup',
                          'Symm_SRPStoragePool', 'Symm_StorageSystem'],
                         self._classes(everything))
        self.assertEqual(
            ['Symm_SRPStoragePool', 'Symm_StorageSystem'],
            self._classes(self.conn.AssociatorNames(
                self.vol, AssocClass='CIM_Component')
                + self.conn.AssociatorNames(
                    self.vol, AssocClass='CIM_AllocatedFromStoragePool')))
        self.assertEqual(
            ['SE_DeviceMaskingGroup', 'Symm_SRPStoragePool'],
            self._classes(self.conn.AssociatorNames(
                self.vol, ResultClass='CIM_Collection') +
                self.conn.AssociatorNames(
                    self.vol, ResultClass='EMC_VirtualProvisioningPool') +
                self.conn.AssociatorNames(
                    self.vol, ResultClass='CIM_StoragePool')))
        self.assertEqual(
            ['SE_DeviceMaskingGroup'],
            self._classes(self.conn.AssociatorNames(
                self.vol, Role='Member', ResultRole='Collection')))
        self.assertEqual([], self.conn.AssociatorNames(
            self.vol, Role='Collection'))
        self.assertEqual(
            ['Symm_SRPStoragePool'],
            self._classes(self.conn.AssociatorNames(
                self.vol, AssocClass='CIM_Dependency',
                ResultRole='Antecedent')))

    def test_unknown_filter_class_is_an_invalid_parameter(self):
        self.assertCIMError(pywbem.CIM_ERR_INVALID_PARAMETER,
                            self.conn.AssociatorNames, self.vol,
                            ResultClass='EMC_NoSuchClass')

    def test_references_and_reference_names(self):
        refs = self.conn.References(self.vol,
                                    ResultClass='CIM_MemberOfCollection')
        self.assertEqual(1, len(refs))
        ref = refs[0]
        self.assertEqual('CIM_OrderedMemberOfCollection', ref.classname)
        self.assertEqual(self.sg.keybindings, ref['Collection'].keybindings)
        self.assertEqual(1, ref['AssignedSequence'])
        names = self.conn.ReferenceNames(self.vol)
        self.assertEqual(
            ['CIM_AffectedJobElement', 'CIM_AllocatedFromStoragePool',
             'CIM_OrderedMemberOfCollection', 'CIM_SystemDevice'],
            self._classes(names))
        # An association path can be read back.
        inst = self.conn.GetInstance(
            [n for n in names
             if n.classname == 'CIM_AllocatedFromStoragePool'][0])
        self.assertEqual(base.GIB, inst['SpaceConsumed'])
        self.assertIn('SRP_1', inst['Antecedent']['InstanceID'])

    def test_missing_association_instance(self):
        names = self.conn.ReferenceNames(
            self.vol, ResultClass='CIM_OrderedMemberOfCollection')
        self.sim.admin.remove_from_storage_group(
            self.serial, 'OS-SRP_1-Diamond-OLTP-SG', self.vol['DeviceID'])
        self.assertCIMError(pywbem.CIM_ERR_NOT_FOUND,
                            self.conn.GetInstance, names[0])

    def test_enumerate_association_class(self):
        names = self.conn.EnumerateInstanceNames(
            'CIM_OrderedMemberOfCollection')
        self.assertEqual(1, len(names))
        self.assertEqual(self.vol.keybindings, names[0]['Member'].keybindings)


class ModifyInstanceTest(base.CimTestCase):

    def setUp(self):
        super().setUp()
        self.sg, self.vol = self.volume_in_sg('OS-before')

    def test_rename_volume(self):
        inst = self.conn.GetInstance(self.vol)
        inst['ElementName'] = 'OS-after'
        before = self.sim.snapshot()
        self.conn.ModifyInstance(inst, PropertyList=['ElementName'])
        self.assertEqual('OS-after', self.device(self.vol).label)
        diff = self.sim.diff(before)
        self.assertEqual(1, len(diff.changed))
        self.assertEqual({'label': ('OS-before', 'OS-after')},
                         diff.changed_fields(diff.changed_keys()[0]))

    def test_rename_too_long_is_refused_with_array_message(self):
        inst = self.conn.GetInstance(self.vol)
        inst['ElementName'] = 'x' * 65
        before = self.sim.snapshot()
        exc = self.assertCIMError(pywbem.CIM_ERR_FAILED,
                                  self.conn.ModifyInstance, inst)
        self.assertIn('the maximum is 64', exc.status_description)
        self.assertFalse(self.sim.diff(before))

    def test_storage_group_host_io_limits(self):
        inst = self.conn.GetInstance(self.sg)
        inst['EMCMaximumIO'] = base.U32(5000)
        inst['EMCMaximumBandwidth'] = base.U32(200)
        inst['EMCMaxIODynamicDistributionType'] = base.U16(2)
        self.conn.ModifyInstance(inst, PropertyList=[
            'EMCMaximumIO', 'EMCMaximumBandwidth',
            'EMCMaxIODynamicDistributionType'])
        again = self.conn.GetInstance(self.sg)
        self.assertEqual((5000, 200, 2), (
            again['EMCMaximumIO'], again['EMCMaximumBandwidth'],
            again['EMCMaxIODynamicDistributionType']))

    def test_other_properties_are_not_writable(self):
        inst = self.conn.GetInstance(self.vol)
        inst['ConsumableBlocks'] = base.U64(1)
        before = self.sim.snapshot()
        self.assertCIMError(pywbem.CIM_ERR_NOT_SUPPORTED,
                            self.conn.ModifyInstance, inst)
        sg = self.conn.GetInstance(self.sg)
        sg['EMCSLO'] = 'Optimized'
        self.assertCIMError(pywbem.CIM_ERR_NOT_SUPPORTED,
                            self.conn.ModifyInstance, sg)
        self.assertFalse(self.sim.diff(before))


class ClassOperationsTest(base.CimTestCase):

    def test_get_class_resolved(self):
        cls = self.conn.GetClass('Symm_StorageVolume', LocalOnly=False,
                                 IncludeQualifiers=True)
        self.assertEqual('EMC_StorageVolume', cls.superclass)
        for name in ('DeviceID', 'ElementName', 'EMCIsMapped',
                     'ConsumableBlocks'):
            self.assertIn(name, cls.properties)
        self.assertTrue(cls.properties['DeviceID'].qualifiers['Key'].value)

    def test_get_class_method_declaration(self):
        cls = self.conn.GetClass('Symm_ReplicationService', LocalOnly=False,
                                 IncludeQualifiers=True)
        method = cls.methods['CreateElementReplica']
        self.assertEqual('uint32', method.return_type)
        self.assertEqual('reference',
                         method.parameters['SourceElement'].type)
        self.assertEqual(
            'SE_ReplicationSettingData',
            method.parameters['ReplicationSettingData']
            .qualifiers['EmbeddedInstance'].value)

    def test_class_enumerations_and_qualifiers(self):
        names = self.conn.EnumerateClassNames(ClassName='CIM_StoragePool',
                                              DeepInheritance=True)
        self.assertEqual({'Symm_SRPStoragePool', 'EMC_VirtualProvisioningPool',
                          'Symm_VirtualProvisioningPool'}, set(names))
        top = self.conn.EnumerateClassNames()
        self.assertIn('CIM_ManagedElement', top)
        self.assertNotIn('Symm_StorageVolume', top)
        qualifiers = {q.name for q in self.conn.EnumerateQualifiers()}
        self.assertEqual(set(), {'Key', 'In', 'Out', 'Association',
                                 'Abstract', 'EmbeddedInstance'} - qualifiers)
        classes = self.conn.EnumerateClasses(ClassName='CIM_Synchronized',
                                             DeepInheritance=True)
        self.assertIn('SE_StorageSynchronized_SV_SV',
                      {c.classname for c in classes})

    def test_class_level_associations(self):
        volume_class = pywbem.CIMClassName('Symm_StorageVolume',
                                           namespace='root/emc')
        names = self.sim.dispatcher.imethodcall(
            'AssociatorNames', 'root/emc',
            {'ObjectName': volume_class, 'AssocClass': 'CIM_SystemDevice'})
        self.assertEqual(['CIM_ManagedElement'],
                         [n.classname for n in names])
        self.assertIsNone(names[0].host)
        classes = self.sim.dispatcher.imethodcall(
            'References', 'root/emc',
            {'ObjectName': volume_class,
             'ResultClass': 'CIM_ProtocolControllerForUnit'})
        self.assertEqual(['CIM_ProtocolControllerForUnit'],
                         [c.classname for c in classes])
        self.assertEqual('CIM_ProtocolControllerForUnit',
                         classes[0].path.classname)

    def test_unknown_class(self):
        self.assertCIMError(pywbem.CIM_ERR_NOT_FOUND, self.conn.GetClass,
                            'Symm_Missing')


class RenderEverythingTest(base.CimTestCase):
    """Every class the simulator serves renders, in every profile, with
    properties the schema declares and keys that read back."""

    profile = 'vmax3-allflash'

    def _populate(self):
        arr = self.estate.arrays[self.serial]
        sg, vol = self.volume_in_sg('OS-all') if arr.is_vmax3 else (
            None, None)
        if sg is not None:
            hwid = self.invoke('CreateStorageHardwareID', self.hwsvc(),
                               StorageID='iqn.2000-01.com.example:all',
                               IDType=base.U16(5))[1]['HardwareID']
            ig = self.invoke_ok('CreateGroup', self.ccs(),
                                GroupName='OS-all-IG', Type=base.U16(2),
                                Members=[hwid])['MaskingGroup']
            pg = [p for p in self.conn.EnumerateInstanceNames(
                'SE_TargetMaskingGroup')][0]
            self.invoke_ok('CreateMaskingView', self.ccs(),
                           ElementName='OS-all-MV', InitiatorMaskingGroup=ig,
                           DeviceMaskingGroup=sg, TargetMaskingGroup=pg)
            self.invoke_ok('CreateGroup', self.rs(), GroupName='cg-all',
                           Members=[vol])

    def _check_all(self):
        served = 0
        for name in self.conn.EnumerateClassNames(DeepInheritance=True):
            if not name.startswith(('Symm_', 'SE_', 'CIM_AffectedJob',
                                    'CIM_SystemDevice', 'CIM_Ordered',
                                    'CIM_ProtocolControllerForUnit',
                                    'CIM_BindsTo', 'CIM_Hosted',
                                    'CIM_Element', 'CIM_Associated',
                                    'CIM_Concrete', 'CIM_Allocated',
                                    'CIM_MemberOf', 'CIM_StorageSettings',
                                    'CIM_TierPolicySet')):
                continue
            cls = self.conn.GetClass(name, LocalOnly=False)
            for inst in self.conn.EnumerateInstances(name):
                if inst.classname.lower() != name.lower():
                    continue
                served += 1
                self.assertEqual(
                    set(), set(inst.properties) - set(cls.properties), name)
                again = self.conn.GetInstance(inst.path)
                self.assertEqual(inst.path.keybindings,
                                 again.path.keybindings)
        return served

    def test_every_class(self):
        self._populate()
        self.assertGreater(self._check_all(), 40)


class RenderEverythingVmax2Test(RenderEverythingTest):

    profile = 'vmax2'
    serial = base.V2
