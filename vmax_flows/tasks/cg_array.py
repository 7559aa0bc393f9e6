"""SMI-S primitives for replication (consistency) groups and group replicas.

Consistency groups, generic volume groups with consistent snapshots and
their snapshots live on the array as ``SE_ReplicationGroup`` objects of the
replication service (see ``doc/source/cim-surface.rst``): ``CreateGroup``,
``DeleteGroup``, ``AddMembers`` and ``RemoveMembers`` change them, and
``CreateGroupReplica`` copies every member of one group to the member of
the same position in another, all at one point in time.

These functions sit on top of the core
:class:`~vmax_flows.smis.client.ArrayClient` (its session, cached discovery
facts and job handling) and, like its methods, take and return plain data
(group names, device ids, dicts), so task results stay JSON.
"""

import pywbem

from vmax_flows import exceptions
from vmax_flows.smis.connection import NAMESPACE
from vmax_flows.smis import params as cim
from vmax_flows.smis import paths

GROUP_CLASS = 'SE_ReplicationGroup'
GROUP_SYNC_CLASS = 'SE_GroupSynchronized_RG_RG'
MEMBER_ASSOCIATION = 'CIM_OrderedMemberOfCollection'


def group_path(client, name):
    return paths.masking_group(client.info.system_name, client.info.sep,
                               name, classname=GROUP_CLASS)


def group_sync_path(client, source, target):
    return pywbem.CIMInstanceName(
        GROUP_SYNC_CLASS, namespace=NAMESPACE,
        keybindings={'SystemElement': group_path(client, source),
                     'SyncedElement': group_path(client, target)})


def _replication_service(client):
    return client.info.service('ReplicationService')


def _name_of(client, instance_name):
    instance_id = instance_name.keybindings.get('InstanceID', '')
    prefix = client.info.system_name + client.info.sep
    if instance_id.startswith(prefix):
        return instance_id[len(prefix):]
    return paths.last_field(instance_id, client.info.sep)


def group_members(client, name):
    """Device ids of the group's members in membership order (the order
    ``CreateGroupReplica`` pairs them in); None when there is no such
    group."""
    try:
        names = client.session.associator_names(
            group_path(client, name), assoc_class=MEMBER_ASSOCIATION,
            result_class=paths.VOLUME_CLASS)
    except exceptions.ObjectNotFound:
        return None
    return [paths.device_id_of(n) for n in names]


def find_group_named_after(client, object_id):
    """Name of a replication group whose name contains ``object_id`` (the
    2.x driver named groups ``<display name>_<uuid>``); None if none."""
    for name in client.session.associator_names(
            _replication_service(client), result_class=GROUP_CLASS):
        group_name = _name_of(client, name)
        if object_id in group_name:
            return group_name
    return None


def create_group(client, name):
    """Create an empty replication group; True if this call created it,
    False if it already existed (a concurrent or earlier attempt)."""
    what = 'create replication group %s' % name
    try:
        client.call_with_job('CreateGroup', _replication_service(client),
                             what, GroupName=name)
    except exceptions.ArrayRuleError:
        if group_members(client, name) is not None:
            return False
        raise
    return True


def delete_group(client, name):
    """Delete a replication group, releasing (not deleting) its members;
    False when it was already gone."""
    what = 'delete replication group %s' % name
    try:
        client.call_with_job('DeleteGroup', _replication_service(client),
                             what, ReplicationGroup=group_path(client, name),
                             RemoveElements=True)
    except exceptions.ObjectNotFound:
        return False
    return True


def add_members(client, name, device_ids):
    client.call_with_job(
        'AddMembers', _replication_service(client),
        'add device(s) %s to replication group %s'
        % (', '.join(device_ids), name),
        Members=[client.volume_path(d) for d in device_ids],
        ReplicationGroup=group_path(client, name))


def remove_members(client, name, device_ids):
    client.call_with_job(
        'RemoveMembers', _replication_service(client),
        'remove device(s) %s from replication group %s'
        % (', '.join(device_ids), name),
        Members=[client.volume_path(d) for d in device_ids],
        ReplicationGroup=group_path(client, name))


def create_group_replica(client, relationship_name, source, target,
                         sync_type, wait_for_copy):
    """Copy member i of group ``source`` to member i of group ``target``
    at one point in time: SnapVX (SyncType 7, one snapshot per member
    named ``relationship_name``, linked with copy) or TimeFinder clone
    (SyncType 8)."""
    what = 'replicate group %s to group %s (%s)' % (
        source, target, 'SnapVX' if sync_type == cim.SYNC_TYPE_SNAPSHOT
        else 'clone')
    client.call_with_job(
        'CreateGroupReplica', _replication_service(client), what,
        RelationshipName=relationship_name,
        SourceGroup=group_path(client, source),
        TargetGroup=group_path(client, target), SyncType=sync_type,
        WaitForCopyState=cim.COPY_STATE_SYNCHRONIZED if wait_for_copy
        else None)


def group_replica(client, source, target):
    """``{'copy_state', 'sync_type', 'relationship_name'}`` of the group
    replica from ``source`` to ``target``, or None when there is none."""
    try:
        instance = client.session.get_instance(
            group_sync_path(client, source, target),
            ['CopyState', 'SyncType', 'RelationshipName'])
    except exceptions.ObjectNotFound:
        return None
    return {'copy_state': _int(instance.get('CopyState')),
            'sync_type': _int(instance.get('SyncType')),
            'relationship_name': instance.get('RelationshipName')}


def modify_group_replica(client, source, target, operation, force=False):
    """Dissolve (9) or detach (8) a group replica (every member pair
    ends); False when it was already gone."""
    what = '%s group replica %s -> %s' % (
        'dissolve' if operation == cim.OPERATION_DISSOLVE else 'detach',
        source, target)
    try:
        client.call_with_job(
            'ModifyReplicaSynchronization', _replication_service(client),
            what, Operation=operation,
            Synchronization=group_sync_path(client, source, target),
            Force=force)
    except exceptions.ObjectNotFound:
        return False
    return True


def wait_for_group_copy(client, source, target, progress=None):
    """Bounded wait until the group replica's CopyState is Synchronized."""
    return client.waiter.wait_for_copy(
        group_sync_path(client, source, target),
        'copy group %s to group %s' % (source, target), progress=progress)


def _int(value):
    return None if value is None else int(value)
