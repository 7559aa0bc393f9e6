"""vmax-demo: the whole run as a user starts it, and its parts."""

import argparse
import configparser
import io
import os
import re
import subprocess
import sys

import fixtures
from oslo_config import cfg
from oslo_config import fixture as config_fixture
import testtools

from vmax_driver import demo

BIN_DIR = os.path.dirname(sys.executable)
SECRET = 'demo-Secret-77'


def _args(**overrides):
    values = dict(url=None, profile=demo.DEFAULT_PROFILE, latency_ms=0.0,
                  user=None, password=None, ca_certs=None, insecure=False,
                  array=None, pool=None, verbose=0)
    values.update(overrides)
    return argparse.Namespace(**values)


class DemoCommandTest(testtools.TestCase):
    """``vmax-demo`` end to end, in its own process, as documented."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        env = dict(os.environ)
        env.pop('REQUESTS_CA_BUNDLE', None)
        env.pop('CURL_CA_BUNDLE', None)
        cls.result = subprocess.run(
            [os.path.join(BIN_DIR, 'vmax-demo')], capture_output=True,
            text=True, timeout=300, env=env)
        cls.rows = {}
        for line in cls.result.stdout.splitlines():
            match = re.match(r'^(\S.*?)\s{2,}(\d+)\s+(\d+\.\d\d)\s{2}(.*)$',
                             line)
            if match:
                cls.rows[match.group(1)] = (int(match.group(2)),
                                            float(match.group(3)),
                                            match.group(4))

    def test_exit_status_and_verdict(self):
        self.assertEqual(0, self.result.returncode, self.result.stdout +
                         self.result.stderr)
        self.assertIn('vmax-demo: all steps passed', self.result.stdout)

    def test_every_step_reported_in_order(self):
        total = len(demo.STEPS)
        positions = [self.result.stdout.index('[%d/%d] %s ... ok'
                                              % (n, total, name))
                     for n, (name, _) in enumerate(demo.STEPS, 1)]
        self.assertEqual(sorted(positions), positions)

    def test_driver_loaded_through_cinder_conf(self):
        out = self.result.stdout
        self.assertIn('volume_driver = vmax_driver.iscsi.VMAXISCSIDriver',
                      out)
        self.assertIn('loaded by importutils.import_object', out)
        self.assertRegex(out, r'served at http://127\.0\.0\.1:\d+')

    def test_fault_revert_leaves_array_unchanged(self):
        out = self.result.stdout
        self.assertIn('clone failed at %s as injected; reverted'
                      % demo.FAULT_METHOD, out)
        self.assertIn('array state diff after the revert: empty', out)
        self.assertIn('no devices, snapshots or pairs left', out)

    def test_summary_counts_round_trips_per_operation(self):
        self.assertEqual([name for name, _ in demo.STEPS],
                         list(self.rows))
        for name in ('start driver', 'create volume', 'create snapshot',
                     'clone volume', 'clone with injected fault',
                     'create volume from snapshot', 'extend volume',
                     'delete everything'):
            trips, seconds, result = self.rows[name]
            self.assertGreater(trips, 0, name)
            self.assertTrue(result.startswith('ok'), result)
        self.assertEqual(0, self.rows['check the array'][0])
        total = sum(row[0] for row in self.rows.values())
        self.assertIn('total: %d round trips' % total, self.result.stdout)


class DemoPartsTest(testtools.TestCase):

    def setUp(self):
        super().setUp()
        # The demo parses a cinder.conf into the global CONF: undo it.
        self.useFixture(config_fixture.Config(cfg.CONF))
        self.useFixture(fixtures.EnvironmentVariable('REQUESTS_CA_BUNDLE'))
        self.useFixture(fixtures.EnvironmentVariable('CURL_CA_BUNDLE'))

    def _served(self, **credentials):
        import vmax_sim
        sim = vmax_sim.Simulator.from_profile('vmax3-allflash',
                                              clock='real')
        server = sim.serve(host='127.0.0.1', port=0, **credentials)
        self.addCleanup(server.stop)
        return sim, server

    def test_discovers_array_pool_and_service_level(self):
        sim, server = self._served()
        choice = demo.discover_array(server.url, (None, None))
        self.assertEqual(demo.ArrayChoice('000197800123', 'SRP_1',
                                          'Diamond', 'OLTP'), choice)
        # Systems, SRPs, service-level settings.
        self.assertEqual(3, sim.calls.total)

    def test_backend_section_is_a_cinder_conf(self):
        choice = demo.ArrayChoice('000197800123', 'SRP_1', 'Diamond', None)
        parser = configparser.ConfigParser()
        parser.read_string(demo.backend_section(
            'https://10.0.0.9:5989', choice, 'admin', SECRET,
            no_verification=True))
        section = parser[demo.SECTION]
        self.assertEqual(demo.SECTION, parser['DEFAULT']['enabled_backends'])
        self.assertEqual(demo.DRIVER_CLASS, section['volume_driver'])
        self.assertEqual(('10.0.0.9', '5989', 'True'),
                         (section['vmax_smis_address'],
                          section['vmax_smis_port'],
                          section['driver_use_ssl']))
        self.assertEqual('false', section['driver_ssl_cert_verify'])
        self.assertEqual(('Diamond', 'NONE'),
                         (section['vmax_service_level'],
                          section['vmax_workload']))
        self.assertEqual(SECRET, section['vmax_smis_password'])

    def test_failed_step_stops_the_run_and_exits_1(self):
        sim, server = self._served(user='admin', password=SECRET)
        out = io.StringIO()
        code = demo.Demo(_args(url=server.url, user='admin',
                               password=SECRET, pool='SRP_9'),
                         out=out).run()
        text = out.getvalue()
        self.assertEqual(1, code, text)
        self.assertIn('[1/%d] start driver ... FAILED: '
                      'InvalidConfigurationValue' % len(demo.STEPS), text)
        self.assertIn('SRP_9', text)
        self.assertNotIn('[2/', text)
        self.assertIn('vmax-demo: FAILED', text)
        # The provider password is in the file, never on the screen.
        self.assertNotIn(SECRET, text)

    def test_unreachable_url_is_one_line(self):
        out = io.StringIO()
        code = demo.Demo(_args(url='http://127.0.0.1:9'), out=out).run()
        self.assertEqual(2, code)
        self.assertIn('vmax-demo: cannot start:', out.getvalue())
        self.assertNotIn('Traceback', out.getvalue())

    def test_options_that_need_url_are_refused(self):
        stderr = self.useFixture(fixtures.StringStream('stderr'))
        self.useFixture(fixtures.MonkeyPatch('sys.stderr', stderr.stream))
        for argv in (['--user', 'u', '--password', 'p'], ['--insecure'],
                     ['--url', 'http://h:1', '--latency-ms', '5'],
                     ['--url', 'http://h:1', '--user', 'u']):
            err = self.assertRaises(SystemExit, demo.main, argv)
            self.assertEqual(2, err.code, argv)

    def test_summary_table_lines_up_and_totals(self):
        table = demo.summary_table([
            demo.StepResult('create volume', 6, 0.061, 'ok: vol-1', True),
            demo.StepResult('delete everything', 30, 0.25, 'ok', True)])
        lines = table.splitlines()
        self.assertEqual('operation          round trips  time (s)  result',
                         lines[0])
        self.assertEqual('create volume                6      0.06  '
                         'ok: vol-1', lines[2])
        self.assertEqual('total: 36 round trips, 0.31 s', lines[-1])
