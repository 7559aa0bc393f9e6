"""Every group operation made to fail after each of its steps
(``vmax_flows.failpoints`` through the driver's ``flow_decorator``): the
array is back where it was -- unless a step that cannot be undone already
ran, and then the error says what it did.

VMAX3 here; the VMAX2 flows get a failing job at each of their array
changes in tests/flows/test_cg_flows.py.
"""

from cinder import exception
import testtools

from tests.driver import test_replication_support as support
from vmax_flows import failpoints
from vmax_flows import registry

# Registered group and SRDF operations swept here and in
# test_replication_failpoints.py (they need groups or two arrays), each
# with the test that sweeps it; tests/harness/ sweeps every operation.
SWEPT_THERE = {
    'create_group': 'GroupFailpointsTest.test_create_group',
    'delete_group': 'GroupFailpointsTest.test_delete_group',
    'update_group': 'GroupFailpointsTest.test_update_group',
    'create_group_snapshot': 'GroupFailpointsTest.test_create_group_snapshot',
    'delete_group_snapshot': 'GroupFailpointsTest.test_delete_group_snapshot',
    'create_group_from_src':
        'GroupFailpointsTest.test_create_group_from_source_group',
    'create_volume_in_group':
        'GroupFailpointsTest.test_volume_created_in_group',
    'create_replicated_volume': 'ReplicationFailpointsTest.test_create',
    'delete_replicated_volume': 'ReplicationFailpointsTest.test_delete',
    'extend_replicated_volume': 'ReplicationFailpointsTest.test_extend',
    'failover_volume':
        'ReplicationFailpointsTest.test_failover_failing_at_each_step',
    'failback_volume':
        'ReplicationFailpointsTest.test_failback_failing_at_each_step',
}
# The flow modules of those operations.
GROUP_AND_SRDF_FLOWS = (
    'cg_common', 'create_group', 'delete_group', 'update_group',
    'create_group_snapshot', 'delete_group_snapshot',
    'create_group_from_src', 'create_volume_in_group',
    'create_replicated_volume', 'delete_replicated_volume',
    'extend_replicated_volume', 'failover_volume', 'failback_volume')


class Sweep(object):
    """Runs ``call(backend)`` once to learn the steps of ``operation``'s
    flow, then once per step with a failure injected after it.  A run
    that reverted everything leaves the backend as it was, so the next
    run uses it again; after a run that did something final the next
    one gets a fresh copy of the starting array."""

    def __init__(self, test, backend, operation, call):
        self.test = test
        self.backend = backend
        self.operation = operation
        self.call = call
        self.pristine = backend.sim.estate.to_dict()

    def _fresh(self):
        backend = self.test.useFixture(support.GroupBackend(
            self.backend.profile, options=self.backend.options,
            sim=support.simulator_from(self.pristine)))
        backend.group_types = self.backend.group_types
        backend.driver.group_type_spec = backend.group_type_spec
        return backend

    def _decorate(self, step=None, seen=None):
        def decorate(operation, flow):
            if operation != self.operation:
                return flow
            if seen is not None:
                seen.extend(failpoints.steps(flow))
                return flow
            return failpoints.with_failure_after(flow, step)
        return decorate

    def run(self):
        seen = []
        probe = self._fresh()
        probe.driver.flow_decorator = self._decorate(seen=seen)
        self.call(probe)
        self.test.assertTrue(seen, 'no %s flow ran' % self.operation)
        undoable = []
        backend = self.backend
        for step in seen:
            before = backend.sim.snapshot()
            backend.driver.flow_decorator = self._decorate(step)
            try:
                error = self.test.assertRaises(
                    exception.VolumeBackendAPIException, self.call, backend)
            finally:
                backend.driver.flow_decorator = None
            self.test.assertIn('injected failure after step %s' % step,
                               str(error))
            if 'not undoable' in str(error):
                undoable.append(step)
                backend = self._fresh()
                continue
            self.test.assertIn('all changes were reverted', str(error))
            self.test.assertEqual([], support.real_changes(backend.sim,
                                                           before), step)
        return seen, undoable


class CoverageTest(testtools.TestCase):

    def test_every_group_and_srdf_operation_is_swept(self):
        ours = sorted(
            name for name in registry.names()
            if registry.get(name).build.__module__.rsplit('.', 1)[-1]
            in GROUP_AND_SRDF_FLOWS)
        self.assertEqual(ours, sorted(SWEPT_THERE))
        from tests.driver import test_replication_failpoints
        for test in SWEPT_THERE.values():
            cls, method = test.split('.')
            module = test_replication_failpoints \
                if cls.startswith('Replication') else None
            owner = getattr(module, cls) if module else globals()[cls]
            self.assertTrue(callable(getattr(owner, method, None)), test)


class GroupFailpointsTest(testtools.TestCase):

    profile = 'vmax3-allflash'

    def setUp(self):
        super().setUp()
        self.useFixture(support.quiet_logs())
        self.backend = self.useFixture(support.GroupBackend(self.profile))
        self.driver = self.backend.driver
        self.group = self.backend.group()
        self.driver.create_group(None, self.group)
        self.volumes = []
        for _ in range(2):
            volume = self.backend.group_volume(self.group)
            support.apply(volume, self.driver.create_volume(volume))
            self.volumes.append(volume)
        self.backend.sim.advance(60)

    def sweep(self, operation, call):
        return Sweep(self, self.backend, operation, call).run()

    def snapshot(self, backend=None):
        backend = backend or self.backend
        group_snapshot = backend.group_snapshot(self.group)
        snapshots = backend.member_snapshots(group_snapshot, self.volumes)
        _, updates = backend.driver.create_group_snapshot(
            None, group_snapshot, snapshots)
        for snapshot, update in zip(snapshots, updates):
            support.apply(snapshot, update)
        backend.sim.advance(600)    # background copies finish first
        return group_snapshot, snapshots

    def test_create_group(self):
        group = self.backend.group()
        steps, undoable = self.sweep(
            'create_group', lambda b: b.driver.create_group(None, group))
        self.assertEqual((1, []), (len(steps), undoable))

    def test_volume_created_in_group(self):
        volume = self.backend.group_volume(self.group)
        steps, undoable = self.sweep(
            'create_volume_in_group',
            lambda b: b.driver.create_volume(volume))
        self.assertEqual([], undoable)
        self.assertIn('create_volume_in_group.add_to_replication_group',
                      steps)

    def test_update_group(self):
        loose = self.backend.create_volume(size=1)
        steps, undoable = self.sweep(
            'update_group', lambda b: b.driver.update_group(
                None, self.group, add_volumes=[loose],
                remove_volumes=[self.volumes[0]]))
        self.assertEqual([], undoable)
        self.assertEqual(5, len(steps))

    def test_create_group_snapshot(self):
        group_snapshot = self.backend.group_snapshot(self.group)
        snapshots = self.backend.member_snapshots(group_snapshot,
                                                  self.volumes)
        steps, undoable = self.sweep(
            'create_group_snapshot',
            lambda b: b.driver.create_group_snapshot(None, group_snapshot,
                                                     snapshots))
        self.assertEqual([], undoable)
        self.assertGreaterEqual(len(steps), 10)

    def test_create_group_from_group_snapshot(self):
        group_snapshot, snapshots = self.snapshot()
        new_group = self.backend.group()
        volumes = [self.backend.group_volume(new_group) for _ in snapshots]
        steps, undoable = self.sweep(
            'create_group_from_src',
            lambda b: b.driver.create_group_from_src(
                None, new_group, volumes, group_snapshot=group_snapshot,
                snapshots=snapshots))
        # Only the last step, which makes the copies independent, is
        # final; a failure after it is reported, not hidden.
        self.assertEqual([steps[-1]], undoable)
        self.assertTrue(steps[-1].endswith('finish_group_replica'))

    def test_create_group_from_source_group(self):
        new_group = self.backend.group()
        volumes = [self.backend.group_volume(new_group)
                   for _ in self.volumes]
        steps, undoable = self.sweep(
            'create_group_from_src',
            lambda b: b.driver.create_group_from_src(
                None, new_group, volumes, source_group=self.group,
                source_vols=self.volumes))
        self.assertEqual([steps[-1]], undoable)

    def test_delete_group_snapshot(self):
        group_snapshot, snapshots = self.snapshot()
        steps, undoable = self.sweep(
            'delete_group_snapshot',
            lambda b: b.driver.delete_group_snapshot(None, group_snapshot,
                                                     snapshots))
        # From the end of the group replica on, a retry finishes the job.
        first_final = steps.index(
            'delete_group_snapshot.end_group_replica')
        self.assertEqual(steps[first_final:], undoable)

    def test_delete_group(self):
        steps, undoable = self.sweep(
            'delete_group',
            lambda b: b.driver.delete_group(None, self.group, []))
        self.assertEqual(['delete_group.delete_replication_group'],
                         undoable)
        self.assertEqual(2, len(steps))
