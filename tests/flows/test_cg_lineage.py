"""The simulator's content lineage (``Device.lineage``), which the group
and SRDF tests use to check point-in-time consistency and where data
came from: set by every copy relationship, kept by persistence, visible
in state diffs."""

import testtools

from tests import fixtures
from vmax_sim.model import objects
from vmax_sim.model import ops

SERIAL = '000197800123'
GIB = 1024 ** 3


class LineageTest(testtools.TestCase):

    def setUp(self):
        super().setUp()
        self.sim = fixtures.simulator('vmax3-allflash')
        self.estate = self.sim.estate
        self.source = ops.create_volume(self.estate, SERIAL, 'OS-source',
                                        GIB, pool='SRP_1')

    def test_new_device_has_no_lineage(self):
        self.assertEqual([], self.source.lineage)

    def test_snapvx_target_holds_the_snapshot_time(self):
        taken_at = self.estate.now()
        ops.create_snapshot(self.estate, SERIAL, self.source.device_id,
                            'snap-1')
        self.estate.advance(50)
        target = ops.create_volume(self.estate, SERIAL, 'OS-target', GIB,
                                   pool='SRP_1')
        ops.link_snapshot(self.estate, SERIAL, self.source.device_id,
                          'snap-1', target.device_id)
        self.assertEqual([{'serial': SERIAL,
                           'device_id': self.source.device_id,
                           'wwn': self.source.wwn, 'label': 'OS-source',
                           'point_in_time': taken_at, 'via': 'snapvx'}],
                         target.lineage)

    def test_lineage_chains_and_survives_persistence(self):
        rel = ops.create_clone(self.estate, SERIAL, self.source.device_id,
                               target_label='OS-clone')
        clone = self.estate.arrays[SERIAL].devices[rel.target_device]
        before = self.estate.snapshot()
        self.estate.advance(10)
        again = ops.create_clone(self.estate, SERIAL, clone.device_id,
                                 target_label='OS-second')
        second = self.estate.arrays[SERIAL].devices[again.target_device]
        self.assertEqual([(clone.device_id, 'clone'),
                          (self.source.device_id, 'clone')],
                         [(o['device_id'], o['via'])
                          for o in second.lineage])
        loaded = objects.Estate.from_dict(self.estate.to_dict())
        self.assertEqual(
            second.lineage,
            loaded.arrays[SERIAL].devices[second.device_id].lineage)
        created = [key.ident for key, _ in self.estate.diff(before).created
                   if key.kind == 'device']
        self.assertEqual([second.device_id], created)

    def test_overwriting_a_device_shows_in_the_diff(self):
        target = ops.create_volume(self.estate, SERIAL, 'OS-target', GIB,
                                   pool='SRP_1')
        before = self.estate.snapshot()
        ops.create_clone(self.estate, SERIAL, self.source.device_id,
                         target=target.device_id)
        changed = dict(self.estate.diff(before).changed)
        fields = changed[objects.ElementKey('device', SERIAL,
                                            target.device_id)]
        self.assertIn('lineage', fields)
