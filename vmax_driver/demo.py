"""``vmax-demo``: the driver's lifecycle against a simulated VMAX.

It does what cinder-volume does, with nothing faked in between: writes a
cinder.conf backend section, builds Cinder's ``Configuration`` for it,
loads ``vmax_driver.iscsi.VMAXISCSIDriver`` with
``importutils.import_object`` and the manager's keyword arguments, starts
it (do_setup, check_for_setup_error, capabilities) and calls it with real
Cinder volume and snapshot objects.  The driver reaches the array through
its own pywbem connection over HTTP, to an embedded simulator on a free
local port (or to ``--url``, an already served ``vmax-sim serve``).

Half way it injects a fault into a clone and shows that the flow's revert
left the array exactly as before (the simulator's state diff is empty).
The summary lists each operation with its SMI-S round trips (counted by
the simulator; with ``--url`` by the driver's client), time and result.

Steps are entries of :data:`STEPS`; a later feature adds a method to
:class:`Demo` and a line there.
"""

import argparse
import dataclasses
import logging
import os
import sys
import tempfile
import time
import uuid
import warnings

SECTION = 'vmax_demo'
DRIVER_CLASS = 'vmax_driver.iscsi.VMAXISCSIDriver'
DEFAULT_PROFILE = 'vmax3-allflash'
NAMESPACE = 'root/emc'
# Service level / workload the demo asks for when the array offers them.
PREFERRED_SETTINGS = (('Diamond', 'OLTP'), ('Gold', 'OLTP'))
# The method the injected fault hits: the dissolve that finishes a SnapVX
# clone (detach on VMAX2), i.e. after the target exists and is linked.
FAULT_METHOD = 'ModifyReplicaSynchronization'


class DemoError(Exception):
    """A problem worth one line, not a traceback."""


@dataclasses.dataclass
class StepResult:
    name: str
    round_trips: int
    seconds: float
    result: str
    ok: bool


@dataclasses.dataclass
class ArrayChoice:
    serial: str
    pool: str
    service_level: str = None
    workload: str = None


def _split_id(text):
    """Tokens of a VMAX InstanceID / Name (``-+-`` or ``+`` separated)."""
    return text.split('-+-') if '-+-' in text else text.split('+')


def discover_array(url, creds, ca_certs=None, no_verification=False):
    """Serial, pool and a service level of the first array behind ``url``.

    Reads only what a CIM client may rely on (doc/source/cim-surface.rst):
    Symm_StorageSystem names, then SRPs (VMAX3) or thin pools (VMAX2) and
    the SRP's service-level settings.
    """
    import pywbem
    conn = pywbem.WBEMConnection(url, creds, default_namespace=NAMESPACE,
                                 no_verification=no_verification,
                                 ca_certs=ca_certs, timeout=30)
    try:
        systems = conn.EnumerateInstanceNames('Symm_StorageSystem')
        if not systems:
            raise DemoError('no Symm_StorageSystem at %s' % url)
        serial = sorted(_split_id(p.keybindings['Name'])[-1]
                        for p in systems)[0]
        pools = [_split_id(p.keybindings['InstanceID'])
                 for p in conn.EnumerateInstanceNames('Symm_SRPStoragePool')]
        pools = [t[-1] for t in pools if t[1] == serial]
        if not pools:
            thin = [_split_id(p.keybindings['InstanceID']) for p in
                    conn.EnumerateInstanceNames(
                        'Symm_VirtualProvisioningPool')]
            thin = sorted(t[-1] for t in thin if t[1] == serial)
            if not thin:
                raise DemoError('array %s has no SRP and no thin pool'
                                % serial)
            return ArrayChoice(serial, thin[0])
        choice = ArrayChoice(serial, sorted(pools)[0])
        offered = set()
        for path in conn.EnumerateInstanceNames('Symm_StoragePoolSetting'):
            tokens = _split_id(path.keybindings['InstanceID'])
            if tokens[1] == serial and tokens[-1] == choice.pool and \
                    tokens[2].startswith('S') and ':' in tokens[2]:
                offered.add(tuple(tokens[2][1:].split(':', 1)))
        for level, workload in PREFERRED_SETTINGS:
            if (level, workload) in offered:
                choice.service_level, choice.workload = level, workload
                break
        return choice
    finally:
        conn.close()


def backend_section(url, choice, user=None, password=None,
                    ca_certs=None, no_verification=False):
    """cinder.conf text with the demo's backend section."""
    scheme, _, hostport = url.partition('://')
    host, _, port = hostport.rstrip('/').rpartition(':')
    lines = ['[DEFAULT]',
             'enabled_backends = %s' % SECTION,
             '',
             '[%s]' % SECTION,
             'volume_driver = %s' % DRIVER_CLASS,
             'volume_backend_name = %s' % SECTION,
             'vmax_smis_address = %s' % host,
             'vmax_smis_port = %s' % port,
             'driver_use_ssl = %s' % (scheme == 'https'),
             'vmax_array = %s' % choice.serial,
             'vmax_pool = %s' % choice.pool]
    if user:
        lines += ['vmax_smis_user = %s' % user,
                  'vmax_smis_password = %s' % password]
    if scheme == 'https':
        if no_verification:
            lines.append('driver_ssl_cert_verify = false')
        elif ca_certs:
            lines.append('driver_ssl_cert_path = %s' % ca_certs)
    if choice.service_level:
        lines += ['vmax_service_level = %s' % choice.service_level,
                  'vmax_workload = %s' % (choice.workload or 'NONE')]
    # A simulator finishes jobs and copies in well under a second: poll
    # often, and for at most about a minute.
    lines += ['vmax_job_interval = 0.1', 'vmax_job_retries = 600', '']
    return '\n'.join(lines)


class Demo(object):
    """Runs :data:`STEPS` against one driver instance and reports them."""

    def __init__(self, args, out=None):
        self.args = args
        self.out = out or sys.stdout
        self.sim = None
        self.server = None
        self.driver = None
        self.context = None
        self.objects = {}
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
        from cinder import context
        from cinder import objects
        from oslo_config import cfg
        from oslo_utils import importutils
        objects.register_all()
        from cinder.volume import configuration
        from cinder.volume import manager

        creds = (self.args.user, self.args.password)
        choice = discover_array(url, creds, ca_certs=self.args.ca_certs,
                                no_verification=self.args.insecure)
        if self.args.array:
            choice.serial = self.args.array
        if self.args.pool:
            choice.pool = self.args.pool
        text = backend_section(url, choice, self.args.user,
                               self.args.password, self.args.ca_certs,
                               self.args.insecure)
        path = os.path.join(self._workdir, 'cinder.conf')
        with open(path, 'w') as conf_file:
            conf_file.write(text)
        self.say('cinder.conf (%s):' % path)
        for line in text.splitlines():
            if line and not line.startswith('vmax_smis_password'):
                self.say('    ' + line)
        cfg.CONF(['--config-file', path], project='cinder',
                 default_config_files=[])
        conf = configuration.Configuration(manager.volume_backend_opts,
                                           config_group=SECTION)
        self.driver = importutils.import_object(
            conf.volume_driver, configuration=conf,
            host='%s@%s' % (cfg.CONF.host, SECTION), cluster_name=None,
            is_vol_db_empty=False, active_backend_id=None)
        self.context = context.get_admin_context()
        self.say('Driver: %s %s loaded by importutils.import_object'
                 % (type(self.driver).__name__, self.driver.VERSION))
        self.say()

    def stop(self):
        if self.server is not None:
            self.server.stop()
            self.server = None

    # -- Cinder objects -------------------------------------------------------

    def _volume(self, key, size):
        from cinder import objects
        volume_type = objects.VolumeType(
            context=self.context, id=str(uuid.uuid4()), name='vmax-demo',
            extra_specs={})
        pool = (self.driver.default_placement or {}).get('pool_name',
                                                         'pool')
        volume = objects.Volume(
            context=self.context, id=str(uuid.uuid4()), _name_id=None,
            size=size, volume_type_id=volume_type.id,
            volume_type=volume_type, provider_location=None,
            status='creating', host='%s#%s' % (self.driver.host, pool),
            display_name='demo %s' % key)
        self.objects[key] = volume
        return volume

    def _snapshot(self, key, volume):
        from cinder import objects
        snapshot = objects.Snapshot(
            context=self.context, id=str(uuid.uuid4()),
            volume_id=volume.id, volume=volume, volume_size=volume.size,
            volume_type_id=volume.volume_type_id, provider_location=None,
            status='creating', display_name='demo %s' % key)
        self.objects[key] = snapshot
        return snapshot

    @staticmethod
    def _apply(cinder_object, model_update):
        # What the manager does before volume.save().
        if model_update:
            cinder_object.update(model_update)
        return cinder_object

    # -- counting -------------------------------------------------------------

    def round_trips(self):
        if self.sim is not None:
            return self.sim.calls.total
        client = getattr(self.driver, 'client', None)
        return client.session.total_calls() if client else 0

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

    # -- steps ----------------------------------------------------------------

    def step_start_driver(self):
        self.driver.do_setup(self.context)
        self.driver.check_for_setup_error()
        self.driver.init_capabilities()
        self.driver.set_initialized()
        stats = self.driver.get_volume_stats(refresh=True)
        if self.sim is not None:
            self.baseline = self.sim.snapshot()
        pools = stats.get('pools') or [stats]
        return ('ok: pool %s, %s GiB free of %s GiB' % (
            pools[0].get('pool_name', '-'),
            pools[0].get('free_capacity_gb'),
            pools[0].get('total_capacity_gb')), True)

    def step_create_volume(self):
        volume = self._volume('vol-1', 1)
        self._apply(volume, self.driver.create_volume(volume))
        return 'ok: vol-1 (1 GiB) is device %s' % _device(volume), True

    def step_create_snapshot(self):
        snapshot = self._snapshot('snap-1', self.objects['vol-1'])
        self._apply(snapshot, self.driver.create_snapshot(snapshot))
        return 'ok: snap-1 of vol-1 is device %s' % _device(snapshot), True

    def step_clone(self):
        volume = self._volume('vol-2', 1)
        self._apply(volume, self.driver.create_cloned_volume(
            volume, self.objects['vol-1']))
        return 'ok: vol-2 cloned from vol-1 is device %s' % _device(
            volume), True

    def step_clone_with_fault(self):
        if self.sim is None:
            return ('skipped: fault injection needs the embedded '
                    'simulator (no --url)', True)
        from cinder import exception
        before = self.sim.snapshot()
        rule = self.sim.faults.add('job_exception', method=FAULT_METHOD,
                                   times=1, error_code=1,
                                   description='demo: injected failure')
        volume = self._volume('vol-x', 1)
        try:
            self.driver.create_cloned_volume(volume, self.objects['vol-1'])
        except exception.VolumeBackendAPIException as exc:
            failure = str(exc)
        else:
            return 'FAILED: the clone succeeded despite the fault', False
        finally:
            self.sim.faults.remove(rule)
            self.objects.pop('vol-x', None)
        diff = self.sim.diff(before)
        lines = ['%s: clone failed at %s as injected; reverted' % (
            'ok' if not diff else 'FAILED', FAULT_METHOD),
            'cinder saw: %s' % _first_line(failure, 240),
            'array state diff after the revert: %s' % (
                'empty' if not diff else '')]
        lines.extend('  ' + line for line in diff.lines())
        return '\n'.join(lines), not diff

    def step_create_from_snapshot(self):
        volume = self._volume('vol-3', 2)
        self._apply(volume, self.driver.create_volume_from_snapshot(
            volume, self.objects['snap-1']))
        return 'ok: vol-3 (2 GiB) from snap-1 is device %s' % _device(
            volume), True

    def step_extend(self):
        volume = self.objects['vol-1']
        self.driver.extend_volume(volume, 3)
        volume.size = 3
        return 'ok: vol-1 is now 3 GiB', True

    def step_delete_all(self):
        deleted = []
        for key in ('vol-3', 'vol-2', 'snap-1', 'vol-1'):
            cinder_object = self.objects.pop(key, None)
            if cinder_object is None:
                continue
            if key.startswith('snap'):
                self.driver.delete_snapshot(cinder_object)
            else:
                self.driver.delete_volume(cinder_object)
            deleted.append(key)
        return 'ok: deleted %s' % ', '.join(deleted), True

    def step_check_array(self):
        """Nothing the demo made is left: no device, snapshot or pair."""
        if self.sim is None:
            return 'skipped: needs the embedded simulator (no --url)', True
        diff = self.sim.diff(self.baseline)
        left = [key for kind in LEFTOVER_KINDS
                for key in diff.created_keys(kind)]
        lines = ['%s: %s since the driver started' % (
            'ok' if not left else 'FAILED',
            'no devices, snapshots or pairs left' if not left else
            '%d object(s) left' % len(left))]
        # Storage groups the flows made for the placement may stay, as
        # on a real array; show everything for the record.
        lines.extend('  ' + line for line in diff.lines())
        return '\n'.join(lines), not left

    # -- the whole run --------------------------------------------------------

    def run(self):
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
        self.say('vmax-demo: %s' % ('all steps passed' if ok
                                    else 'FAILED'))
        return 0 if ok else 1


# (step name shown to the user, Demo method)
STEPS = [
    ('start driver', 'step_start_driver'),
    ('create volume', 'step_create_volume'),
    ('create snapshot', 'step_create_snapshot'),
    ('clone volume', 'step_clone'),
    ('clone with injected fault', 'step_clone_with_fault'),
    ('create volume from snapshot', 'step_create_from_snapshot'),
    ('extend volume', 'step_extend'),
    ('delete everything', 'step_delete_all'),
    ('check the array', 'step_check_array'),
]
# State kinds (vmax_sim's snapshot keys) that must not outlive the demo.
LEFTOVER_KINDS = ('device', 'snapshot', 'relationship')


def _device(cinder_object):
    from vmax_flows import naming
    location = naming.decode_provider_location(
        cinder_object.provider_location) or {}
    return location.get('device_id', '?')


def _first_line(text, limit):
    line = (text or '').strip().splitlines()[0] if text else ''
    return line if len(line) <= limit else line[:limit - 3] + '...'


def summary_table(results):
    rows = [('operation', 'round trips', 'time (s)', 'result')]
    rows += [(r.name, str(r.round_trips), '%.2f' % r.seconds,
              _first_line(r.result, 60)) for r in results]
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
        raise argparse.ArgumentTypeError('must not be negative')
    return value


def build_parser():
    parser = argparse.ArgumentParser(
        prog='vmax-demo',
        description='Drive the VMAX TaskFlow driver through a volume '
                    'lifecycle against a simulated array.')
    parser.add_argument('--url', help='SMI-S provider to use instead of an '
                        'embedded simulator, e.g. http://127.0.0.1:5988 '
                        '(a running "vmax-sim serve"); no fault injection')
    parser.add_argument('--profile', default=DEFAULT_PROFILE,
                        help='simulator profile of the embedded array '
                             '(default: %(default)s)')
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
    level = {0: logging.ERROR, 1: logging.INFO}.get(args.verbose,
                                                    logging.DEBUG)
    logging.basicConfig(level=level, stream=sys.stderr,
                        format='    log %(levelname)s %(name)s: '
                               '%(message)s')
    # requests would ignore the demo's CA settings while these are set
    # (psf/requests#3829).
    for name in ('REQUESTS_CA_BUNDLE', 'CURL_CA_BUNDLE'):
        os.environ.pop(name, None)
    return Demo(args).run()


if __name__ == '__main__':
    sys.exit(main())
