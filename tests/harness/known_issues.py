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


# EndGroupReplica (vmax_flows/tasks/cg.py) does not check the array after
# an ambiguous failure: when the answer of ModifyReplicaSynchronization
# (or of its job) is lost, the group replica and its snapshots are gone
# but the error says "all changes were reverted".  It needs the
# base.confirmed(...) check the other irreversible tasks have.
_END_GROUP_REPLICA = (
    _lost_answer('delete_group_snapshot.end_group_replica'),
    'EndGroupReplica reports "all changes were reverted" after a lost '
    'answer although the array ended the group replica')

# SwitchSrdfPair (vmax_flows/tasks/srdf.py), same gap: after a lost
# answer the pair is failed over (or back) on the array, but the volume
# is reported failover-error and the message says "all changes were
# reverted".  Confirming the pair's state would make it a success.
_SWITCH = (
    _lost_answer('failover_volume.switch_srdf_pair'),
    'SwitchSrdfPair reports failover-error and "all changes were '
    'reverted" after a lost answer although the pair was switched')
_SWITCH_BACK = (
    _lost_answer('failback_volume.switch_srdf_pair'), _SWITCH[1])

# extend_replicated_volume (vmax_flows/tasks/srdf.py): when the detach of
# the SRDF pair finishes on the array after the driver gave up, the retry
# of the extend finds no pair, grows both devices and never pairs them
# again: the volume silently loses its replication.
_EXTEND_UNPAIRED = (
    r'job_late at call #\d+ InvokeMethod:ModifyReplicaSynchronization in '
    r'extend_replicated_volume\.detach_srdf_pair$',
    'a retried extend_replicated_volume leaves R1 and R2 unpaired when '
    'the detach finished late')

KNOWN_ISSUES = {
    'delete_group_snapshot[default]': [_END_GROUP_REPLICA],
    'extend_replicated_volume[default]': [_EXTEND_UNPAIRED],
    'failover_volume[default]': [_SWITCH],
    'failback_volume[default]': [_SWITCH_BACK],
}


def known_issue(scenario_name, case_label):
    """What is known to be wrong with this case, or None."""
    for pattern, what in KNOWN_ISSUES.get(scenario_name, ()):
        if re.match(pattern, case_label):
            return what
    return None
