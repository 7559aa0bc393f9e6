"""State captures, diffs, persistence and the summary."""

import json
import os
import time

import fixtures

from vmax_sim import model
from vmax_sim.model import objects as o
from vmax_sim.model import ops
from vmax_sim.model import persist

from tests.sim import test_model_support as base

GIB = base.GIB
V3 = base.V3
SG = base.DIAMOND_SG


class SnapshotDiffTest(base.ModelTestCase):

    def test_equal_captures_and_empty_diff(self):
        self.volume('OS-a')
        first, second = self.estate.snapshot(), self.estate.snapshot()
        self.assertEqual(first, second)
        diff = first.diff(second)
        self.assertFalse(diff)
        self.assertEqual('no changes', str(diff))

    def test_capture_is_immutable(self):
        snap = self.estate.snapshot()
        self.assertRaises(AttributeError, setattr, snap, 'x', 1)

        def store():
            snap.records['k'] = 1

        self.assertRaises(TypeError, store)

    def test_diff_names_created_changed_and_deleted(self):
        self.diamond_sg()
        old = self.volume('OS-old')
        before = self.estate.snapshot()
        new = ops.create_volume(self.estate, V3, 'OS-new', 2 * GIB,
                                storage_group=SG)
        ops.remove_members(self.estate, V3, o.KIND_SG, SG, [old.device_id])
        ops.delete_volume(self.estate, V3, old.device_id)
        diff = self.estate.diff(since=before)
        dev = o.ElementKey(o.KIND_DEVICE, V3, new.device_id)
        self.assertEqual([dev], diff.created_keys())
        self.assertEqual([o.ElementKey(o.KIND_DEVICE, V3, old.device_id)],
                         diff.deleted_keys())
        sg_key = o.ElementKey(o.KIND_SG, V3, SG)
        self.assertEqual({'members': (('00100',), ('00101',))},
                         diff.changed_fields(sg_key))
        self.assertEqual([
            'created device 000197800123:00101 label=OS-new '
            'size_bytes=2147483648 pool=SRP_1 storage_groups=[%s]' % SG,
            'changed pool 000197800123:SRP_1 subscribed_bytes: 1073741824 '
            '-> 2147483648; remaining_bytes: 54974507646976 -> '
            '54973433905152',
            'changed storage group 000197800123:%s members: [00100] -> '
            '[00101]' % SG,
            'deleted device 000197800123:00100 label=OS-old '
            'size_bytes=1073741824 pool=SRP_1 storage_groups=[%s]' % SG,
        ], str(diff).splitlines())

    def test_group_membership_order_is_not_state(self):
        # A revert puts a device back with AddMembers at the end of the
        # list; membership order means nothing on the array, so a device
        # that left and came back is no change -- but a real membership
        # change still is.
        first, second = self.volume('OS-a'), self.volume('OS-b')
        ops.create_replication_group(self.estate, V3, 'rg',
                                     [first.device_id, second.device_id])
        before = self.estate.snapshot()
        ops.remove_members(self.estate, V3, o.KIND_SG, SG,
                           [first.device_id])
        ops.add_members(self.estate, V3, o.KIND_SG, SG, [first.device_id])
        ops.remove_replication_group_members(self.estate, V3, 'rg',
                                             [first.device_id])
        ops.add_replication_group_members(self.estate, V3, 'rg',
                                          [first.device_id])
        self.assertEqual([second.device_id, first.device_id],
                         self.estate.arrays[V3].storage_groups[SG].members)
        self.assertEqual([second.device_id, first.device_id],
                         self.estate.arrays[V3].replication_groups[
                             'rg'].members)
        self.assertFalse(self.estate.diff(since=before),
                         str(self.estate.diff(since=before)))
        ops.remove_members(self.estate, V3, o.KIND_SG, SG,
                           [first.device_id])
        self.assertEqual(
            {'members': ((first.device_id, second.device_id),
                         (second.device_id,))},
            self.estate.diff(since=before).changed_fields(
                o.ElementKey(o.KIND_SG, V3, SG)))

    def test_clock_and_jobs_are_not_state(self):
        self.volume('OS-a')
        before = self.estate.snapshot()
        self.estate.advance(3600)
        ops.start_job(self.estate, V3, 'Noop', None, rule=o.RULE_NEVER)
        self.assertFalse(self.estate.diff(since=before))

    def test_relationship_state_changes_are_named(self):
        src = self.volume('OS-src', 1)
        rel = ops.create_snapvx_replica(self.estate, V3, src.device_id,
                                        'snap')
        before = self.estate.snapshot()
        self.estate.advance(0.5)
        self.assertFalse(self.estate.diff(since=before))  # bytes only
        self.estate.advance(0.5)
        key = o.ElementKey(o.KIND_RELATIONSHIP, V3, str(rel.rel_id))
        self.assertEqual({'copy_state': (3, 4), 'sync_state': (15, 6)},
                         self.estate.diff(since=before).changed_fields(key))

    def test_masking_view_luns_in_diff(self):
        self.diamond_sg()
        ops.create_hardware_id(self.estate, V3, base.IQN_HOST, 5)
        ops.create_initiator_group(self.estate, V3, 'ig', [base.IQN_HOST])
        ops.create_masking_view(self.estate, V3, 'mv', SG, 'ig',
                                'OS-PG-iSCSI-A')
        before = self.estate.snapshot()
        dev = self.volume('OS-a')
        key = o.ElementKey(o.KIND_VIEW, V3, 'mv')
        self.assertEqual({'luns': ((), ((dev.device_id, 1),))},
                         self.estate.diff(since=before).changed_fields(key))

    def test_snapshot_of_ten_thousand_devices_is_fast(self):
        for i in range(3):
            self.diamond_sg(name='SG%d' % i)
        for i in range(10000):
            ops.create_volume(self.estate, V3, 'OS-%05d' % i, GIB,
                              storage_group='SG%d' % (i % 3))
        start = time.perf_counter()
        snap = self.estate.snapshot()
        elapsed = time.perf_counter() - start
        self.assertEqual(10000, len(snap.keys(o.KIND_DEVICE)))
        self.assertLess(elapsed, 1.0)
        start = time.perf_counter()
        self.assertFalse(self.estate.diff(since=snap))
        self.assertLess(time.perf_counter() - start, 1.5)


class PersistenceTest(base.ModelTestCase):

    profile = 'srdf-pair'

    def populate(self):
        src = self.volume('OS-src', 2)
        tgt = self.volume('OS-src', 2, serial=base.V3_REMOTE)
        ops.create_srdf_pair(self.estate, V3, src.device_id,
                             base.V3_REMOTE, tgt.device_id, 10)
        ops.create_snapvx_replica(self.estate, V3, src.device_id, 'snap',
                                  target_storage_group=SG)
        ops.create_hardware_id(self.estate, V3, base.IQN_HOST, 5)
        ops.create_initiator_group(self.estate, V3, 'ig', [base.IQN_HOST])
        ops.create_masking_view(self.estate, V3, 'mv', SG, 'ig',
                                'OS-PG-iSCSI-A')
        ops.create_replication_group(self.estate, V3, 'cg',
                                     [src.device_id])
        ops.start_job(self.estate, V3, 'Noop', None, rule=o.RULE_NEVER,
                      affected=[o.ElementKey(o.KIND_SG, V3, SG)])
        self.estate.advance(1)
        return src

    def test_round_trip_is_equal(self):
        self.populate()
        data = json.loads(json.dumps(self.estate.to_dict()))
        copy = model.Estate.from_dict(data)
        self.assertEqual(self.estate.snapshot(), copy.snapshot())
        self.assertEqual(self.estate.to_dict(), copy.to_dict())
        self.assertEqual(self.estate.now(), copy.now())
        job = copy.jobs[1]
        self.assertEqual(([o.ElementKey(o.KIND_SG, V3, SG)], [SG]),
                         (job.affected, job.locks))
        self.assertEqual([1], [j.job_id for j in copy.running_jobs()])

    def test_loaded_estate_keeps_working(self):
        src = self.populate()
        copy = model.Estate.from_dict(self.estate.to_dict())
        for estate in (self.estate, copy):
            estate.advance(2)
            dev = ops.create_volume(estate, V3, 'OS-next', GIB,
                                    pool='SRP_1')
        originals = {d.wwn for d in self.estate.arrays[V3].devices.values()}
        self.assertEqual(len(originals), len(self.estate.arrays[V3].devices))
        self.assertEqual(dev.wwn, self.estate.arrays[V3].devices[
            dev.device_id].wwn)
        self.assertEqual(self.estate.snapshot(), copy.snapshot())
        self.assertEqual([SG], copy.arrays[V3].groups_of_device(
            src.device_id))
        self.assertEqual(2, len(copy.relationships_of(V3, src.device_id)))

    def test_save_and_load(self):
        self.populate()
        directory = self.useFixture(fixtures.TempDir()).path
        path = os.path.join(directory, 'estate.json')
        self.estate.save(path)
        self.assertEqual(['estate.json'], os.listdir(directory))
        loaded = model.Estate.load(path)
        self.assertEqual(self.estate.snapshot(), loaded.snapshot())
        with open(path) as src:
            self.assertEqual(persist.FORMAT_VERSION,
                             json.load(src)['format_version'])

    def test_vmax2_round_trip(self):
        estate = model.load_profile('vmax2')
        meta = ops.create_volume(estate, base.V2, 'OS-meta', 300 * GIB,
                                 pool='FC_Pool')
        ops.create_storage_group(estate, base.V2, 'fast',
                                 fast_policy='GOLD1',
                                 members=[meta.device_id])
        ops.create_clone(estate, base.V2, meta.device_id)
        ops.create_volume(estate, base.V2, 'unbound', GIB,
                          pool='SATA_Pool', bind=False)
        copy = model.Estate.from_dict(json.loads(json.dumps(
            estate.to_dict())))
        self.assertEqual(estate.snapshot(), copy.snapshot())
        arr = copy.arrays[base.V2]
        self.assertEqual(('SYMMETRIX+000195900551', (7, 6, 2)),
                         (arr.system_name, arr.se_version))
        self.assertEqual(600 * GIB,
                         arr.pool_usage('FC_Pool').subscribed_bytes)
        self.assertEqual(['00101', '00103'],
                         sorted(arr.devices[d].device_id
                                for d in arr.devices
                                if arr.devices[d].is_meta_member))

    def test_unknown_format_version_refused(self):
        data = self.estate.to_dict()
        data['format_version'] = 99
        exc = self.assertRaises(ValueError, model.Estate.from_dict, data)
        self.assertIn('99', str(exc))


class SummaryTest(base.ModelTestCase):

    def test_summary_names_objects(self):
        src = self.volume('OS-src', 1)
        ops.create_snapvx_replica(self.estate, V3, src.device_id, 'snap')
        text = self.estate.summary(V3)
        self.assertIn('Array 000197800123 (VMAX3 VMAX250F', text)
        self.assertIn('SRP_1 (srp): total 51200.0 GiB, subscribed 2.0 GiB',
                      text)
        self.assertIn('00100 OS-src', text)
        self.assertIn('SG %s [Diamond+OLTP]: 1 devices' % SG, text)
        self.assertIn('session 1 SnapVX 00100 -> 000197800123:00101 '
                      '(snap gen 0): copying 0%', text)
        self.assertEqual('', self.estate.summary('nope'))
