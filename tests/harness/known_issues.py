"""Driver bugs the harness found that are not fixed yet (strict).

``KNOWN_ISSUES`` maps a scenario name (``operation[variant]``) to a list
of ``(case label pattern, what is wrong)``.  A matching case that still
ends outside the documented end states is counted as a known issue and
printed; one that now passes fails the test, so the entry is removed
with the fix.  Keep this list short: every entry is a bug report.
"""

import re


def _lost_answer(step, method='ModifyReplicaSynchronization'):
    """Cases where the array did ``method`` of ``step`` but its answer,
    or its job's, was lost."""
    return (r'((drop_connection_executed|hang_executed) at call #\d+ '
            r'InvokeMethod:%(method)s|(cim_error|drop_connection|'
            r'drop_connection_executed|hang|hang_executed) at call #\d+ '
            r'GetInstance SE_ConcreteJob) in %(step)s$'
            % {'method': method, 'step': re.escape(step)})


# Found and fixed so far: EndGroupReplica (tasks/cg.py) and SwitchSrdfPair
# (tasks/srdf.py) now confirm the array's state after a lost answer
# instead of reporting "all changes were reverted"; RemakeSrdfPair pairs
# the devices of an extend whose detach had finished late; the VMAX2 meta
# member (unbound, in no pool) is searched array-wide; DeleteDevice says
# it cannot be undone; RemoveFromStorageGroups waits for a late removal
# before putting the device back.
KNOWN_ISSUES = {}


def known_issue(scenario_name, case_label):
    """What is known to be wrong with this case, or None."""
    for pattern, what in KNOWN_ISSUES.get(scenario_name, ()):
        if re.match(pattern, case_label):
            return what
    return None
