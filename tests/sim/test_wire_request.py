"""Request decoding and the DSP0200 protocol checks of CimXmlHandler.

Most of these requests are refused (or typed) before any dispatcher is
asked, so their handler gets a dispatcher that fails the test if it is
called; the rest use the real simulator.
"""

import base64
import logging

import fixtures
import pywbem
import testtools

from tests.sim import test_wire_support as support
from vmax_sim.wire import cimxml
from vmax_sim.wire import request

NS = 'root/emc'


def _imethodcall(name, iparams='', namespace=('root', 'emc'),
                 cim_version='2.0', protocol_version='1.0'):
    nss = ''.join('<NAMESPACE NAME="%s"></NAMESPACE>' % n
                  for n in namespace)
    return (
        '<?xml version="1.0" encoding="utf-8" ?>'
        '<CIM CIMVERSION="%s" DTDVERSION="2.0">'
        '<MESSAGE ID="42" PROTOCOLVERSION="%s"><SIMPLEREQ>'
        '<IMETHODCALL NAME="%s"><LOCALNAMESPACEPATH>%s</LOCALNAMESPACEPATH>'
        '%s</IMETHODCALL></SIMPLEREQ></MESSAGE></CIM>'
        % (cim_version, protocol_version, name, nss, iparams)
    ).encode('utf-8')


def _iparam(name, value):
    return '<IPARAMVALUE NAME="%s"><VALUE>%s</VALUE></IPARAMVALUE>' % (
        name, value)


VOLUME_INSTANCENAME = (
    '<INSTANCENAME CLASSNAME="Symm_StorageVolume">'
    '<KEYBINDING NAME="DeviceID"><KEYVALUE>0001A</KEYVALUE></KEYBINDING>'
    '</INSTANCENAME>')


def _headers(method='EnumerateInstanceNames', target='root/emc', **extra):
    headers = {'CIMOperation': 'MethodCall', 'CIMMethod': method,
               'CIMObject': target,
               'Content-Type': 'application/xml; charset="utf-8"'}
    headers.update(extra)
    return headers


class _UnreachableDispatcher(object):
    """A dispatcher the requests under test must never reach."""

    def imethodcall(self, name, namespace, params):
        raise AssertionError('dispatcher reached with %s' % name)

    def methodcall(self, methodname, objectname, params):
        raise AssertionError('dispatcher reached with %s' % methodname)


class ParseRequestTest(testtools.TestCase):

    def test_scalar_iparams_are_typed(self):
        body = _imethodcall('OpenEnumerateInstances', ''.join((
            '<IPARAMVALUE NAME="ClassName"><CLASSNAME NAME="CIM_StoragePool">'
            '</CLASSNAME></IPARAMVALUE>',
            _iparam('DeepInheritance', 'true'),
            _iparam('ContinueOnError', 'FALSE'),
            _iparam('MaxObjectCount', ' 100 '),
            _iparam('OperationTimeout', '30'),
            _iparam('Role', 'Antecedent'),
            '<IPARAMVALUE NAME="AssocClass"><CLASSNAME NAME="CIM_Dependency">'
            '</CLASSNAME></IPARAMVALUE>',
            '<IPARAMVALUE NAME="PropertyList"><VALUE.ARRAY><VALUE>A</VALUE>'
            '</VALUE.ARRAY></IPARAMVALUE>',
            '<IPARAMVALUE NAME="FilterQuery"></IPARAMVALUE>')))
        call = request.parse_request(body)
        self.assertEqual(('intrinsic', 'OpenEnumerateInstances', NS, '42'),
                         (call.kind, call.name, call.namespace,
                          call.message_id))
        params = call.params
        self.assertEqual(pywbem.CIMClassName('CIM_StoragePool',
                                             namespace=NS),
                         params['ClassName'])
        self.assertIs(True, params['DeepInheritance'])
        self.assertIs(False, params['ContinueOnError'])
        self.assertEqual(pywbem.Uint32(100), params['MaxObjectCount'])
        self.assertIsInstance(params['MaxObjectCount'], pywbem.Uint32)
        self.assertEqual(30, params['OperationTimeout'])
        self.assertEqual('Antecedent', params['Role'])
        self.assertEqual('CIM_Dependency', params['AssocClass'].classname)
        self.assertEqual(['A'], params['PropertyList'])
        # An empty IPARAMVALUE is the same as leaving it out.
        self.assertNotIn('FilterQuery', params)
        self.assertIsNone(call.param_error)

    def test_untypable_iparam_becomes_invalid_parameter(self):
        call = request.parse_request(_imethodcall(
            'EnumerateInstances', _iparam('DeepInheritance', 'maybe')))
        self.assertEqual(pywbem.CIM_ERR_INVALID_PARAMETER,
                         call.param_error.status_code)
        self.assertIn('DeepInheritance', call.param_error.status_description)

    def test_inbound_instance_names_are_made_local(self):
        nested = (
            '<INSTANCENAME CLASSNAME="CIM_SystemDevice">'
            '<KEYBINDING NAME="PartComponent"><VALUE.REFERENCE><INSTANCEPATH>'
            '<NAMESPACEPATH><HOST>10.0.0.9:5989</HOST><LOCALNAMESPACEPATH>'
            '<NAMESPACE NAME="root"></NAMESPACE>'
            '<NAMESPACE NAME="emc"></NAMESPACE></LOCALNAMESPACEPATH>'
            '</NAMESPACEPATH>%s</INSTANCEPATH></VALUE.REFERENCE>'
            '</KEYBINDING></INSTANCENAME>' % VOLUME_INSTANCENAME)
        call = request.parse_request(_imethodcall(
            'GetInstance',
            '<IPARAMVALUE NAME="InstanceName">%s</IPARAMVALUE>' % nested))
        path = call.params['InstanceName']
        self.assertEqual((None, NS), (path.host, path.namespace))
        part = path['PartComponent']
        self.assertEqual((None, NS, '0001A'),
                         (part.host, part.namespace, part['DeviceID']))


class HandlerProtocolTest(testtools.TestCase):

    def setUp(self):
        super().setUp()
        self.handler = cimxml.CimXmlHandler(_UnreachableDispatcher())

    def _handle(self, body, headers):
        return self.handler.handle(body, headers, 'sim:5988')

    def test_malformed_xml_is_request_not_well_formed(self):
        status, headers, body = self._handle(b'<CIM><oops', _headers())
        self.assertEqual((400, 'request-not-well-formed', b''),
                         (status, headers['CIMError'], body))
        self.assertTrue(headers['CIMErrorDetail'])

    def test_wrong_structure_is_request_not_valid(self):
        body = (b'<?xml version="1.0" encoding="utf-8" ?>'
                b'<CIM CIMVERSION="2.0" DTDVERSION="2.0"><MESSAGE ID="1" '
                b'PROTOCOLVERSION="1.0"><SIMPLEREQ><BOGUS></BOGUS>'
                b'</SIMPLEREQ></MESSAGE></CIM>')
        status, headers, _ = self._handle(body, _headers())
        self.assertEqual((400, 'request-not-valid'),
                         (status, headers['CIMError']))

    def test_unsupported_versions_answer_501(self):
        cases = [
            (_imethodcall('EnumerateInstanceNames', cim_version='3.0'),
             'unsupported-cim-version'),
            (_imethodcall('EnumerateInstanceNames', protocol_version='2.0'),
             'unsupported-protocol-version'),
        ]
        for body, cim_error in cases:
            status, headers, _ = self._handle(body, _headers())
            self.assertEqual((501, cim_error), (status, headers['CIMError']))

    def test_unsupported_protocol_version_header_answers_501(self):
        status, headers, _ = self._handle(
            _imethodcall('EnumerateInstanceNames'),
            _headers(CIMProtocolVersion='2.0'))
        self.assertEqual((501, 'unsupported-protocol-version'),
                         (status, headers['CIMError']))
        status, _, _ = self._handle(
            _imethodcall('NoSuchOperation'),
            _headers(method='NoSuchOperation', CIMProtocolVersion='1.0'))
        self.assertEqual(200, status)

    def test_multireq_is_refused_with_501(self):
        body = (b'<?xml version="1.0" encoding="utf-8" ?>'
                b'<CIM CIMVERSION="2.0" DTDVERSION="2.0"><MESSAGE ID="1" '
                b'PROTOCOLVERSION="1.0"><MULTIREQ></MULTIREQ></MESSAGE>'
                b'</CIM>')
        status, headers, _ = self._handle(body, _headers())
        self.assertEqual((501, 'multiple-requests-unsupported'),
                         (status, headers['CIMError']))

    def test_missing_cimoperation_header_is_unsupported_operation(self):
        headers = _headers()
        del headers['CIMOperation']
        status, headers, _ = self._handle(
            _imethodcall('EnumerateInstanceNames'), headers)
        self.assertEqual((400, 'unsupported-operation'),
                         (status, headers['CIMError']))

    def test_export_request_is_unsupported_operation(self):
        status, headers, _ = self._handle(
            _imethodcall('EnumerateInstanceNames'),
            _headers(CIMExport='MethodRequest'))
        self.assertEqual((400, 'unsupported-operation'),
                         (status, headers['CIMError']))

    def test_header_mismatches(self):
        body = _imethodcall('EnumerateInstanceNames')
        for headers in (_headers(method='GetInstance'),
                        _headers(target='root/cimv2')):
            status, answer, _ = self._handle(body, headers)
            self.assertEqual((400, 'header-mismatch'),
                             (status, answer['CIMError']))

    def test_percent_encoded_headers_match(self):
        body = _imethodcall('NoSuchOperation')
        status, _, payload = self._handle(
            body, _headers(method='NoSuchOperation', target='root%2Femc'))
        self.assertEqual(200, status)
        self.assertIn(b'CODE="7"', payload)

    def test_unknown_operation_is_not_supported_without_dispatch(self):
        status, headers, payload = self._handle(
            _imethodcall('FrobnicateInstances'),
            _headers(method='FrobnicateInstances'))
        self.assertEqual((200, 'MethodResponse'),
                         (status, headers['CIMOperation']))
        self.assertIn(b'<ERROR CODE="7"', payload)
        self.assertIn(b'<IMETHODRESPONSE NAME="FrobnicateInstances">',
                      payload)
        self.assertIn(b'<MESSAGE ID="42"', payload)

    def test_parameter_typing_error_is_answered_as_cim_error(self):
        status, _, payload = self._handle(
            _imethodcall('EnumerateInstances',
                         _iparam('MaxObjectCount', 'lots')),
            _headers(method='EnumerateInstances'))
        self.assertEqual(200, status)
        self.assertIn(b'<ERROR CODE="4"', payload)
        self.assertNotIn(b'/>', payload)


class BasicAuthTest(testtools.TestCase):

    def setUp(self):
        super().setUp()
        self.handler = cimxml.CimXmlHandler(_UnreachableDispatcher(),
                                            'admin', 's3cr:et')

    def _auth(self, user, password, method='EnumerateInstanceNames'):
        token = base64.b64encode(
            ('%s:%s' % (user, password)).encode()).decode()
        return _headers(method=method, Authorization='Basic ' + token)

    def test_missing_and_wrong_credentials_get_401_with_realm(self):
        for headers in (_headers(), self._auth('admin', 'wrong'),
                        self._auth('root', 's3cr:et'),
                        _headers(Authorization='Basic !!notbase64'),
                        _headers(Authorization='Digest abc')):
            status, answer, body = self.handler.handle(
                _imethodcall('EnumerateInstanceNames'), headers, 'h:1')
            self.assertEqual((401, 'Basic realm="ECOM"', b''),
                             (status, answer['WWW-Authenticate'], body))

    def test_right_credentials_pass_the_check(self):
        # A password containing ':' works: only the first ':' splits.
        status, _, payload = self.handler.handle(
            _imethodcall('NoSuchOperation'),
            self._auth('admin', 's3cr:et', method='NoSuchOperation'), 'h:1')
        self.assertEqual(200, status)
        self.assertIn(b'CODE="7"', payload)

    def test_handler_without_credentials_needs_none(self):
        handler = cimxml.CimXmlHandler(_UnreachableDispatcher())
        self.assertFalse(handler.requires_auth)
        self.assertTrue(self.handler.requires_auth)
        status, _, _ = handler.handle(
            _imethodcall('NoSuchOperation'),
            _headers(method='NoSuchOperation'), 'h:1')
        self.assertEqual(200, status)


def _methodcall(name, objectpath_xml, paramvalues):
    return (
        '<?xml version="1.0" encoding="utf-8" ?>'
        '<CIM CIMVERSION="2.0" DTDVERSION="2.0">'
        '<MESSAGE ID="7" PROTOCOLVERSION="1.0"><SIMPLEREQ>'
        '<METHODCALL NAME="%s"><LOCALINSTANCEPATH><LOCALNAMESPACEPATH>'
        '<NAMESPACE NAME="root"></NAMESPACE><NAMESPACE NAME="emc"></NAMESPACE>'
        '</LOCALNAMESPACEPATH>%s</LOCALINSTANCEPATH>%s</METHODCALL>'
        '</SIMPLEREQ></MESSAGE></CIM>'
        % (name, objectpath_xml, paramvalues)).encode('utf-8')


def _ccs_instancename():
    keys = ''.join(
        '<KEYBINDING NAME="%s"><KEYVALUE>%s</KEYVALUE></KEYBINDING>' % kv
        for kv in support.controller_configuration_service().items())
    return ('<INSTANCENAME CLASSNAME="Symm_ControllerConfigurationService">'
            '%s</INSTANCENAME>' % keys)


class _FailingDispatcher(object):
    """The real dispatcher, with an injected fault: one operation raises
    a non-CIM exception, as a bug inside the simulator would."""

    def __init__(self, dispatcher, failing):
        self._dispatcher = dispatcher
        self._failing = failing
        self.classes = dispatcher.classes

    def imethodcall(self, name, namespace, params):
        if name == self._failing:
            raise RuntimeError('injected failure in %s' % name)
        return self._dispatcher.imethodcall(name, namespace, params)

    def methodcall(self, methodname, objectname, params):
        if methodname == self._failing:
            raise RuntimeError('injected failure in %s' % methodname)
        return self._dispatcher.methodcall(methodname, objectname, params)


class HandlerWithSimulatorTest(testtools.TestCase):

    def setUp(self):
        super().setUp()
        self.sim = support.new_simulator()
        self.handler = cimxml.CimXmlHandler(self.sim.dispatcher)

    def _create_group(self, params):
        return self.handler.handle(
            _methodcall('CreateGroup', _ccs_instancename(), params),
            _headers(method='CreateGroup',
                     target='root/emc:Symm_ControllerConfigurationService'),
            'sim:5988')

    def test_parameters_without_paramtype_are_typed_from_the_method(self):
        status, _, payload = self._create_group(
            '<PARAMVALUE NAME="GroupName"><VALUE>sg_untyped</VALUE>'
            '</PARAMVALUE><PARAMVALUE NAME="Type"><VALUE>4</VALUE>'
            '</PARAMVALUE>')
        self.assertEqual(200, status)
        self.assertIn(b'<RETURNVALUE PARAMTYPE="uint32">', payload)
        self.assertIn(b'<PARAMVALUE NAME="MaskingGroup" '
                      b'PARAMTYPE="reference">', payload)
        self.assertIn(b'<HOST>sim:5988</HOST>', payload)
        self.assertEqual(['sg_untyped'], support.group_names(self.sim))

    def test_untyped_text_that_does_not_fit_is_invalid_parameter(self):
        status, _, payload = self._create_group(
            '<PARAMVALUE NAME="GroupName"><VALUE>sg_bad</VALUE>'
            '</PARAMVALUE><PARAMVALUE NAME="Type"><VALUE>four</VALUE>'
            '</PARAMVALUE>')
        self.assertEqual(200, status)
        self.assertIn(b'<ERROR CODE="4"', payload)
        self.assertIn(b'Type', payload)
        self.assertEqual([], support.group_names(self.sim))

    def test_internal_failure_answers_cim_err_failed(self):
        self.useFixture(fixtures.FakeLogger(level=logging.ERROR))
        self.handler.dispatcher = _FailingDispatcher(
            self.sim.dispatcher, 'EnumerateInstanceNames')
        status, _, payload = self.handler.handle(
            _imethodcall('EnumerateInstanceNames',
                         '<IPARAMVALUE NAME="ClassName"><CLASSNAME '
                         'NAME="CIM_StoragePool"></CLASSNAME></IPARAMVALUE>'),
            _headers(), 'sim:5988')
        self.assertEqual(200, status)
        self.assertIn(b'<ERROR CODE="1" DESCRIPTION="RuntimeError: '
                      b'injected failure in EnumerateInstanceNames">',
                      payload)
        self.assertNotIn(b'IRETURNVALUE', payload)

    def test_internal_failure_in_a_method_answers_cim_err_failed(self):
        self.useFixture(fixtures.FakeLogger(level=logging.ERROR))
        self.handler.dispatcher = _FailingDispatcher(
            self.sim.dispatcher, 'CreateGroup')
        status, _, payload = self._create_group(
            '<PARAMVALUE NAME="GroupName" PARAMTYPE="string"><VALUE>sg_x'
            '</VALUE></PARAMVALUE>')
        self.assertEqual(200, status)
        self.assertIn(b'<METHODRESPONSE NAME="CreateGroup"><ERROR CODE="1"',
                      payload)
        self.assertNotIn(b'RETURNVALUE', payload)
