"""Every registered operation has a crash test.

Every operation runs through the driver's ``_run_flow`` (or the attach
mixin's ``_run_masking``) with persistence and is recovered at
``do_setup``; a newly registered operation fails this test until it has
a scenario and a crash test class.
"""

import testtools

from tests.crash import base
from tests.crash import test_crash_attach
from tests.crash import test_crash_groups
from tests.crash import test_crash_manage
from tests.crash import test_crash_replicas
from tests.crash import test_crash_replication
from tests.crash import test_crash_volumes
from vmax_flows import registry

TEST_MODULES = (test_crash_volumes, test_crash_replicas, test_crash_groups,
                test_crash_replication, test_crash_manage,
                test_crash_attach)


class CoverageTest(testtools.TestCase):

    def test_every_registered_operation_has_a_crash_test(self):
        tested = set()
        for module in TEST_MODULES:
            for value in vars(module).values():
                if isinstance(value, type) and \
                        issubclass(value, base.CrashTestBase) and \
                        value.OPERATION:
                    tested.add(value.OPERATION)
        registered = set(registry.names())
        self.assertEqual([], sorted(registered - tested))
        self.assertEqual(sorted(tested), sorted(base.SCENARIOS))
        self.assertEqual(sorted(registered), sorted(tested))
        print('%d of %d registered operations crash-tested'
              % (len(tested), len(registered)))
        self.assertEqual(33, len(tested))
