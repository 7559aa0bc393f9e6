"""Strict checking of extrinsic-method parameters against the schema, and
typing of return values and out-parameters from the method declaration.

A real ECOM may be more lenient; being strict here catches client type
bugs (a ``Uint32`` sent for a ``uint64``, a list for a scalar) before they
reach an array.
"""

import pywbem

from vmax_sim.cim import errors


def _is_input(param):
    # The In qualifier defaults to true, so a parameter declared [Out]
    # alone carries no In qualifier; it is output-only.
    in_qual = param.qualifiers.get('In')
    if in_qual is not None:
        return bool(in_qual.value)
    return 'Out' not in param.qualifiers


def _is_output(param):
    out_qual = param.qualifiers.get('Out')
    return bool(out_qual and out_qual.value)


def output_names(method):
    """Names of the method's out-parameters, in declaration order."""
    return [p.name for p in method.parameters.values() if _is_output(p)]


def _type_error(methodname, param, why):
    return errors.invalid_parameter(
        'Parameter %s of method %s: %s' % (param.name, methodname, why))


def _check_scalar(classes, methodname, param, value):
    ptype = param.type
    if ptype == 'reference':
        if not isinstance(value, pywbem.CIMInstanceName):
            raise _type_error(methodname, param,
                              'expected a reference, got %s'
                              % type(value).__name__)
        if not classes.exists(value.classname):
            raise _type_error(methodname, param,
                              'unknown class %s' % value.classname)
        if param.reference_class and not classes.is_subclass(
                value.classname, param.reference_class):
            raise _type_error(methodname, param,
                              'a %s is not a %s'
                              % (value.classname, param.reference_class))
        return
    if param.embedded_object == 'instance':
        if not isinstance(value, pywbem.CIMInstance):
            raise _type_error(methodname, param,
                              'expected an embedded instance, got %s'
                              % type(value).__name__)
        return
    if isinstance(value, pywbem.CIMInstance):
        raise _type_error(methodname, param,
                          'an embedded instance is not a %s' % ptype)
    try:
        vtype = pywbem.cimtype(value)
    except (TypeError, ValueError):
        raise _type_error(methodname, param,
                          'expected %s, got untyped %s'
                          % (ptype, type(value).__name__))
    if vtype != ptype:
        raise _type_error(methodname, param,
                          'expected %s, got %s' % (ptype, vtype))


_INTEGER_TYPES = ('uint8', 'uint16', 'uint32', 'uint64', 'sint8', 'sint16',
                  'sint32', 'sint64')


def _from_text(methodname, param, text):
    """Type an untyped value (DSP0201 lets a PARAMVALUE omit PARAMTYPE; the
    text is then read with the declared type)."""
    ptype = param.type
    try:
        if ptype == 'boolean':
            lowered = text.strip().lower()
            if lowered not in ('true', 'false'):
                raise ValueError('not a boolean')
            return lowered == 'true'
        if ptype in _INTEGER_TYPES:
            digits = text.strip().lower()
            base = 16 if digits.lstrip('+-').startswith('0x') else 10
            return pywbem.cimvalue(int(digits, base), ptype)
        if ptype in ('real32', 'real64', 'datetime'):
            return pywbem.cimvalue(text, ptype)
    except (TypeError, ValueError) as exc:
        raise _type_error(methodname, param, 'cannot read %r as %s (%s)'
                          % (text, ptype, exc))
    return text


def _untyped(methodname, param, value):
    if param.type in ('string', 'reference') or param.embedded_object:
        return value
    if isinstance(value, str):
        return _from_text(methodname, param, value)
    if isinstance(value, list):
        return [_from_text(methodname, param, v) if isinstance(v, str)
                else v for v in value]
    return value


def check_in_params(classes, classname, method, params):
    """Validate ``params`` (a list of (name, value)) against ``method``.

    Text given for a non-string parameter is read with the declared type
    (an untyped PARAMVALUE).  Returns a NocaseDict name -> value.  Raises
    CIM_ERR_INVALID_PARAMETER naming the parameter for an undeclared or
    output-only parameter, a duplicate, a wrong CIM type or a wrong
    array-ness.  NULL (None) is accepted for every declared input
    parameter.
    """
    result = pywbem.NocaseDict()
    for name, value in params:
        if isinstance(value, pywbem.CIMParameter):
            value = value.value
        param = method.parameters.get(name)
        if param is None:
            raise errors.invalid_parameter(
                'Parameter %s is not declared by method %s of class %s'
                % (name, method.name, classname))
        if not _is_input(param):
            raise errors.invalid_parameter(
                'Parameter %s of method %s is an output parameter'
                % (param.name, method.name))
        if name in result:
            raise errors.invalid_parameter(
                'Parameter %s of method %s is given twice'
                % (param.name, method.name))
        if value is not None:
            if isinstance(value, tuple):
                value = list(value)
            value = _untyped(method.name, param, value)
            if param.is_array != isinstance(value, list):
                raise _type_error(
                    method.name, param,
                    'expected %s, got %s' % (
                        'an array' if param.is_array else 'a scalar',
                        'an array' if isinstance(value, list)
                        else 'a scalar'))
            if param.is_array:
                for item in value:
                    if item is None:
                        continue
                    _check_scalar(classes, method.name, param, item)
            else:
                _check_scalar(classes, method.name, param, value)
        result[param.name] = value
    return result


def _typed(param, value):
    if value is None:
        return None
    if param.type == 'reference' or param.embedded_object:
        return value
    if param.is_array:
        return [pywbem.cimvalue(v, param.type) for v in value]
    return pywbem.cimvalue(value, param.type)


def return_value(method, rc):
    """The method's return value typed from its declaration."""
    return pywbem.cimvalue(rc, method.return_type)


def out_params(method, values):
    """Typed CIMParameters for the out-values in ``values`` (a dict).

    Only declared out-parameters are emitted, in declaration order; a
    value absent from ``values`` is left out, None is emitted as NULL.
    """
    result = []
    for param in method.parameters.values():
        if not _is_output(param) or param.name not in values:
            continue
        result.append(pywbem.CIMParameter(
            param.name, param.type,
            value=_typed(param, values[param.name]),
            is_array=param.is_array,
            reference_class=param.reference_class,
            embedded_object=param.embedded_object))
    return result
