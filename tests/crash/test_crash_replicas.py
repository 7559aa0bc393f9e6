"""Crash tests of the snapshot and clone operations (see
tests.crash.harness)."""

from tests.crash import base


class CreateSnapshotCrashTest(base.CrashTestBase):
    OPERATION = 'create_snapshot'


class DeleteSnapshotCrashTest(base.CrashTestBase):
    OPERATION = 'delete_snapshot'


class CreateClonedVolumeCrashTest(base.CrashTestBase):
    OPERATION = 'create_cloned_volume'


class CreateVolumeFromSnapshotCrashTest(base.CrashTestBase):
    OPERATION = 'create_volume_from_snapshot'
