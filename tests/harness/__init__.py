"""The failure-injection harness, generic over the flow registry.

For every operation in :func:`vmax_flows.registry.operations` and every
array family it supports, a scenario (:mod:`tests.harness.scenarios` and
the ``scenarios_*`` modules it gathers) prepares the array through the
real driver and names the driver call to make.  The engine
(:mod:`tests.harness.engine`) runs that call once cleanly, recording its
SMI-S calls and the task each came from, then replays it with

* every task of the flow failing as it starts, and a failure after its
  last step (``vmax_flows.failpoints``), and
* the simulator's fault kinds at its SMI-S calls
  (``sim.faults.add(kind, at_call=n)``),

and judges each case's Cinder exception, message and array state against
the documented end states.  :mod:`tests.harness.arena` keeps one driver
per scenario and swaps the simulated array under it between cases;
:mod:`tests.harness.known_issues` lists driver bugs found and not yet
fixed (none at the moment).

The tests are in :mod:`tests.harness.test_failure_injection` (three per
scenario and family: task cases, array faults, transport faults);
``python -m tests.harness [--quick] [OPERATION ...]`` runs the harness
outside a test runner and prints a table of the cases.  Every fault kind
runs at every SMI-S call (the full matrix, as CI runs it);
``VMAX_HARNESS_QUICK=1`` (or ``--quick``) runs a smaller selection for a
fast local loop.
"""
