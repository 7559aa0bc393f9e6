"""The crash test machinery shared by the per-operation test classes."""

import copy
import logging
import shutil
import tempfile

import fixtures
import testtools

from tests.crash import harness
from tests.crash import scenarios

# Fields that hold the (real) clock time an object was made at: a clean
# run and a crashed-and-recovered run cannot agree on them.
TIME_FIELDS = ('created_at', 'point_in_time')
# Crash points run per operation, by class (summed in the output).
COUNTS = {}


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
    e.g. a device's lineage)."""
    return {key: _timeless(record)
            for key, record in snapshot.records.items()}


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
        self.pristine = fixtures.simulator(harness.PROFILE).estate.to_dict()
        sim, server = served(self.pristine)
        work = tempfile.mkdtemp(prefix='vmax-crash-prep-')
        try:
            driver = harness.setup(harness.driver_for(
                server.port, work, connection='memory://'))
            self.objects, self.known_before, self.known_after = \
                scenarios.SCENARIOS[operation](driver)
            self.estate = sim.estate.to_dict()
            self.before = comparable(sim.snapshot())
        finally:
            server.stop()
        # The clean run: what "after" looks like, and the task order.
        sim, server = served(self.estate)
        try:
            driver = harness.setup(harness.driver_for(
                server.port, work, connection='memory://'))
            flows = []
            driver.flow_decorator = lambda op, flow: flows.append(flow) \
                or flow
            harness.call(driver, operation, self.objects)
            self.after = comparable(sim.snapshot())
            # Crashing inside a revert TaskFlow's no-op stands for adds
            # nothing to the crash after that task: only real reverts.
            self.reverting = [node.name for node, _ in flows[0].iter_nodes()
                              if _has_revert(node)]
            self.tasks = [name for name, state, _, _ in
                          driver.last_outcome.timings]
        finally:
            server.stop()
            shutil.rmtree(work, ignore_errors=True)

    def points(self):
        """Every crash point of the operation: ``(crash_at, env)``."""
        found = []
        for task in self.tasks:
            for where in harness.EXECUTE_POINTS:
                found.append('%s@%s' % (task, where))
        for task in self.reverting:
            for where in harness.REVERT_POINTS:
                found.append('%s@%s' % (task, where))
        return found

    def env(self, point):
        env = {harness.CRASH_ENV: point}
        if point.rpartition('@')[2] in harness.REVERT_POINTS:
            env[harness.FAIL_AFTER_ENV] = self.tasks[-1]
        return env


class CrashTestBase(testtools.TestCase):
    """Subclasses set ``OPERATION``; one test runs all its crash points
    (each in its own child process) and reports how many ran."""

    OPERATION = None

    def test_every_crash_point_ends_before_or_after(self):
        # The recoveries log at WARNING; shown only when the test fails.
        self.useFixture(fixtures.FakeLogger(level=logging.INFO))
        prepared = Prepared(self.OPERATION)
        self.assertNotEqual(prepared.before, prepared.after,
                            'the clean run changed nothing')
        self.assertTrue(prepared.tasks)
        outcomes = {}
        for point in prepared.points():
            outcome, recovered, orphans, unfinished = self._crash(
                prepared, point)
            outcomes[point] = outcome
            self.assertEqual([], orphans, '%s: orphans left' % point)
            self.assertEqual(0, unfinished, '%s: unfinished flows' % point)
            self.assertEqual(1, len(recovered), point)
            self.assertEqual('ok', recovered[0].outcome,
                             '%s: %s' % (point, recovered[0]))
        COUNTS[self.OPERATION] = len(outcomes)
        ends = sorted(set(outcomes.values()))
        print('crash points run for %s: %d over %d tasks, %d with a '
              'revert (ended %s)'
              % (self.OPERATION, len(outcomes), len(prepared.tasks),
                 len(prepared.reverting),
                 ', '.join('%s %d' % (end, list(outcomes.values()).count(
                     end)) for end in ends)))
        self.assertEqual(3 * len(prepared.tasks) +
                         2 * len(prepared.reverting), len(outcomes))

    def _crash(self, prepared, point):
        from vmax_flows import sweep
        sim, server = served(prepared.estate)
        state = tempfile.mkdtemp(prefix='vmax-crash-')
        self.addCleanup(shutil.rmtree, state, ignore_errors=True)
        try:
            code = harness.run_child(server.port, state, self.OPERATION,
                                     prepared.objects, prepared.env(point))
            self.assertEqual(harness.CRASH_EXIT, code,
                             '%s: the child did not reach its crash point '
                             '(exit %s)' % (point, code))
            # Restart: a new driver on the same state; do_setup recovers.
            driver = harness.setup(harness.driver_for(server.port, state))
            now = comparable(sim.snapshot())
            if now == prepared.before:
                outcome, known = 'before', prepared.known_before
            elif now == prepared.after:
                outcome, known = 'after', prepared.known_after
            else:
                self.fail('%s: the array is neither as before nor as after '
                          '(%s); versus before:\n%s\nversus after:\n%s' % (
                              point, driver.recovered,
                              describe_difference(prepared.before, now),
                              describe_difference(prepared.after, now)))
            orphans = sweep.find_orphans(driver.client, known)
            unfinished = len(driver.flow_store.unfinished())
            recovered = driver.recovered
            driver.flow_store.close()
        finally:
            server.stop()
        return outcome, recovered, orphans, unfinished
