"""Concurrent attaches and detaches: threads on one driver, and two
processes sharing one tooz file backend and one simulator over HTTP.

Each test ends with zero errors, zero orphaned groups or views, and the
array's masking exactly the attachments that exist.
"""

import concurrent.futures
import multiprocessing
import os
import signal
import subprocess
import sys
import threading
import time

import fixtures
import testtools

from tests.driver import test_attach_support as support
from vmax_flows import locks
import vmax_sim

HOSTS = ['compute-%d' % i for i in range(1, 6)]
# Forked workers inherit the imported modules: no Cinder import each.
CONTEXT = multiprocessing.get_context('fork')
ROOT = os.path.dirname(os.path.dirname(os.path.dirname(
    os.path.abspath(__file__))))


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


def _worker(job, sender, log):
    """Body of a forked worker: output to ``log``, result to ``sender``."""
    with open(log, 'w') as out:
        os.dup2(out.fileno(), 1)
        os.dup2(out.fileno(), 2)
    try:
        from tests.driver import test_concurrency_worker
        sender.send(test_concurrency_worker.run_job(job))
    except BaseException:
        import traceback
        traceback.print_exc()
        sys.stderr.flush()
        os._exit(1)
    os._exit(0)


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
    """Three processes: the simulator served over HTTP by its own command
    line (``vmax-sim serve``; serving it from this test process would
    share it with eventlet, which Cinder's imports half-load), and two
    cinder-volume processes attaching through one tooz file backend."""

    def start_process(self, name, argv):
        # Output goes to files: a child blocked on a full pipe would hold
        # its locks and stall the others.
        out = open(os.path.join(self.logs, name + '.out'), 'w+')
        err = open(os.path.join(self.logs, name + '.err'), 'w+')
        self.addCleanup(out.close)
        self.addCleanup(err.close)
        child = subprocess.Popen([sys.executable, '-m'] + argv,
                                 cwd=ROOT, stdout=out, stderr=err)
        self.addCleanup(lambda: child.poll() is None and child.kill())
        return child, out, err

    def fork_worker(self, index, job):
        """A forked cinder-volume process (Cinder is imported already,
        so it starts at once); its output goes to files."""
        receiver, sender = CONTEXT.Pipe(duplex=False)
        log = os.path.join(self.logs, 'worker%d.log' % index)
        child = CONTEXT.Process(target=_worker, args=(job, sender, log))
        child.start()
        sender.close()
        self.addCleanup(lambda: child.is_alive() and child.kill())
        return child, receiver, log

    def result_of(self, worker):
        child, receiver, log = worker
        if not receiver.poll(120):
            child.kill()
        child.join(30)
        result = receiver.recv() if receiver.poll() else None
        if result is None or child.exitcode != 0:
            with open(log) as text:
                self.fail('worker failed (exit %s): %s'
                          % (child.exitcode, text.read()[-3000:]))
        return result

    def serve_array(self, state):
        child, out, err = self.start_process(
            'array', ['vmax_sim.cli', 'serve', '--state', state, '--port',
                      '0', '--clock', 'manual'])
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            out.seek(0)
            for line in out.read().splitlines():
                if line.startswith('URL: '):
                    return child, line[len('URL: '):]
            if child.poll() is not None:
                break
            time.sleep(0.1)
        err.seek(0)
        self.fail('the simulator did not start: %s' % err.read()[-2000:])

    def test_attach_workload_split_across_two_processes(self):
        self.logs = self.useFixture(fixtures.TempDir()).path
        lock_path = self.useFixture(fixtures.TempDir()).path
        state = os.path.join(self.logs, 'array.json')
        hosts = HOSTS[:2]
        volumes = [self.backend.quick_volume() for _ in range(8)]
        plan = [(hosts[i % 2], volume) for i, volume in enumerate(volumes)]
        self.backend.sim.save(state)
        array, url = self.serve_array(state)
        jobs = []
        for worker in range(2):
            # Each process attaches to both hosts.
            work = [[host, volume.id, volume.provider_location]
                    for index, (host, volume) in enumerate(plan)
                    if index // 2 % 2 == worker]
            jobs.append({'url': url, 'serial': self.backend.serial,
                         'lock_path': lock_path, 'threads': 2,
                         'work': work})
        workers = [self.fork_worker(index, job)
                   for index, job in enumerate(jobs)]
        outputs = [self.result_of(worker) for worker in workers]
        array.send_signal(signal.SIGTERM)
        array.wait(timeout=30)
        self.assertEqual([[], []], [o['errors'] for o in outputs])
        luns = {}
        for output in outputs:
            luns.update(output['luns'])
        self.assertEqual(8, len(luns))
        # What the array saved when it stopped.
        self.backend = self.useFixture(support.AttachBackend(
            'vmax3-allflash', sim=vmax_sim.Simulator.load(state)))
        self.array = self.backend.array
        attached = {host: [v for h, v in plan if h == host]
                    for host in hosts}
        self.assert_masking_is(attached)
        for host, volume in plan:
            self.assertEqual(
                self.backend.lun_of(volume, support.names(host)['mv']),
                luns[volume.id])
        # Both processes really served each host.
        self.assertEqual(4, len(jobs[0]['work']))
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
        # Host group and view, shared group and view, initiator group,
        # parent group and view.
        self.assertEqual(7, len(lock_files))
        self.assert_masking_is({'compute-1': [volume]})
