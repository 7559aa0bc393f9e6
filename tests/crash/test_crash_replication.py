"""Crash tests of the SRDF operations on the srdf-pair profile (see
tests.crash.harness): the recovery rebuilds each flow on the arrays it
ran on.  The distinct crash points (base.DISTINCT), a variant's own
(base.VARIANT)."""

from tests.crash import base


class CreateReplicatedVolumeCrashTest(base.DistinctCrashTestBase):
    OPERATION = 'create_replicated_volume'


class DeleteReplicatedVolumeCrashTest(base.DistinctCrashTestBase):
    OPERATION = 'delete_replicated_volume'


class ExtendReplicatedVolumeCrashTest(base.DistinctCrashTestBase):
    OPERATION = 'extend_replicated_volume'


class FailoverVolumeCrashTest(base.DistinctCrashTestBase):
    OPERATION = 'failover_volume'


class FailbackVolumeCrashTest(base.VariantCrashTestBase):
    OPERATION = 'failback_volume'
