"""Replication operations: SnapVX snapshots and links, VMAX2 clones, SRDF
pairs, replication (consistency) groups and group replicas.

Copy progress is driven by the clock (:func:`vmax_sim.model.jobs.tick`):
a new copying relationship starts with ``bytes_copied`` 0 and becomes
synchronized (``CopyState`` 4) once the source array's copy rate has
moved ``bytes_to_copy`` bytes.  Sessions are identified by ``rel_id``
(see :meth:`Estate.relationship_between` to find one by its devices).
"""

from vmax_sim.model import checks
from vmax_sim.model import errors
from vmax_sim.model import mutate
from vmax_sim.model import objects as o
from vmax_sim.model import volumes

# ModifyReplicaSynchronization operations.
OP_DETACH = 8
OP_DISSOLVE = 9
OP_FAILOVER = 10
OP_FAILBACK = 11
OP_RESYNC = 15
OP_RESYNC_ALT = 14   # the driver's constant; treated as Resync
OP_SUSPEND = 22


def _session_name(rel):
    return '%s:%s -> %s:%s' % (rel.source_serial, rel.source_device,
                               rel.target_serial, rel.target_device)


# -- SnapVX -----------------------------------------------------------------

def _check_snapshot(estate, arr, source, name, extra=1):
    checks.vmax3(arr, 'snapvx')
    checks.licensed(arr, 'snapvx')
    checks.device(arr, source)
    if not name:
        raise errors.ArrayError(errors.name_empty(o.KIND_SNAPSHOT),
                                errors.CODE_INVALID)
    if len(name) > arr.max_name_length:
        raise errors.ArrayError(
            errors.name_too_long(o.KIND_SNAPSHOT, name, arr.max_name_length),
            errors.CODE_INVALID)
    if len(arr.snapshots.get(source, ())) + extra > \
            arr.snapvx_max_per_source:
        raise errors.ArrayError(
            errors.snapvx_cap(source, arr.snapvx_max_per_source),
            errors.CODE_LIMIT)


def _apply_snapshot(estate, arr, source, name, created_at):
    snaps = arr.snapshots.setdefault(source, [])
    for older in snaps:
        if older.name == name:
            _set_generation(estate, arr, older, older.generation + 1)
    snap = o.Snapshot(source=source, name=name, snap_id=arr.next_snap_id,
                      generation=0, created_at=created_at)
    arr.next_snap_id += 1
    snaps.append(snap)
    return snap


def _set_generation(estate, arr, snap, generation):
    snap.generation = generation
    for rel in estate.relationships_of(arr.serial, snap.source):
        if rel.snap_id == snap.snap_id and \
                rel.source_key == (arr.serial, snap.source):
            rel.generation = generation


def _check_target(estate, arr, source_dev, target_id, sync_type):
    target = checks.device(arr, target_id)
    if target_id == source_dev.device_id:
        raise errors.ArrayError(errors.same_device(target_id),
                                errors.CODE_INVALID)
    checks.not_copy_target(estate, arr.serial, target_id)
    if target.size_bytes < source_dev.size_bytes:
        raise errors.ArrayError(
            errors.target_too_small(target_id, target.size_bytes,
                                    source_dev.device_id,
                                    source_dev.size_bytes),
            errors.CODE_INVALID)
    if sync_type == o.SYNC_TYPE_CLONE and arr.snapshots.get(target_id):
        raise errors.ArrayError(errors.device_is_source(target_id),
                                errors.CODE_IN_USE)
    return target


def _new_relationship(estate, sync_type, source_serial, source_device,
                      target_serial, target_device, size_bytes, copy=True,
                      **extra):
    to_copy = size_bytes if copy else 0
    rel = o.Relationship(
        rel_id=mutate.next_rel_id(estate), sync_type=sync_type,
        source_serial=source_serial, source_device=source_device,
        target_serial=target_serial, target_device=target_device,
        copy=copy, bytes_to_copy=to_copy, created_at=estate.clock.now(),
        **extra)
    if not to_copy:
        rel.copy_state = o.COPY_STATE_SYNCHRONIZED
        rel.sync_state = o.SYNC_STATE_SYNCHRONIZED
    mutate.add_relationship(estate, rel)
    _inherit_content(estate, rel)
    return rel


_VIA = {o.SYNC_TYPE_SNAPSHOT: 'snapvx', o.SYNC_TYPE_CLONE: 'clone',
        o.SYNC_TYPE_MIRROR: 'srdf'}


def _inherit_content(estate, rel):
    """The target now holds the source's data: record where it came from
    (see ``Device.lineage``).  A SnapVX target holds the data of the
    snapshot's point in time, the others the data of now."""
    source = estate.arrays[rel.source_serial].devices[rel.source_device]
    target = estate.arrays[rel.target_serial].devices[rel.target_device]
    point_in_time = estate.clock.now()
    if rel.sync_type == o.SYNC_TYPE_SNAPSHOT:
        for snap in estate.arrays[rel.source_serial].snapshots.get(
                rel.source_device, ()):
            if snap.snap_id == rel.snap_id:
                point_in_time = snap.created_at
                break
    origin = {'serial': rel.source_serial, 'device_id': rel.source_device,
              'wwn': source.wwn, 'label': source.label,
              'point_in_time': point_in_time, 'via': _VIA[rel.sync_type]}
    target.lineage = [origin] + [dict(entry) for entry in source.lineage]


def create_snapshot(estate, serial, source, name):
    """Take a SnapVX snapshot ``name`` of ``source`` (no link); reusing a
    name makes the older snapshots of that name one generation older.
    Refused past the per-source cap or without a SnapVX licence."""
    estate.tick()
    arr = checks.array(estate, serial)
    _check_snapshot(estate, arr, source, name)
    return _apply_snapshot(estate, arr, source, name, estate.clock.now())


def link_snapshot(estate, serial, source, name, target, *, generation=0,
                  copy=True):
    """Link an existing snapshot to the existing device ``target``
    (copy or no-copy); returns the :class:`~objects.Relationship`."""
    estate.tick()
    arr = checks.array(estate, serial)
    checks.licensed(arr, 'snapvx')
    snap = checks.snapshot(arr, source, name, generation)
    source_dev = checks.device(arr, source)
    _check_target(estate, arr, source_dev, target, o.SYNC_TYPE_SNAPSHOT)
    return _new_relationship(
        estate, o.SYNC_TYPE_SNAPSHOT, serial, source, serial, target,
        source_dev.size_bytes, copy=copy, snapshot_name=snap.name,
        snap_id=snap.snap_id, generation=snap.generation)


def create_snapvx_replica(estate, serial, source, name, *, target=None,
                          target_label=None, target_storage_group=None,
                          copy=True):
    """``CreateElementReplica`` SyncType 7: snapshot ``source`` as
    ``name`` and link it to a target, all or nothing.

    With ``target`` the existing device is linked; without it the array
    creates a target of the source's size labelled ``target_label``
    (default ``name``) in ``target_storage_group`` (else in the source's
    SRP).  Returns the link relationship.
    """
    estate.tick()
    arr = checks.array(estate, serial)
    _check_snapshot(estate, arr, source, name)
    source_dev = checks.device(arr, source)
    label = name if target_label is None else target_label
    if target is not None:
        _check_target(estate, arr, source_dev, target, o.SYNC_TYPE_SNAPSHOT)
        placement = None
    else:
        placement = volumes._plan_create(
            estate, arr, label, source_dev.size_bytes, target_storage_group,
            None if target_storage_group else source_dev.pool, True, True,
            None, False, 1)
    snap = _apply_snapshot(estate, arr, source, name, estate.clock.now())
    if placement is not None:
        target = volumes._apply_create(estate, arr, label,
                                       source_dev.size_bytes, placement,
                                       True).device_id
    return _new_relationship(
        estate, o.SYNC_TYPE_SNAPSHOT, serial, source, serial, target,
        source_dev.size_bytes, copy=copy, snapshot_name=snap.name,
        snap_id=snap.snap_id, generation=snap.generation)


def unlink_snapshot(estate, rel_id, force=False):
    """Unlink a SnapVX target; the snapshot stays.  Refused while the
    copy is in progress unless ``force``."""
    estate.tick()
    rel = checks.relationship(estate, rel_id)
    _check_not_copying(rel, 'unlink', force)
    mutate.remove_relationship(estate, rel.rel_id)


def terminate_snapshot(estate, serial, source, name, generation=0):
    """Terminate a snapshot with no linked target; older snapshots of the
    same name move one generation up."""
    estate.tick()
    arr = checks.array(estate, serial)
    snap = checks.snapshot(arr, source, name, generation)
    links = _links_of(estate, arr, snap)
    if links:
        raise errors.ArrayError(
            errors.snapshot_has_links(source, name, len(links)),
            errors.CODE_IN_USE)
    _remove_snapshot(estate, arr, snap)


def _links_of(estate, arr, snap):
    return [rel for rel in estate.relationships_of(arr.serial, snap.source)
            if rel.sync_type == o.SYNC_TYPE_SNAPSHOT
            and rel.snap_id == snap.snap_id
            and rel.source_key == (arr.serial, snap.source)]


def _remove_snapshot(estate, arr, snap):
    snaps = arr.snapshots[snap.source]
    snaps.remove(snap)
    for other in snaps:
        if other.name == snap.name and other.generation > snap.generation:
            _set_generation(estate, arr, other, other.generation - 1)
    if not snaps:
        del arr.snapshots[snap.source]


# -- clone (VMAX2 TimeFinder) -----------------------------------------------

def create_clone(estate, serial, source, *, target=None, target_label=None,
                 target_storage_group=None, target_pool=None):
    """``CreateElementReplica`` SyncType 8: a full-copy clone of
    ``source`` to ``target`` or to a new device of the source's size
    (labelled ``target_label``, in ``target_pool`` or the source's pool,
    joining ``target_storage_group``).  Returns the relationship."""
    estate.tick()
    arr = checks.array(estate, serial)
    checks.licensed(arr, 'clone')
    source_dev = checks.device(arr, source)
    if target is not None:
        _check_target(estate, arr, source_dev, target, o.SYNC_TYPE_CLONE)
        placement = None
        label = None
    else:
        label = target_label or source_dev.label
        placement = volumes._plan_create(
            estate, arr, label, source_dev.size_bytes, target_storage_group,
            target_pool or source_dev.pool, source_dev.thin, True, None,
            False, 1)
    if placement is not None:
        target = volumes._apply_create(estate, arr, label,
                                       source_dev.size_bytes, placement,
                                       True).device_id
    return _new_relationship(estate, o.SYNC_TYPE_CLONE, serial, source,
                             serial, target, source_dev.size_bytes)


# -- SRDF -------------------------------------------------------------------

def create_srdf_pair(estate, serial, source, remote_serial, target,
                     rdf_group, *, mode=o.MODE_SYNCHRONOUS):
    """``CreateElementReplica`` SyncType 6: pair ``source`` (R1 on
    ``serial``) with ``target`` (R2 on ``remote_serial``) in the local
    RDF group number ``rdf_group``; the initial copy runs with the clock.
    """
    estate.tick()
    arr = checks.array(estate, serial)
    remote = checks.array(estate, remote_serial)
    checks.licensed(arr, 'srdf')
    checks.licensed(remote, 'srdf')
    group = checks.rdf_group(arr, rdf_group)
    if group.remote_serial != remote_serial:
        raise errors.ArrayError(
            errors.rdf_remote_mismatch(group.number, serial, remote_serial),
            errors.CODE_INVALID)
    if not group.online:
        raise errors.ArrayError(errors.rdf_group_offline(group.number,
                                                         serial),
                                errors.CODE_INVALID)
    source_dev = checks.device(arr, source)
    target_dev = checks.device(remote, target)
    if (serial, source) == (remote_serial, target):
        raise errors.ArrayError(errors.same_device(source),
                                errors.CODE_INVALID)
    checks.not_copy_target(estate, remote_serial, target)
    for rel in estate.relationships_of(serial, source):
        if rel.sync_type == o.SYNC_TYPE_MIRROR:
            raise errors.ArrayError(errors.device_in_use_by_copy(source),
                                    errors.CODE_IN_USE)
    if target_dev.size_bytes < source_dev.size_bytes:
        raise errors.ArrayError(
            errors.target_too_small(target, target_dev.size_bytes, source,
                                    source_dev.size_bytes),
            errors.CODE_INVALID)
    return _new_relationship(estate, o.SYNC_TYPE_MIRROR, serial, source,
                             remote_serial, target, source_dev.size_bytes,
                             mode=mode, rdf_group=group.number)


# -- session state changes --------------------------------------------------

def _check_not_copying(rel, action, force):
    if rel.copying and not force:
        raise errors.ArrayError(
            errors.copy_in_progress(
                action, '%s:%s' % rel.source_key, '%s:%s' % rel.target_key,
                rel.percent_synced),
            errors.CODE_COPY_STATE)


def _dissolve(estate, rel):
    """Remove a relationship; a SnapVX snapshot left without links is
    terminated with it (the target becomes independent)."""
    mutate.remove_relationship(estate, rel.rel_id)
    if rel.sync_type == o.SYNC_TYPE_SNAPSHOT and rel.snap_id is not None:
        arr = estate.arrays[rel.source_serial]
        for snap in arr.snapshots.get(rel.source_device, ()):
            if snap.snap_id == rel.snap_id:
                if not _links_of(estate, arr, snap):
                    _remove_snapshot(estate, arr, snap)
                break


def dissolve(estate, rel_id, force=False):
    """Dissolve (Operation 9): unlink / end the session; refused while
    copying unless ``force``.  SnapVX: the snapshot goes too when no other
    target is linked to it.  SRDF: as :func:`detach`."""
    estate.tick()
    rel = checks.relationship(estate, rel_id)
    if rel.sync_type == o.SYNC_TYPE_MIRROR:
        return detach(estate, rel_id, force)
    _check_not_copying(rel, 'dissolve', force)
    _dissolve(estate, rel)


def detach(estate, rel_id, force=False):
    """Detach (Operation 8).  Clone / SnapVX: refused while copying unless
    ``force``.  SRDF: the pair must be suspended or failed over first
    unless ``force``."""
    estate.tick()
    rel = checks.relationship(estate, rel_id)
    if rel.sync_type == o.SYNC_TYPE_MIRROR:
        if not (rel.suspended or rel.failed_over or force):
            raise errors.ArrayError(
                errors.operation_not_valid('detach', _session_name(rel),
                                           'not suspended'),
                errors.CODE_COPY_STATE)
        mutate.remove_relationship(estate, rel.rel_id)
        return
    _check_not_copying(rel, 'detach', force)
    _dissolve(estate, rel)


def _srdf(estate, rel_id, action):
    estate.tick()
    rel = checks.relationship(estate, rel_id)
    if rel.sync_type != o.SYNC_TYPE_MIRROR:
        raise errors.ArrayError(
            errors.operation_not_valid(action, _session_name(rel),
                                       'not an SRDF pair'),
            errors.CODE_INVALID)
    return rel


def _refresh_srdf_state(estate, rel):
    if rel.failed_over:
        rel.copy_state = o.COPY_STATE_FAILED_OVER
        rel.sync_state = o.SYNC_STATE_FAILED_OVER
    elif rel.suspended:
        rel.copy_state = o.COPY_STATE_SUSPENDED
        rel.sync_state = o.SYNC_STATE_SUSPENDED
    elif rel.copying:
        rel.copy_state = o.COPY_STATE_IN_PROGRESS
        rel.sync_state = o.SYNC_STATE_COPY_IN_PROGRESS
    else:
        rel.copy_state = o.COPY_STATE_SYNCHRONIZED
        rel.sync_state = o.SYNC_STATE_SYNCHRONIZED
    if rel.copying and not rel.suspended and not rel.failed_over:
        estate._copying[rel.rel_id] = None


def suspend(estate, rel_id, force=False):
    """Suspend an SRDF pair (Operation 22); the copy stops."""
    rel = _srdf(estate, rel_id, 'suspend')
    if rel.suspended or rel.failed_over:
        raise errors.ArrayError(
            errors.operation_not_valid(
                'suspend', _session_name(rel),
                'failed over' if rel.failed_over else 'already suspended'),
            errors.CODE_COPY_STATE)
    rel.suspended = True
    _refresh_srdf_state(estate, rel)


def resync(estate, rel_id, force=False):
    """Resume a suspended SRDF pair (Operation 15); a copy that had not
    finished continues with the clock."""
    rel = _srdf(estate, rel_id, 'resume')
    if not rel.suspended or rel.failed_over:
        raise errors.ArrayError(
            errors.operation_not_valid(
                'resume', _session_name(rel),
                'failed over' if rel.failed_over else 'not suspended'),
            errors.CODE_COPY_STATE)
    rel.suspended = False
    _refresh_srdf_state(estate, rel)


def failover(estate, rel_id, force=False):
    """Fail an SRDF pair over to R2 (Operation 10)."""
    rel = _srdf(estate, rel_id, 'fail over')
    if rel.failed_over:
        raise errors.ArrayError(
            errors.operation_not_valid('fail over', _session_name(rel),
                                       'already failed over'),
            errors.CODE_COPY_STATE)
    rel.failed_over = True
    _refresh_srdf_state(estate, rel)


def failback(estate, rel_id, force=False):
    """Fail an SRDF pair back to R1 (Operation 11); the pair resumes."""
    rel = _srdf(estate, rel_id, 'fail back')
    if not rel.failed_over:
        raise errors.ArrayError(
            errors.operation_not_valid('fail back', _session_name(rel),
                                       'not failed over'),
            errors.CODE_COPY_STATE)
    rel.failed_over = False
    rel.suspended = False
    _refresh_srdf_state(estate, rel)


_OPERATIONS = {
    OP_DETACH: detach,
    OP_DISSOLVE: dissolve,
    OP_FAILOVER: failover,
    OP_FAILBACK: failback,
    OP_RESYNC: resync,
    OP_RESYNC_ALT: resync,
    OP_SUSPEND: suspend,
}


def modify_synchronization(estate, rel_id, operation, force=False):
    """``ModifyReplicaSynchronization`` on one pair: 8 Detach,
    9 Dissolve, 10 Failover, 11 Failback, 15 (or 14) Resync,
    22 Suspend."""
    try:
        func = _OPERATIONS[int(operation)]
    except (KeyError, ValueError, TypeError):
        raise errors.ArrayError(
            errors.operation_not_valid('apply operation %s to' % operation,
                                       rel_id, 'not supported'),
            errors.CODE_INVALID)
    return func(estate, rel_id, force)


# -- replication groups -----------------------------------------------------

def create_replication_group(estate, serial, name, members=()):
    """Create a replication (consistency) group of existing devices."""
    estate.tick()
    arr = checks.array(estate, serial)
    checks.new_name(arr, o.KIND_RG, name, arr.replication_groups)
    devices = _check_rg_additions(arr, None, members)
    rg = o.ReplicationGroup(name=name, created_at=estate.clock.now())
    arr.replication_groups[name] = rg
    for device_id in devices:
        mutate.join_replication_group(arr, rg, device_id)
    return rg


def _check_rg_additions(arr, rg, members):
    devices = []
    for device_id in members:
        checks.device(arr, device_id)
        if device_id in devices or (rg is not None
                                    and device_id in rg.members):
            raise errors.ArrayError(
                errors.member_already_in_group(o.KIND_RG, device_id,
                                               rg.name if rg else ''),
                errors.CODE_INVALID)
        devices.append(device_id)
    return devices


def delete_replication_group(estate, serial, name, remove_elements=False):
    """Delete a replication group; a non-empty one only with
    ``remove_elements`` (members are released, not deleted)."""
    estate.tick()
    arr = checks.array(estate, serial)
    rg = checks.replication_group(arr, name)
    if rg.members and not remove_elements:
        raise errors.ArrayError(errors.rg_not_empty(name, len(rg.members)),
                                errors.CODE_IN_USE)
    mutate.remove_replication_group(arr, name)


def add_replication_group_members(estate, serial, name, members):
    estate.tick()
    arr = checks.array(estate, serial)
    rg = checks.replication_group(arr, name)
    for device_id in _check_rg_additions(arr, rg, members):
        mutate.join_replication_group(arr, rg, device_id)
    return rg


def remove_replication_group_members(estate, serial, name, members):
    estate.tick()
    arr = checks.array(estate, serial)
    rg = checks.replication_group(arr, name)
    wanted = []
    for device_id in members:
        if device_id not in rg.members or device_id in wanted:
            raise errors.ArrayError(
                errors.member_not_in_group(o.KIND_RG, device_id, name),
                errors.CODE_INVALID)
        wanted.append(device_id)
    for device_id in wanted:
        mutate.leave_replication_group(arr, rg, device_id)
    return rg


def create_group_replica(estate, serial, relationship_name, source_group,
                         target_group, *, sync_type=o.SYNC_TYPE_SNAPSHOT,
                         copy=True):
    """``CreateGroupReplica``: pair source member i with target member i.

    SyncType 7 takes one SnapVX snapshot per source member, all with the
    same point in time, named ``relationship_name``, and links each to
    its target; SyncType 8 clones each member.  All or nothing.
    """
    estate.tick()
    arr = checks.array(estate, serial)
    source_rg = checks.replication_group(arr, source_group)
    target_rg = checks.replication_group(arr, target_group)
    if not source_rg.members:
        raise errors.ArrayError(errors.rg_empty(source_group),
                                errors.CODE_INVALID)
    if len(source_rg.members) != len(target_rg.members):
        raise errors.ArrayError(
            errors.rg_size_mismatch(source_group, len(source_rg.members),
                                    target_group, len(target_rg.members)),
            errors.CODE_INVALID)
    pairs = list(zip(source_rg.members, target_rg.members))
    if sync_type == o.SYNC_TYPE_SNAPSHOT:
        for source, _target in pairs:
            _check_snapshot(estate, arr, source, relationship_name)
    elif sync_type == o.SYNC_TYPE_CLONE:
        checks.licensed(arr, 'clone')
    else:
        raise errors.ArrayError(
            errors.operation_not_valid('create', 'group replica',
                                       'of SyncType %s' % sync_type),
            errors.CODE_INVALID)
    targets = set()
    for source, target in pairs:
        if target in targets:
            raise errors.ArrayError(errors.device_in_use_by_copy(target),
                                    errors.CODE_IN_USE)
        targets.add(target)
        _check_target(estate, arr, arr.devices[source], target, sync_type)
    point_in_time = estate.clock.now()
    rel_ids = []
    for source, target in pairs:
        size = arr.devices[source].size_bytes
        if sync_type == o.SYNC_TYPE_SNAPSHOT:
            snap = _apply_snapshot(estate, arr, source, relationship_name,
                                   point_in_time)
            rel = _new_relationship(
                estate, sync_type, serial, source, serial, target, size,
                copy=copy, snapshot_name=snap.name, snap_id=snap.snap_id,
                generation=snap.generation)
        else:
            rel = _new_relationship(estate, sync_type, serial, source,
                                    serial, target, size)
        rel_ids.append(rel.rel_id)
    group_rel = o.GroupRelationship(
        group_rel_id=estate.next_group_rel_id, serial=serial,
        source_group=source_group, target_group=target_group,
        relationship_name=relationship_name, sync_type=sync_type,
        member_rel_ids=rel_ids, created_at=point_in_time)
    estate.next_group_rel_id += 1
    estate.group_relationships[group_rel.group_rel_id] = group_rel
    return group_rel


def group_copy_state(estate, group_rel):
    """``CopyState`` of a group relationship: synchronized when every
    member pair is."""
    for rel_id in group_rel.member_rel_ids:
        rel = estate.relationships.get(rel_id)
        if rel is not None and rel.copy_state != o.COPY_STATE_SYNCHRONIZED:
            return o.COPY_STATE_IN_PROGRESS
    return o.COPY_STATE_SYNCHRONIZED


def dissolve_group_relationship(estate, group_rel_id, force=False):
    """Dissolve (or detach) a group replica: every member pair ends;
    refused while any member is copying unless ``force``."""
    estate.tick()
    group_rel = checks.group_relationship(estate, group_rel_id)
    members = [estate.relationships[r] for r in group_rel.member_rel_ids
               if r in estate.relationships]
    for rel in members:
        _check_not_copying(rel, 'dissolve', force)
    for rel in members:
        _dissolve(estate, rel)
    del estate.group_relationships[group_rel.group_rel_id]


def modify_group_synchronization(estate, group_rel_id, operation,
                                 force=False):
    """``ModifyReplicaSynchronization`` on a group pair: 8 Detach and
    9 Dissolve end it."""
    if int(operation) not in (OP_DETACH, OP_DISSOLVE):
        raise errors.ArrayError(
            errors.operation_not_valid('apply operation %s to' % operation,
                                       'group %s' % group_rel_id,
                                       'not supported'),
            errors.CODE_INVALID)
    dissolve_group_relationship(estate, group_rel_id, force)
