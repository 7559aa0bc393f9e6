"""The direct CIM-XML string encoder against pywbem's own parser."""

import datetime

import pywbem
from pywbem import _tupleparse
from pywbem import _tupletree
import testtools

from vmax_sim.wire import xmlenc

HOST = 'sim.example:5988'
NS = 'root/emc'


def _parse_fragment(text):
    tree = _tupletree.xml_to_tupletree_sax(text.encode('utf-8'), 'test')
    return _tupleparse.TupleParser().parse_any(tree)


def _encode(function, *args):
    out = []
    function(out, *args)
    return ''.join(out)


def _volume_path(device_id='0001A', host=None):
    return pywbem.CIMInstanceName(
        'Symm_StorageVolume',
        [('CreationClassName', 'Symm_StorageVolume'),
         ('DeviceID', device_id),
         ('SystemCreationClassName', 'Symm_StorageSystem'),
         ('SystemName', 'SYMMETRIX-+-000197800123')],
        namespace=NS, host=host)


def _rich_instance():
    rsd = pywbem.CIMInstance(
        'SE_ReplicationSettingData',
        {'TargetElementSupplier': pywbem.Uint16(2),
         'ElementName': 'a<b>&"c"'})
    props = [
        pywbem.CIMProperty('ElementName', 'tab\there\nline & <x> "q"\r'),
        pywbem.CIMProperty('Flag', True),
        pywbem.CIMProperty('Small', pywbem.Sint8(-5)),
        pywbem.CIMProperty('Size', pywbem.Uint64(2 ** 64 - 1)),
        pywbem.CIMProperty('Ratio', pywbem.Real64(0.1)),
        pywbem.CIMProperty('When', pywbem.CIMDateTime(
            datetime.datetime(2024, 1, 2, 3, 4, 5,
                              tzinfo=pywbem.MinutesFromUTC(0)))),
        pywbem.CIMProperty('Char', pywbem.Char16('x')),
        pywbem.CIMProperty('Status', [pywbem.Uint16(2),
                                      pywbem.Uint16(17)]),
        # VALUE.NULL items: pywbem's parser copes with them in string
        # arrays only (it asserts on a null number).
        pywbem.CIMProperty('Names', ['a', None, '<b>']),
        pywbem.CIMProperty('Empty', [], type='string'),
        pywbem.CIMProperty('Missing', None, type='uint32'),
        pywbem.CIMProperty('MissingArray', None, type='string',
                           is_array=True),
        pywbem.CIMProperty('Unicode', 'caf\u00e9 \u2603'),
        pywbem.CIMProperty('Settings', rsd, embedded_object='instance'),
        pywbem.CIMProperty('Element', _volume_path(),
                           reference_class='CIM_ManagedElement'),
    ]
    return pywbem.CIMInstance('Symm_Thing', properties=props,
                              path=_volume_path())


class EscapingTest(testtools.TestCase):

    def test_text_escapes_markup_and_keeps_quotes(self):
        self.assertEqual('a &lt;b&gt; &amp; "c"',
                         xmlenc.escape_text('a <b> & "c"'))

    def test_attribute_escapes_quotes_and_whitespace(self):
        self.assertEqual('&quot;x&quot;&#9;&#10;&#13;&amp;',
                         xmlenc.escape_attr('"x"\t\n\r&'))

    def test_characters_xml_cannot_carry_are_replaced(self):
        self.assertEqual('a\ufffdb', xmlenc.escape_text('a\x01b'))

    def test_plain_text_is_returned_unchanged(self):
        text = 'SYMMETRIX-+-000197800123'
        self.assertIs(text, xmlenc.escape_text(text))


class InstanceEncodingTest(testtools.TestCase):

    def test_instance_round_trips_through_pywbem_parser(self):
        inst = _rich_instance()
        text = _encode(xmlenc.instance, inst, HOST, NS)
        parsed = _parse_fragment(text)
        self.assertEqual(inst.classname, parsed.classname)
        for name, prop in inst.properties.items():
            got = parsed.properties[name]
            self.assertEqual((prop.type, prop.is_array),
                             (got.type, got.is_array), name)
            if name == 'Element':
                # Outbound references carry the server's host.
                expected = prop.value.copy()
                expected.host = HOST
                self.assertEqual(expected, got.value)
            elif name == 'Ratio':
                self.assertAlmostEqual(prop.value, got.value)
            elif name == 'Settings':
                self.assertEqual(
                    ('SE_ReplicationSettingData',
                     {'TargetElementSupplier': 2, 'ElementName': 'a<b>&"c"'}),
                    (got.value.classname, dict(got.value.items())))
            else:
                self.assertEqual(prop.value, got.value, name)
        self.assertEqual('instance',
                         parsed.properties['Settings'].embedded_object)

    def test_no_self_closing_elements(self):
        klass = pywbem.CIMClass(
            'Symm_Thing', superclass='CIM_Thing',
            properties=[pywbem.CIMProperty('P', None, type='string',
                                           qualifiers={'Key': True})],
            methods=[pywbem.CIMMethod(
                'M', 'uint32',
                parameters=[pywbem.CIMParameter('R', 'reference',
                                                reference_class='CIM_X'),
                            pywbem.CIMParameter('A', 'uint16',
                                                is_array=True)])])
        decl = pywbem.CIMQualifierDeclaration(
            'Key', 'boolean', value=False, scopes={'PROPERTY': True})
        texts = [
            _encode(xmlenc.instance, _rich_instance(), HOST, NS),
            _encode(xmlenc.cim_class, klass),
            _encode(xmlenc.qualifier_declaration, decl),
            _encode(xmlenc.instancepath, _volume_path(), HOST, NS),
        ]
        for text in texts:
            self.assertNotIn('/>', text)

    def test_instancepath_uses_server_host_unless_path_has_one(self):
        text = _encode(xmlenc.instancepath, _volume_path(), HOST, NS)
        self.assertEqual(HOST, _parse_fragment(text).host)
        other = _volume_path(host='remote:5989')
        text = _encode(xmlenc.instancepath, other, HOST, NS)
        self.assertEqual('remote:5989', _parse_fragment(text).host)

    def test_reference_keys_become_full_instance_paths(self):
        assoc = pywbem.CIMInstanceName(
            'SE_StorageSynchronized_SV_SV',
            {'SystemElement': _volume_path('00001'),
             'SyncedElement': _volume_path('00002')}, namespace=NS)
        parsed = _parse_fragment(
            _encode(xmlenc.instancename, assoc, HOST, NS))
        self.assertEqual(HOST, parsed['SystemElement'].host)
        self.assertEqual('00002', parsed['SyncedElement']['DeviceID'])

    def test_typed_key_values_keep_their_type(self):
        path = pywbem.CIMInstanceName(
            'X', {'N': pywbem.Uint16(7), 'B': False, 'S': '1'})
        text = _encode(xmlenc.instancename, path, HOST, NS)
        self.assertIn('TYPE="uint16">7<', text)
        parsed = _parse_fragment(text)
        self.assertEqual(7, parsed['N'])
        self.assertIs(False, parsed['B'])
        self.assertEqual('1', parsed['S'])


class ClassEncodingTest(testtools.TestCase):

    def test_class_matches_pywbem_own_encoding(self):
        klass = pywbem.CIMClass(
            'Symm_StorageConfigurationService',
            superclass='CIM_StorageConfigurationService',
            qualifiers={'Description': pywbem.CIMQualifier(
                'Description', 'Creates <volumes> & "pools"',
                tosubclass=True)},
            properties=[
                pywbem.CIMProperty('Name', None, type='string',
                                   class_origin='CIM_Service',
                                   qualifiers={'Key': True}),
                pywbem.CIMProperty('Flags', [pywbem.Uint16(1)],
                                   type='uint16', is_array=True),
            ],
            methods=[pywbem.CIMMethod(
                'CreateOrModifyElementFromStoragePool', 'uint32',
                qualifiers={'Description': 'create'},
                parameters=[
                    pywbem.CIMParameter('ElementName', 'string',
                                        qualifiers={'In': True}),
                    pywbem.CIMParameter('InPool', 'reference',
                                        reference_class='CIM_StoragePool'),
                    pywbem.CIMParameter('EMCCollections', 'reference',
                                        reference_class='CIM_Collection',
                                        is_array=True),
                    pywbem.CIMParameter('Sizes', 'uint64', is_array=True),
                ])])
        ours = _parse_fragment(_encode(xmlenc.cim_class, klass))
        theirs = _parse_fragment(klass.tocimxmlstr())
        self.assertEqual(theirs, ours)

    def test_qualifier_declaration_matches_pywbem_own_encoding(self):
        decl = pywbem.CIMQualifierDeclaration(
            'ValueMap', 'string', is_array=True,
            scopes={'PROPERTY': True, 'METHOD': True, 'PARAMETER': True},
            overridable=True, tosubclass=True, translatable=False)
        ours = _parse_fragment(_encode(xmlenc.qualifier_declaration, decl))
        theirs = _parse_fragment(decl.tocimxmlstr())
        self.assertEqual(theirs, ours)


class ValueTest(testtools.TestCase):

    def test_reals_use_dsp0201_special_values(self):
        self.assertEqual(['NaN', 'INF', '-INF', '0.5'],
                         [xmlenc.scalar_text(v) for v in (
                             float('nan'), float('inf'), float('-inf'),
                             pywbem.Real32(0.5))])

    def test_unknown_type_is_refused(self):
        self.assertRaises(TypeError, xmlenc.scalar_text, object())

    def test_cim_type_of_plain_int_is_uint32(self):
        self.assertEqual(['uint32', 'uint16', 'boolean', 'string', 'string'],
                         [xmlenc.cim_type_of(v) for v in (
                             0, pywbem.Uint16(1), True, 'x',
                             pywbem.CIMInstance('X'))])
