"""Attach and detach through the real driver against simulated arrays.

Every test checks the array's masking state (views, groups, LUNs,
registered initiators), not just that nothing raised.
"""

from cinder import exception
import testtools

from tests.driver import test_attach_support as support
from vmax_sim.model import ops

IQN_1 = 'iqn.1993-08.org.debian:01:compute-1'
PORT_A = ('iqn.1992-04.com.emc:600009700bca30c01e3e012e00000001',
          '192.0.2.11:3260')
PORT_B = ('iqn.1992-04.com.emc:600009700bca30c01e3e012e00000002',
          '192.0.2.12:3260')
HOST = 'compute-1.example.org'
N = support.names(HOST)


class Vmax3AttachTest(testtools.TestCase):

    def setUp(self):
        super().setUp()
        self.backend = self.useFixture(
            support.AttachBackend('vmax3-allflash'))
        self.driver = self.backend.driver
        self.array = self.backend.array

    def test_first_attach_creates_the_hosts_objects(self):
        volume = self.backend.create_volume()
        device = self.backend.device_of(volume).device_id
        info = self.backend.attach(volume, HOST)
        # Cascaded: the view names the host's parent, the placement's
        # group is its child.
        self.assertEqual({
            'views': {N['mv']: (N['parent'], N['ig'], support.PORT_GROUP_A,
                                {device: 1})},
            'storage_groups': {support.DEFAULT_SG: [], N['parent']: [],
                               N['sg']: [device]},
            'initiator_groups': {N['ig']: [IQN_1]},
            'initiators': [IQN_1]}, self.backend.masking_state())
        group = self.array.storage_groups[N['sg']]
        self.assertEqual(('SRP_1', 'Diamond', 'OLTP', N['parent']),
                         (group.srp, group.slo, group.workload,
                          self.array.parent_of_group(N['sg'])))
        parent = self.array.storage_groups[N['parent']]
        self.assertEqual((None, None, [N['sg']]),
                         (parent.srp, parent.slo, sorted(parent.children)))
        self.assertEqual({'driver_volume_type': 'iscsi',
                          'data': {'target_discovered': True,
                                   'target_iqn': PORT_A[0],
                                   'target_portal': PORT_A[1],
                                   'target_lun': 1,
                                   'volume_id': volume.id}}, info)

    def test_second_attach_reuses_everything(self):
        first, second = self.backend.create_volume(), \
            self.backend.create_volume()
        self.backend.attach(first, HOST)
        before = self.backend.masking_state()
        info = self.backend.attach(second, HOST)
        after = self.backend.masking_state()
        dev1 = self.backend.device_of(first).device_id
        dev2 = self.backend.device_of(second).device_id
        self.assertEqual({dev1: 1, dev2: 2}, after['views'][N['mv']][3])
        self.assertEqual([dev1, dev2], after['storage_groups'][N['sg']])
        self.assertEqual(before['initiator_groups'],
                         after['initiator_groups'])
        self.assertEqual(before['initiators'], after['initiators'])
        self.assertEqual(list(before['views']), list(after['views']))
        self.assertEqual(2, info['data']['target_lun'])

    def test_attaching_again_changes_nothing(self):
        volume = self.backend.create_volume()
        first = self.backend.attach(volume, HOST)
        since = self.backend.sim.snapshot()
        again = self.backend.attach(volume, 'compute-1')
        self.assertFalse(self.backend.sim.diff(since))
        self.assertEqual(first, again)

    def test_detach_keeps_the_view_while_devices_remain(self):
        first, second = self.backend.create_volume(), \
            self.backend.create_volume()
        self.backend.attach(first, HOST)
        self.backend.attach(second, HOST)
        self.backend.detach(second, HOST)
        dev1 = self.backend.device_of(first).device_id
        dev2 = self.backend.device_of(second).device_id
        state = self.backend.masking_state()
        self.assertEqual({dev1: 1}, state['views'][N['mv']][3])
        self.assertEqual([dev2], state['storage_groups'][support.DEFAULT_SG])
        self.assertEqual([], self.backend.orphans())

    def test_last_detach_removes_what_attach_made(self):
        volume = self.backend.create_volume()
        since = self.backend.sim.snapshot()
        self.backend.attach(volume, HOST)
        self.backend.detach(volume, HOST)
        self.assertFalse(self.backend.sim.diff(since),
                         self.backend.sim.diff(since))
        self.assertEqual({}, self.array.masking_views)
        self.assertEqual({}, self.array.initiator_groups)
        self.assertEqual({}, self.array.hardware_ids)

    def test_detach_of_a_volume_not_attached_changes_nothing(self):
        volume = self.backend.create_volume()
        other = self.backend.create_volume()
        self.backend.attach(other, 'compute-2')
        since = self.backend.sim.snapshot()
        self.backend.detach(volume, HOST)
        self.backend.detach(other, HOST)       # attached elsewhere only
        self.assertFalse(self.backend.sim.diff(since))

    def test_a_second_host_gets_the_device_through_a_shared_group(self):
        volume = self.backend.create_volume()
        device = self.backend.device_of(volume).device_id
        self.backend.attach(volume, 'compute-1')
        info = self.backend.attach(volume, 'compute-2')
        one, two = support.names('compute-1'), support.names('compute-2')
        self.assertEqual(sorted([one['sg'], two['shared_sg']]),
                         sorted(self.backend.groups_of(volume)))
        self.assertEqual({one['mv']: 1, two['shared_mv']: 1},
                         {v: self.backend.lun_of(volume, v)
                          for v in self.backend.views_of(volume)})
        shared = self.array.storage_groups[two['shared_sg']]
        self.assertEqual((None, None, [device]),
                         (shared.srp, shared.slo, shared.members))
        self.assertEqual(1, info['data']['target_lun'])
        # The first host leaves: the device goes home, the second keeps it.
        self.backend.detach(volume, 'compute-1')
        self.assertEqual(sorted([support.DEFAULT_SG, two['shared_sg']]),
                         sorted(self.backend.groups_of(volume)))
        self.backend.detach(volume, 'compute-2')
        self.assertEqual([support.DEFAULT_SG], self.backend.groups_of(volume))
        self.assertEqual({}, self.array.masking_views)
        self.assertEqual([], self.backend.orphans())

    def test_force_detach_removes_every_attachment(self):
        # Field scenario S28 (bugs 1697661, 1684595).
        volume, other = self.backend.create_volume(), \
            self.backend.create_volume()
        self.backend.attach(volume, 'compute-1')
        self.backend.attach(volume, 'compute-2')
        self.backend.attach(other, 'compute-2')
        self.backend.detach(volume, None)
        self.assertEqual([support.DEFAULT_SG], self.backend.groups_of(volume))
        self.assertEqual([], self.backend.views_of(volume))
        two = support.names('compute-2')
        # compute-2 keeps its other volume and its own objects.
        self.assertEqual([two['mv']], list(self.array.masking_views))
        self.assertEqual([two['ig']], list(self.array.initiator_groups))
        self.assertEqual([], self.backend.orphans())

    def test_force_detach_of_a_volume_attached_nowhere(self):
        volume = self.backend.create_volume()
        since = self.backend.sim.snapshot()
        self.driver.terminate_connection(volume, None, force=True)
        self.assertFalse(self.backend.sim.diff(since))

    def test_foreign_child_and_groups_are_left_alone(self):
        # An administrator put a group of theirs into the host's parent:
        # our last device leaves (its child goes), their group, the
        # parent and view stay for their device.
        volume = self.backend.create_volume()
        self.backend.attach(volume, HOST)
        other = self.backend.create_volume()
        device = self.backend.device_of(other).device_id
        self.backend.seed(ops.remove_members, 'sg', support.DEFAULT_SG,
                          [device])
        self.backend.seed(ops.create_storage_group, 'admin_child',
                          srp='SRP_1', slo='Diamond', workload='DSS',
                          members=[device])
        self.backend.seed(ops.add_child_groups, N['parent'], ['admin_child'])
        self.backend.detach(volume, HOST)
        self.assertNotIn(N['sg'], self.array.storage_groups)
        self.assertEqual(['admin_child'],
                         self.array.storage_groups[N['parent']].children)
        self.assertEqual([device], self.array.storage_groups[
            'admin_child'].members)
        self.assertEqual({device: 2}, self.array.masking_views[N['mv']].luns)
        self.assertEqual([support.DEFAULT_SG], self.backend.groups_of(volume))

    def test_foreign_initiator_group_is_reused_and_kept(self):
        self.backend.seed(ops.create_hardware_id, IQN_1, 5)
        self.backend.seed(ops.create_initiator_group, 'esx_cluster_ig',
                          [IQN_1])
        volume = self.backend.create_volume()
        self.backend.attach(volume, HOST)
        view = self.array.masking_views[N['mv']]
        self.assertEqual('esx_cluster_ig', view.initiator_group)
        self.assertEqual(['esx_cluster_ig'],
                         list(self.array.initiator_groups))
        self.backend.detach(volume, HOST)
        self.assertEqual({}, self.array.masking_views)
        self.assertEqual({'esx_cluster_ig': [IQN_1]},
                         self.backend.masking_state()['initiator_groups'])
        self.assertEqual([IQN_1], sorted(self.array.hardware_ids))

    def test_our_group_gets_a_new_initiator_of_the_host(self):
        # The host was reinstalled: its group exists with an old IQN.
        old = 'iqn.1993-08.org.debian:01:old-install'
        self.backend.seed(ops.create_hardware_id, old, 5)
        self.backend.seed(ops.create_initiator_group, N['ig'], [old])
        volume = self.backend.create_volume()
        since = self.backend.sim.snapshot()
        self.backend.attach(volume, HOST)
        self.assertEqual({N['ig']: [old, IQN_1]},
                         self.backend.masking_state()['initiator_groups'])
        # Last detach: the group is this driver's and unused: it goes,
        # with both initiators.
        self.backend.detach(volume, HOST)
        self.assertEqual({}, self.array.initiator_groups)
        self.assertEqual({}, self.array.hardware_ids)
        self.assertTrue(self.backend.sim.diff(since))

    def test_an_existing_views_port_group_and_ips_are_used(self):
        # 2.3.0: the targets are the ports of the view the host has, even
        # when it uses a port group that is not configured.
        other_volume = self.backend.create_volume()
        self.backend.seed(ops.create_hardware_id, IQN_1, 5)
        self.backend.seed(ops.create_initiator_group, N['ig'], [IQN_1])
        device = self.backend.device_of(other_volume).device_id
        self.backend.seed(ops.remove_members, 'sg', support.DEFAULT_SG,
                          [device])
        self.backend.seed(ops.create_storage_group, N['sg'], srp='SRP_1',
                          slo='Diamond', workload='OLTP', members=[device])
        # A flat view (an older release's): attached into as it is.
        self.backend.seed(ops.create_masking_view, N['flat_mv'], N['sg'],
                          N['ig'], support.PORT_GROUP_B)
        volume = self.backend.create_volume()
        info = self.backend.attach(volume, HOST, multipath=True)
        self.assertEqual([N['flat_mv']], list(self.array.masking_views))
        self.assertNotIn(N['parent'], self.array.storage_groups)
        self.assertEqual(['192.0.2.13:3260', '192.0.2.14:3260'],
                         info['data']['target_portals'])
        self.assertEqual(
            ['iqn.1992-04.com.emc:600009700bca30c01e3e012e00000003',
             'iqn.1992-04.com.emc:600009700bca30c01e3e012e00000004'],
            info['data']['target_iqns'])
        self.assertEqual([2, 2], info['data']['target_luns'])

    def test_offline_ports_are_left_out(self):
        volume = self.backend.create_volume()
        self.backend.sim.admin.set_port_online(self.backend.serial,
                                               'SE-1E:0', False)
        info = self.backend.attach(volume, HOST, multipath=True)
        self.assertEqual([PORT_B[1]], info['data']['target_portals'])
        self.assertEqual(PORT_B[1], info['data']['target_portal'])

    def test_no_online_port_fails_before_any_change(self):
        volume = self.backend.create_volume()
        for port in ('SE-1E:0', 'SE-2E:0'):
            self.backend.sim.admin.set_port_online(self.backend.serial,
                                                   port, False)
        since = self.backend.sim.snapshot()
        self.backend.sim.calls.reset()
        error = self.assertRaises(exception.VolumeBackendAPIException,
                                  self.backend.attach, volume, HOST)
        self.assertIn('No port group for host compute-1 has an online iSCSI '
                      'port: OS-PG-iSCSI-A (ports SE-1E:0, SE-2E:0 offline)',
                      str(error))
        self.assertFalse(self.backend.sim.diff(since))
        self.assertEqual(0, self.backend.sim.calls.count('InvokeMethod'))

    def test_connector_without_initiator_is_refused(self):
        volume = self.backend.create_volume()
        since = self.backend.sim.snapshot()
        error = self.assertRaises(
            exception.InvalidInput, self.driver.initialize_connection,
            volume, {'host': HOST})
        self.assertIn('has no iSCSI initiator name', str(error))
        self.assertFalse(self.backend.sim.diff(since))

    def test_array_change_session_is_waited_out(self):
        # Field scenario S23 (bug 1554634).
        volume = self.backend.create_volume()
        self.backend.sim.admin.hold_change_session(
            self.backend.serial, support.DEFAULT_SG, 3)
        self.backend.sim.calls.reset()
        self.backend.attach(volume, HOST)
        refused = [r for r in self.backend.sim.calls.records
                   if r.operation == 'InvokeMethod:RemoveMembers' and
                   r.error is not None]
        self.assertEqual(2, len(refused))
        self.assertIn('locked by an existing change session',
                      refused[0].error_description)
        self.assertEqual([N['sg']], self.backend.groups_of(volume))


class PlacementTest(testtools.TestCase):

    def test_two_service_levels_share_the_hosts_initiator_group(self):
        backend = self.useFixture(support.AttachBackend('vmax3-allflash'))
        optimized = {'pool_name': 'Optimized+NONE+SRP_1+%s'
                     % backend.serial}
        diamond_volume = backend.create_volume()
        optimized_volume = backend.create_volume(extra_specs=optimized)
        backend.attach(diamond_volume, HOST)
        before = backend.masking_state()
        backend.attach(optimized_volume, HOST)
        views = backend.array.masking_views
        optimized = 'OS-compute-1-SRP_1-Optimized-NONE-I-SG'
        # The second placement is a new child of the host's parent: no
        # new view, initiator group or parent.
        self.assertEqual([N['mv']], sorted(views))
        self.assertEqual(before['initiator_groups'],
                         backend.masking_state()['initiator_groups'])
        self.assertEqual(sorted([N['sg'], optimized]), sorted(
            backend.array.storage_groups[N['parent']].children))
        self.assertEqual({backend.device_of(diamond_volume).device_id: 1,
                          backend.device_of(optimized_volume).device_id: 2},
                         views[N['mv']].luns)
        # The last Diamond device goes: its child goes, the view, parent
        # and initiator group stay for the other child.
        backend.detach(diamond_volume, HOST)
        self.assertEqual([N['mv']], list(views))
        self.assertNotIn(N['sg'], backend.array.storage_groups)
        self.assertEqual([optimized], sorted(
            backend.array.storage_groups[N['parent']].children))
        self.assertEqual([N['ig']], list(backend.array.initiator_groups))
        backend.detach(optimized_volume, HOST)
        self.assertNotIn(N['parent'], backend.array.storage_groups)
        self.assertEqual({}, backend.array.initiator_groups)
        self.assertEqual(['OS-SRP_1-Optimized-NONE-SG'],
                         backend.groups_of(optimized_volume))
        self.assertEqual([], backend.orphans())

    def test_no_service_level(self):
        backend = self.useFixture(support.AttachBackend(
            'vmax3-allflash', options={'vmax_service_level': None,
                                       'vmax_workload': None}))
        volume = backend.create_volume()
        self.assertEqual(['OS-no_SLO-SG'], backend.groups_of(volume))
        backend.attach(volume, HOST)
        self.assertEqual(['OS-compute-1-No_SLO-I-SG'],
                         backend.groups_of(volume))
        self.assertEqual('OS-compute-1-I-Parent-SG',
                         backend.array.parent_of_group(
                             'OS-compute-1-No_SLO-I-SG'))
        self.assertIn(N['mv'], backend.array.masking_views)
        backend.detach(volume, HOST)
        self.assertEqual(['OS-no_SLO-SG'], backend.groups_of(volume))
        self.assertEqual([], backend.orphans())


class SnapshotAndExportTest(testtools.TestCase):

    def setUp(self):
        super().setUp()
        self.backend = self.useFixture(
            support.AttachBackend('vmax3-allflash'))
        self.driver = self.backend.driver
        self.array = self.backend.array

    def test_snapshot_attach_and_detach(self):
        volume = self.backend.create_volume()
        snapshot = self.backend.create_snapshot(volume)
        snap_device = self.backend.device_of(snapshot).device_id
        self.assertIsNone(self.driver.create_export_snapshot(
            None, snapshot, support.connector('backup-1')))
        info = self.driver.initialize_connection_snapshot(
            snapshot, support.connector('backup-1'))
        names = support.names('backup-1')
        self.assertEqual(snapshot.id, info['data']['volume_id'])
        self.assertEqual({snap_device: 1},
                         self.array.masking_views[names['mv']].luns)
        self.driver.terminate_connection_snapshot(
            snapshot, support.connector('backup-1'))
        self.assertIsNone(self.driver.remove_export_snapshot(None,
                                                             snapshot))
        self.assertEqual({}, self.array.masking_views)
        self.assertEqual([support.DEFAULT_SG],
                         self.array.groups_of_device(snap_device))
        self.assertTrue(self.driver.backup_use_temp_snapshot())

    def test_export_operations_only_check(self):
        volume = self.backend.create_volume()
        since = self.backend.sim.snapshot()
        self.assertIsNone(self.driver.create_export(
            None, volume, support.connector()))
        self.assertIsNone(self.driver.check_for_export(None, volume))
        self.assertIsNone(self.driver.remove_export(None, volume))
        self.backend.attach(volume, HOST)
        self.assertIsNone(self.driver.ensure_export(None, volume))
        self.assertEqual(
            {'device_id': self.backend.device_of(volume).device_id,
             'views': {N['mv']: 1}},
            self.driver.last_outcome['device_masking'])
        self.backend.detach(volume, HOST)
        self.assertFalse(self.backend.sim.diff(since))

    def test_exports_of_a_missing_device(self):
        volume = self.backend.create_volume()
        self.backend.sim.admin.delete_device(
            self.backend.serial, self.backend.device_of(volume).device_id)
        for method in (self.driver.create_export, ):
            error = self.assertRaises(exception.VolumeBackendAPIException,
                                      method, None, volume, {})
            self.assertIn('No device for volume %s' % volume.id, str(error))
        self.assertRaises(exception.VolumeBackendAPIException,
                          self.driver.check_for_export, None, volume)
        self.assertRaises(exception.VolumeBackendAPIException,
                          self.driver.ensure_export, None, volume)
        self.assertIsNone(self.driver.remove_export(None, volume))


class Vmax2AttachTest(testtools.TestCase):

    def test_plain_pool_volume(self):
        backend = self.useFixture(support.AttachBackend('vmax2'))
        volume = backend.create_volume()
        device = backend.device_of(volume).device_id
        self.assertEqual([], backend.groups_of(volume))
        info = backend.attach(volume, HOST)
        group = 'OS-compute-1-FC_Pool-I-SG'
        self.assertEqual([group], backend.groups_of(volume))
        view = backend.array.masking_views['OS-compute-1-FC_Pool-I-MV']
        self.assertEqual((group, 'OS-compute-1-I-IG', 'OS-PG-iSCSI-V2',
                          {device: 1}),
                         (view.storage_group, view.initiator_group,
                          view.port_group, view.luns))
        self.assertEqual('192.0.2.31:3260', info['data']['target_portal'])
        backend.detach(volume, HOST)
        self.assertEqual([], backend.groups_of(volume))
        self.assertEqual({}, backend.array.masking_views)
        self.assertEqual([], backend.orphans())

    def test_fast_policy_volume_moves_between_fast_groups(self):
        backend = self.useFixture(support.AttachBackend(
            'vmax2', options={'vmax_fast_policy': 'GOLD1'}))
        volume = backend.create_volume()
        self.assertEqual(['OS_default_GOLD1_SG'], backend.groups_of(volume))
        backend.attach(volume, HOST)
        group = 'OS-compute-1-GOLD1-FP-I-SG'
        self.assertEqual([group], backend.groups_of(volume))
        self.assertEqual('GOLD1',
                         backend.array.storage_groups[group].fast_policy)
        backend.detach(volume, HOST)
        self.assertEqual(['OS_default_GOLD1_SG'], backend.groups_of(volume))
        self.assertEqual([], backend.orphans())
