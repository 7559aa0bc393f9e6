"""Guard for the fast instance-path builder (pywbem private layout)."""

import pywbem
import testtools

from vmax_sim.cim import naming

VOLUME_KEYS = {'CreationClassName': 'Symm_StorageVolume',
               'DeviceID': '0001A',
               'SystemCreationClassName': 'Symm_StorageSystem',
               'SystemName': 'SYMMETRIX-+-000197800123'}


class FastPathGuardTest(testtools.TestCase):

    def _both(self, classname, keys):
        return (naming.path(classname, keys),
                pywbem.CIMInstanceName(classname, keybindings=keys,
                                       namespace=naming.NAMESPACE))

    def test_fast_path_equals_the_constructor(self):
        fast, slow = self._both('Symm_StorageVolume', VOLUME_KEYS)
        self.assertEqual(slow, fast)
        self.assertEqual(hash(slow), hash(fast))
        self.assertEqual(repr(slow), repr(fast))
        self.assertEqual(slow.tocimxmlstr(), fast.tocimxmlstr())

    def test_keys_are_case_insensitive_and_copyable(self):
        fast, _ = self._both('Symm_StorageVolume', VOLUME_KEYS)
        self.assertEqual('0001A', fast.keybindings['deviceid'])
        copy = fast.copy()
        copy.keybindings['DeviceID'] = '0001B'
        self.assertEqual('0001A', fast['DeviceID'])
        self.assertEqual('0001B', copy['deviceid'])

    def test_non_string_keys_use_the_constructor(self):
        ref = naming.path('Symm_StorageVolume', VOLUME_KEYS)
        fast, slow = self._both('CIM_AffectedJobElement',
                                {'AffectedElement': ref,
                                 'AffectingElement': ref})
        self.assertEqual(slow, fast)
        self.assertIsInstance(fast['AffectedElement'],
                              pywbem.CIMInstanceName)
