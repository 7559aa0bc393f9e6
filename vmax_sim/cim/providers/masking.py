"""Controller configuration (masking groups and views, cascaded storage
groups, MoveMembers) and hardware ID management."""

from vmax_sim.cim import errors
from vmax_sim.cim import invocation as inv
from vmax_sim.cim import kinds
from vmax_sim.model import objects as o
from vmax_sim.model import ops

GROUP_TYPES = {2: (kinds.IG, o.KIND_IG), 3: (kinds.PG, o.KIND_PG),
               4: (kinds.SG, o.KIND_SG)}
_MODEL_KIND = {kinds.SG.name: o.KIND_SG, kinds.IG.name: o.KIND_IG,
               kinds.PG.name: o.KIND_PG}
PORT_KINDS = (kinds.ISCSI_EP, kinds.FC_EP)


def _sg_members(call, required=False):
    """Members of a storage group: volumes, or (a parent SG) child storage
    groups -- never both in one call.  Returns (child SG names or None,
    DeviceIDs, affected keys)."""
    nodes = call.refs('Members', (kinds.VOLUME, kinds.SG), required)
    groups = [n for n in nodes if n.kind is kinds.SG]
    if not groups:
        return None, [n.item.device_id for n in nodes], [
            inv.volume_key(n) for n in nodes]
    if len(groups) != len(nodes):
        raise errors.invalid_parameter(
            'Parameter Members of method %s: volumes and storage groups '
            'cannot be mixed' % call.methodname)
    return [n.item.name for n in groups], [], [inv.group_key(n)
                                               for n in groups]


def _member_ids(call, model_kind, required=False):
    """Initiator storage ids (IG) or port names (PG) named by
    ``Members``."""
    if model_kind == o.KIND_IG:
        nodes = call.refs('Members', (kinds.HWID,), required)
        return [n.item.storage_id for n in nodes], []
    nodes = call.refs('Members', PORT_KINDS, required)
    return [n.item.name for n in nodes], []


def _group_out(call, group_kind, out_name):
    def outputs(result):
        return {out_name: group_kind.node(call.array, result).path()}
    return outputs


def _fast_setting(call):
    """SRP, SLO, workload and FAST policy from the CreateGroup parameters;
    on VMAX3 EMCFastSetting ``<SLO>+<Workload>`` stands for EMCSLO and
    EMCWorkload when those are absent."""
    srp = call.get('EMCSRP') or None
    slo = call.get('EMCSLO') or None
    workload = call.get('EMCWorkload') or None
    setting = call.get('EMCFastSetting') or None
    policy = None
    if setting:
        if call.array.is_vmax3:
            if slo is None:
                slo, _, wl = setting.partition('+')
                workload = workload or wl or None
        else:
            policy = setting
    return srp, slo, workload, policy


def create_group(call):
    """CreateGroup: Type 2 initiator group, 3 port group, 4 storage
    group."""
    name = call.require('GroupName')
    group_type = inv.uint(call.require('Type'))
    inv.check_value('Type', group_type, tuple(GROUP_TYPES))
    group_kind, model_kind = GROUP_TYPES[group_type]
    estate, serial = call.estate, call.serial
    if model_kind == o.KIND_SG:
        children, members, affected = _sg_members(call)
        srp, slo, workload, policy = _fast_setting(call)
        compression_off = inv.is_true(call.get('EMCDisableCompression'))

        def action():
            return ops.create_storage_group(
                estate, serial, name, srp=srp, slo=slo, workload=workload,
                disable_compression=compression_off, fast_policy=policy,
                members=members, children=children or ())
    else:
        members, affected = _member_ids(call, model_kind)
        create = (ops.create_initiator_group if model_kind == o.KIND_IG
                  else ops.create_port_group)

        def action():
            return create(estate, serial, name, members)
    return call.run_job(action, _group_out(call, group_kind,
                                           'MaskingGroup'),
                        affected=affected)


def _masking_group(call):
    group = call.ref('MaskingGroup', (kinds.SG, kinds.IG, kinds.PG),
                     required=True)
    return group, _MODEL_KIND[group.kind.name]


def delete_group(call):
    group, model_kind = _masking_group(call)
    force = inv.is_true(call.get('Force'))
    name = group.item.name
    return call.run_job(lambda: ops.delete_group(
        call.estate, call.serial, model_kind, name, force))


def _change_members(call, change, change_children):
    """AddMembers / RemoveMembers: volumes, initiators or ports -- or,
    on a storage group, child storage groups (cascading)."""
    group, model_kind = _masking_group(call)
    name = group.item.name
    if model_kind != o.KIND_SG:
        members, affected = _member_ids(call, model_kind, required=True)
        return call.run_job(
            lambda: change(call.estate, call.serial, model_kind, name,
                           members), affected=affected, locks=[])
    children, members, affected = _sg_members(call, required=True)
    if children is None:
        return call.run_job(
            lambda: change(call.estate, call.serial, model_kind, name,
                           members), affected=affected, locks=[name])
    return call.run_job(
        lambda: change_children(call.estate, call.serial, name, children),
        affected=affected, locks=[name] + children)


def add_members(call):
    return _change_members(call, ops.add_members, ops.add_child_groups)


def remove_members(call):
    return _change_members(call, ops.remove_members,
                           ops.remove_child_groups)


def move_members(call):
    """MoveMembers: volumes from one storage group to another of the same
    array, keeping host access; the job holds both groups' change
    sessions."""
    nodes = call.refs('Members', (kinds.VOLUME,), required=True)
    source = call.ref('SourceMaskingGroup', (kinds.SG,), required=True)
    target = call.ref('TargetMaskingGroup', (kinds.SG,), required=True)
    devices = [n.item.device_id for n in nodes]
    names = (source.item.name, target.item.name)
    return call.run_job(
        lambda: ops.move_members(call.estate, call.serial, names[0],
                                 names[1], devices),
        affected=[inv.volume_key(n) for n in nodes], locks=list(names))


def create_masking_view(call):
    name = call.require('ElementName')
    ig = call.ref('InitiatorMaskingGroup', (kinds.IG,), required=True)
    sg = call.ref('DeviceMaskingGroup', (kinds.SG,), required=True)
    pg = call.ref('TargetMaskingGroup', (kinds.PG,), required=True)
    names = (sg.item.name, ig.item.name, pg.item.name)
    return call.run_job(
        lambda: ops.create_masking_view(call.estate, call.serial, name,
                                        *names),
        _group_out(call, kinds.VIEW, 'ProtocolController'),
        locks=[sg.item.name])


def delete_masking_view(call):
    view = call.ref('ProtocolController', (kinds.VIEW,), required=True)
    name = view.item.name
    return call.run_job(lambda: ops.delete_masking_view(
        call.estate, call.serial, name), locks=[view.item.storage_group])


def create_hardware_id(call):
    """CreateStorageHardwareID: synchronous, answers ``HardwareID``."""
    storage_id = call.require('StorageID')
    id_type = inv.uint(call.get('IDType'))
    if id_type is None:
        id_type = (o.ID_TYPE_ISCSI if '.' in storage_id
                   else o.ID_TYPE_WWPN)
    inv.check_value('IDType', id_type, (o.ID_TYPE_WWPN, o.ID_TYPE_ISCSI))
    hwid = ops.create_hardware_id(call.estate, call.serial, storage_id,
                                  id_type, call.get('ElementName', ''))
    return call.done(
        {'HardwareID': kinds.HWID.node(call.array, hwid).path()})


def delete_hardware_id(call):
    hwid = call.ref('HardwareID', (kinds.HWID,), required=True)
    ops.delete_hardware_id(call.estate, call.serial, hwid.item.storage_id)
    return call.done()


PROVIDERS = {
    (kinds.CCS, 'CreateGroup'): create_group,
    (kinds.CCS, 'DeleteGroup'): delete_group,
    (kinds.CCS, 'AddMembers'): add_members,
    (kinds.CCS, 'RemoveMembers'): remove_members,
    (kinds.CCS, 'MoveMembers'): move_members,
    (kinds.CCS, 'CreateMaskingView'): create_masking_view,
    (kinds.CCS, 'DeleteMaskingView'): delete_masking_view,
    (kinds.HWID_SERVICE, 'CreateStorageHardwareID'): create_hardware_id,
    (kinds.HWID_SERVICE, 'DeleteStorageHardwareID'): delete_hardware_id,
}
