"""Run the whole failure-injection harness outside a test runner.

    python -m tests.harness [--quick] [OPERATION ...]

Prints one line per scenario, array family and part (cases run, their
outcomes, CPU seconds) and the totals; exits 1 when a case ended outside
the documented end states.  Every fault kind runs at every SMI-S call;
``--quick`` runs the smaller selection (as ``VMAX_HARNESS_QUICK=1``).
"""

import argparse
import collections
import logging
import sys
import time

import testtools


def main(argv=None):
    parser = argparse.ArgumentParser(prog='python -m tests.harness')
    parser.add_argument('--quick', action='store_true')
    parser.add_argument('operations', nargs='*')
    args = parser.parse_args(argv)
    # Quiet, but errors still reach handlers (scenarios read some).
    root = logging.getLogger()
    root.addHandler(logging.NullHandler())
    root.setLevel(logging.ERROR)
    from tests.harness import engine
    if args.quick:
        engine.FULL_MATRIX = False
    # Scenarios assert with a TestCase's methods and hold fixtures.
    holder = testtools.TestCase('run')
    totals = collections.Counter()
    failures = []
    started = time.monotonic()
    try:
        for operation, scenario, family in engine.scenario_runs():
            if args.operations and operation not in args.operations:
                continue
            for part in engine.PARTS:
                cpu = time.process_time()
                run = engine.ScenarioRun(holder, scenario, family)
                outcomes = run.run_all(part)
                print('%s  %5.1f s CPU' % (run.summary(),
                                           time.process_time() - cpu),
                      flush=True)
                totals.update(outcomes)
                failures.extend(run.failures)
            holder.doCleanups()
    finally:
        holder.doCleanups()
    print('total: %d cases (%s) in %.0f s' % (
        sum(totals.values()), ', '.join(
            '%d %s' % (n, name) for name, n in sorted(totals.items())),
        time.monotonic() - started))
    for failure in failures:
        print('FAILED %s' % failure)
    return 1 if failures else 0


if __name__ == '__main__':
    sys.exit(main())
