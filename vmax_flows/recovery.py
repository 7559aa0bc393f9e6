"""Finish or undo the flows a killed process left unfinished.

Run once when the driver starts (``do_setup``), before it accepts work.
For every run of this service still marked running in the persistence
store (:mod:`vmax_flows.persistence`), the flow is rebuilt from its
operation name and plain request, loaded on its saved state, and:

* **reverted** (the default): the task that was running when the process
  died -- or, when it died between two tasks, the next one -- is marked
  failed with :class:`ProcessDied` (which counts as "the array change may
  have been attempted", so that task's revert looks the object up by its
  label), and TaskFlow reverts it and every task before it;
* **resumed in revert** when it was already reverting: the interrupted
  revert is run again (reverts are idempotent), then the earlier ones;
* **completed** when a task that cannot be undone already succeeded
  (its result carries ``irreversible``, e.g. a dissolved clone link), and
  for removals (:func:`removes`: deletes, unmanage, detach): the
  interrupted task is re-run and the rest of the flow runs, as the
  operation would have.  If completing fails, the flow reverts as usual.

Each run's record gets a ``recovery`` entry, and :func:`recover` returns
one :class:`Recovered` line per run for the log and the caller.
"""

import collections
import datetime
import logging

import taskflow.engines
from taskflow.listeners import logging as logging_listener
from taskflow import states
from taskflow.types import failure

from vmax_flows import exceptions
from vmax_flows import runner
from vmax_flows.tasks import base

LOG = logging.getLogger(__name__)

REVERTED = 'reverted'
COMPLETED = 'completed'
REVERT_FAILED = 'revert failed'
COMPLETION_FAILED = 'completion failed'
NOTHING_RAN = 'nothing ran'
NOT_REBUILT = 'not rebuilt'
# Finished runs are kept this long for ``vmax-flows history``.
HISTORY_DAYS = 30

Recovered = collections.namedtuple(
    'Recovered', 'flow_uuid operation subjects action outcome message '
                 'left_behind')


class ProcessDied(exceptions.VmaxError):
    """What a task that was running when its process died is failed with.

    The task may have changed the array before the process died, so the
    failure says the change was attempted (see
    :func:`vmax_flows.tasks.base.attempted`): its revert looks for it.
    """

    def __init__(self, message):
        super().__init__(message)
        self.vmax_change_attempted = 'unknown: the process died'


def recover(flow_store, rebuild, count_calls=None, log=None):
    """Recover every unfinished run of ``flow_store``'s owner.

    :param rebuild: ``rebuild(operation, request, arrays)`` returning the
        flow (normally ``registry.build`` with the live client, or the
        clients of ``arrays``: the serials the run recorded, None for a
        run recorded without them); raising leaves that run as it is and
        reports it.
    :returns: a list of :class:`Recovered`, oldest run first.
    """
    log = log or LOG
    done = []
    for detail in flow_store.unfinished():
        try:
            outcome = _recover_one(flow_store, detail, rebuild,
                                   count_calls, log)
        except Exception as exc:   # one bad record must not stop the rest
            log.exception('Recovery of flow %s failed', detail.uuid)
            outcome = _line(detail, NOT_REBUILT, 'error',
                            'recovery failed: %s' % exc)
        done.append(outcome)
        level = logging.WARNING if outcome.outcome == 'ok' else logging.ERROR
        log.log(level, 'Recovery: %s %s (flow %s, objects %s): %s -- %s',
                outcome.operation, outcome.action, outcome.flow_uuid,
                ', '.join(outcome.subjects) or '-', outcome.outcome,
                outcome.message)
    if done:
        log.warning('Recovery: %d unfinished operation(s) found: %s', len(
            done), summary(done))
    cutoff = (datetime.datetime.now(datetime.timezone.utc) -
              datetime.timedelta(days=HISTORY_DAYS)).isoformat()
    try:
        forgotten = flow_store.forget_finished(cutoff)
    except Exception:   # housekeeping must not stop the service
        log.exception('Could not prune the run history')
    else:
        if forgotten:
            log.info('Forgot %d run(s) that ended more than %d days ago',
                     forgotten, HISTORY_DAYS)
    return done


def summary(lines):
    """``2 reverted, 1 completed``-style text."""
    counts = collections.Counter(line.action for line in lines)
    return ', '.join('%d %s' % (n, action)
                     for action, n in sorted(counts.items()))


def _line(detail, action, outcome, message, left_behind=()):
    meta = detail.meta or {}
    return Recovered(detail.uuid, meta.get('operation', detail.name),
                     list(meta.get('subjects') or ()), action, outcome,
                     message, list(left_behind))


def _now():
    return datetime.datetime.now(datetime.timezone.utc).isoformat()


def _recover_one(flow_store, detail, rebuild, count_calls, log):
    meta = detail.meta or {}
    operation = meta.get('operation', detail.name)
    try:
        flow = rebuild(operation, meta.get('request'), meta.get('arrays'))
    except Exception as exc:
        return _line(detail, NOT_REBUILT, 'error',
                     'cannot rebuild the flow (%s); left for the operator '
                     'and the orphan sweep' % exc)
    order = runner._atom_names(flow)
    atoms = {atom.name: atom for atom in detail}
    atom_state = {name: atoms[name].state if name in atoms
                  else states.PENDING for name in order}
    if all(state == states.PENDING for state in atom_state.values()):
        detail.state = states.REVERTED
        _remember(flow_store, detail, NOTHING_RAN, 'ok', [])
        return _line(detail, NOTHING_RAN, 'ok',
                     'no task had started; nothing to undo')

    reverting = detail.state == states.REVERTING or any(
        atoms[name].intention == states.REVERT or atom_state[name] in (
            states.REVERTING, states.REVERTED, states.REVERT_FAILURE)
        for name in order if name in atoms)
    irreversible = [atoms[name].results['irreversible'] for name in order
                    if atom_state[name] == states.SUCCESS and
                    isinstance(atoms[name].results, dict) and
                    atoms[name].results.get('irreversible')]
    engine = taskflow.engines.load(
        flow, flow_detail=detail, book=flow_store._empty_book(),
        backend=flow_store.backend, engine='serial', defer_reverts=True)
    if reverting:
        action, why = REVERTED, 'it was reverting when the process died'
    elif irreversible:
        action, why = COMPLETED, 'done and not undoable: %s' % '; '.join(
            irreversible)
    elif removes(operation):
        action, why = COMPLETED, 'a removal is finished, not undone'
    else:
        stopped = _stopped_at(order, atom_state)
        if stopped is None:
            action, why = COMPLETED, 'every task had finished'
        else:
            action, why = REVERTED, 'the process died at %s' % stopped
            died = ProcessDied('the process running %s died during %s'
                               % (operation, stopped))
            journal = (engine.storage.get_task_progress_details(stopped) or
                       {}).get('details', {}).get(base.JOURNAL_KEY)
            if journal is not None:
                setattr(died, base.JOURNAL_KEY, journal)
            engine.storage.save(stopped, failure.Failure.from_exception(
                died), states.FAILURE)
    log.warning('Recovery: %s flow %s will be %s: %s', operation,
                detail.uuid, action, why)
    timing = runner.CallTimingListener(engine, count_calls)
    error = None
    try:
        with logging_listener.DynamicLoggingListener(engine, log=log), \
                timing:
            engine.run()
    except Exception as exc:
        error = runner._translate(operation, engine, order, exc,
                                  timing.irreversible)
    final = engine.storage.get_flow_state()
    left = list(getattr(error, 'left_behind', None) or ())
    if action == COMPLETED and final != states.SUCCESS:
        action = COMPLETION_FAILED
    if action == REVERTED and final != states.REVERTED:
        action = REVERT_FAILED
    ok = final in (states.SUCCESS, states.REVERTED) and not left
    message = why if error is None or action == REVERTED and ok else \
        '%s; %s' % (why, error)
    if left:
        message += '; NOT cleaned up: %s' % '; '.join(
            '%s (%s)' % (r['object'], r['action']) for r in left)
    outcome = 'ok' if ok else 'needs attention'
    _remember(flow_store, detail, action, outcome, timing.timings,
              message)
    return _line(detail, action, outcome, message, left)


def removes(operation):
    """True for operations that take something away (deletes, unmanage,
    detach).  Their interrupted runs are completed: every removal step is
    idempotent ("already gone" is done), while a step cut short before
    it saved its result cannot tell its revert what it had removed (a
    device taken out of its storage groups), and Cinder's user asked for
    the object to go anyway."""
    return operation.startswith(('delete_', 'remove_', 'terminate_')) or \
        operation == 'unmanage'


def _stopped_at(order, atom_state):
    """The task that was running, else the first that had not run."""
    for name in order:
        if atom_state[name] == states.RUNNING:
            return name
    for name in order:
        if atom_state[name] == states.PENDING:
            return name
    return None


def _remember(flow_store, detail, action, outcome, timings, message=''):
    flow_store.record(detail, recovery={
        'at': _now(), 'action': action, 'outcome': outcome,
        'message': message,
        'timings': [{'task': name, 'state': state,
                     'seconds': round(seconds, 4), 'calls': calls}
                    for name, state, seconds, calls in timings]})
