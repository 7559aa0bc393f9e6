"""Flow persistence: the SQLite backend, the run records, the history."""

import io
import json
import os
import sqlite3
import time

import fixtures as fx
import testtools

from tests import fixtures
from vmax_flows import cli
from vmax_flows import config
from vmax_flows import exceptions
from vmax_flows import persistence


class SqliteBackendTest(testtools.TestCase):

    def setUp(self):
        super().setUp()
        self.path = self.useFixture(fx.TempDir()).path

    def test_runs_survive_a_new_backend_and_are_in_one_wal_file(self):
        store = persistence.FlowStore.open('host-a', state_path=self.path)
        _, detail = store.begin('create_volume',
                                {'volume': {'id': 'v1', 'name_id': 'n1'}})
        store.close()
        again = persistence.FlowStore.open('host-a', state_path=self.path)
        self.addCleanup(again.close)
        (found,) = again.flows()
        self.assertEqual(detail.uuid, found.uuid)
        self.assertEqual('create_volume', found.meta['operation'])
        self.assertEqual({'volume': {'id': 'v1', 'name_id': 'n1'}},
                         found.meta['request'])
        self.assertEqual(['v1', 'n1'], found.meta['subjects'])
        db = sqlite3.connect(os.path.join(self.path,
                                          persistence.STATE_FILE))
        self.addCleanup(db.close)
        self.assertEqual('wal', db.execute('PRAGMA journal_mode')
                         .fetchone()[0])

    def test_owners_do_not_see_each_others_runs(self):
        one = persistence.FlowStore.open('host-a', state_path=self.path)
        two = persistence.FlowStore(one.backend, 'host-b')
        self.addCleanup(one.close)
        one.begin('create_volume', {'volume': {'id': 'v1'}})
        two.begin('delete_volume', {'volume': {'id': 'v2'}})
        self.assertEqual(['create_volume'],
                         [d.meta['operation'] for d in one.flows()])
        self.assertEqual(['delete_volume'],
                         [d.meta['operation'] for d in two.flows()])
        every = persistence.history(one.backend)
        self.assertEqual(['host-a', 'host-b'],
                         sorted(run['owner'] for run in every))

    def test_forget_finished_keeps_unfinished_runs(self):
        store = persistence.FlowStore.open('host-a', state_path=self.path)
        self.addCleanup(store.close)
        _, done = store.begin('create_volume', {'volume': {'id': 'v1'}})
        done.state = 'SUCCESS'
        store.end(done, [('create_volume.create_device', 'SUCCESS', 0.5,
                          3)])
        store.begin('create_volume', {'volume': {'id': 'v2'}})
        self.assertEqual(1, store.forget_finished('9999'))
        (left,) = store.flows()
        self.assertEqual(['v2'], left.meta['subjects'])
        self.assertEqual(1, len(store.unfinished()))

    def test_write_costs_well_under_a_millisecond(self):
        store = persistence.FlowStore.open('host-a', state_path=self.path)
        self.addCleanup(store.close)
        _, detail = store.begin('create_volume', {'volume': {'id': 'v1'}})
        started = time.perf_counter()
        for number in range(200):
            store.record(detail, counter=number)
        per_write = (time.perf_counter() - started) / 200
        # TaskFlow's SQLAlchemy backend: about 5 ms per write.
        self.assertLess(per_write, 0.002)
        self.assertEqual(199, store.flows()[0].meta['counter'])


class ForBackendTest(testtools.TestCase):

    def _config(self, **values):
        return config.BackendConfig(provider_host='h', **values)

    def test_nothing_configured_means_memory_only(self):
        self.assertIsNone(persistence.for_backend(self._config()))

    def test_unusable_state_path_names_the_option(self):
        blocker = os.path.join(self.useFixture(fx.TempDir()).path, 'file')
        with open(blocker, 'w') as handle:
            handle.write('not a directory')
        error = self.assertRaises(
            exceptions.InvalidSetting, persistence.for_backend,
            self._config(state_path=os.path.join(blocker, 'vmax')))
        self.assertEqual('vmax_state_path', error.setting)

    def test_bad_url_never_shows_its_password(self):
        error = self.assertRaises(
            exceptions.InvalidSetting, persistence.for_backend,
            self._config(flow_persistence_connection='nosuchdb://u:pw@h/x'))
        self.assertEqual('vmax_flow_persistence_connection', error.setting)
        self.assertNotIn('pw', str(error))

    def test_url_selects_taskflow_backend(self):
        store = persistence.for_backend(self._config(
            flow_persistence_connection='memory://'), owner='h1')
        store.begin('create_volume', {'volume': {'id': 'v1'}})
        self.assertEqual(1, len(store.history('v1')))
        self.assertNotIsInstance(store.backend, persistence.SqliteBackend)


class DriverHistoryTest(testtools.TestCase):
    """The driver records every run; ``vmax-flows history`` shows them."""

    def setUp(self):
        super().setUp()
        self.state = self.useFixture(fx.TempDir()).path
        self.backend = self.useFixture(fixtures.SimulatedBackend(
            'vmax3-allflash', options={'vmax_state_path': self.state}))
        self.addCleanup(self.backend.driver.flow_store.close)

    def test_runs_with_tasks_states_and_durations(self):
        volume = self.backend.create_volume(size=1)
        self.backend.create_snapshot(volume)
        runs = self.backend.driver.flow_store.history(volume.id)
        self.assertEqual(['create_volume', 'create_snapshot'],
                         [run['operation'] for run in runs])
        tasks = runs[0]['tasks']
        self.assertEqual(['create_volume.ensure_storage_group',
                          'create_volume.create_device'],
                         [t['task'] for t in tasks])
        self.assertEqual(['SUCCESS', 'SUCCESS'], [t['state'] for t in tasks])
        self.assertTrue(all(t['seconds'] > 0 for t in tasks))
        self.assertGreater(sum(t['calls'] for t in tasks), 0)
        self.assertEqual([], self.backend.driver.flow_store.unfinished())

    def test_failed_and_reverted_run_shown_by_the_cli(self):
        from vmax_flows import failpoints
        volume = self.backend.volume(size=1)
        self.backend.driver.flow_decorator = lambda op, flow: \
            failpoints.with_failure_after(flow, 'create_volume.create_device')
        from cinder import exception
        self.assertRaises(exception.VolumeBackendAPIException,
                          self.backend.driver.create_volume, volume)
        out, err = io.StringIO(), io.StringIO()
        code = cli.main(['history', volume.id, '--state-path', self.state],
                        out=out, err=err)
        self.assertEqual(0, code, err.getvalue())
        text = out.getvalue()
        self.assertIn('create_volume  REVERTED', text)
        self.assertRegex(text, r'create_volume.create_device\s+REVERTED '
                               r'\(reverted\)\s+\d+\.\d{3} s')
        self.assertIn('failed: injected failure after step '
                      'create_volume.create_device', text)
        self.assertIn('error: create_volume failed at step', text)
        out = io.StringIO()
        cli.main(['history', volume.id, '--state-path', self.state,
                  '--json'], out=out, err=err)
        (run,) = json.loads(out.getvalue())
        self.assertEqual('REVERTED', run['state'])
        self.assertEqual(self.backend.driver.host, run['owner'])

    def test_cli_without_state_fails_clearly(self):
        out, err = io.StringIO(), io.StringIO()
        code = cli.main(['history', 'x', '--state-path',
                         os.path.join(self.state, 'nowhere')], out=out,
                        err=err)
        self.assertEqual(cli.EXIT_FAILED, code)
        self.assertIn('no flow state at', err.getvalue())


class HistoryRetentionTest(testtools.TestCase):

    def test_recovery_forgets_runs_older_than_the_retention(self):
        from vmax_flows import recovery
        store = persistence.FlowStore.open(
            'host-a', state_path=self.useFixture(fx.TempDir()).path)
        self.addCleanup(store.close)
        _, old = store.begin('create_volume', {'volume': {'id': 'old'}})
        old.state = 'SUCCESS'
        store.record(old, ended_at='2000-01-01T00:00:00+00:00')
        _, new = store.begin('create_volume', {'volume': {'id': 'new'}})
        new.state = 'SUCCESS'
        store.end(new, [])
        self.assertEqual([], recovery.recover(store, rebuild=None))
        self.assertEqual([['new']], [run['subjects']
                                     for run in store.history()])
