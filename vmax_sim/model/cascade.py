"""Cascaded storage groups and the non-disruptive move between SGs.

On VMAX3 a device may be in only one SG with a service level, and the SG
of a masking view may not be emptied, so with flat groups an attached
device cannot change service level without leaving its view.  Arrays
solve it with cascading: the view names a *parent* SG (no SRP, service
level, workload or FAST policy) that holds *child* SGs, each with its own
settings and devices; a device then moves between two children of one
parent (``MoveMembers``) and keeps its host LUN.

Rules (each refused with the array's message, nothing changed):

* a parent holds child SGs or devices, never both; it is not FAST
  managed; one level only (a child cannot be a parent, a parent cannot
  be a child); a child has at most one parent;
* an SG in a view -- directly, or a parent through its children -- keeps
  at least one device (:func:`check_keeps_devices`);
* a move keeps the set of (initiator group, port group) pairs the device
  is masked to, and its host LUN in every view; source and target are
  both FAST managed or both plain, on one SRP; it takes the change
  sessions of both groups.

The masking operations (:mod:`.masking`) call the checks shared with
them; the CIM layer calls :func:`add_child_groups`,
:func:`remove_child_groups` and :func:`move_members`.
"""

from vmax_sim.model import checks
from vmax_sim.model import errors
from vmax_sim.model import mutate
from vmax_sim.model import objects as o


def _refuse(message, code=errors.CODE_INVALID):
    raise errors.ArrayError(message, code)


# -- checks shared with the masking operations --------------------------------

def check_new_children(estate, arr, parent, children, new_group=False):
    """Names of the SGs ``children`` that may join ``parent`` (an SG,
    not yet stored when ``new_group``) as its children."""
    if not children:
        return []
    if parent.fast_managed or parent.workload:
        _refuse(errors.parent_not_plain(parent.name))
    if parent.members:
        _refuse(errors.group_holds_devices(parent.name, len(parent.members)))
    if not new_group:
        grandparent = arr.parent_of_group(parent.name)
        if grandparent is not None:
            _refuse(errors.parent_is_child(parent.name, grandparent))
        checks.sg_unlocked(estate, arr, parent.name)
    names = []
    for name in children:
        child = checks.storage_group(arr, name)
        if name == parent.name:
            _refuse(errors.child_of_itself(name))
        owner = arr.parent_of_group(name)
        if name in names:
            owner = parent.name
        if owner is not None:
            _refuse(errors.child_has_parent(name, owner), errors.CODE_IN_USE)
        if child.is_parent:
            _refuse(errors.child_is_parent(name))
        checks.sg_unlocked(estate, arr, name)
        names.append(name)
    return names


def check_can_hold_devices(arr, sg):
    if sg.is_parent:
        _refuse(errors.parent_holds_no_devices(sg.name))


def check_not_a_child(arr, name):
    """A child SG cannot be deleted while it is in its parent."""
    parent = arr.parent_of_group(name)
    if parent is not None:
        _refuse(errors.child_cannot_be_deleted(name, parent),
                errors.CODE_IN_USE)


def check_keeps_devices(arr, removed=None, added=None, detached=None):
    """Refuse a change that would empty an SG in a view, directly or (a
    parent) through its children.

    ``removed`` / ``added``: SG name -> DeviceIDs leaving / joining it;
    ``detached``: parent name -> child names leaving it.  An SG that is
    already empty may stay so (the array only keeps what it has).
    """
    removed = removed or {}
    added = added or {}
    detached = detached or {}

    def own_after(name):
        return ((set(arr.storage_groups[name].members)
                 - set(removed.get(name, ()))) | set(added.get(name, ())))

    def after(name):
        sg = arr.storage_groups[name]
        if not sg.children:
            return own_after(name)
        found = set()
        for child in sg.children:
            if child not in detached.get(name, ()):
                found |= own_after(child)
        return found

    def emptied_view(name):
        views = arr.views_of_group(o.KIND_SG, name)
        if views and arr.devices_of_group(name) and not after(name):
            return views[0]
        return None

    for name, leaving in removed.items():
        if not leaving:
            continue
        for group in arr.masking_sgs(name):
            view = emptied_view(group)
            if view is None:
                continue
            if group == name:
                _refuse(errors.last_device_in_view(leaving[-1], name, view),
                        errors.CODE_IN_USE)
            _refuse(errors.last_device_of_parent_in_view(
                leaving[-1], name, group, view), errors.CODE_IN_USE)
    for parent, children in detached.items():
        view = emptied_view(parent) if children else None
        if view is not None:
            _refuse(errors.last_child_devices_in_view(children[-1], parent,
                                                      view),
                    errors.CODE_IN_USE)


# -- operations ---------------------------------------------------------------

def add_child_groups(estate, serial, parent, children):
    """Make the SGs ``children`` children of the SG ``parent``
    (``AddMembers`` with SG members); all or none.  The parent's views
    show the children's devices at once (lowest free LUNs)."""
    estate.tick()
    arr = checks.array(estate, serial)
    parent_sg = checks.storage_group(arr, parent)
    names = check_new_children(estate, arr, parent_sg, children)
    for name in names:
        mutate.attach_child(arr, parent_sg, arr.storage_groups[name])
    return parent_sg


def remove_child_groups(estate, serial, parent, children):
    """Take child SGs out of their parent (``RemoveMembers`` with SG
    members); all or none.  Their devices leave the parent's views; the
    last devices of a parent in a view cannot leave."""
    estate.tick()
    arr = checks.array(estate, serial)
    parent_sg = checks.storage_group(arr, parent)
    checks.sg_unlocked(estate, arr, parent)
    wanted = []
    for name in children:
        checks.storage_group(arr, name)
        if name not in parent_sg.children or name in wanted:
            _refuse(errors.not_a_child(name, parent))
        checks.sg_unlocked(estate, arr, name)
        wanted.append(name)
    check_keeps_devices(arr, detached={parent: wanted})
    for name in wanted:
        mutate.detach_child(arr, parent_sg, arr.storage_groups[name])
    return parent_sg


def move_members(estate, serial, source, target, device_ids):
    """Move devices from SG ``source`` to SG ``target`` without
    disrupting host access (``MoveMembers``); all or none.

    Each device keeps its host LUN in every view and takes the target's
    service level, workload, compression and host I/O limits; its pool
    (and so capacity accounting) does not change.  Returns the target.
    """
    estate.tick()
    arr = checks.array(estate, serial)
    source_sg = checks.storage_group(arr, source)
    target_sg = checks.storage_group(arr, target)
    if source == target:
        _refuse(errors.move_same_group(source))
    checks.sg_unlocked(estate, arr, source)
    checks.sg_unlocked(estate, arr, target)
    check_can_hold_devices(arr, target_sg)
    if source_sg.fast_managed != target_sg.fast_managed:
        _refuse(errors.move_fast_mismatch(source, target))
    if source_sg.srp and target_sg.srp and source_sg.srp != target_sg.srp:
        _refuse(errors.move_srp_mismatch(source, source_sg.srp, target,
                                         target_sg.srp))
    devices = []
    for device_id in device_ids:
        checks.device(arr, device_id)
        if device_id not in source_sg.members or device_id in devices:
            _refuse(errors.device_not_in_group(device_id, source))
        if device_id in target_sg.members:
            _refuse(errors.device_already_in_group(device_id, target))
        devices.append(device_id)
    checks.sg_room(arr, target_sg, len(devices))
    taken = {}
    plans = [(device_id, _plan_luns(arr, device_id, source, target, taken))
             for device_id in devices]
    check_keeps_devices(arr, removed={source: devices},
                        added={target: devices})
    for device_id, luns in plans:
        mutate.move_device(arr, source_sg, target_sg, device_id, luns)
    return target_sg


def _plan_luns(arr, device_id, source, target, taken):
    """The host LUN of the device in each view that shows it after the
    move; refused when the move would change the (initiator group, port
    group) pairs it is masked to, or cannot keep its LUN."""
    before = arr.views_of_device(device_id)
    groups_after = [g for g in arr.groups_of_device(device_id)
                    if g != source] + [target]
    after = list(dict.fromkeys(view for group in groups_after
                               for view in arr.views_showing_group(group)))
    if _host_paths(arr, before) != _host_paths(arr, after):
        _refuse(errors.move_disruptive(device_id, source, target,
                                       sorted(before), sorted(after)),
                errors.CODE_IN_USE)
    old_luns = {}
    for name in sorted(before):
        view = arr.masking_views[name]
        old_luns.setdefault((view.initiator_group, view.port_group),
                            view.luns[device_id])
    luns = {}
    for name in after:
        view = arr.masking_views[name]
        lun = view.luns.get(device_id)
        if lun is None:
            # A view with the same host and ports: same LUN, or refused.
            lun = old_luns[(view.initiator_group, view.port_group)]
            if lun in view.luns.values() or lun in taken.get(name, ()):
                _refuse(errors.move_lun_taken(device_id, lun, name),
                        errors.CODE_IN_USE)
        taken.setdefault(name, set()).add(lun)
        luns[name] = lun
    return luns


def _host_paths(arr, view_names):
    return {(arr.masking_views[name].initiator_group,
             arr.masking_views[name].port_group) for name in view_names}
