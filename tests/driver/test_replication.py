"""SRDF/S replication through the driver: ``replication_device``,
replicated create (plain, clone, from snapshot, in a group), delete,
extend, snapshots and stats, against the two arrays of the srdf-pair
profile.  State is read from both arrays in the simulator's model.
"""

from cinder import exception
import testtools

from tests.driver import test_replication_support as support
from vmax_flows import naming

GIB = support.GIB
PRIMARY, TARGET = support.PRIMARY, support.TARGET


def location(text):
    return naming.decode_provider_location(text)


class ReplicationSetupTest(testtools.TestCase):

    def test_stats_report_the_target(self):
        backend = self.useFixture(support.GroupBackend(replicated=True))
        stats = backend.driver.get_volume_stats(refresh=True)
        for level in (stats, stats['pools'][0]):
            self.assertEqual(
                (True, [TARGET], 1, ['sync']),
                (level['replication_enabled'], level['replication_targets'],
                 level['replication_count'], level['replication_type']))
        self.assertEqual('Diamond+OLTP+SRP_1+%s' % PRIMARY,
                         stats['pools'][0]['pool_name'])
        self.assertIsNone(backend.driver.replication.active_backend_id)

    def assertBadDevice(self, device, *words):
        backend = self.useFixture(support.GroupBackend(
            replicated=True, setup=False,
            options={'replication_device': [device]}))
        before = backend.sim.snapshot()
        error = self.assertRaises(exception.InvalidConfigurationValue,
                                  backend.driver.do_setup, None)
        for word in words:
            self.assertIn(word, str(error))
        self.assertFalse(backend.sim.diff(before))
        self.assertIsNone(backend.driver.replication)

    def test_missing_key(self):
        device = dict(support.REPLICATION_DEVICE)
        del device['rdf_group_label']
        self.assertBadDevice(device, 'replication_device', 'missing',
                             'rdf_group_label')

    def test_unknown_target_array(self):
        self.assertBadDevice(
            dict(support.REPLICATION_DEVICE,
                 target_device_id='000197899999'),
            '000197899999', 'does not manage it')

    def test_unknown_rdf_group(self):
        self.assertBadDevice(
            dict(support.REPLICATION_DEVICE, rdf_group_label='os-rdf-7'),
            "'os-rdf-7'", 'valid values: os-rdf-1')

    def test_unknown_remote_port_group(self):
        self.assertBadDevice(
            dict(support.REPLICATION_DEVICE, remote_port_group='PG-X'),
            "port group 'PG-X'", 'OS-PG-iSCSI-R')

    def test_asynchronous_mode(self):
        self.assertBadDevice(
            dict(support.REPLICATION_DEVICE, mode='Asynchronous'),
            'only synchronous')

    def test_unknown_active_backend_id(self):
        backend = self.useFixture(support.GroupBackend(
            replicated=True, setup=False, active_backend_id='elsewhere'))
        error = self.assertRaises(exception.InvalidConfigurationValue,
                                  backend.driver.do_setup, None)
        self.assertIn("active_backend_id 'elsewhere'", str(error))

    def test_no_replication_device(self):
        backend = self.useFixture(support.GroupBackend('srdf-pair'))
        self.assertIsNone(backend.driver.replication)
        volume = backend.volume(size=1, extra_specs=support.REPLICATED)
        before = backend.sim.snapshot()
        error = self.assertRaises(exception.InvalidVolumeType,
                                  backend.driver.create_volume, volume)
        self.assertIn('has no replication_device', str(error))
        self.assertFalse(backend.sim.diff(before))


class ReplicatedVolumeTest(testtools.TestCase):

    def setUp(self):
        super().setUp()
        self.backend = self.useFixture(support.GroupBackend(replicated=True))
        self.driver = self.backend.driver
        self.sim = self.backend.sim
        self.primary = self.backend.array_of(PRIMARY)
        self.target = self.backend.array_of(TARGET)

    def replicated(self, size=1, **kwargs):
        volume = self.backend.volume(size=size,
                                     extra_specs=support.REPLICATED,
                                     **kwargs)
        return volume

    def create(self, size=1):
        volume = self.replicated(size)
        update = self.driver.create_volume(volume)
        return support.apply(volume, update), update

    def devices(self, volume):
        return (self.backend.device_at(volume.provider_location),
                self.backend.device_at(volume.replication_driver_data))

    def assertReplicated(self, volume):
        r1, r2 = self.devices(volume)
        self.assertEqual(('OS-' + volume.id, 'OS-' + volume.id),
                         (r1.label, r2.label))
        self.assertEqual((PRIMARY, TARGET),
                         (location(volume.provider_location)['array'],
                          location(volume.replication_driver_data)['array']))
        pairs = [p for p in self.backend.srdf_pairs()
                 if p.source_key == (PRIMARY, r1.device_id)]
        self.assertEqual([(TARGET, r2.device_id)],
                         [p.target_key for p in pairs])
        return r1, r2

    def test_create(self):
        volume, update = self.create(size=2)
        self.assertEqual('enabled', update['replication_status'])
        r1, r2 = self.assertReplicated(volume)
        self.assertEqual((2 * GIB, 2 * GIB), (r1.size_bytes, r2.size_bytes))
        self.assertEqual('srdf', r2.lineage[0]['via'])
        self.assertLess(len(update['replication_driver_data']), 256)

    def test_plain_volumes_stay_plain(self):
        volume = self.backend.volume(size=1)
        update = self.driver.create_volume(volume)
        self.assertEqual(['provider_location'], list(update))
        self.assertEqual([], self.backend.srdf_pairs())
        self.assertEqual([], list(self.target.devices))

    def test_create_failing_at_the_pair_leaves_nothing(self):
        self.create()       # default storage groups exist on both arrays
        before = self.sim.snapshot()
        self.sim.faults.add('job_exception', method='CreateElementReplica',
                            description='RDF group is busy')
        volume = self.replicated()
        error = self.assertRaises(exception.VolumeBackendAPIException,
                                  self.driver.create_volume, volume)
        self.assertIn('RDF group is busy', str(error))
        self.assertIn('all changes were reverted', str(error))
        self.assertFalse(self.sim.diff(before), self.sim.diff(before))
        self.assertEqual(1, len(self.backend.srdf_pairs()))
        # Cinder deletes the errored volume: nothing to do, no error.
        self.driver.delete_volume(volume)
        self.assertFalse(self.sim.diff(before))

    def test_fault_at_each_step_of_the_first_create(self):
        before = self.sim.snapshot()
        volume = self.replicated()
        steps = []
        for nth in range(1, 10):
            rule = self.sim.faults.add('job_exception',
                                       operation='InvokeMethod', nth=nth,
                                       description='injected #%d' % nth)
            try:
                update = self.driver.create_volume(volume)
            except exception.VolumeBackendAPIException as exc:
                self.assertIn('injected #%d' % nth, str(exc))
                self.assertFalse(self.sim.diff(before),
                                 'step %d: %s' % (nth,
                                                  self.sim.diff(before)))
                steps.append(self.sim.calls.faulted()[-1].operation)
                continue
            finally:
                self.sim.faults.remove(rule)
            self.assertFalse(rule.fired)
            break
        self.assertEqual(['InvokeMethod:CreateGroup',
                          'InvokeMethod:CreateOrModifyElementFromStoragePool',
                          'InvokeMethod:CreateGroup',
                          'InvokeMethod:CreateOrModifyElementFromStoragePool',
                          'InvokeMethod:CreateElementReplica'], steps)
        self.assertReplicated(support.apply(volume, update))

    def test_clone_and_create_from_snapshot_are_replicated(self):
        source, _ = self.create(size=1)
        clone = self.replicated(size=2)
        support.apply(clone, self.driver.create_cloned_volume(clone, source))
        r1, r2 = self.assertReplicated(clone)
        self.assertEqual((2 * GIB, 2 * GIB), (r1.size_bytes, r2.size_bytes))
        self.assertEqual(self.devices(source)[0].device_id,
                         r1.lineage[0]['device_id'])
        snapshot = self.backend.create_snapshot(source)
        # The snapshot is local to the R1's array.
        self.assertEqual(PRIMARY,
                         location(snapshot.provider_location)['array'])
        restored = self.replicated(size=1)
        support.apply(restored, self.driver.create_volume_from_snapshot(
            restored, snapshot))
        self.assertReplicated(restored)

    def test_delete(self):
        before = self.sim.snapshot()
        volume, _ = self.create()
        self.driver.delete_volume(volume)
        self.assertEqual([], self.backend.srdf_pairs())
        self.assertEqual([], [d for d in self.primary.devices.values()
                              if d.label == 'OS-' + volume.id])
        self.assertEqual([], [d for d in self.target.devices.values()
                              if d.label == 'OS-' + volume.id])
        # Both default storage groups remain, empty.
        self.assertEqual([('sg', PRIMARY), ('sg', TARGET)], sorted(
            (k.kind, k.serial) for k, _ in self.sim.diff(before).created))
        self.driver.delete_volume(volume)

    def test_delete_with_snapshot_breaks_local_pairs_too(self):
        volume, _ = self.create()
        snapshot = self.backend.create_snapshot(volume)
        self.driver.delete_snapshot(snapshot)
        self.driver.delete_volume(volume)
        self.assertEqual({}, self.sim.estate.relationships)

    def test_extend(self):
        volume, _ = self.create()
        self.driver.extend_volume(volume, 4)
        r1, r2 = self.assertReplicated(volume)
        self.assertEqual((4 * GIB, 4 * GIB), (r1.size_bytes, r2.size_bytes))

    def test_extend_without_allow_extend_is_refused(self):
        backend = self.useFixture(support.GroupBackend(
            replicated=True, options={'replication_device': [dict(
                support.REPLICATION_DEVICE, allow_extend='False')]}))
        volume = backend.volume(size=1, extra_specs=support.REPLICATED)
        support.apply(volume, backend.driver.create_volume(volume))
        before = backend.sim.snapshot()
        error = self.assertRaises(exception.InvalidInput,
                                  backend.driver.extend_volume, volume, 2)
        self.assertIn('allow_extend', str(error))
        self.assertFalse(backend.sim.diff(before))

    def test_replicated_volume_in_a_consistency_group(self):
        group = self.backend.group()
        self.driver.create_group(None, group)
        volume = self.backend.group_volume(group,
                                           extra_specs=support.REPLICATED)
        support.apply(volume, self.driver.create_volume(volume))
        r1, _ = self.assertReplicated(volume)
        self.assertEqual([r1.device_id],
                         self.primary.replication_groups[
                             'OS-' + group.id].members)
