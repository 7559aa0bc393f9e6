"""Every replicated-volume operation made to fail after each of its
steps (``vmax_flows.failpoints`` through the driver's ``flow_decorator``),
on the two arrays of the srdf-pair profile: both arrays are back where
they were, unless a step that cannot be undone already ran -- and then
the error says what it did.  A failover that fails for a volume reports
that volume ``failover-error`` and leaves its pair as it was.
"""

import testtools

from tests.driver import test_groups_failpoints as failpoints_support
from tests.driver import test_replication_support as support
from vmax_flows import failpoints
from vmax_flows import naming

TARGET = support.TARGET


class ReplicationFailpointsTest(testtools.TestCase):

    def setUp(self):
        super().setUp()
        self.useFixture(support.quiet_logs())
        self.backend = self.useFixture(support.GroupBackend(replicated=True))
        self.driver = self.backend.driver
        self.volume = self.replicated()
        support.apply(self.volume, self.driver.create_volume(self.volume))
        self.backend.sim.advance(600)     # the initial copy is complete

    def replicated(self, size=1):
        return self.backend.volume(size=size,
                                   extra_specs=support.REPLICATED)

    def sweep(self, operation, call):
        return failpoints_support.Sweep(self, self.backend, operation,
                                        call).run()

    def test_create(self):
        volume = self.replicated()
        steps, undoable = self.sweep(
            'create_replicated_volume',
            lambda b: b.driver.create_volume(volume))
        self.assertEqual([], undoable)
        self.assertEqual(
            ['check_not_failed_over', 'resolve_rdf_group',
             'ensure_storage_group', 'create_device',
             'ensure_remote_storage_group', 'create_remote_device',
             'create_srdf_pair'],
            [s.split('.', 1)[1] for s in steps])

    def test_create_clone(self):
        clone = self.replicated(size=2)
        steps, undoable = self.sweep(
            'create_replicated_volume',
            lambda b: b.driver.create_cloned_volume(clone, self.volume))
        # The clone's own copy is final once dissolved (and extended);
        # the R2 and the pair after it still revert.
        self.assertEqual(
            ['create_replicated_volume.finish_replica',
             'create_replicated_volume.extend_device'],
            [s for s in undoable if 'remote' not in s
             and 'srdf' not in s])

    def test_delete(self):
        steps, undoable = self.sweep(
            'delete_replicated_volume',
            lambda b: b.driver.delete_volume(self.volume))
        # Up to the suspended pair everything reverts (the same pair
        # resumes); from the detach on, the error says what was done.
        final = steps.index('delete_replicated_volume.detach_srdf_pair')
        self.assertEqual(steps[final:], undoable)
        self.assertEqual('delete_replicated_volume.suspend_srdf_pair',
                         steps[final - 1])

    def test_extend(self):
        steps, undoable = self.sweep(
            'extend_replicated_volume',
            lambda b: b.driver.extend_volume(self.volume, 2))
        # Once detached, the devices are paired again by the revert (a
        # new pair); grown devices stay grown.  Before that, everything
        # reverts exactly.
        self.assertEqual(
            ['extend_replicated_volume.detach_srdf_pair',
             'extend_replicated_volume.extend_remote_device',
             'extend_replicated_volume.extend_device',
             'extend_replicated_volume.remake_srdf_pair'], undoable)

    def test_failover_failing_at_each_step(self):
        seen = []

        def learn(operation, flow):
            seen.extend(failpoints.steps(flow))
            return flow
        probe = self.useFixture(support.GroupBackend(
            replicated=True, sim=support.simulator_from(
                self.backend.sim.estate.to_dict())))
        probe.driver.flow_decorator = learn
        probe.driver.failover_host(None, [self.volume])
        self.assertEqual(3, len(seen))
        for step in seen:
            before = self.backend.sim.snapshot()
            self.driver.flow_decorator = \
                lambda op, flow, step=step: \
                failpoints.with_failure_after(flow, step)
            _, updates, _ = self.driver.failover_host(None, [self.volume])
            self.driver.flow_decorator = None
            self.assertEqual({'replication_status': 'failover-error',
                              'status': 'error'}, updates[0]['updates'])
            if step.endswith('switch_srdf_pair'):
                # The switch itself happened; the volume is reported in
                # error and a failback (or repair) follows.
                self.assertTrue(self.backend.srdf_pairs()[0].failed_over)
                break
            self.assertEqual([], support.real_changes(self.backend.sim,
                                                      before), step)
            # The backend switched anyway (the others volumes went
            # over); come back for the next round.
            self.driver.failover_host(None, [], secondary_id='default')
        self.assertEqual(TARGET, naming.decode_provider_location(
            self.volume.replication_driver_data)['array'])

    def test_failback_failing_at_each_step(self):
        _, updates, _ = self.driver.failover_host(None, [self.volume])
        support.apply(self.volume, updates[0]['updates'])
        seen = []
        probe = self.useFixture(support.GroupBackend(
            replicated=True, active_backend_id=TARGET,
            sim=support.simulator_from(self.backend.sim.estate.to_dict())))
        probe.driver.flow_decorator = \
            lambda op, flow: seen.extend(failpoints.steps(flow)) or flow
        probe.driver.failover_host(None, [self.volume], 'default')
        self.assertEqual(3, len(seen))
        self.assertTrue(all(s.startswith('failback_volume.') for s in seen))
        for step in seen:
            before = self.backend.sim.snapshot()
            self.driver.flow_decorator = \
                lambda op, flow, step=step: \
                failpoints.with_failure_after(flow, step)
            _, updates, _ = self.driver.failover_host(None, [self.volume],
                                                      'default')
            self.driver.flow_decorator = None
            self.assertEqual({'replication_status': 'failover-error',
                              'status': 'error'}, updates[0]['updates'])
            if step.endswith('switch_srdf_pair'):
                self.assertFalse(self.backend.srdf_pairs()[0].failed_over)
                break
            self.assertEqual([], support.real_changes(self.backend.sim,
                                                      before), step)
            # The service failed back anyway; go over again (the pair is
            # still failed over, so nothing changes on the array).
            self.driver.failover_host(None, [])
        # The volume's record still names the R2: it is in error, and
        # Cinder lets an operator fix it; the pair itself failed back.
        self.assertEqual(TARGET, naming.decode_provider_location(
            self.volume.provider_location)['array'])
