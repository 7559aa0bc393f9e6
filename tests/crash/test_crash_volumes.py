"""Crash tests of the volume operations (see tests.crash.harness)."""

from tests.crash import base


class CreateVolumeCrashTest(base.CrashTestBase):
    OPERATION = 'create_volume'


class DeleteVolumeCrashTest(base.CrashTestBase):
    OPERATION = 'delete_volume'


class ExtendVolumeCrashTest(base.CrashTestBase):
    OPERATION = 'extend_volume'
