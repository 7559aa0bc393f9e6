#!/usr/bin/env python
"""Run every benchmark of the project and print all their figures.

    python bench/run_all.py [--latency-ms 50] [--devices 10000]

In turn, each in a process of its own (so one's memory and threads do
not colour the next one's figures):

* ``bench_sim.py`` -- the simulator's CIM engine at ``--devices``
  devices: GetInstance / Associators / enumerations through the
  dispatcher and through pywbem in-process, peak memory;
* ``bench_sim_wire.py`` -- the transports: per-call latency in-process
  and over HTTP loopback, HTTP operations per second, large results;
* ``bench_driver.py`` -- the driver: SMI-S round trips per operation
  next to the 2.x driver's, wall time at ``--latency-ms`` over HTTP,
  TaskFlow overhead.

Exits non-zero when any benchmark does (a missed target).
"""

import argparse
import os
import subprocess
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))


def benchmarks(args):
    return [
        ('simulator CIM engine', ['bench_sim.py', '--devices',
                                  str(args.devices)]),
        ('simulator transports', ['bench_sim_wire.py']),
        ('driver', ['bench_driver.py', '--latency-ms',
                    str(args.latency_ms)]),
    ]


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    parser.add_argument('--latency-ms', type=float, default=50.0)
    parser.add_argument('--devices', type=int, default=10000)
    args = parser.parse_args(argv)
    failed = []
    for title, command in benchmarks(args):
        script = os.path.join(HERE, command[0])
        print('=' * 78)
        print('== %s: %s' % (title, ' '.join(command)))
        print('=' * 78, flush=True)
        started = time.monotonic()
        status = subprocess.call([sys.executable, script] + command[1:])
        print('-- %s: exit status %d after %.0f s\n'
              % (title, status, time.monotonic() - started), flush=True)
        if status:
            failed.append(title)
    if failed:
        print('FAILED: %s' % ', '.join(failed))
        return 1
    print('All benchmarks ran; every target they check was met.')
    return 0


if __name__ == '__main__':
    sys.exit(main())
