"""SMI-S primitives for SRDF/S pairs between two arrays of one provider.

An SRDF pair joins a device of one array (R1, the source) with a device
of another (R2) through an RDF group (``Symm_RemoteReplicationCollection``,
found by its label).  It shows up as ``SE_StorageSynchronized_SV_SV``
whose two ends carry different ``SystemName`` s, so it is referenced from
either device, and ``ModifyReplicaSynchronization`` on it suspends (22),
resumes (15), fails over (10), fails back (11) or detaches (8) it.

Pairs are plain dicts -- ``{'source': end, 'target': end}`` with ``end``
``{'serial', 'system', 'device_id'}`` -- and the functions take the core
:class:`~vmax_flows.smis.client.ArrayClient` of the array the call is sent
to (either end's replication service accepts a pair's path).
"""

import re

import pywbem

from vmax_flows import exceptions
from vmax_flows.smis.connection import NAMESPACE
from vmax_flows.smis import paths

RDF_GROUP_CLASS = 'Symm_RemoteReplicationCollection'
SYNC_TYPE_MIRROR = 6
MODE_SYNCHRONOUS = 2
OPERATION_DETACH = 8
OPERATION_FAILOVER = 10
OPERATION_FAILBACK = 11
OPERATION_RESUME = 15
OPERATION_SUSPEND = 22
# SyncState of an SRDF pair (CIM_StorageSynchronized value map).
SYNC_STATE_SYNCHRONIZED = 6
SYNC_STATE_FAILED_OVER = 12
SYNC_STATE_SUSPENDED = 13
SYNC_STATE_COPYING = 15
_OPERATION_NAMES = {OPERATION_DETACH: 'detach',
                    OPERATION_FAILOVER: 'fail over',
                    OPERATION_FAILBACK: 'fail back',
                    OPERATION_RESUME: 'resume',
                    OPERATION_SUSPEND: 'suspend'}
_SYSTEM = re.compile(r'^SYMMETRIX(?:-\+-|\+)(\w+)$')


def serial_of(system_name):
    found = _SYSTEM.match(system_name or '')
    return found.group(1) if found else None


def find_rdf_groups(client):
    """Every RDF group of the client's array: ``[{'label', 'number',
    'remote_serial', 'instance_id'}]`` (numbers and the remote serial
    read from the InstanceID fixed by the contract)."""
    found = client.session.associators(
        client.info.service('ReplicationService'),
        result_class='CIM_ConnectivityCollection',
        property_list=['ElementName', 'InstanceID'])
    prefix = client.info.system_name + client.info.sep
    groups = []
    for group in found:
        instance_id = str(group.path.keybindings.get('InstanceID') or
                          group.get('InstanceID') or '')
        fields = instance_id[len(prefix):].split(client.info.sep) \
            if instance_id.startswith(prefix) else []
        groups.append({
            'label': str(group.get('ElementName') or ''),
            'number': int(fields[0]) if fields and fields[0].isdigit()
            else None,
            'remote_serial': fields[1] if len(fields) > 1 else None,
            'instance_id': instance_id})
    return groups


def rdf_group_path(rdf_group):
    return pywbem.CIMInstanceName(
        RDF_GROUP_CLASS, namespace=NAMESPACE,
        keybindings={'InstanceID': rdf_group['instance_id']})


def end(system_name, device_id):
    """One end of a pair: a device of the array named ``system_name``."""
    return {'serial': serial_of(system_name), 'system': system_name,
            'device_id': device_id}


def _volume(end_):
    return paths.volume(end_['system'], end_['device_id'])


def pair_path(pair):
    return pywbem.CIMInstanceName(
        paths.SYNC_CLASS, namespace=NAMESPACE,
        keybindings={'SystemElement': _volume(pair['source']),
                     'SyncedElement': _volume(pair['target'])})


def find_pair(client, device_id, remote_serial, remote_device_id):
    """The SRDF pair between the client's device ``device_id`` and device
    ``remote_device_id`` of array ``remote_serial``, whichever is R1; None
    when they are not paired (or the local device is gone)."""
    try:
        refs = client.session.reference_names(
            client.volume_path(device_id), result_class=paths.SYNC_CLASS)
    except exceptions.ObjectNotFound:
        return None
    wanted = {(client.info.serial, device_id),
              (remote_serial, remote_device_id)}
    for ref in refs:
        ends = []
        for role in ('SystemElement', 'SyncedElement'):
            path = ref.keybindings[role]
            ends.append(end(path.keybindings.get('SystemName'),
                            paths.device_id_of(path)))
        if {(e['serial'], e['device_id']) for e in ends} == wanted:
            return {'source': ends[0], 'target': ends[1]}
    return None


def pair_state(client, pair):
    """``{'sync_state', 'copy_state'}`` of a pair; None when it is gone."""
    try:
        instance = client.session.get_instance(
            pair_path(pair), ['SyncState', 'CopyState'])
    except exceptions.ObjectNotFound:
        return None
    return {'sync_state': _int(instance.get('SyncState')),
            'copy_state': _int(instance.get('CopyState'))}


def create_pair(client, source_id, remote_client, target_id, rdf_group):
    """SRDF/S pair: the client's device ``source_id`` (R1) with device
    ``target_id`` of the remote client's array (R2) in ``rdf_group``."""
    source = end(client.system_name, source_id)
    target = end(remote_client.system_name, target_id)
    what = 'pair device %s of array %s with device %s of array %s ' \
           'in RDF group %s' % (source_id, client.info.serial, target_id,
                                target['serial'], rdf_group['label'])
    client.call_with_job(
        'CreateElementReplica', client.info.service('ReplicationService'),
        what, SyncType=SYNC_TYPE_MIRROR, Mode=MODE_SYNCHRONOUS,
        SourceElement=_volume(source), TargetElement=_volume(target),
        ConnectivityCollection=rdf_group_path(rdf_group))
    return {'source': source, 'target': target}


def modify_pair(client, pair, operation, force=False):
    """Apply ``operation`` to an SRDF pair; False when it is gone."""
    what = '%s SRDF pair %s:%s -> %s:%s' % (
        _OPERATION_NAMES.get(operation, 'operation %s on' % operation),
        pair['source']['serial'], pair['source']['device_id'],
        pair['target']['serial'], pair['target']['device_id'])
    try:
        client.call_with_job(
            'ModifyReplicaSynchronization',
            client.info.service('ReplicationService'), what,
            Operation=operation, Synchronization=pair_path(pair),
            Force=force)
    except exceptions.ObjectNotFound:
        return False
    return True


def _int(value):
    return None if value is None else int(value)
