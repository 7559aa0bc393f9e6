"""``vmax-sim``: profiles, summary, and serve as a separate process."""

import io
import json
import os
import signal
import time

import fixtures
import pywbem
import testtools

from tests.sim import test_wire_support as support
from vmax_sim import cli


def _run_cli(*args):
    """Run ``vmax-sim`` in this process; returns (exit code, out, err)."""
    out, err = io.StringIO(), io.StringIO()
    code = 0
    with fixtures.MonkeyPatch('sys.stdout', out), \
            fixtures.MonkeyPatch('sys.stderr', err):
        try:
            code = cli.main(list(args))
        except SystemExit as exc:
            code = exc.code
    return code, out.getvalue(), err.getvalue()


class ProfilesAndSummaryTest(testtools.TestCase):

    def test_profiles_lists_the_shipped_profiles(self):
        code, out, _ = _run_cli('profiles')
        self.assertEqual(0, code)
        names = [line.split()[0] for line in out.splitlines()]
        self.assertIn('vmax3-allflash', names)
        self.assertIn('vmax2', names)
        line = [entry for entry in out.splitlines()
                if entry.startswith('vmax3-allflash ')][0]
        self.assertIn('VMAX 250F', line)

    def test_summary_of_a_profile(self):
        code, out, _ = _run_cli('summary', '--profile', support.PROFILE)
        self.assertEqual(0, code)
        self.assertIn('Array %s' % support.SERIAL, out)
        self.assertIn('SRP_1', out)

    def test_summary_of_a_state_file_shows_changes(self):
        sim = support.new_simulator()
        support.create_storage_group(sim.connection(), 'sg_in_state')
        support.create_volume(sim.connection(), 'vol_in_state')
        state = os.path.join(self.useFixture(fixtures.TempDir()).path,
                             'state.json')
        sim.save(state)
        code, out, _ = _run_cli('summary', '--state', state,
                                '--serial', support.SERIAL)
        self.assertEqual(0, code)
        self.assertIn('sg_in_state', out)
        self.assertIn('vol_in_state', out)

    def test_input_problems_exit_without_traceback(self):
        cases = [
            (('summary', '--state', '/nonexistent/state.json'), 2,
             'does not exist'),
            (('summary', '--profile', 'no-such-profile'), 1,
             'no-such-profile'),
            (('serve', '--profile', support.PROFILE, '--user', 'u'), 2,
             '--user and --password go together'),
            (('serve', '--state', '/nonexistent/state.json'), 2,
             'give --profile'),
            (('serve', '--profile', support.PROFILE, '--cert-dir', '/tmp'),
             2, '--cert-dir needs --https'),
        ]
        for args, expected_code, message in cases:
            code, _, err = _run_cli(*args)
            self.assertEqual(expected_code, code, args)
            self.assertIn(message, err)
            self.assertNotIn('Traceback', err)

    def test_summary_of_an_unknown_serial_fails(self):
        code, _, err = _run_cli('summary', '--profile', support.PROFILE,
                                '--serial', '000000000000')
        self.assertEqual(2, code)
        self.assertIn('no array 000000000000 here; arrays: %s'
                      % support.SERIAL, err)


class ServeProcessTest(testtools.TestCase):

    def setUp(self):
        super().setUp()
        self.useFixture(support.NoCaBundleVariables())
        self.directory = self.useFixture(fixtures.TempDir()).path
        self.state = os.path.join(self.directory, 'state.json')

    def _serve(self, *args):
        return self.useFixture(support.ServerProcess(*args))

    def test_state_is_saved_on_sigterm_and_restored(self):
        server = self._serve('--profile', support.PROFILE,
                             '--state', self.state,
                             '--user', support.USER,
                             '--password', support.PASSWORD)
        self.assertEqual('profile %s' % support.PROFILE,
                         server.lines[0].split('serving ', 1)[1])
        self.assertNotIn(support.PASSWORD, '\n'.join(server.lines))
        conn = pywbem.WBEMConnection(server.url,
                                     (support.USER, support.PASSWORD),
                                     default_namespace=support.NS)
        support.create_storage_group(conn, 'sg_survives')
        self.assertEqual(0, server.stop(signal.SIGTERM))
        self.assertIn('Saved state to %s' % self.state, server.lines)
        with open(self.state) as src:
            self.assertIn('sg_survives', json.dumps(json.load(src)))

        again = self._serve('--state', self.state)
        self.assertIn('state file %s' % self.state, again.lines[0])
        conn = pywbem.WBEMConnection(again.url, default_namespace=support.NS)
        group = conn.GetInstance(support.group_path('sg_survives'))
        self.assertEqual('sg_survives', group['ElementName'])
        self.assertEqual(0, again.stop(signal.SIGINT))

    def test_changes_are_saved_while_serving(self):
        server = self._serve('--profile', support.PROFILE,
                             '--state', self.state,
                             '--save-interval', '0.2')
        conn = pywbem.WBEMConnection(server.url, default_namespace=support.NS)
        support.create_storage_group(conn, 'sg_autosaved')
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            if os.path.exists(self.state):
                with open(self.state) as src:
                    if 'sg_autosaved' in src.read():
                        break
            time.sleep(0.1)
        else:
            self.fail('state file was not saved while serving')
        self.assertEqual(0, server.stop())

    def test_https_prints_the_certificate_to_trust(self):
        cert_dir = os.path.join(self.directory, 'tls')
        server = self._serve('--profile', support.PROFILE, '--https',
                             '--cert-dir', cert_dir)
        self.assertTrue(server.url.startswith('https://127.0.0.1:'))
        certfile = server.info['CA certificate']
        self.assertEqual(cert_dir, os.path.dirname(certfile))
        conn = pywbem.WBEMConnection(server.url, default_namespace=support.NS,
                                     ca_certs=certfile)
        self.assertEqual([support.srp_path()],
                         conn.EnumerateInstanceNames('CIM_StoragePool'))

    def test_latency_is_added_to_every_call(self):
        server = self._serve('--profile', support.PROFILE,
                             '--latency-ms', '150')
        conn = pywbem.WBEMConnection(server.url, default_namespace=support.NS)
        started = time.monotonic()
        conn.EnumerateInstanceNames('CIM_StoragePool')
        self.assertGreaterEqual(time.monotonic() - started, 0.15)

    def test_console_script_runs_this_main(self):
        from importlib import metadata
        scripts = metadata.entry_points(group='console_scripts',
                                        name='vmax-sim')
        self.assertEqual(['vmax_sim.cli:main'],
                         [script.value for script in scripts])
        code, out, _ = _run_cli('--help')
        self.assertEqual(0, code)
        for command in ('serve', 'summary', 'profiles'):
            self.assertIn(command, out)
