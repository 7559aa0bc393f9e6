"""``vmax-demo``: the driver's lifecycle against a simulated VMAX.

It does what cinder-volume does, with nothing faked in between: writes a
cinder.conf backend section, builds Cinder's ``Configuration`` for it,
loads ``vmax_driver.iscsi.VMAXISCSIDriver`` with
``importutils.import_object`` and the manager's keyword arguments, starts
it (do_setup, check_for_setup_error, capabilities) and calls it with real
Cinder objects.  The driver reaches the array through its own pywbem
connection over HTTP, to an embedded simulator on a free local port (or
to ``--url``, an already served ``vmax-sim serve``).

The embedded simulator serves the ``srdf-pair`` profile by default: two
arrays joined by SRDF, so the run covers create, snapshot, clone,
extend, attach / detach, retype, a consistent group snapshot, and the
failover of a replicated volume and back (:mod:`vmax_driver.demo_steps`).
Half way it injects a fault into a clone and shows that the flow's
revert left the array exactly as before (the simulator's state diff is
empty).  The summary lists each operation with its SMI-S round trips
(counted by the simulator; with ``--url`` by the driver's client), wall
time and result; the exit status is 0 only when every step did what it
should.
"""

import argparse
import dataclasses
import logging
import os
import secrets
import shutil
import sys
import tempfile
import time
import warnings

from vmax_driver import demo_discovery
from vmax_driver import demo_steps

# Two arrays joined by SRDF: the whole lifecycle, failover included.
DEFAULT_PROFILE = 'srdf-pair'
SECTION = demo_discovery.SECTION
DRIVER_CLASS = demo_discovery.DRIVER_CLASS
FAULT_METHOD = demo_steps.FAULT_METHOD
STEPS = demo_steps.STEPS
ArrayChoice = demo_discovery.ArrayChoice
DemoError = demo_discovery.DemoError
discover_array = demo_discovery.discover_array
backend_section = demo_discovery.backend_section
CHAP_USER = 'vmax-demo'
# cinder.conf options shown with their value masked.
SECRET_OPTIONS = ('vmax_smis_password', 'chap_password')
MASK = '***'
# Characters of a step's result in the summary (lines under 120).
RESULT_WIDTH = 64


@dataclasses.dataclass
class StepResult:
    name: str
    round_trips: int
    seconds: float
    result: str
    ok: bool


class Demo(demo_steps.LifecycleSteps):
    """Runs :data:`STEPS` against one driver instance and reports them."""

    def __init__(self, args, out=None):
        self.args = args
        self.out = out or sys.stdout
        self.sim = None
        self.server = None
        self.driver = None
        self.context = None
        self.objects = {}
        self.types = {}
        self.replicating = False
        self.results = []
        self.baseline = None
        self._workdir = tempfile.mkdtemp(prefix='vmax-demo-')

    # -- output ---------------------------------------------------------------

    def say(self, text=''):
        self.out.write(text + '\n')
        self.out.flush()

    # -- environment ----------------------------------------------------------

    def start_array(self):
        """Embedded simulator served on a free port, or ``--url``."""
        if self.args.url:
            self.say('Array: SMI-S provider at %s' % self.args.url)
            return self.args.url
        import vmax_sim
        self.sim = vmax_sim.Simulator.from_profile(self.args.profile,
                                                   clock='real')
        self.sim.latency_ms = self.args.latency_ms
        self.server = self.sim.serve(host='127.0.0.1', port=0)
        self.say('Array: simulator profile %s (%s) served at %s%s'
                 % (self.args.profile, self.sim, self.server.url,
                    ', %g ms latency per call' % self.args.latency_ms
                    if self.args.latency_ms else ''))
        return self.server.url

    def load_driver(self, url):
        """cinder.conf -> Configuration -> import_object, as the manager.
        """
        # Cinder's eventlet and oslo deprecation notices are noise here.
        warnings.filterwarnings('ignore', category=DeprecationWarning)
        warnings.filterwarnings('ignore', message=r'\s*Eventlet is deprecated')
        from cinder import context
        from cinder import objects
        from oslo_config import cfg
        from oslo_utils import importutils
        objects.register_all()
        from cinder.volume import configuration
        from cinder.volume import manager

        creds = (self.args.user, self.args.password)
        choice = discover_array(url, creds, ca_certs=self.args.ca_certs,
                                no_verification=self.args.insecure,
                                serial=self.args.array, pool=self.args.pool)
        self.replicating = choice.replication is not None
        # CHAP on, with a password made for this run: the connection info
        # shows it is there, masked.
        text = backend_section(url, choice, self.args.user,
                               self.args.password, self.args.ca_certs,
                               self.args.insecure,
                               chap=(CHAP_USER, secrets.token_urlsafe(12)),
                               # The run's own operation state: no other
                               # run's flows to recover, nothing to leave
                               # under Cinder's state_path.
                               state_path=self._workdir)
        path = os.path.join(self._workdir, 'cinder.conf')
        with open(path, 'w') as conf_file:
            conf_file.write(text)
        self.say('cinder.conf (%s, removed at the end):' % path)
        for line in text.splitlines():
            if line and not line.startswith('['):
                self.say('    ' + _masked(line))
        cfg.CONF(['--config-file', path], project='cinder',
                 default_config_files=[])
        conf = configuration.Configuration(manager.volume_backend_opts,
                                           config_group=SECTION)
        self.driver = importutils.import_object(
            conf.volume_driver, configuration=conf,
            host='%s@%s' % (cfg.CONF.host, SECTION), cluster_name=None,
            is_vol_db_empty=False, active_backend_id=None)
        self.context = context.get_admin_context()
        self.make_types(choice)
        # Group types live in Cinder's database; the demo has none.
        self.driver.group_type_spec = self.group_type_spec
        # Attach locks of this run only (cinder-volume: its lock_path).
        self.driver.lock_path = self._workdir
        self.say('Driver: %s %s loaded by importutils.import_object'
                 % (type(self.driver).__name__, self.driver.VERSION))
        self.say()

    def stop(self):
        if self.server is not None:
            self.server.stop()
            self.server = None
        # The cinder.conf holds the passwords; the flow state is the
        # run's own.
        shutil.rmtree(self._workdir, ignore_errors=True)

    # -- counting -------------------------------------------------------------

    def round_trips(self):
        if self.sim is not None:
            return self.sim.calls.total
        # With --url: the driver's own clients (two with replication).
        clients = [getattr(self.driver, 'client', None)]
        state = getattr(self.driver, 'replication', None)
        if state is not None:
            clients = [state.primary.client, state.secondary.client]
        return sum(c.session.total_calls() for c in clients if c)

    def run_step(self, number, total, name, func):
        self.out.write('[%d/%d] %s ... ' % (number, total, name))
        self.out.flush()
        calls_before = self.round_trips()
        started = time.monotonic()
        try:
            result, ok = func()
        except Exception as exc:   # any failure is the demo's result
            result, ok = 'FAILED: %s: %s' % (type(exc).__name__, exc), False
        step = StepResult(name, self.round_trips() - calls_before,
                          time.monotonic() - started, result, ok)
        self.results.append(step)
        self.say('%s (%d round trips, %.2f s)' % (
            result.splitlines()[0], step.round_trips, step.seconds))
        for extra in result.splitlines()[1:]:
            self.say('      ' + extra)
        return ok

    # -- the whole run --------------------------------------------------------

    def run(self):
        started = time.monotonic()
        try:
            url = self.start_array()
            self.load_driver(url)
        except Exception as exc:
            self.stop()
            self.say('vmax-demo: cannot start: %s' % exc)
            return 2
        try:
            total = len(STEPS)
            for number, (name, method) in enumerate(STEPS, 1):
                if not self.run_step(number, total, name,
                                     getattr(self, method)):
                    break
        finally:
            self.stop()
        self.say()
        self.say(summary_table(self.results))
        ok = len(self.results) == len(STEPS) and all(
            r.ok for r in self.results)
        self.say()
        self.say('vmax-demo: %s in %.1f s' % (
            'all steps passed' if ok else 'FAILED',
            time.monotonic() - started))
        return 0 if ok else 1


def _masked(line):
    option, sep, _ = line.partition(' = ')
    return option + sep + MASK if option in SECRET_OPTIONS else line


def summary_table(results):
    rows = [('operation', 'round trips', 'time (s)', 'result')]
    rows += [(r.name, str(r.round_trips), '%.2f' % r.seconds,
              demo_steps.first_line(r.result, RESULT_WIDTH)) for r in results]
    widths = [max(len(row[i]) for row in rows) for i in range(3)]
    lines = []
    for index, row in enumerate(rows):
        lines.append('%-*s  %*s  %*s  %s' % (
            widths[0], row[0], widths[1], row[1], widths[2], row[2],
            row[3]))
        if index == 0:
            lines.append('-' * (sum(widths) + 4 + 2 + len('result')))
    lines.append('total: %d round trips, %.2f s' % (
        sum(r.round_trips for r in results),
        sum(r.seconds for r in results)))
    return '\n'.join(lines)


def _non_negative(text):
    value = float(text)
    if value < 0:
        raise argparse.ArgumentTypeError('must not be negative, got %s'
                                         % text)
    return value


def build_parser():
    parser = argparse.ArgumentParser(
        prog='vmax-demo',
        description='Drive the VMAX TaskFlow driver through a volume '
                    'lifecycle against a simulated array.')
    parser.add_argument('--url', help='SMI-S provider to use instead of an '
                        'embedded simulator, e.g. http://127.0.0.1:5988 '
                        '(a running "vmax-sim serve"); no fault injection; '
                        'failover when the array has an SRDF partner')
    parser.add_argument('--profile', default=DEFAULT_PROFILE,
                        help='simulator profile of the embedded array '
                             '(default: %(default)s, two arrays with SRDF)')
    parser.add_argument('--latency-ms', type=_non_negative, default=0.0,
                        metavar='N', help='latency the embedded simulator '
                        'adds to every call (default: 0)')
    parser.add_argument('--user', help='provider user (with --url)')
    parser.add_argument('--password', help='provider password (with --url)')
    parser.add_argument('--ca-certs', metavar='FILE',
                        help='CA certificate of an https --url')
    parser.add_argument('--insecure', action='store_true',
                        help='do not check the certificate of an https '
                             '--url')
    parser.add_argument('--array', help='array serial (default: the first '
                        'array the provider reports)')
    parser.add_argument('--pool', help='SRP or thin pool (default: the '
                        'first one of the array)')
    parser.add_argument('-v', '--verbose', action='count', default=0,
                        help='show the driver\'s log (-v info, -vv debug)')
    return parser


def main(argv=None):
    args = build_parser().parse_args(argv)
    if args.url is None and (args.user or args.ca_certs or args.insecure):
        build_parser().error('--user, --ca-certs and --insecure go with '
                             '--url')
    if (args.user is None) != (args.password is None):
        build_parser().error('--user and --password go together')
    if args.url and args.latency_ms:
        build_parser().error('--latency-ms applies to the embedded '
                             'simulator; set it on "vmax-sim serve"')
    level = {0: logging.CRITICAL, 1: logging.INFO}.get(args.verbose,
                                                       logging.DEBUG)
    logging.basicConfig(level=level, stream=sys.stderr,
                        format='    log %(levelname)s %(name)s: '
                               '%(message)s')
    # Also when logging was configured before (main() called in-process):
    # the injected fault's failure log is noise next to the step's line.
    logging.getLogger().setLevel(level)
    # requests would ignore the demo's CA settings while these are set
    # (psf/requests#3829).
    for name in ('REQUESTS_CA_BUNDLE', 'CURL_CA_BUNDLE'):
        os.environ.pop(name, None)
    return Demo(args).run()


if __name__ == '__main__':
    sys.exit(main())
