"""Volume (device) operations: create, extend, delete, rename, bind.

Each operation checks every rule first and raises
:class:`~vmax_sim.model.errors.ArrayError` without changing anything, then
applies the change.  Each starts with ``estate.tick()`` so rules see the
state as of the clock's now.
"""

import collections
import math

from vmax_sim.model import cascade
from vmax_sim.model import checks
from vmax_sim.model import errors
from vmax_sim.model import mutate
from vmax_sim.model import objects as o

SizeRange = collections.namedtuple(
    'SizeRange', 'minimum maximum divisor remaining_bytes')


class _Placement(collections.namedtuple(
        '_Placement', 'pool sg thin compressed member_sizes striped')):
    """Where and how a new device goes (the outcome of the checks)."""


def whole_blocks(size_bytes):
    """A requested size rounded up to whole 512-byte blocks (the array
    allocates blocks; the rounded size is what the device reports)."""
    if isinstance(size_bytes, int) and size_bytes > 0:
        return -(-size_bytes // o.BLOCK_SIZE) * o.BLOCK_SIZE
    return size_bytes


def _plan_create(estate, arr, label, size_bytes, storage_group, pool, thin,
                 bind, member_count, striped, count):
    checks.label(arr, label)
    checks.size(arr, size_bytes)
    if count < 1:
        raise errors.ArrayError(errors.invalid_size(size_bytes),
                                errors.CODE_INVALID)
    sg = None
    if storage_group is not None:
        sg = checks.storage_group(arr, storage_group)
        checks.sg_unlocked(estate, arr, sg.name)
        cascade.check_can_hold_devices(arr, sg)
        checks.sg_room(arr, sg, count)
    if arr.is_vmax3:
        # The SG's SRP decides placement; an SG without one uses the
        # pool given, else the array's default SRP.
        pool_name = (sg.srp if sg is not None and sg.srp else pool)
        if pool_name is None:
            if sg is None:
                raise errors.ArrayError(errors.pool_needed(arr.serial),
                                        errors.CODE_INVALID)
            pool_name = arr.default_srp
        checks.pool(arr, pool_name, o.POOL_SRP)
        compressed = arr.all_flash and not (sg is not None and
                                            sg.disable_compression)
        member_sizes = []
        thin = True
    else:
        if pool is None:
            raise errors.ArrayError(errors.pool_needed(arr.serial),
                                    errors.CODE_INVALID)
        pool_name = checks.pool(arr, pool, o.POOL_THIN).name
        compressed = False
        member_sizes = _meta_layout(arr, size_bytes, member_count, striped)
    if bind:
        checks.capacity(arr, pool_name, size_bytes * count)
    return _Placement(pool_name, sg, thin, compressed, member_sizes, striped)


def _meta_layout(arr, size_bytes, member_count, striped):
    """Sizes of a VMAX2 meta's parts (head first); [] for a plain device.

    Concatenated devices larger than the member limit are split into
    ceil(size / limit) members; ``member_count`` (striped or not) asks for
    that many equal members.
    """
    limit = arr.meta_member_max_bytes
    if member_count and member_count > 1:
        count = member_count
    elif size_bytes > limit and not striped:
        count = math.ceil(size_bytes / limit)
    else:
        return []
    part = math.ceil(size_bytes / count)
    part = math.ceil(part / o.BLOCK_SIZE) * o.BLOCK_SIZE
    if part > limit:
        raise errors.ArrayError(errors.meta_member_too_large(part, limit),
                                errors.CODE_LIMIT)
    sizes = [part] * (count - 1)
    sizes.insert(0, size_bytes - part * (count - 1))
    if sizes[0] <= 0:
        raise errors.ArrayError(errors.invalid_size(size_bytes),
                                errors.CODE_INVALID)
    return sizes


def _apply_create(estate, arr, label, size_bytes, placement, bind):
    if placement.member_sizes:
        head = mutate.add_device(estate, arr, label,
                                 placement.member_sizes[0], placement.pool,
                                 thin=placement.thin, bound=bind)
        for part in placement.member_sizes[1:]:
            member = mutate.add_device(estate, arr, '', part,
                                       placement.pool, thin=placement.thin,
                                       bound=bind)
            mutate.make_meta_member(arr, head, member)
        head.concatenated = not placement.striped
        dev = head
    else:
        dev = mutate.add_device(estate, arr, label, size_bytes,
                                placement.pool, thin=placement.thin,
                                compressed=placement.compressed, bound=bind)
    if placement.sg is not None:
        mutate.join_sg(arr, placement.sg, dev.device_id)
    return dev


def create_volume(estate, serial, label, size_bytes, *, storage_group=None,
                  pool=None, thin=True, bind=True, member_count=None,
                  striped=False):
    """Create one device and return it (:class:`~objects.Device`).

    VMAX3: into ``storage_group`` (its SRP decides placement; the default
    SRP when the SG has none; the device joins the SG and is compressed
    on All Flash unless the SG disables compression) or into the SRP
    ``pool`` directly.  VMAX2: into the thin ``pool`` (``thin=False`` for
    a thick device), optionally joining ``storage_group``; sizes above
    the meta member limit (240 GiB) become a concatenated meta, and
    ``member_count`` asks for a meta of that many members (``striped``
    for a striped meta).  ``bind=False`` leaves a VMAX2 device unbound.
    The DeviceID is the lowest free one.
    """
    estate.tick()
    arr = checks.array(estate, serial)
    size_bytes = whole_blocks(size_bytes)
    placement = _plan_create(estate, arr, label, size_bytes, storage_group,
                             pool, thin, bind, member_count, striped, 1)
    return _apply_create(estate, arr, label, size_bytes, placement, bind)


def create_volumes(estate, serial, label, size_bytes, count, **placement):
    """Create ``count`` identical devices at once (``EMCNumberOfDevices``);
    all or none.  Keyword arguments as :func:`create_volume`."""
    estate.tick()
    arr = checks.array(estate, serial)
    bind = placement.get('bind', True)
    size_bytes = whole_blocks(size_bytes)
    plan = _plan_create(estate, arr, label, size_bytes,
                        placement.get('storage_group'),
                        placement.get('pool'), placement.get('thin', True),
                        bind, placement.get('member_count'),
                        placement.get('striped', False), count)
    return [_apply_create(estate, arr, label, size_bytes, plan, bind)
            for _ in range(count)]


def extend_volume(estate, serial, device_id, new_size_bytes):
    """Grow a device to ``new_size_bytes`` (total); returns the device.

    VMAX3 resizes in place (refused while the device is in an SRDF
    pair).  VMAX2 appends concatenated members (a plain device becomes a
    concatenated meta; striped metas are refused).  A smaller size is
    refused; the same size changes nothing.
    """
    estate.tick()
    arr = checks.array(estate, serial)
    dev = checks.device(arr, device_id)
    new_size_bytes = whole_blocks(new_size_bytes)
    checks.size(arr, new_size_bytes)
    if new_size_bytes < dev.size_bytes:
        raise errors.ArrayError(
            errors.extend_smaller(device_id, dev.size_bytes, new_size_bytes),
            errors.CODE_INVALID)
    delta = new_size_bytes - dev.size_bytes
    if not delta:
        return dev
    if any(rel.sync_type == o.SYNC_TYPE_MIRROR
           for rel in estate.relationships_of(serial, device_id)):
        raise errors.ArrayError(errors.extend_in_copy_session(device_id),
                                errors.CODE_IN_USE)
    if dev.pool and dev.bound:
        checks.capacity(arr, dev.pool, delta)
    if arr.is_vmax3:
        mutate.resize_device(arr, dev, new_size_bytes)
        return dev
    if dev.is_composite and not dev.concatenated:
        raise errors.ArrayError(errors.extend_striped(device_id),
                                errors.CODE_INVALID)
    parts = _meta_layout(arr, delta, None, False) or [delta]
    for part in parts:
        member = mutate.add_device(estate, arr, dev.label, part, dev.pool,
                                   thin=dev.thin, bound=dev.bound)
        mutate.make_meta_member(arr, dev, member)
    dev.concatenated = True
    return dev


def compose_meta(estate, serial, head_id, member_ids, *, striped=False):
    """Form or grow a VMAX2 meta from existing devices
    (``CreateOrModifyCompositeElement`` with ``InElements``).

    ``head_id`` becomes (or stays) the head; each member must be a plain
    device in no SG and no copy session.  Growing a striped meta is
    refused.  Returns the head.
    """
    estate.tick()
    arr = checks.array(estate, serial)
    head = checks.device(arr, head_id)
    if head.is_composite and not head.concatenated:
        raise errors.ArrayError(errors.extend_striped(head_id),
                                errors.CODE_INVALID)
    members = []
    added = 0
    for member_id in member_ids:
        if member_id == head_id:
            raise errors.ArrayError(errors.same_device(member_id),
                                    errors.CODE_INVALID)
        member = checks.device(arr, member_id)
        if member.is_composite:
            raise errors.ArrayError(
                errors.meta_member_not_allowed(member_id, member_id),
                errors.CODE_INVALID)
        groups = arr.groups_of_device(member_id)
        if groups:
            raise errors.ArrayError(
                errors.device_in_group(member_id, groups[0]),
                errors.CODE_IN_USE)
        roles = checks.copy_roles(estate, arr, member_id)
        if roles:
            raise errors.ArrayError(
                errors.device_in_copy_session(member_id, roles[0]),
                errors.CODE_IN_USE)
        if not (member.pool == head.pool and member.bound == head.bound):
            added += member.size_bytes
        members.append(member)
    if head.pool and head.bound and added:
        checks.capacity(arr, head.pool, added)
    for member in members:
        mutate.make_meta_member(arr, head, member)
    if len(head.meta_members) == len(members):
        head.concatenated = not striped
    return head


def delete_volumes(estate, serial, device_ids):
    """Delete devices (``ReturnElementsToStoragePool``); all or none.

    Refused for a device still in a storage group, in a copy session
    (SnapVX snapshot source, link, clone or SRDF pair), or that is a
    member of a meta.  A meta head takes its members with it; the
    freed DeviceIDs are reused by later creates.
    """
    estate.tick()
    arr = checks.array(estate, serial)
    seen = set()
    for device_id in device_ids:
        dev = arr.devices.get(device_id)
        if dev is None:
            raise errors.ObjectNotFound(
                errors.not_found(o.KIND_DEVICE, device_id, serial))
        if dev.is_meta_member:
            raise errors.ArrayError(
                errors.device_is_meta_member(device_id, dev.meta_head),
                errors.CODE_IN_USE)
        groups = arr.groups_of_device(device_id)
        if groups:
            raise errors.ArrayError(
                errors.device_in_group(device_id, groups[0]),
                errors.CODE_IN_USE)
        roles = checks.copy_roles(estate, arr, device_id)
        if roles:
            raise errors.ArrayError(
                errors.device_in_copy_session(device_id, roles[0]),
                errors.CODE_IN_USE)
        seen.add(device_id)
    for device_id in dict.fromkeys(device_ids):
        mutate.remove_device(estate, arr, device_id)


def delete_volume(estate, serial, device_id):
    """Delete one device; see :func:`delete_volumes`."""
    delete_volumes(estate, serial, [device_id])


def rename_volume(estate, serial, device_id, label):
    """Set a device's label (``ElementName``); labels may repeat."""
    estate.tick()
    arr = checks.array(estate, serial)
    dev = checks.device(arr, device_id)
    checks.label(arr, label)
    dev.label = label
    return dev


def unbind_volume(estate, serial, device_id):
    """Unbind a VMAX2 device from its pool (``EMCUnBindElement``).

    Refused for a device in a copy session or in a storage group.
    Unbinding an unbound device changes nothing.
    """
    estate.tick()
    arr = checks.array(estate, serial)
    if arr.is_vmax3:
        raise errors.ArrayError(errors.wrong_family(serial, o.FAMILY_VMAX2),
                                errors.CODE_INVALID)
    dev = checks.device(arr, device_id)
    if not dev.bound:
        return dev
    groups = arr.groups_of_device(device_id)
    if groups:
        raise errors.ArrayError(errors.device_in_group(device_id, groups[0]),
                                errors.CODE_IN_USE)
    roles = checks.copy_roles(estate, arr, device_id)
    if roles:
        raise errors.ArrayError(
            errors.device_in_copy_session(device_id, roles[0]),
            errors.CODE_IN_USE)
    mutate.set_binding(arr, dev, dev.pool, False)
    for member in dev.meta_members:
        arr.devices[member].bound = False
    return dev


def bind_volume(estate, serial, device_id, pool):
    """Bind an unbound VMAX2 device to the thin ``pool``."""
    estate.tick()
    arr = checks.array(estate, serial)
    if arr.is_vmax3:
        raise errors.ArrayError(errors.wrong_family(serial, o.FAMILY_VMAX2),
                                errors.CODE_INVALID)
    dev = checks.device(arr, device_id)
    checks.pool(arr, pool, o.POOL_THIN)
    if dev.bound and dev.pool == pool:
        return dev
    checks.capacity(arr, pool, dev.size_bytes)
    mutate.set_binding(arr, dev, pool, True)
    for member in dev.meta_members:
        arr.devices[member].bound = True
        arr.devices[member].pool = pool
    return dev


def relocate_volumes(estate, serial, device_ids, pool):
    """Move bound VMAX2 devices (with their meta members) to the thin
    ``pool`` (``RelocateStorageVolumesToStoragePool``); all or none.
    Refused for unbound devices, devices already in that pool and when
    the pool cannot take their total size.  Returns the devices."""
    estate.tick()
    arr = checks.array(estate, serial)
    if arr.is_vmax3:
        raise errors.ArrayError(errors.wrong_family(serial, o.FAMILY_VMAX2),
                                errors.CODE_INVALID)
    checks.pool(arr, pool, o.POOL_THIN)
    moving = {}
    for device_id in device_ids:
        dev = checks.device(arr, device_id)
        if not dev.bound:
            raise errors.ArrayError(errors.device_unbound(device_id),
                                    errors.CODE_INVALID)
        if dev.pool == pool:
            raise errors.ArrayError(errors.device_in_pool(device_id, pool),
                                    errors.CODE_INVALID)
        moving[device_id] = dev
    checks.capacity(arr, pool, sum(d.size_bytes for d in moving.values()))
    for dev in moving.values():
        mutate.set_binding(arr, dev, pool, True)
        for member in dev.meta_members:
            arr.devices[member].pool = pool
    return list(moving.values())


def supported_size_range(estate, serial, pool, slo=None, workload=None):
    """``GetSupportedSizeRange`` of a pool: :data:`SizeRange` (bytes).

    ``remaining_bytes`` is what a new device may still take (the pool's
    free bytes; for an SRP with a service level, the same figure: the
    simulator has no per-level workload planner).
    """
    estate.tick()
    arr = checks.array(estate, serial)
    found = checks.pool(arr, pool)
    if slo is not None and not found.offers(slo, workload):
        raise errors.ArrayError(errors.slo_not_offered(pool, slo, workload),
                                errors.CODE_INVALID)
    return SizeRange(minimum=o.BLOCK_SIZE * 2048,
                     maximum=arr.max_volume_bytes,
                     divisor=o.BLOCK_SIZE,
                     remaining_bytes=arr.pool_usage(pool).free_bytes)
