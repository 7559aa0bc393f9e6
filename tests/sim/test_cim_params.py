"""Strict extrinsic-method parameter checking and typed answers, both
through the dispatcher (what the wire gets) and the real client."""

import pywbem

from tests.sim import test_cim_base as base
from vmax_sim.model import ops


class ParameterValidationTest(base.CimTestCase):

    def setUp(self):
        super().setUp()
        self.scs_path = self.scs()
        self.srp = self.pool('SRP_1', 'Symm_SRPStoragePool')
        self.before = self.sim.snapshot()

    def _refused(self, method, target, **params):
        exc = self.assertCIMError(pywbem.CIM_ERR_INVALID_PARAMETER,
                                  self.invoke, method, target, **params)
        self.assertFalse(self.sim.diff(self.before))
        return exc.status_description

    def test_undeclared_parameter(self):
        text = self._refused('CreateOrModifyElementFromStoragePool',
                             self.scs_path, ElementName='x',
                             Size=base.U64(base.GIB), InPool=self.srp,
                             EMCBogus=base.U16(1))
        self.assertIn('EMCBogus', text)
        self.assertIn('not declared', text)

    def test_wrong_integer_type(self):
        text = self._refused('CreateOrModifyElementFromStoragePool',
                             self.scs_path, ElementName='x',
                             Size=base.U32(base.GIB), InPool=self.srp)
        self.assertIn('Size', text)
        self.assertIn('expected uint64, got uint32', text)

    def test_scalar_for_array_and_array_for_scalar(self):
        sg = self.create_sg('OS-p-SG')
        self.before = self.sim.snapshot()
        text = self._refused('CreateOrModifyElementFromStoragePool',
                             self.scs_path, ElementName='x',
                             ElementType=base.U16(5),
                             Size=base.U64(base.GIB), EMCCollections=sg)
        self.assertIn('EMCCollections', text)
        text = self._refused('CreateOrModifyElementFromStoragePool',
                             self.scs_path, ElementName='x',
                             Size=[base.U64(base.GIB)], InPool=self.srp)
        self.assertIn('expected a scalar, got an array', text)

    def test_reference_of_the_wrong_class(self):
        text = self._refused('CreateOrModifyElementFromStoragePool',
                             self.scs_path, ElementName='x',
                             Size=base.U64(base.GIB), InPool=self.scs_path)
        self.assertIn('is not a CIM_StoragePool', text)

    def test_output_parameter_cannot_be_passed(self):
        text = self._refused('CreateOrModifyElementFromStoragePool',
                             self.scs_path, ElementName='x',
                             Size=base.U64(base.GIB), InPool=self.srp,
                             Job=self.srp)
        self.assertIn('Job', text)

    def test_embedded_instance_must_be_an_instance(self):
        text = self._refused('CreateElementReplica', self.rs(),
                             ElementName='x', SyncType=base.U16(7),
                             SourceElement=self.srp,
                             ReplicationSettingData='not an instance')
        self.assertIn('ReplicationSettingData', text)

    def test_required_parameter_missing(self):
        text = self._refused('CreateOrModifyElementFromStoragePool',
                             self.scs_path, ElementName='x', InPool=self.srp)
        self.assertIn('Size', text)

    def test_boolean_false_arrives_as_false(self):
        """A ``boolean`` FALSE sent by pywbem must reach the array as
        False (reading the text 'FALSE' with ``pywbem.cimvalue`` gives
        True: the transport has to parse booleans itself)."""
        sg, vol = self.volume_in_sg('OS-bool')
        self.before = self.sim.snapshot()
        exc = self.assertCIMError(pywbem.CIM_ERR_FAILED, self.invoke,
                                  'DeleteGroup', self.ccs(), MaskingGroup=sg,
                                  Force=False)
        self.assertIn('use Force to delete it', exc.status_description)
        self.assertFalse(self.sim.diff(self.before))
        self.assertEqual(1, len(self.conn.AssociatorNames(
            vol, ResultClass='CIM_DeviceMaskingGroup')))

    def test_unknown_method_and_method_of_another_class(self):
        self.assertCIMError(pywbem.CIM_ERR_METHOD_NOT_FOUND, self.invoke,
                            'FormatTheArray', self.scs_path)
        self.assertCIMError(pywbem.CIM_ERR_METHOD_NOT_FOUND, self.invoke,
                            'CreateMaskingView', self.scs_path)


class DispatcherTypingTest(base.CimTestCase):
    """What the wire receives from the dispatcher."""

    def setUp(self):
        super().setUp()
        self.dispatcher = self.sim.dispatcher
        self.scs_path = self.scs()
        self.scs_path.host = None
        self.srp = self.pool('SRP_1', 'Symm_SRPStoragePool')
        self.srp.host = None

    def test_untyped_integer_is_refused(self):
        exc = self.assertRaises(
            pywbem.CIMError, self.dispatcher.methodcall,
            'CreateOrModifyElementFromStoragePool', self.scs_path,
            [('ElementName', 'x'), ('Size', 1024), ('InPool', self.srp)])
        self.assertEqual(pywbem.CIM_ERR_INVALID_PARAMETER, exc.status_code)
        self.assertIn('untyped int', exc.status_description)

    def test_return_value_and_out_parameters_are_typed(self):
        rc, out = self.dispatcher.methodcall(
            'CreateOrModifyElementFromStoragePool', self.scs_path,
            [('ElementName', 'x'), ('ElementType', base.U16(5)),
             ('Size', base.U64(base.GIB)), ('InPool', self.srp)])
        self.assertIsInstance(rc, pywbem.Uint32)
        self.assertEqual(4096, rc)
        params = {p.name: p for p in out}
        self.assertEqual(['Size', 'TheElement', 'Job'], [p.name for p in out])
        self.assertEqual(('uint64', False), (params['Size'].type,
                                             params['Size'].is_array))
        self.assertIsInstance(params['Size'].value, pywbem.Uint64)
        self.assertEqual(('reference', 'CIM_ConcreteJob'),
                         (params['Job'].type, params['Job'].reference_class))
        self.assertIsNone(params['Job'].value.host)
        self.assertEqual('CIM_LogicalElement',
                         params['TheElement'].reference_class)

    def test_embedded_instance_out_parameter(self):
        caps = self.dispatcher.imethodcall(
            'EnumerateInstanceNames', 'root/emc',
            {'ClassName': 'CIM_ReplicationServiceCapabilities'})
        rc, out = self.dispatcher.methodcall(
            'GetDefaultReplicationSettingData', caps[0],
            [('ReplicationType', base.U16(6))])
        self.assertEqual(0, rc)
        self.assertEqual(1, len(out))
        self.assertEqual(('string', 'instance'),
                         (out[0].type, out[0].embedded_object))
        self.assertIsInstance(out[0].value, pywbem.CIMInstance)

    def test_params_as_dict_and_as_cimparameters(self):
        rc, _out = self.dispatcher.methodcall(
            'CreateGroup', self.ccs(), {
                'GroupName': 'OS-dict-SG',
                'Type': pywbem.CIMParameter('Type', 'uint16',
                                            value=base.U16(4))})
        self.assertEqual(4096, rc)
        self.assertIn('OS-dict-SG',
                      self.estate.arrays[self.serial].storage_groups)

    def test_untyped_text_is_read_with_the_declared_type(self):
        ccs = self.ccs()
        rc, _out = self.dispatcher.methodcall(
            'CreateGroup', ccs, [('GroupName', 'OS-text-SG'), ('Type', '4'),
                                 ('EMCDisableCompression', 'FALSE')])
        self.assertEqual(4096, rc)
        sg = self.estate.arrays[self.serial].storage_groups['OS-text-SG']
        self.assertFalse(sg.disable_compression)
        exc = self.assertRaises(
            pywbem.CIMError, self.dispatcher.methodcall, 'CreateGroup', ccs,
            [('GroupName', 'OS-bad-SG'), ('Type', 'four')])
        self.assertEqual(pywbem.CIM_ERR_INVALID_PARAMETER, exc.status_code)
        self.assertIn("cannot read 'four' as uint16", exc.status_description)
        exc = self.assertRaises(
            pywbem.CIMError, self.dispatcher.methodcall, 'CreateGroup', ccs,
            [('GroupName', 'OS-bad-SG'), ('Type', '4'),
             ('EMCDisableCompression', 'maybe')])
        self.assertIn('EMCDisableCompression', exc.status_description)

    def test_boolean_false_reaches_the_model(self):
        ccs = self.ccs()
        ccs.host = None
        _rc, out = self.dispatcher.methodcall(
            'CreateGroup', ccs, [('GroupName', 'OS-f-SG'),
                                 ('Type', base.U16(4))])
        sg = [p.value for p in out if p.name == 'MaskingGroup'][0]
        dev = ops.create_volume(self.estate, self.serial, 'x', base.GIB,
                                pool='SRP_1', storage_group='OS-f-SG')
        exc = self.assertRaises(
            pywbem.CIMError, self.dispatcher.methodcall, 'DeleteGroup', ccs,
            [('MaskingGroup', sg), ('Force', False)])
        self.assertEqual(pywbem.CIM_ERR_FAILED, exc.status_code)
        self.assertIn('use Force', exc.status_description)
        self.assertEqual([dev.device_id], self.estate.arrays[
            self.serial].storage_groups['OS-f-SG'].members)

    def test_method_on_class_path_is_not_supported(self):
        exc = self.assertRaises(
            pywbem.CIMError, self.dispatcher.methodcall, 'CreateGroup',
            pywbem.CIMClassName('Symm_ControllerConfigurationService',
                                namespace='root/emc'),
            [('GroupName', 'x'), ('Type', base.U16(4))])
        self.assertEqual(pywbem.CIM_ERR_NOT_SUPPORTED, exc.status_code)
