"""CIM typing of extrinsic method parameters."""

import pywbem
import testtools

from vmax_flows.smis import params


class TypedTest(testtools.TestCase):

    def test_integers_get_declared_types(self):
        typed = params.typed({'ElementType': 5, 'Size': 1073741824,
                              'EMCNumberOfMembers': 3})
        self.assertIsInstance(typed['ElementType'], pywbem.Uint16)
        self.assertIsInstance(typed['Size'], pywbem.Uint64)
        self.assertIsInstance(typed['EMCNumberOfMembers'], pywbem.Uint32)
        self.assertEqual(1073741824, typed['Size'])

    def test_other_values_unchanged(self):
        typed = params.typed({'ElementName': 'OS-x', 'Force': True,
                              'Members': ['a']})
        self.assertEqual({'ElementName': 'OS-x', 'Force': True,
                          'Members': ['a']}, typed)
        self.assertIs(True, typed['Force'])

    def test_undeclared_integer_is_refused(self):
        error = self.assertRaises(KeyError, params.typed, {'Bogus': 1})
        self.assertIn('Bogus', str(error))
