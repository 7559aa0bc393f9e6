"""Locks of array objects: sorted, bounded, never nested, always given
back -- with the real tooz file backend and across processes."""

import os
import subprocess
import sys
import threading
import time

import fixtures
from taskflow.patterns import linear_flow
from taskflow import task
import testtools

from vmax_flows import exceptions
from vmax_flows import locks
from vmax_flows import runner
from vmax_flows.tasks import masking_locks

SERIAL = '000197800123'


class RecordingBackend(object):
    """Wraps a real backend and records the order locks are taken in."""

    description = 'recording'

    def __init__(self, backend):
        self.backend = backend
        self.taken = []

    def get_lock(self, name):
        lock = self.backend.get_lock(name)
        taken = self.taken

        class Recorded(object):
            def acquire(self, blocking=True):
                got = lock.acquire(blocking=blocking)
                if got:
                    taken.append(name)
                return got

            def release(self):
                return lock.release()
        return Recorded()


class Boom(task.Task):
    def execute(self):
        raise RuntimeError('boom')


class BadRevert(task.Task):
    def execute(self):
        return None

    def revert(self, **kwargs):
        raise RuntimeError('revert failed too')


class LockTestCase(testtools.TestCase):

    def setUp(self):
        super().setUp()
        self.path = self.useFixture(fixtures.TempDir()).path
        self.backend = locks.ToozBackend('file://' + self.path)
        self.addCleanup(self.backend.stop)
        self.locker = locks.Locker(self.backend, SERIAL, timeout=5)

    def names(self, *objects):
        return [self.locker.name(kind, obj) for kind, obj in objects]


class LockNameTest(testtools.TestCase):

    def test_names(self):
        self.assertEqual('vmax-000197800123-sg-OS-h-SRP_1-Diamond-OLTP-I-SG',
                         locks.lock_name(SERIAL, locks.KIND_STORAGE_GROUP,
                                         'OS-h-SRP_1-Diamond-OLTP-I-SG'))
        # Characters a file name or key could trip on are replaced.
        self.assertEqual('vmax-000197800123-ig-odd_name_x',
                         locks.lock_name(SERIAL, 'ig', 'odd/name x'))


class SessionTest(LockTestCase):

    def test_taken_in_sorted_order_and_given_back(self):
        recording = RecordingBackend(self.backend)
        locker = locks.Locker(recording, SERIAL)
        names = self.names(('sg', 'OS-b-SG'), ('mv', 'OS-b-MV'),
                           ('ig', 'OS-b-I-IG'), ('sg', 'OS-b-SG'))
        session = locker.session(names)
        with session:
            self.assertEqual(sorted(set(names)), recording.taken)
            self.assertEqual(sorted(set(names)), session.held)
            self.assertEqual(set(), set(names) - set(os.listdir(self.path)))
        self.assertEqual([], session.held)
        # Free again: a new session takes them without waiting.
        other = locks.Locker(self.backend, SERIAL, timeout=0)
        with other.session(names) as again:
            self.assertEqual(sorted(set(names)), again.held)

    def test_release_is_idempotent(self):
        session = self.locker.session(self.names(('sg', 'a')))
        session.acquire()
        session.acquire()          # already held: nothing more taken
        session.release()
        session.release()
        self.assertEqual([], session.held)

    def test_bounded_wait_names_the_lock(self):
        holder = self.locker.session(self.names(('sg', 'shared')))
        holder.acquire()
        self.addCleanup(holder.release)
        waiting = locks.Locker(self.backend, SERIAL, timeout=0.3)
        names = self.names(('ig', 'mine'), ('sg', 'shared'))
        session = waiting.session(names)
        errors = []
        started = time.monotonic()

        def run():
            try:
                session.acquire()
            except locks.LockTimeout as exc:
                errors.append(exc)
        thread = threading.Thread(target=run)
        thread.start()
        thread.join(10)
        elapsed = time.monotonic() - started
        self.assertEqual(1, len(errors))
        self.assertEqual(names[1], errors[0].lock_name)
        self.assertIn('waiting for lock %s' % names[1], str(errors[0]))
        self.assertGreaterEqual(elapsed, 0.3)
        self.assertLess(elapsed, 3)
        # The lock it did get was given back.
        self.assertEqual([], session.held)
        free = locks.Locker(self.backend, SERIAL, timeout=0).session(
            names[:1])
        with free:
            self.assertEqual(names[:1], free.held)

    def test_nested_acquire_is_refused_at_once(self):
        names = self.names(('ig', 'OS-h-I-IG'), ('mv', 'OS-h-MV'))
        outer = self.locker.session(names)
        outer.acquire()
        self.addCleanup(outer.release)
        inner = self.locker.session(names[:1])
        started = time.monotonic()
        error = self.assertRaises(locks.NestedLockError, inner.acquire)
        self.assertLess(time.monotonic() - started, 0.5)
        self.assertEqual(names[0], error.lock_name)
        self.assertIn('nested acquire refused', str(error))
        self.assertEqual(sorted(names), outer.held)
        self.assertEqual([], inner.held)

    def test_other_threads_wait_rather_than_fail(self):
        names = self.names(('sg', 'x'))
        order = []
        first = self.locker.session(names)
        first.acquire()

        def second():
            with self.locker.session(names):
                order.append('second')
        thread = threading.Thread(target=second)
        thread.start()
        time.sleep(0.2)
        order.append('first')
        first.release()
        thread.join(10)
        self.assertEqual(['first', 'second'], order)

    def test_other_processes_are_excluded(self):
        name = self.names(('sg', 'cross-process'))[0]
        code = ('import sys, time\n'
                'from vmax_flows import locks\n'
                'backend = locks.ToozBackend("file://" + sys.argv[1])\n'
                'session = locks.Locker(backend, "x").session([sys.argv[2]])\n'
                'session.acquire()\n'
                'print("held", flush=True)\n'
                'time.sleep(1.0)\n'
                'session.release()\n')
        child = subprocess.Popen([sys.executable, '-c', code, self.path,
                                  name], stdout=subprocess.PIPE, text=True)
        self.addCleanup(child.wait)
        self.assertEqual('held', child.stdout.readline().strip())
        impatient = locks.Locker(self.backend, SERIAL, timeout=0.2)
        self.assertRaises(locks.LockTimeout,
                          impatient.session([name]).acquire)
        started = time.monotonic()
        with self.locker.session([name]) as session:
            self.assertEqual([name], session.held)
        self.assertLess(time.monotonic() - started, 5)


class LockTasksTest(LockTestCase):

    def hold_elsewhere(self, names):
        """Hold ``names`` from another thread until the test ends."""
        held, done = threading.Event(), threading.Event()

        def hold():
            with self.locker.session(names):
                held.set()
                done.wait(10)
        thread = threading.Thread(target=hold)
        thread.start()
        self.addCleanup(thread.join, 10)
        self.addCleanup(done.set)
        held.wait(10)

    def run_flow(self, session, *middle):
        flow = linear_flow.Flow('locked')
        flow.add(masking_locks.HoldLocks(session, 'locked.hold_locks'))
        for index, item in enumerate(middle):
            flow.add(item(name='locked.step%d' % index))
        flow.add(masking_locks.ReleaseLocks(session, 'locked.release'))
        return runner.run_flow('locked', flow, {})

    def test_success_gives_the_locks_back(self):
        session = self.locker.session(self.names(('sg', 'a'), ('mv', 'b')))
        self.run_flow(session)
        self.assertEqual([], session.held)

    def test_failure_gives_them_back_through_revert(self):
        session = self.locker.session(self.names(('sg', 'a')))
        error = self.assertRaises(exceptions.FlowFailed, self.run_flow,
                                  session, Boom)
        self.assertIn('boom', str(error))
        self.assertEqual([], session.held)

    def test_a_failed_revert_leaves_them_to_the_callers_finally(self):
        # TaskFlow stops reverting at a revert that raises, so the acquire
        # task is never reverted: this is why the driver also releases the
        # session in ``finally``.
        session = self.locker.session(self.names(('sg', 'a')))
        self.assertRaises(exceptions.FlowFailed, self.run_flow, session,
                          BadRevert, Boom)
        self.assertEqual(self.names(('sg', 'a')), session.held)
        session.release()
        self.assertEqual([], session.held)

    def test_a_lock_timeout_fails_before_anything_else_runs(self):
        names = self.names(('sg', 'busy'))
        self.hold_elsewhere(names)
        ran = []

        class Step(task.Task):
            def execute(self):
                ran.append(self.name)
        waiting = locks.Locker(self.backend, SERIAL, timeout=0.1)
        error = self.assertRaises(exceptions.FlowFailed, self.run_flow,
                                  waiting.session(names), Step)
        self.assertIsInstance(error.cause, locks.LockTimeout)
        self.assertEqual('locked.hold_locks', error.step)
        self.assertEqual([], ran)


class LocalBackendTest(testtools.TestCase):

    def test_in_process_backend_behaves_the_same(self):
        locker = locks.Locker(locks.LocalBackend(), SERIAL, timeout=0.1)
        first = locker.session(['a', 'b'])
        first.acquire()
        error = self.assertRaises(locks.LockTimeout,
                                  threading_acquire, locker, ['b'])
        self.assertEqual('b', error.lock_name)
        first.release()
        self.assertIsNone(threading_acquire(locker, ['b']))


def threading_acquire(locker, names):
    """Acquire (and release) in another thread; re-raise its error."""
    result = []

    def run():
        try:
            with locker.session(names):
                pass
        except Exception as exc:
            result.append(exc)
    thread = threading.Thread(target=run)
    thread.start()
    thread.join(10)
    if result:
        raise result[0]
    return None
