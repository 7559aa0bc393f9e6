"""``vmax-sim``: run the VMAX SMI-S simulator, inspect arrays, list profiles.

::

    vmax-sim serve --profile vmax3-allflash --port 5988 [--user U --password P]
                   [--state FILE] [--https [--cert-dir DIR]]
                   [--latency-ms N] [--clock real|manual]
    vmax-sim summary (--profile NAME|FILE | --state FILE) [--serial SN]
    vmax-sim profiles

``serve`` restores ``--state`` when the file exists (else loads the
profile), saves it on SIGINT/SIGTERM and, while serving, after mutating
operations (at most every ``--save-interval`` seconds).  It prints the URL
(and for HTTPS the certificate to trust) on stdout, one ``Key: value`` per
line, so scripts can read them.
"""

import argparse
import logging
import os
import signal
import sys
import textwrap
import threading

DEFAULT_HTTP_PORT = 5988
DEFAULT_HTTPS_PORT = 5989
DEFAULT_SAVE_INTERVAL = 5.0
# Operations that can change the array (ModifyInstance, and extrinsic
# methods, counted all together by the call log as 'InvokeMethod').
MUTATING_OPERATIONS = ('InvokeMethod', 'ModifyInstance')

LOG = logging.getLogger('vmax_sim.cli')


class CliError(Exception):
    """A usage or input problem, reported without a traceback."""


def _simulator_class():
    from vmax_sim import simulator
    return simulator.Simulator


def _open_simulator(profile, state, clock):
    """The simulator: from the state file when it exists, else the profile.
    """
    simulator_cls = _simulator_class()
    if state and os.path.exists(state):
        # Without --clock the state file keeps the clock it was saved with.
        return simulator_cls.load(state, clock=clock), 'state file %s' % state
    if not profile:
        if state:
            raise CliError('state file %s does not exist; give --profile '
                           'to start from a profile' % state)
        raise CliError('give --profile (or --state with an existing file)')
    return (simulator_cls.from_profile(profile, clock=clock or 'real'),
            'profile %s' % profile)


def _mutation_count(sim):
    return sum(sim.calls.count(op) for op in MUTATING_OPERATIONS)


class _StateSaver(object):
    """Saves the state file after mutating operations, and on demand.

    It polls the simulator's call counters, so saving never runs inside a
    client's request.
    """

    def __init__(self, sim, path, interval):
        self._sim = sim
        self._path = path
        self._interval = interval
        self._saved_at = _mutation_count(sim)
        self._stop = threading.Event()
        self._lock = threading.Lock()
        self._thread = threading.Thread(target=self._run,
                                        name='vmax-sim-saver', daemon=True)

    def start(self):
        self._thread.start()

    def _run(self):
        while not self._stop.wait(self._interval):
            if _mutation_count(self._sim) != self._saved_at:
                self.save()

    def save(self):
        with self._lock:
            count = _mutation_count(self._sim)
            self._sim.save(self._path)
            self._saved_at = count
        LOG.info('saved state to %s', self._path)

    def stop(self):
        self._stop.set()
        self._thread.join(self._interval + 5)


def _print(*lines):
    for line in lines:
        print(line)
    sys.stdout.flush()


def _install_stop_signals(stop_event):
    def request_stop(signum, frame):
        stop_event.set()
    for signum in (signal.SIGINT, signal.SIGTERM):
        signal.signal(signum, request_stop)


def cmd_serve(args):
    if (args.user is None) != (args.password is None):
        raise CliError('--user and --password go together')
    if args.cert_dir and not args.https:
        raise CliError('--cert-dir needs --https')
    sim, source = _open_simulator(args.profile, args.state, args.clock)
    if args.latency_ms is not None:
        sim.latency_ms = args.latency_ms
    port = args.port
    if port is None:
        port = DEFAULT_HTTPS_PORT if args.https else DEFAULT_HTTP_PORT
    certfile = keyfile = None
    if args.https:
        from vmax_sim.wire import tls
        cert_dir = args.cert_dir or os.path.join(
            os.path.expanduser('~'), '.vmax-sim', 'tls')
        certfile, keyfile = tls.ensure_certificate(cert_dir, [args.host])
    stop_event = threading.Event()
    _install_stop_signals(stop_event)
    handle = sim.serve(host=args.host, port=port, user=args.user,
                       password=args.password, https=args.https,
                       certfile=certfile, keyfile=keyfile)
    saver = None
    if args.state:
        saver = _StateSaver(sim, args.state, args.save_interval)
        saver.start()
    lines = ['vmax-sim serving %s' % source, 'URL: %s' % handle.url]
    if certfile:
        lines.append('CA certificate: %s' % certfile)
    if args.user:
        lines.append('User: %s' % args.user)
    if args.state:
        lines.append('State file: %s' % args.state)
    lines.append('Press Ctrl-C to stop.')
    _print(*lines)
    try:
        stop_event.wait()
    finally:
        handle.stop()
        if saver is not None:
            saver.stop()
            saver.save()
            _print('Saved state to %s' % args.state)
    _print('Stopped.')
    return 0


def cmd_summary(args):
    if not args.profile and not args.state:
        raise CliError('give --profile or --state')
    simulator_cls = _simulator_class()
    if args.state:
        if not os.path.exists(args.state):
            raise CliError('state file %s does not exist' % args.state)
        sim = simulator_cls.load(args.state)
    else:
        sim = simulator_cls.from_profile(args.profile)
    serials = list(sim.estate.arrays)
    if args.serial is not None and args.serial not in serials:
        raise CliError('no array %s here; arrays: %s'
                       % (args.serial, ', '.join(serials)))
    _print(sim.summary(args.serial))
    return 0


def _profile_description(path):
    """First sentence of the comment block that opens a profile file."""
    words = []
    with open(path) as src:
        for line in src:
            if not line.startswith('#'):
                break
            words.extend(line.lstrip('#').split())
    sentence = ' '.join(words).split('. ', 1)[0].rstrip('.')
    return textwrap.shorten(sentence, 72, placeholder=' ...')


def cmd_profiles(args):
    from vmax_sim.model import profiles
    names = profiles.available_profiles()
    if not names:
        _print('no profiles found in %s' % ', '.join(profiles.profile_dirs()))
        return 0
    width = max(len(name) for name in names)
    _print(*['%-*s  %s' % (width, name, _profile_description(
        profiles.profile_path(name))) for name in names])
    return 0


def _non_negative(text):
    value = float(text)
    if value < 0:
        raise argparse.ArgumentTypeError('must not be negative')
    return value


def build_parser():
    parser = argparse.ArgumentParser(
        prog='vmax-sim',
        description='Stateful SMI-S simulator of Dell EMC VMAX arrays.')
    parser.add_argument('-v', '--verbose', action='count', default=0,
                        help='log to stderr (-v info, -vv debug)')
    commands = parser.add_subparsers(dest='command', metavar='COMMAND')
    commands.required = True

    serve = commands.add_parser(
        'serve', help='serve an array over CIM-XML (HTTP or HTTPS)')
    serve.add_argument('--profile', metavar='FILE|NAME',
                       help='array profile: a shipped name or a file')
    serve.add_argument('--state', metavar='FILE',
                       help='state file: restored when it exists, saved '
                            'on shutdown and after changes')
    serve.add_argument('--host', default='127.0.0.1',
                       help='address to bind (default %(default)s)')
    serve.add_argument('--port', type=int,
                       help='port (default %d, or %d with --https; 0 lets '
                            'the OS choose)'
                            % (DEFAULT_HTTP_PORT, DEFAULT_HTTPS_PORT))
    serve.add_argument('--user', help='require HTTP Basic auth as this user')
    serve.add_argument('--password', help='password for --user')
    serve.add_argument('--https', action='store_true',
                       help='serve HTTPS with a self-signed certificate')
    serve.add_argument('--cert-dir', metavar='DIR',
                       help='where the certificate is kept and reused '
                            '(default ~/.vmax-sim/tls)')
    serve.add_argument('--latency-ms', type=_non_negative, metavar='N',
                       help='added latency per operation, in ms')
    serve.add_argument('--clock', choices=('real', 'manual'),
                       help='array clock: real (wall time, the default for '
                            'a profile, so jobs and copies progress) or '
                            'manual (frozen; for scripted rehearsals); a '
                            'state file keeps its own unless given')
    serve.add_argument('--save-interval', type=_non_negative,
                       default=DEFAULT_SAVE_INTERVAL, metavar='SECONDS',
                       help='how often changes are saved to --state '
                            '(default %(default)s)')
    serve.set_defaults(func=cmd_serve)

    summary = commands.add_parser(
        'summary', help='print pools, devices, groups, views and sessions')
    source = summary.add_mutually_exclusive_group(required=True)
    source.add_argument('--profile', metavar='FILE|NAME')
    source.add_argument('--state', metavar='FILE')
    summary.add_argument('--serial', metavar='SN',
                         help='only this array (default: all)')
    summary.set_defaults(func=cmd_summary)

    profiles = commands.add_parser('profiles',
                                   help='list the shipped array profiles')
    profiles.set_defaults(func=cmd_profiles)
    return parser


def main(argv=None):
    parser = build_parser()
    args = parser.parse_args(argv)
    if args.verbose:
        logging.basicConfig(
            level=logging.DEBUG if args.verbose > 1 else logging.INFO,
            format='%(asctime)s %(levelname)s %(name)s: %(message)s')
    try:
        return args.func(args)
    except CliError as exc:
        parser.exit(2, 'vmax-sim: error: %s\n' % exc)
    except (OSError, ValueError, KeyError) as exc:
        # Profile, state and certificate problems: no traceback needed.
        parser.exit(1, 'vmax-sim: error: %s\n' % exc)


if __name__ == '__main__':
    sys.exit(main())
