"""Regression tests for the 2.x driver's attach / detach bugs.

Each test names the bug it guards and checks the array state the fix
promises.
"""

import threading
import time

from cinder import exception
import testtools

from tests.driver import test_attach_support as support
from vmax_flows import hostnames
from vmax_flows import locks
from vmax_flows import masking_requests
from vmax_sim.model import ops

LONG_HOST = 'compute-rack12-node-0007.dc1.example.org'


class HostNameTest(testtools.TestCase):

    def setUp(self):
        super().setUp()
        self.backend = self.useFixture(
            support.AttachBackend('vmax3-allflash'))
        self.array = self.backend.array

    def test_1520635_fqdn_and_short_name_find_the_same_view(self):
        first, second = self.backend.create_volume(), \
            self.backend.create_volume()
        self.backend.attach(first, 'compute-1.example.org')
        self.backend.attach(second, 'compute-1')
        self.assertEqual(['OS-compute-1-I-Parent-MV'],
                         list(self.array.masking_views))
        # Detach with the other spelling finds the device.
        self.backend.detach(first, 'compute-1')
        self.backend.detach(second, 'compute-1.example.org')
        self.assertEqual({}, self.array.masking_views)
        self.assertEqual([], self.backend.orphans())

    def test_1520635_long_host_names_are_shortened_the_same_way(self):
        first, second = self.backend.create_volume(), \
            self.backend.create_volume()
        short = hostnames.short_host_name(LONG_HOST)
        self.assertEqual(16, len(short))
        self.backend.attach(first, LONG_HOST)
        self.backend.attach(second, LONG_HOST)
        view = 'OS-%s-I-Parent-MV' % short
        self.assertEqual([view], list(self.array.masking_views))
        self.assertEqual(2, len(self.array.masking_views[view].luns))
        for name in list(self.array.masking_views) + \
                list(self.array.storage_groups):
            self.assertLessEqual(len(name), 64)
        self.backend.detach(first, LONG_HOST)
        self.backend.detach(second, LONG_HOST)
        self.assertEqual({}, self.array.masking_views)

    def test_1694546_hyphenated_host_names_do_not_match_each_other(self):
        web, web1 = self.backend.create_volume(), \
            self.backend.create_volume()
        self.backend.attach(web, 'web')
        self.backend.attach(web1, 'web-1')
        self.backend.detach(web, 'web')     # must not touch web-1's view
        self.assertEqual(['OS-web-1-I-Parent-MV'],
                         list(self.array.masking_views))
        self.assertEqual(['OS-web-1-I-IG'], list(self.array.initiator_groups))

    def test_1515176_the_default_group_is_left_not_another(self):
        # The device also sits in a plain (non-service-level) group an
        # administrator made, and the host already has a view with other
        # devices: attach leaves exactly the default group.
        other = self.backend.create_volume()
        self.backend.attach(other, 'compute-1')
        volume = self.backend.create_volume()
        device = self.backend.device_of(volume).device_id
        self.backend.seed(ops.create_storage_group, 'backup_plain_sg',
                          members=[device])
        names = support.names('compute-1')
        host_members = list(self.array.storage_groups[names['sg']].members)
        self.backend.attach(volume, 'compute-1')
        self.assertEqual(sorted(['backup_plain_sg', names['sg']]),
                         sorted(self.backend.groups_of(volume)))
        self.assertEqual(host_members + [device],
                         self.array.storage_groups[names['sg']].members)
        self.backend.detach(volume, 'compute-1')
        self.assertEqual(sorted(['backup_plain_sg', support.DEFAULT_SG]),
                         sorted(self.backend.groups_of(volume)))


class PortGroupTest(testtools.TestCase):

    def test_1501919_port_group_is_stable_per_host_and_spread(self):
        backend = self.useFixture(support.AttachBackend(
            'vmax3-allflash', options={'vmax_port_groups': [
                support.PORT_GROUP_A, support.PORT_GROUP_B]}))
        chosen = {}
        for index in range(8):
            host = 'node-%d' % index
            for _ in range(2):
                backend.attach(backend.quick_volume(), host)
            view = support.names(host)['mv']
            chosen[host] = backend.array.masking_views[view].port_group
            self.assertEqual(hostnames.port_group_order(
                host, [support.PORT_GROUP_A, support.PORT_GROUP_B])[0],
                chosen[host])
        self.assertEqual({support.PORT_GROUP_A, support.PORT_GROUP_B},
                         set(chosen.values()))
        # A restarted driver makes the same choice.
        again = self.useFixture(support.AttachBackend(
            'vmax3-allflash', sim=backend.sim, options={'vmax_port_groups': [
                support.PORT_GROUP_B, support.PORT_GROUP_A]}))
        for host in ('node-8', 'node-9'):
            again.attach(again.quick_volume(), host)
            self.assertEqual(
                hostnames.port_group_order(host, [support.PORT_GROUP_A,
                                                  support.PORT_GROUP_B])[0],
                again.array.masking_views[support.names(host)['mv']]
                .port_group)

    def test_a_port_group_with_every_port_offline_is_skipped(self):
        backend = self.useFixture(support.AttachBackend(
            'vmax3-allflash', options={'vmax_port_groups': [
                support.PORT_GROUP_A, support.PORT_GROUP_B]}))
        host = next(h for h in ('node-%d' % i for i in range(20))
                    if hostnames.port_group_order(
                        h, [support.PORT_GROUP_A, support.PORT_GROUP_B])[0]
                    == support.PORT_GROUP_A)
        for port in ('SE-1E:0', 'SE-2E:0'):
            backend.sim.admin.set_port_online(backend.serial, port, False)
        info = backend.attach(backend.create_volume(), host,
                              multipath=True)
        self.assertEqual(support.PORT_GROUP_B, backend.array.masking_views[
            support.names(host)['mv']].port_group)
        self.assertEqual(['192.0.2.13:3260', '192.0.2.14:3260'],
                         info['data']['target_portals'])


class ProtocolTest(testtools.TestCase):

    def test_1640222_fc_groups_of_the_same_host_are_not_touched(self):
        backend = self.useFixture(support.AttachBackend('vmax3-hybrid'))
        fc_volume = backend.create_volume()
        device = backend.device_of(fc_volume).device_id
        wwpn = '10000000c9abcdef'
        prefix = 'OS-compute-1-SRP_1-Gold-DSS-F'
        backend.seed(ops.create_hardware_id, wwpn, 2)
        backend.seed(ops.create_initiator_group, 'OS-compute-1-F-IG', [wwpn])
        backend.seed(ops.remove_members, 'sg', 'OS-SRP_1-Gold-DSS-SG',
                     [device])
        backend.seed(ops.create_storage_group, prefix + '-SG', srp='SRP_1',
                     slo='Gold', workload='DSS', members=[device])
        backend.seed(ops.create_masking_view, prefix + '-MV', prefix + '-SG',
                     'OS-compute-1-F-IG', 'OS-PG-FC-A')
        fc_state = {name: backend.masking_state()['views'][name]
                    for name in (prefix + '-MV',)}
        volume = backend.create_volume()
        backend.attach(volume, 'compute-1')
        iscsi_view = 'OS-compute-1-I-Parent-MV'
        self.assertEqual(sorted([prefix + '-MV', iscsi_view]),
                         sorted(backend.array.masking_views))
        backend.detach(volume, 'compute-1')
        self.assertEqual(fc_state, backend.masking_state()['views'])
        self.assertEqual(['OS-compute-1-F-IG'],
                         list(backend.array.initiator_groups))


class VanishedDeviceTest(testtools.TestCase):

    def test_1756368_detach_after_the_device_was_deleted(self):
        backend = self.useFixture(support.AttachBackend('vmax3-allflash'))
        kept, gone = backend.create_volume(), backend.create_volume()
        backend.attach(kept, 'compute-1')
        backend.attach(gone, 'compute-1')
        backend.sim.admin.delete_device(backend.serial,
                                        backend.device_of(gone).device_id)
        since = backend.sim.snapshot()
        backend.detach(gone, 'compute-1')
        backend.detach(gone, None)
        self.assertFalse(backend.sim.diff(since))
        self.assertEqual({backend.device_of(kept).device_id: 1},
                         backend.array.masking_views[
                             support.names('compute-1')['mv']].luns)


class LockRegressionTest(testtools.TestCase):

    def setUp(self):
        super().setUp()
        self.backend = self.useFixture(
            support.AttachBackend('vmax3-allflash'))
        self.driver = self.backend.driver
        self.driver.lock_timeout = 5

    def test_1800684_rollback_under_locks_does_not_deadlock(self):
        volume = self.backend.create_volume()
        since = self.backend.sim.snapshot()
        self.backend.sim.faults.add('job_exception',
                                    method='CreateMaskingView',
                                    description='Masking view create '
                                                'failed (injected)')
        started = time.monotonic()
        error = self.assertRaises(exception.VolumeBackendAPIException,
                                  self.backend.attach, volume, 'compute-1')
        self.assertLess(time.monotonic() - started, 5)
        self.assertIn('Masking view create failed', str(error))
        self.assertIn('all changes were reverted', str(error))
        self.assertFalse(self.backend.sim.diff(since))
        # The host's locks are free: the next attach goes straight through
        # from another thread.
        other = self.backend.create_volume()
        results = []
        thread = threading.Thread(target=lambda: results.append(
            self.backend.attach(other, 'compute-1')))
        thread.start()
        thread.join(10)
        self.assertEqual(1, results[0]['data']['target_lun'])

    def test_1800684_a_nested_acquire_fails_at_once(self):
        volume = self.backend.create_volume()
        placement = self.driver.default_placement
        request = {'masking': masking_requests.attach_masking(
            support.connector('compute-1'), placement, ())}
        held = masking_requests.lock_session(request,
                                             self.driver.masking_locker())
        since = self.backend.sim.snapshot()
        with held:
            started = time.monotonic()
            error = self.assertRaises(exception.VolumeBackendAPIException,
                                      self.backend.attach, volume,
                                      'compute-1')
            self.assertLess(time.monotonic() - started, 2)
        self.assertIn('nested acquire refused', str(error))
        self.assertFalse(self.backend.sim.diff(since))

    def test_a_busy_host_times_out_with_the_lock_name(self):
        volume = self.backend.create_volume()
        self.driver.lock_timeout = 0.3
        placement = self.driver.default_placement
        request = {'masking': masking_requests.attach_masking(
            support.connector('compute-1'), placement, ())}
        names = masking_requests.lock_names(request['masking'])
        held, done = threading.Event(), threading.Event()

        def hold():
            with self.driver.masking_locker().session(names):
                held.set()
                done.wait(10)
        holder = threading.Thread(target=hold)
        holder.start()
        self.addCleanup(holder.join, 10)
        self.addCleanup(done.set)
        held.wait(10)
        since = self.backend.sim.snapshot()
        error = self.assertRaises(exception.VolumeBackendAPIException,
                                  self.backend.attach, volume, 'compute-1')
        self.assertIn('waiting for lock %s' % names[0], str(error))
        self.assertFalse(self.backend.sim.diff(since))

    def test_lock_names_cover_the_hosts_objects(self):
        masking = masking_requests.attach_masking(
            support.connector('compute-1'), self.driver.default_placement,
            ())
        serial = self.backend.serial
        names = support.names('compute-1')
        expected = sorted(
            [locks.lock_name(serial, 'sg', names['sg']),
             locks.lock_name(serial, 'sg', names['shared_sg']),
             locks.lock_name(serial, 'sg', names['parent']),
             locks.lock_name(serial, 'mv', names['mv']),
             locks.lock_name(serial, 'mv', names['flat_mv']),
             locks.lock_name(serial, 'mv', names['shared_mv']),
             locks.lock_name(serial, 'ig', names['ig'])])
        self.assertEqual(expected, masking_requests.lock_names(masking))
        detach = masking_requests.detach_masking(
            support.connector('compute-1'), self.driver.default_placement)
        self.assertEqual(expected, masking_requests.lock_names(detach))
