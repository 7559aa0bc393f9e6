"""The facade: construction, persistence, clients (in-process factory and
HTTP), admin actions, latency, call counting, state capture."""

import os
import tempfile
import threading
import time

import pywbem
import testtools

from tests.sim import test_cim_base as base
from vmax_sim.model import objects as o
from vmax_sim import Simulator


class SimulatorTest(testtools.TestCase):

    def setUp(self):
        super().setUp()
        self.sim = Simulator.from_profile('vmax3-allflash')

    def _create_volume(self, conn, label='OS-fac'):
        scs = conn.EnumerateInstanceNames(
            'EMC_StorageConfigurationService')[0]
        srp = conn.EnumerateInstanceNames('Symm_SRPStoragePool')[0]
        rc, out = conn.InvokeMethod(
            'CreateOrModifyElementFromStoragePool', scs, ElementName=label,
            ElementType=base.U16(5), Size=base.U64(base.GIB), InPool=srp)
        self.assertEqual(4096, rc)
        return out['TheElement']

    def test_profiles_and_clock_modes(self):
        self.assertTrue(self.sim.clock.manual)
        self.assertEqual(['000197800123'], list(self.sim.estate.arrays))
        self.assertEqual('000197800123', self.sim.array().serial)
        real = Simulator.from_profile('vmax2', clock='real')
        self.assertFalse(real.clock.manual)
        self.assertLess(abs(real.clock.now() - time.time()), 5)
        self.assertRaises(ValueError, Simulator.from_profile, 'vmax2',
                          clock='sundial')
        pair = Simulator.from_profile('srdf-pair')
        self.assertEqual(['000197800123', '000197800456'],
                         sorted(pair.estate.arrays))

    def test_save_and_load(self):
        conn = self.sim.connection()
        vol = self._create_volume(conn)
        path = os.path.join(tempfile.mkdtemp(), 'state.json')
        self.addCleanup(os.unlink, path)
        self.sim.save(path)
        restored = Simulator.load(path)
        self.assertFalse(self.sim.snapshot().diff(restored.snapshot()))
        inst = restored.connection().GetInstance(vol)
        self.assertEqual('OS-fac', inst['ElementName'])
        real = Simulator.load(path, clock='real')
        self.assertFalse(real.clock.manual)

    def test_connection_factory(self):
        factory = self.sim.connection_factory
        conn = factory('https://10.0.0.5:5989', ('admin', 'secret'),
                       default_namespace='root/emc', no_verification=True,
                       ca_certs=None, timeout=12)
        self.assertIsInstance(conn, pywbem.WBEMConnection)
        self.assertEqual(('https://10.0.0.5:5989', 12, True),
                         (conn.url, conn.timeout, conn.no_verification))
        names = conn.EnumerateInstanceNames('EMC_StorageSystem')
        pools = conn.AssociatorNames(names[0], ResultClass='CIM_StoragePool')
        self.assertEqual('10.0.0.5:5989', pools[0].host)
        self.assertEqual(1, self.sim.calls.count('EnumerateInstanceNames'))

    def test_credentials_are_checked_when_set(self):
        sim = Simulator.from_profile('vmax3-allflash',
                                     credentials=('admin', 'right'))
        good = sim.connection(creds=('admin', 'right'))
        self.assertEqual(1, len(good.EnumerateInstanceNames(
            'EMC_StorageSystem')))
        bad = sim.connection(creds=('admin', 'wrong'))
        self.assertRaises(pywbem.AuthError, bad.EnumerateInstanceNames,
                          'EMC_StorageSystem')

    def test_serve_over_http(self):
        server = self.sim.serve(user='admin', password='pw')
        self.addCleanup(server.stop)
        conn = pywbem.WBEMConnection(server.url, ('admin', 'pw'),
                                     default_namespace='root/emc',
                                     timeout=10)
        names = conn.EnumerateInstanceNames('EMC_StorageSystem')
        self.assertEqual('SYMMETRIX-+-000197800123', names[0]['Name'])
        pools = conn.AssociatorNames(names[0], ResultClass='CIM_StoragePool')
        self.assertEqual(server.url.split('//')[1], pools[0].host)
        vol = self._create_volume(conn, 'OS-http')
        self.assertIn(vol['DeviceID'], self.sim.array().devices)

    def test_admin_actions_are_bound(self):
        conn = self.sim.connection()
        vol = self._create_volume(conn)
        self.assertIn('delete_device', dir(self.sim.admin))
        self.sim.admin.delete_device(self.sim.array().serial,
                                     vol['DeviceID'])
        exc = self.assertRaises(pywbem.CIMError, conn.GetInstance, vol)
        self.assertEqual(pywbem.CIM_ERR_NOT_FOUND, exc.status_code)
        self.assertRaises(AttributeError, getattr, self.sim.admin,
                          'format_array')

    def test_latency_overlaps_between_clients(self):
        system = self.sim.connection().EnumerateInstanceNames(
            'EMC_StorageSystem')[0]
        self.sim.latency_ms = 200
        self.assertEqual(200, self.sim.latency_ms)
        self.sim.calls.reset()
        conns = [self.sim.connection() for _ in range(4)]
        threads = [threading.Thread(target=c.GetInstance, args=(system,))
                   for c in conns]
        started = time.perf_counter()
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        elapsed = time.perf_counter() - started
        self.assertLess(elapsed, 0.6)        # serial would be >= 0.8 s
        durations = [r.duration_ms for r in self.sim.calls.records]
        self.assertEqual(4, len(durations))
        self.assertTrue(all(d >= 200 for d in durations), durations)
        self.sim.latency_ms = 0

    def test_calls_and_state_capture(self):
        conn = self.sim.connection()
        before = self.sim.snapshot()
        self.sim.calls.reset()
        vol = self._create_volume(conn)
        self.assertEqual({'EnumerateInstanceNames': 2,
                          'InvokeMethod:CreateOrModifyElementFromStoragePool':
                              1,
                          'InvokeMethod': 1}, self.sim.calls.counts())
        self.assertEqual(3, self.sim.calls.total)
        self.assertEqual(1, self.sim.calls.count(
            'InvokeMethod', 'Symm_StorageConfigurationService'))
        diff = self.sim.diff(before)
        self.assertEqual(
            [o.ElementKey(o.KIND_DEVICE, '000197800123', vol['DeviceID'])],
            diff.created_keys(o.KIND_DEVICE))
        self.assertIn('OS-fac', self.sim.summary())
        self.sim.calls.reset()
        self.assertEqual(0, self.sim.calls.total)
        self.assertEqual([], self.sim.calls.records)

    def test_advance_moves_jobs_on(self):
        self.sim.array().job_duration_s = 10
        conn = self.sim.connection()
        scs = conn.EnumerateInstanceNames(
            'EMC_StorageConfigurationService')[0]
        rc, out = conn.InvokeMethod('CreateGroup', conn.EnumerateInstanceNames(
            'EMC_ControllerConfigurationService')[0], GroupName='OS-slow-SG',
            Type=base.U16(4))
        self.assertEqual(4096, rc)
        job = conn.GetInstance(out['Job'])
        self.assertEqual(4, job['JobState'])
        self.sim.advance(5)
        self.assertEqual(50, conn.GetInstance(out['Job'])['PercentComplete'])
        # The running job holds a change session on the new group.
        exc = self.assertRaises(
            pywbem.CIMError, conn.InvokeMethod, 'DeleteGroup',
            conn.EnumerateInstanceNames(
                'EMC_ControllerConfigurationService')[0],
            MaskingGroup=out['MaskingGroup'])
        self.assertIn('locked by an existing change session',
                      exc.status_description)
        self.sim.advance(5)
        self.assertEqual(7, conn.GetInstance(out['Job'])['JobState'])
        self.assertIsNotNone(scs)
