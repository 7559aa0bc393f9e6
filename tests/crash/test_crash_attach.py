"""Crash tests of attach, detach and the exports (see
tests.crash.harness): the distinct crash points (base.DISTINCT), a
variant's own (base.VARIANT)."""

from tests.crash import base


class InitializeConnectionCrashTest(base.DistinctCrashTestBase):
    OPERATION = 'initialize_connection'


class TerminateConnectionCrashTest(base.DistinctCrashTestBase):
    OPERATION = 'terminate_connection'


class InitializeConnectionSnapshotCrashTest(base.VariantCrashTestBase):
    OPERATION = 'initialize_connection_snapshot'


class TerminateConnectionSnapshotCrashTest(base.VariantCrashTestBase):
    OPERATION = 'terminate_connection_snapshot'


class CreateExportCrashTest(base.ReadOnlyCrashTestBase):
    OPERATION = 'create_export'


class EnsureExportCrashTest(base.ReadOnlyCrashTestBase):
    OPERATION = 'ensure_export'


class RemoveExportCrashTest(base.ReadOnlyCrashTestBase):
    OPERATION = 'remove_export'


class CheckForExportCrashTest(base.ReadOnlyCrashTestBase):
    OPERATION = 'check_for_export'


class CreateExportSnapshotCrashTest(base.ReadOnlyCrashTestBase):
    OPERATION = 'create_export_snapshot'


class RemoveExportSnapshotCrashTest(base.ReadOnlyCrashTestBase):
    OPERATION = 'remove_export_snapshot'
