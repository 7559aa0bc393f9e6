"""Instance paths built from names, as fixed in ``cim-surface.rst``.

Building a path locally and asking ``GetInstance`` for it costs one round
trip; finding the same object by enumeration costs several.  Every builder
takes the array's system name (``SYMMETRIX<SEP><serial>``) from discovery.
"""

import pywbem

from vmax_flows.smis.connection import NAMESPACE

SYSTEM_CLASS = 'Symm_StorageSystem'
VOLUME_CLASS = 'Symm_StorageVolume'
STORAGE_GROUP_CLASS = 'SE_DeviceMaskingGroup'
PORT_GROUP_CLASS = 'SE_TargetMaskingGroup'
SYNC_CLASS = 'SE_StorageSynchronized_SV_SV'
JOB_CLASS = 'SE_ConcreteJob'


def separator(system_name, serial):
    """The ``-+-`` or ``+`` between fields, as this array spells it."""
    return system_name[len('SYMMETRIX'):len(system_name) - len(serial)]


def system(system_name):
    return pywbem.CIMInstanceName(
        SYSTEM_CLASS, namespace=NAMESPACE,
        keybindings={'CreationClassName': SYSTEM_CLASS,
                     'Name': system_name})


def volume(system_name, device_id):
    return pywbem.CIMInstanceName(
        VOLUME_CLASS, namespace=NAMESPACE,
        keybindings={'CreationClassName': VOLUME_CLASS,
                     'DeviceID': device_id,
                     'SystemCreationClassName': SYSTEM_CLASS,
                     'SystemName': system_name})


def masking_group(system_name, sep, name, classname=STORAGE_GROUP_CLASS):
    return pywbem.CIMInstanceName(
        classname, namespace=NAMESPACE,
        keybindings={'InstanceID': '%s%s%s' % (system_name, sep, name)})


def software_identity(system_name):
    return pywbem.CIMInstanceName(
        'Symm_StorageSystemSoftwareIdentity', namespace=NAMESPACE,
        keybindings={'InstanceID': system_name})


def chassis(system_name):
    return pywbem.CIMInstanceName(
        'Symm_ArrayChassis', namespace=NAMESPACE,
        keybindings={'CreationClassName': 'Symm_ArrayChassis',
                     'Tag': system_name})


def replication_capabilities(system_name):
    return pywbem.CIMInstanceName(
        'Symm_ReplicationServiceCapabilities', namespace=NAMESPACE,
        keybindings={'InstanceID': system_name})


def sync_pair(system_name, source_device_id, target_device_id):
    return pywbem.CIMInstanceName(
        SYNC_CLASS, namespace=NAMESPACE,
        keybindings={
            'SystemElement': volume(system_name, source_device_id),
            'SyncedElement': volume(system_name, target_device_id)})


def job(job_id):
    return pywbem.CIMInstanceName(
        JOB_CLASS, namespace=NAMESPACE, keybindings={'InstanceID': job_id})


def device_id_of(path):
    return path.keybindings.get('DeviceID')


def last_field(instance_id, sep):
    """Name after the last separator (pools, groups, settings)."""
    return instance_id.split(sep)[-1]
