"""Locks on array objects, through tooz.

Lock names are ``vmax-<serial>-<kind>-<object name>`` with kind ``sg``
(storage group), ``mv`` (masking view) or ``ig`` (initiator group).

Backends (anything whose ``get_lock(name)`` returns a tooz-style lock with
``acquire(blocking)`` / ``release()``):

* inside Cinder the driver hands over Cinder's own coordinator
  (``cinder.coordination.COORDINATOR`` once the service started it), so
  the backend the operators configured -- file, etcd, Redis, ZooKeeper --
  serialises cinder-volume processes and hosts
  (:class:`CoordinatorBackend`);
* standalone, a tooz file backend under a lock directory
  (:func:`file_backend`): it serialises threads and processes of one
  machine;
* :class:`LocalBackend`, in-process only, for flows built without a
  locker (graph dumps, harnesses).

Rules, each one a lesson of the 2.x driver (bugs 1800684, 1980870,
2109659, 1875640):

* the locks of one operation are taken together, in sorted order, by a
  :class:`LockSession` -- never one after another at different places;
* every acquire is bounded: after ``timeout`` seconds in total the
  session gives up, releases what it holds and raises
  :class:`LockTimeout` naming the lock it waited for;
* a thread asking for a lock it already holds gets
  :class:`NestedLockError` at once instead of deadlocking on itself;
* a session releases everything it holds, once, whatever happened; the
  flow's own release task, the revert of its acquire task and the
  driver's ``finally`` all call the same idempotent ``release``.
"""

import logging
import os
import re
import tempfile
import threading
import time
import uuid

from vmax_flows import exceptions

LOG = logging.getLogger(__name__)

DEFAULT_TIMEOUT = 600.0
KIND_STORAGE_GROUP = 'sg'
KIND_MASKING_VIEW = 'mv'
KIND_INITIATOR_GROUP = 'ig'
_UNSAFE = re.compile(r'[^A-Za-z0-9_.-]')

# Lock names each thread holds through any session (nested detection).
_HELD = threading.local()


class LockTimeout(exceptions.VmaxError):
    """A lock could not be taken within the session's time budget."""

    def __init__(self, message, lock_name=None, waited=None):
        super().__init__(message)
        self.lock_name = lock_name
        self.waited = waited


class NestedLockError(exceptions.VmaxError):
    """A thread asked again for a lock it already holds."""

    def __init__(self, message, lock_name=None):
        super().__init__(message)
        self.lock_name = lock_name


def lock_name(serial, kind, name):
    """``vmax-<serial>-<kind>-<name>``, with characters a file name or a
    key-value store could trip on replaced."""
    return _UNSAFE.sub('_', 'vmax-%s-%s-%s' % (serial, kind, name))


def _thread_held():
    names = getattr(_HELD, 'names', None)
    if names is None:
        names = _HELD.names = set()
    return names


class CoordinatorBackend(object):
    """A started coordinator whose ``get_lock`` takes a text name --
    Cinder's ``coordination.Coordinator`` (it adds its own prefix)."""

    def __init__(self, coordinator, description='cinder coordination'):
        self._coordinator = coordinator
        self.description = description

    def get_lock(self, name):
        return self._coordinator.get_lock(name)


class ToozBackend(object):
    """A tooz coordinator of our own, started on first use."""

    def __init__(self, url, member_id=None):
        self.url = url
        self.description = url
        self._member_id = (member_id or 'vmax-%d-%s' % (
            os.getpid(), uuid.uuid4().hex[:8])).encode('ascii')
        self._coordinator = None
        self._start_lock = threading.Lock()

    def _started(self):
        with self._start_lock:
            if self._coordinator is None:
                from tooz import coordination
                coordinator = coordination.get_coordinator(self.url,
                                                           self._member_id)
                coordinator.start()
                self._coordinator = coordinator
        return self._coordinator

    def get_lock(self, name):
        return self._started().get_lock(name.encode('ascii'))

    def stop(self):
        with self._start_lock:
            if self._coordinator is not None:
                self._coordinator.stop()
                self._coordinator = None


_FILE_BACKENDS = {}
_FILE_BACKENDS_LOCK = threading.Lock()


def default_lock_path():
    return os.path.join(tempfile.gettempdir(), 'vmax-taskflow-locks')


def file_backend(lock_path=None):
    """The process's tooz file backend for ``lock_path`` (one per
    directory, so every driver of the process shares it)."""
    path = os.path.abspath(lock_path or default_lock_path())
    with _FILE_BACKENDS_LOCK:
        backend = _FILE_BACKENDS.get(path)
        if backend is None:
            os.makedirs(path, exist_ok=True)
            backend = _FILE_BACKENDS[path] = ToozBackend('file://' + path)
        return backend


class _LocalLock(object):

    def __init__(self, lock):
        self._lock = lock

    def acquire(self, blocking=True):
        if blocking is True:
            return self._lock.acquire()
        if blocking is False:
            return self._lock.acquire(False)
        return self._lock.acquire(True, max(0.0, float(blocking)))

    def release(self):
        self._lock.release()
        return True


class LocalBackend(object):
    """In-process locks, for flows built without a locker."""

    description = 'in-process locks'

    def __init__(self):
        self._locks = {}
        self._guard = threading.Lock()

    def get_lock(self, name):
        with self._guard:
            lock = self._locks.setdefault(name, threading.Lock())
        return _LocalLock(lock)


class Locker(object):
    """Locks of one array: names them, and opens sessions.

    ``timeout`` bounds the whole acquisition of a session (seconds);
    ``monotonic`` is injectable for tests.
    """

    def __init__(self, backend, serial, timeout=DEFAULT_TIMEOUT,
                 monotonic=None):
        self.backend = backend
        self.serial = serial
        self.timeout = float(timeout)
        self.monotonic = monotonic or time.monotonic

    def name(self, kind, obj):
        return lock_name(self.serial, kind, obj)

    def session(self, names):
        return LockSession(self, names)


class LockSession(object):
    """The locks of one operation: acquired together in sorted order,
    released together, both at most once."""

    def __init__(self, locker, names):
        self.locker = locker
        self.names = sorted(set(names))
        self._held = []
        self._owner = None

    @property
    def held(self):
        return [name for name, _ in self._held]

    def acquire(self):
        if self._held:
            return
        owner = _thread_held()
        for name in self.names:
            if name in owner:
                raise NestedLockError(
                    'Lock %s is already held by this thread; taking it '
                    'again would deadlock (nested acquire refused)' % name,
                    lock_name=name)
        clock = self.locker.monotonic
        started = clock()
        deadline = started + self.locker.timeout
        acquired = []
        try:
            for name in self.names:
                lock = self.locker.backend.get_lock(name)
                remaining = deadline - clock()
                if not lock.acquire(blocking=remaining if remaining > 0
                                    else False):
                    waited = clock() - started
                    raise LockTimeout(
                        'Timed out after %.1f s waiting for lock %s (%s); '
                        'another operation on the same array objects is '
                        'still running' % (waited, name,
                                           self.locker.backend.description),
                        lock_name=name, waited=waited)
                acquired.append((name, lock))
                owner.add(name)
        except BaseException:
            self._release(acquired, owner)
            raise
        self._held = acquired
        self._owner = owner
        LOG.debug('Locks %s taken after %.3f s', ', '.join(self.names),
                  clock() - started)

    def release(self):
        if not self._held:
            return
        held, self._held = self._held, []
        self._release(held, self._owner)
        LOG.debug('Locks %s released', ', '.join(name for name, _ in held))

    @staticmethod
    def _release(held, owner):
        for name, lock in reversed(held):
            try:
                lock.release()
            except Exception as exc:   # a lost lock must not hide the result
                LOG.error('Could not release lock %s: %s', name, exc)
            if owner is not None:
                owner.discard(name)

    def __enter__(self):
        self.acquire()
        return self

    def __exit__(self, *exc_info):
        self.release()
