"""manage_existing / manage_existing_get_size / unmanage against the
simulator: adoption, every refusal (message + empty state diff), revert
after a failure at every step."""

from cinder import exception
import fixtures as fixtures_lib
import testtools

from tests.driver import test_attach_support as attach_support
from tests import fixtures
from vmax_flows import failpoints
from vmax_flows import registry
from vmax_sim.model import ops

GIB = 1024 ** 3


class ManageTest(testtools.TestCase):

    def setUp(self):
        super().setUp()
        self.useFixture(fixtures_lib.FakeLogger(level=40))
        self.backend = self.useFixture(
            attach_support.AttachBackend('vmax3-allflash'))
        self.driver = self.backend.driver
        self.sim = self.backend.sim
        self.device = self.backend.seed(ops.create_volume, 'app-data',
                                        3 * GIB, pool='SRP_1')

    def assertRefused(self, reference, *words):
        before = self.sim.snapshot()
        volume = self.backend.volume(size=1)
        error = self.assertRaises(
            exception.ManageExistingInvalidReference,
            self.driver.manage_existing, volume, reference)
        for word in words:
            self.assertIn(word, str(error))
        self.assertFalse(self.sim.diff(before))

    def test_manage_by_device_id(self):
        volume = self.backend.volume(size=3)
        self.assertEqual(3, self.driver.manage_existing_get_size(
            volume, {'source-id': self.device.device_id}))
        volume.update(self.driver.manage_existing(
            volume, {'source-id': self.device.device_id}))
        self.assertEqual('OS-%s' % volume.id, self.device.label)
        self.assertEqual(['OS-SRP_1-Diamond-OLTP-SG'],
                         self.backend.array.groups_of_device(
                             self.device.device_id))
        self.assertEqual(self.device, self.backend.device_of(volume))
        # A managed volume is an ordinary volume afterwards.
        self.driver.extend_volume(volume, 4)
        self.assertEqual(4 * GIB, self.device.size_bytes)

    def test_manage_by_element_name(self):
        volume = self.backend.volume(size=3)
        self.assertEqual(3, self.driver.manage_existing_get_size(
            volume, {'source-name': 'app-data'}))
        self.driver.manage_existing(volume, {'source-name': 'app-data'})
        self.assertEqual('OS-%s' % volume.id, self.device.label)

    def test_unmanage_leaves_the_device(self):
        volume = self.backend.volume(size=3)
        volume.update(self.driver.manage_existing(
            volume, {'source-id': self.device.device_id}))
        before = self.sim.snapshot()
        self.driver.unmanage(volume)
        self.assertIn(self.device.device_id, self.backend.array.devices)
        self.assertEqual(volume.id, self.device.label)
        changes = fixtures.real_changes(self.sim, before)
        self.assertEqual(1, len(changes), changes)
        self.assertIn('label', changes[0])
        # ... and can be managed again.
        again = self.backend.volume(size=3)
        self.driver.manage_existing(again, {'source-id':
                                            self.device.device_id})
        self.assertEqual('OS-%s' % again.id, self.device.label)

    def test_no_reference(self):
        self.assertRefused({'name': 'x'}, 'source-id', 'source-name')

    def test_bad_device_id(self):
        self.assertRefused({'source-id': 'XYZ'}, "'XYZ'", '5 hex digits')

    def test_missing_device(self):
        self.assertRefused({'source-id': '0FFFF'},
                           'Device 0FFFF does not exist')

    def test_missing_element_name(self):
        self.assertRefused({'source-name': 'nothing-here'},
                           "No device with element name 'nothing-here'")

    def test_device_in_masking_view(self):
        volume = self.backend.create_volume(size=1)
        self.backend.attach(volume)
        self.backend.seed(ops.rename_volume,
                          self.backend.device_of(volume).device_id, 'x')
        self.assertRefused({'source-name': 'x'}, 'masking view',
                           'OS-compute-1-I-Parent-MV')

    def test_device_in_replication_session(self):
        volume = self.backend.create_volume(size=1)
        snapshot = self.backend.create_snapshot(volume)
        target = self.backend.device_of(snapshot).device_id
        self.backend.seed(ops.rename_volume, target, 'snap-copy')
        self.assertRefused({'source-id': target}, 'replication session')

    def test_device_already_managed(self):
        volume = self.backend.create_volume(size=1)
        self.assertRefused({'source-id': self.backend.device_of(
            volume).device_id}, 'already managed', volume.id)

    def test_device_not_whole_gib(self):
        device = self.backend.seed(ops.create_volume, 'odd', GIB + 512,
                                   pool='SRP_1')
        self.assertRefused({'source-id': device.device_id},
                           'not a whole number of GiB')
        volume = self.backend.volume(size=1)
        self.assertRaises(exception.ManageExistingInvalidReference,
                          self.driver.manage_existing_get_size, volume,
                          {'source-id': device.device_id})

    def test_revert_after_every_step(self):
        group = 'OS-SRP_1-Diamond-OLTP-SG'
        steps = registry.task_names('manage_existing', 'VMAX3')
        for step in steps:
            before = self.sim.snapshot()
            self.driver.flow_decorator = lambda op, flow, step=step: \
                failpoints.with_failure_after(flow, step)
            volume = self.backend.volume(size=3)
            self.assertRaises(exception.VolumeBackendAPIException,
                              self.driver.manage_existing, volume,
                              {'source-id': self.device.device_id})
            self.assertEqual([], fixtures.real_changes(self.sim, before),
                             step)
            self.assertEqual('app-data', self.device.label)
        self.driver.flow_decorator = None
        self.assertNotIn(group, self.backend.array.storage_groups)


class Vmax2ManageTest(testtools.TestCase):

    def test_pool_and_fast_group(self):
        backend = self.useFixture(fixtures.SimulatedBackend(
            'vmax2', options={'vmax_fast_policy': 'GOLD1'}))
        with backend.sim.dispatcher.lock:
            other = ops.create_volume(backend.sim.estate, backend.serial,
                                      'sata', GIB, pool='SATA_Pool')
            mine = ops.create_volume(backend.sim.estate, backend.serial,
                                     'fc', 2 * GIB, pool='FC_Pool')
        before = backend.sim.snapshot()
        volume = backend.volume(size=1)
        error = self.assertRaises(
            exception.ManageExistingInvalidReference,
            backend.driver.manage_existing, volume,
            {'source-name': other.device_id})
        self.assertIn('is in pool SATA_Pool, not in pool FC_Pool',
                      str(error))
        self.assertFalse(backend.sim.diff(before))
        backend.driver.manage_existing(volume, {'source-name': 'fc'})
        self.assertEqual(['OS_default_GOLD1_SG'],
                         backend.array.groups_of_device(mine.device_id))
        self.assertEqual('OS-%s' % volume.id, mine.label)


class ManageableListTest(testtools.TestCase):

    def test_lists_devices_with_safety(self):
        backend = self.useFixture(
            attach_support.AttachBackend('vmax3-allflash'))
        free = backend.seed(ops.create_volume, 'free', 2 * GIB,
                            pool='SRP_1')
        managed = backend.create_volume(size=1)
        shown = backend.create_volume(size=1)
        backend.attach(shown)
        backend.seed(ops.rename_volume, backend.device_of(shown).device_id,
                     'shown')
        entries = backend.driver.get_manageable_volumes(
            [managed], None, 100, 0, ['reference'], ['asc'])
        by_id = {e['reference']['source-id']: e for e in entries}
        self.assertEqual((True, 2), (by_id[free.device_id]['safe_to_manage'],
                                     by_id[free.device_id]['size']))
        mine = by_id[backend.device_of(managed).device_id]
        self.assertEqual((False, managed.id),
                         (mine['safe_to_manage'], mine['cinder_id']))
        self.assertEqual('in a masking view', by_id[
            backend.device_of(shown).device_id]['reason_not_safe'])
