#!/usr/bin/env python
"""Benchmark the simulator's CIM engine at scale.

    python bench/bench_sim.py [--devices 10000] [--repeat 200]

Builds a VMAX3 estate with ``--devices`` devices spread over storage
groups (one of them in a masking view, so host LUNs exist), then times
point reads, association traversals and enumerations through the
dispatcher (what every transport calls) and through a real
``pywbem.WBEMConnection`` with the in-process transport (full CIM-XML,
no socket), and reports the process's peak memory.  Targets: GetInstance
and Associators <= 1 ms through the dispatcher, EnumerateInstanceNames of
all devices <= 100 ms, peak memory <= 300 MB.
"""

import argparse
import math
import os
import resource
import statistics
import sys
import time

import pywbem

# Run from a checkout without installing the project.
sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(
    __file__))))
from vmax_sim.model import ops  # noqa: E402
from vmax_sim import Simulator  # noqa: E402

SERIAL = '000197800123'
GIB = 1024 ** 3
SG_SIZE = 4000
NS = 'root/emc'


def build(devices):
    sim = Simulator.from_profile('vmax3-allflash')
    estate = sim.estate
    done = 0
    index = 0
    while done < devices:
        count = min(SG_SIZE, devices - done)
        name = 'OS-bench-%d-SG' % index
        ops.create_storage_group(estate, SERIAL, name, srp='SRP_1',
                                 slo='Diamond', workload='OLTP')
        ops.create_volumes(estate, SERIAL, 'OS-bench', GIB, count,
                           storage_group=name)
        done += count
        index += 1
    ops.create_hardware_id(estate, SERIAL, 'iqn.2000-01.com.example:bench',
                           5)
    ops.create_initiator_group(estate, SERIAL, 'OS-bench-I-IG',
                               ['iqn.2000-01.com.example:bench'])
    ops.create_masking_view(estate, SERIAL, 'OS-bench-MV', 'OS-bench-0-SG',
                            'OS-bench-I-IG', 'OS-PG-iSCSI-A')
    return sim


def per_call_ms(func, repeat):
    """Median and 95th percentile of ``repeat`` calls, in ms."""
    samples = []
    for _ in range(repeat):
        started = time.perf_counter()
        func()
        samples.append((time.perf_counter() - started) * 1000.0)
    samples.sort()
    rank = max(0, math.ceil(len(samples) * 0.95) - 1)
    return statistics.median(samples), samples[rank]


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument('--devices', type=int, default=10000)
    parser.add_argument('--repeat', type=int, default=200)
    args = parser.parse_args(argv)

    started = time.perf_counter()
    sim = build(args.devices)
    build_s = time.perf_counter() - started
    dispatcher = sim.dispatcher
    arr = sim.array()
    device_id = sorted(arr.devices)[len(arr.devices) // 2]
    first_id = arr.storage_groups['OS-bench-0-SG'].members[0]
    volume = pywbem.CIMInstanceName('Symm_StorageVolume', namespace=NS,
                                    keybindings={
                                        'CreationClassName':
                                            'Symm_StorageVolume',
                                        'SystemCreationClassName':
                                            'Symm_StorageSystem',
                                        'SystemName': arr.system_name,
                                        'DeviceID': device_id})
    mapped = volume.copy()
    mapped['DeviceID'] = first_id

    def imethod(name, **params):
        return lambda: dispatcher.imethodcall(name, NS, params)

    rows = []

    def row(label, func, target=None, repeat=args.repeat):
        median, p95 = per_call_ms(func, repeat)
        verdict = ''
        if target is not None:
            verdict = 'ok' if median <= target else 'OVER'
        rows.append((label, median, p95,
                     '' if target is None else '%g' % target, verdict))

    enum_devices = imethod('EnumerateInstanceNames',
                           ClassName='CIM_StorageVolume')
    cold_started = time.perf_counter()
    count = len(enum_devices())
    cold_ms = (time.perf_counter() - cold_started) * 1000.0
    rows.append(('dispatcher EnumerateInstanceNames(%d devices), first'
                 % count, cold_ms, cold_ms, '', ''))
    row('dispatcher EnumerateInstanceNames(all devices)', enum_devices,
        100, repeat=10)
    row('dispatcher GetInstance(volume)',
        imethod('GetInstance', InstanceName=volume), 1)
    row('dispatcher Associators(volume -> pool)',
        imethod('Associators', ObjectName=volume,
                ResultClass='CIM_StoragePool'), 1)
    row('dispatcher AssociatorNames(volume -> SG)',
        imethod('AssociatorNames', ObjectName=volume,
                ResultClass='CIM_DeviceMaskingGroup'), 1)
    row('dispatcher Associators(volume, unfiltered)',
        imethod('Associators', ObjectName=volume), 1)
    row('dispatcher ReferenceNames(mapped volume -> LUN)',
        imethod('ReferenceNames', ObjectName=mapped,
                ResultClass='CIM_ProtocolControllerForUnit'), 1)
    row('dispatcher EnumerateInstanceNames(service)',
        imethod('EnumerateInstanceNames',
                ClassName='EMC_StorageConfigurationService'), 1)
    row('dispatcher EnumerateInstances(all devices)',
        imethod('EnumerateInstances', ClassName='CIM_StorageVolume'),
        repeat=2)

    scs = dispatcher.imethodcall('EnumerateInstanceNames', NS, {
        'ClassName': 'EMC_StorageConfigurationService'})[0]
    srp = dispatcher.imethodcall('EnumerateInstanceNames', NS, {
        'ClassName': 'Symm_SRPStoragePool'})[0]
    row('dispatcher InvokeMethod(create volume)',
        lambda: dispatcher.methodcall(
            'CreateOrModifyElementFromStoragePool', scs,
            [('ElementName', 'OS-new'), ('ElementType', pywbem.Uint16(5)),
             ('Size', pywbem.Uint64(GIB)), ('InPool', srp)]),
        repeat=50)

    conn = sim.connection()
    row('pywbem in-process GetInstance(volume)',
        lambda: conn.GetInstance(volume), repeat=args.repeat // 2)
    row('pywbem in-process Associators(volume -> pool)',
        lambda: conn.Associators(volume, ResultClass='CIM_StoragePool'),
        repeat=args.repeat // 2)
    row('pywbem in-process EnumerateInstanceNames(all devices)',
        lambda: conn.EnumerateInstanceNames('CIM_StorageVolume'), repeat=3)

    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024.0
    width = max(len(r[0]) for r in rows)
    print('vmax_sim CIM engine, %d devices (estate built in %.2f s)'
          % (count, build_s))
    print('%-*s  %10s  %10s  %8s  %s' % (width, 'operation', 'median ms',
                                         'p95 ms', 'target', ''))
    for label, median, p95, target, verdict in rows:
        print('%-*s  %10.3f  %10.3f  %8s  %s' % (width, label, median, p95,
                                                 target, verdict))
    mem_verdict = 'ok' if peak_mb <= 300 else 'OVER'
    print('%-*s  %10.1f  %10s  %8s  %s' % (width, 'peak memory (MB)',
                                           peak_mb, '', '300', mem_verdict))
    failed = [r for r in rows if r[4] == 'OVER'] or peak_mb > 300
    return 1 if failed else 0


if __name__ == '__main__':
    sys.exit(main())
