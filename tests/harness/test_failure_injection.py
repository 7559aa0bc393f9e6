"""The failure-injection harness over every registered operation.

One test per (operation, scenario, array family), generated from
``vmax_flows.registry`` when this module is imported, so an operation is
covered the moment it is registered -- and one registered without a
scenario fails here, by name.  Each test runs every task case and every
(SMI-S call x fault kind) case of :mod:`tests.harness.engine` and prints
how many ran; ``test_plan`` prints the whole table and the total.
"""

import logging
import re
import sys

import fixtures
import testtools

from tests.harness import engine
from tests.harness import scenarios
from vmax_flows import registry


def _report(line):
    # Shown in the test output (stestr passes non-subunit lines through).
    sys.stdout.write('harness: %s\n' % line)
    sys.stdout.flush()


class HarnessTestCase(testtools.TestCase):

    def setUp(self):
        super().setUp()
        # Thousands of deliberate failures log warnings; keep errors only
        # (a revert that left something behind logs one).
        self.useFixture(fixtures.FakeLogger(level=logging.ERROR))


class RegistryCoverageTest(testtools.TestCase):

    def test_every_registered_operation_has_a_scenario(self):
        missing = [name for name in registry.names()
                   if name not in scenarios.SCENARIOS]
        self.assertEqual([], missing, 'registered operations without a '
                         'scenario in tests/harness/scenarios.py')

    def test_every_scenario_runs_on_a_known_family(self):
        for name, found in scenarios.SCENARIOS.items():
            for scenario in found:
                self.assertEqual(name, scenario.operation)
                self.assertTrue(set(scenario.families) <=
                                set(engine.PROFILES), scenario)


class HarnessPlanTest(HarnessTestCase):

    def test_plan(self):
        """Count the cases of every scenario (one clean run each) and
        print them with the total; the generated tests run exactly
        these."""
        total_tasks = total_calls = 0
        operations = set()
        for operation, scenario, family in engine.scenario_runs():
            run = engine.ScenarioRun(self, scenario, family)
            tasks, calls = run.counts()
            self.assertGreater(tasks, 0, run.title)
            self.assertGreater(calls, 0, run.title)
            _report('plan %-48s %4d task + %4d call cases'
                    % (run.title, tasks, calls))
            total_tasks += tasks
            total_calls += calls
            operations.add(operation)
        self.assertEqual(set(registry.names()), operations)
        _report('plan total: %d cases (%d task, %d SMI-S call x fault) '
                'over %d operations' % (total_tasks + total_calls,
                                        total_tasks, total_calls,
                                        len(operations)))


class FailureInjectionTest(HarnessTestCase):
    """Generated: ``test_<operation>_<variant>_<family>``."""

    def check_scenario(self, operation, scenario, family):
        run = engine.ScenarioRun(self, scenario, family)
        outcomes = run.run_all()
        _report(run.summary())
        self.assertEqual(sum(run.counts()), sum(outcomes.values()))
        if run.failures:
            self.fail('%d of %d cases of %s ended outside the documented '
                      'end states:\n%s' % (
                          len(run.failures), sum(outcomes.values()),
                          run.title, '\n'.join(run.failures[:20])))
        # A harness that never sees a revert or a failure proves nothing.
        self.assertGreater(outcomes[engine.REVERTED], 0, run.title)


def _method_name(*parts):
    return 'test_' + '_'.join(re.sub(r'\W+', '_', part).strip('_')
                              for part in parts)


def _missing_scenario(operation):
    def test(self):
        scenarios.for_operation(operation)     # raises, naming it
    return test


def _generate():
    for operation in registry.names():
        found = scenarios.SCENARIOS.get(operation)
        if not found:
            setattr(FailureInjectionTest,
                    _method_name(operation, 'has_no_scenario'),
                    _missing_scenario(operation))
            continue
        for scenario in found:
            for family in scenario.families:
                def test(self, operation=operation, scenario=scenario,
                         family=family):
                    self.check_scenario(operation, scenario, family)
                setattr(FailureInjectionTest,
                        _method_name(operation, scenario.variant, family),
                        test)


_generate()
