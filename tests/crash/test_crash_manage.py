"""Crash tests of manage, unmanage, retype and migration (see
tests.crash.harness); the distinct crash points only (base.DISTINCT)."""

from tests.crash import base

# vmax_flows/tasks/retype.py: JoinGroup.revert removes the device from
# the joined group without checking it is still there, so a revert run
# again at recovery (it had finished when the process died) fails
# ("not in storage group") and reports the device left behind.
JOIN_REVERT = 'JoinGroup.revert is not idempotent'
# LeaveGroups.revert, failed with ProcessDied after the device left its
# groups (result not saved), does not put it back: the device stays in
# no storage group at all.
LEAVE_LOST = 'LeaveGroups.revert does not rejoin after a crash inside it'


def _move_issues(operation):
    return {'%s.join_group@revert-end' % operation: JOIN_REVERT,
            '%s.leave_groups@execute-end' % operation: LEAVE_LOST}


class ManageExistingCrashTest(base.DistinctCrashTestBase):
    OPERATION = 'manage_existing'
    KNOWN_ISSUES = {'manage_existing.join_group@revert-end': JOIN_REVERT}


class UnmanageCrashTest(base.DistinctCrashTestBase):
    OPERATION = 'unmanage'


class RetypeCrashTest(base.DistinctCrashTestBase):
    OPERATION = 'retype'
    KNOWN_ISSUES = _move_issues('retype')


class MigrateVolumeCrashTest(base.DistinctCrashTestBase):
    OPERATION = 'migrate_volume'
    KNOWN_ISSUES = _move_issues('migrate_volume')
