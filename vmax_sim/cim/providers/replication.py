"""Replication service: SnapVX, clones, SRDF pairs, replication groups and
their replicas, and the default replication setting data."""

import pywbem

from vmax_sim.cim import assocs
from vmax_sim.cim import errors
from vmax_sim.cim import invocation as inv
from vmax_sim.cim import kinds
from vmax_sim.model import objects as o
from vmax_sim.model import ops

TARGET_CREATED_BY_ARRAY = 2      # TargetElementSupplier "Create New"


def _relationship_keys(rel):
    """Element keys of the two volumes of a relationship, target first."""
    return [o.ElementKey(o.KIND_DEVICE, rel.target_serial,
                         rel.target_device),
            o.ElementKey(o.KIND_DEVICE, rel.source_serial,
                         rel.source_device)]


def _with_target(create):
    """Wrap an action returning a new Relationship so the job is also
    associated with the target volume: clients take the replica from
    ``Associators(job, ResultClass='EMC_StorageVolume')``, so the source
    is deliberately left out."""
    def action():
        rel = create()
        return [rel, _relationship_keys(rel)[0]]
    return action


def _pair_out(call):
    def outputs(result):
        rel = result[0]
        out = {'TargetElement': call.volume_path(rel.target_serial,
                                                 rel.target_device)}
        source = call.engine.resolve(call.params['SourceElement'])
        target = call.engine.resolve(out['TargetElement'])
        out['Synchronization'] = assocs.Link(
            assocs.STORAGE_SYNCHRONIZED,
            {'SystemElement': source, 'SyncedElement': target},
            None).path()
        return out
    return outputs


def create_element_replica(call):
    """CreateElementReplica: SyncType 7 SnapVX (VMAX3), 8 clone, 6 SRDF
    pair with ConnectivityCollection."""
    sync_type = inv.uint(call.require('SyncType'))
    inv.check_value('SyncType', sync_type,
                    (o.SYNC_TYPE_MIRROR, o.SYNC_TYPE_SNAPSHOT,
                     o.SYNC_TYPE_CLONE))
    source = call.ref('SourceElement', (kinds.VOLUME,), required=True)
    estate, serial = call.estate, call.serial
    source_id = source.item.device_id
    wait = inv.uint(call.get('WaitForCopyState')) == inv.WAIT_SYNCHRONIZED
    if sync_type == o.SYNC_TYPE_MIRROR:
        group = call.ref('ConnectivityCollection', (kinds.RDF_GROUP,),
                         required=True)
        target = call.ref('TargetElement', (kinds.VOLUME,), required=True,
                          same_array=False)
        mode = inv.uint(call.get('Mode', o.MODE_SYNCHRONOUS))
        inv.check_value('Mode', mode, (o.MODE_SYNCHRONOUS,
                                       o.MODE_ASYNCHRONOUS))
        create = (lambda: ops.create_srdf_pair(
            estate, serial, source_id, target.array.serial,
            target.item.device_id, group.item.number, mode=mode))
        return call.run_job(_with_target(create), _pair_out(call),
                            wait_sync=wait)
    target = call.ref('TargetElement', (kinds.VOLUME,))
    target_id = target.item.device_id if target is not None else None
    groups = call.refs('Collections', (kinds.SG,))
    target_sg = groups[0].item.name if groups else None
    name = call.get('ElementName')
    if sync_type == o.SYNC_TYPE_SNAPSHOT:
        if name is None:
            raise errors.invalid_parameter(
                'A SnapVX snapshot needs an ElementName')
        settings = call.embedded('ReplicationSettingData')
        if target is None and inv.uint(settings.get(
                'targetelementsupplier')) != TARGET_CREATED_BY_ARRAY:
            raise errors.invalid_parameter(
                'SyncType 7 needs a TargetElement, or '
                'ReplicationSettingData with TargetElementSupplier=2')
        create = (lambda: ops.create_snapvx_replica(
            estate, serial, source_id, name, target=target_id,
            target_label=name, target_storage_group=target_sg))
    else:
        pool = call.ref('TargetPool', kinds.POOLS)
        pool_name = pool.item.name if pool is not None else None
        create = (lambda: ops.create_clone(
            estate, serial, source_id, target=target_id, target_label=name,
            target_storage_group=target_sg, target_pool=pool_name))
    return call.run_job(_with_target(create), _pair_out(call),
                        wait_sync=wait)


def _synchronization(call):
    """The relationship (``('pair', rel)``) or group relationship
    (``('group', group_rel)``) a Synchronization reference names."""
    path = call.require('Synchronization')
    link = call.engine.resolve(path)
    if not isinstance(link, assocs.Link):
        raise errors.invalid_parameter(
            'Synchronization must name a synchronization association')
    source = link.ends['SystemElement']
    target = link.ends['SyncedElement']
    if call.array not in (source.array, target.array):
        raise errors.invalid_parameter(
            'Synchronization %s does not involve array %s'
            % (path.classname, call.serial))
    if link.assoc is assocs.STORAGE_SYNCHRONIZED:
        rel = call.estate.relationship_between(
            (source.array.serial, source.item.device_id),
            (target.array.serial, target.item.device_id))
        if rel is None:
            raise errors.not_found(path)
        return 'pair', rel
    if link.assoc is assocs.GROUP_SYNCHRONIZED:
        for group_rel in call.estate.group_relationships.values():
            if (group_rel.serial == source.array.serial and
                    group_rel.source_group == source.item.name and
                    group_rel.target_group == target.item.name):
                return 'group', group_rel
        raise errors.not_found(path)
    raise errors.invalid_parameter(
        'Synchronization must name a synchronization association')


def modify_replica_synchronization(call):
    """ModifyReplicaSynchronization: 8 Detach, 9 Dissolve, 10 Failover,
    11 Failback, 15 Resync, 22 Suspend (groups: 8 and 9)."""
    operation = inv.uint(call.require('Operation'))
    force = inv.is_true(call.get('Force'))
    wait = inv.uint(call.get('WaitForCopyState')) == inv.WAIT_SYNCHRONIZED
    what, rel = _synchronization(call)
    estate = call.estate
    if what == 'pair':
        rel_id = rel.rel_id
        affected = _relationship_keys(rel)
        return call.run_job(
            lambda: ops.modify_synchronization(estate, rel_id, operation,
                                               force),
            affected=affected, wait_sync=wait,
            sync_rel_ids=[rel_id] if wait else [])
    group_rel_id = rel.group_rel_id
    affected = [o.ElementKey(o.KIND_RG, rel.serial, rel.target_group)]
    return call.run_job(
        lambda: ops.modify_group_synchronization(estate, group_rel_id,
                                                 operation, force),
        affected=affected, sync_rel_ids=[])


def _rg_out(call):
    def outputs(result):
        return {'ReplicationGroup': kinds.RG.node(call.array,
                                                  result).path()}
    return outputs


def _volume_ids(call, required):
    nodes = call.refs('Members', (kinds.VOLUME,), required)
    return [n.item.device_id for n in nodes], [inv.volume_key(n)
                                               for n in nodes]


def create_replication_group(call):
    name = call.require('GroupName')
    members, _keys = _volume_ids(call, False)
    return call.run_job(
        lambda: ops.create_replication_group(call.estate, call.serial, name,
                                             members),
        _rg_out(call))


def delete_replication_group(call):
    group = call.ref('ReplicationGroup', (kinds.RG,), required=True)
    remove = inv.is_true(call.get('RemoveElements'))
    name = group.item.name
    return call.run_job(lambda: ops.delete_replication_group(
        call.estate, call.serial, name, remove_elements=remove))


def _change_rg_members(call, change):
    group = call.ref('ReplicationGroup', (kinds.RG,), required=True)
    members, keys = _volume_ids(call, True)
    name = group.item.name
    return call.run_job(
        lambda: change(call.estate, call.serial, name, members),
        affected=keys)


def add_replication_group_members(call):
    return _change_rg_members(call, ops.add_replication_group_members)


def remove_replication_group_members(call):
    return _change_rg_members(call, ops.remove_replication_group_members)


def create_group_replica(call):
    """CreateGroupReplica: member i of SourceGroup to member i of
    TargetGroup, SyncType 7 (SnapVX, one point in time) or 8 (clone)."""
    name = call.require('RelationshipName')
    source = call.ref('SourceGroup', (kinds.RG,), required=True)
    target = call.ref('TargetGroup', (kinds.RG,), required=True)
    sync_type = inv.uint(call.get('SyncType', o.SYNC_TYPE_SNAPSHOT))
    inv.check_value('SyncType', sync_type, (o.SYNC_TYPE_SNAPSHOT,
                                            o.SYNC_TYPE_CLONE))
    wait = inv.uint(call.get('WaitForCopyState')) == inv.WAIT_SYNCHRONIZED
    estate, serial = call.estate, call.serial
    names = (source.item.name, target.item.name)

    def action():
        group_rel = ops.create_group_replica(estate, serial, name, *names,
                                             sync_type=sync_type)
        return [group_rel, o.ElementKey(o.KIND_RG, serial, names[1])]

    def outputs(result):
        source_node = kinds.RG.node(call.array,
                                    call.array.replication_groups[names[0]])
        target_node = kinds.RG.node(call.array,
                                    call.array.replication_groups[names[1]])
        return {'Synchronization': assocs.Link(
            assocs.GROUP_SYNCHRONIZED,
            {'SystemElement': source_node, 'SyncedElement': target_node},
            None).path()}
    return call.run_job(action, outputs, wait_sync=wait)


def default_replication_setting_data(call):
    """GetDefaultReplicationSettingData: an SE_ReplicationSettingData
    embedded instance the client adjusts and passes back."""
    replication_type = inv.uint(call.require('ReplicationType'))
    setting = pywbem.CIMInstance('SE_ReplicationSettingData', properties=[
        pywbem.CIMProperty('ElementName', 'Default replication settings',
                           type='string'),
        pywbem.CIMProperty('InstanceID', '%s%sRSD%s%d' % (
            call.array.system_name, call.array.separator,
            call.array.separator, replication_type), type='string'),
        pywbem.CIMProperty('TargetElementSupplier', pywbem.Uint16(0)),
        pywbem.CIMProperty('DesiredCopyMethodology', pywbem.Uint16(0)),
        pywbem.CIMProperty('ConsistentPointInTime', pywbem.Uint16(0)),
    ])
    return call.done({'DefaultInstance': setting})


PROVIDERS = {
    (kinds.RS, 'CreateElementReplica'): create_element_replica,
    (kinds.RS, 'ModifyReplicaSynchronization'):
        modify_replica_synchronization,
    (kinds.RS, 'CreateGroup'): create_replication_group,
    (kinds.RS, 'DeleteGroup'): delete_replication_group,
    (kinds.RS, 'AddMembers'): add_replication_group_members,
    (kinds.RS, 'RemoveMembers'): remove_replication_group_members,
    (kinds.RS, 'CreateGroupReplica'): create_group_replica,
    (kinds.REPL_CAPS, 'GetDefaultReplicationSettingData'):
        default_replication_setting_data,
}
