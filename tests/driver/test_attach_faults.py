"""Failure injection over attach and detach: at every SMI-S call and
after every task.

For each scenario a clean run records the SMI-S calls the operation
makes; then, one at a time, each call is made to fail in every way that
applies to it (CIM error; for methods also a failed job, a connection
dropped after the array acted, and a job that finishes only after the
driver's wait gave up) and, separately, the flow is made to fail right
after each of its tasks.  Every failed run must leave the array exactly
as it was before (``sim.diff`` empty, also once late jobs have had time
to finish), with no orphaned group or view, the other hosts' objects and
the groups this driver did not create untouched, and the host's locks
free again.
"""

import logging

from cinder import exception
import fixtures
from taskflow.patterns import linear_flow
from taskflow import task
import testtools

from tests.driver import test_attach_support as support
from vmax_driver import attach
from vmax_flows import exceptions
from vmax_flows import locks
from vmax_flows import masking_requests
from vmax_flows import runner
from vmax_flows.smis import masking as smis_masking
from vmax_sim.model import ops

HOST = 'compute-1'
SYNC_METHODS = ('CreateStorageHardwareID', 'DeleteStorageHardwareID')
# Longer than the driver's job wait (30 polls, 2 s apart), shorter than
# the wait plus the one more bounded wait a revert gives a running job.
LATE_SECONDS = 65


class Boom(task.Task):
    def execute(self):
        raise RuntimeError('injected failure after the previous task')


class FaultTestCase(testtools.TestCase):

    def setUp(self):
        super().setUp()
        # Hundreds of deliberate failures log warnings; keep errors only
        # (a revert that left something behind logs one).
        self.useFixture(fixtures.FakeLogger(level=logging.ERROR))
        self.backend = self.useFixture(
            support.AttachBackend('vmax3-allflash'))
        self.driver = self.backend.driver
        self.sim = self.backend.sim
        # Objects of another host and a group this driver did not create:
        # they must come through every failure untouched.
        bystander = self.backend.create_volume()
        self.backend.attach(bystander, 'other-host')
        self.backend.seed(ops.create_hardware_id,
                          'iqn.1993-08.org.debian:01:admin-box', 5)
        self.backend.seed(ops.create_initiator_group, 'admin_made_ig',
                          ['iqn.1993-08.org.debian:01:admin-box'])

    # -- scenarios ------------------------------------------------------------

    def attach(self, volume):
        return self.backend.attach(volume, HOST)

    def detach(self, volume):
        return self.backend.detach(volume, HOST)

    # -- machinery ------------------------------------------------------------

    def forget_ports(self):
        smis_masking.for_client(self.driver.client).forget_port_addresses()

    def recorded_calls(self, operation, *args):
        """Run once cleanly on a copy of the state and return the calls
        as (sequence number, operation, method)."""
        start = self.sim.snapshot()
        self.forget_ports()
        self.sim.calls.reset()
        operation(*args)
        calls = [(r.seq, r.operation, r.method)
                 for r in self.sim.calls.records]
        return start, calls

    def faults_for(self, operation, method):
        if operation != 'InvokeMethod' and not operation.startswith(
                'InvokeMethod'):
            return [('cim_error', {'code': 1})]
        faults = [('drop_connection', {'executed': True})]
        if method in SYNC_METHODS:
            faults.append(('cim_error', {'code': 1}))
        else:
            faults.append(('job_exception', {'error_code': 10400}))
            faults.append(('job_late', {'seconds': LATE_SECONDS}))
        return faults

    def check_unchanged(self, start, what, problems):
        # Let any job that finishes late have its effect first.
        self.sim.advance(1000)
        diff = self.sim.diff(start)
        if diff:
            problems.append('%s changed the array: %s' % (what, diff))
        orphans = self.backend.orphans()
        if orphans:
            problems.append('%s left orphans: %s' % (what, orphans))

    def check_locks_free(self, what, problems):
        masking = masking_requests.attach_masking(
            support.connector(HOST), self.driver.default_placement, ())
        session = locks.Locker(
            self.driver.masking_locker().backend, self.backend.serial,
            timeout=0).session(masking_requests.lock_names(masking))
        try:
            session.acquire()
        except exceptions.VmaxError as exc:
            problems.append('%s kept a lock: %s' % (what, exc))
        finally:
            session.release()

    def inject_every_call(self, operation, undo, *args):
        """``operation(*args)`` must fail cleanly whichever call fails;
        ``undo(*args)`` returns the array to the start after the clean
        recording run."""
        start, calls = self.recorded_calls(operation, *args)
        undo(*args)
        self.assertFalse(self.sim.diff(start), self.sim.diff(start))
        problems, runs = [], 0
        for seq, op, method in calls:
            for kind, arguments in self.faults_for(op, method):
                what = 'fault %s at call %d (%s %s)' % (
                    kind, seq, op, method or '')
                self.forget_ports()
                self.sim.faults.clear()
                self.sim.calls.reset()
                rule = self.sim.faults.add(kind, at_call=seq, **arguments)
                try:
                    operation(*args)
                except exception.VolumeBackendAPIException:
                    pass
                else:
                    problems.append('%s: the operation succeeded' % what)
                    undo(*args)
                if not rule.fired:
                    problems.append('%s never fired' % what)
                self.sim.faults.clear()
                self.check_unchanged(start, what, problems)
                self.check_locks_free(what, problems)
                runs += 1
        self.assertEqual([], problems, '\n'.join(problems))
        return runs

    def inject_after_every_task(self, module, key, volume, masking):
        """The flow fails right after each of its tasks (but the last,
        which gives the locks back)."""
        start = self.sim.snapshot()
        request = {key: self.driver._volume_item(volume, located=True),
                   'placement': self.driver.default_placement,
                   'masking': masking}
        problems, steps = [], None
        index = 0
        while True:
            session = masking_requests.lock_session(
                request, self.driver.masking_locker())
            original = module.build(self.driver.client, request,
                                    session=session)
            steps = [node for node, _ in original.iter_nodes()]
            if index >= len(steps) - 1:
                break
            flow = linear_flow.Flow(module.OPERATION)
            for position, step in enumerate(steps):
                flow.add(step)
                if position == index:
                    flow.add(Boom(name=module.OPERATION + '.boom'))
            what = 'failure after %s' % steps[index].name
            try:
                runner.run_flow(module.OPERATION, flow, request)
                problems.append('%s: the flow succeeded' % what)
            except exceptions.FlowFailed as exc:
                if exc.left_behind:
                    problems.append('%s left %s' % (what, exc.left_behind))
            finally:
                if session.held:
                    problems.append('%s: locks still held' % what)
                session.release()
            self.check_unchanged(start, what, problems)
            index += 1
        self.assertEqual([], problems, '\n'.join(problems))
        return index


class AttachFaultTest(FaultTestCase):

    def test_first_attach_of_a_host_at_every_call(self):
        volume = self.backend.create_volume()
        runs = self.inject_every_call(self.attach, self.detach, volume)
        self.assertGreaterEqual(runs, 30)

    def test_second_attach_at_every_call(self):
        self.backend.attach(self.backend.create_volume(), HOST)
        volume = self.backend.create_volume()
        runs = self.inject_every_call(self.attach, self.detach, volume)
        self.assertGreaterEqual(runs, 10)

    def test_first_attach_after_every_task(self):
        volume = self.backend.create_volume()
        masking = masking_requests.attach_masking(
            support.connector(HOST), self.driver.default_placement,
            self.driver.backend.port_groups)
        steps = self.inject_after_every_task(attach.attach_flow, 'volume',
                                             volume, masking)
        self.assertEqual(12, steps)


class DetachFaultTest(FaultTestCase):

    def test_detach_at_every_call(self):
        self.backend.attach(self.backend.create_volume(), HOST)
        volume = self.backend.create_volume()
        self.backend.attach(volume, HOST)
        runs = self.inject_every_call(self.detach, self.attach, volume)
        self.assertGreaterEqual(runs, 9)

    def test_last_detach_at_every_call(self):
        volume = self.backend.create_volume()
        self.backend.attach(volume, HOST)
        runs = self.inject_every_call(self.detach, self.attach, volume)
        self.assertGreaterEqual(runs, 20)

    def test_last_detach_after_every_task(self):
        volume = self.backend.create_volume()
        self.backend.attach(volume, HOST)
        masking = masking_requests.detach_masking(
            support.connector(HOST), self.driver.default_placement)
        steps = self.inject_after_every_task(attach.detach_flow, 'volume',
                                             volume, masking)
        self.assertEqual(10, steps)
