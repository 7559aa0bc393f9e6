"""Recovery at do_setup of flows a dead process left unfinished.

The crash is made in-process here: the engine is stepped with
``run_iter`` and abandoned after a chosen task, leaving its state in the
store exactly as a killed process would (tests/crash kills real ones).
"""

import logging

import fixtures as fx
import taskflow.engines
from taskflow import states
import testtools

from tests import fixtures
from vmax_flows import recovery
from vmax_flows import registry


class RecoveryTest(testtools.TestCase):

    def setUp(self):
        super().setUp()
        self.state = self.useFixture(fx.TempDir()).path
        self.logger = self.useFixture(fx.FakeLogger(level=logging.INFO))
        self.backend = self.useFixture(fixtures.SimulatedBackend(
            'vmax3-allflash', options={'vmax_state_path': self.state}))
        self.addCleanup(self.backend.driver.flow_store.close)

    def _abandon(self, operation, request, after_task):
        """Run ``operation`` until ``after_task`` succeeded, then stop as
        a killed process would."""
        driver = self.backend.driver
        flow = registry.build(operation, driver.client, request)
        book, detail = driver.flow_store.begin(operation, request)
        engine = taskflow.engines.load(
            flow, store=request, engine='serial', defer_reverts=True,
            book=book, flow_detail=detail,
            backend=driver.flow_store.backend)
        done = []
        engine.atom_notifier.register(
            states.SUCCESS, lambda state, details: done.append(
                details['task_name']))
        for _ in engine.run_iter():
            if after_task in done:
                break
        self.assertIn(after_task, done)
        return detail

    def _restart(self):
        driver = self.backend.driver
        driver.flow_store.close()
        again = self.useFixture(fixtures.SimulatedBackend(
            'vmax3-allflash', sim=self.backend.sim,
            section=self.backend.section,
            options={'vmax_state_path': self.state}))
        self.addCleanup(again.driver.flow_store.close)
        return again.driver

    def _create_request(self, volume):
        driver = self.backend.driver
        return {'volume': driver._volume_item(volume),
                'placement': driver._placement(volume)}

    def test_interrupted_create_is_reverted(self):
        before = self.backend.sim.snapshot()
        volume = self.backend.volume(size=1)
        # (Stopping after the last task would let the engine finish.)
        self._abandon('create_volume', self._create_request(volume),
                      'create_volume.ensure_storage_group')
        self.assertTrue(self.backend.sim.diff(before))
        driver = self._restart()
        (line,) = driver.recovered
        self.assertEqual((recovery.REVERTED, 'ok'), (line.action,
                                                     line.outcome))
        self.assertEqual([volume.id], line.subjects)
        self.assertFalse(self.backend.sim.diff(before))
        self.assertEqual([], driver.flow_store.unfinished())
        (run,) = driver.flow_store.history(volume.id)
        self.assertEqual('REVERTED', run['state'])
        self.assertEqual(recovery.REVERTED, run['recovery']['action'])
        self.assertIn('Recovery: 1 unfinished operation(s) found: '
                      '1 reverted', self.logger.output)

    def test_clone_past_its_irreversible_step_is_completed(self):
        source = self.backend.create_volume(size=1)
        clone = self.backend.volume(size=2)
        driver = self.backend.driver
        request = {'volume': driver._volume_item(clone),
                   'source': driver._volume_item(source, located=True),
                   'size_gb': 2, 'placement': driver._placement(clone),
                   'source_placement': driver._placement(source)}
        self._abandon('create_cloned_volume', request,
                      'create_cloned_volume.finish_replica')
        (device,) = self.backend.devices_labelled(clone)
        self.assertEqual(1024 ** 3, device.size_bytes)
        driver = self._restart()
        (line,) = driver.recovered
        self.assertEqual(recovery.COMPLETED, line.action)
        self.assertIn('not undoable: dissolved pair', line.message)
        (device,) = self.backend.devices_labelled(clone)
        self.assertEqual(2 * 1024 ** 3, device.size_bytes)

    def test_interrupted_delete_is_completed(self):
        volume = self.backend.create_volume(size=1)
        request = {'volume': self.backend.driver._volume_item(
            volume, located=True),
            'placement': self.backend.driver._placement(volume)}
        first = registry.task_names('delete_volume', 'VMAX3',
                                    self.backend.driver.client, request)[0]
        self._abandon('delete_volume', request, first)
        driver = self._restart()
        self.assertEqual([recovery.COMPLETED],
                         [line.action for line in driver.recovered])
        self.assertEqual([], self.backend.devices_labelled(volume))

    def test_unknown_operation_is_reported_and_kept(self):
        store = self.backend.driver.flow_store
        _, detail = store.begin('no_such_operation', {'volume': {'id': 'v'}})
        detail.state = states.RUNNING
        store.record(detail)
        driver = self._restart()
        (line,) = driver.recovered
        self.assertEqual((recovery.NOT_REBUILT, 'error'),
                         (line.action, line.outcome))
        self.assertIn('no flow registered', line.message)
        self.assertEqual(1, len(driver.flow_store.unfinished()))

    def test_run_on_an_array_the_backend_does_not_manage_is_kept(self):
        # The driver records the serials of the arrays each run is on
        # (both of a replicated one) and rebuilds it on those.
        store = self.backend.driver.flow_store
        volume = self.backend.volume(size=1)
        _, detail = store.begin('create_volume',
                                self._create_request(volume),
                                {'arrays': ['000197899999']})
        detail.state = states.RUNNING
        store.record(detail)
        driver = self._restart()
        (line,) = driver.recovered
        self.assertEqual((recovery.NOT_REBUILT, 'error'),
                         (line.action, line.outcome))
        self.assertIn('array 000197899999 is not managed by backend',
                      line.message)
        self.assertEqual(1, len(driver.flow_store.unfinished()))

    def test_driver_runs_record_their_arrays(self):
        volume = self.backend.create_volume(size=1)
        (run,) = self.backend.driver.flow_store.flows()
        self.assertEqual([self.backend.serial], run.meta['arrays'])
        self.assertEqual([volume.id], run.meta['subjects'])

    def test_run_that_never_started_a_task(self):
        store = self.backend.driver.flow_store
        volume = self.backend.volume(size=1)
        store.begin('create_volume', self._create_request(volume))
        driver = self._restart()
        self.assertEqual([recovery.NOTHING_RAN],
                         [line.action for line in driver.recovered])
        self.assertEqual([], driver.flow_store.unfinished())

    def test_removes(self):
        self.assertEqual(
            [True, True, True, False, False],
            [recovery.removes(name) for name in (
                'delete_volume', 'unmanage', 'terminate_connection',
                'create_volume', 'extend_volume')])
