"""Look-ups and rule checks shared by the operations.

Each function either returns what it looked up or raises
:class:`~vmax_sim.model.errors.ArrayError`; none changes state.  The
operations run all their checks before their first change, which is what
makes them atomic.
"""

from vmax_sim.model import errors
from vmax_sim.model import objects as o


def array(estate, serial):
    return estate.array(serial)


def _get(collection, kind, name, serial):
    try:
        return collection[name]
    except (KeyError, TypeError):
        raise errors.ObjectNotFound(errors.not_found(kind, name, serial))


def device(arr, device_id, allow_meta_member=False):
    dev = _get(arr.devices, o.KIND_DEVICE, device_id, arr.serial)
    if dev.is_meta_member and not allow_meta_member:
        raise errors.ArrayError(
            errors.meta_member_not_allowed(device_id, dev.meta_head),
            errors.CODE_INVALID)
    return dev


def pool(arr, name, kind=None):
    found = _get(arr.pools, o.KIND_POOL, name, arr.serial)
    if kind is not None and found.kind != kind:
        raise errors.ArrayError(errors.pool_kind_mismatch(name, kind),
                                errors.CODE_INVALID)
    return found


def storage_group(arr, name):
    return _get(arr.storage_groups, o.KIND_SG, name, arr.serial)


def initiator_group(arr, name):
    return _get(arr.initiator_groups, o.KIND_IG, name, arr.serial)


def port_group(arr, name):
    return _get(arr.port_groups, o.KIND_PG, name, arr.serial)


def group(arr, kind, name):
    """A masking group of ``kind`` (KIND_SG / KIND_IG / KIND_PG)."""
    return _get(group_collection(arr, kind), kind, name, arr.serial)


def group_collection(arr, kind):
    try:
        return {o.KIND_SG: arr.storage_groups,
                o.KIND_IG: arr.initiator_groups,
                o.KIND_PG: arr.port_groups}[kind]
    except KeyError:
        raise ValueError('unknown group kind %r' % kind)


def masking_view(arr, name):
    return _get(arr.masking_views, o.KIND_VIEW, name, arr.serial)


def hardware_id(arr, storage_id):
    return _get(arr.hardware_ids, o.KIND_HWID,
                normalise_storage_id(storage_id), arr.serial)


def port(arr, name):
    return _get(arr.ports, o.KIND_PORT, name, arr.serial)


def replication_group(arr, name):
    return _get(arr.replication_groups, o.KIND_RG, name, arr.serial)


def rdf_group(arr, number):
    return _get(arr.rdf_groups, o.KIND_RDF_GROUP, int(number), arr.serial)


def fast_policy(arr, name):
    return _get(arr.fast_policies, o.KIND_FAST_POLICY, name, arr.serial)


def relationship(estate, rel_id):
    try:
        return estate.relationships[int(rel_id)]
    except (KeyError, ValueError, TypeError):
        raise errors.ObjectNotFound(errors.relationship_not_found(rel_id))


def group_relationship(estate, group_rel_id):
    try:
        return estate.group_relationships[int(group_rel_id)]
    except (KeyError, ValueError, TypeError):
        raise errors.ObjectNotFound(
            errors.group_relationship_not_found(group_rel_id))


def snapshot(arr, source, name, generation=0):
    for snap in arr.snapshots.get(source, ()):
        if snap.name == name and snap.generation == generation:
            return snap
    raise errors.ObjectNotFound(
        errors.snapshot_not_found(source, name, generation))


def normalise_storage_id(storage_id):
    """IQNs as given; WWPNs lower-case without separators."""
    text = str(storage_id).strip()
    if text.lower().startswith(('iqn.', 'eui.', 'naa.')):
        return text
    return text.replace(':', '').lower()


# -- rules ------------------------------------------------------------------

def new_name(arr, kind, name, existing):
    """A new object's name: non-empty, short enough, unused."""
    if not name:
        raise errors.ArrayError(errors.name_empty(kind), errors.CODE_INVALID)
    if len(name) > arr.max_name_length:
        raise errors.ArrayError(
            errors.name_too_long(kind, name, arr.max_name_length),
            errors.CODE_INVALID)
    if name in existing:
        raise errors.ArrayError(errors.name_exists(kind, name),
                                errors.CODE_IN_USE)


def label(arr, text):
    """A device label (free text, may repeat) fits the name limit."""
    if text is not None and len(text) > arr.max_name_length:
        raise errors.ArrayError(
            errors.name_too_long(o.KIND_DEVICE, text, arr.max_name_length),
            errors.CODE_INVALID)


def sg_locked(estate, arr, sg_name):
    """True while a change session holds the SG: an admin hold that has
    not expired, or a running job that locks it."""
    sg = arr.storage_groups.get(sg_name)
    if sg is not None and sg.session_held_until is not None and \
            estate.clock.now() < sg.session_held_until:
        return True
    for job in estate.running_jobs():
        if job.serial == arr.serial and sg_name in job.locks:
            return True
    return False


def sg_unlocked(estate, arr, sg_name):
    if sg_locked(estate, arr, sg_name):
        raise errors.ArrayError(errors.sg_locked(sg_name),
                                errors.CODE_LOCKED)


def fast_conflict(arr, device_id, new_sg):
    """A device may be in only one FAST-managed (SLO / FAST policy) SG."""
    if not new_sg.fast_managed:
        return
    for name in arr.groups_of_device(device_id):
        if name != new_sg.name and arr.storage_groups[name].fast_managed:
            raise errors.ArrayError(
                errors.fast_sg_conflict(device_id, name, new_sg.name),
                errors.CODE_FAST_CONFLICT)


def sg_room(arr, sg, adding):
    if len(sg.members) + adding > arr.max_devices_per_sg:
        raise errors.ArrayError(errors.sg_full(sg.name,
                                               arr.max_devices_per_sg),
                                errors.CODE_LIMIT)


def licensed(arr, feature):
    if not arr.licensed(feature):
        raise errors.ArrayError(errors.not_licensed(feature, arr.serial),
                                errors.CODE_NOT_LICENSED)


def size(arr, size_bytes):
    if not isinstance(size_bytes, int) or size_bytes <= 0:
        raise errors.ArrayError(errors.invalid_size(size_bytes),
                                errors.CODE_INVALID)
    if size_bytes > arr.max_volume_bytes:
        raise errors.ArrayError(
            errors.size_too_large(size_bytes, arr.max_volume_bytes),
            errors.CODE_LIMIT)


def capacity(arr, pool_name, requested):
    free = arr.pool_usage(pool_name).free_bytes
    if requested > free:
        raise errors.ArrayError(
            errors.capacity_exhausted(pool_name, requested, free),
            errors.CODE_CAPACITY)


def not_copy_target(estate, serial, device_id):
    for rel in estate.relationships_of(serial, device_id):
        if rel.target_key == (serial, device_id):
            raise errors.ArrayError(errors.device_in_use_by_copy(device_id),
                                    errors.CODE_IN_USE)


def copy_roles(estate, arr, device_id):
    """'source' / 'target' roles the device plays in copy sessions (SnapVX
    snapshots count as a source role)."""
    roles = []
    if arr.snapshots.get(device_id):
        roles.append('source')
    for rel in estate.relationships_of(arr.serial, device_id):
        role = ('source' if rel.source_key == (arr.serial, device_id)
                else 'target')
        if role not in roles:
            roles.append(role)
    return roles


def vmax3(arr, feature):
    if not arr.is_vmax3:
        raise errors.ArrayError(
            errors.feature_needs_family(feature, o.FAMILY_VMAX3, arr.serial),
            errors.CODE_INVALID)
