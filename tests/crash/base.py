"""The crash test machinery shared by the per-operation test classes."""

import copy
import logging
import shutil
import tempfile

import fixtures
import testtools

from tests.crash import harness
from tests.crash import scenarios
from tests.crash import scenarios_attach
from tests.crash import scenarios_groups

# Fields that hold the (real) clock time an object was made at: a clean
# run and a crashed-and-recovered run cannot agree on them.
TIME_FIELDS = ('created_at', 'point_in_time')
# Crash points run per operation, by class (summed in the output).
COUNTS = {}
# Every operation's scenario, and the profile of those not on PROFILE.
SCENARIOS = dict(scenarios.SCENARIOS, **scenarios_groups.SCENARIOS,
                 **scenarios_attach.SCENARIOS)
PROFILES = dict(scenarios_groups.PROFILES)
# Crash point sets (CrashTestBase.POINTS):
# * EVERY: execute-start, execute-end and after of every task, revert-start
#   and revert-end of every task with a real revert;
# * DISTINCT: only the points that leave a different array and flow
#   state.  Recovery fails the task that was RUNNING, else the first
#   PENDING one, so crashing after a task is crashing at the start of the
#   next, and a task that changed nothing on the array in the clean run
#   (a lookup, a plan, a lock; no revert to speak of) adds no state of its
#   own.  So: for every task that changed the array, the start (its
#   revert must not undo what it did not do) and the end (it did it, its
#   result is lost) of its execute -- the points of later ones undo it
#   from its saved result -- and after the last of them when tasks that
#   change nothing follow (all undone from saved results); after the last
#   task; in revert the end of every revert that undoes a change (it
#   runs again at recovery, with the flow REVERTING).  A removal, which
#   recovery completes, has no execute starts (a task restarted from its
#   start runs as usual); an operation that changes nothing only the
#   start of its first task.
# * VARIANT, for an operation whose flow is another's with other inputs
#   (the snapshot attach / detach, migrate_volume = retype's tasks,
#   failback = failover's): that the recovery rebuilds and ends it right
#   after the crashes proper to it -- execute-end of every task that
#   changed the array, and after the last task.
EVERY = 'every'
DISTINCT = 'distinct'
VARIANT = 'variant'


def served(estate_dict):
    """A simulator with a copy of ``estate_dict`` on a real clock, copies
    fast, served over HTTP; returns ``(sim, server)``."""
    import vmax_sim
    from vmax_sim.model import clock as clock_mod
    from vmax_sim.model import objects
    estate = objects.Estate.from_dict(copy.deepcopy(estate_dict))
    estate.clock = clock_mod.Clock(manual=False)
    estate.last_tick = estate.clock.now()
    for array in estate.arrays.values():
        array.copy_rate_mib_per_s = 1.0e7
    sim = vmax_sim.Simulator(estate)
    return sim, sim.serve(port=0)


def _timeless(value):
    if isinstance(value, tuple):
        if value and all(isinstance(v, tuple) and len(v) == 2 and
                         isinstance(v[0], str) for v in value):
            return tuple((name, _timeless(v)) for name, v in value
                         if name not in TIME_FIELDS)
        return tuple(_timeless(v) for v in value)
    return value


def comparable(snapshot):
    """A capture as a plain dict without its time fields (at any depth,
    e.g. a device's lineage), relationships keyed by what they join."""
    return _by_identity({key: _timeless(record)
                         for key, record in snapshot.records.items()})


def _by_identity(records):
    # The simulator numbers relationships in creation order; an array
    # (and SMI-S, whose StorageSynchronized paths are the two elements)
    # knows a pair by its source and target, so a pair a revert made
    # again is the same pair.
    from vmax_sim.model import objects
    idents = {}
    out = {}
    for key, record in records.items():
        if key.kind != objects.KIND_RELATIONSHIP:
            continue
        fields = dict(record)
        idents[key.ident] = '%s %s>%s %s' % (
            fields.get('type'), fields.get('source'), fields.get('target'),
            fields.get('snapshot_name'))
        out[key._replace(ident=idents[key.ident])] = record
    for key, record in records.items():
        if key.kind == objects.KIND_RELATIONSHIP:
            continue
        if key.kind == objects.KIND_GROUP_RELATIONSHIP:
            fields = dict(record)
            members = tuple(sorted(idents.get(str(rel_id), str(rel_id))
                                   for rel_id in fields.get(
                                       'member_rel_ids') or ()))
            record = tuple((name, members if name == 'member_rel_ids'
                            else value) for name, value in record)
            key = key._replace(ident='%s>%s %s' % (
                fields.get('source_group'), fields.get('target_group'),
                fields.get('relationship_name')))
        out[key] = record
    return out


def describe_difference(expected, actual):
    lines = []
    for key in sorted(set(expected) | set(actual), key=str):
        if expected.get(key) != actual.get(key):
            lines.append('%s: %s -> %s'
                         % (key, expected.get(key), actual.get(key)))
    return '\n'.join(lines[:20])


def _has_revert(task):
    from taskflow import atom
    from taskflow import task as tf_task
    stock = (atom.Atom.revert, tf_task.Task.revert)
    return getattr(type(task).revert, '__wrapped__', type(task).revert) \
        not in stock


class Prepared(object):
    """An operation's starting array, clean-run result and crash points."""

    def __init__(self, operation):
        from tests import fixtures
        self.operation = operation
        self.profile = PROFILES.get(operation, harness.PROFILE)
        self.pristine = fixtures.simulator(self.profile).estate.to_dict()
        sim, server = served(self.pristine)
        work = tempfile.mkdtemp(prefix='vmax-crash-prep-')
        try:
            driver = harness.setup(harness.driver_for(
                server.port, work, connection='memory://',
                profile=self.profile))
            self.objects, self.known_before, self.known_after = \
                SCENARIOS[operation](driver, sim)
            self.estate = sim.estate.to_dict()
            self.orphans = {'before': _orphans(driver, self.known_before)}
            self.before = comparable(sim.snapshot())
        finally:
            server.stop()
        # The clean run: what "after" looks like, the task order, and
        # which tasks changed the array.
        sim, server = served(self.estate)
        try:
            driver = harness.setup(self.driver(server.port, work,
                                               connection='memory://'))
            flows = []
            self.changing = []

            def watch(op, flow):
                flows.append(flow)
                for node, _ in flow.iter_nodes():
                    _watch_changes(node, sim, self.changing)
                return flow
            driver.flow_decorator = watch
            harness.call(driver, operation, self.objects)
            self.after = comparable(sim.snapshot())
            self.orphans['after'] = _orphans(driver, self.known_after)
            # Crashing inside a revert TaskFlow's no-op stands for adds
            # nothing to the crash after that task: only real reverts.
            self.reverting = [node.name for node, _ in flows[0].iter_nodes()
                              if _has_revert(node)]
            self.tasks = [name for name, state, _, _ in
                          driver.last_outcome.timings]
        finally:
            server.stop()
            shutil.rmtree(work, ignore_errors=True)

    def driver(self, port, state_path, connection=None):
        """A driver (not set up) as the operation's service runs it."""
        return harness.driver_for(
            port, state_path, connection=connection, profile=self.profile,
            active_backend_id=self.objects.get('active_backend_id'))

    def points(self, kind=EVERY):
        """The operation's crash points (``<task>@<where>``) of a kind."""
        if kind == EVERY:
            return ['%s@%s' % (task, where) for task in self.tasks
                    for where in harness.EXECUTE_POINTS] + \
                ['%s@%s' % (task, where) for task in self.reverting
                 for where in harness.REVERT_POINTS]
        changing = [t for t in self.tasks if t in self.changing]
        if kind == VARIANT:
            return ['%s@execute-end' % task for task in changing] + \
                ['%s@after' % self.tasks[-1]]
        from vmax_flows import recovery
        # A removal is completed from where it stopped: a task restarted
        # from its start runs as it always does.
        starts = not recovery.removes(self.operation)
        found = []
        for task in changing:
            found += ['%s@execute-start' % task] if starts else []
            found.append('%s@execute-end' % task)
        if changing and changing[-1] != self.tasks[-1]:
            found.append('%s@after' % changing[-1])
        if not changing:
            # Nothing to undo or finish: that recovery rebuilds and ends it.
            return ['%s@execute-start' % self.tasks[0]]
        found.append('%s@after' % self.tasks[-1])
        return found + ['%s@revert-end' % task for task in self.reverting
                        if task in changing]

    def env(self, point):
        env = {harness.CRASH_ENV: point}
        if point.rpartition('@')[2] in harness.REVERT_POINTS:
            env[harness.FAIL_AFTER_ENV] = self.tasks[-1]
        return env


def _watch_changes(task, sim, changed):
    """Wrap ``task``'s execute to note (in ``changed``) whether the array
    differs after it from before it."""
    execute = task.execute

    def watched(*args, **kwargs):
        before = comparable(sim.snapshot())
        result = execute(*args, **kwargs)
        if comparable(sim.snapshot()) != before:
            changed.append(task.name)
        return result
    task.execute = watched


class CrashTestBase(testtools.TestCase):
    """Subclasses set ``OPERATION`` (and ``POINTS``, the crash point
    set); one test runs all its crash points (each in its own child
    process) and reports how many ran."""

    OPERATION = None
    POINTS = EVERY
    # False for the operations that change nothing on the array
    # (exports): every crash must leave it as it was.
    CHANGES_ARRAY = True
    # Crash points that end wrong because of a known bug: point -> the
    # bug.  They must still fail (the test says when one is fixed).
    KNOWN_ISSUES = {}

    def test_every_crash_point_ends_before_or_after(self):
        # The recoveries log at WARNING; shown only when the test fails.
        self.useFixture(fixtures.FakeLogger(level=logging.INFO))
        prepared = Prepared(self.OPERATION)
        if self.CHANGES_ARRAY:
            self.assertNotEqual(prepared.before, prepared.after,
                                'the clean run changed nothing')
        else:
            self.assertEqual(prepared.before, prepared.after)
        self.assertTrue(prepared.tasks)
        outcomes = {}
        points = prepared.points(self.POINTS)
        wrong = {}
        for point in points:
            try:
                outcomes[point] = self._check(prepared, point)
            except AssertionError as exc:
                outcomes[point] = 'wrong'
                wrong[point] = str(exc)
        # Every point runs, so one failure lists all the wrong ones.
        unexpected = sorted(set(wrong) - set(self.KNOWN_ISSUES))
        self.assertEqual([], unexpected, '\n\n'.join(
            '%s: %s' % (point, wrong[point]) for point in unexpected))
        fixed = sorted(set(self.KNOWN_ISSUES) - set(wrong))
        self.assertEqual([], fixed, 'known issues fixed: take them out of '
                                    'KNOWN_ISSUES')
        COUNTS[self.OPERATION] = len(outcomes)
        ends = sorted(set(outcomes.values()))
        print('crash points run for %s: %d (%s) over %d tasks, %d '
              'changing the array, %d with a revert (ended %s)'
              % (self.OPERATION, len(outcomes), self.POINTS,
                 len(prepared.tasks), len(prepared.changing),
                 len(prepared.reverting),
                 ', '.join('%s %d' % (end, list(outcomes.values()).count(
                     end)) for end in ends)))
        self.assertEqual(len(set(points)), len(outcomes))
        if self.POINTS == EVERY:
            self.assertEqual(3 * len(prepared.tasks) +
                             2 * len(prepared.reverting), len(outcomes))

    def _check(self, prepared, point):
        """Crash at ``point``, recover; the outcome when it is right."""
        outcome, recovered, orphans, unfinished = self._crash(prepared,
                                                              point)
        self.assertEqual([], orphans, '%s: orphans left' % point)
        self.assertEqual(0, unfinished, '%s: unfinished flows' % point)
        self.assertEqual(1, len(recovered), point)
        self.assertEqual('ok', recovered[0].outcome,
                         '%s: %s' % (point, recovered[0]))
        return outcome

    def _crash(self, prepared, point):
        sim, server = served(prepared.estate)
        state = tempfile.mkdtemp(prefix='vmax-crash-')
        self.addCleanup(shutil.rmtree, state, ignore_errors=True)
        try:
            code = harness.run_child(server.port, state, self.OPERATION,
                                     prepared.objects, prepared.env(point),
                                     profile=prepared.profile)
            self.assertEqual(harness.CRASH_EXIT, code,
                             '%s: the child did not reach its crash point '
                             '(exit %s)' % (point, code))
            # Restart: a new driver on the same state; do_setup recovers.
            driver = harness.setup(prepared.driver(server.port, state))
            now = comparable(sim.snapshot())
            if now == prepared.before:
                outcome = 'before'
            elif now == prepared.after:
                outcome = 'after'
            else:
                self.fail('%s: the array is neither as before nor as after '
                          '(%s); versus before:\n%s\nversus after:\n%s' % (
                              point, driver.recovered,
                              describe_difference(prepared.before, now),
                              describe_difference(prepared.after, now)))
            # The sweep reads only what the captures compare: on an array
            # exactly as before (after), it finds what it found there.
            orphans = prepared.orphans[outcome]
            unfinished = len(driver.flow_store.unfinished())
            recovered = driver.recovered
            driver.flow_store.close()
        finally:
            server.stop()
        return outcome, recovered, orphans, unfinished


def _orphans(driver, known):
    """What the orphan sweep finds on every array the driver manages
    (both of a replicated backend), ``known`` the ids Cinder knows."""
    from vmax_flows import sweep
    clients = [driver.client] if driver.replication is None else [
        driver.replication.primary.client,
        driver.replication.secondary.client]
    return [orphan for client in clients
            for orphan in sweep.find_orphans(client, known)]


class DistinctCrashTestBase(CrashTestBase):
    """A crash test of the distinct crash points only (see DISTINCT)."""

    POINTS = DISTINCT


class ReadOnlyCrashTestBase(DistinctCrashTestBase):
    """A crash test of an operation that changes nothing on the array."""

    CHANGES_ARRAY = False


class VariantCrashTestBase(CrashTestBase):
    """A crash test of a variant's own crash points (see VARIANT)."""

    POINTS = VARIANT
