"""Make a flow fail after a chosen step -- for failure-injection tests.

``with_failure_after(flow, step)`` returns a copy of a linear flow with a
task that raises :class:`InjectedFailure` right after ``step``; run it and
every step before the failure point must be reverted.  The driver applies
``driver.flow_decorator(operation, flow)`` (None by default) to every flow
it runs, which is where a harness plugs this in::

    driver.flow_decorator = lambda op, flow: failpoints.with_failure_after(
        flow, 'create_volume.create_device')
"""

from taskflow.patterns import linear_flow
from taskflow import task

from vmax_flows import exceptions


class InjectedFailure(exceptions.VmaxError):
    """The failure a failpoint raises."""


class FailHere(task.Task):

    def __init__(self, name, after):
        super().__init__(name=name)
        self.after = after

    def execute(self):
        raise InjectedFailure('injected failure after step %s' % self.after)


def steps(flow):
    """Names of a linear flow's steps, in run order."""
    return [node.name for node, _ in flow.iter_nodes()]


def with_failure_after(flow, step):
    """A linear flow like ``flow`` that fails right after ``step``."""
    if step not in steps(flow):
        raise KeyError('flow %s has no step %s (steps: %s)'
                       % (flow.name, step, ', '.join(steps(flow))))
    failing = linear_flow.Flow(flow.name)
    for node, _ in flow.iter_nodes():
        failing.add(node)
        if node.name == step:
            failing.add(FailHere('%s.injected_failure' % flow.name, step))
    return failing
