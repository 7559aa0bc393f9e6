"""The harness engine: plan the cases of one scenario, run and judge them.

:class:`ScenarioRun` sets up an :class:`~tests.harness.arena.Arena` for a
scenario on one array family, runs the driver call once cleanly -- with
every task instrumented, so each SMI-S call is known together with the
task that made it -- and then runs the cases of one part:

``tasks``
    each task of the flow fails as it starts (its ``execute`` raises an
    injected failure: the one thing the harness patches), and each
    top-level step (only the last with ``VMAX_HARNESS_QUICK=1``) is
    followed by a failing step
    (:func:`vmax_flows.failpoints.with_failure_after`);
``array`` / ``transport``
    for the SMI-S calls of the clean run, every fault kind that can act
    on the call -- CIM error, return code, job exception / stuck / late
    (``array``); dropped connection and hang, each with the call executed
    or not (``transport``) -- injected with
    ``sim.faults.add(kind, at_call=n)``, at every call, every kind that
    applies.  ``VMAX_HARNESS_QUICK=1`` narrows that to the first and last
    call of each call site and leaves out faults that reach the driver
    exactly as another kind does (:meth:`ScenarioRun.selected_calls`,
    :data:`READ_EQUIVALENTS`, :data:`METHOD_EQUIVALENTS`).

Every case must end in one of the documented end states:

``reverted``
    the driver raised the expected Cinder exception whose message names
    the failed step (for a fault that is not ambiguous: the very task
    that made the faulted call) and the array's error, and says "all
    changes were reverted"; ``sim.diff(before)`` is empty.  After a task
    case, the scenario's undo (a delete) also succeeds and changes
    nothing.  (``reverted, SRDF pair remade``: the same, where the only
    difference is an SRDF pair detached and made again between the same
    devices -- a new pair id, the same protection.)
``succeeded``
    the fault hit a call the driver could do without, or whose effect it
    confirmed on the array (a lost answer): the call succeeded and the
    array holds what a clean run leaves (``check_done``, and the whole
    state ignoring WWNs, relationship and snapshot ids, device numbers
    and points in time).
``irreversible``
    the failure came after a step that cannot be undone and the message
    says "done and not undoable: <what>"; a retry of the same call (no
    fault) must finish the operation.
``late``
    a job that finished after the driver gave up changed the array after
    the call failed: the scenario's undo (delete the new volume or
    snapshot) must bring the array back (an empty default storage group
    may stay: the next create uses it), or for a scenario without one, a
    retry must finish the operation.  A late job that finishes within the
    revert's last bounded wait must leave nothing, unless the task that
    made the call has no revert.
``stuck``
    a job still running on the array (stuck, or late) held a storage
    group's change session, so revert was refused: the message names
    everything left behind ("NOT cleaned up: ..."); once the job ends (an
    operator), a retry finishes (stuck) or the late rule above applies.
``known issue``
    listed in :mod:`tests.harness.known_issues` (strict: a listed case
    that passes fails the test).

Every call case also checks that the fault acted exactly once, on the
planned call.
"""

import collections
import os

from cinder import exception
from taskflow.patterns import linear_flow

from tests.harness import arena as arena_mod
from tests.harness import known_issues
from tests.harness import scenarios as scenarios_mod
from vmax_flows import failpoints
from vmax_sim.cim import params as cim_params
from vmax_sim.model import objects as sim_objects
from vmax_sim.model import ops as sim_ops

# Short job waits keep stuck jobs cheap: the driver gives up after
# (RETRIES - 1) * INTERVAL seconds of virtual time.
JOB_INTERVAL = 2.0
JOB_RETRIES = 8
HARNESS_OPTIONS = {'vmax_job_interval': JOB_INTERVAL,
                   'vmax_job_retries': JOB_RETRIES}

EXPECTED_ERROR = exception.VolumeBackendAPIException

# The whole matrix -- every fault kind at every call number -- is the
# default (and what CI runs).  VMAX_HARNESS_QUICK=1 narrows it to the
# first and last call of each call site (see ScenarioRun.selected_calls),
# for a fast local loop while changing a flow.
FULL_MATRIX = os.environ.get('VMAX_HARNESS_QUICK') != '1'
# A lost connection and a read timeout reach the driver as the same error
# (ProviderUnreachable), and for a call that only reads, whether the
# provider ran it first changes nothing.  So the quick selection gives a
# read cim_error, drop_connection and hang_executed, and a method call
# loses only hang without execution (the same as drop_connection for it);
# every kind with the full matrix.
READ_EQUIVALENTS = ('drop_connection_executed', 'hang')
METHOD_EQUIVALENTS = ('hang',)
# Parts of a scenario's cases, run by separate tests (so that stestr can
# spread one scenario over its workers).
ALL_PARTS = 'all'
TASKS = 'tasks'
ARRAY = 'array'
TRANSPORT = 'transport'
PARTS = (TASKS, ARRAY, TRANSPORT)
REVERTED = 'reverted'
SUCCEEDED = 'succeeded'
IRREVERSIBLE = 'irreversible'
LATE = 'late'
STUCK = 'stuck'
KNOWN_ISSUE = 'known issue'
REPAIRED = 'reverted, SRDF pair remade'
NOT_UNDOABLE = 'done and not undoable'
NOT_CLEANED = 'NOT cleaned up'


# -- fault kinds -------------------------------------------------------------

class FaultKind(object):
    """One way to inject a fault at a call.

    ``kind`` and ``args(seq, config)`` go to ``sim.faults.add``;
    ``methods_only`` / ``jobs_only`` restrict it to extrinsic calls / to
    methods that declare a Job; ``ambiguous`` marks faults after which
    the array may have done the work; ``late`` marks job_late; ``text``
    is what the driver's message must contain.
    """

    def __init__(self, label, kind, args=None, methods_only=False,
                 jobs_only=False, ambiguous=False, late=False, text=None):
        self.label = label
        self.kind = kind
        self.transport = kind in ('drop_connection', 'hang')
        self._args = args or (lambda seq, config: {})
        self.methods_only = methods_only or jobs_only
        self.jobs_only = jobs_only
        self.ambiguous = ambiguous
        self.late = late
        self._text = text

    def args(self, seq, config):
        return self._args(seq, config)

    def texts(self, seq):
        return [t % {'seq': seq} for t in (self._text or ())]

    def applies(self, call):
        if self.methods_only and not call.is_method:
            return False
        return call.has_job or not self.jobs_only


def _give_up_seconds(config):
    return (config.job_retries - 1) * config.job_interval


def _settled_late(seq, config):
    # Completes before the last poll of the revert's extra wait
    # (ArrayClient.settle_job polls retries // 4 times).
    settle_polls = config.job_retries // 4
    assert settle_polls >= 2, 'job_retries too small for a settle window'
    return {'seconds': _give_up_seconds(config) +
            (settle_polls - 1.5) * config.job_interval}


def _very_late(seq, config):
    # Completes after every wait of the driver is over.
    return {'seconds': 4 * _give_up_seconds(config)}


def _hang(executed):
    def args(seq, config):
        return {'seconds': config.request_timeout + 60, 'executed': executed}
    return args


FAULT_KINDS = (
    FaultKind('cim_error', 'cim_error', lambda seq, config: {
        'code': 1, 'description': 'Injected CIM error at call #%d' % seq},
        text=('Injected CIM error at call #%(seq)d',)),
    FaultKind('return_code', 'return_code',
              lambda seq, config: {'rc': 4}, methods_only=True,
              text=('return code 4',)),
    FaultKind('job_exception', 'job_exception', lambda seq, config: {
        'error_code': 10440,
        'description': 'Injected job failure at call #%d' % seq},
        jobs_only=True, text=('Injected job failure at call #%(seq)d',)),
    FaultKind('job_stuck', 'job_stuck', jobs_only=True,
              text=('Timed out',)),
    FaultKind('job_late_settled', 'job_late', _settled_late, jobs_only=True,
              late=True, text=('Timed out',)),
    FaultKind('job_late', 'job_late', _very_late, jobs_only=True, late=True,
              text=('Timed out',)),
    FaultKind('drop_connection', 'drop_connection',
              lambda seq, config: {'executed': False},
              text=('did not answer',)),
    FaultKind('drop_connection_executed', 'drop_connection',
              lambda seq, config: {'executed': True}, ambiguous=True,
              text=('did not answer',)),
    FaultKind('hang', 'hang', _hang(False),
              text=('did not answer', 'timed out')),
    FaultKind('hang_executed', 'hang', _hang(True), ambiguous=True,
              text=('did not answer', 'timed out')),
)


# -- flows -------------------------------------------------------------------

def atoms(flow):
    """Every task of a flow, nested flows included, in order."""
    found = []
    for node, _ in flow.iter_nodes():
        if hasattr(node, 'iter_nodes'):
            found.extend(atoms(node))
        else:
            found.append(node)
    return found


def has_revert(task):
    """True when the task's class defines a revert of its own."""
    return any('revert' in vars(cls) for cls in type(task).__mro__
               if cls.__module__.startswith('vmax_flows'))


def fail_at_start(step):
    """A flow decorator making task ``step`` raise as it starts."""
    def decorate(operation, flow):
        for task in atoms(flow):
            if task.name == step:
                def execute(*args, **kwargs):
                    raise failpoints.InjectedFailure(
                        'injected failure at the start of step %s' % step)
                task.execute = execute
        return flow
    return decorate


def fail_after(step):
    """A flow decorator adding a failing step right after ``step``."""
    def decorate(operation, flow):
        if step in failpoints.steps(flow):
            return failpoints.with_failure_after(flow, step)
        return flow
    return decorate


class Recorder(object):
    """Flow decorator for the clean run: notes each flow's tasks and the
    call sequence number at which each task started."""

    def __init__(self, sim_of):
        self._sim_of = sim_of
        self.flows = []
        self.starts = []        # (sequence number before the task, task)

    def __call__(self, operation, flow):
        self.flows.append(flow)
        for task in atoms(flow):
            self._wrap(task)
        return flow

    def _wrap(self, task):
        original = task.execute

        def execute(*args, **kwargs):
            self.starts.append((self._sim_of().calls.seq, task))
            return original(*args, **kwargs)
        task.execute = execute

    def owner(self, seq):
        """The task during which call ``seq`` was made."""
        found = None
        for start, task in self.starts:
            if start < seq:
                found = task
        return found


# -- state comparison --------------------------------------------------------

# Fields that differ between equally good outcomes: new WWNs for reused
# DeviceIDs, points in time, and copy progress that depends on how much
# virtual time the waits took.
VOLATILE_FIELDS = frozenset(('wwn', 'created_at', 'point_in_time',
                             'copy_state', 'sync_state', 'member_rel_ids'))
RENUMBERED_KINDS = frozenset((sim_objects.KIND_RELATIONSHIP,
                              sim_objects.KIND_GROUP_RELATIONSHIP))
# Figures that follow from the objects (pool capacity).
DERIVED_KINDS = frozenset((sim_objects.KIND_POOL,))


def _device_names(snapshot):
    """DeviceID -> ``dev(<label>)`` for devices whose label is unique on
    their array: which free DeviceID a device got depends on what was
    created and deleted before (a late job's device takes the next one),
    its label does not."""
    labels = collections.defaultdict(list)
    for key, record in snapshot.records.items():
        if key.kind == sim_objects.KIND_DEVICE:
            labels[(key.serial, dict(record)['label'])].append(key.ident)
    names = {}
    for (serial, label), ids in labels.items():
        if len(ids) == 1:
            names[ids[0]] = 'dev(%s)' % label
            names['%s:%s' % (serial, ids[0])] = '%s:dev(%s)' % (
                serial, label)
    return names


def _canonical(value, names):
    if isinstance(value, str):
        return names.get(value, value)
    if isinstance(value, tuple):
        if value and all(isinstance(v, tuple) and len(v) == 2 and
                         isinstance(v[0], str) for v in value):
            return tuple(sorted((k, _canonical(v, names)) for k, v in value
                                if k not in VOLATILE_FIELDS))
        return tuple(sorted((_canonical(v, names) for v in value), key=repr))
    return value


def normalized(snapshot):
    """A state capture as a multiset without volatile fields, relationship
    and snapshot ids, and with devices named by their labels."""
    names = _device_names(snapshot)
    items = collections.Counter()
    for key, record in snapshot.records.items():
        ident = key.ident
        if key.kind in RENUMBERED_KINDS:
            ident = None
        elif key.kind == sim_objects.KIND_SNAPSHOT:
            source, name, _ = ident.rsplit(':', 2)    # drop the snap_id
            ident = '%s:%s' % (names.get(source, source), name)
        else:
            ident = names.get(ident, ident)
        items[(key.kind, key.serial, ident,
               _canonical(record, names))] += 1
    return items


def only_remade_srdf_pairs(diff):
    """True when all a diff shows is SRDF pairs that were detached and
    made again between the same devices (what a revert does after a
    detach it cannot undo): a new relationship id and a new point in time
    in the R2's lineage, the same protection."""
    def pairs(entries):
        found = collections.Counter()
        for key, record in entries:
            fields = dict(record)
            if key.kind != sim_objects.KIND_RELATIONSHIP or \
                    fields.get('type') != 'srdf':
                return None
            found[(fields['source'], fields['target'])] += 1
        return found
    created, deleted = pairs(diff.created), pairs(diff.deleted)
    if created is None or deleted is None or created != deleted:
        return False
    for key, fields in diff.changed:
        if key.kind != sim_objects.KIND_DEVICE or set(fields) != {'lineage'}:
            return False
        old, new = fields['lineage']
        if _canonical(old, {}) != _canonical(new, {}):
            return False
    return bool(created)


def state_difference(expected, actual):
    """Readable lines of what differs between two normalized states."""
    missing = expected - actual
    extra = actual - expected
    lines = ['missing %s %s:%s %s' % item
             for item in sorted(missing, key=repr)]
    lines += ['unexpected %s %s:%s %s' % item
              for item in sorted(extra, key=repr)]
    return lines


# -- planning ----------------------------------------------------------------

class PlannedCall(object):
    """One SMI-S call of the clean run."""

    def __init__(self, record, owner, has_job):
        self.seq = record.seq
        self.operation = record.operation
        self.classname = record.classname
        self.is_method = record.operation.startswith('InvokeMethod:')
        self.has_job = has_job
        self.owner = owner

    def __str__(self):
        target = '' if self.is_method else ' %s' % self.classname
        return '#%d %s%s in %s' % (self.seq, self.operation, target,
                                   self.owner.name if self.owner else '?')


class Case(object):
    def __init__(self, kind, label, decorator=None, call=None, fault=None):
        self.kind = kind            # 'task' or 'call'
        self.label = label
        self.decorator = decorator
        self.call = call
        self.fault = fault


class CaseFailure(AssertionError):
    """A case whose outcome is not one of the documented end states."""


class ScenarioRun(object):
    """The cases of one scenario on one family (see the module doc)."""

    def __init__(self, test, scenario, family):
        self.test = test
        self.scenario = scenario
        self.family = family
        profile, options = scenario.profile(family)
        options = dict(options, **HARNESS_OPTIONS)
        self.arena = arena_mod.Arena(test, profile, options,
                                     scenario.backend_fixture)
        self.backend = self.arena.backend
        self.context = scenario.prepare(self.backend)
        self.arena.save()
        self.outcomes = collections.Counter()
        self.failures = []
        self.known = []
        self._record_clean_run()

    @property
    def title(self):
        return '%s on %s' % (self.scenario.name, self.family)

    # -- the clean run -------------------------------------------------------

    def _record_clean_run(self):
        arena = self.arena
        arena.ready()
        recorder = Recorder(lambda: arena.sim)
        arena.driver.flow_decorator = recorder
        try:
            result = self.scenario.act(self.backend, self.context)
        finally:
            arena.driver.flow_decorator = None
        self.scenario.check_done(self.test, self.backend, self.context,
                                 result)
        self.clean_state = normalized(arena.sim.snapshot())
        self.flows = recorder.flows
        self.flow_names = sorted(set(flow.name for flow in self.flows))
        if self.scenario.operation not in self.flow_names:
            raise CaseFailure('%s ran the flows %s, not %s' % (
                self.title, self.flow_names or 'none',
                self.scenario.operation))
        self.tasks = [task for flow in recorder.flows
                      for task in atoms(flow)]
        self.steps = [step for flow in recorder.flows
                      if isinstance(flow, linear_flow.Flow)
                      for step in failpoints.steps(flow)]
        classes = arena.sim.dispatcher.classes
        self.calls = []
        for record in arena.sim.calls.records:
            has_job = False
            if record.method:
                method = classes.method(record.classname, record.method)
                has_job = method is not None and \
                    'Job' in cim_params.output_names(method)
            self.calls.append(PlannedCall(record, recorder.owner(record.seq),
                                          has_job))

    # -- the plan ------------------------------------------------------------

    def selected_calls(self):
        """The calls to inject faults at: every one with the full matrix
        (the default); with ``VMAX_HARNESS_QUICK=1``, of the calls one task
        makes with one operation on one class (a call *site*: the polls of
        a job, a loop over group members), the first and the last -- the
        fault before anything of that kind was done and after all the
        others were, where a partial loop must be undone."""
        if FULL_MATRIX:
            return list(self.calls)
        sites = collections.OrderedDict()
        for call in self.calls:
            key = (call.owner.name if call.owner else None, call.operation,
                   call.classname)
            sites.setdefault(key, []).append(call)
        chosen = set()
        for calls in sites.values():
            chosen.update((calls[0].seq, calls[-1].seq))
        return [call for call in self.calls if call.seq in chosen]

    def cases(self, part=ALL_PARTS):
        """The cases of ``part``: ``tasks`` (task cases), ``array``
        (faults the array answers: CIM errors, return codes, jobs) or
        ``transport`` (lost connections and answers)."""
        found = []
        if part in (ALL_PARTS, TASKS):
            for task in self.tasks:
                found.append(Case('task', 'fail at start of %s' % task.name,
                                  decorator=fail_at_start(task.name)))
            # Failing after a step is failing at the start of the next
            # one, minus that one's revert (which must do nothing for a
            # change it never attempted -- the start cases check that):
            # by default only "after the last step" is a case of its own.
            for step in self.steps if FULL_MATRIX else self.steps[-1:]:
                found.append(Case('task', 'fail after %s' % step,
                                  decorator=fail_after(step)))
        kinds = [fault for fault in FAULT_KINDS
                 if part == ALL_PARTS or
                 (part == TRANSPORT) == fault.transport]
        if part == TASKS:
            kinds = []
        for call in self.selected_calls():
            for fault in kinds:
                if not FULL_MATRIX and fault.label in (
                        METHOD_EQUIVALENTS if call.is_method
                        else READ_EQUIVALENTS):
                    continue
                if fault.applies(call) and not (
                        fault.label == 'job_late_settled' and
                        not has_revert(call.owner)):
                    # (A task without a revert has no settling wait: the
                    # settled case would be the job_late case again.)
                    found.append(Case('call', '%s at call %s'
                                      % (fault.label, call), call=call,
                                      fault=fault))
        return found

    def counts(self, part=ALL_PARTS):
        counts = collections.Counter(case.kind for case in self.cases(part))
        return counts['task'], counts['call']

    # -- running -------------------------------------------------------------

    def run_all(self, part=ALL_PARTS):
        """Run every case of ``part``; return the Counter of outcomes.
        Cases whose end state is not a documented one are collected in
        ``failures`` (the rest still run)."""
        self.part = part
        for case in self.cases(part):
            issue = known_issues.known_issue(self.scenario.name, case.label)
            try:
                outcome = self.run(case)
            except AssertionError as exc:
                if issue is None:
                    self.failures.append('%s: %s: %s' % (
                        self.title, case.label, exc))
                    outcome = 'FAILED'
                else:
                    self.known.append('%s: %s: %s' % (self.title,
                                                      case.label, issue))
                    outcome = KNOWN_ISSUE
            else:
                if issue is not None:
                    self.failures.append(
                        '%s: %s: passes now; remove its entry from '
                        'tests/harness/known_issues.py (%s)'
                        % (self.title, case.label, issue))
            self.outcomes[outcome] += 1
        return self.outcomes

    def run(self, case):
        arena = self.arena
        arena.ready()
        before = arena.saved_state
        config = arena.config
        fault = case.fault
        if fault is not None:
            arena.sim.faults.add(fault.kind, at_call=case.call.seq,
                                 times=1, **fault.args(case.call.seq,
                                                       config))
        error = self._act(case.decorator)
        at_return = arena.sim.diff(before)
        if fault is not None:
            self._check_fault_fired(case)
            if fault.late:
                # Let the late job finish: its effect is part of the end
                # state to judge.
                arena.sim.advance(fault.args(case.call.seq, config)[
                    'seconds'] + config.job_interval)
        if error is None:
            self._check_done('no error although %s' % case.label)
            return SUCCEEDED
        message = self._check_error(case, error)
        if NOT_CLEANED in message:
            self._check_named(message, at_return)
            if fault.kind == 'job_stuck':
                # Once an operator ends the job, a retry must finish.
                self._check_retry_finishes(case)
            else:
                self._check_late_end_state(case, before)
            return STUCK
        if NOT_UNDOABLE in message:
            self._check_retry_finishes(case)
            return IRREVERSIBLE
        diff = arena.sim.diff(before)
        if not diff or only_remade_srdf_pairs(diff):
            self._expect('all changes were reverted' in message,
                         'message does not say all changes were '
                         'reverted: %s' % message)
            if case.kind == 'task':
                self._check_undo_is_clean(before)
            return REVERTED if not diff else REPAIRED
        late_allowed = fault is not None and fault.late and (
            fault.label == 'job_late' or not has_revert(case.call.owner))
        self._expect(late_allowed, 'the array changed after a failed call '
                     '(%s):\n%s' % (message, diff))
        self._check_late_end_state(case, before)
        return LATE

    def _act(self, decorator):
        self.arena.driver.flow_decorator = decorator
        try:
            self.last_result = self.scenario.act(self.backend, self.context)
        except Exception as exc:    # judged by the caller
            return exc
        finally:
            self.arena.driver.flow_decorator = None
        return None

    # -- checks --------------------------------------------------------------

    @staticmethod
    def _expect(condition, message):
        if not condition:
            raise CaseFailure(message)

    def _check_fault_fired(self, case):
        faulted = self.arena.sim.calls.faulted()
        self._expect(
            [(f.seq, f.operation) for f in faulted] ==
            [(case.call.seq, case.call.operation)],
            'the fault should act once, on call %s; it acted on %s'
            % (case.call, [str(f) for f in faulted]))

    def _check_error(self, case, error):
        operation = self.scenario.operation
        self._expect(isinstance(error, EXPECTED_ERROR),
                     'raised %s, not %s: %s' % (type(error).__name__,
                                                EXPECTED_ERROR.__name__,
                                                error))
        message = str(error)
        # Usually the operation's own flow; a driver call may run others
        # (a group's delete runs its volumes').
        prefixes = ['%s failed at step ' % name for name in self.flow_names]
        prefix = ([p for p in prefixes if p in message] or [None])[0]
        self._expect(prefix is not None, 'message does not name the failed '
                     'step of %s: %s' % (operation, message))
        step = message.split(prefix, 1)[1].split(':', 1)[0]
        names = [task.name for task in self.tasks]
        if case.kind == 'task':
            self._expect('injected failure' in message,
                         'message lacks the injected failure: %s' % message)
            self._expect(step in names or step.endswith('.injected_failure'),
                         'unknown step %s in: %s' % (step, message))
            self._expect(NOT_CLEANED not in message,
                         'revert left something behind: %s' % message)
            return message
        self._expect(step in names, 'step %s is not a task of the flow '
                     '(%s): %s' % (step, ', '.join(names), message))
        if not case.fault.ambiguous and not case.fault.late:
            self._expect(step == case.call.owner.name,
                         'message names step %s, but call %s was made by '
                         '%s: %s' % (step, case.call, case.call.owner.name,
                                     message))
        for text in case.fault.texts(case.call.seq):
            self._expect(text.lower() in message.lower(),
                         'message lacks %r: %s' % (text, message))
        self._expect(NOT_CLEANED not in message or
                     case.fault.kind in ('job_stuck', 'job_late'),
                     'revert left something behind: %s' % message)
        return message

    def _check_named(self, message, diff):
        """Revert was refused (a job still running on the array holds
        the storage group's change session): whatever is left must be
        named in the message."""
        left = message.split(NOT_CLEANED, 1)[1]
        for key in (diff.created_keys() + diff.changed_keys() +
                    diff.deleted_keys()):
            if key.kind in DERIVED_KINDS:
                continue
            self._expect(key.ident in left, 'left behind %s:%s, which the '
                         'message does not name: %s'
                         % (key.kind, key.ident, message))

    def _end_running_jobs(self):
        sim = self.arena.sim
        with sim.dispatcher.lock:
            for job in sim.estate.running_jobs():
                sim_ops.terminate_job(sim.estate, job.job_id)

    def _check_late_end_state(self, case, before):
        """After a job that finished when the driver had given up: the
        scenario's delete removes what it made (an empty default storage
        group may stay: the next create uses it), or -- for operations
        without an undo -- a retry finishes the operation."""
        if self.scenario.undo is None:
            self._check_retry_finishes(case)
        else:
            self._check_undo_is_clean(before, keep_default_group=True)

    def _check_done(self, why):
        try:
            self.scenario.check_done(self.test, self.backend, self.context,
                                     self.last_result)
        except AssertionError as exc:
            raise CaseFailure('%s, but the operation is not done: %s'
                              % (why, exc))
        difference = state_difference(
            self.clean_state, normalized(self.arena.sim.snapshot()))
        self._expect(not difference, '%s, but the array differs from a '
                     'clean run:\n%s' % (why, '\n'.join(difference)))

    def _check_retry_finishes(self, case):
        self.arena.sim.faults.clear()
        if case.fault is not None and case.fault.kind == 'job_stuck':
            # The stuck job holds its storage group until an operator
            # ends it; only then can a retry get through.
            self._end_running_jobs()
        error = self._act(None)
        self._expect(error is None, 'the retry after %s failed: %s'
                     % (case.label, error))
        self._check_done('retried after %s' % case.label)

    def _check_undo_is_clean(self, before, keep_default_group=False):
        if self.scenario.undo is None:
            return
        self.arena.sim.faults.clear()
        try:
            self.scenario.undo(self.backend, self.context)
        except Exception as exc:    # reported as the case's failure
            raise CaseFailure('the delete after the failed call failed: %s'
                              % exc)
        diff = self.arena.sim.diff(before)
        if keep_default_group:
            group = self.arena.driver.default_placement.get(
                'storage_group')
            if hasattr(self.scenario, 'default_group'):
                # The scenario's volume has a default group of its own
                # (a QoS type's: tests/harness/scenarios_qos.py).
                group = self.scenario.default_group(self.backend)
            harmless = all(key.kind == sim_objects.KIND_SG and
                           key.ident == group and
                           dict(record)['members'] == ()
                           for key, record in diff.created)
            if harmless and not diff.changed and not diff.deleted:
                return
        self._expect(not diff, 'the delete after the failed call left the '
                     'array changed:\n%s' % diff)

    # -- report --------------------------------------------------------------

    def summary(self):
        part = getattr(self, 'part', ALL_PARTS)
        tasks, calls = self.counts(part)
        outcomes = ', '.join('%d %s' % (n, name) for name, n in
                             sorted(self.outcomes.items()))
        return ('%-44s %-9s %4d task + %4d call = %4d cases (%s; %d SMI-S '
                'calls, array reset %d times)' % (
                    self.title, part, tasks, calls, tasks + calls, outcomes,
                    len(self.calls), self.arena.restores))


def scenario_runs():
    """(operation, scenario, family) for every registered operation."""
    from vmax_flows import registry
    for operation in registry.names():
        for scenario in scenarios_mod.for_operation(operation):
            for family in scenario.families:
                yield operation, scenario, family
