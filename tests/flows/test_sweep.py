"""The label-based orphan sweep."""

import logging

import fixtures as fx
import testtools

from tests import fixtures
from vmax_flows import sweep


class SweepTest(testtools.TestCase):

    def setUp(self):
        super().setUp()
        self.logger = self.useFixture(fx.FakeLogger(level=logging.INFO))
        self.backend = self.useFixture(fixtures.SimulatedBackend(
            'vmax3-allflash'))
        self.kept = self.backend.create_volume(size=1)
        self.lost = self.backend.create_volume(size=1)
        self.snapshot = self.backend.create_snapshot(self.kept)
        self.client = self.backend.driver.client

    def test_nothing_when_every_label_is_owned(self):
        known = [self.kept.id, self.lost.id, self.snapshot.id]
        self.assertEqual([], sweep.find_orphans(self.client, known))

    def test_dry_run_names_the_orphan_and_why_and_keeps_it(self):
        before = self.backend.sim.snapshot()
        orphans, problems = sweep.sweep(
            self.client, [self.kept.id, self.snapshot.id])
        (orphan,) = orphans
        device = self.backend.device_of(self.lost)
        self.assertEqual((sweep.DEVICE, device.device_id),
                         (orphan.kind, orphan.name))
        self.assertIn('labelled OS-%s, which no Cinder volume or snapshot '
                      'owns' % self.lost.id, orphan.reason)
        self.assertEqual([], problems)
        self.assertFalse(self.backend.sim.diff(before))
        self.assertIn('(dry run: kept)', self.logger.output)

    def test_sweep_deletes_only_the_orphans(self):
        known = [self.kept.id, self.snapshot.id]
        orphans, problems = sweep.sweep(self.client, known, dry_run=False)
        self.assertEqual(1, len(orphans))
        self.assertEqual([], problems)
        self.assertEqual([], self.backend.devices_labelled(self.lost))
        self.assertEqual(1, len(self.backend.devices_labelled(self.kept)))
        self.assertEqual(1, len(self.backend.devices_labelled(
            self.snapshot)))
        self.assertEqual([], sweep.find_orphans(self.client, known))

    def test_snapshot_device_without_its_snapshot_is_an_orphan(self):
        orphans = sweep.find_orphans(self.client,
                                     [self.kept.id, self.lost.id])
        self.assertEqual([self.backend.device_of(self.snapshot).device_id],
                         [o.name for o in orphans])

    def test_owner_of_labels(self):
        uid = '0f0e0d0c-0b0a-4909-8807-060504030201'
        self.assertEqual(
            [uid, uid, uid, None, None],
            [sweep.owner_of(label) for label in (
                'OS-%s' % uid, uid, 'OS-%s-to-300G' % uid,
                'OS-SRP_1-Diamond-OLTP-SG', 'customer volume')])
