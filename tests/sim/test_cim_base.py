"""Shared fixture for the CIM engine tests: a simulator per test, reached
through the real pywbem client (full CIM-XML, in-process), and client-side
helpers written the way smis-protocol.md section 2 discovers things.

No test methods here; the test modules subclass :class:`CimTestCase`.
"""

import pywbem
import testtools

from vmax_sim.model import objects as o
from vmax_sim import Simulator

V3 = '000197800123'
V3_REMOTE = '000197800456'
V2 = '000195900551'
GIB = 1024 ** 3

U16 = pywbem.Uint16
U32 = pywbem.Uint32
U64 = pywbem.Uint64


class CimTestCase(testtools.TestCase):
    """A simulator built from ``profile`` and a pywbem connection to it."""

    profile = 'vmax3-allflash'
    serial = V3

    def setUp(self):
        super().setUp()
        self.sim = Simulator.from_profile(self.profile)
        self.conn = self.sim.connection()
        self.estate = self.sim.estate

    # -- discovery, as the SMI-S driver does it -----------------------------

    def system(self, serial=None):
        """EnumerateInstanceNames(EMC_StorageSystem), match on the serial."""
        serial = serial or self.serial
        found = [n for n in self.conn.EnumerateInstanceNames(
            'EMC_StorageSystem') if serial in n['Name']]
        self.assertEqual(1, len(found), found)
        return found[0]

    def service(self, classname, serial=None):
        """A service by class, its SystemName equal to the system Name."""
        name = self.system(serial)['Name']
        found = [n for n in self.conn.EnumerateInstanceNames(classname)
                 if n['SystemName'] == name]
        self.assertEqual(1, len(found), found)
        return found[0]

    def scs(self, serial=None):
        return self.service('EMC_StorageConfigurationService', serial)

    def ccs(self, serial=None):
        return self.service('EMC_ControllerConfigurationService', serial)

    def rs(self, serial=None):
        return self.service('EMC_ReplicationService', serial)

    def hwsvc(self, serial=None):
        return self.service('EMC_StorageHardwareIDManagementService',
                            serial)

    def pool(self, name, classname='CIM_StoragePool', serial=None):
        for path in self.conn.AssociatorNames(self.system(serial),
                                              ResultClass=classname):
            if self.conn.GetInstance(path)['ElementName'] == name:
                return path
        self.fail('no pool %s' % name)

    # -- methods and jobs ----------------------------------------------------

    def invoke(self, method, target, **params):
        return self.conn.InvokeMethod(method, target, **params)

    def wait_job(self, out, step=1.0, limit=600):
        """Poll the job of ``out`` (advancing the manual clock) until it
        finishes; returns the job instance."""
        job_path = out['Job']
        for _ in range(limit):
            job = self.conn.GetInstance(job_path)
            if job['JobState'] not in (2, 3, 4, 32767):
                return job
            self.sim.clock.advance(step)
        self.fail('job %s never finished' % job_path)

    def invoke_ok(self, method, target, **params):
        """Invoke and require success (rc 0, or 4096 and a job ending in
        Completed with ErrorCode 0)."""
        rc, out = self.invoke(method, target, **params)
        self.assertIn(rc, (0, 4096), out)
        self.assertIsInstance(rc, pywbem.Uint32)
        if 'Job' in out:
            job = self.wait_job(out)
            self.assertEqual(7, job['JobState'], job.tomof())
            self.assertEqual(0, job['ErrorCode'])
            self.assertEqual([2, 17], list(job['OperationalStatus']))
        return out

    def job_volumes(self, out):
        return self.conn.AssociatorNames(out['Job'],
                                         ResultClass='EMC_StorageVolume')

    # -- building blocks ------------------------------------------------------

    def create_sg(self, name, serial=None, **params):
        out = self.invoke_ok('CreateGroup', self.ccs(serial), GroupName=name,
                             Type=U16(4), **params)
        return out['MaskingGroup']

    def create_volume_in_sg(self, sg, label, gib=1, serial=None):
        out = self.invoke_ok('CreateOrModifyElementFromStoragePool',
                             self.scs(serial), ElementName=label,
                             ElementType=U16(5), Size=U64(gib * GIB),
                             EMCCollections=[sg])
        volumes = self.job_volumes(out)
        self.assertEqual(1, len(volumes))
        self.assertEqual(out['TheElement'].keybindings,
                         volumes[0].keybindings)
        return volumes[0]

    def volume_in_sg(self, label='OS-vol', gib=1):
        sg = self.create_sg('OS-SRP_1-Diamond-OLTP-SG', EMCSRP='SRP_1',
                            EMCSLO='Diamond', EMCWorkload='OLTP')
        return sg, self.create_volume_in_sg(sg, label, gib)

    def device(self, path, serial=None):
        """The model device behind a volume path."""
        arr = self.estate.arrays[serial or self.serial]
        return arr.devices[path['DeviceID']]

    def assertCIMError(self, code, func, *args, **kwargs):
        exc = self.assertRaises(pywbem.CIMError, func, *args, **kwargs)
        self.assertEqual(code, exc.status_code, exc.status_description)
        return exc


KIND_DEVICE = o.KIND_DEVICE
