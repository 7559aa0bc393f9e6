"""Fault injection: one test per kind asserting what the client sees and
what changed on the array (nothing, except where the kind says so)."""

import pywbem

from tests.sim import test_cim_base as base
from vmax_sim import errors as transport_errors
from vmax_sim.model import objects as o

SG_NAME = 'OS-SRP_1-Diamond-OLTP-SG'


class FaultKindsTest(base.CimTestCase):

    def setUp(self):
        super().setUp()
        self.sg = self.create_sg(SG_NAME, EMCSRP='SRP_1', EMCSLO='Diamond',
                                 EMCWorkload='OLTP')
        self.scs_path = self.scs()
        self.before = self.sim.snapshot()
        self.sim.calls.reset()

    def _create(self, label='OS-faulted'):
        return self.invoke('CreateOrModifyElementFromStoragePool',
                           self.scs_path, ElementName=label,
                           ElementType=base.U16(5), Size=base.U64(base.GIB),
                           EMCCollections=[self.sg])

    def _created_devices(self):
        return self.sim.diff(self.before).created_keys(o.KIND_DEVICE)

    def test_cim_error(self):
        rule = self.sim.faults.add('cim_error', operation='GetInstance',
                                   classname='CIM_DeviceMaskingGroup',
                                   code=pywbem.CIM_ERR_FAILED,
                                   description='ECOM is busy')
        exc = self.assertCIMError(pywbem.CIM_ERR_FAILED,
                                  self.conn.GetInstance, self.sg)
        self.assertEqual('ECOM is busy', exc.status_description)
        # times=1 by default: the next call is served.
        self.assertEqual(SG_NAME, self.conn.GetInstance(self.sg)[
            'ElementName'])
        self.assertEqual(1, rule.fired)
        record = self.sim.calls.records[0]
        self.assertEqual(('GetInstance', 'cim_error', 1),
                         (record.operation, record.fault, record.error))
        self.assertIsNone(self.sim.calls.records[1].fault)
        self.assertFalse(self.sim.diff(self.before))

    def test_cim_error_on_method_is_not_executed(self):
        self.sim.faults.add('cim_error', method='CreateOrModifyElementFrom'
                            'StoragePool', code=pywbem.CIM_ERR_NOT_FOUND)
        self.assertCIMError(pywbem.CIM_ERR_NOT_FOUND, self._create)
        self.assertFalse(self.sim.diff(self.before))

    def test_return_code(self):
        self.sim.faults.add('return_code',
                            method='CreateOrModifyElementFromStoragePool',
                            rc=10)
        rc, out = self._create()
        self.assertEqual(10, rc)
        self.assertIsInstance(rc, pywbem.Uint32)
        self.assertEqual({}, dict(out))
        self.assertFalse(self.sim.diff(self.before))
        self.assertEqual(10, self.sim.calls.last().rc)

    def test_job_exception(self):
        self.sim.faults.add('job_exception',
                            method='CreateOrModifyElementFromStoragePool',
                            error_code=10430,
                            description='The storage group is locked')
        rc, out = self._create()
        self.assertEqual(4096, rc)
        self.assertEqual(['Job'], list(out))
        job = self.wait_job(out)
        self.assertEqual((10, 10430, 'The storage group is locked', [6]), (
            job['JobState'], job['ErrorCode'], job['ErrorDescription'],
            list(job['OperationalStatus'])))
        self.assertEqual([], self.job_volumes(out))
        self.assertFalse(self.sim.diff(self.before))

    def test_job_stuck(self):
        self.sim.faults.add('job_stuck', method='AddMembers')
        vol = self.create_volume_in_sg(self.sg, 'OS-stuck')
        plain = self.create_sg('OS-plain-SG')
        self.before = self.sim.snapshot()
        rc, out = self.invoke('AddMembers', self.ccs(), MaskingGroup=plain,
                              Members=[vol])
        self.assertEqual(4096, rc)
        self.sim.clock.advance(3600)
        job = self.conn.GetInstance(out['Job'])
        self.assertEqual((4, [2]), (job['JobState'],
                                    list(job['OperationalStatus'])))
        self.assertFalse(self.sim.diff(self.before))

    def test_job_late_takes_effect_after_the_delay(self):
        self.sim.faults.add('job_late',
                            method='CreateOrModifyElementFromStoragePool',
                            seconds=120)
        rc, out = self._create()
        self.assertEqual(4096, rc)
        self.assertNotIn('TheElement', out)
        self.sim.clock.advance(60)
        self.assertEqual(4, self.conn.GetInstance(out['Job'])['JobState'])
        self.assertFalse(self.sim.diff(self.before))
        self.sim.clock.advance(61)
        job = self.conn.GetInstance(out['Job'])
        self.assertEqual((7, 0), (job['JobState'], job['ErrorCode']))
        created = self._created_devices()
        self.assertEqual(1, len(created))
        volumes = self.job_volumes(out)
        self.assertEqual([created[0].ident],
                         [v['DeviceID'] for v in volumes])

    def test_job_late_failing_when_it_finally_runs(self):
        self.sim.faults.add('job_late', method='DeleteGroup', seconds=30)
        plain = self.create_sg('OS-late-SG')
        rc, out = self.invoke('DeleteGroup', self.ccs(), MaskingGroup=plain,
                              Force=True)
        self.assertEqual(4096, rc)
        # Meanwhile the group is put into a view's way: give it a member.
        vol = self.create_volume_in_sg(self.sg, 'OS-late')
        self.sim.admin.add_to_storage_group(self.serial, 'OS-late-SG',
                                            vol['DeviceID'])
        self.sim.admin.hold_change_session(self.serial, 'OS-late-SG', 300)
        self.sim.clock.advance(31)
        job = self.conn.GetInstance(out['Job'])
        self.assertEqual(10, job['JobState'])
        self.assertIn('locked by an existing change session',
                      job['ErrorDescription'])
        self.assertIn('OS-late-SG',
                      self.estate.arrays[self.serial].storage_groups)

    def test_drop_connection_not_executed(self):
        self.sim.faults.add('drop_connection',
                            method='CreateOrModifyElementFromStoragePool')
        exc = self.assertRaises(pywbem.ConnectionError, self._create)
        self.assertIn('Connection aborted', str(exc))
        self.assertFalse(self.sim.diff(self.before))
        self.assertEqual('drop_connection', self.sim.calls.last().fault)

    def test_drop_connection_executed(self):
        self.sim.faults.add('drop_connection', executed=True,
                            method='CreateOrModifyElementFromStoragePool')
        self.assertRaises(pywbem.ConnectionError, self._create)
        self.assertEqual(1, len(self._created_devices()))

    def test_hang_not_executed_is_a_read_timeout(self):
        conn = self.sim.connection(timeout=30)
        self.sim.faults.add('hang', operation='InvokeMethod', seconds=60)
        exc = self.assertRaises(
            pywbem.ConnectionError, conn.InvokeMethod,
            'CreateOrModifyElementFromStoragePool', self.scs_path,
            ElementName='OS-hang', ElementType=base.U16(5),
            Size=base.U64(base.GIB), EMCCollections=[self.sg])
        self.assertIn('Read timed out', str(exc))
        self.assertFalse(self.sim.diff(self.before))

    def test_hang_executed(self):
        conn = self.sim.connection(timeout=30)
        self.sim.faults.add('hang', method='CreateOrModifyElementFrom'
                            'StoragePool', seconds=60, executed=True)
        self.assertRaises(pywbem.ConnectionError, conn.InvokeMethod,
                          'CreateOrModifyElementFromStoragePool',
                          self.scs_path, ElementName='OS-hang',
                          ElementType=base.U16(5), Size=base.U64(base.GIB),
                          EMCCollections=[self.sg])
        self.assertEqual(1, len(self._created_devices()))

    def test_transport_faults_at_the_dispatcher(self):
        dispatcher = self.sim.dispatcher
        self.sim.faults.add('hang', operation='EnumerateInstanceNames',
                            seconds=45)
        self.sim.faults.add('drop_connection', operation='GetInstance',
                            executed=True)
        exc = self.assertRaises(
            transport_errors.Hang, dispatcher.imethodcall,
            'EnumerateInstanceNames', 'root/emc',
            {'ClassName': 'CIM_StorageVolume'})
        self.assertEqual((45, False), (exc.seconds, exc.executed))
        exc = self.assertRaises(
            transport_errors.DropConnection, dispatcher.imethodcall,
            'GetInstance', 'root/emc', {'InstanceName': self.sg})
        self.assertTrue(exc.executed)
        self.assertEqual(['hang', 'drop_connection'],
                         [r.fault for r in self.sim.calls.faulted()])


class FaultMatchingTest(base.CimTestCase):

    def setUp(self):
        super().setUp()
        self.system_path = self.system()
        self.sim.calls.reset()

    def test_nth_matching_call_and_times(self):
        rule = self.sim.faults.add('cim_error', operation='GetInstance',
                                   nth=2, times=2,
                                   code=pywbem.CIM_ERR_FAILED)
        outcomes = []
        for _ in range(5):
            try:
                self.conn.GetInstance(self.system_path)
                outcomes.append('ok')
            except pywbem.CIMError:
                outcomes.append('error')
        self.assertEqual(['ok', 'error', 'error', 'ok', 'ok'], outcomes)
        # Calls stop being counted once the rule is used up.
        self.assertEqual((3, 2), (rule.matched, rule.fired))
        self.assertTrue(rule.exhausted)

    def test_at_call_counts_from_the_reset(self):
        self.sim.faults.add('cim_error', at_call=3,
                            code=pywbem.CIM_ERR_ACCESS_DENIED)
        self.conn.GetInstance(self.system_path)
        self.conn.EnumerateInstanceNames('EMC_StorageSystem')
        self.assertCIMError(pywbem.CIM_ERR_ACCESS_DENIED,
                            self.conn.EnumerateInstanceNames,
                            'CIM_StoragePool')
        self.assertEqual(3, self.sim.calls.last().seq)

    def test_class_match_honours_subclasses(self):
        self.sim.faults.add('cim_error', operation='EnumerateInstanceNames',
                            classname='CIM_Service', times=None,
                            code=pywbem.CIM_ERR_FAILED)
        self.conn.EnumerateInstanceNames('CIM_StoragePool')
        for classname in ('EMC_StorageConfigurationService',
                          'Symm_ReplicationService'):
            self.assertCIMError(pywbem.CIM_ERR_FAILED,
                                self.conn.EnumerateInstanceNames, classname)

    def test_predicate_on_parameters(self):
        self.sim.faults.add('return_code', rc=10, times=None,
                            method='CreateGroup',
                            when=lambda p: p['GroupName'] == 'IG_bad')
        rc, _out = self.invoke('CreateGroup', self.ccs(),
                               GroupName='IG_bad', Type=base.U16(4))
        self.assertEqual(10, rc)
        rc, _out = self.invoke('CreateGroup', self.ccs(),
                               GroupName='IG_good', Type=base.U16(4))
        self.assertEqual(4096, rc)

    def test_job_kinds_only_hit_methods_with_jobs(self):
        rule = self.sim.faults.add('job_exception', operation='InvokeMethod')
        rc, out = self.invoke('CreateStorageHardwareID', self.hwsvc(),
                              StorageID='iqn.2000-01.com.example:h1',
                              IDType=base.U16(5))
        self.assertEqual(0, rc)
        self.assertEqual(0, rule.fired)
        self.assertIn('iqn.2000-01.com.example:h1',
                      self.estate.arrays[self.serial].hardware_ids)

    def test_clear_and_invalid_rules(self):
        self.sim.faults.add('cim_error', code=pywbem.CIM_ERR_FAILED,
                            times=None)
        self.sim.faults.clear()
        self.assertEqual(0, len(self.sim.faults))
        self.conn.GetInstance(self.system_path)
        self.assertRaises(ValueError, self.sim.faults.add, 'explode')
        self.assertRaises(ValueError, self.sim.faults.add, 'job_stuck',
                          operation='GetInstance')
        self.assertRaises(ValueError, self.sim.faults.add, 'return_code',
                          rc=0)
        self.assertRaises(ValueError, self.sim.faults.add, 'hang')
