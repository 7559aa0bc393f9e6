"""Decode a CIM-XML operation request into Python call objects.

Parsing uses the server-side functions that pywbem 1.9.1 still ships in
its private ``_tupletree``/``_tupleparse`` modules (``parse_simplereq``,
``parse_imethodcall``, ``parse_methodcall``, ``parse_iparamvalue``); the
guard test in ``tests/sim/test_wire_guard.py`` fails loudly if they change.

The parser leaves most scalar IPARAMVALUEs as strings, so they are typed
here; every reference that comes in is made local (host dropped, namespace
defaulted), because clients send back the paths the server gave them, host
and all, and the array model matches objects without the host.
"""

import urllib.parse

import pywbem
from pywbem import _tupleparse
from pywbem import _tupletree

# IPARAMVALUE names (lower case) whose text is a boolean / an integer.
_BOOL_IPARAMS = frozenset((
    'deepinheritance', 'localonly', 'includequalifiers',
    'includeclassorigin', 'continueonerror', 'returnqueryresultclass'))
_UINT32_IPARAMS = frozenset(('maxobjectcount', 'operationtimeout'))
# IPARAMVALUE names that carry a class name.
_CLASSNAME_IPARAMS = frozenset(('classname', 'assocclass', 'resultclass'))


class BadRequest(Exception):
    """The request cannot be answered with a CIM-XML message at all.

    DSP0200 answers these at the HTTP level: ``status`` with a ``CIMError``
    header naming the problem (``request-not-valid``, ``header-mismatch``
    ...), and the human readable ``detail`` in ``CIMErrorDetail``.
    """

    def __init__(self, status, cim_error, detail):
        super().__init__('%d %s: %s' % (status, cim_error, detail))
        self.status = status
        self.cim_error = cim_error
        self.detail = detail


class IntrinsicCall(object):
    """An IMETHODCALL: operation ``name`` on ``namespace`` with ``params``.

    ``params`` maps IPARAMVALUE names (DSP0200 spelling) to typed values.
    ``param_error`` is the ``pywbem.CIMError`` to answer instead of calling
    anything when a parameter could not be typed.
    """

    kind = 'intrinsic'

    def __init__(self, message_id, name, namespace, params,
                 param_error=None):
        self.message_id = message_id
        self.name = name
        self.namespace = namespace
        self.params = params
        self.param_error = param_error


class ExtrinsicCall(object):
    """A METHODCALL: ``name`` on ``objectname`` with ``(name, value)``s.

    ``untyped`` names the parameters that came without PARAMTYPE; their
    values are still the strings (or lists of strings) of the request.
    """

    kind = 'extrinsic'

    def __init__(self, message_id, name, objectname, params,
                 param_error=None, untyped=()):
        self.message_id = message_id
        self.name = name
        self.objectname = objectname
        self.params = params
        self.param_error = param_error
        self.untyped = frozenset(untyped)

    @property
    def namespace(self):
        return self.objectname.namespace


def make_local(path, namespace):
    """Drop the host of a path (and of reference keys inside it).

    ``namespace`` fills in a missing namespace.  The path is changed in
    place (it was just parsed from the request) and returned.
    """
    path.host = None
    if path.namespace is None:
        path.namespace = namespace
    if isinstance(path, pywbem.CIMInstanceName):
        for key_value in path.keybindings.values():
            if isinstance(key_value, pywbem.CIMInstanceName):
                make_local(key_value, namespace)
    return path


def _local_refs(value, namespace):
    """make_local over a value that may be a path or a list of paths."""
    if isinstance(value, (pywbem.CIMInstanceName, pywbem.CIMClassName)):
        return make_local(value, namespace)
    if isinstance(value, list):
        return [_local_refs(item, namespace) for item in value]
    return value


def _local_instance(inst, namespace):
    if inst.path is not None:
        make_local(inst.path, namespace)
    for prop in inst.properties.values():
        if prop.type == 'reference' and prop.value is not None:
            make_local(prop.value, namespace)
    return inst


def _invalid_parameter(text):
    return pywbem.CIMError(pywbem.CIM_ERR_INVALID_PARAMETER, text)


def _typed_iparam(name, value, namespace):
    lname = name.lower()
    if isinstance(value, str):
        if lname in _BOOL_IPARAMS:
            if value.lower() not in ('true', 'false'):
                raise _invalid_parameter(
                    'parameter %s: %r is not a boolean' % (name, value))
            return value.lower() == 'true'
        if lname in _UINT32_IPARAMS:
            try:
                return pywbem.Uint32(value.strip())
            except ValueError:
                raise _invalid_parameter(
                    'parameter %s: %r is not a uint32' % (name, value))
        if lname in _CLASSNAME_IPARAMS:
            return pywbem.CIMClassName(value, namespace=namespace)
        return value
    if isinstance(value, (pywbem.CIMInstanceName, pywbem.CIMClassName)):
        return make_local(value, namespace)
    if isinstance(value, pywbem.CIMInstance):
        return _local_instance(value, namespace)
    return value


def _typed_param(name, param_type, value, namespace):
    """Type one METHODCALL PARAMVALUE with ``pywbem.cimvalue``."""
    if value is None:
        return None
    if isinstance(value, (pywbem.CIMInstance, pywbem.CIMClass)):
        # Embedded object, already parsed by the TupleParser.
        return value
    if isinstance(value, list) and value and isinstance(
            value[0], (pywbem.CIMInstance, pywbem.CIMClass)):
        return value
    if param_type == 'reference' or isinstance(
            value, (pywbem.CIMInstanceName, pywbem.CIMClassName)) or (
            isinstance(value, list) and value and isinstance(
                value[0], (pywbem.CIMInstanceName, pywbem.CIMClassName))):
        return _local_refs(value, namespace)
    if param_type is None:
        # Untyped (DSP0201 makes PARAMTYPE optional): leave the text.
        return value
    try:
        return _cim_value(value, param_type)
    except (ValueError, TypeError) as exc:
        raise _invalid_parameter('parameter %s: %s' % (name, exc))


def _cim_value(value, cim_type):
    """``pywbem.cimvalue`` with booleans read from their DSP0201 text.

    ``cimvalue('FALSE', 'boolean')`` is ``bool('FALSE')``, i.e. True, so a
    client's ``Force=False`` would arrive as True.  Booleans are therefore
    read here: 'true'/'false' in any case, anything else is refused.
    """
    if cim_type != 'boolean':
        return pywbem.cimvalue(value, cim_type)
    if isinstance(value, list):
        return [_cim_value(item, cim_type) for item in value]
    if value is None or isinstance(value, bool):
        return value
    text = str(value).strip().lower()
    if text not in ('true', 'false'):
        raise ValueError('%r is not a boolean (TRUE or FALSE)' % value)
    return text == 'true'


def _message_children(tup_tree):
    """Names of the MESSAGE children in a raw tuple tree (for MULTIREQ)."""
    if not isinstance(tup_tree, tuple) or tup_tree[0] != 'CIM':
        return ()
    for node in tup_tree[2]:
        if isinstance(node, tuple) and node[0] == 'MESSAGE':
            return tuple(kid[0] for kid in node[2] if isinstance(kid, tuple))
    return ()


def parse_request(body):
    """Parse a request body into an IntrinsicCall or ExtrinsicCall.

    Raises BadRequest for anything DSP0200 rejects at the HTTP level.  A
    parameter that cannot be typed is answered as a CIM error in a normal
    response, so it is returned in the call's ``param_error``.
    """
    try:
        tup_tree = _tupletree.xml_to_tupletree_sax(body, 'CIM-XML request')
    except pywbem.XMLParseError as exc:
        raise BadRequest(400, 'request-not-well-formed', str(exc))
    parser = _tupleparse.TupleParser()
    try:
        cim = parser.parse_cim(tup_tree)
    except pywbem.CIMVersionError as exc:
        raise BadRequest(501, 'unsupported-cim-version', str(exc))
    except pywbem.DTDVersionError as exc:
        raise BadRequest(501, 'unsupported-dtd-version', str(exc))
    except pywbem.ProtocolVersionError as exc:
        raise BadRequest(501, 'unsupported-protocol-version', str(exc))
    except pywbem.CIMXMLParseError as exc:
        if 'MULTIREQ' in _message_children(tup_tree):
            raise BadRequest(501, 'multiple-requests-unsupported',
                             'MULTIREQ is not supported')
        raise BadRequest(400, 'request-not-valid', str(exc))
    message = cim[2]
    if message[0] != 'MESSAGE' or message[2][0] != 'SIMPLEREQ':
        raise BadRequest(400, 'request-not-valid',
                         'expected MESSAGE/SIMPLEREQ, got %s'
                         % (message[2][0] if message[0] == 'MESSAGE'
                            else message[0]))
    message_id = message[1]['ID']
    call = message[2][2]
    if call[0] == 'IMETHODCALL':
        _, attrs, namespace, raw_params = call
        namespace = namespace.strip('/')
        params = {}
        try:
            for name, value in raw_params:
                if value is not None:
                    params[name] = _typed_iparam(name, value, namespace)
        except pywbem.CIMError as exc:
            return IntrinsicCall(message_id, attrs['NAME'], namespace, {},
                                 param_error=exc)
        return IntrinsicCall(message_id, attrs['NAME'], namespace, params)
    _, attrs, objectname, raw_params = call
    namespace = (objectname.namespace or '').strip('/')
    objectname.namespace = namespace
    make_local(objectname, namespace)
    try:
        params = [(name, _typed_param(name, ptype, value, namespace))
                  for name, ptype, value in raw_params]
    except pywbem.CIMError as exc:
        return ExtrinsicCall(message_id, attrs['NAME'], objectname, [],
                             param_error=exc)
    untyped = [name for name, ptype, value in raw_params
               if ptype is None and _is_text(value)]
    return ExtrinsicCall(message_id, attrs['NAME'], objectname, params,
                         untyped=untyped)


def _is_text(value):
    if isinstance(value, list):
        return all(item is None or isinstance(item, str) for item in value)
    return isinstance(value, str)


def _declared_value(param_decl, value):
    """An untyped request value typed as the parameter declaration says."""
    if param_decl.embedded_object:
        parser = _tupleparse.TupleParser()
        try:
            return parser.parse_embeddedObject(value)
        except pywbem.Error as exc:
            raise _invalid_parameter('parameter %s: %s'
                                     % (param_decl.name, exc))
    if param_decl.type in ('string', 'reference'):
        return value
    try:
        return _cim_value(value, param_decl.type)
    except (ValueError, TypeError) as exc:
        raise _invalid_parameter('parameter %s: %s' % (param_decl.name, exc))


def type_from_declaration(call, method):
    """Type the untyped parameters of ``call`` from ``method`` (CIMMethod).

    DSP0201 makes PARAMTYPE optional and sblim-wbemcli leaves it out, so
    a server has to take the types from the method declaration.
    Parameters the declaration does not know are left for the dispatcher
    to refuse.  Raises CIM_ERR_INVALID_PARAMETER for text that does not
    fit the declared type.
    """
    typed = []
    for name, value in call.params:
        param_decl = method.parameters.get(name)
        if name in call.untyped and param_decl is not None and \
                value is not None:
            value = _declared_value(param_decl, value)
        typed.append((name, value))
    call.params = typed
    call.untyped = frozenset()


def _object_header_matches(header, call):
    """Compare a decoded CIMObject header with the call's target."""
    if call.kind == 'intrinsic':
        return header.strip('/').lower() == call.namespace.lower()
    namespace, sep, rest = header.partition(':')
    if not sep:
        return False
    classname = rest.split('.', 1)[0]
    return (namespace.strip('/').lower() == call.namespace.lower() and
            classname.lower() == call.objectname.classname.lower())


def check_headers(headers, call):
    """Check the CIM-XML extension headers against the parsed call.

    ``headers`` maps lower-case header names to values.  Only the
    mismatches DSP0200 names are refused; missing CIMMethod/CIMObject
    headers are tolerated (older clients leave them out).
    """
    method = headers.get('cimmethod')
    if method is not None and urllib.parse.unquote(method) != call.name:
        raise BadRequest(400, 'header-mismatch',
                         'CIMMethod header %r does not match %s'
                         % (method, call.name))
    target = headers.get('cimobject')
    if target is not None and not _object_header_matches(
            urllib.parse.unquote(target), call):
        raise BadRequest(400, 'header-mismatch',
                         'CIMObject header %r does not match the request'
                         % target)
