"""SMI-S round trips per operation, counted by the simulator.

Targets (VMAX3, jobs finishing on their first poll; the 2.x driver needed
19-53 per operation): create <= 7, delete <= 7, create_snapshot <= 7,
clone <= 14 (also when the clone is larger and must be extended),
extend <= 4.  Discovery happens once at setup and never again.
"""

import testtools

from tests import fixtures

TARGETS = {'create_volume': 7, 'delete_volume': 7, 'create_snapshot': 7,
           'create_cloned_volume': 14, 'create_volume_from_snapshot': 14,
           'extend_volume': 4}
DISCOVERY_OPERATIONS = ('EnumerateInstanceNames', 'EnumerateInstances',
                        'AssociatorNames')


class RoundTripTest(testtools.TestCase):

    def setUp(self):
        super().setUp()
        self.backend = self.useFixture(
            fixtures.SimulatedBackend('vmax3-allflash'))
        self.sim = self.backend.sim
        self.driver = self.backend.driver

    def measure(self, operation, func, *args):
        self.sim.calls.reset()
        result = func(*args)
        counts = self.sim.calls.counts()
        total = self.sim.calls.total
        self.assertLessEqual(total, TARGETS[operation],
                             '%s took %d round trips: %s'
                             % (operation, total, counts))
        self.assertEqual(0, self.sim.calls.count('EnumerateInstanceNames'),
                         counts)
        self.assertEqual(0, self.sim.calls.count('EnumerateInstances'),
                         counts)
        return result, total

    def test_every_operation_within_target(self):
        volume = self.backend.volume(size=1)
        update, first = self.measure('create_volume',
                                     self.driver.create_volume, volume)
        volume.update(update)
        # The first create also creates the default storage group.
        self.assertEqual(1, self.sim.calls.count('InvokeMethod:CreateGroup'))
        self.assertEqual(6, first)
        second = self.backend.volume(size=1)
        update, total = self.measure('create_volume',
                                     self.driver.create_volume, second)
        second.update(update)
        self.assertEqual(4, total)
        self.assertEqual(0, self.sim.calls.count('InvokeMethod:CreateGroup'))

        _, total = self.measure('extend_volume', self.driver.extend_volume,
                                volume, 2)
        volume.size = 2
        self.assertEqual(3, total)

        snapshot = self.backend.snapshot(volume)
        update, _ = self.measure('create_snapshot',
                                 self.driver.create_snapshot, snapshot)
        snapshot.update(update)
        self.assertEqual(0, self.sim.calls.count(
            'InvokeMethod:GetDefaultReplicationSettingData'))

        clone = self.backend.volume(size=2)
        update, _ = self.measure('create_cloned_volume',
                                 self.driver.create_cloned_volume, clone,
                                 volume)
        clone.update(update)
        larger = self.backend.volume(size=4)
        update, _ = self.measure('create_cloned_volume',
                                 self.driver.create_cloned_volume, larger,
                                 volume)
        self.assertEqual(2, self.sim.calls.count(
            'InvokeMethod:CreateOrModifyElementFromStoragePool'))
        restored = self.backend.volume(size=2)
        update, _ = self.measure('create_volume_from_snapshot',
                                 self.driver.create_volume_from_snapshot,
                                 restored, snapshot)

        _, total = self.measure('delete_volume', self.driver.delete_volume,
                                clone)
        self.assertEqual(1, self.sim.calls.count(
            'InvokeMethod:ReturnElementsToStoragePool'))
        _, total = self.measure('delete_volume', self.driver.delete_volume,
                                clone)
        self.assertEqual(0, self.sim.calls.count('InvokeMethod'))
