"""The masking flows' shape, their requests and the SMI-S reads they rely
on -- against a simulated array, below the driver."""

import json

import taskflow.engines
import testtools

from tests.driver import test_attach_support as support
from vmax_flows import exceptions
from vmax_flows.flows import initialize_connection
from vmax_flows.flows import terminate_connection
from vmax_flows import iscsi_info
from vmax_flows import masking_requests
from vmax_flows import registry
from vmax_flows.smis import masking as smis_masking
from vmax_flows.tasks import masking as attach_tasks
from vmax_sim.model import ops

MASKING_OPERATIONS = ('initialize_connection', 'terminate_connection',
                      'initialize_connection_snapshot',
                      'terminate_connection_snapshot')
EXPORT_OPERATIONS = ('create_export', 'ensure_export', 'remove_export',
                     'check_for_export', 'create_export_snapshot',
                     'remove_export_snapshot')


class FlowShapeTest(testtools.TestCase):

    def test_registered_and_buildable_without_an_array(self):
        for name in MASKING_OPERATIONS + EXPORT_OPERATIONS:
            operation = registry.get(name)
            for family in ('VMAX3', 'VMAX2'):
                request = operation.sample_request(family)
                self.assertEqual(request, json.loads(json.dumps(request)))
                engine = taskflow.engines.load(
                    operation.build(None, request), store=request)
                engine.compile()
                engine.prepare()
                engine.validate()

    def test_locks_are_the_first_and_last_steps(self):
        for name in MASKING_OPERATIONS:
            steps = registry.task_names(name, 'VMAX3')
            self.assertEqual(name + '.hold_locks', steps[0])
            self.assertEqual(name + '.release_locks', steps[-1])
        self.assertEqual(
            ['hold_locks', 'resolve_device', 'plan', 'find_masking_view',
             'choose_port_group', 'ensure_initiator_group',
             'ensure_storage_group', 'ensure_parent_group',
             'leave_default_group', 'add_to_host_group',
             'ensure_masking_view',
             'describe_connection', 'release_locks'],
            [s.split('.', 1)[1] for s in registry.task_names(
                'initialize_connection', 'VMAX3')])
        # Nothing changes before the port group (and its addresses) is
        # known.
        self.assertEqual(
            ['hold_locks', 'resolve_device', 'plan', 'remove_from_host_group',
             'detach_child', 'delete_masking_views',
             'delete_initiator_group', 'delete_parent_group',
             'delete_storage_group', 'return_to_default_group',
             'release_locks'],
            [s.split('.', 1)[1] for s in registry.task_names(
                'terminate_connection', 'VMAX3')])

    def test_exports_make_one_read(self):
        for name in EXPORT_OPERATIONS:
            steps = registry.task_names(name, 'VMAX3')
            self.assertEqual(name + '.resolve_device', steps[0])
            self.assertLessEqual(len(steps), 2)

    def test_no_lock_object_in_the_store(self):
        request = initialize_connection.sample_request('VMAX3')
        names = masking_requests.lock_names(request['masking'])
        self.assertEqual(7, len(names))    # with the parent group and view
        self.assertEqual(names, sorted(names))
        text = json.dumps(request)
        self.assertNotIn('Lock', text)


class RequestTest(testtools.TestCase):

    def test_attach_masking(self):
        placement = initialize_connection.sample_request(
            'VMAX3')['placement']
        masking = masking_requests.attach_masking(
            {'host': 'node7.example.org', 'initiator': ' iqn.x:1 ',
             'multipath': True}, placement, ['B', 'A'])
        self.assertEqual('node7', masking['host'])
        self.assertEqual(['iqn.x:1'], masking['initiators'])
        self.assertTrue(masking['multipath'])
        self.assertEqual('OS-node7-SRP_1-Diamond-OLTP-I-SG',
                         masking['host_group']['storage_group'])
        self.assertEqual('OS-node7-Shared-I-MV',
                         masking['shared_group']['view'])
        self.assertEqual(sorted(['A', 'B']), sorted(masking['port_groups']))
        self.assertEqual('OS-SRP_1-Diamond-OLTP-SG', masking['default_group'])

    def test_fc_initiators_are_normalised(self):
        self.assertEqual(['10000000c9abcdef'],
                         masking_requests.connector_initiators(
                             {'wwpns': ['10:00:00:00:C9:AB:CD:EF']}, 'F'))
        self.assertRaises(exceptions.InvalidRequest,
                          masking_requests.connector_initiators,
                          {'host': 'h'}, 'F')

    def test_detach_of_one_found_attachment(self):
        placement = terminate_connection.sample_request('VMAX3')['placement']
        masking = masking_requests.detach_masking(
            None, placement, {'storage_group': 'OS-h-Shared-I-SG',
                              'views': ['OS-h-Shared-I-MV'],
                              'initiator_groups': ['esx_ig']})
        self.assertEqual(['OS-h-Shared-I-SG'], masking['candidates'])
        self.assertEqual(
            ['vmax-000197800123-ig-esx_ig',
             'vmax-000197800123-mv-OS-h-Shared-I-MV',
             'vmax-000197800123-sg-OS-h-Shared-I-SG'],
            masking_requests.lock_names(masking))


class LoggableTest(testtools.TestCase):

    def test_passwords_are_masked(self):
        info = {'driver_volume_type': 'iscsi',
                'data': {'auth_password': 's3cret', 'auth_username': 'u',
                         'discovery_auth_password': 'd1sc'}}
        safe = iscsi_info.loggable(info)
        self.assertEqual('***', safe['data']['auth_password'])
        self.assertEqual('***', safe['data']['discovery_auth_password'])
        self.assertEqual('u', safe['data']['auth_username'])
        self.assertEqual('s3cret', info['data']['auth_password'])


class MaskingReadsTest(testtools.TestCase):

    def setUp(self):
        super().setUp()
        self.backend = self.useFixture(
            support.AttachBackend('vmax3-allflash'))
        self.client = self.backend.driver.client
        self.masking = smis_masking.for_client(self.client)

    def counted(self, func, *args):
        self.backend.sim.calls.reset()
        result = func(*args)
        self.assertEqual(1, self.backend.sim.calls.total)
        return result

    def test_missing_objects_read_as_none_in_one_round_trip(self):
        self.assertIsNone(self.counted(self.masking.view_groups, 'no-mv'))
        self.assertIsNone(self.counted(self.masking.storage_group_use,
                                       'no-sg'))
        self.assertIsNone(self.counted(self.masking.initiator_group_use,
                                       'no-ig'))
        self.assertIsNone(self.counted(self.masking.device_groups, '0FFFF'))
        self.assertIsNone(self.counted(self.masking.device_luns, '0FFFF'))
        self.assertIsNone(self.counted(self.masking.port_group_endpoints,
                                       'no-pg'))
        self.assertEqual((False, None), self.counted(
            self.masking.initiator_group_of, 'iqn.2000-01.x:none'))

    def test_reads_of_an_attachment(self):
        volume = self.backend.create_volume()
        device = self.backend.device_of(volume).device_id
        self.backend.attach(volume, 'compute-1')
        names = support.names('compute-1')
        iqn = 'iqn.1993-08.org.debian:01:compute-1'
        self.assertEqual({'storage_group': names['parent'],
                          'initiator_group': names['ig'],
                          'port_group': support.PORT_GROUP_A},
                         self.counted(self.masking.view_groups, names['mv']))
        # A child's views are its parent's.
        self.assertEqual({'members': [device], 'views': []},
                         self.counted(self.masking.storage_group_use,
                                      names['sg']))
        self.assertEqual({'members': [], 'views': [names['mv']]},
                         self.counted(self.masking.storage_group_use,
                                      names['parent']))
        self.assertEqual({'views': [names['mv']], 'initiators': [iqn]},
                         self.counted(self.masking.initiator_group_use,
                                      names['ig']))
        self.assertEqual((True, names['ig']), self.counted(
            self.masking.initiator_group_of, iqn))
        self.assertEqual({names['mv']: 1}, self.counted(
            self.masking.device_luns, device))
        groups = self.counted(self.masking.device_groups, device)
        self.assertEqual([{'name': names['sg'], 'srp': 'SRP_1',
                           'slo': 'Diamond', 'workload': 'OLTP',
                           'disable_compression': False,
                           'fast_policy': None, 'fast_managed': True,
                           'limits': None}], groups)
        endpoints = self.counted(self.masking.port_group_endpoints,
                                 support.PORT_GROUP_A)
        self.assertEqual([('SE-1E:0', True), ('SE-2E:0', True)],
                         [(e['port'], e['online']) for e in endpoints])
        self.masking.forget_port_addresses()
        self.backend.sim.calls.reset()
        self.assertEqual({'ip': '192.0.2.11', 'tcp_port': 3260},
                         self.masking.endpoint_address(endpoints[0]))
        self.assertEqual(2, self.backend.sim.calls.total)
        # Remembered: no round trip the second time.
        self.masking.endpoint_address(endpoints[0])
        self.assertEqual(2, self.backend.sim.calls.total)

    def test_registered_initiator_in_no_group(self):
        self.backend.seed(ops.create_hardware_id, 'iqn.2000-01.x:free', 5)
        self.assertEqual((True, None), self.masking.initiator_group_of(
            'iqn.2000-01.x:free'))


class PlanAttachTest(testtools.TestCase):
    """The plan decides from the device's groups (read from the array)."""

    def setUp(self):
        super().setUp()
        self.backend = self.useFixture(
            support.AttachBackend('vmax3-allflash'))
        self.driver = self.backend.driver
        self.plan_task = attach_tasks.PlanAttach(self.driver.client, 'plan')

    def plan(self, volume, host):
        masking = masking_requests.attach_masking(
            support.connector(host), self.driver.default_placement, ())
        device = {'device_id': self.backend.device_of(volume).device_id}
        return self.plan_task.execute(device, masking)

    def test_modes(self):
        volume = self.backend.create_volume()
        plan = self.plan(volume, 'h1')
        self.assertEqual(('host', support.DEFAULT_SG,
                          support.names('h1')['sg']),
                         (plan['mode'], plan['leave_group'],
                          plan['storage_group']))
        self.backend.attach(volume, 'h1')
        self.assertEqual('mapped', self.plan(volume, 'h1')['mode'])
        other = self.plan(volume, 'h2')
        self.assertEqual(('shared', None, support.names('h2')['shared_sg'],
                          {}),
                         (other['mode'], other['leave_group'],
                          other['storage_group'], other['settings']))

    def test_a_vanished_device_is_reported(self):
        volume = self.backend.create_volume()
        device = self.backend.device_of(volume).device_id
        self.backend.sim.admin.delete_device(self.backend.serial, device)
        masking = masking_requests.attach_masking(
            support.connector('h1'), self.driver.default_placement, ())
        error = self.assertRaises(exceptions.DeviceNotFound,
                                  self.plan_task.execute,
                                  {'device_id': device}, masking)
        self.assertIn('disappeared', str(error))
