"""Guard: the private pywbem API the CIM-XML server is built on.

``vmax_sim.wire`` parses requests with pywbem's private server-side parser
functions and relies on how pywbem's client builds its requests session.
When pywbem changes, these tests must fail first and loudly, naming the
piece that moved, instead of the wire tests failing obscurely.
"""

import inspect

import pywbem
from pywbem import _tupleparse
from pywbem import _tupletree
import requests
import testtools

PINNED_VERSION = '1.9.1'

SAMPLE_IMETHODCALL = b'''<?xml version="1.0" encoding="utf-8" ?>
<CIM CIMVERSION="2.0" DTDVERSION="2.0"><MESSAGE ID="77" PROTOCOLVERSION="1.0">
<SIMPLEREQ><IMETHODCALL NAME="GetInstance"><LOCALNAMESPACEPATH>
<NAMESPACE NAME="root"></NAMESPACE><NAMESPACE NAME="emc"></NAMESPACE>
</LOCALNAMESPACEPATH>
<IPARAMVALUE NAME="InstanceName"><INSTANCENAME CLASSNAME="Symm_StorageVolume">
<KEYBINDING NAME="DeviceID"><KEYVALUE VALUETYPE="string">0001A</KEYVALUE>
</KEYBINDING></INSTANCENAME></IPARAMVALUE>
<IPARAMVALUE NAME="LocalOnly"><VALUE>FALSE</VALUE></IPARAMVALUE>
<IPARAMVALUE NAME="MaxObjectCount"><VALUE>5</VALUE></IPARAMVALUE>
<IPARAMVALUE NAME="PropertyList"><VALUE.ARRAY><VALUE>A</VALUE>
</VALUE.ARRAY></IPARAMVALUE>
</IMETHODCALL></SIMPLEREQ></MESSAGE></CIM>'''

SAMPLE_METHODCALL = b'''<?xml version="1.0" encoding="utf-8" ?>
<CIM CIMVERSION="2.0" DTDVERSION="2.0"><MESSAGE ID="78" PROTOCOLVERSION="1.0">
<SIMPLEREQ><METHODCALL NAME="CreateGroup"><LOCALCLASSPATH>
<LOCALNAMESPACEPATH><NAMESPACE NAME="root"></NAMESPACE>
<NAMESPACE NAME="emc"></NAMESPACE></LOCALNAMESPACEPATH>
<CLASSNAME NAME="Symm_ControllerConfigurationService"></CLASSNAME>
</LOCALCLASSPATH>
<PARAMVALUE NAME="Type" PARAMTYPE="uint16"><VALUE>4</VALUE></PARAMVALUE>
<PARAMVALUE NAME="RSD" PARAMTYPE="string" EmbeddedObject="instance"><VALUE>
&lt;INSTANCE CLASSNAME="SE_ReplicationSettingData"&gt;&lt;PROPERTY
NAME="TargetElementSupplier" TYPE="uint16"&gt;&lt;VALUE&gt;2&lt;/VALUE&gt;
&lt;/PROPERTY&gt;&lt;/INSTANCE&gt;</VALUE></PARAMVALUE>
</METHODCALL></SIMPLEREQ></MESSAGE></CIM>'''


def _parse(body):
    tree = _tupletree.xml_to_tupletree_sax(body, 'guard sample')
    return _tupleparse.TupleParser().parse_cim(tree)


class PywbemPrivateApiGuardTest(testtools.TestCase):

    def test_pywbem_is_the_pinned_version(self):
        self.assertEqual(
            PINNED_VERSION, pywbem.__version__,
            'vmax_sim.wire uses private pywbem API verified on %s only; '
            're-verify it before moving the pin' % PINNED_VERSION)

    def test_server_side_parse_functions_exist(self):
        for name in ('parse_cim', 'parse_message', 'parse_simplereq',
                     'parse_imethodcall', 'parse_methodcall',
                     'parse_iparamvalue', 'parse_paramvalue',
                     'parse_embeddedObject'):
            self.assertTrue(
                callable(getattr(_tupleparse.TupleParser, name, None)),
                'pywbem TupleParser.%s is gone' % name)

    def test_tupletree_entry_point_signature(self):
        params = list(inspect.signature(
            _tupletree.xml_to_tupletree_sax).parameters)
        self.assertEqual(['xml_string', 'meaning', 'conn_id'], params)

    def test_imethodcall_parse_shape(self):
        cim = _parse(SAMPLE_IMETHODCALL)
        message = cim[2]
        self.assertEqual(('MESSAGE', '77'), (message[0], message[1]['ID']))
        simplereq = message[2]
        self.assertEqual('SIMPLEREQ', simplereq[0])
        tag, attrs, namespace, params = simplereq[2]
        self.assertEqual(('IMETHODCALL', 'GetInstance', 'root/emc'),
                         (tag, attrs['NAME'], namespace))
        params = dict(params)
        self.assertEqual(
            pywbem.CIMInstanceName('Symm_StorageVolume',
                                   {'DeviceID': '0001A'}),
            params['InstanceName'])
        # Booleans in this list are typed by the parser; integers are not
        # (vmax_sim.wire.request types them).
        self.assertIs(False, params['LocalOnly'])
        self.assertEqual('5', params['MaxObjectCount'])
        self.assertEqual(['A'], params['PropertyList'])

    def test_methodcall_parse_shape(self):
        cim = _parse(SAMPLE_METHODCALL)
        tag, attrs, path, params = cim[2][2][2]
        self.assertEqual(('METHODCALL', 'CreateGroup'), (tag, attrs['NAME']))
        self.assertEqual(
            pywbem.CIMClassName('Symm_ControllerConfigurationService',
                                namespace='root/emc'), path)
        by_name = {name: (ptype, value) for name, ptype, value in params}
        self.assertEqual(('uint16', '4'), by_name['Type'])
        ptype, rsd = by_name['RSD']
        self.assertIsInstance(rsd, pywbem.CIMInstance)
        self.assertEqual(2, rsd['TargetElementSupplier'])

    def test_client_session_has_mountable_adapters(self):
        conn = pywbem.WBEMConnection('http://guard:5988')
        self.assertIsInstance(conn.session, requests.Session)
        self.assertIn('http://', conn.session.adapters)
        self.assertEqual('http://guard:5988', conn.url)
