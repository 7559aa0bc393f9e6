"""vmax-demo: whole runs (console script, in-process, --url) and parts.

The runs use the default profile, srdf-pair, with a faster copy rate (a
profile file of the test's own) to keep the suite quick: at the real
rate each snapshot, clone and group snapshot waits about a second for
its copy; what the tests check does not depend on copy speed.
"""

import argparse
import configparser
import contextlib
import io
import logging
import os
import re
import subprocess
import sys

import fixtures
from oslo_config import cfg
from oslo_config import fixture as config_fixture
import testtools
from testtools import content
import yaml

from vmax_driver import demo

BIN_DIR = os.path.dirname(sys.executable)
SECRET = 'demo-Secret-77'
PRIMARY, TARGET = '000197800123', '000197800456'
SUMMARY_ROW = re.compile(r'^(\S.*?)\s{2,}(\d+)\s+(\d+\.\d\d)\s{2}(.*)$')
# Copies at 64 GiB/s instead of 1 GiB/s: a 1 GiB clone takes ~16 ms.
FAST_COPY_MIB_PER_S = 65536


def _args(**overrides):
    values = vars(demo.build_parser().parse_args([]))
    values.update(overrides)
    return argparse.Namespace(**values)


def summary_rows(text):
    """{operation: (round trips, seconds, result)} of the summary."""
    rows = {}
    for line in text.splitlines():
        match = SUMMARY_ROW.match(line)
        if match:
            rows[match.group(1)] = (int(match.group(2)),
                                    float(match.group(3)), match.group(4))
    return rows


def fast_profile(directory, name='srdf-pair'):
    """A copy of a simulator profile whose arrays copy faster."""
    from vmax_sim.model import profiles
    with open(profiles.profile_path(name)) as source:
        data = yaml.safe_load(source)
    for array in data['arrays']:
        array['copy_rate_mib_per_s'] = FAST_COPY_MIB_PER_S
    path = os.path.join(directory, 'fast-%s.yaml' % name)
    with open(path, 'w') as target:
        yaml.safe_dump(data, target)
    return path


def run_in_process(argv):
    """``(exit status, stdout, CHAP password)`` of ``demo.main(argv)``,
    with the global CONF, environment and root logger restored."""
    root = logging.getLogger()
    saved_logging = (root.level, list(root.handlers))
    conf = config_fixture.Config(cfg.CONF)
    conf.setUp()
    env = [fixtures.EnvironmentVariable(name) for name in
           ('REQUESTS_CA_BUNDLE', 'CURL_CA_BUNDLE')]
    for fixture in env:
        fixture.setUp()
    out = io.StringIO()
    try:
        with contextlib.redirect_stdout(out):
            code = demo.main(argv)
        return code, out.getvalue(), cfg.CONF[demo.SECTION].chap_password
    finally:
        for fixture in env:
            fixture.cleanUp()
        conf.cleanUp()
        root.setLevel(saved_logging[0])
        root.handlers[:] = saved_logging[1]


class DemoRunsTest(testtools.TestCase):
    """Whole runs on a fast srdf-pair: the ``vmax-demo`` console script
    in its own process and, at the same time, in this process one after
    the other: ``main()`` with latency, and a ``--url`` run against a
    served simulator.

    One test method, so that a parallel runner never splits the checks
    over two workers and runs the demo twice; each check names its run.
    """

    def test_command_and_in_process_runs(self):
        tmp = self.useFixture(fixtures.TempDir()).path
        env = dict(os.environ)
        env.pop('REQUESTS_CA_BUNDLE', None)
        env.pop('CURL_CA_BUNDLE', None)
        profile = fast_profile(tmp)
        command = subprocess.Popen(
            [os.path.join(BIN_DIR, 'vmax-demo'), '--profile', profile],
            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
            env=env)
        try:
            self.code, self.out, self.chap_password = run_in_process(
                ['--profile', profile, '--latency-ms', '1'])
            self.url_code, self.url_out = self.run_against_served(profile)
        finally:
            self.command_out, self.command_err = command.communicate(
                timeout=300)
        self.outputs = {'vmax-demo command': (command.returncode,
                                              self.command_out),
                        'main() in-process': (self.code, self.out)}
        self.addDetail('--url run', content.text_content(self.url_out))
        for run, (_, out) in self.outputs.items():
            self.addDetail(run, content.text_content(out))
        self.addDetail('vmax-demo stderr',
                       content.text_content(self.command_err))
        checks = sorted(name for name in dir(self)
                        if name.startswith('check_'))
        checks.remove('check_exit_status_and_verdict')
        for check in ['check_exit_status_and_verdict'] + checks:
            getattr(self, check)()

    def run_against_served(self, profile):
        """``(exit status, output)`` of a run with ``--url``: a served
        srdf-pair with credentials."""
        import vmax_sim
        self.useFixture(config_fixture.Config(cfg.CONF))
        sim = vmax_sim.Simulator.from_profile(profile, clock='real')
        server = sim.serve(host='127.0.0.1', port=0, user='admin',
                           password=SECRET)
        self.addCleanup(server.stop)
        out = io.StringIO()
        code = demo.Demo(_args(url=server.url, user='admin',
                               password=SECRET), out=out).run()
        return code, out.getvalue()

    # -- both runs -----------------------------------------------------------

    def check_exit_status_and_verdict(self):
        for run, (code, out) in self.outputs.items():
            self.assertEqual(0, code, '%s:\n%s' % (run, out))
            self.assertIn('vmax-demo: all steps passed', out, run)

    def check_every_step_reported_in_order_and_ok(self):
        total = len(demo.STEPS)
        for run, (_, out) in self.outputs.items():
            positions = [out.index('[%d/%d] %s ... ok' % (n, total, name))
                         for n, (name, _) in enumerate(demo.STEPS, 1)]
            self.assertEqual(sorted(positions), positions, run)

    def check_summary_has_every_step_ok_with_round_trips(self):
        for run, (_, out) in self.outputs.items():
            rows = summary_rows(out)
            self.assertEqual([name for name, _ in demo.STEPS], list(rows),
                             run)
            for name, (trips, _, result) in rows.items():
                self.assertTrue(result.startswith('ok'), (run, name, result))
                if name != 'check the array':
                    self.assertGreater(trips, 0, (run, name))
            self.assertEqual(0, rows['check the array'][0])
            total = sum(row[0] for row in rows.values())
            self.assertIn('total: %d round trips' % total, out, run)

    def check_fault_rollback_leaves_array_exactly_as_before(self):
        for run, (_, out) in self.outputs.items():
            self.assertIn('clone failed at %s as injected; reverted'
                          % demo.FAULT_METHOD, out, run)
            self.assertIn('array state diff after the revert: empty - the '
                          'array is exactly as before', out, run)
            self.assertIn('all changes were reverted', out, run)
            self.assertIn('no devices, snapshots, pairs or groups left',
                          out, run)

    def check_readable_length(self):
        for run, (_, out) in self.outputs.items():
            self.assertLess(len(out.splitlines()), 120, run)

    # -- the command ---------------------------------------------------------

    def check_command_loads_the_driver_through_cinder_conf(self):
        out = self.command_out
        self.assertIn('volume_driver = vmax_driver.iscsi.VMAXISCSIDriver',
                      out)
        self.assertIn('loaded by importutils.import_object', out)
        self.assertRegex(out, r'served at http://127\.0\.0\.1:\d+')
        self.assertIn('replication_device = target_device_id:%s' % TARGET,
                      out)

    def check_command_has_no_log_noise(self):
        self.assertEqual('', self.command_err)

    # -- the in-process run --------------------------------------------------

    def check_latency_option(self):
        self.assertIn(', 1 ms latency per call', self.out)

    def check_connection_info_has_the_multipath_lists(self):
        self.assertIn('masked to compute-1.example.org', self.out)
        self.assertIn('connector: initiator iqn.1993-08.org.debian:',
                      self.out)
        self.assertIn(', multipath True\n', self.out)
        self.assertRegex(self.out, r'target_iqns: iqn\.1992-04\.com\.emc:'
                                   r'\S+, iqn\.1992-04\.com\.emc:\S+\n')
        self.assertIn('target_portals: 192.0.2.11:3260, 192.0.2.12:3260',
                      self.out)
        self.assertRegex(self.out, r'target_luns: (\d+), \1\n')

    def check_chap_password_is_masked(self):
        self.assertIn('auth: CHAP %s / ***' % demo.CHAP_USER, self.out)
        self.assertIn('chap_password = ***', self.out)
        self.assertGreater(len(self.chap_password), 8)
        self.assertNotIn(self.chap_password, self.out)

    def check_retype_moved_by_the_array(self):
        self.assertIn('vol-2 moved by the array to type vmax-demo-dss',
                      self.out)
        self.assertIn('storage group OS-SRP_1-Diamond-OLTP-SG -> '
                      'OS-SRP_1-Diamond-DSS-SG', self.out)

    def check_group_snapshot(self):
        self.assertIn('group snapshot of 2 volumes, one point in time',
                      self.out)
        self.assertIn('group snapshot, group and its 2 volumes deleted',
                      self.out)

    def check_failover_and_failback(self):
        self.assertIn('ok: active backend %s; vol-r replication '
                      'failed-over, served by %s:' % (TARGET, TARGET),
                      self.out)
        self.assertIn('the driver now reports pool Diamond+OLTP+SRP_1+%s'
                      % TARGET, self.out)
        self.assertIn('ok: active backend default; vol-r replication '
                      'enabled, served by %s:' % PRIMARY, self.out)

    # -- the --url run -------------------------------------------------------

    def check_served_partner_arrays_fail_over(self):
        """--url: no fault injection, failover because the provider
        manages the SRDF partner; passwords never shown."""
        self.assertEqual(0, self.url_code, self.url_out)
        rows = summary_rows(self.url_out)
        self.assertTrue(rows['clone with injected fault'][2].startswith(
            'skipped: fault injection needs the embedded simulator'))
        for name in ('attach volume', 'retype volume', 'group snapshot',
                     'fail over', 'fail back'):
            self.assertTrue(rows[name][2].startswith('ok'), rows[name])
            self.assertGreater(rows[name][0], 0, name)
        self.assertIn('vmax_smis_password = ***', self.url_out)
        self.assertNotIn(SECRET, self.url_out)


class DemoPartsTest(testtools.TestCase):

    def setUp(self):
        super().setUp()
        # The demo parses a cinder.conf into the global CONF: undo it.
        self.useFixture(config_fixture.Config(cfg.CONF))
        self.useFixture(fixtures.EnvironmentVariable('REQUESTS_CA_BUNDLE'))
        self.useFixture(fixtures.EnvironmentVariable('CURL_CA_BUNDLE'))

    def _served(self, profile='vmax3-allflash', **credentials):
        import vmax_sim
        sim = vmax_sim.Simulator.from_profile(profile, clock='real')
        server = sim.serve(host='127.0.0.1', port=0, **credentials)
        self.addCleanup(server.stop)
        return sim, server

    def test_discovers_array_pool_service_level_and_port_groups(self):
        sim, server = self._served()
        choice = demo.discover_array(server.url, (None, None))
        self.assertEqual(demo.ArrayChoice(
            PRIMARY, 'SRP_1', 'Diamond', 'OLTP',
            ['OS-PG-iSCSI-A', 'OS-PG-iSCSI-B'], None), choice)
        # Systems, SRPs, service-level settings, port groups, RDF groups.
        self.assertEqual(5, sim.calls.total)

    def test_discovers_the_srdf_partner(self):
        _, server = self._served('srdf-pair')
        choice = demo.discover_array(server.url, (None, None))
        self.assertEqual(['OS-PG-iSCSI-A'], choice.port_groups)
        self.assertEqual({'target_device_id': TARGET,
                          'remote_pool': 'SRP_1',
                          'remote_port_group': 'OS-PG-iSCSI-R',
                          'rdf_group_label': 'os-rdf-1',
                          'allow_extend': 'True'}, choice.replication)

    def test_backend_section_is_a_cinder_conf(self):
        choice = demo.ArrayChoice(
            PRIMARY, 'SRP_1', 'Diamond', None, ['PG-1', 'PG-2'],
            {'target_device_id': TARGET, 'rdf_group_label': 'os-rdf-1'})
        parser = configparser.ConfigParser()
        parser.read_string(demo.backend_section(
            'https://10.0.0.9:5989', choice, 'admin', SECRET,
            no_verification=True, chap=('chap-user', 'chap-Secret-1')))
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
        self.assertEqual('PG-1, PG-2', section['vmax_port_groups'])
        self.assertEqual(('true', 'chap-user', 'chap-Secret-1'),
                         (section['use_chap_auth'], section['chap_username'],
                          section['chap_password']))
        self.assertEqual('target_device_id:%s,rdf_group_label:os-rdf-1'
                         % TARGET, section['replication_device'])

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
                     ['--url', 'http://h:1', '--user', 'u'],
                     ['--latency-ms', '-1']):
            err = self.assertRaises(SystemExit, demo.main, argv)
            self.assertEqual(2, err.code, argv)

    def test_default_profile_has_an_srdf_partner(self):
        self.assertEqual('srdf-pair',
                         demo.build_parser().parse_args([]).profile)
        _, server = self._served(demo.DEFAULT_PROFILE)
        choice = demo.discover_array(server.url, (None, None))
        self.assertEqual(TARGET, choice.replication['target_device_id'])

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

    def test_retype_diff_has_the_shape_cinder_computes(self):
        from cinder import objects
        from vmax_driver import demo_objects
        objects.register_all()
        old = demo_objects.volume_type(None, 'a', {'k': 'v', 'same': '1'})
        new = demo_objects.volume_type(None, 'b', {'same': '1', 'n': 'w'})
        self.assertEqual({'extra_specs': {'k': ('v', None),
                                          'n': (None, 'w'),
                                          'same': ('1', '1')},
                          'qos_specs': {}, 'encryption': {}},
                         demo_objects.type_diff(old, new))
