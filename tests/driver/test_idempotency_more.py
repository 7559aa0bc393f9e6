"""More retried and repeated operations (see test_idempotency.py): the
VMAX2 meta member an extend makes is unbound -- in no pool -- and must
still be found by a retry; snapshots and volumes made from them retried
with the same ids; deletes of what a failed create left."""

from cinder import exception
import fixtures as fixtures_lib
import testtools

from tests import fixtures
from vmax_flows import naming
from vmax_sim.model import ops

GIB = 1024 ** 3


class Vmax2MetaMemberTest(testtools.TestCase):

    def setUp(self):
        super().setUp()
        self.useFixture(fixtures_lib.FakeLogger(level=40))
        self.backend = self.useFixture(fixtures.SimulatedBackend(
            'vmax2', options={'vmax_fast_policy': 'GOLD1'}))
        self.sim = self.backend.sim
        self.volume = self.backend.create_volume(size=1)
        self.member_label = naming.label(self.volume.id) + '-to-2G'

    def members_labelled(self):
        return [d for d in self.backend.array.devices.values()
                if d.label == self.member_label]

    def assert_extended_with_one_member(self):
        head = self.backend.device_of(self.volume)
        self.assertEqual(2 * GIB, head.size_bytes)
        members = self.members_labelled()
        self.assertEqual(1, len(members), [m.device_id for m in members])
        self.assertEqual([members[0].device_id], head.meta_members)

    def test_member_whose_answer_was_lost_is_used(self):
        # The member was created (unbound) but the answer lost: the task
        # must find it although it is in no pool, not make a second one.
        self.sim.faults.add('drop_connection', executed=True, times=1,
                            method='CreateOrModifyElementFromStoragePool')
        self.backend.driver.extend_volume(self.volume, 2)
        self.assertEqual(1, len(self.sim.calls.faulted()))
        self.assert_extended_with_one_member()

    def test_member_left_by_an_earlier_attempt_is_used(self):
        # A process that died between creating the member and appending
        # it left the member behind: the retried extend appends that one.
        with self.sim.dispatcher.lock:
            left = ops.create_volume(self.sim.estate, self.backend.serial,
                                     self.member_label, GIB, pool='FC_Pool',
                                     bind=False)
        self.sim.calls.reset()
        self.backend.driver.extend_volume(self.volume, 2)
        self.assertEqual(0, self.sim.calls.count(
            'InvokeMethod:CreateOrModifyElementFromStoragePool'))
        self.assert_extended_with_one_member()
        self.assertEqual(left.device_id, self.members_labelled()[0].device_id)

    def test_failed_append_leaves_no_member_and_retry_extends(self):
        before = self.sim.snapshot()
        self.sim.faults.add('job_exception', times=1,
                            method='CreateOrModifyCompositeElement',
                            description='meta is busy')
        error = self.assertRaises(exception.VolumeBackendAPIException,
                                  self.backend.driver.extend_volume,
                                  self.volume, 2)
        self.assertIn('meta is busy', str(error))
        self.assertIn('all changes were reverted', str(error))
        self.assertEqual([], self.members_labelled())
        self.assertFalse(self.sim.diff(before), self.sim.diff(before))
        self.backend.driver.extend_volume(self.volume, 2)
        self.assert_extended_with_one_member()


def extends_a_device(params):
    return params.get('TheElement') is not None


class Vmax3RetryTest(testtools.TestCase):

    profile = 'vmax3-allflash'
    options = {}
    # The call that grows a clone larger than its source.
    extend_fault = {'method': 'CreateOrModifyElementFromStoragePool',
                    'when': extends_a_device}

    def setUp(self):
        super().setUp()
        self.useFixture(fixtures_lib.FakeLogger(level=40))
        self.backend = self.useFixture(fixtures.SimulatedBackend(
            self.profile, options=self.options))
        self.sim = self.backend.sim
        self.driver = self.backend.driver
        self.source = self.backend.create_volume(size=1)
        self.snapshot = self.backend.create_snapshot(self.source)
        self.sim.advance(600)       # background copies finish

    def test_volume_from_snapshot_retried_leaves_one_device(self):
        volume = self.backend.volume(size=1)
        first = self.driver.create_volume_from_snapshot(volume,
                                                        self.snapshot)
        before = self.sim.snapshot()
        again = self.backend.volume(size=1, volume_id=volume.id)
        self.assertEqual(first, self.driver.create_volume_from_snapshot(
            again, self.snapshot))
        diff = self.sim.diff(before)
        self.assertEqual(([], []), (diff.created, diff.deleted), str(diff))
        devices = self.backend.devices_labelled(volume)
        self.assertEqual(1, len(devices))
        self.assertEqual(self.backend.device_of(self.snapshot).device_id,
                         devices[0].lineage[0]['device_id'])

    def test_delete_of_snapshot_whose_create_failed(self):
        before = self.sim.snapshot()
        self.sim.faults.add('job_exception', method='CreateElementReplica',
                            times=1, description='no more snapshots')
        snapshot = self.backend.snapshot(self.source)
        error = self.assertRaises(exception.VolumeBackendAPIException,
                                  self.driver.create_snapshot, snapshot)
        self.assertIn('no more snapshots', str(error))
        self.assertFalse(self.sim.diff(before))
        self.sim.calls.reset()
        self.driver.delete_snapshot(snapshot)
        self.assertFalse(self.sim.diff(before))
        self.assertEqual(0, self.sim.calls.count('InvokeMethod'))

    def test_delete_of_clone_that_failed_after_its_copy_was_final(self):
        # A clone failing after its copy was made independent (the
        # extend, here) is reported "done and not undoable"; Cinder marks
        # it in error and deletes it: nothing of it may remain.
        before = self.sim.snapshot()
        self.sim.faults.add('job_exception', times=1, **self.extend_fault)
        clone = self.backend.volume(size=2)
        self.assertRaises(exception.VolumeBackendAPIException,
                          self.driver.create_cloned_volume, clone,
                          self.source)
        self.driver.delete_volume(clone)
        self.assertEqual([], self.backend.devices_labelled(clone))
        self.assertFalse(self.sim.diff(before), self.sim.diff(before))


class Vmax2RetryTest(Vmax3RetryTest):

    profile = 'vmax2'
    options = {'vmax_fast_policy': 'GOLD1'}
    extend_fault = {'method': 'CreateOrModifyCompositeElement'}
