"""The SMI-S client against the simulator: discovery, errors, waits."""

import testtools

from tests import fixtures
from vmax_flows import config
from vmax_flows import exceptions
from vmax_flows.smis import client as smis_client

GIB = 1024 ** 3
GROUP = 'OS-SRP_1-Diamond-OLTP-SG'


def make_client(sim, serial='000197800123', **settings):
    values = dict(provider_host='ecom.example.test', provider_user='admin',
                  provider_password='secret', array_serial=serial,
                  pool='SRP_1', job_interval=2.0, job_retries=10)
    values.update(settings)
    factory_calls = []

    def factory(*args, **kwargs):
        factory_calls.append(args)
        return sim.connection_factory(*args, **kwargs)
    client = smis_client.ArrayClient(config.BackendConfig(**values),
                                     connection_factory=factory,
                                     sleep=sim.advance,
                                     monotonic=sim.clock.now)
    client.factory_calls = factory_calls
    return client


class DiscoveryTest(testtools.TestCase):

    def test_vmax3_all_flash(self):
        sim = fixtures.simulator('vmax3-allflash')
        client = make_client(sim)
        sim.calls.reset()
        info = client.setup()
        self.assertEqual(('VMAX3', True, 'VMAX250F', '-+-'),
                         (info.family, info.all_flash, info.model,
                          info.sep))
        self.assertEqual(['SRP_1'], sorted(info.pools))
        self.assertEqual(['Diamond', 'Optimized'], info.slos('SRP_1'))
        self.assertEqual(['NONE'], info.workloads('SRP_1', 'Optimized'))
        self.assertEqual(['OS-PG-iSCSI-A', 'OS-PG-iSCSI-B'],
                         info.port_groups)
        self.assertTrue(info.snapvx_licensed())
        self.assertIsNotNone(info.default_rsd)
        self.assertIn('StorageConfigurationService', info.services)
        discovery_calls = sim.calls.total
        self.assertLessEqual(discovery_calls, 12)
        # Cached: a second setup costs nothing.
        client.setup()
        self.assertEqual(discovery_calls, sim.calls.total)

    def test_vmax2_plus_style_names(self):
        sim = fixtures.simulator('vmax2')
        info = make_client(sim, serial='000195900551',
                           pool='FC_Pool').setup()
        self.assertEqual(('VMAX2', False, '+', 'SYMMETRIX+000195900551'),
                         (info.family, info.all_flash, info.sep,
                          info.system_name))
        self.assertEqual(['FC_Pool', 'SATA_Pool'], sorted(info.pools))
        self.assertEqual(['GOLD1', 'SILVER1'], sorted(info.fast_policies))
        self.assertTrue(info.clone_licensed())
        self.assertFalse(info.snapvx_licensed())
        self.assertIn('ElementCompositionService', info.services)

    def test_hybrid_is_not_all_flash(self):
        sim = fixtures.simulator('vmax3-hybrid')
        info = make_client(sim, serial='000197200056').setup()
        self.assertFalse(info.all_flash)
        self.assertEqual(['Bronze', 'Diamond', 'Gold', 'Optimized',
                          'Platinum', 'Silver'], info.slos('SRP_1'))

    def test_unknown_serial(self):
        sim = fixtures.simulator('srdf-pair')
        error = self.assertRaises(exceptions.InvalidSetting,
                                  make_client(sim, serial='000111').setup)
        self.assertEqual(('000197800123', '000197800456'), error.valid)


class ClientTest(testtools.TestCase):

    def setUp(self):
        super().setUp()
        self.sim = fixtures.simulator('vmax3-allflash')
        self.client = make_client(self.sim)
        self.client.setup()
        self.client.create_storage_group(GROUP, srp='SRP_1', slo='Diamond',
                                         workload='OLTP')

    def test_connection_reused(self):
        for _ in range(3):
            self.client.get_group(GROUP)
        self.assertEqual(1, len(self.client.factory_calls))
        url, creds = self.client.factory_calls[0][:2]
        self.assertEqual('https://ecom.example.test:5989', url)
        self.assertEqual(('admin', 'secret'), creds)

    def test_create_find_delete_volume(self):
        record = self.client.create_volume('OS-a', GIB, group=GROUP)
        self.assertEqual(GIB, record['size_bytes'])
        found = self.client.find_volume_by_label(['x', 'OS-a'], group=GROUP)
        self.assertEqual((record['device_id'], 'OS-a'),
                         (found['device_id'], found['label']))
        self.assertEqual([GROUP], self.client.groups_of_volume(
            record['device_id']))
        self.client.remove_members(GROUP, [record['device_id']])
        self.client.delete_volumes([record['device_id']])
        self.assertIsNone(self.client.get_volume(record['device_id']))
        self.assertEqual([], self.client.groups_of_volume(
            record['device_id']))

    def test_not_found(self):
        self.assertIsNone(self.client.get_volume('0FFFF'))
        self.assertRaises(exceptions.ObjectNotFound,
                          self.client.delete_volumes, ['0FFFF'])
        self.assertFalse(self.client.delete_group('OS-none-SG'))

    def test_array_rule_error_carries_array_text(self):
        record = self.client.create_volume('OS-b', GIB, group=GROUP)
        error = self.assertRaises(exceptions.ArrayRuleError,
                                  self.client.delete_volumes,
                                  [record['device_id']])
        self.assertIn(GROUP, error.array_message)
        self.assertIn('ReturnElementsToStoragePool', str(error))

    def test_group_created_concurrently_is_found(self):
        self.assertFalse(self.client.create_storage_group(
            GROUP, srp='SRP_1', slo='Diamond', workload='OLTP'))

    def test_job_failure_reports_code_and_description(self):
        self.sim.faults.add('job_exception', method='CreateGroup',
                            error_code=10440, description='no room', times=1)
        error = self.assertRaises(exceptions.JobFailed,
                                  self.client.create_storage_group,
                                  'OS-x-SG')
        self.assertEqual((10, 10440, 'no room'),
                         (error.job_state, error.error_code,
                          error.array_message))
        self.assertIn('ended in state 10 (Exception) with ErrorCode 10440',
                      str(error))
        self.assertIn('create storage group OS-x-SG', str(error))

    def test_stuck_job_times_out_with_elapsed_time(self):
        self.sim.faults.add('job_stuck', method='CreateGroup', times=1)
        started = self.sim.clock.now()
        error = self.assertRaises(exceptions.WaitTimeout,
                                  self.client.create_storage_group,
                                  'OS-y-SG')
        self.assertEqual((10, 18.0), (error.polls, error.elapsed))
        self.assertEqual(18.0, self.sim.clock.now() - started)
        self.assertIn('Timed out after 18.0 s (10 polls, 2.0 s apart)',
                      str(error))
        self.assertIsNotNone(error.job_id)

    def test_return_code_without_job(self):
        self.sim.faults.add('return_code', method='CreateGroup', rc=5,
                            times=1)
        error = self.assertRaises(exceptions.MethodFailed,
                                  self.client.create_storage_group,
                                  'OS-z-SG')
        self.assertEqual(5, error.return_code)

    def test_other_cim_error(self):
        self.sim.faults.add('cim_error', operation='GetInstance', code=4,
                            description='bad parameter', times=1)
        error = self.assertRaises(exceptions.ArrayRequestError,
                                  self.client.get_group, GROUP)
        self.assertEqual(4, error.status)

    def test_dropped_connection_then_recovered(self):
        self.sim.faults.add('drop_connection', operation='GetInstance',
                            times=1)
        error = self.assertRaises(exceptions.ProviderUnreachable,
                                  self.client.get_group, GROUP)
        self.assertIn('did not answer GetInstance', str(error))
        self.assertIsNotNone(self.client.get_group(GROUP))
        self.assertEqual(2, len(self.client.factory_calls))

    def test_hang_is_a_connection_error(self):
        self.sim.faults.add('hang', operation='GetInstance', seconds=300,
                            times=1)
        self.assertRaises(exceptions.ProviderUnreachable,
                          self.client.get_group, GROUP)

    def test_locked_group_is_retried_until_released(self):
        self.sim.admin.hold_change_session('000197800123', GROUP, 7)
        started = self.sim.clock.now()
        self.client.create_volume('OS-c', GIB, group=GROUP)
        # Backoff from the 2 s job interval: refused at 0, 2 and 6 s,
        # accepted at 14 s (the hold ended at 7 s).
        self.assertEqual(14.0, self.sim.clock.now() - started)
        self.assertEqual(4, self.sim.calls.count(
            'InvokeMethod:CreateOrModifyElementFromStoragePool'))

    def test_locked_retry_backs_off_to_a_cap(self):
        self.assertEqual([2, 4, 8, 16, 16, 16], [
            smis_client.locked_retry_delay(2, attempt, cap_factor=8)
            for attempt in range(1, 7)])

    def test_locked_group_retry_is_bounded(self):
        self.sim.admin.hold_change_session('000197800123', GROUP, 600)
        error = self.assertRaises(exceptions.ArrayRuleError,
                                  self.client.create_volume, 'OS-d', GIB,
                                  group=GROUP)
        self.assertIn('locked by an existing change session', str(error))
        self.assertIn('still locked after 5 attempts over 18.0 s', str(error))

    def test_pool_capacity(self):
        capacity = self.client.pool_capacity('SRP_1')
        self.assertEqual(50 * 1024 * GIB, capacity['TotalManagedSpace'])
        self.assertEqual(10, capacity['EMCPercentReservedCapacity'])
