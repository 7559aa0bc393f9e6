"""CIM types of the extrinsic method parameters the client sends.

The provider rejects a parameter of the wrong CIM type
(CIM_ERR_INVALID_PARAMETER), and pywbem sends a plain ``int`` as ``sint64``
-- so every integer parameter is looked up here, never guessed.  The table
follows the method signatures in ``doc/source/cim-surface.rst``.
"""

import pywbem

# Parameter name -> CIM integer type.  A name has the same type in every
# method that uses it.
INTEGER_PARAMETER_TYPES = {
    'ElementType': pywbem.Uint16,
    'Size': pywbem.Uint64,
    'EMCNumberOfDevices': pywbem.Uint32,
    'Type': pywbem.Uint16,
    'IDType': pywbem.Uint16,
    'SyncType': pywbem.Uint16,
    'Mode': pywbem.Uint16,
    'WaitForCopyState': pywbem.Uint16,
    'Operation': pywbem.Uint16,
    'ReplicationType': pywbem.Uint16,
    'ElementSource': pywbem.Uint16,
    'CompositeType': pywbem.Uint16,
    'EMCNumberOfMembers': pywbem.Uint32,
}

# Value maps (SMI-S / ECOM facts, see the protocol reference).
ELEMENT_TYPE_THIN = 5
ELEMENT_TYPE_PLAIN = 2
ELEMENT_TYPE_THIN_COMPOSITE = 32768
GROUP_TYPE_STORAGE = 4
SYNC_TYPE_SNAPSHOT = 7
SYNC_TYPE_CLONE = 8
COPY_STATE_SYNCHRONIZED = 4
OPERATION_DETACH = 8
OPERATION_DISSOLVE = 9
COMPOSITE_CONCATENATED = 2
COMPOSITE_STRIPED = 3
ELEMENT_SOURCE_NEW = 2
TARGET_SUPPLIED_BY_ARRAY = 2

RC_DONE = 0
RC_JOB_STARTED = 4096

JOB_STATES = {2: 'New', 3: 'Starting', 4: 'Running', 5: 'Suspended',
              6: 'Shutting Down', 7: 'Completed', 8: 'Terminated',
              9: 'Killed', 10: 'Exception', 11: 'Service',
              32767: 'Queue Pending'}
JOB_RUNNING_STATES = frozenset((2, 3, 4, 32767))
JOB_COMPLETED = 7

COPY_STATES = {2: 'Initialized', 3: 'Unsynchronized', 4: 'Synchronized',
               5: 'Broken', 6: 'Fractured', 7: 'Split', 8: 'Inactive',
               9: 'Suspended', 10: 'Failedover', 11: 'Prepared',
               12: 'Aborted', 13: 'Skewed', 14: 'Mixed',
               15: 'Not Applicable'}

# SupportedReplicationTypes values that mean "SnapVX licensed" (VMAX3) and
# "TimeFinder clone licensed" (VMAX2).
SNAPVX_REPLICATION_TYPES = frozenset((6, 7))
CLONE_REPLICATION_TYPES = frozenset((10,))


def typed(params):
    """Return ``params`` with every integer wrapped in its CIM type.

    Booleans stay booleans; lists of integers are wrapped element-wise.
    An integer parameter missing from the table is a programming error and
    raises ``KeyError`` naming it, so a new parameter cannot slip through
    untyped.
    """
    result = {}
    for name, value in params.items():
        if isinstance(value, bool) or not _is_integer(value):
            result[name] = value
            continue
        cim_type = INTEGER_PARAMETER_TYPES.get(name)
        if cim_type is None:
            raise KeyError('no CIM type declared for integer method '
                           'parameter %r' % name)
        if isinstance(value, (list, tuple)):
            result[name] = [cim_type(v) for v in value]
        else:
            result[name] = cim_type(value)
    return result


def _is_integer(value):
    if isinstance(value, (list, tuple)):
        return bool(value) and all(
            isinstance(v, int) and not isinstance(v, bool) for v in value)
    return isinstance(value, int)
