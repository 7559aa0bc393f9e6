"""The failure-injection harness over every registered operation.

Three tests per (operation, scenario, array family) -- its task cases,
its array faults (CIM errors, return codes, jobs) and its transport
faults (lost connections and answers) -- generated from
``vmax_flows.registry`` when this module is imported, so an operation is
covered the moment it is registered, and one registered without a
scenario fails here, by name.  Each test prints how many cases it ran;
``test_plan`` prints the whole table and the total.  Every fault kind
goes to every SMI-S call of the clean run (the full matrix);
``VMAX_HARNESS_QUICK=1`` runs a smaller selection (see
:mod:`tests.harness.engine`) for a fast local loop.
"""

import collections
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
                                set(scenarios.PROFILES), scenario)


class HarnessPlanTest(HarnessTestCase):

    def test_plan(self):
        """Count the cases of every scenario (one clean run each) and
        print them with the total; the generated tests run exactly
        these."""
        totals = collections.Counter()
        operations = set()
        for operation, scenario, family in engine.scenario_runs():
            run = engine.ScenarioRun(self, scenario, family)
            tasks, calls = run.counts()
            self.assertGreater(tasks, 0, run.title)
            self.assertGreater(calls, 0, run.title)
            _report('plan %-48s %4d task + %4d call cases'
                    % (run.title, tasks, calls))
            totals['task'] += tasks
            totals['call'] += calls
            totals['scenario'] += 1
            operations.add(operation)
        self.assertEqual(set(registry.names()), operations)
        _report('plan total: %d cases (%d task, %d SMI-S call x fault) in '
                '%d scenarios over %d operations%s' % (
                    totals['task'] + totals['call'], totals['task'],
                    totals['call'], totals['scenario'], len(operations),
                    ' (full matrix)' if engine.FULL_MATRIX
                    else ' (quick selection, VMAX_HARNESS_QUICK=1)'))


class FailureInjectionTest(HarnessTestCase):
    """Generated: ``test_<operation>_<variant>_<family>_<part>``."""

    def check_scenario(self, operation, scenario, family, part):
        run = engine.ScenarioRun(self, scenario, family)
        outcomes = run.run_all(part)
        _report(run.summary())
        self.assertEqual(sum(run.counts(part)), sum(outcomes.values()))
        if run.failures:
            self.fail('%d of %d cases of %s (%s) ended outside the '
                      'documented end states:\n%s' % (
                          len(run.failures), sum(outcomes.values()),
                          run.title, part, '\n'.join(run.failures[:20])))
        # A part that never sees a failure reverted proves nothing.
        self.assertGreater(outcomes[engine.REVERTED] +
                           outcomes[engine.REPAIRED], 0, run.title)


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
                for part in engine.PARTS:
                    def test(self, operation=operation, scenario=scenario,
                             family=family, part=part):
                        self.check_scenario(operation, scenario, family,
                                            part)
                    setattr(FailureInjectionTest, _method_name(
                        operation, scenario.variant, family, part), test)


_generate()
