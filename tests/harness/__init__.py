"""The failure-injection harness, generic over the flow registry.

For every operation in :func:`vmax_flows.registry.operations` and every
array family it supports, a scenario (:mod:`tests.harness.scenarios`)
prepares the array through the real driver and names the driver call to
make.  The engine (:mod:`tests.harness.engine`) then runs that call once
cleanly, recording its SMI-S calls and the task each came from, and
replays it with

* every task of the flow failing as it starts, and failing right after
  it finished (``vmax_flows.failpoints``), and
* every fault kind the simulator offers at every one of those SMI-S
  calls (``sim.faults.add(kind, at_call=n)``),

checking each time the Cinder exception and its message, and the array
state against the state before (or the documented end state).  The
tests are in :mod:`tests.harness.test_failure_injection`; ``python -m
tests.harness`` runs the whole harness and prints a table of the cases.
"""
