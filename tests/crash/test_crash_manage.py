"""Crash tests of manage, unmanage, retype and migration (see
tests.crash.harness): the distinct crash points (base.DISTINCT), a
variant's own (base.VARIANT)."""

from tests.crash import base


class ManageExistingCrashTest(base.DistinctCrashTestBase):
    OPERATION = 'manage_existing'


class UnmanageCrashTest(base.DistinctCrashTestBase):
    OPERATION = 'unmanage'


class RetypeCrashTest(base.DistinctCrashTestBase):
    OPERATION = 'retype'


class MigrateVolumeCrashTest(base.VariantCrashTestBase):
    OPERATION = 'migrate_volume'
