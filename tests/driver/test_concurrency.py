"""Concurrent attaches and detaches: threads on one driver, and two
processes sharing one tooz file backend and one simulator over HTTP.

Each test ends with zero errors, zero orphaned groups or views, and the
array's masking exactly the attachments that exist.
"""

import concurrent.futures
import json
import os
import subprocess
import sys
import threading

import fixtures
import testtools

from tests.driver import test_attach_support as support
from vmax_flows import locks

HOSTS = ['compute-%d' % i for i in range(1, 6)]


def run_parallel(calls, workers):
    """Run ``calls`` (callables) at the same time; (results, errors)."""
    start = threading.Barrier(min(workers, len(calls)))

    def wrapped(call):
        try:
            start.wait(10)
        except threading.BrokenBarrierError:
            pass
        return call()
    results, errors = [], []
    with concurrent.futures.ThreadPoolExecutor(workers) as pool:
        futures = [pool.submit(wrapped, call) for call in calls]
        for future in futures:
            try:
                results.append(future.result())
            except Exception as exc:
                errors.append(exc)
    return results, errors


class ConcurrencyTestCase(testtools.TestCase):

    def setUp(self):
        super().setUp()
        self.backend = self.useFixture(
            support.AttachBackend('vmax3-allflash'))
        self.driver = self.backend.driver
        self.array = self.backend.array

    def assert_masking_is(self, attachments):
        """``attachments``: {host: [volumes]} -- exactly these, and no
        other host object on the array."""
        views = {}
        for host, volumes in attachments.items():
            if not volumes:
                continue
            names = support.names(host)
            devices = sorted(self.backend.device_of(v).device_id
                             for v in volumes)
            view = self.array.masking_views[names['mv']]
            self.assertEqual(devices, sorted(view.luns))
            self.assertEqual(len(devices), len(set(view.luns.values())))
            self.assertEqual(devices, sorted(
                self.array.storage_groups[names['sg']].members))
            self.assertEqual(['iqn.1993-08.org.debian:01:%s' % host],
                             self.array.initiator_groups[names['ig']]
                             .hardware_ids)
            views[names['mv']] = True
        self.assertEqual(sorted(views), sorted(self.array.masking_views))
        self.assertEqual([], self.backend.orphans())


class ThreadedAttachTest(ConcurrencyTestCase):

    def test_50_parallel_attaches_of_distinct_volumes_to_5_hosts(self):
        volumes = [self.backend.quick_volume() for _ in range(50)]
        plan = [(HOSTS[i % 5], volume) for i, volume in enumerate(volumes)]
        results, errors = run_parallel(
            [lambda h=host, v=volume: (v, self.backend.attach(v, h))
             for host, volume in plan], workers=50)
        self.assertEqual([], errors)
        attached = {host: [v for h, v in plan if h == host]
                    for host in HOSTS}
        self.assert_masking_is(attached)
        for volume, info in results:
            host = next(h for h, v in plan if v is volume)
            self.assertEqual(
                self.backend.lun_of(volume, support.names(host)['mv']),
                info['data']['target_lun'])
        self.assertEqual([], self.array.storage_groups[
            support.DEFAULT_SG].members)

    def test_12_parallel_detaches_from_one_host(self):
        volumes = [self.backend.quick_volume() for _ in range(12)]
        for volume in volumes:
            self.backend.attach(volume, 'compute-1')
        results, errors = run_parallel(
            [lambda v=volume: self.backend.detach(v, 'compute-1')
             for volume in volumes], workers=12)
        self.assertEqual([], errors)
        self.assert_masking_is({})
        self.assertEqual({}, self.array.initiator_groups)
        self.assertEqual({}, self.array.hardware_ids)
        self.assertEqual(
            sorted(self.backend.device_of(v).device_id for v in volumes),
            sorted(self.array.storage_groups[support.DEFAULT_SG].members))

    def test_last_detach_interleaved_with_a_new_attach(self):
        current = self.backend.quick_volume()
        self.backend.attach(current, 'compute-1')
        for round_number in range(6):
            new = self.backend.quick_volume()
            calls = [lambda v=current: self.backend.detach(v, 'compute-1'),
                     lambda v=new: self.backend.attach(v, 'compute-1')]
            if round_number % 2:
                calls.reverse()
            results, errors = run_parallel(calls, workers=2)
            self.assertEqual([], errors)
            self.assert_masking_is({'compute-1': [new]})
            self.assertEqual([support.DEFAULT_SG],
                             self.backend.groups_of(current))
            current = new

    def test_two_attaches_on_a_host_without_a_view(self):
        # Field scenario S20: both see "no view yet"; the locks make the
        # second find what the first made.
        volumes = [self.backend.quick_volume() for _ in range(2)]
        results, errors = run_parallel(
            [lambda v=volume: self.backend.attach(v, 'compute-1')
             for volume in volumes], workers=2)
        self.assertEqual([], errors)
        self.assert_masking_is({'compute-1': volumes})
        self.assertEqual({1, 2}, {r['data']['target_lun'] for r in results})


class TwoProcessTest(ConcurrencyTestCase):

    def test_attach_workload_split_across_two_processes(self):
        server = self.backend.sim.serve(port=0)
        self.addCleanup(server.stop)
        lock_path = self.useFixture(fixtures.TempDir()).path
        hosts = HOSTS[:4]
        volumes = [self.backend.quick_volume() for _ in range(16)]
        plan = [(hosts[i % 4], volume) for i, volume in enumerate(volumes)]
        jobs = []
        for worker in range(2):
            work = [[host, volume.id, volume.provider_location]
                    for index, (host, volume) in enumerate(plan)
                    if index // 4 % 2 == worker]
            jobs.append({'url': server.url, 'serial': self.backend.serial,
                         'lock_path': lock_path, 'threads': 4,
                         'work': work})
        root = os.path.dirname(os.path.dirname(os.path.dirname(
            os.path.abspath(__file__))))
        # Output goes to files: a child blocked on a full pipe would hold
        # its locks and stall the other child.
        logs = self.useFixture(fixtures.TempDir()).path
        children = []
        for index, job in enumerate(jobs):
            out = open(os.path.join(logs, '%d.out' % index), 'w+')
            err = open(os.path.join(logs, '%d.err' % index), 'w+')
            self.addCleanup(out.close)
            self.addCleanup(err.close)
            children.append((subprocess.Popen(
                [sys.executable, '-m', 'tests.driver.test_concurrency_worker',
                 json.dumps(job)], cwd=root, stdout=out, stderr=err), out,
                err))
        outputs = []
        for child, out, err in children:
            child.wait(timeout=120)
            err.seek(0)
            self.assertEqual(0, child.returncode, err.read()[-3000:])
            out.seek(0)
            outputs.append(json.loads(out.read().strip().splitlines()[-1]))
        self.assertEqual([[], []], [o['errors'] for o in outputs])
        luns = {}
        for output in outputs:
            luns.update(output['luns'])
        self.assertEqual(16, len(luns))
        attached = {host: [v for h, v in plan if h == host]
                    for host in hosts}
        self.assert_masking_is(attached)
        for host, volume in plan:
            self.assertEqual(
                self.backend.lun_of(volume, support.names(host)['mv']),
                luns[volume.id])
        # Both processes really served each host.
        self.assertEqual(8, len(jobs[0]['work']))
        self.assertEqual(set(hosts), {w[0] for w in jobs[0]['work']})
        self.assertEqual(set(hosts), {w[0] for w in jobs[1]['work']})


class CinderCoordinationTest(ConcurrencyTestCase):

    def test_cinders_coordinator_is_used_once_started(self):
        from cinder import coordination
        from oslo_config import cfg
        path = self.useFixture(fixtures.TempDir()).path
        self.useFixture(fixtures.MonkeyPatch(
            'cinder.coordination.COORDINATOR',
            coordination.Coordinator(prefix='cinder-')))
        cfg.CONF.set_override('backend_url', 'file://%s' % path,
                              group='coordination')
        self.addCleanup(cfg.CONF.clear_override, 'backend_url',
                        group='coordination')
        coordination.COORDINATOR.start()
        self.addCleanup(coordination.COORDINATOR.stop)
        locker = self.driver.masking_locker()
        self.assertIsInstance(locker.backend, locks.CoordinatorBackend)
        self.assertEqual('cinder coordination file',
                         locker.backend.description)
        volume = self.backend.quick_volume()
        self.backend.attach(volume, 'compute-1')
        lock_files = [f for f in os.listdir(path)
                      if f.startswith('cinder-vmax-')]
        self.assertIn('cinder-vmax-%s-ig-OS-compute-1-I-IG'
                      % self.backend.serial, lock_files)
        self.assertEqual(5, len(lock_files))
        self.assert_masking_is({'compute-1': [volume]})
