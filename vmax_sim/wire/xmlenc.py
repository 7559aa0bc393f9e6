"""Direct string encoder for the CIM-XML elements the simulator answers with.

pywbem's own ``tocimxml()`` builds a minidom tree; that is about 17 times
slower than appending strings and it writes empty elements in the
self-closing form (``<PROPERTY .../>``), which sblim-wbemcli cannot parse.
This encoder therefore writes every element with an explicit end tag and
escapes text and attribute values itself.

All functions append to a list of string fragments (``out``) that the
caller joins once.  ``host`` is the ``host:port`` put into every
INSTANCEPATH/CLASSPATH this encoder writes (a path that already carries a
host keeps it); ``namespace`` is the default for paths without one.
"""

import datetime
import math
import re

import pywbem

_TEXT_SPECIAL = re.compile('[&<>\r\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]')
_ATTR_SPECIAL = re.compile(
    '[&<>"\t\n\r\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]')
_ENTITIES = {
    '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;',
    '\t': '&#9;', '\n': '&#10;', '\r': '&#13;',
}


def _entity(match):
    # Characters XML 1.0 cannot carry at all become U+FFFD: a client
    # parser would reject the whole response otherwise.
    return _ENTITIES.get(match.group(0), '\ufffd')


def escape_text(text):
    """Escape a string for use as element content."""
    if _TEXT_SPECIAL.search(text) is None:
        return text
    return _TEXT_SPECIAL.sub(_entity, text)


def escape_attr(text):
    """Escape a string for use inside a double-quoted attribute value."""
    if _ATTR_SPECIAL.search(text) is None:
        return text
    return _ATTR_SPECIAL.sub(_entity, text)


def _bool_text(value):
    return 'TRUE' if value else 'FALSE'


def _real_text(value):
    if math.isnan(value):
        return 'NaN'
    if math.isinf(value):
        return 'INF' if value > 0 else '-INF'
    return repr(float(value))


def scalar_text(value):
    """Return the CIM-XML text (unescaped) of one non-reference value."""
    if isinstance(value, str):
        return value
    if isinstance(value, bool):
        return _bool_text(value)
    if isinstance(value, int):
        return str(int(value))
    if isinstance(value, float):
        return _real_text(value)
    if isinstance(value, pywbem.CIMDateTime):
        return str(value)
    if isinstance(value, (datetime.datetime, datetime.timedelta)):
        return str(pywbem.CIMDateTime(value))
    if isinstance(value, pywbem.CIMInstance):
        return instance_string(value)
    if isinstance(value, pywbem.CIMClass):
        return class_string(value)
    if isinstance(value, bytes):
        return value.decode('utf-8')
    raise TypeError('cannot encode %s value %r as CIM-XML'
                    % (type(value).__name__, value))


def cim_type_of(value):
    """Return the CIM type name of a value, for PARAMTYPE attributes."""
    if isinstance(value, list):
        for item in value:
            if item is not None:
                return cim_type_of(item)
        return 'string'
    if isinstance(value, (pywbem.CIMInstance, pywbem.CIMClass)):
        return 'string'
    if isinstance(value, bool):
        return 'boolean'
    if isinstance(value, int) and not isinstance(value, pywbem.CIMInt):
        # A plain int has no width; the contract types every return value
        # of an extrinsic method as uint32.
        return 'uint32'
    return pywbem.cimtype(value)


# --- values -----------------------------------------------------------


def value(out, val):
    """VALUE element for one non-reference value."""
    out.append('<VALUE>%s</VALUE>' % escape_text(scalar_text(val)))


def value_array(out, values):
    """VALUE.ARRAY element; None items become VALUE.NULL."""
    out.append('<VALUE.ARRAY>')
    for val in values:
        if val is None:
            out.append('<VALUE.NULL></VALUE.NULL>')
        else:
            out.append('<VALUE>%s</VALUE>' % escape_text(scalar_text(val)))
    out.append('</VALUE.ARRAY>')


def value_reference(out, path, host, namespace):
    """VALUE.REFERENCE element holding a full INSTANCEPATH/CLASSPATH."""
    out.append('<VALUE.REFERENCE>')
    if isinstance(path, pywbem.CIMClassName):
        classpath(out, path, host, namespace)
    else:
        instancepath(out, path, host, namespace)
    out.append('</VALUE.REFERENCE>')


def value_refarray(out, paths, host, namespace):
    out.append('<VALUE.REFARRAY>')
    for path in paths:
        if path is None:
            out.append('<VALUE.NULL></VALUE.NULL>')
        else:
            value_reference(out, path, host, namespace)
    out.append('</VALUE.REFARRAY>')


def any_value(out, val, cim_type, host, namespace):
    """The value child of a PARAMVALUE/RETURNVALUE/IRETURNVALUE."""
    if val is None:
        return
    if cim_type == 'reference':
        if isinstance(val, list):
            value_refarray(out, val, host, namespace)
        else:
            value_reference(out, val, host, namespace)
    elif isinstance(val, list):
        value_array(out, val)
    else:
        value(out, val)


# --- names and paths --------------------------------------------------


def _keyvalue(out, key_value):
    if isinstance(key_value, bool):
        out.append('<KEYVALUE VALUETYPE="boolean" TYPE="boolean">')
        out.append(_bool_text(key_value))
    elif isinstance(key_value, pywbem.CIMInt):
        out.append('<KEYVALUE VALUETYPE="numeric" TYPE="%s">'
                   % key_value.cimtype)
        out.append(str(int(key_value)))
    elif isinstance(key_value, pywbem.CIMFloat):
        out.append('<KEYVALUE VALUETYPE="numeric" TYPE="%s">'
                   % key_value.cimtype)
        out.append(_real_text(key_value))
    elif isinstance(key_value, int):
        out.append('<KEYVALUE VALUETYPE="numeric">')
        out.append(str(int(key_value)))
    elif isinstance(key_value, float):
        out.append('<KEYVALUE VALUETYPE="numeric">')
        out.append(_real_text(key_value))
    elif isinstance(key_value, pywbem.CIMDateTime):
        out.append('<KEYVALUE VALUETYPE="string" TYPE="datetime">')
        out.append(str(key_value))
    elif isinstance(key_value, pywbem.Char16):
        out.append('<KEYVALUE VALUETYPE="string" TYPE="char16">')
        out.append(escape_text(key_value))
    else:
        out.append('<KEYVALUE VALUETYPE="string" TYPE="string">')
        out.append(escape_text(key_value))
    out.append('</KEYVALUE>')


def instancename(out, path, host, namespace):
    """INSTANCENAME element; reference keys carry full INSTANCEPATHs."""
    out.append('<INSTANCENAME CLASSNAME="%s">' % escape_attr(path.classname))
    for key, key_value in path.keybindings.items():
        out.append('<KEYBINDING NAME="%s">' % escape_attr(key))
        if isinstance(key_value, pywbem.CIMInstanceName):
            value_reference(out, key_value, host, namespace)
        else:
            _keyvalue(out, key_value)
        out.append('</KEYBINDING>')
    out.append('</INSTANCENAME>')


def localnamespacepath(out, namespace):
    out.append('<LOCALNAMESPACEPATH>')
    for part in namespace.strip('/').split('/'):
        out.append('<NAMESPACE NAME="%s"></NAMESPACE>' % escape_attr(part))
    out.append('</LOCALNAMESPACEPATH>')


def _namespacepath(out, path, host, namespace):
    out.append('<NAMESPACEPATH><HOST>')
    out.append(escape_text(path.host or host))
    out.append('</HOST>')
    localnamespacepath(out, path.namespace or namespace)
    out.append('</NAMESPACEPATH>')


def instancepath(out, path, host, namespace):
    """INSTANCEPATH element: host, namespace and instance name."""
    out.append('<INSTANCEPATH>')
    _namespacepath(out, path, host, namespace)
    instancename(out, path, host, namespace)
    out.append('</INSTANCEPATH>')


def classname(out, name):
    out.append('<CLASSNAME NAME="%s"></CLASSNAME>' % escape_attr(name))


def classpath(out, path, host, namespace):
    """CLASSPATH element: host, namespace and class name."""
    out.append('<CLASSPATH>')
    _namespacepath(out, path, host, namespace)
    classname(out, path.classname)
    out.append('</CLASSPATH>')


def objectpath(out, path, host, namespace):
    out.append('<OBJECTPATH>')
    if isinstance(path, pywbem.CIMClassName):
        classpath(out, path, host, namespace)
    else:
        instancepath(out, path, host, namespace)
    out.append('</OBJECTPATH>')


# --- qualifiers, properties, instances, classes ----------------------


def _flavor_attrs(obj):
    attrs = []
    for attr, flag in (('OVERRIDABLE', obj.overridable),
                       ('TOSUBCLASS', obj.tosubclass),
                       ('TOINSTANCE', obj.toinstance),
                       ('TRANSLATABLE', obj.translatable)):
        if flag is not None:
            attrs.append(' %s="%s"' % (attr, 'true' if flag else 'false'))
    return ''.join(attrs)


def qualifier(out, qual):
    out.append('<QUALIFIER NAME="%s" TYPE="%s"'
               % (escape_attr(qual.name), qual.type))
    if qual.propagated is not None:
        out.append(' PROPAGATED="%s"'
                   % ('true' if qual.propagated else 'false'))
    out.append(_flavor_attrs(qual))
    out.append('>')
    if isinstance(qual.value, list):
        value_array(out, qual.value)
    elif qual.value is not None:
        value(out, qual.value)
    out.append('</QUALIFIER>')


def _qualifiers(out, quals):
    if quals:
        for qual in quals.values():
            qualifier(out, qual)


def _origin_attrs(obj):
    return _origin_text(obj.class_origin, obj.propagated)


def _origin_text(class_origin, propagated):
    attrs = ''
    if class_origin:
        attrs += ' CLASSORIGIN="%s"' % escape_attr(class_origin)
    if propagated is not None:
        attrs += ' PROPAGATED="%s"' % ('true' if propagated else 'false')
    return attrs


# Opening and closing tags of PROPERTY elements, by everything that goes
# into them: instances of one class repeat the same few dozen properties,
# so most tags come out of this cache instead of being built and escaped.
_PROPERTY_TAGS = {}
_PROPERTY_TAGS_LIMIT = 4096


def _build_property_tags(key):
    (name, cim_type, is_array, array_size, class_origin, propagated,
     embedded_object, reference_class) = key
    name = escape_attr(name)
    origin = _origin_text(class_origin, propagated)
    if cim_type == 'reference':
        ref_class = (' REFERENCECLASS="%s"' % escape_attr(reference_class)
                     if reference_class else '')
        return ('<PROPERTY.REFERENCE NAME="%s"%s%s>'
                % (name, ref_class, origin), '</PROPERTY.REFERENCE>')
    embedded = (' EmbeddedObject="%s"' % embedded_object
                if embedded_object else '')
    if is_array:
        size = (' ARRAYSIZE="%d"' % array_size
                if array_size is not None else '')
        return ('<PROPERTY.ARRAY NAME="%s" TYPE="%s"%s%s%s>'
                % (name, cim_type, size, origin, embedded),
                '</PROPERTY.ARRAY>')
    return ('<PROPERTY NAME="%s" TYPE="%s"%s%s>'
            % (name, cim_type, origin, embedded), '</PROPERTY>')


def cim_property(out, prop, host, namespace):
    """PROPERTY, PROPERTY.ARRAY or PROPERTY.REFERENCE element."""
    cim_type = prop.type
    is_array = prop.is_array
    key = (prop.name, cim_type, is_array, prop.array_size,
           prop.class_origin, prop.propagated, prop.embedded_object,
           prop.reference_class)
    tags = _PROPERTY_TAGS.get(key)
    if tags is None:
        tags = _build_property_tags(key)
        if len(_PROPERTY_TAGS) >= _PROPERTY_TAGS_LIMIT:
            _PROPERTY_TAGS.clear()
        _PROPERTY_TAGS[key] = tags
    out.append(tags[0])
    _qualifiers(out, prop.qualifiers)
    val = prop.value
    if val is not None:
        if cim_type == 'reference':
            value_reference(out, val, host, namespace)
        elif is_array:
            value_array(out, val)
        else:
            out.append('<VALUE>%s</VALUE>' % escape_text(scalar_text(val)))
    out.append(tags[1])


def instance(out, inst, host, namespace):
    """INSTANCE element (the instance path is written by the caller)."""
    out.append('<INSTANCE CLASSNAME="%s">' % escape_attr(inst.classname))
    _qualifiers(out, inst.qualifiers)
    for prop in inst.properties.values():
        cim_property(out, prop, host, namespace)
    out.append('</INSTANCE>')


def instance_string(inst):
    """An INSTANCE as a string, for embedded-instance values.

    Embedded instances carry no path; any reference property inside one is
    written without a host, as a client would send it.
    """
    out = []
    instance(out, inst, None, None)
    return ''.join(out)


def _parameter(out, param):
    name = escape_attr(param.name)
    ref_class = (' REFERENCECLASS="%s"' % escape_attr(param.reference_class)
                 if param.reference_class else '')
    size = (' ARRAYSIZE="%d"' % param.array_size
            if param.array_size is not None else '')
    if param.type == 'reference' and param.is_array:
        tag = 'PARAMETER.REFARRAY'
        out.append('<%s NAME="%s"%s%s>' % (tag, name, ref_class, size))
    elif param.type == 'reference':
        tag = 'PARAMETER.REFERENCE'
        out.append('<%s NAME="%s"%s>' % (tag, name, ref_class))
    elif param.is_array:
        tag = 'PARAMETER.ARRAY'
        out.append('<%s NAME="%s" TYPE="%s"%s>'
                   % (tag, name, param.type, size))
    else:
        tag = 'PARAMETER'
        out.append('<%s NAME="%s" TYPE="%s">' % (tag, name, param.type))
    _qualifiers(out, param.qualifiers)
    out.append('</%s>' % tag)


def _method(out, meth):
    return_type = ' TYPE="%s"' % meth.return_type if meth.return_type else ''
    out.append('<METHOD NAME="%s"%s%s>'
               % (escape_attr(meth.name), return_type, _origin_attrs(meth)))
    _qualifiers(out, meth.qualifiers)
    for param in meth.parameters.values():
        _parameter(out, param)
    out.append('</METHOD>')


def cim_class(out, klass):
    """CLASS element with qualifiers, properties and methods."""
    superclass = (' SUPERCLASS="%s"' % escape_attr(klass.superclass)
                  if klass.superclass else '')
    out.append('<CLASS NAME="%s"%s>' % (escape_attr(klass.classname),
                                        superclass))
    _qualifiers(out, klass.qualifiers)
    for prop in klass.properties.values():
        # Default values of reference properties have no host either.
        cim_property(out, prop, None, None)
    for meth in klass.methods.values():
        _method(out, meth)
    out.append('</CLASS>')


def class_string(klass):
    out = []
    cim_class(out, klass)
    return ''.join(out)


def _scope(out, scopes):
    if not scopes:
        return
    if scopes.get('any'):
        names = ('CLASS', 'ASSOCIATION', 'REFERENCE', 'PROPERTY', 'METHOD',
                 'PARAMETER', 'INDICATION')
        flags = dict.fromkeys(names, True)
    else:
        flags = {key.upper(): bool(flag) for key, flag in scopes.items()}
    out.append('<SCOPE')
    for key in sorted(flags):
        out.append(' %s="%s"' % (key, 'true' if flags[key] else 'false'))
    out.append('></SCOPE>')


def qualifier_declaration(out, decl):
    """QUALIFIER.DECLARATION element."""
    out.append('<QUALIFIER.DECLARATION NAME="%s" TYPE="%s"'
               % (escape_attr(decl.name), decl.type))
    if decl.is_array is not None:
        out.append(' ISARRAY="%s"' % ('true' if decl.is_array else 'false'))
    if decl.array_size is not None:
        out.append(' ARRAYSIZE="%d"' % decl.array_size)
    out.append(_flavor_attrs(decl))
    out.append('>')
    _scope(out, decl.scopes)
    if isinstance(decl.value, list):
        value_array(out, decl.value)
    elif decl.value is not None:
        value(out, decl.value)
    out.append('</QUALIFIER.DECLARATION>')


# --- composite result elements ---------------------------------------


def value_namedinstance(out, inst, host, namespace):
    """VALUE.NAMEDINSTANCE: INSTANCENAME + INSTANCE (EnumerateInstances)."""
    out.append('<VALUE.NAMEDINSTANCE>')
    instancename(out, inst.path, host, namespace)
    instance(out, inst, host, namespace)
    out.append('</VALUE.NAMEDINSTANCE>')


def value_objectwithpath(out, obj, host, namespace):
    """VALUE.OBJECTWITHPATH for an instance or a class (associations)."""
    out.append('<VALUE.OBJECTWITHPATH>')
    if isinstance(obj, pywbem.CIMClass):
        path = obj.path or pywbem.CIMClassName(obj.classname)
        classpath(out, path, host, namespace)
        cim_class(out, obj)
    else:
        instancepath(out, obj.path, host, namespace)
        instance(out, obj, host, namespace)
    out.append('</VALUE.OBJECTWITHPATH>')


def value_instancewithpath(out, inst, host, namespace):
    """VALUE.INSTANCEWITHPATH: INSTANCEPATH + INSTANCE (pull operations)."""
    out.append('<VALUE.INSTANCEWITHPATH>')
    instancepath(out, inst.path, host, namespace)
    instance(out, inst, host, namespace)
    out.append('</VALUE.INSTANCEWITHPATH>')
