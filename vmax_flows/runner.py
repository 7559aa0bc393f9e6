"""Run a flow: serial engine, deferred reverts, logging, translated errors.

:func:`run_flow` loads the flow with ``defer_reverts=True`` (so a failure
anywhere reverts the whole flow), logs transitions at DEBUG and failures
and reverts at WARNING with the task name, times every task and counts its
SMI-S round trips, and turns any failure -- one Failure, a
``WrappedFailure``, or a revert that failed itself -- into
:class:`~vmax_flows.exceptions.FlowFailed` whose message names the
operation, the failed step and the array's own error.  When revert could
not undo something, the original error is still what is raised, and what
was left behind is logged with its device id and listed in the message.
"""

import logging
import time

import taskflow.engines
from taskflow import exceptions as tf_exceptions
from taskflow.listeners import base as listener_base
from taskflow.listeners import logging as logging_listener
from taskflow import states

from vmax_flows import exceptions

LOG = logging.getLogger(__name__)


class CallTimingListener(listener_base.Listener):
    """Records, per task, wall time and SMI-S round trips.

    ``count_calls`` returns the client's running total of round trips; the
    difference between a task's start and end is that task's share.
    ``timings`` holds ``(task, final state, seconds, round trips)``.
    """

    def __init__(self, engine, count_calls=None, clock=time.monotonic):
        super().__init__(engine, task_listen_for=(
            states.RUNNING, states.SUCCESS, states.FAILURE,
            states.REVERTING, states.REVERTED, states.REVERT_FAILURE),
            flow_listen_for=(), retry_listen_for=())
        self._count = count_calls or (lambda: 0)
        self._clock = clock
        self._started = {}
        self.timings = []
        # Steps that did something revert cannot undo, in run order.
        self.irreversible = []

    def _task_receiver(self, state, details):
        name = details['task_name']
        if state in (states.RUNNING, states.REVERTING):
            self._started[name] = (self._clock(), self._count())
            return
        if name in self._started:
            began, calls = self._started.pop(name)
        else:
            began, calls = self._clock(), self._count()
        seconds = self._clock() - began
        trips = self._count() - calls
        self.timings.append((name, state, seconds, trips))
        result = details.get('result')
        if state == states.SUCCESS and isinstance(result, dict) and \
                result.get('irreversible'):
            self.irreversible.append((name, result['irreversible']))
        LOG.debug('Task %s %s in %.3f s with %d SMI-S call(s)', name,
                  state, seconds, trips)

    def total_calls(self):
        return sum(t[3] for t in self.timings)


class FlowOutcome(object):
    """What a successful run returns: the requested results and timings."""

    def __init__(self, results, timings):
        self.results = results
        self.timings = timings

    def __getitem__(self, name):
        return self.results[name]


def run_flow(operation, flow, store, results=(), count_calls=None,
             log=None, persistence=None, meta=None):
    """Run ``flow`` for ``operation``; return a :class:`FlowOutcome`.

    :param store: plain data (the flow's inputs).
    :param results: store names to fetch after success.
    :param count_calls: callable returning the SMI-S call total (timing).
    :param persistence: a :class:`vmax_flows.persistence.FlowStore` that
        keeps the run's state (crash recovery, history); None keeps it in
        memory only.
    :param meta: plain data kept with the persisted run, e.g. the arrays
        it runs on (what the recovery needs to rebuild it besides the
        operation and the store).
    :raises FlowFailed: on any failure, after the flow was reverted.
    """
    log = log or LOG
    book = detail = None
    if persistence is not None:
        book, detail = persistence.begin(operation, store, meta)
    engine = taskflow.engines.load(
        flow, store=store, engine='serial', defer_reverts=True,
        book=book, flow_detail=detail,
        backend=persistence.backend if persistence else None)
    timing = CallTimingListener(engine, count_calls)
    started = time.monotonic()
    try:
        with logging_listener.DynamicLoggingListener(engine, log=log), \
                timing:
            engine.run()
    except Exception as exc:
        error = _translate(operation, engine, _atom_names(flow), exc,
                           timing.irreversible)
        _record_end(persistence, detail, timing, error)
        raise error
    _record_end(persistence, detail, timing)
    log.debug('%s done in %.3f s, %d SMI-S call(s)', operation,
              time.monotonic() - started, timing.total_calls())
    fetched = {name: engine.storage.fetch(name) for name in results}
    return FlowOutcome(fetched, timing.timings)


def _record_end(persistence, detail, timing, error=None):
    if persistence is None:
        return
    try:
        persistence.end(detail, timing.timings,
                        error=str(error) if error else None)
    except Exception:   # history is a convenience; never fail a run on it
        LOG.exception('Could not record the end of flow %s', detail.uuid)


def _atom_names(flow):
    names = []
    for node, _ in flow.iter_nodes():
        if hasattr(node, 'iter_nodes'):
            names.extend(_atom_names(node))
        else:
            names.append(node.name)
    return names


def _translate(operation, engine, atom_names, raised, irreversible=()):
    storage = engine.storage
    execute_failures = _safe(storage.get_execute_failures) or {}
    revert_failures = _safe(storage.get_revert_failures) or {}
    step, cause = _original(execute_failures, raised)
    left = _left_behind(storage, atom_names, revert_failures)
    array_text = getattr(cause, 'array_message', None)
    message = '%s failed at step %s: %s' % (
        operation, step or 'unknown', cause)
    if array_text and array_text not in str(cause):
        message += ' (array: %s)' % array_text
    if left:
        message += '; NOT cleaned up: %s' % '; '.join(
            '%s (%s)' % (r['object'], r['action']) for r in left)
        for record in left:
            LOG.error('%s: revert of %s left behind %s: could not %s: %s',
                      operation, record['task'], record['object'],
                      record['action'], record['error'])
    if irreversible:
        message += '; done and not undoable: %s' % '; '.join(
            text for _, text in irreversible)
        for name, text in irreversible:
            LOG.warning('%s: step %s cannot be undone: %s', operation,
                        name, text)
    if not left and not irreversible:
        message += '; all changes were reverted'
    return exceptions.FlowFailed(message, operation=operation, step=step,
                                 cause=cause, left_behind=left,
                                 irreversible=[t for _, t in irreversible])


def _original(execute_failures, raised):
    """The first failed step and its live exception."""
    for name, fail in execute_failures.items():
        exc = fail.exception
        if exc is None:
            exc = exceptions.VmaxError(fail.exception_str)
        return name, exc
    if isinstance(raised, tf_exceptions.WrappedFailure):
        for fail in raised:
            return None, fail.exception or exceptions.VmaxError(
                fail.exception_str)
    return None, raised


def _left_behind(storage, atom_names, revert_failures):
    left = []
    for name, fail in revert_failures.items():
        left.append({'task': name, 'object': 'unknown (revert raised)',
                     'action': 'revert %s' % name,
                     'error': fail.exception_str})
    atom_states = _safe(storage.get_atoms_states, atom_names) or {}
    for name in atom_names:
        state = atom_states.get(name, (None, None))[0]
        if state != states.REVERTED:
            continue
        result = _safe(storage.get_revert_result, name)
        if isinstance(result, dict):
            left.extend(result.get('left_behind') or ())
    return left


def _safe(func, *args):
    try:
        return func(*args)
    except Exception:   # storage lookups must not mask the real error
        return None
