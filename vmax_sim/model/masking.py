"""Masking operations: storage / initiator / port groups, hardware IDs,
masking views and SG host I/O limits.

Groups are addressed by kind (``objects.KIND_SG`` / ``KIND_IG`` /
``KIND_PG``) and name; members are DeviceIDs (SG), initiator storage ids
(IG) or port names (PG).  All checks run before the first change.
"""

from vmax_sim.model import cascade
from vmax_sim.model import checks
from vmax_sim.model import errors
from vmax_sim.model import mutate
from vmax_sim.model import objects as o

_MAX_IOPS = 2000000
_MIN_IOPS = 100
_MAX_MBPS = 100000


def create_storage_group(estate, serial, name, *, srp=None, slo=None,
                         workload=None, disable_compression=False,
                         fast_policy=None, members=(), children=()):
    """Create an SG (``CreateGroup`` Type 4) and return it.

    VMAX3: ``srp``/``slo``/``workload`` (workload None = ``NONE``; an SLO
    without an SRP takes the default SRP) must be a setting the SRP
    offers; ``disable_compression`` only on All Flash.  VMAX2:
    ``fast_policy`` associates the SG with a FAST policy at once.
    ``members`` are DeviceIDs that join in order; ``children`` (names of
    existing SGs) make it a parent SG instead (see :mod:`.cascade`).
    """
    estate.tick()
    arr = checks.array(estate, serial)
    checks.new_name(arr, o.KIND_SG, name, arr.storage_groups)
    if children and (srp or slo or workload or fast_policy):
        raise errors.ArrayError(errors.parent_not_plain(name),
                                errors.CODE_INVALID)
    if children and members:
        raise errors.ArrayError(
            errors.group_holds_devices(name, len(members)),
            errors.CODE_INVALID)
    if arr.is_vmax3:
        if fast_policy:
            raise errors.ArrayError(errors.fast_policy_on_vmax3(serial),
                                    errors.CODE_INVALID)
        if slo and not srp:
            srp = arr.default_srp
            if srp is None:
                raise errors.ArrayError(errors.slo_needs_srp(name),
                                        errors.CODE_INVALID)
        if srp:
            found = checks.pool(arr, srp, o.POOL_SRP)
            if (slo or workload) and not found.offers(slo, workload):
                raise errors.ArrayError(
                    errors.slo_not_offered(srp, slo, workload),
                    errors.CODE_INVALID)
        elif workload:
            raise errors.ArrayError(errors.slo_needs_srp(name),
                                    errors.CODE_INVALID)
        if disable_compression and not arr.all_flash:
            raise errors.ArrayError(
                errors.compression_not_all_flash(serial, arr.model),
                errors.CODE_INVALID)
    else:
        if srp or slo or workload:
            raise errors.ArrayError(errors.slo_on_vmax2(serial),
                                    errors.CODE_INVALID)
        if disable_compression:
            raise errors.ArrayError(
                errors.compression_not_all_flash(serial, arr.model),
                errors.CODE_INVALID)
        if fast_policy:
            checks.fast_policy(arr, fast_policy)
    sg = o.StorageGroup(name=name, srp=srp or None, slo=slo or None,
                        workload=(workload or ('NONE' if slo else None)),
                        fast_policy=fast_policy or None,
                        disable_compression=bool(disable_compression),
                        created_at=estate.clock.now())
    devices = _check_sg_additions(estate, arr, sg, members, new_group=True)
    child_names = cascade.check_new_children(estate, arr, sg, children,
                                             new_group=True)
    mutate.add_group(arr, o.KIND_SG, sg)
    for device_id in devices:
        mutate.join_sg(arr, sg, device_id)
    for child in child_names:
        mutate.attach_child(arr, sg, arr.storage_groups[child])
    return sg


def create_initiator_group(estate, serial, name, hardware_ids=()):
    """Create an IG (``CreateGroup`` Type 2) of existing hardware IDs; an
    initiator may belong to only one IG."""
    estate.tick()
    arr = checks.array(estate, serial)
    checks.new_name(arr, o.KIND_IG, name, arr.initiator_groups)
    ig = o.InitiatorGroup(name=name, created_at=estate.clock.now())
    ids = _check_ig_additions(arr, ig, hardware_ids)
    mutate.add_group(arr, o.KIND_IG, ig)
    for storage_id in ids:
        mutate.join_ig(arr, ig, storage_id)
    return ig


def create_port_group(estate, serial, name, ports=()):
    """Create a PG (``CreateGroup`` Type 3) of existing ports."""
    estate.tick()
    arr = checks.array(estate, serial)
    checks.new_name(arr, o.KIND_PG, name, arr.port_groups)
    pg = o.PortGroup(name=name, created_at=estate.clock.now())
    names = _check_pg_additions(arr, pg, ports)
    pg.ports.extend(names)
    mutate.add_group(arr, o.KIND_PG, pg)
    return pg


def delete_group(estate, serial, kind, name, force=False):
    """Delete an SG / IG / PG (``DeleteGroup``).

    Refused while a masking view uses it, while it has members (or, a
    parent SG, children) unless ``force``, (SG) while a change session
    holds it and while it is the child of a parent SG.  Members are not
    deleted, only released.
    """
    estate.tick()
    arr = checks.array(estate, serial)
    group = checks.group(arr, kind, name)
    if kind == o.KIND_SG:
        checks.sg_unlocked(estate, arr, name)
    views = arr.views_of_group(kind, name)
    if views:
        raise errors.ArrayError(errors.group_in_view(kind, name, views[0]),
                                errors.CODE_IN_USE)
    count = len(_members(kind, group))
    if kind == o.KIND_SG:
        cascade.check_not_a_child(arr, name)
        count += len(group.children)
    if count and not force:
        raise errors.ArrayError(errors.group_not_empty(kind, name, count),
                                errors.CODE_IN_USE)
    mutate.remove_group(arr, kind, name)


def delete_storage_group(estate, serial, name, force=False):
    delete_group(estate, serial, o.KIND_SG, name, force)


def delete_initiator_group(estate, serial, name, force=False):
    delete_group(estate, serial, o.KIND_IG, name, force)


def delete_port_group(estate, serial, name, force=False):
    delete_group(estate, serial, o.KIND_PG, name, force)


def add_members(estate, serial, kind, name, members):
    """Add members to a group (``AddMembers``); all or none.

    SG: DeviceIDs (not already in it; FAST rule; device limit; change
    session); a device joining an SG in a masking view gets the lowest
    free host LUN of each such view.  IG: storage ids of existing
    hardware IDs in no other IG.  PG: port names.
    """
    estate.tick()
    arr = checks.array(estate, serial)
    group = checks.group(arr, kind, name)
    if kind == o.KIND_SG:
        devices = _check_sg_additions(estate, arr, group, members)
        for device_id in devices:
            mutate.join_sg(arr, group, device_id)
    elif kind == o.KIND_IG:
        for storage_id in _check_ig_additions(arr, group, members):
            mutate.join_ig(arr, group, storage_id)
    else:
        group.ports.extend(_check_pg_additions(arr, group, members))
    return group


def remove_members(estate, serial, kind, name, members):
    """Remove members from a group (``RemoveMembers``); all or none.
    A device leaving an SG loses its LUN in the SG's views; the last
    devices of an SG in a view cannot leave (the view goes first)."""
    estate.tick()
    arr = checks.array(estate, serial)
    group = checks.group(arr, kind, name)
    if kind == o.KIND_SG:
        checks.sg_unlocked(estate, arr, name)
    present = _members(kind, group)
    wanted = []
    for member in members:
        if kind == o.KIND_IG:
            member = checks.normalise_storage_id(member)
        if member not in present or member in wanted:
            if kind == o.KIND_SG:
                raise errors.ArrayError(
                    errors.device_not_in_group(member, name),
                    errors.CODE_INVALID)
            raise errors.ArrayError(
                errors.member_not_in_group(kind, member, name),
                errors.CODE_INVALID)
        wanted.append(member)
    if kind == o.KIND_SG:
        # The array keeps a view's storage group non-empty (a parent
        # through its children): the view goes first (the 2.x driver's
        # last-volume clean-up does it that way).
        cascade.check_keeps_devices(arr, removed={name: wanted})
    for member in wanted:
        if kind == o.KIND_SG:
            mutate.leave_sg(arr, group, member)
        elif kind == o.KIND_IG:
            mutate.leave_ig(arr, group, member)
        else:
            group.ports.remove(member)
    return group


def set_host_io_limits(estate, serial, name, *, iops=None, mbps=None,
                       distribution=None):
    """Set an SG's host I/O limits; None leaves a value as it is, 0 means
    no limit.  IO/s 100..2,000,000, MB/s 1..100,000, distribution 1
    never / 2 on failure / 3 always."""
    estate.tick()
    arr = checks.array(estate, serial)
    sg = checks.storage_group(arr, name)
    checks.sg_unlocked(estate, arr, name)
    if iops is not None and iops != 0 and not _MIN_IOPS <= iops <= _MAX_IOPS:
        raise errors.ArrayError(errors.invalid_host_io_limit('IO/s', iops),
                                errors.CODE_INVALID)
    if mbps is not None and mbps != 0 and not 1 <= mbps <= _MAX_MBPS:
        raise errors.ArrayError(errors.invalid_host_io_limit('MB/s', mbps),
                                errors.CODE_INVALID)
    if distribution is not None and distribution not in (
            o.DISTRIBUTION_NEVER, o.DISTRIBUTION_ON_FAILURE,
            o.DISTRIBUTION_ALWAYS):
        raise errors.ArrayError(
            errors.invalid_host_io_limit('distribution', distribution),
            errors.CODE_INVALID)
    if iops is not None:
        sg.host_io_limit_iops = int(iops)
    if mbps is not None:
        sg.host_io_limit_mbps = int(mbps)
    if distribution is not None:
        sg.host_io_distribution = int(distribution)
    return sg


def create_hardware_id(estate, serial, storage_id, id_type,
                       element_name=''):
    """Register an initiator (``CreateStorageHardwareID``): an IQN with
    ``id_type`` 5 or a 16-hex-digit WWPN with ``id_type`` 2 (stored
    lower-case without separators)."""
    estate.tick()
    arr = checks.array(estate, serial)
    sid = checks.normalise_storage_id(storage_id)
    valid = (
        (id_type == o.ID_TYPE_ISCSI and sid.startswith(('iqn.', 'eui.',
                                                        'naa.')))
        or (id_type == o.ID_TYPE_WWPN and len(sid) == 16
            and all(c in '0123456789abcdef' for c in sid)))
    if not valid:
        raise errors.ArrayError(errors.invalid_hardware_id(storage_id,
                                                           id_type),
                                errors.CODE_INVALID)
    if sid in arr.hardware_ids:
        raise errors.ArrayError(errors.name_exists(o.KIND_HWID, sid),
                                errors.CODE_IN_USE)
    hwid = o.HardwareId(storage_id=sid, id_type=id_type,
                        element_name=element_name or '')
    arr.hardware_ids[sid] = hwid
    return hwid


def delete_hardware_id(estate, serial, storage_id):
    """Delete an initiator (``DeleteStorageHardwareID``); it leaves its
    IG first."""
    estate.tick()
    arr = checks.array(estate, serial)
    hwid = checks.hardware_id(arr, storage_id)
    ig_name = arr.group_of_hardware_id(hwid.storage_id)
    if ig_name is not None:
        mutate.leave_ig(arr, arr.initiator_groups[ig_name], hwid.storage_id)
    del arr.hardware_ids[hwid.storage_id]


def create_masking_view(estate, serial, name, storage_group,
                        initiator_group, port_group):
    """Create a masking view (``CreateMaskingView``); every device of the
    SG (of every child, for a parent SG) gets a host LUN, lowest free
    first, starting at 1.  Refused when no port of the PG is online."""
    estate.tick()
    arr = checks.array(estate, serial)
    checks.new_name(arr, o.KIND_VIEW, name, arr.masking_views)
    checks.storage_group(arr, storage_group)
    checks.initiator_group(arr, initiator_group)
    pg = checks.port_group(arr, port_group)
    checks.sg_unlocked(estate, arr, storage_group)
    if not any(arr.ports[p].online for p in pg.ports):
        raise errors.ArrayError(errors.no_port_online(port_group, pg.ports),
                                errors.CODE_INVALID)
    view = o.MaskingView(name=name, storage_group=storage_group,
                         initiator_group=initiator_group,
                         port_group=port_group,
                         created_at=estate.clock.now())
    mutate.add_view(arr, view)
    return view


def delete_masking_view(estate, serial, name):
    """Delete a masking view (``DeleteMaskingView``); its groups stay."""
    estate.tick()
    arr = checks.array(estate, serial)
    view = checks.masking_view(arr, name)
    checks.sg_unlocked(estate, arr, view.storage_group)
    mutate.remove_view(arr, name)


# -- checks of additions ----------------------------------------------------

def _members(kind, group):
    if kind == o.KIND_SG:
        return group.members
    if kind == o.KIND_IG:
        return group.hardware_ids
    return group.ports


def _check_sg_additions(estate, arr, sg, members, new_group=False):
    if not new_group:
        checks.sg_unlocked(estate, arr, sg.name)
    if members:
        cascade.check_can_hold_devices(arr, sg)
    devices = []
    present = arr.storage_groups.get(sg.name)
    for device_id in members:
        checks.device(arr, device_id)
        if device_id in devices or (
                present is not None
                and sg.name in arr._sgs_of_device.get(device_id, ())):
            raise errors.ArrayError(
                errors.device_already_in_group(device_id, sg.name),
                errors.CODE_INVALID)
        checks.fast_conflict(arr, device_id, sg)
        devices.append(device_id)
    checks.sg_room(arr, sg, len(devices))
    return devices


def _check_ig_additions(arr, ig, hardware_ids):
    ids = []
    for storage_id in hardware_ids:
        hwid = checks.hardware_id(arr, storage_id)
        sid = hwid.storage_id
        owner = arr.group_of_hardware_id(sid)
        if sid in ids or owner == ig.name:
            raise errors.ArrayError(
                errors.member_already_in_group(o.KIND_IG, sid, ig.name),
                errors.CODE_INVALID)
        if owner is not None:
            raise errors.ArrayError(errors.initiator_in_other_ig(sid, owner),
                                    errors.CODE_IN_USE)
        ids.append(sid)
    return ids


def _check_pg_additions(arr, pg, ports):
    names = []
    for port_name in ports:
        checks.port(arr, port_name)
        if port_name in names or port_name in pg.ports:
            raise errors.ArrayError(
                errors.member_already_in_group(o.KIND_PG, port_name,
                                               pg.name),
                errors.CODE_INVALID)
        names.append(port_name)
    return names
