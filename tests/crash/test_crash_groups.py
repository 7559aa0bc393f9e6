"""Crash tests of the consistency-group operations (see
tests.crash.harness): the distinct crash points (base.DISTINCT)."""

from tests.crash import base


class CreateGroupCrashTest(base.DistinctCrashTestBase):
    OPERATION = 'create_group'


class DeleteGroupCrashTest(base.DistinctCrashTestBase):
    OPERATION = 'delete_group'


class UpdateGroupCrashTest(base.DistinctCrashTestBase):
    OPERATION = 'update_group'


class CreateVolumeInGroupCrashTest(base.DistinctCrashTestBase):
    OPERATION = 'create_volume_in_group'


class CreateGroupSnapshotCrashTest(base.DistinctCrashTestBase):
    OPERATION = 'create_group_snapshot'


class DeleteGroupSnapshotCrashTest(base.DistinctCrashTestBase):
    OPERATION = 'delete_group_snapshot'


class CreateGroupFromSrcCrashTest(base.DistinctCrashTestBase):
    OPERATION = 'create_group_from_src'
