"""Storage configuration: create / extend / delete / unbind volumes, pool
size ranges, VMAX2 metas, relocation and FAST policy rules."""

from vmax_sim.cim import errors
from vmax_sim.cim import invocation as inv
from vmax_sim.cim import kinds
from vmax_sim.cim import model_extras
from vmax_sim.model import objects as o
from vmax_sim.model import ops

THIN_ELEMENT_TYPES = (5, 32768)     # thin volume, EMC thin composite
THICK_ELEMENT_TYPES = (2, 3)        # VMAX2 plain / thick volume
COMPOSITE_STRIPED = 3


def _volume_out(call, with_size=True):
    def outputs(result):
        dev = result[0] if isinstance(result, list) else result
        out = {'TheElement': call.volume_path(call.serial, dev.device_id)}
        if with_size:
            out['Size'] = dev.size_bytes
        return out
    return outputs


def create_or_modify_element(call):
    """CreateOrModifyElementFromStoragePool on the configuration service."""
    element = call.ref('TheElement', (kinds.VOLUME,))
    if element is not None:
        size = call.require('Size')
        device_id = element.item.device_id
        return call.run_job(
            lambda: ops.extend_volume(call.estate, call.serial, device_id,
                                      int(size)),
            _volume_out(call))
    size = int(call.require('Size'))
    element_type = inv.uint(call.get('ElementType', 5))
    inv.check_value('ElementType', element_type,
                    THIN_ELEMENT_TYPES + THICK_ELEMENT_TYPES)
    if call.array.is_vmax3 and element_type not in THIN_ELEMENT_TYPES:
        raise errors.failed('ElementType %d is not supported on VMAX3 '
                            'array %s: devices are thin' %
                            (element_type, call.serial))
    pool = call.ref('InPool', kinds.POOLS)
    groups = call.refs('EMCCollections', (kinds.SG,))
    if len(groups) > 1:
        raise errors.invalid_parameter(
            'EMCCollections: a device is created into one storage group')
    call.ref('Goal', (kinds.SETTING,))
    count = inv.uint(call.get('EMCNumberOfDevices', 1))
    placement = {
        'storage_group': groups[0].item.name if groups else None,
        'pool': pool.item.name if pool is not None else None,
        'thin': element_type in THIN_ELEMENT_TYPES,
        'bind': call.get('EMCBindElements', True) is not False,
    }
    label = call.get('ElementName', '')
    affected = [inv.group_key(g) for g in groups]
    if count == 1:
        def action():
            return ops.create_volume(call.estate, call.serial, label, size,
                                     **placement)
    else:
        def action():
            return ops.create_volumes(call.estate, call.serial, label, size,
                                      count, **placement)
    return call.run_job(action, _volume_out(call), affected=affected)


def return_elements(call):
    """ReturnElementsToStoragePool: delete devices."""
    volumes = call.refs('TheElements', (kinds.VOLUME,), required=True)
    ids = [v.item.device_id for v in volumes]
    return call.run_job(
        lambda: ops.delete_volumes(call.estate, call.serial, ids))


def unbind_element(call):
    """EMCUnBindElement (VMAX2)."""
    volume = call.ref('TheElement', (kinds.VOLUME,), required=True)
    device_id = volume.item.device_id
    return call.run_job(
        lambda: ops.unbind_volume(call.estate, call.serial, device_id))


def supported_size_range(call):
    """GetSupportedSizeRange on a pool; with a Goal setting the remaining
    capacity is the service level's (EMCInformationSource 3)."""
    pool = call.node.item
    goal = call.ref('Goal', (kinds.SETTING,))
    slo = workload = None
    if goal is not None:
        goal_pool, slo, workload = goal.item
        if goal_pool.name != pool.name:
            raise errors.invalid_parameter(
                'Goal %s:%s belongs to pool %s, not %s'
                % (slo, workload, goal_pool.name, pool.name))
    size_range = ops.supported_size_range(call.estate, call.serial,
                                          pool.name, slo, workload)
    return call.done({
        'MinimumVolumeSize': size_range.minimum,
        'MaximumVolumeSize': size_range.maximum,
        'VolumeSizeDivisor': size_range.divisor,
        'EMCInformationSource': 3 if pool.kind == o.POOL_SRP else 1,
        'EMCRemainingSLOCapacity': size_range.remaining_bytes})


def composite_element(call):
    """CreateOrModifyCompositeElement (VMAX2 metas): a new meta of
    EMCNumberOfMembers members, or TheElement grown by InElements (or
    InElements[0] made the head of the others)."""
    head = call.ref('TheElement', (kinds.VOLUME,))
    members = call.refs('InElements', (kinds.VOLUME,))
    striped = inv.uint(call.get('CompositeType')) == COMPOSITE_STRIPED
    if head is None and members:
        head, members = members[0], members[1:]
    if head is not None:
        if not members:
            raise errors.invalid_parameter(
                'CreateOrModifyCompositeElement needs InElements to add to '
                'TheElement')
        head_id = head.item.device_id
        member_ids = [m.item.device_id for m in members]
        return call.run_job(
            lambda: ops.compose_meta(call.estate, call.serial, head_id,
                                     member_ids, striped=striped),
            _volume_out(call, with_size=False))
    size = int(call.require('Size'))
    pools = call.refs('EMCInPools', kinds.POOLS)
    element_type = inv.uint(call.get('ElementType', 32768))
    count = inv.uint(call.get('EMCNumberOfMembers'))
    label = call.get('ElementName', '')
    pool = pools[0].item.name if pools else None
    return call.run_job(
        lambda: ops.create_volume(
            call.estate, call.serial, label, size, pool=pool,
            thin=element_type in THIN_ELEMENT_TYPES,
            member_count=count if count and count > 1 else None,
            striped=striped),
        _volume_out(call, with_size=False))


def composite_elements(call):
    """GetCompositeElements: the head followed by its members."""
    head = call.ref('TheElement', (kinds.VOLUME,), required=True)
    ids = [head.item.device_id] + list(head.item.meta_members)
    return call.done({'OutElements': [call.volume_path(call.serial, i)
                                      for i in ids]})


def relocate_volumes(call):
    """RelocateStorageVolumesToStoragePool (VMAX2 pool migration)."""
    volumes = call.refs('TheElements', (kinds.VOLUME,), required=True)
    pool = call.ref('TargetPool', (kinds.THIN_POOL,), required=True)
    ids = [v.item.device_id for v in volumes]
    return call.run_job(
        lambda: model_extras.relocate_volumes(call.estate, call.serial, ids,
                                              pool.item.name),
        affected=[inv.volume_key(v) for v in volumes])


def request_state_change(call):
    """RequestStateChange: only 32769 on a volume (end a VMAX2 migration
    session) is supported; the simulator keeps no migration sessions, so
    it completes with nothing to change."""
    state = inv.uint(call.require('RequestedState'))
    if call.node.kind is not kinds.VOLUME or state != 32769:
        return inv.RC_NOT_SUPPORTED, {}
    return call.run_job(None, affected=[inv.volume_key(call.node)])


def modify_tier_policy_rule(call):
    """ModifyStorageTierPolicyRule: Operation 5 puts storage groups under
    the FAST policy, 6 takes them out."""
    rule = call.ref('PolicyRule', (kinds.POLICY_RULE,), required=True)
    operation = inv.uint(call.require('Operation'))
    inv.check_value('Operation', operation, (5, 6))
    groups = call.refs('InElements', (kinds.SG,), required=True)
    change = (ops.associate_fast_policy if operation == 5
              else ops.disassociate_fast_policy)
    names = [g.item.name for g in groups]

    def action():
        return [change(call.estate, call.serial, name, rule.item.name)
                for name in names]
    return call.run_job(action)


PROVIDERS = {
    (kinds.SCS, 'CreateOrModifyElementFromStoragePool'):
        create_or_modify_element,
    (kinds.SCS, 'ReturnElementsToStoragePool'): return_elements,
    (kinds.SCS, 'EMCUnBindElement'): unbind_element,
    (kinds.SRP, 'GetSupportedSizeRange'): supported_size_range,
    (kinds.THIN_POOL, 'GetSupportedSizeRange'): supported_size_range,
    (kinds.ECS, 'CreateOrModifyCompositeElement'): composite_element,
    (kinds.ECS, 'GetCompositeElements'): composite_elements,
    (kinds.RELOCATION, 'RelocateStorageVolumesToStoragePool'):
        relocate_volumes,
    (kinds.VOLUME, 'RequestStateChange'): request_state_change,
    (kinds.TIER_SERVICE, 'ModifyStorageTierPolicyRule'):
        modify_tier_policy_rule,
}
