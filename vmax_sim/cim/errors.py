"""CIM errors the simulator answers, built in one place so the codes and
the wording stay consistent with the contract (doc/source/cim-surface.rst).
"""

import pywbem


def failed(description):
    """CIM_ERR_FAILED (1): an array rule refused the request."""
    return pywbem.CIMError(pywbem.CIM_ERR_FAILED, description)


def invalid_namespace(namespace):
    return pywbem.CIMError(pywbem.CIM_ERR_INVALID_NAMESPACE,
                           'Namespace %s does not exist' % namespace)


def invalid_parameter(description):
    """CIM_ERR_INVALID_PARAMETER (4)."""
    return pywbem.CIMError(pywbem.CIM_ERR_INVALID_PARAMETER, description)


def invalid_class(classname):
    """CIM_ERR_INVALID_CLASS (5): the class is not in the schema."""
    return pywbem.CIMError(pywbem.CIM_ERR_INVALID_CLASS,
                           'Class %s does not exist in namespace root/emc'
                           % classname)


def not_found(path, why=None):
    """CIM_ERR_NOT_FOUND (6) for an instance path."""
    text = 'Instance %s does not exist' % _path_text(path)
    if why:
        text = '%s: %s' % (text, why)
    return pywbem.CIMError(pywbem.CIM_ERR_NOT_FOUND, text)


def not_supported(description):
    """CIM_ERR_NOT_SUPPORTED (7)."""
    return pywbem.CIMError(pywbem.CIM_ERR_NOT_SUPPORTED, description)


def method_not_found(classname, methodname):
    """CIM_ERR_METHOD_NOT_FOUND (17)."""
    return pywbem.CIMError(pywbem.CIM_ERR_METHOD_NOT_FOUND,
                           'Class %s has no method %s'
                           % (classname, methodname))


def _path_text(path):
    if isinstance(path, pywbem.CIMInstanceName):
        copy = path.copy()
        copy.host = None
        copy.namespace = None
        return str(copy)
    return str(path)
