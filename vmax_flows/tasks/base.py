"""What every array task shares.

Conventions (see the TaskFlow reference, pitfalls checklist):

* the :class:`~vmax_flows.smis.client.ArrayClient` comes through the
  constructor, never through the store;
* inputs and results are plain JSON data; a result says whether the task
  ``created`` what it touches or found it already there;
* a step that cannot be undone says so: its result carries
  ``'irreversible': '<what it did>'`` (the runner lists those when a later
  step fails), and it is the last -- or among the last -- of its flow;
* ``revert`` takes the same named arguments as ``execute`` plus ``result``
  and ``flow_failures``, undoes only what this task created, treats "already
  gone" as done, and never raises for array errors: it logs them with the
  device id and returns ``{'left_behind': [...]}`` so the runner can report
  what could not be undone while the other reverts still run.
"""

import contextlib
import copy
import functools
import logging

from taskflow import task
from taskflow.types import failure

from vmax_flows import exceptions
from vmax_flows.smis import params as cim

LOG = logging.getLogger(__name__)
GIB = 1024 ** 3
# Where a task's journal (ArrayTask.journal) travels: the progress details
# TaskFlow persists, and the attribute of the failure revert receives.
JOURNAL_KEY = 'vmax_progress'


class ArrayTask(task.Task):
    """A task performing (at most) one array action through ``client``."""

    def __init__(self, client, name, **kwargs):
        super().__init__(name=name, **kwargs)
        self.client = client

    def undo(self, action, obj, func, *args):
        """Run an undo step; return a left-behind record if it fails."""
        return undo(self.name, action, obj, func, *args)

    def journal(self, progress):
        """Save ``progress`` (a JSON-able dict: what this execute did so
        far) with the task's persisted state before the next array call.

        A task that makes several changes cannot tell from the array
        alone which of them it made (an initiator registered by it or by
        someone before).  If the process dies mid-execute, recovery hands
        the last journal entry to the revert as ``vmax_progress`` of the
        failure (:func:`journal_of`), as an in-process failure does.
        """
        self._notifier.notify(task.EVENT_UPDATE_PROGRESS, {
            'progress': 0.5, JOURNAL_KEY: copy.deepcopy(progress)})


def best_effort_revert(revert):
    """Make a revert method best-effort: an array or provider error while
    undoing becomes a left-behind record instead of a revert failure, so
    the tasks before this one are still reverted.  (TaskFlow reads the
    wrapped method's signature, which ``functools.wraps`` preserves.)"""
    @functools.wraps(revert)
    def wrapper(self, *args, **kwargs):
        try:
            return revert(self, *args, **kwargs)
        except exceptions.VmaxError as exc:
            LOG.warning('%s: revert could not finish: %s', self.name, exc)
            return left_behind({'task': self.name,
                                'object': 'what %s made' % self.name,
                                'action': 'revert %s' % self.name,
                                'error': str(exc)})
    return wrapper


def left_behind(*records):
    found = [r for r in records if r]
    return {'left_behind': found} if found else None


def journal_of(result):
    """The progress a failed execute recorded: set on the exception by
    the task itself, or from its journal by crash recovery; or None."""
    if not failed(result) or result.exception is None:
        return None
    return getattr(result.exception, JOURNAL_KEY, None)


def failed(result):
    return isinstance(result, failure.Failure)


@contextlib.contextmanager
def array_change(what):
    """Mark an exception raised while asking the array to change something.

    The provider may have carried the change out although the call failed
    (dropped connection, read timeout, job that finished after we gave up),
    so revert must look for it: ``attempted(result)`` tells it to.
    """
    try:
        yield
    except Exception as exc:
        exc.vmax_change_attempted = what
        raise


def attempted(result, client=None):
    """True when ``result`` is the Failure of a task whose array change
    was attempted (see :func:`array_change`).

    With ``client``, a job that was still running when the wait gave up
    gets one more bounded wait first, so the revert sees its effect
    (bug 1538214: jobs that complete after the driver gave up).
    """
    if not failed(result) or result.exception is None:
        return False
    if not getattr(result.exception, 'vmax_change_attempted', None):
        return False
    if client is not None:
        client.settle_job(result.exception)
    return True


def confirmed(error, check):
    """After a failed call: True when the failure was ambiguous (the array
    may have done it; see ``VmaxError.ambiguous``) and ``check()`` finds
    the intended outcome on the array.  The task then carries on as if
    the call had succeeded."""
    if not getattr(error, 'ambiguous', False):
        return False
    try:
        done = bool(check())
    except exceptions.VmaxError as exc:
        LOG.warning('Could not check the outcome of a failed call (%s): '
                    '%s', error, exc)
        return False
    if done:
        LOG.warning('The answer was lost but the array did it: %s', error)
    return done


def destroy_device(client, device_id, task_name):
    """Remove a device this flow created: break its local pairs, take it
    out of its storage groups, delete it.  Returns left-behind records."""
    obj = 'device %s' % device_id
    problems = []
    for pair in _ignore_missing(client.pairs_of_volume, device_id) or ():
        problems.append(undo(
            task_name, 'dissolve pair %(source)s -> %(target)s' % pair, obj,
            _break_pair, client, pair))
    for group in _ignore_missing(client.groups_of_volume, device_id) or ():
        problems.append(undo(
            task_name, 'remove device %s from storage group %s'
            % (device_id, group), obj, client.remove_members, group,
            [device_id]))
    problem = undo(task_name, 'delete device %s' % device_id, obj,
                   client.delete_volumes, [device_id])
    if problem is None:
        LOG.info('%s: deleted device %s', task_name, device_id)
    problems.append(problem)
    return [p for p in problems if p]


def _break_pair(client, pair):
    operation = cim.OPERATION_DISSOLVE if client.info.is_vmax3 \
        else cim.OPERATION_DETACH
    client.modify_pair(pair['source'], pair['target'], operation,
                       force=True)


def _ignore_missing(func, *args):
    try:
        return func(*args)
    except exceptions.ObjectNotFound:
        return None
    except exceptions.VmaxError as exc:
        LOG.warning('Could not read the array while cleaning up: %s', exc)
        return None


def undo(task_name, action, obj, func, *args):
    """Run ``func(*args)``; "already gone" counts as done.  Returns a
    left-behind record (plain dict) when the array refused or failed."""
    try:
        func(*args)
    except exceptions.ObjectNotFound:
        LOG.info('%s: %s: %s is already gone', task_name, action, obj)
        return None
    except exceptions.VmaxError as exc:
        LOG.warning('%s: could not %s; left behind on the array: %s (%s)',
                    task_name, action, obj, exc)
        return {'task': task_name, 'object': obj, 'action': action,
                'error': str(exc)}
    return None
