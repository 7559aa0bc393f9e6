"""failover_host to the replication target and back, through the driver,
against the two arrays of the srdf-pair profile.

Checks the per-volume model updates Cinder saves, the SRDF pairs' states
on the arrays, that refused requests change nothing (no array call at
all), that the driver works on the target array while failed over --
creates, extends, deletes, stats and attach with the target's port
group -- and that a service restarted with ``active_backend_id`` starts
failed over.
"""

from cinder import exception
import testtools

from tests.driver import test_attach_support as attach_support
from tests.driver import test_replication_support as support
from vmax_flows import naming

GIB = support.GIB
PRIMARY, TARGET = support.PRIMARY, support.TARGET
PRIMARY_IPS = ['192.0.2.11', '192.0.2.12']
TARGET_IPS = ['192.0.2.51', '192.0.2.52']


def location(text):
    return naming.decode_provider_location(text)


class FailoverTest(testtools.TestCase):

    def setUp(self):
        super().setUp()
        self.backend = self.useFixture(support.GroupBackend(replicated=True))
        self.driver = self.backend.driver
        self.sim = self.backend.sim
        self.volumes = [self.create() for _ in range(2)]

    def create(self, size=1):
        volume = self.backend.volume(size=size,
                                     extra_specs=support.REPLICATED)
        return support.apply(volume, self.driver.create_volume(volume))

    def fail_over(self, secondary_id=None, volumes=None):
        volumes = self.volumes if volumes is None else volumes
        active, updates, group_updates = self.driver.failover_host(
            None, volumes, secondary_id=secondary_id, groups=[])
        self.assertEqual([], group_updates)
        by_id = {u['volume_id']: u['updates'] for u in updates}
        self.assertEqual(sorted(v.id for v in volumes), sorted(by_id))
        for volume in volumes:
            support.apply(volume, by_id[volume.id])
        return active, by_id

    def assertRefusedWithoutChange(self, secondary_id, *words):
        before = self.sim.snapshot()
        self.sim.calls.reset()
        state = (self.driver.client, self.driver.backend,
                 self.driver.active_backend_id)
        error = self.assertRaises(exception.InvalidReplicationTarget,
                                  self.driver.failover_host, None,
                                  self.volumes, secondary_id=secondary_id)
        for word in words:
            self.assertIn(word, str(error))
        self.assertEqual(0, self.sim.calls.total)
        self.assertFalse(self.sim.diff(before))
        self.assertEqual(state, (self.driver.client, self.driver.backend,
                                 self.driver.active_backend_id))

    def test_failover_and_failback(self):
        originals = [(v.provider_location, v.replication_driver_data)
                     for v in self.volumes]
        active, updates = self.fail_over()
        self.assertEqual(TARGET, active)
        for volume, (r1_text, r2_text) in zip(self.volumes, originals):
            update = updates[volume.id]
            self.assertEqual('failed-over', update['replication_status'])
            # The locations swap: the volume is now served from its R2.
            self.assertEqual(r1_text, update['replication_driver_data'])
            self.assertEqual(location(r2_text)['device_id'],
                             location(update['provider_location'])[
                                 'device_id'])
            self.assertEqual(TARGET,
                             location(update['provider_location'])['array'])
        self.assertEqual([(True, 12)] * 2,
                         [(p.failed_over, p.sync_state)
                          for p in self.backend.srdf_pairs()])
        self.assertEqual(TARGET, self.driver.client.info.serial)
        self.assertEqual(TARGET, self.driver.active_backend_id)
        stats = self.driver.get_volume_stats(refresh=True)
        self.assertEqual('Diamond+OLTP+SRP_1+%s' % TARGET,
                         stats['pools'][0]['pool_name'])
        self.assertTrue(stats['replication_enabled'])

        active, updates = self.fail_over('default')
        self.assertIsNone(active)
        for volume, (r1_text, r2_text) in zip(self.volumes, originals):
            self.assertEqual('enabled',
                             updates[volume.id]['replication_status'])
            self.assertEqual((PRIMARY, TARGET),
                             (location(volume.provider_location)['array'],
                              location(volume.replication_driver_data)[
                                  'array']))
            self.assertEqual(location(r1_text)['device_id'],
                             location(volume.provider_location)['device_id'])
        self.assertEqual([(False, False)] * 2,
                         [(p.failed_over, p.suspended)
                          for p in self.backend.srdf_pairs()])
        self.assertEqual(PRIMARY, self.driver.client.info.serial)
        self.assertIsNone(self.driver.active_backend_id)

    def test_failover_by_backend_id_name(self):
        active, _ = self.fail_over(TARGET)
        self.assertEqual(TARGET, active)

    def test_failover_when_failed_over_is_refused(self):
        self.fail_over()
        self.assertRefusedWithoutChange(None, 'already failed over',
                                        TARGET, 'default')
        self.assertRefusedWithoutChange(TARGET, 'already failed over')

    def test_failback_when_not_failed_over_is_refused(self):
        self.assertRefusedWithoutChange('default', 'not failed over',
                                        PRIMARY)

    def test_unknown_target_is_refused(self):
        self.assertRefusedWithoutChange('000197800999', '000197800999',
                                        'the only replication target is')

    def test_one_volume_failing_does_not_stop_the_others(self):
        broken, healthy = self.volumes
        r2 = location(broken.replication_driver_data)
        self.sim.admin.delete_device(TARGET, r2['device_id'])
        _, updates = self.fail_over()
        self.assertEqual({'replication_status': 'failover-error',
                          'status': 'error'}, updates[broken.id])
        self.assertEqual('failed-over',
                         updates[healthy.id]['replication_status'])
        self.assertEqual(TARGET, self.driver.client.info.serial)

    def test_failed_over_backend_serves_from_the_target(self):
        volume = self.volumes[0]
        self.fail_over()
        # Snapshots and plain volumes live on the target array.
        snapshot = self.backend.create_snapshot(volume)
        self.assertEqual(TARGET,
                         location(snapshot.provider_location)['array'])
        plain = self.backend.create_volume(size=1)
        self.assertEqual(TARGET, location(plain.provider_location)['array'])
        self.driver.delete_snapshot(snapshot)
        self.driver.delete_volume(plain)
        # New pairs, or pairs broken and made again, would copy over the
        # data in use: refused, without change, until the failback.
        before = self.sim.snapshot()
        self.sim.calls.reset()
        error = self.assertRaises(exception.InvalidInput,
                                  self.driver.extend_volume, volume, 3)
        self.assertIn('while the backend is failed over', str(error))
        new = self.backend.volume(size=1, extra_specs=support.REPLICATED)
        self.assertRaises(exception.InvalidInput, self.driver.create_volume,
                          new)
        self.assertEqual(0, self.sim.calls.count('InvokeMethod'))
        self.assertFalse(self.sim.diff(before))
        # Deleting removes both sides, wherever they are.
        self.driver.delete_volume(volume)
        for serial in (PRIMARY, TARGET):
            self.assertEqual([], [
                d for d in self.backend.array_of(serial).devices.values()
                if d.label == 'OS-' + volume.id])
        self.assertEqual(1, len(self.backend.srdf_pairs()))
        # After the failback the remaining volume extends again.
        self.fail_over('default', volumes=self.volumes[1:])
        self.driver.extend_volume(self.volumes[1], 2)
        self.assertEqual(2 * GIB, self.backend.device_at(
            self.volumes[1].replication_driver_data).size_bytes)

    def test_objects_left_on_the_primary_are_deleted_there(self):
        # A snapshot and a plain volume made before the failover stay on
        # the primary; deleting them while failed over must not leave
        # them there.
        snapshot = self.backend.create_snapshot(self.volumes[0])
        plain = self.backend.create_volume(size=1)
        self.fail_over()
        primary = self.backend.array_of(PRIMARY)
        for cinder_object, delete in (
                (snapshot, self.driver.delete_snapshot),
                (plain, self.driver.delete_volume)):
            device_id = location(cinder_object.provider_location)[
                'device_id']
            self.assertIn(device_id, primary.devices)
            delete(cinder_object)
            self.assertNotIn(device_id, primary.devices)
        self.assertEqual([], primary.snapshots_of(
            location(self.volumes[0].replication_driver_data)['device_id']))

    def test_restart_with_active_backend_id_starts_failed_over(self):
        self.fail_over()
        restarted = self.useFixture(support.GroupBackend(
            replicated=True, sim=self.sim, active_backend_id=TARGET))
        driver = restarted.driver
        self.assertTrue(driver.replication.failed_over)
        self.assertEqual(TARGET, driver.client.info.serial)
        self.assertEqual(('OS-PG-iSCSI-R',), driver.backend.port_groups)
        # It fails back like the service that failed over.
        self.sim.calls.reset()
        _, updates, _ = driver.failover_host(None, self.volumes,
                                             secondary_id='default')
        self.assertEqual(['enabled'] * 2,
                         [u['updates']['replication_status']
                          for u in updates])
        self.assertEqual(PRIMARY, driver.client.info.serial)


class FailoverAttachTest(testtools.TestCase):
    """Attach while failed over uses the target's port group."""

    def setUp(self):
        super().setUp()
        self.backend = self.useFixture(support.GroupBackend(replicated=True))
        self.driver = self.backend.driver
        self.volume = self.backend.volume(size=1,
                                          extra_specs=support.REPLICATED)
        support.apply(self.volume, self.driver.create_volume(self.volume))

    def portals(self, info):
        return sorted(p.split(':')[0] for p in info['data'].get(
            'target_portals', [info['data']['target_portal']]))

    def test_attach_before_and_after_failover(self):
        connector = attach_support.connector('compute-1', multipath=True)
        info = self.driver.initialize_connection(self.volume, connector)
        self.assertEqual(PRIMARY_IPS, self.portals(info))
        self.driver.terminate_connection(self.volume, connector)
        _, updates, _ = self.driver.failover_host(None, [self.volume])
        support.apply(self.volume, updates[0]['updates'])
        info = self.driver.initialize_connection(self.volume, connector)
        self.assertEqual(TARGET_IPS, self.portals(info))
        target = self.backend.array_of(TARGET)
        r2 = self.backend.device_at(self.volume.provider_location)
        views = target.views_of_device(r2.device_id)
        self.assertEqual(1, len(views))
        view = target.masking_views[views[0]]
        self.assertEqual('OS-PG-iSCSI-R', view.port_group)
        self.assertEqual(view.luns[r2.device_id],
                         info['data'].get('target_lun'))
        # Nothing of the failed-over attach is on the primary.
        self.assertEqual({}, self.backend.array_of(PRIMARY).masking_views)
        self.driver.terminate_connection(self.volume, connector)
        self.assertEqual([], target.views_of_device(r2.device_id))
