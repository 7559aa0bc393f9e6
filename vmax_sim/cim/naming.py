"""Identity formats of doc/source/cim-surface.rst: building InstanceIDs and
keys from model objects, and parsing them back.

``SEP`` is the array's separator: ``-+-`` (SE 8.x style) or ``+`` (SE 7.x
style, ``system_name_style: plus``).
"""

import pywbem
from pywbem import _nocasedict

NAMESPACE = 'root/emc'
SYSTEM_CLASS = 'Symm_StorageSystem'

# Prefixes of the InstanceID forms that carry one.
SRP_TAG = 'SR'
THIN_POOL_TAG = 'TP'
TIER_TAG = 'TI'
ISCSI_HWID_TAG = 'I'
WWPN_HWID_TAG = 'W'
ISCSI_NAME_SUFFIX = ',t,0x0001'


def path(classname, keys):
    """An instance path in root/emc without host.

    Large enumerations build one path per device, and pywbem's
    constructor (validation, a NocaseDict built key by key) costs about
    50 us each -- half a second for 10,000 devices.  When every key value
    is a plain string (all our non-association classes) the path is built
    directly from pywbem 1.9.1's internal layout in about 7 us; the guard
    test ``tests/sim/test_cim_naming_guard.py`` proves the result equal
    to the constructor's, so a pywbem change fails loudly there.
    """
    if all(isinstance(value, str) for value in keys.values()):
        return _fast_path(classname, keys)
    return pywbem.CIMInstanceName(classname, keybindings=keys,
                                  namespace=NAMESPACE)


def _fast_path(classname, keys):
    keybindings = _nocasedict.NocaseDict.__new__(_nocasedict.NocaseDict)
    keybindings._data = {name.lower(): (name, value)
                         for name, value in keys.items()}
    keybindings.allow_unnamed_keys = False
    result = pywbem.CIMInstanceName.__new__(pywbem.CIMInstanceName)
    result._classname = classname
    result._keybindings = keybindings
    result._host = None
    result._namespace = NAMESPACE
    return result


def join_id(array, *parts):
    """``SYMMETRIX<SEP><serial><SEP>part<SEP>part...``."""
    sep = array.separator
    return sep.join((array.system_name,) + tuple(str(p) for p in parts))


def split_id(estate, instance_id, parts=None):
    """Find the array whose system name prefixes ``instance_id``.

    Returns ``(array, rest)`` where ``rest`` is the text after the
    system name and separator, split into at most ``parts`` fields when
    ``parts`` is given (the last field keeps any separators), or
    ``(None, None)`` when no array matches.
    """
    if not isinstance(instance_id, str):
        return None, None
    for array in estate.arrays.values():
        prefix = array.system_name + array.separator
        if instance_id.startswith(prefix):
            rest = instance_id[len(prefix):]
            if parts is None:
                return array, rest
            fields = rest.split(array.separator, parts - 1)
            if len(fields) != parts:
                return None, None
            return array, fields
    return None, None


def array_by_system_name(estate, system_name):
    for array in estate.arrays.values():
        if array.system_name == system_name:
            return array
    return None


def setting_id(array, pool_name, slo, workload):
    """``...<SEP>S<SLO>:<Workload><SEP>F<SEP>0<SEP>SR<SEP><SRP>``."""
    return join_id(array, 'S%s:%s' % (slo, workload or 'NONE'), 'F', '0',
                   SRP_TAG, pool_name)


def parse_setting_id(estate, instance_id):
    """``(array, pool name, slo, workload)`` or Nones."""
    array, fields = split_id(estate, instance_id, 5)
    if array is None:
        return None, None, None, None
    level, flag, zero, tag, pool_name = fields
    if (not level.startswith('S') or ':' not in level or flag != 'F' or
            zero != '0' or tag != SRP_TAG):
        return None, None, None, None
    slo, _, workload = level[1:].partition(':')
    return array, pool_name, slo, workload


def hardware_id_instance_id(array, hwid):
    tag = ISCSI_HWID_TAG if hwid.id_type == 5 else WWPN_HWID_TAG
    return '%s%s%s' % (tag, array.separator, hwid.storage_id)


def parse_hardware_id_instance_id(instance_id, separator):
    """The storage id inside a hardware ID InstanceID, or None."""
    if not isinstance(instance_id, str):
        return None
    for tag in (ISCSI_HWID_TAG, WWPN_HWID_TAG):
        prefix = tag + separator
        if instance_id.startswith(prefix):
            return instance_id[len(prefix):]
    return None


def device_number(lun):
    """Host LUN as ``ProtocolControllerForUnit.DeviceNumber``."""
    return '%04X' % lun
