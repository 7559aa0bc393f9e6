"""Regression tests for bugs in the 2.x SMI-S driver's history.

Each test is named after the Launchpad bug and drives the real driver
against the simulator, checking the array state afterwards.
"""

from cinder import exception
import testtools

from tests import fixtures
from vmax_flows import exceptions
from vmax_flows.smis import params as cim

GIB = 1024 ** 3


class Base(testtools.TestCase):

    profile = 'vmax3-allflash'
    options = {}

    def setUp(self):
        super().setUp()
        self.backend = self.useFixture(fixtures.SimulatedBackend(
            self.profile, options=self.options))
        self.sim = self.backend.sim
        self.driver = self.backend.driver
        self.array = self.backend.array
        self.source = self.backend.create_volume(size=1)

    def pairs(self, device_id):
        return self.sim.estate.relationships_of(self.backend.serial,
                                                device_id)


class Bug1440154FailedCloneCleanedUpTest(Base):
    """A failed clone left its half-made target behind."""

    def clone_fails(self, fault, **match):
        source_id = self.backend.device_of(self.source).device_id
        before = self.sim.snapshot()
        self.sim.faults.add(fault, times=1, **match)
        clone = self.backend.volume(size=2)
        error = self.assertRaises(exception.VolumeBackendAPIException,
                                  self.driver.create_cloned_volume, clone,
                                  self.source)
        self.assertEqual([], self.backend.devices_labelled(clone))
        self.assertEqual([], self.pairs(source_id))
        self.assertEqual([], self.array.snapshots_of(source_id))
        self.assertFalse(self.sim.diff(before), str(self.sim.diff(before)))
        return str(error)

    def test_link_job_fails(self):
        text = self.clone_fails('job_exception',
                                method='CreateElementReplica',
                                error_code=10460,
                                description='SnapVX link failed')
        self.assertIn('create_cloned_volume failed at step '
                      'create_cloned_volume.create_replica', text)
        self.assertIn('SnapVX link failed', text)

    def test_link_refused(self):
        text = self.clone_fails('cim_error', method='CreateElementReplica',
                                code=1, description='too many snapshots')
        self.assertIn('too many snapshots', text)

    def test_dissolve_fails(self):
        text = self.clone_fails('job_exception',
                                method='ModifyReplicaSynchronization',
                                description='dissolve refused')
        self.assertIn('create_cloned_volume.finish_replica', text)

    def test_extend_of_larger_clone_fails(self):
        # The extend comes after the dissolve; the target still goes.
        text = self.clone_fails('job_exception',
                                method='CreateOrModifyElementFromStoragePool',
                                nth=2, description='extend refused')
        self.assertIn('create_cloned_volume.extend_device', text)

    def test_link_answer_lost_then_copy_wait_fails(self):
        # The link is confirmed on the array despite the lost answer; the
        # failure after it must still remove pair and target.
        self.sim.faults.add('drop_connection',
                            method='CreateElementReplica', executed=True,
                            times=1)
        self.clone_fails('cim_error', operation='GetInstance',
                         classname='SE_StorageSynchronized_SV_SV', code=1,
                         description='provider busy')

    def test_revert_that_cannot_read_the_array_does_not_stop_others(self):
        # The link job fails; the link's revert cannot even look for the
        # pair (provider error); the target's revert must still run.
        self.sim.faults.add('job_exception', method='CreateElementReplica',
                            times=1)
        self.sim.faults.add('cim_error', operation='GetInstance',
                            classname='SE_StorageSynchronized_SV_SV',
                            code=1, description='provider busy', times=1)
        clone = self.backend.volume(size=1)
        error = self.assertRaises(exception.VolumeBackendAPIException,
                                  self.driver.create_cloned_volume, clone,
                                  self.source)
        self.assertIn('NOT cleaned up: what create_cloned_volume.'
                      'create_replica made', str(error))
        self.assertEqual([], self.backend.devices_labelled(clone))

    def test_link_answer_lost_is_confirmed(self):
        self.sim.faults.add('drop_connection',
                            method='CreateElementReplica', executed=True,
                            times=1)
        clone = self.backend.volume(size=1)
        clone.update(self.driver.create_cloned_volume(clone, self.source))
        device = self.backend.device_of(clone)
        self.assertEqual(self.backend.device_of(self.source).device_id,
                         device.lineage[0]['device_id'])
        self.assertEqual([], self.pairs(device.device_id))


class Bug1440154Vmax2Test(Bug1440154FailedCloneCleanedUpTest):

    profile = 'vmax2'
    options = {'vmax_fast_policy': 'GOLD1'}

    def test_link_job_fails(self):
        text = self.clone_fails('job_exception',
                                method='CreateElementReplica',
                                description='clone failed')
        self.assertIn('clone failed', text)

    def test_extend_of_larger_clone_fails(self):
        text = self.clone_fails('job_exception',
                                method='CreateOrModifyCompositeElement',
                                description='append refused')
        self.assertIn('create_cloned_volume.append_meta_member', text)


class Bug1512795InvalidServiceLevelTest(Base):
    """Invalid SLO / workload names gave obscure failures."""

    def test_invalid_service_level_in_volume_type(self):
        before = self.sim.snapshot()
        volume = self.backend.volume(size=1, extra_specs={
            'pool_name': 'Platinum+OLTP+SRP_1+000197800123'})
        error = self.assertRaises(exception.InvalidVolumeType,
                                  self.driver.create_volume, volume)
        self.assertIn("service level 'Platinum' is not valid", str(error))
        self.assertIn('valid values: Diamond, Optimized', str(error))
        self.assertFalse(self.sim.diff(before))

    def test_invalid_service_level_in_config(self):
        backend = self.useFixture(fixtures.SimulatedBackend(
            options={'vmax_service_level': 'Bronze'}, setup=False))
        error = self.assertRaises(exception.InvalidConfigurationValue,
                                  backend.driver.do_setup, None)
        self.assertIn("service level 'Bronze' is not valid", str(error))


class Bug1517103CopyStateTest(Base):
    """SE 8.x stopped updating PercentSynced on VMAX3: waits must read
    CopyState."""

    def test_vmax3_pair_has_no_percent_synced_and_clone_completes(self):
        big = self.backend.create_volume(size=8)
        client = self.driver.client
        source_id = self.backend.device_of(big).device_id
        target = client.create_volume('OS-copy-target', 8 * GIB,
                                      group='OS-SRP_1-Diamond-OLTP-SG')
        client.create_replica(source_id, target['device_id'], 'OS-tmp',
                              cim.SYNC_TYPE_SNAPSHOT, wait_for_copy=False)
        pair = client.session.get_instance(
            client.pair_path(source_id, target['device_id']))
        self.assertIsNone(pair.get('PercentSynced'))
        self.assertEqual(3, pair['CopyState'])
        seen = []
        started = self.sim.clock.now()
        result = client.wait_for_copy(
            source_id, target['device_id'],
            progress=lambda fraction, state: seen.append((fraction, state)))
        self.assertEqual(4, result['copy_state'])
        self.assertIsNone(result['percent_synced'])
        self.assertEqual(4, seen[-1][1])
        self.assertTrue(all(fraction is None for fraction, _ in seen))
        # 8 GiB at 1024 MiB/s: the wait lasted about 8 simulated seconds.
        self.assertGreaterEqual(self.sim.clock.now() - started, 8)
        self.assertGreater(len(seen), 2)

    def test_clone_of_large_volume_waits_for_copy(self):
        big = self.backend.create_volume(size=20)
        started = self.sim.clock.now()
        clone = self.backend.volume(size=20)
        clone.update(self.driver.create_cloned_volume(clone, big))
        self.assertGreaterEqual(self.sim.clock.now() - started, 20)
        self.assertEqual([], self.pairs(
            self.backend.device_of(clone).device_id))


class Bug1517103Vmax2PercentSyncedTest(Base):

    profile = 'vmax2'

    def test_progress_from_percent_synced(self):
        big = self.backend.create_volume(size=10)
        snapshot = self.backend.create_snapshot(big)
        client = self.driver.client
        source_id = self.backend.device_of(big).device_id
        target_id = self.backend.device_of(snapshot).device_id
        seen = []
        result = client.wait_for_copy(
            source_id, target_id,
            progress=lambda fraction, state: seen.append((fraction, state)))
        self.assertEqual((4, 100), (result['copy_state'],
                                    result['percent_synced']))
        fractions = [f for f, _ in seen]
        self.assertEqual(sorted(fractions), fractions)
        self.assertEqual(1.0, fractions[-1])
        self.assertLess(fractions[0], 1.0)


class Bug1538214BoundedWaitTest(Base):
    """Timed-out operations were reported with a wrong rc and no error."""

    def test_stuck_job_ends_in_clear_timeout(self):
        before = self.sim.snapshot()
        started = self.sim.clock.now()
        self.sim.faults.add('job_stuck',
                            method='CreateOrModifyElementFromStoragePool',
                            times=1)
        volume = self.backend.volume(size=1)
        error = self.assertRaises(exception.VolumeBackendAPIException,
                                  self.driver.create_volume, volume)
        text = str(error)
        # 30 polls, 2 s apart (the fixture's settings).
        self.assertIn('Timed out after 58.0 s (30 polls, 2.0 s apart) '
                      'waiting for job SYMMETRIX-+-000197800123-+-', text)
        self.assertIn('(CreateOrModifyElementFromStoragePool) to create '
                      'device OS-%s' % volume.id, text)
        self.assertIn('last JobState 4 (Running)', text)
        self.assertIn('create_volume.create_device', text)
        elapsed = self.sim.clock.now() - started
        # The wait, plus the revert's shorter wait for the job to settle.
        self.assertLess(elapsed, 2.0 * (30 + 30 // 4 + 2))
        self.assertEqual([], self.backend.devices_labelled(volume))
        self.assertFalse(self.sim.diff(before))

    def test_job_finishing_after_timeout_is_undone(self):
        before = self.sim.snapshot()
        self.sim.faults.add('job_late',
                            method='CreateOrModifyElementFromStoragePool',
                            seconds=64, times=1)
        volume = self.backend.volume(size=1)
        self.assertRaises(exception.VolumeBackendAPIException,
                          self.driver.create_volume, volume)
        self.sim.advance(60)
        self.assertEqual([], self.backend.devices_labelled(volume))
        self.assertFalse(self.sim.diff(before), str(self.sim.diff(before)))

    def test_copy_wait_is_bounded(self):
        big = self.backend.create_volume(size=200)
        before = self.sim.snapshot()
        client = self.driver.client
        source_id = self.backend.device_of(big).device_id
        target = client.create_volume('OS-slow', 200 * GIB,
                                      group='OS-SRP_1-Diamond-OLTP-SG')
        client.create_replica(source_id, target['device_id'], 'OS-slow',
                              cim.SYNC_TYPE_SNAPSHOT, wait_for_copy=False)
        error = self.assertRaises(exceptions.WaitTimeout,
                                  client.wait_for_copy, source_id,
                                  target['device_id'])
        self.assertIn('waiting for replica pair Symm_StorageVolume %s -> '
                      'Symm_StorageVolume %s to reach CopyState '
                      'Synchronized (4)' % (source_id, target['device_id']),
                      str(error))
        self.assertIn('last CopyState 3 (Unsynchronized)', str(error))
        self.assertEqual(30, error.polls)
        self.assertTrue(self.sim.diff(before))


class Bug1587017SnapVxLicenceTest(Base):
    """Snapshots were attempted without a SnapVX licence."""

    def revoke(self):
        self.sim.admin.set_licence(self.backend.serial, 'snapvx', False)
        stats = self.driver.get_volume_stats(refresh=True)
        self.assertFalse(stats['pools'][0]['snapshot_support'])

    def test_snapshot_refused_clearly(self):
        self.revoke()
        before = self.sim.snapshot()
        self.sim.calls.reset()
        snapshot = self.backend.snapshot(self.source)
        error = self.assertRaises(exception.VolumeBackendAPIException,
                                  self.driver.create_snapshot, snapshot)
        self.assertIn('SnapVX is not licensed on array 000197800123',
                      str(error))
        self.assertIn('create_snapshot.check_licence', str(error))
        self.assertFalse(self.sim.diff(before))
        self.assertEqual(0, self.sim.calls.total)

    def test_clone_refused_clearly(self):
        self.revoke()
        before = self.sim.snapshot()
        clone = self.backend.volume(size=1)
        error = self.assertRaises(exception.VolumeBackendAPIException,
                                  self.driver.create_cloned_volume, clone,
                                  self.source)
        self.assertIn('SnapVX is not licensed', str(error))
        self.assertFalse(self.sim.diff(before))

    def test_licence_granted_again(self):
        self.revoke()
        self.sim.admin.set_licence(self.backend.serial, 'snapvx', True)
        self.driver.get_volume_stats(refresh=True)
        snapshot = self.backend.create_snapshot(self.source)
        self.assertEqual(1, len(self.backend.devices_labelled(snapshot)))

    def test_licence_missing_at_setup(self):
        sim = fixtures.simulator('vmax3-allflash')
        sim.admin.set_licence('000197800123', 'snapvx', False)
        backend = self.useFixture(fixtures.SimulatedBackend(sim=sim))
        volume = backend.create_volume(size=1)
        before = sim.snapshot()
        self.assertRaises(exception.VolumeBackendAPIException,
                          backend.driver.create_snapshot,
                          backend.snapshot(volume))
        self.assertFalse(sim.diff(before))


class Bug1745183LegacyLabelTest(Base):
    """Volumes the Newton driver labelled with a bare uuid were 'not
    found' after an upgrade."""

    def legacy_location(self, device):
        return str({'classname': 'Symm_StorageVolume',
                    'keybindings': {
                        'CreationClassName': 'Symm_StorageVolume',
                        'SystemName': 'SYMMETRIX-+-000197800123',
                        'DeviceID': device.device_id,
                        'SystemCreationClassName': 'Symm_StorageSystem'},
                    'version': '2.4.0'})

    def test_bare_uuid_label_and_dict_location(self):
        volume = self.backend.create_volume(size=1)
        device = self.backend.device_of(volume)
        self.sim.admin.rename_device(self.backend.serial, device.device_id,
                                     volume.id)
        volume.provider_location = self.legacy_location(device)
        self.driver.extend_volume(volume, 2)
        self.assertEqual(2 * GIB, device.size_bytes)
        volume.size = 2
        snapshot = self.backend.create_snapshot(volume)
        self.driver.delete_snapshot(snapshot)
        self.driver.delete_volume(volume)
        self.assertNotIn(device.device_id, self.array.devices)

    def test_ocata_label_with_legacy_location(self):
        volume = self.backend.create_volume(size=1)
        device = self.backend.device_of(volume)
        volume.provider_location = self.legacy_location(device)
        self.driver.delete_volume(volume)
        self.assertNotIn(device.device_id, self.array.devices)

    def test_reused_device_id_is_not_ours(self):
        # provider_location names a DeviceID now used by another volume:
        # identity is DeviceID *and* label, so it must not be deleted.
        mine = self.backend.create_volume(size=1)
        other = self.backend.create_volume(size=1)
        other_device = self.backend.device_of(other)
        mine_device = self.backend.device_of(mine)
        mine.provider_location = self.legacy_location(other_device)
        self.driver.delete_volume(mine)
        self.assertIn(other_device.device_id, self.array.devices)
        # ...but the label search still found and deleted its own device.
        self.assertNotIn(mine_device.device_id, self.array.devices)

    def test_migrated_volume_uses_name_id(self):
        name_id = '7a1b2c3d-4e5f-4a6b-8c7d-9e0f1a2b3c4d'
        volume = self.backend.create_volume(size=1, name_id=name_id)
        device = self.backend.device_of(volume)
        self.assertEqual('OS-' + name_id, device.label)
        self.driver.delete_volume(volume)
        self.assertNotIn(device.device_id, self.array.devices)
