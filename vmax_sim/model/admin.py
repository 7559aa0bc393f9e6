"""Out-of-band actions: what an administrator with symcli does behind the
driver's back, for drift tests.

These act in steps, as an administrator would (e.g. deleting a device
first takes it out of its sessions and groups), and ignore change
sessions held by clients; they still refuse to name objects that do not
exist (:class:`~vmax_sim.model.errors.ObjectNotFound`).
"""

from vmax_sim.model import checks
from vmax_sim.model import errors
from vmax_sim.model import mutate
from vmax_sim.model import objects as o
from vmax_sim.model import replication


def delete_device(estate, serial, device_id):
    """Delete a device whatever it is part of: its copy sessions end
    (forced), its snapshots are terminated, it leaves every storage group
    (and so every view) and replication group, then it is deleted."""
    estate.tick()
    arr = checks.array(estate, serial)
    dev = checks.device(arr, device_id)
    for rel in estate.relationships_of(serial, device_id):
        _drop_relationship(estate, rel)
    for snap in list(arr.snapshots.get(device_id, ())):
        replication._remove_snapshot(estate, arr, snap)
    for sg_name in arr.groups_of_device(device_id):
        mutate.leave_sg(arr, arr.storage_groups[sg_name], device_id)
    mutate.remove_device(estate, arr, dev.device_id)


def _drop_relationship(estate, rel):
    for group_rel in list(estate.group_relationships.values()):
        if rel.rel_id in group_rel.member_rel_ids:
            group_rel.member_rel_ids.remove(rel.rel_id)
            if not group_rel.member_rel_ids:
                del estate.group_relationships[group_rel.group_rel_id]
    if rel.sync_type == o.SYNC_TYPE_MIRROR:
        mutate.remove_relationship(estate, rel.rel_id)
    else:
        replication._dissolve(estate, rel)


def rename_device(estate, serial, device_id, label):
    """Relabel a device."""
    arr = checks.array(estate, serial)
    checks.device(arr, device_id, allow_meta_member=True).label = label


def remove_from_storage_group(estate, serial, sg_name, device_id):
    """Take a device out of an SG (ignoring change sessions)."""
    arr = checks.array(estate, serial)
    sg = checks.storage_group(arr, sg_name)
    if sg_name not in arr._sgs_of_device.get(device_id, {}):
        raise errors.ArrayError(errors.device_not_in_group(device_id,
                                                           sg_name))
    mutate.leave_sg(arr, sg, device_id)


def add_to_storage_group(estate, serial, sg_name, device_id):
    """Put a device into an SG (ignoring change sessions; the FAST rule
    still holds, as it does for an administrator)."""
    arr = checks.array(estate, serial)
    sg = checks.storage_group(arr, sg_name)
    checks.device(arr, device_id)
    if sg_name in arr._sgs_of_device.get(device_id, {}):
        raise errors.ArrayError(errors.device_already_in_group(device_id,
                                                               sg_name))
    checks.fast_conflict(arr, device_id, sg)
    mutate.join_sg(arr, sg, device_id)


def delete_masking_view(estate, serial, name):
    arr = checks.array(estate, serial)
    checks.masking_view(arr, name)
    mutate.remove_view(arr, name)


def delete_group(estate, serial, kind, name):
    """Delete an SG / IG / PG: the views using it go first, its members
    are released."""
    arr = checks.array(estate, serial)
    checks.group(arr, kind, name)
    for view in arr.views_of_group(kind, name):
        mutate.remove_view(arr, view)
    mutate.remove_group(arr, kind, name)


def delete_storage_group(estate, serial, name):
    delete_group(estate, serial, o.KIND_SG, name)


def delete_initiator_group(estate, serial, name):
    delete_group(estate, serial, o.KIND_IG, name)


def set_port_online(estate, serial, port_name, online):
    """Take a port offline (``online=False``) or bring it back."""
    arr = checks.array(estate, serial)
    checks.port(arr, port_name).online = bool(online)


def hold_change_session(estate, serial, sg_name, seconds):
    """Hold a change session on an SG for ``seconds`` of clock time:
    client changes to it fail with the change-session message until
    then."""
    arr = checks.array(estate, serial)
    sg = checks.storage_group(arr, sg_name)
    sg.session_held_until = estate.clock.now() + seconds


def release_change_session(estate, serial, sg_name):
    arr = checks.array(estate, serial)
    checks.storage_group(arr, sg_name).session_held_until = None


def set_licence(estate, serial, feature, granted):
    """Grant or revoke a licence ('snapvx', 'clone', 'srdf')."""
    arr = checks.array(estate, serial)
    arr.licences[feature] = bool(granted)


def set_pool_capacity(estate, serial, pool_name, total_bytes):
    """Change a pool's total capacity (e.g. to make it nearly full)."""
    arr = checks.array(estate, serial)
    checks.pool(arr, pool_name).total_bytes = int(total_bytes)


def set_rdf_group_online(estate, serial, number, online):
    arr = checks.array(estate, serial)
    checks.rdf_group(arr, number).online = bool(online)
