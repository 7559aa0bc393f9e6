"""Benchmark of the simulator's transports.

Run: ``python bench/bench_sim_wire.py [--volumes N]``.

Measures, with the real pywbem client:

* per-call latency of small operations (GetInstance, Associators,
  EnumerateInstanceNames of a service class) through the in-process
  adapter and over HTTP loopback, with the server's own share taken from
  the WBEMServerResponseTime header;
* throughput of small operations over HTTP with several client threads
  (target: at least 300 ops/s with a few threads), and with client
  processes, which shows the server's capacity rather than the client's
  (pywbem spends about 3 ms of CPU per small call, under one interpreter
  lock for all threads of a process);
* large results: EnumerateInstanceNames / EnumerateInstances of every
  volume (``--volumes``) on both transports.

The HTTP server runs as a separate ``vmax-sim serve`` process (as it is
deployed, and so that client threads and server threads do not share one
interpreter lock); client and server still share the machine's CPUs.
"""

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import threading
import time

import pywbem
import yaml

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(
    __file__))))

from vmax_sim.model import profiles  # noqa: E402
from vmax_sim import Simulator  # noqa: E402

PROFILE = 'vmax3-allflash'
NS = 'root/emc'


def write_profile(volumes, directory):
    """The vmax3-allflash profile plus ``volumes`` 1 GiB devices."""
    with open(profiles.profile_path(PROFILE)) as src:
        data = yaml.safe_load(src)
    if volumes:
        data['arrays'][0].setdefault('devices', []).append(
            {'count': volumes, 'size_gib': 1, 'label': 'bench-{index}'})
    path = os.path.join(directory, 'bench-profile.yaml')
    with open(path, 'w') as out:
        yaml.safe_dump(data, out)
    return path


def start_server(profile_path):
    """``vmax-sim serve`` in a child process; returns (process, url)."""
    process = subprocess.Popen(
        [sys.executable, '-m', 'vmax_sim.cli', 'serve', '--profile',
         profile_path, '--port', '0'],
        stdout=subprocess.PIPE, text=True)
    for line in process.stdout:
        if line.startswith('URL: '):
            return process, line.split(': ', 1)[1].strip()
    raise RuntimeError('vmax-sim serve did not start')


def _targets(conn):
    system = conn.EnumerateInstanceNames('EMC_StorageSystem')[0]
    volumes = conn.EnumerateInstanceNames('Symm_StorageVolume')
    return system, (volumes[0] if volumes else system)


def small_operations(conn):
    """name -> zero-argument callable, for the latency table."""
    system, volume = _targets(conn)
    return [
        ('GetInstance(volume)', lambda: conn.GetInstance(volume)),
        ('Associators(system->services)', lambda: conn.Associators(
            system, AssocClass='CIM_HostedService')),
        ('EnumerateInstanceNames(service)',
         lambda: conn.EnumerateInstanceNames(
             'EMC_StorageConfigurationService')),
    ]


def time_calls(conn, func, calls):
    """Latencies (ms) of ``calls`` runs, plus median server share (ms)."""
    func()  # warm up (connection, caches)
    client, server = [], []
    for _ in range(calls):
        started = time.perf_counter()
        func()
        client.append((time.perf_counter() - started) * 1000.0)
        if conn.last_server_response_time is not None:
            server.append(conn.last_server_response_time * 1000.0)
    return client, (statistics.median(server) if server else float('nan'))


def _p95(values):
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(len(ordered) * 0.95))]


def throughput(url, threads, seconds):
    """GetInstance calls per second over HTTP with ``threads`` clients."""
    stop = threading.Event()
    counts = [0] * threads
    errors = []

    def client(index):
        conn = pywbem.WBEMConnection(url, default_namespace=NS)
        _, volume = _targets(conn)
        while not stop.is_set():
            try:
                conn.GetInstance(volume)
            except pywbem.Error as exc:
                errors.append(exc)
                return
            counts[index] += 1

    workers = [threading.Thread(target=client, args=(i,))
               for i in range(threads)]
    for worker in workers:
        worker.start()
    time.sleep(0.3)  # let every client connect before counting
    baseline = sum(counts)
    started = time.perf_counter()
    time.sleep(seconds)
    done = sum(counts) - baseline
    elapsed = time.perf_counter() - started
    stop.set()
    for worker in workers:
        worker.join()
    if errors:
        raise errors[0]
    return done / elapsed


def _count_calls(url, seconds, start_at):
    """Child process: GetInstance calls in ``seconds`` from ``start_at``."""
    conn = pywbem.WBEMConnection(url, default_namespace=NS)
    _, volume = _targets(conn)
    conn.GetInstance(volume)
    while time.time() < start_at:
        time.sleep(0.005)
    calls = 0
    started = time.perf_counter()
    while time.perf_counter() - started < seconds:
        conn.GetInstance(volume)
        calls += 1
    return calls / (time.perf_counter() - started)


def throughput_processes(url, processes, seconds):
    """Total GetInstance calls per second of ``processes`` clients."""
    import concurrent.futures
    start_at = time.time() + 1.0 + 0.2 * processes
    with concurrent.futures.ProcessPoolExecutor(processes) as pool:
        rates = pool.map(_count_calls, [url] * processes,
                         [seconds] * processes, [start_at] * processes)
        return sum(rates)


def _process_cpu_seconds(pid):
    """User+system CPU time of process ``pid`` (Linux /proc), or None."""
    try:
        with open('/proc/%d/stat' % pid) as src:
            fields = src.read().rsplit(')', 1)[1].split()
    except OSError:
        return None
    return (int(fields[11]) + int(fields[12])) / os.sysconf('SC_CLK_TCK')


def server_cpu_per_call(conn, pid, calls):
    """CPU ms the server process spends per GetInstance (incl. HTTP).

    Unlike wall-clock figures this hardly depends on what else runs on
    the machine, so it gives the server's capacity per core.
    """
    _, volume = _targets(conn)
    conn.GetInstance(volume)
    before = _process_cpu_seconds(pid)
    if before is None:
        return float('nan')
    for _ in range(calls):
        conn.GetInstance(volume)
    return (_process_cpu_seconds(pid) - before) * 1000.0 / calls


def large_results(conn, reps):
    rows = []
    for name, func in (
            ('EnumerateInstanceNames(all volumes)',
             lambda: conn.EnumerateInstanceNames('Symm_StorageVolume')),
            ('EnumerateInstances(all volumes)',
             lambda: conn.EnumerateInstances('Symm_StorageVolume'))):
        times, server = time_calls(conn, func, reps)
        rows.append((name, statistics.median(times), server))
    return rows


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument('--volumes', type=int, default=1000,
                        help='volumes on the array (default %(default)s)')
    parser.add_argument('--calls', type=int, default=200,
                        help='calls per latency figure (default %(default)s)')
    parser.add_argument('--seconds', type=float, default=3.0,
                        help='duration of each throughput run')
    parser.add_argument('--threads', default='1,2,4',
                        help='client thread counts (default %(default)s)')
    parser.add_argument('--large-reps', type=int, default=3)
    args = parser.parse_args(argv)

    print('load average before the run: %.2f %.2f %.2f' % os.getloadavg())
    workdir = tempfile.mkdtemp(prefix='bench-sim-wire-')
    profile_path = write_profile(args.volumes, workdir)
    started = time.perf_counter()
    sim = Simulator.from_profile(profile_path)
    print('simulator: %s with %d volumes (built in %.1f s)' % (
        PROFILE, args.volumes, time.perf_counter() - started))
    adapter_conn = sim.connection(creds=None)
    server, url = start_server(profile_path)
    try:
        http_conn = pywbem.WBEMConnection(url, default_namespace=NS)
        print()
        print('Per-call latency, ms (median / p95; server = the server\'s '
              'own share, median)')
        header = '%-36s %17s %17s %9s' % ('operation', 'in-process',
                                          'HTTP loopback', 'server')
        print(header)
        print('-' * len(header))
        for (name, via_adapter), (_, via_http) in zip(
                small_operations(adapter_conn), small_operations(http_conn)):
            a_times, _ = time_calls(adapter_conn, via_adapter, args.calls)
            h_times, h_server = time_calls(http_conn, via_http, args.calls)
            print('%-36s %8.2f / %6.2f %8.2f / %6.2f %9.2f' % (
                name, statistics.median(a_times), _p95(a_times),
                statistics.median(h_times), _p95(h_times), h_server))

        cpu_ms = server_cpu_per_call(http_conn, server.pid,
                                     max(args.calls, 300))
        print()
        print('Server CPU per GetInstance over HTTP: %.2f ms (capacity about '
              '%.0f ops/s per core)' % (cpu_ms, 1000.0 / cpu_ms))
        print()
        print('Throughput over HTTP loopback, GetInstance (target >= 300 '
              'ops/s)')
        print('%-10s %14s %16s' % ('clients', 'threads ops/s',
                                   'processes ops/s'))
        for clients in [int(t) for t in args.threads.split(',')]:
            print('%-10d %14.0f %16.0f' % (
                clients, throughput(url, clients, args.seconds),
                throughput_processes(url, clients, args.seconds)))

        if args.volumes:
            print()
            print('Large results, %d volumes, ms (median of %d)'
                  % (args.volumes, args.large_reps))
            print('%-36s %12s %12s %9s' % ('operation', 'in-process',
                                           'HTTP', 'server'))
            for (name, a_ms, _), (_, h_ms, h_server) in zip(
                    large_results(adapter_conn, args.large_reps),
                    large_results(http_conn, args.large_reps)):
                print('%-36s %12.1f %12.1f %9.1f' % (name, a_ms, h_ms,
                                                     h_server))
    finally:
        server.terminate()
        server.communicate(timeout=30)
        os.remove(profile_path)
        os.rmdir(workdir)
    return 0


if __name__ == '__main__':
    sys.exit(main())
