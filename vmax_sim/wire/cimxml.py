"""Bytes-in/bytes-out CIM-XML operation handler.

``CimXmlHandler(dispatcher).handle(body, headers, host)`` does what a CIMOM
does with one HTTP request body: check Basic auth and the CIM-XML
extension headers, decode the call, ask the dispatcher, and encode the
answer (or the CIM error) as a CIM-XML response.  It knows nothing about
sockets, so the threaded HTTP server and the in-process ``requests``
adapter share it.

Transport faults (``vmax_sim.errors.TransportFault``) raised by the
dispatcher pass through ``handle`` untouched: only the transport can act
them out.
"""

import base64
import binascii
import hmac
import logging
import time
import urllib.parse

import pywbem

from vmax_sim import errors
from vmax_sim.wire import pull
from vmax_sim.wire import request as wire_request
from vmax_sim.wire import xmlenc

LOG = logging.getLogger(__name__)

REALM = 'ECOM'
XML_DECLARATION = '<?xml version="1.0" encoding="utf-8" ?>\n'
CONTENT_TYPE = 'application/xml; charset="utf-8"'


def _encode_items(element):
    """Encoder of an IRETURNVALUE holding a list of ``element``s."""
    def encode(out, result, host, namespace):
        for item in result or ():
            element(out, item, host, namespace)
    return encode


def _encode_one(element):
    """Encoder of an IRETURNVALUE holding exactly one ``element``."""
    def encode(out, result, host, namespace):
        if result is not None:
            element(out, result, host, namespace)
    return encode


def _instancename(out, path, host, namespace):
    xmlenc.instancename(out, path, host, namespace)


def _instance(out, inst, host, namespace):
    xmlenc.instance(out, inst, host, namespace)


def _classname(out, name, host, namespace):
    xmlenc.classname(out, getattr(name, 'classname', name))


def _cim_class(out, klass, host, namespace):
    xmlenc.cim_class(out, klass)


def _qualifier_declaration(out, decl, host, namespace):
    xmlenc.qualifier_declaration(out, decl)


def _property_value(out, val, host, namespace):
    cim_type = ('reference' if isinstance(
        val, (pywbem.CIMInstanceName, pywbem.CIMClassName)) else None)
    xmlenc.any_value(out, val, cim_type, host, namespace)


# Intrinsic operation -> encoder of its IRETURNVALUE content.  Operations
# mapped to None are void: their response has no IRETURNVALUE at all.
RESULT_ENCODERS = {
    'GetInstance': _encode_one(_instance),
    'EnumerateInstances': _encode_items(xmlenc.value_namedinstance),
    'EnumerateInstanceNames': _encode_items(_instancename),
    'Associators': _encode_items(xmlenc.value_objectwithpath),
    'References': _encode_items(xmlenc.value_objectwithpath),
    'ExecQuery': _encode_items(xmlenc.value_objectwithpath),
    'AssociatorNames': _encode_items(xmlenc.objectpath),
    'ReferenceNames': _encode_items(xmlenc.objectpath),
    'CreateInstance': _encode_one(_instancename),
    'GetProperty': _encode_one(_property_value),
    'GetClass': _encode_one(_cim_class),
    'EnumerateClasses': _encode_items(_cim_class),
    'EnumerateClassNames': _encode_items(_classname),
    'GetQualifier': _encode_one(_qualifier_declaration),
    'EnumerateQualifiers': _encode_items(_qualifier_declaration),
    'ModifyInstance': None,
    'DeleteInstance': None,
    'SetProperty': None,
    'CreateClass': None,
    'ModifyClass': None,
    'DeleteClass': None,
    'SetQualifier': None,
    'DeleteQualifier': None,
}
_PULL_ITEM_ENCODERS = {
    'instances': xmlenc.value_instancewithpath,
    'paths': xmlenc.instancepath,
}


def _envelope(message_id, inner):
    return ''.join((
        XML_DECLARATION,
        '<CIM CIMVERSION="2.0" DTDVERSION="2.0">',
        '<MESSAGE ID="%s" PROTOCOLVERSION="1.0"><SIMPLERSP>'
        % xmlenc.escape_attr(message_id),
        inner,
        '</SIMPLERSP></MESSAGE></CIM>'))


def error_element(exc):
    """ERROR element for a pywbem.CIMError (with its error instances)."""
    out = ['<ERROR CODE="%d" DESCRIPTION="%s">'
           % (exc.status_code, xmlenc.escape_attr(exc.status_description))]
    for inst in exc.instances or ():
        xmlenc.instance(out, inst, None, None)
    out.append('</ERROR>')
    return ''.join(out)


def _pull_response(out, result, host, namespace):
    out.append('<IRETURNVALUE>')
    encode_item = _PULL_ITEM_ENCODERS[result.kind]
    for item in result.items:
        encode_item(out, item, host, namespace)
    out.append('</IRETURNVALUE>')
    out.append('<PARAMVALUE NAME="EnumerationContext" PARAMTYPE="string">')
    if result.context_id is not None:
        out.append('<VALUE>%s</VALUE>' % result.context_id)
    out.append('</PARAMVALUE>')
    out.append('<PARAMVALUE NAME="EndOfSequence" PARAMTYPE="boolean">'
               '<VALUE>%s</VALUE></PARAMVALUE>'
               % ('TRUE' if result.end_of_sequence else 'FALSE'))


def _paramvalue(out, param, host, namespace):
    """Output PARAMVALUE of an extrinsic method, typed from the provider."""
    param_type = param.type or xmlenc.cim_type_of(param.value)
    embedded = (' EmbeddedObject="%s"' % param.embedded_object
                if param.embedded_object else '')
    out.append('<PARAMVALUE NAME="%s" PARAMTYPE="%s"%s>'
               % (xmlenc.escape_attr(param.name), param_type, embedded))
    xmlenc.any_value(out, param.value, param_type, host, namespace)
    out.append('</PARAMVALUE>')


def _auth_failure():
    return (401, {'WWW-Authenticate': 'Basic realm="%s"' % REALM,
                  'Content-Length': '0'}, b'')


def _bad_request(exc):
    return (exc.status, {
        'CIMError': exc.cim_error,
        'CIMErrorDetail': urllib.parse.quote(exc.detail[:1000], safe=' '),
        'Content-Length': '0'}, b'')


class CimXmlHandler(object):
    """Answer CIM-XML operation requests from a dispatcher.

    ``user``/``password``: when both are set, every request must carry
    matching HTTP Basic credentials (401 otherwise).  The password is only
    compared, never logged.
    """

    def __init__(self, dispatcher, user=None, password=None):
        self.dispatcher = dispatcher
        self._credentials = None
        if user is not None and password is not None:
            self._credentials = ('%s:%s' % (user, password)).encode('utf-8')
        self.enumerations = pull.EnumerationContexts()

    @property
    def requires_auth(self):
        return self._credentials is not None

    def authorized(self, authorization):
        """Check an ``Authorization`` header value against the credentials."""
        if self._credentials is None:
            return True
        if not authorization:
            return False
        scheme, _, encoded = authorization.partition(' ')
        if scheme.lower() != 'basic':
            return False
        try:
            given = base64.b64decode(encoded.strip(), validate=True)
        except (binascii.Error, ValueError):
            return False
        return hmac.compare_digest(given, self._credentials)

    def handle(self, body, headers, host):
        """Answer one request: returns ``(status, headers, body)``.

        ``headers`` is any mapping of the request headers; ``host`` is the
        ``host:port`` of this server as the client reached it, written
        into every returned instance path.
        """
        started = time.perf_counter()
        headers = {str(k).lower(): v for k, v in headers.items()}
        if not self.authorized(headers.get('authorization')):
            LOG.info('rejected request with missing or wrong credentials')
            return _auth_failure()
        if 'cimexport' in headers:
            return _bad_request(wire_request.BadRequest(
                400, 'unsupported-operation',
                'export requests are not accepted by a CIM server'))
        version = headers.get('cimprotocolversion')
        if version is not None and not version.strip().startswith('1.'):
            return _bad_request(wire_request.BadRequest(
                501, 'unsupported-protocol-version',
                'CIMProtocolVersion %s is not supported' % version))
        if headers.get('cimoperation', '').lower() != 'methodcall':
            return _bad_request(wire_request.BadRequest(
                400, 'unsupported-operation',
                'CIMOperation header must be MethodCall'))
        try:
            call = wire_request.parse_request(body)
        except wire_request.BadRequest as exc:
            return _bad_request(exc)
        try:
            wire_request.check_headers(headers, call)
        except wire_request.BadRequest as exc:
            return _bad_request(exc)
        if call.kind == 'intrinsic':
            inner = self._intrinsic(call, host)
        else:
            inner = self._extrinsic(call, host)
        payload = _envelope(call.message_id, inner).encode('utf-8')
        elapsed_us = int((time.perf_counter() - started) * 1e6)
        return (200, {'Content-Type': CONTENT_TYPE,
                      'CIMOperation': 'MethodResponse',
                      'WBEMServerResponseTime': str(elapsed_us),
                      'Content-Length': str(len(payload))}, payload)

    def _type_from_declaration(self, call):
        """Type parameters that came without PARAMTYPE, when possible.

        This needs the method declaration, which a dispatcher offers
        through ``dispatcher.classes.method(classname, methodname)``
        (optional: without it the values stay strings and the dispatcher
        decides).
        """
        classes = getattr(self.dispatcher, 'classes', None)
        lookup = getattr(classes, 'method', None)
        if lookup is None:
            return
        try:
            method = lookup(call.objectname.classname, call.name)
        except KeyError:
            method = None
        if method is not None:
            wire_request.type_from_declaration(call, method)

    def _failure(self, call, exc):
        LOG.exception('%s %s failed inside the simulator', call.kind,
                      call.name)
        return pywbem.CIMError(pywbem.CIM_ERR_FAILED,
                               '%s: %s' % (type(exc).__name__, exc))

    def _intrinsic(self, call, host):
        name = xmlenc.escape_attr(call.name)
        out = ['<IMETHODRESPONSE NAME="%s">' % name]
        mark = len(out)
        try:
            if call.param_error is not None:
                raise call.param_error
            self._intrinsic_result(out, call, host)
        except errors.TransportFault:
            raise
        except pywbem.CIMError as exc:
            del out[mark:]
            out.append(error_element(exc))
        except Exception as exc:
            del out[mark:]
            out.append(error_element(self._failure(call, exc)))
        out.append('</IMETHODRESPONSE>')
        return ''.join(out)

    def _intrinsic_result(self, out, call, host):
        if call.name in pull.POOLED_OPERATIONS:
            result = self.enumerations.run(
                self.dispatcher, call.name, call.namespace, call.params)
            if result is not None:
                _pull_response(out, result, host, call.namespace)
            return
        if call.name not in RESULT_ENCODERS:
            raise pywbem.CIMError(pywbem.CIM_ERR_NOT_SUPPORTED,
                                  'unknown operation %s' % call.name)
        result = self.dispatcher.imethodcall(call.name, call.namespace,
                                             call.params)
        encode = RESULT_ENCODERS[call.name]
        if encode is not None:
            out.append('<IRETURNVALUE>')
            encode(out, result, host, call.namespace)
            out.append('</IRETURNVALUE>')

    def _extrinsic(self, call, host):
        name = xmlenc.escape_attr(call.name)
        out = ['<METHODRESPONSE NAME="%s">' % name]
        mark = len(out)
        namespace = call.namespace
        try:
            if call.param_error is not None:
                raise call.param_error
            if call.untyped:
                self._type_from_declaration(call)
            return_value, out_params = self.dispatcher.methodcall(
                call.name, call.objectname, call.params)
            if return_value is not None:
                # PARAMTYPE is mandatory for pywbem's client.
                out.append('<RETURNVALUE PARAMTYPE="%s">'
                           % xmlenc.cim_type_of(return_value))
                xmlenc.value(out, return_value)
                out.append('</RETURNVALUE>')
            for param in out_params or ():
                _paramvalue(out, param, host, namespace)
        except errors.TransportFault:
            raise
        except pywbem.CIMError as exc:
            del out[mark:]
            out.append(error_element(exc))
        except Exception as exc:
            del out[mark:]
            out.append(error_element(self._failure(call, exc)))
        out.append('</METHODRESPONSE>')
        return ''.join(out)
