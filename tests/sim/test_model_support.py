"""Shared fixtures of the domain-model tests (no tests of its own)."""

import testtools

from vmax_sim import model
from vmax_sim.model import errors
from vmax_sim.model import ops

V3 = '000197800123'
V3_REMOTE = '000197800456'
V2 = '000195900551'
HYBRID = '000197200056'
GIB = model.GIB
DIAMOND_SG = 'OS-SRP_1-Diamond-OLTP-SG'
IQN_HOST = 'iqn.1993-08.org.debian:01:host1'


class ModelTestCase(testtools.TestCase):
    """Loads a profile and offers the "refused and nothing changed"
    assertion every rule test uses."""

    profile = 'vmax3-allflash'

    def setUp(self):
        super().setUp()
        self.estate = model.load_profile(self.profile)

    def assertRefused(self, message, func, *args, **kwargs):
        """``func`` raises ArrayError with exactly ``message`` and leaves
        the estate unchanged; returns the exception."""
        before = self.estate.snapshot()
        exc = self.assertRaises(errors.ArrayError, func, *args, **kwargs)
        self.assertEqual(message, exc.message)
        diff = self.estate.diff(since=before)
        self.assertFalse(diff, 'refused operation changed state:\n%s' % diff)
        return exc

    def diamond_sg(self, serial=V3, name=DIAMOND_SG):
        return ops.create_storage_group(self.estate, serial, name,
                                        srp='SRP_1', slo='Diamond',
                                        workload='OLTP')

    def volume(self, label='OS-vol', size_gib=1, sg=DIAMOND_SG, serial=V3):
        if sg is not None and sg not in \
                self.estate.arrays[serial].storage_groups:
            self.diamond_sg(serial, sg)
        return ops.create_volume(self.estate, serial, label,
                                 size_gib * GIB, storage_group=sg)
