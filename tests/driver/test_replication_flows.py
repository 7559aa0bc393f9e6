"""SRDF/S flows on the two arrays of the ``srdf-pair`` profile, through
the runner and two SMI-S clients (no driver).

Array A (000197800123) is the primary, B (000197800456) the target; the
RDF group ``os-rdf-1`` (number 10 on both) joins them.  State is read
from the simulator's model on both arrays.
"""

import uuid

import testtools

from tests import fixtures
from tests.flows import test_cg_support as support
from vmax_flows import exceptions
from vmax_flows.flows import common
from vmax_flows.flows import create_replicated_volume
from vmax_flows.flows import delete_replicated_volume
from vmax_flows.flows import extend_replicated_volume
from vmax_flows.flows import failback_volume
from vmax_flows.flows import failover_volume
from vmax_flows.flows import srdf_common
from vmax_flows import replication_config
from vmax_flows import runner

GIB = 1024 ** 3
PRIMARY = '000197800123'
TARGET = '000197800456'
DEVICE = {'target_device_id': TARGET, 'remote_pool': 'SRP_1',
          'remote_port_group': 'OS-PG-iSCSI-R',
          'rdf_group_label': 'os-rdf-1', 'allow_extend': 'True'}


class SrdfEnv(object):
    """Both arrays of the srdf-pair profile, one client each."""

    def __init__(self, device=None):
        self.sim = fixtures.simulator('srdf-pair')
        self.target = replication_config.parse([dict(device or DEVICE)])
        self.a = support.Site('srdf-pair', sim=self.sim)
        self.b = support.Site('srdf-pair', sim=self.sim,
                              array_serial=TARGET,
                              port_groups=('OS-PG-iSCSI-R',))
        self.pair = srdf_common.ArrayPair(self.a.client, self.b.client)

    def run(self, module, request, results=(), clients=None):
        clients = clients or self.pair
        count = getattr(clients, 'total_calls', None) or \
            clients.session.total_calls
        return runner.run_flow(module.OPERATION,
                               module.build(clients, request), request,
                               results=results, count_calls=count)

    def create_request(self, size_gb=1, volume_id=None):
        return {'volume': common.item('volume', volume_id or
                                      str(uuid.uuid4()), size_gb),
                'placement': self.a.placement,
                'remote_placement': self.b.placement,
                'replication': self.target.store_data()}

    def create(self, size_gb=1):
        """A replicated volume: ``(request with both locations, R1, R2)``."""
        request = self.create_request(size_gb)
        outcome = self.run(create_replicated_volume, request,
                           results=('device', 'remote_device'))
        volume = support.located(request['volume'], outcome['device'],
                                 PRIMARY)
        remote = support.located(request['volume'],
                                 outcome['remote_device'], TARGET)
        request = dict(request, volume=volume, remote_volume=remote)
        return (request, self.a.array.devices[outcome['device'][
            'device_id']], self.b.array.devices[outcome['remote_device'][
                'device_id']])

    def srdf_pairs(self):
        return [r for r in self.sim.estate.relationships.values()
                if r.sync_type == 6]


class ReplicatedCreateTest(testtools.TestCase):

    def setUp(self):
        super().setUp()
        support.quiet(self)
        self.env = SrdfEnv()
        self.sim = self.env.sim

    def test_create_makes_r1_r2_and_the_pair(self):
        request, r1, r2 = self.env.create(size_gb=2)
        self.assertEqual(r1.label, r2.label)
        self.assertEqual('OS-' + request['volume']['id'], r1.label)
        self.assertEqual((2 * GIB, 2 * GIB), (r1.size_bytes, r2.size_bytes))
        self.assertEqual(['OS-SRP_1-Diamond-OLTP-SG'],
                         self.env.b.array.groups_of_device(r2.device_id))
        [pair] = self.env.srdf_pairs()
        self.assertEqual(
            ((PRIMARY, r1.device_id), (TARGET, r2.device_id), 2, 10),
            (pair.source_key, pair.target_key, pair.mode, pair.rdf_group))
        self.assertFalse(pair.suspended or pair.failed_over)
        # R2 holds R1's data.
        self.assertEqual([(PRIMARY, r1.device_id, r1.wwn, 'srdf')],
                         [(o['serial'], o['device_id'], o['wwn'], o['via'])
                          for o in r2.lineage])

    def test_create_retried_changes_nothing(self):
        request = self.env.create_request()
        self.env.run(create_replicated_volume, request)
        before = self.sim.snapshot()
        self.env.run(create_replicated_volume, request)
        self.assertFalse(self.sim.diff(before), self.sim.diff(before))
        self.assertEqual(1, len(self.env.srdf_pairs()))

    def test_fault_at_each_step_leaves_neither_r1_r2_nor_pair(self):
        # Field scenario S45: the first run on a clean array creates both
        # default storage groups too; every step's failure undoes all.
        volume_id = str(uuid.uuid4())

        def run(env):
            env.run(create_replicated_volume,
                    env.create_request(volume_id=volume_id))
        steps = support.fail_each_step(self, self.env, run, min_steps=5)
        self.assertEqual([('CreateGroup', 1),
                          ('CreateOrModifyElementFromStoragePool', 1),
                          ('CreateGroup', 2),
                          ('CreateOrModifyElementFromStoragePool', 2),
                          ('CreateElementReplica', 1)], steps)
        self.assertEqual(1, len(self.env.srdf_pairs()))

    def test_pairing_failure_leaves_the_rdf_group_clean(self):
        self.env.create()     # storage groups exist from here on
        before = self.sim.snapshot()
        self.sim.faults.add('job_exception', method='CreateElementReplica',
                            error_code=1, description='RDF link down')
        error = self.assertRaises(exceptions.FlowFailed, self.env.create)
        self.assertIn('create_replicated_volume failed at step '
                      'create_replicated_volume.create_srdf_pair', str(error))
        self.assertIn('RDF link down', str(error))
        self.assertIn('all changes were reverted', str(error))
        self.assertFalse(self.sim.diff(before), self.sim.diff(before))
        self.assertEqual(1, len(self.env.srdf_pairs()))
        self.assertFalse(any(p.suspended for p in self.env.srdf_pairs()))

    def test_pair_whose_answer_was_lost_is_found(self):
        self.sim.faults.add('drop_connection', method='CreateElementReplica',
                            executed=True)
        request, r1, r2 = self.env.create()
        [pair] = self.env.srdf_pairs()
        self.assertEqual(((PRIMARY, r1.device_id), (TARGET, r2.device_id)),
                         (pair.source_key, pair.target_key))

    def test_offline_rdf_group_fails_and_reverts(self):
        before = self.sim.snapshot()
        self.sim.admin.set_rdf_group_online(PRIMARY, 10, False)
        before = self.sim.snapshot()
        error = self.assertRaises(exceptions.FlowFailed, self.env.create)
        self.assertIn('create_srdf_pair', error.step)
        self.assertFalse(self.sim.diff(before), self.sim.diff(before))

    def test_unknown_rdf_group_label_is_refused_before_any_change(self):
        env = SrdfEnv(dict(DEVICE, rdf_group_label='os-rdf-9'))
        before = env.sim.snapshot()
        env.sim.calls.reset()
        error = self.assertRaises(exceptions.FlowFailed, env.create)
        self.assertIsInstance(error.cause, exceptions.InvalidSetting)
        self.assertIn("rdf_group_label 'os-rdf-9' is not valid", str(error))
        self.assertIn('valid values: os-rdf-1', str(error))
        self.assertEqual(0, env.sim.calls.count('InvokeMethod'))
        self.assertFalse(env.sim.diff(before))


class ReplicatedVolumeTest(testtools.TestCase):
    """Delete, extend, failover and failback of a replicated volume."""

    def setUp(self):
        super().setUp()
        support.quiet(self)
        self.env = SrdfEnv()
        self.sim = self.env.sim
        self.before_create = self.sim.snapshot()
        self.request, self.r1, self.r2 = self.env.create()

    def test_delete_removes_both_and_the_pair(self):
        self.env.run(delete_replicated_volume, self.request)
        # Only the two default storage groups remain, empty.
        diff = self.sim.diff(self.before_create)
        self.assertEqual([('sg', PRIMARY, 'OS-SRP_1-Diamond-OLTP-SG'),
                          ('sg', TARGET, 'OS-SRP_1-Diamond-OLTP-SG')],
                         sorted(tuple(key) for key, _ in diff.created))
        self.assertEqual(([], []), (diff.changed, diff.deleted))
        self.assertEqual([], self.env.a.array.storage_groups[
            'OS-SRP_1-Diamond-OLTP-SG'].members)
        self.assertEqual([], self.env.srdf_pairs())
        self.sim.calls.reset()
        before = self.sim.snapshot()
        self.env.run(delete_replicated_volume, self.request)
        self.assertFalse(self.sim.diff(before))
        self.assertEqual(0, self.sim.calls.count('InvokeMethod'))

    def test_delete_with_r2_gone_out_of_band(self):
        self.sim.admin.delete_device(TARGET, self.r2.device_id)
        self.env.run(delete_replicated_volume, self.request)
        self.assertNotIn(self.r1.device_id, self.env.a.array.devices)

    def test_delete_failing_before_the_pair_is_broken_reverts(self):
        before = self.sim.snapshot()
        self.sim.faults.add('job_exception', method='RemoveMembers', nth=2)
        self.assertRaises(exceptions.FlowFailed, self.env.run,
                          delete_replicated_volume, self.request)
        support.assert_unchanged(self, self.sim, before)

    def test_delete_failing_after_the_pair_is_broken_pairs_again(self):
        self.sim.faults.add('job_exception',
                            method='ReturnElementsToStoragePool',
                            description='device is busy')
        error = self.assertRaises(exceptions.FlowFailed, self.env.run,
                                  delete_replicated_volume, self.request)
        self.assertIn('device is busy', str(error))
        [pair] = self.env.srdf_pairs()
        self.assertEqual(((PRIMARY, self.r1.device_id),
                          (TARGET, self.r2.device_id)),
                         (pair.source_key, pair.target_key))
        self.assertIn(self.r2.device_id, self.env.b.array.devices)
        self.assertEqual(['OS-SRP_1-Diamond-OLTP-SG'],
                         self.env.b.array.groups_of_device(
                             self.r2.device_id))

    def test_extend_resizes_both_and_pairs_again(self):
        request = dict(self.request, size_gb=3)
        self.env.run(extend_replicated_volume, request)
        self.assertEqual((3 * GIB, 3 * GIB),
                         (self.r1.size_bytes, self.r2.size_bytes))
        [pair] = self.env.srdf_pairs()
        self.assertEqual(((PRIMARY, self.r1.device_id),
                          (TARGET, self.r2.device_id), 3 * GIB),
                         (pair.source_key, pair.target_key,
                          pair.bytes_to_copy))
        self.assertFalse(pair.suspended)

    def test_extend_not_allowed_is_refused_first(self):
        request = dict(self.request, size_gb=3,
                       replication=dict(self.request['replication'],
                                        allow_extend=False))
        before = self.sim.snapshot()
        self.sim.calls.reset()
        error = self.assertRaises(exceptions.FlowFailed, self.env.run,
                                  extend_replicated_volume, request)
        self.assertIn('allow_extend', str(error))
        self.assertIsInstance(error.cause, exceptions.InvalidRequest)
        self.assertEqual(0, self.sim.calls.count('InvokeMethod'))
        self.assertFalse(self.sim.diff(before))

    def test_extend_failing_after_the_break_pairs_again(self):
        self.sim.faults.add('job_exception',
                            method='CreateOrModifyElementFromStoragePool',
                            nth=2, description='SRP is full')
        error = self.assertRaises(exceptions.FlowFailed, self.env.run,
                                  extend_replicated_volume,
                                  dict(self.request, size_gb=3))
        self.assertIn('SRP is full', str(error))
        [pair] = self.env.srdf_pairs()
        self.assertEqual(((PRIMARY, self.r1.device_id),
                          (TARGET, self.r2.device_id)),
                         (pair.source_key, pair.target_key))
        self.assertFalse(pair.suspended)
        # The R2 grew (a device cannot shrink); the R1 did not.
        self.assertEqual((1 * GIB, 3 * GIB),
                         (self.r1.size_bytes, self.r2.size_bytes))
        # A retry completes it.
        self.env.run(extend_replicated_volume, dict(self.request, size_gb=3))
        self.assertEqual(3 * GIB, self.r1.size_bytes)

    def failover_request(self):
        return {'volume': self.request['remote_volume'],
                'peer_volume': self.request['volume'],
                'placement': self.env.b.placement}

    def failback_request(self):
        return {'volume': self.request['volume'],
                'peer_volume': self.request['remote_volume'],
                'placement': self.env.a.placement}

    def test_failover_and_failback(self):
        outcome = self.env.run(failover_volume, self.failover_request(),
                               results=('device',), clients=self.env.b.client)
        self.assertEqual(self.r2.device_id, outcome['device']['device_id'])
        [pair] = self.env.srdf_pairs()
        self.assertTrue(pair.failed_over)
        self.assertEqual(12, pair.sync_state)
        # Retried: the pair is left as it is.
        before = self.sim.snapshot()
        self.sim.calls.reset()
        self.env.run(failover_volume, self.failover_request(),
                     clients=self.env.b.client)
        self.assertFalse(self.sim.diff(before))
        self.assertEqual(0, self.sim.calls.count('InvokeMethod'))
        self.env.run(failback_volume, self.failback_request(),
                     clients=self.env.a.client)
        self.assertFalse(pair.failed_over)
        self.assertFalse(pair.suspended)

    def test_failover_of_unpaired_volume_fails_without_change(self):
        self.sim.admin.delete_device(PRIMARY, self.r1.device_id)
        before = self.sim.snapshot()
        error = self.assertRaises(exceptions.FlowFailed, self.env.run,
                                  failover_volume, self.failover_request(),
                                  clients=self.env.b.client)
        self.assertIn('is not SRDF-paired', str(error))
        self.assertFalse(self.sim.diff(before))
