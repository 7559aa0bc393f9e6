"""Low-level changes that keep the derived indexes right.

No rule is checked here: callers (the operations, admin actions and the
profile loader) check first.  Every change to a collection that an index
covers goes through one of these functions.
"""

from vmax_sim.model import objects as o


def new_wwn(estate, arr):
    """A 32-hex-digit identity, new on every call (so a reused DeviceID
    gets a new WWN): NAA 6 + EMC OUI + serial + a global counter."""
    number = estate.next_wwn
    estate.next_wwn += 1
    serial = ''.join(c for c in arr.serial if c.isdigit())[-12:]
    return ('6000097%s%s' % (serial.rjust(12, '0'), '%013X' % number))[:32]


def add_device(estate, arr, label, size_bytes, pool, thin=True,
               compressed=False, bound=True, device_id=None):
    """Create a device on the lowest free DeviceID (or ``device_id``)."""
    number = (arr.lowest_free_device_ids(1)[0] if device_id is None
              else int(device_id, 16))
    arr._take_device_id(number)
    dev = o.Device(device_id=o.format_device_id(number), label=label,
                   size_bytes=size_bytes, wwn=new_wwn(estate, arr),
                   pool=pool, thin=thin, compressed=compressed, bound=bound,
                   created_at=estate.clock.now())
    arr.devices[dev.device_id] = dev
    _account(arr, dev, +1)
    return dev


def _account(arr, dev, sign):
    if dev.pool and dev.bound and not dev.is_meta_member:
        arr._pool_subscribed[dev.pool] = (
            arr._pool_subscribed.get(dev.pool, 0) + sign * dev.size_bytes)


def resize_device(arr, dev, new_size):
    _account(arr, dev, -1)
    dev.size_bytes = new_size
    _account(arr, dev, +1)


def set_binding(arr, dev, pool, bound):
    _account(arr, dev, -1)
    dev.pool = pool
    dev.bound = bound
    _account(arr, dev, +1)


def make_meta_member(arr, head, member):
    """Move ``member`` into ``head`` (concatenated at the end)."""
    _account(arr, member, -1)
    _account(arr, head, -1)
    member.meta_head = head.device_id
    member.pool = head.pool
    member.bound = head.bound
    head.meta_members.append(member.device_id)
    head.size_bytes += member.size_bytes
    _account(arr, head, +1)


def remove_device(estate, arr, device_id):
    """Remove a device (and its meta members) from every index."""
    dev = arr.devices.pop(device_id)
    _account(arr, dev, -1)
    arr._release_device_id(int(device_id, 16))
    for member in dev.meta_members:
        arr.devices.pop(member, None)
        arr._release_device_id(int(member, 16))
    for rg in list(arr._rgs_of_device.get(device_id, ())):
        leave_replication_group(arr, arr.replication_groups[rg], device_id)
    arr.snapshots.pop(device_id, None)
    return dev


# -- storage group membership and LUNs --------------------------------------

def join_sg(arr, sg, device_id):
    sg.members.append(device_id)
    arr._sgs_of_device.setdefault(device_id, {})[sg.name] = None
    # The views of the SG's parent show the device too (cascaded SGs).
    for view_name in arr.views_showing_group(sg.name):
        view = arr.masking_views[view_name]
        if device_id not in view.luns:
            view.luns[device_id] = lowest_free_lun(view)
    _take_compression(arr, sg, device_id)


def _take_compression(arr, sg, device_id):
    if arr.is_vmax3 and sg.srp:
        arr.devices[device_id].compressed = (
            arr.all_flash and not sg.disable_compression)


def leave_sg(arr, sg, device_id):
    views = arr.views_showing_group(sg.name)
    sg.members.remove(device_id)
    _unindex_membership(arr, sg.name, device_id)
    _hide_unless_shown(arr, views, [device_id])


def _unindex_membership(arr, sg_name, device_id):
    groups = arr._sgs_of_device.get(device_id)
    if groups is not None:
        groups.pop(sg_name, None)
        if not groups:
            del arr._sgs_of_device[device_id]


def _hide_unless_shown(arr, view_names, device_ids):
    """Drop the LUNs of ``device_ids`` in ``view_names`` where no other
    SG of the device (or its parent) still puts it in the view: with
    cascading a device may reach one view through two groups."""
    for view_name in view_names:
        view = arr.masking_views[view_name]
        for device_id in device_ids:
            if device_id in view.luns and \
                    not arr.device_shown_by_view(device_id, view_name):
                del view.luns[device_id]


def move_device(arr, source, target, device_id, luns):
    """Move a device from SG ``source`` to SG ``target`` in one step;
    ``luns`` maps every view showing it afterwards to its host LUN there
    (the caller keeps the old numbers: a non-disruptive move)."""
    before = arr.views_of_device(device_id)
    source.members.remove(device_id)
    _unindex_membership(arr, source.name, device_id)
    target.members.append(device_id)
    arr._sgs_of_device.setdefault(device_id, {})[target.name] = None
    _hide_unless_shown(arr, before, [device_id])
    for view_name, lun in luns.items():
        arr.masking_views[view_name].luns[device_id] = lun
    _take_compression(arr, target, device_id)


def attach_child(arr, parent, child):
    """Make ``child`` a child SG of ``parent``; the parent's views show
    the child's devices from now on."""
    parent.children.append(child.name)
    arr._parent_of_sg[child.name] = parent.name
    for view_name in arr.views_of_group(o.KIND_SG, parent.name):
        view = arr.masking_views[view_name]
        for device_id in child.members:
            if device_id not in view.luns:
                view.luns[device_id] = lowest_free_lun(view)


def detach_child(arr, parent, child):
    views = arr.views_of_group(o.KIND_SG, parent.name)
    parent.children.remove(child.name)
    arr._parent_of_sg.pop(child.name, None)
    _hide_unless_shown(arr, views, list(child.members))


def lowest_free_lun(view):
    used = set(view.luns.values())
    lun = 1
    while lun in used:
        lun += 1
    return lun


def add_group(arr, kind, group):
    from vmax_sim.model import checks
    checks.group_collection(arr, kind)[group.name] = group
    if kind == o.KIND_IG:
        for hwid in group.hardware_ids:
            arr._ig_of_hwid[hwid] = group.name


def remove_group(arr, kind, name):
    from vmax_sim.model import checks
    if kind == o.KIND_SG:
        group = arr.storage_groups[name]
        parent = arr.parent_of_group(name)
        if parent is not None:
            detach_child(arr, arr.storage_groups[parent], group)
        for child in list(group.children):
            detach_child(arr, group, arr.storage_groups[child])
    group = checks.group_collection(arr, kind).pop(name)
    if kind == o.KIND_SG:
        for dev in group.members:
            _unindex_membership(arr, name, dev)
    elif kind == o.KIND_IG:
        for hwid in group.hardware_ids:
            arr._ig_of_hwid.pop(hwid, None)
    return group


def join_ig(arr, ig, storage_id):
    ig.hardware_ids.append(storage_id)
    arr._ig_of_hwid[storage_id] = ig.name


def leave_ig(arr, ig, storage_id):
    ig.hardware_ids.remove(storage_id)
    arr._ig_of_hwid.pop(storage_id, None)


def add_view(arr, view):
    arr.masking_views[view.name] = view
    for key in ((o.KIND_SG, view.storage_group),
                (o.KIND_IG, view.initiator_group),
                (o.KIND_PG, view.port_group)):
        arr._views_of_group.setdefault(key, {})[view.name] = None
    lun = 1
    for dev in arr.devices_of_group(view.storage_group):
        if dev not in view.luns:
            while lun in view.luns.values():
                lun += 1
            view.luns[dev] = lun
            lun += 1


def remove_view(arr, name):
    view = arr.masking_views.pop(name)
    for key in ((o.KIND_SG, view.storage_group),
                (o.KIND_IG, view.initiator_group),
                (o.KIND_PG, view.port_group)):
        views = arr._views_of_group.get(key)
        if views is not None:
            views.pop(name, None)
            if not views:
                del arr._views_of_group[key]
    return view


# -- replication groups -----------------------------------------------------

def join_replication_group(arr, rg, device_id):
    rg.members.append(device_id)
    arr._rgs_of_device.setdefault(device_id, {})[rg.name] = None


def leave_replication_group(arr, rg, device_id):
    rg.members.remove(device_id)
    groups = arr._rgs_of_device.get(device_id)
    if groups is not None:
        groups.pop(rg.name, None)
        if not groups:
            del arr._rgs_of_device[device_id]


def remove_replication_group(arr, name):
    rg = arr.replication_groups.pop(name)
    for dev in list(rg.members):
        groups = arr._rgs_of_device.get(dev)
        if groups is not None:
            groups.pop(name, None)
            if not groups:
                del arr._rgs_of_device[dev]
    return rg


# -- relationships ----------------------------------------------------------

def add_relationship(estate, rel):
    estate.relationships[rel.rel_id] = rel
    estate._index_relationship(rel)


def remove_relationship(estate, rel_id):
    rel = estate.relationships.pop(rel_id)
    estate._unindex_relationship(rel)
    return rel


def next_rel_id(estate):
    rel_id = estate.next_rel_id
    estate.next_rel_id += 1
    return rel_id
