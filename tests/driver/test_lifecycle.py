"""Volume lifecycle through the real driver against simulated arrays.

Every step is checked on the array's state (``sim.array()``), not just on
the absence of an exception.
"""

import json
import logging

from cinder import exception
import fixtures as fixtures_lib
import testtools

from tests import fixtures

GIB = 1024 ** 3


def relationships(backend, device_id):
    return backend.sim.estate.relationships_of(backend.serial, device_id)


class Vmax3LifecycleTest(testtools.TestCase):

    def setUp(self):
        super().setUp()
        self.backend = self.useFixture(
            fixtures.SimulatedBackend('vmax3-allflash'))
        self.driver = self.backend.driver
        self.array = self.backend.array

    def test_create_places_device_in_default_group(self):
        before = self.backend.sim.snapshot()
        volume = self.backend.create_volume(size=2)
        location = json.loads(volume.provider_location)
        device = self.array.devices[location['device_id']]
        self.assertEqual('OS-' + volume.id, device.label)
        self.assertEqual(2 * GIB, device.size_bytes)
        self.assertEqual('SRP_1', device.pool)
        group = self.array.storage_groups['OS-SRP_1-Diamond-OLTP-SG']
        self.assertEqual([device.device_id], group.members)
        self.assertEqual(('SRP_1', 'Diamond', 'OLTP'),
                         (group.srp, group.slo, group.workload))
        self.assertEqual({'array': '000197800123',
                          'device_id': device.device_id,
                          'label': device.label,
                          'system': 'SYMMETRIX-+-000197800123',
                          'version': self.driver.VERSION}, location)
        self.assertLess(len(volume.provider_location), 256)
        self.assertTrue(self.backend.sim.diff(before))

    def test_full_lifecycle(self):
        start = len(self.array.devices)
        volume = self.backend.create_volume(size=1)
        self.driver.extend_volume(volume, 2)
        volume.size = 2
        device = self.backend.device_of(volume)
        self.assertEqual(2 * GIB, device.size_bytes)

        snapshot = self.backend.create_snapshot(volume)
        snap_device = self.backend.device_of(snapshot)
        self.assertEqual('OS-' + snapshot.id, snap_device.label)
        self.assertEqual(2 * GIB, snap_device.size_bytes)
        pairs = relationships(self.backend, device.device_id)
        self.assertEqual([(device.device_id, snap_device.device_id, 7)],
                         [(r.source_device, r.target_device, r.sync_type)
                          for r in pairs])

        clone = self.backend.volume(size=3)
        clone.update(self.driver.create_cloned_volume(clone, volume))
        clone_device = self.backend.device_of(clone)
        self.assertEqual(3 * GIB, clone_device.size_bytes)
        self.assertEqual([], relationships(self.backend,
                                           clone_device.device_id))
        # The clone's temporary SnapVX snapshot is gone; only the Cinder
        # snapshot remains on the source.
        self.assertEqual([snapshot_name(snapshot)],
                         [s.name for s in self.array.snapshots_of(
                             device.device_id)])

        restored = self.backend.volume(size=4)
        restored.update(self.driver.create_volume_from_snapshot(restored,
                                                                snapshot))
        restored_device = self.backend.device_of(restored)
        self.assertEqual(4 * GIB, restored_device.size_bytes)
        # Its data is the snapshot's: copied from the snapshot's device,
        # which holds the source as it was when the snapshot was taken.
        snapshot_time = snap_device.lineage[0]['point_in_time']
        self.assertEqual(
            [(snap_device.device_id, 'snapvx'),
             (device.device_id, 'snapvx')],
            [(e['device_id'], e['via']) for e in restored_device.lineage])
        self.assertEqual(snapshot_time,
                         restored_device.lineage[1]['point_in_time'])
        self.assertEqual([(device.device_id, 'snapvx')],
                         [(e['device_id'], e['via'])
                          for e in clone_device.lineage])
        self.assertEqual([], self.array.snapshots_of(
            snap_device.device_id))
        self.assertEqual(1, len(relationships(self.backend,
                                              device.device_id)))
        self.assertEqual(start + 4, len(self.array.devices))

        self.driver.delete_volume(restored)
        self.driver.delete_volume(clone)
        self.driver.delete_snapshot(snapshot)
        self.assertEqual([], relationships(self.backend, device.device_id))
        self.assertEqual([], self.array.snapshots_of(device.device_id))
        self.driver.delete_volume(volume)
        self.assertEqual(start, len(self.array.devices))
        self.assertEqual(
            [], self.array.storage_groups['OS-SRP_1-Diamond-OLTP-SG']
            .members)

    def test_pool_name_extra_spec_selects_group(self):
        volume = self.backend.create_volume(
            size=1, extra_specs={'pool_name': 'Optimized+SRP_1+000197800123'})
        group = self.array.storage_groups['OS-SRP_1-Optimized-NONE-SG']
        self.assertEqual([self.backend.device_of(volume).device_id],
                         group.members)
        self.assertEqual(('Optimized', 'NONE'),
                         (group.slo, group.workload))

    def test_disable_compression(self):
        volume = self.backend.create_volume(
            size=1, extra_specs={'storagetype:disablecompression': 'true'})
        device = self.backend.device_of(volume)
        group = self.array.storage_groups['OS-SRP_1-Diamond-OLTP-CD-SG']
        self.assertTrue(group.disable_compression)
        self.assertFalse(device.compressed)
        plain = self.backend.device_of(self.backend.create_volume(size=1))
        self.assertTrue(plain.compressed)

    def test_stats_report_the_srp(self):
        self.backend.create_volume(size=5)
        stats = self.driver.get_volume_stats(refresh=True)
        pool = stats['pools'][0]
        self.assertEqual('Diamond+OLTP+SRP_1+000197800123',
                         pool['pool_name'])
        self.assertEqual(51200, pool['total_capacity_gb'])
        self.assertEqual(5, pool['provisioned_capacity_gb'])
        self.assertEqual(51195, pool['free_capacity_gb'])
        self.assertEqual(10, pool['reserved_percentage'])
        self.assertEqual('000197800123#SRP_1#Diamond#OLTP',
                         pool['location_info'])
        self.assertEqual(('Dell EMC', 'iSCSI', self.driver.VERSION),
                         (stats['vendor_name'], stats['storage_protocol'],
                          stats['driver_version']))

    def test_exports_change_nothing_and_attach_needs_a_host(self):
        # Attach and detach themselves: tests/driver/test_attach*.py.
        volume = self.backend.create_volume(size=1)
        before = self.backend.sim.snapshot()
        self.assertIsNone(self.driver.create_export(None, volume, {}))
        self.assertIsNone(self.driver.ensure_export(None, volume))
        self.assertIsNone(self.driver.remove_export(None, volume))
        self.assertRaises(exception.InvalidInput,
                          self.driver.initialize_connection, volume,
                          {'initiator': 'iqn.x'})
        self.assertFalse(self.backend.sim.diff(before))


def snapshot_name(snapshot):
    return 'OS-' + snapshot.id


class Vmax2LifecycleTest(testtools.TestCase):

    def setUp(self):
        super().setUp()
        self.backend = self.useFixture(fixtures.SimulatedBackend(
            'vmax2', options={'vmax_fast_policy': 'GOLD1'}))
        self.driver = self.backend.driver
        self.array = self.backend.array

    def test_full_lifecycle(self):
        start = len(self.array.devices)
        volume = self.backend.create_volume(size=1)
        device = self.backend.device_of(volume)
        self.assertEqual(('FC_Pool', 1 * GIB, False),
                         (device.pool, device.size_bytes,
                          device.is_composite))
        group = self.array.storage_groups['OS_default_GOLD1_SG']
        self.assertEqual('GOLD1', group.fast_policy)
        self.assertEqual([device.device_id], group.members)

        self.driver.extend_volume(volume, 2)
        volume.size = 2
        self.assertEqual(2 * GIB, device.size_bytes)
        self.assertTrue(device.is_composite)
        self.assertTrue(device.concatenated)

        snapshot = self.backend.create_snapshot(volume)
        snap_device = self.backend.device_of(snapshot)
        self.assertEqual([(device.device_id, snap_device.device_id, 8)],
                         [(r.source_device, r.target_device, r.sync_type)
                          for r in relationships(self.backend,
                                                 device.device_id)])
        self.assertIn(snap_device.device_id, group.members)

        clone = self.backend.volume(size=3)
        clone.update(self.driver.create_cloned_volume(clone, volume))
        clone_device = self.backend.device_of(clone)
        self.assertEqual(3 * GIB, clone_device.size_bytes)
        self.assertEqual([], relationships(self.backend,
                                           clone_device.device_id))

        restored = self.backend.volume(size=2)
        restored.update(self.driver.create_volume_from_snapshot(restored,
                                                                snapshot))
        restored_device = self.backend.device_of(restored)
        self.assertEqual(2 * GIB, restored_device.size_bytes)
        self.assertEqual(
            [(snap_device.device_id, 'clone'), (device.device_id, 'clone')],
            [(e['device_id'], e['via']) for e in restored_device.lineage])
        self.assertEqual([(device.device_id, 'clone')],
                         [(e['device_id'], e['via'])
                          for e in clone_device.lineage])

        for obj in (restored, clone):
            self.driver.delete_volume(obj)
        self.driver.delete_snapshot(snapshot)
        self.driver.delete_volume(volume)
        self.assertEqual(start, len(self.array.devices))
        self.assertEqual([], group.members)

    def test_large_volume_is_concatenated_meta(self):
        volume = self.backend.create_volume(size=300)
        device = self.backend.device_of(volume)
        self.assertEqual(300 * GIB, device.size_bytes)
        self.assertEqual(2, len(device.meta_members) + 1)
        self.assertTrue(device.concatenated)

    def test_stripecount_makes_striped_meta(self):
        volume = self.backend.create_volume(
            size=4, extra_specs={'storagetype:stripecount': '4'})
        device = self.backend.device_of(volume)
        self.assertEqual(3, len(device.meta_members))
        self.assertFalse(device.concatenated)

    def test_pool_name_selects_pool(self):
        volume = self.backend.create_volume(
            size=1, extra_specs={'pool_name': 'SATA_Pool+000195900551'})
        self.assertEqual('SATA_Pool', self.backend.device_of(volume).pool)

    def test_without_fast_policy_no_group(self):
        backend = self.useFixture(fixtures.SimulatedBackend('vmax2'))
        volume = backend.create_volume(size=1)
        device = backend.device_of(volume)
        self.assertEqual([], backend.array.groups_of_device(
            device.device_id))
        backend.driver.delete_volume(volume)
        self.assertNotIn(device.device_id, backend.array.devices)

    def test_stats_report_the_thin_pool(self):
        stats = self.driver.get_volume_stats(refresh=True)
        pool = stats['pools'][0]
        # The pool's 150 % subscription limit is below Cinder's default
        # ratio of 20, so the configured ratio wins.
        self.assertEqual(('FC_Pool+000195900551', 20480, 20.0,
                          '000195900551#FC_Pool#GOLD1', False),
                         (pool['pool_name'], pool['total_capacity_gb'],
                          pool['max_over_subscription_ratio'],
                          pool['location_info'],
                          pool['compression_support']))


class LoadingTest(testtools.TestCase):
    """The class loads the way cinder-volume and cinderlib load it."""

    def test_options_and_identity(self):
        from vmax_driver import iscsi
        from vmax_driver import options
        self.assertIs(options.VMAX_OPTS,
                      iscsi.VMAXISCSIDriver.get_driver_options())
        self.assertRegex(iscsi.VMAXISCSIDriver.VERSION, r'^\d+\.\d+\.\d+$')
        self.assertIn(iscsi.VMAXISCSIDriver.VERSION,
                      iscsi.VMAXISCSIDriver.__doc__)
        self.assertTrue(iscsi.VMAXISCSIDriver.CI_WIKI_NAME)

    def test_cinderlib_style_kwargs(self):
        # cinderlib passes db= and no is_vol_db_empty.
        from oslo_utils import importutils
        backend = self.useFixture(fixtures.SimulatedBackend(setup=False))
        driver = importutils.import_object(
            fixtures.DRIVER_CLASS, configuration=backend.configuration,
            db=object(), host='cinderlib@vmax', cluster_name=None,
            active_backend_id=None)
        driver.connection_factory = backend.sim.connection_factory
        driver.do_setup(None)
        driver.check_for_setup_error()
        self.assertEqual('000197800123', driver.client.info.serial)

    def test_password_never_logged(self):
        logs = self.useFixture(fixtures_lib.FakeLogger(level=logging.DEBUG))
        backend = self.useFixture(fixtures.SimulatedBackend())
        volume = backend.create_volume(size=1)
        backend.driver.delete_volume(volume)
        self.assertIn('000197800123', logs.output)
        self.assertNotIn('not-logged-secret', logs.output)
        self.assertNotIn('not-logged-secret', repr(backend.driver.backend))
