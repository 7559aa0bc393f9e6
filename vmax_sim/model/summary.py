"""Readable text of an estate (for the CLI and for test failure output)."""

from vmax_sim.model import objects as o
from vmax_sim.model import replication

_TYPE_NAMES = {o.SYNC_TYPE_MIRROR: 'SRDF', o.SYNC_TYPE_SNAPSHOT: 'SnapVX',
               o.SYNC_TYPE_CLONE: 'clone'}


def _gib(size_bytes):
    return '%.1f GiB' % (size_bytes / o.GIB)


def _array_lines(estate, arr):
    yield 'Array %s (%s %s, %s, %s)' % (
        arr.serial, arr.family, arr.model, arr.microcode,
        'All Flash' if arr.all_flash else 'hybrid')
    licensed = sorted(f for f, on in arr.licences.items() if on)
    yield '  licences: %s' % (', '.join(licensed) or 'none')
    yield '  pools:'
    for pool in arr.pools.values():
        usage = arr.pool_usage(pool.name)
        yield ('    %s (%s): total %s, subscribed %s, remaining %s, '
               'free %s' % (pool.name, pool.kind, _gib(usage.total_bytes),
                            _gib(usage.subscribed_bytes),
                            _gib(usage.remaining_bytes),
                            _gib(usage.free_bytes)))
    for policy in arr.fast_policies.values():
        yield '  FAST policy %s: %s' % (policy.name, ', '.join(
            '%s=%s' % (t.name, '+'.join(t.pools)) for t in policy.tiers))
    yield '  devices: %d' % len(arr.devices)
    for dev in arr.devices.values():
        if dev.is_meta_member:
            continue
        extras = []
        if dev.is_composite:
            extras.append('meta of %d' % (len(dev.meta_members) + 1))
        if not dev.bound:
            extras.append('unbound')
        groups = arr.groups_of_device(dev.device_id)
        yield '    %s %-40s %10s %s%s%s' % (
            dev.device_id, dev.label or '-', _gib(dev.size_bytes),
            dev.pool or '-',
            ' sg=' + ','.join(groups) if groups else '',
            ' (%s)' % ', '.join(extras) if extras else '')
    for sg in arr.storage_groups.values():
        setting = sg.fast_setting
        locked = (' locked' if sg.session_held_until is not None
                  and estate.clock.now() < sg.session_held_until else '')
        parent = arr.parent_of_group(sg.name)
        if sg.children:
            content = 'parent of %s (%d devices)' % (
                ', '.join(sg.children),
                len(arr.devices_of_group(sg.name)))
        else:
            content = '%d devices' % len(sg.members)
        yield '  SG %s%s: %s%s%s' % (
            sg.name, ' [%s]' % setting if setting else '', content,
            ', child of %s' % parent if parent else '', locked)
    for ig in arr.initiator_groups.values():
        yield '  IG %s: %s' % (ig.name, ', '.join(ig.hardware_ids) or '-')
    for pg in arr.port_groups.values():
        yield '  PG %s: %s' % (pg.name, ', '.join(
            p + ('' if arr.ports[p].online else ' (offline)')
            for p in pg.ports) or '-')
    for view in arr.masking_views.values():
        yield '  view %s: sg=%s ig=%s pg=%s luns=%s' % (
            view.name, view.storage_group, view.initiator_group,
            view.port_group, ', '.join('%s:%d' % item for item in
                                       sorted(view.luns.items())) or '-')
    for source, snaps in arr.snapshots.items():
        for snap in snaps:
            yield '  snapshot %s of %s gen %d' % (snap.name, source,
                                                  snap.generation)
    for rg in arr.replication_groups.values():
        yield '  replication group %s: %s' % (rg.name,
                                              ', '.join(rg.members) or '-')
    for group in arr.rdf_groups.values():
        yield '  RDF group %d %s -> %s/%d%s' % (
            group.number, group.label, group.remote_serial,
            group.remote_number, '' if group.online else ' (offline)')
    for rel in estate.relationships.values():
        if rel.source_serial != arr.serial:
            continue
        state = ('failed over' if rel.failed_over else 'suspended'
                 if rel.suspended else 'synchronized' if not rel.copying
                 else 'copying %d%%' % rel.percent_synced)
        yield '  session %d %s %s -> %s:%s%s: %s' % (
            rel.rel_id, _TYPE_NAMES.get(rel.sync_type, rel.sync_type),
            rel.source_device, rel.target_serial, rel.target_device,
            ' (%s gen %d)' % (rel.snapshot_name, rel.generation)
            if rel.snapshot_name else '', state)
    for group_rel in estate.group_relationships.values():
        if group_rel.serial == arr.serial:
            yield '  group session %d %s: %s -> %s (%d pairs, %s)' % (
                group_rel.group_rel_id, group_rel.relationship_name,
                group_rel.source_group, group_rel.target_group,
                len(group_rel.member_rel_ids),
                'synchronized' if replication.group_copy_state(
                    estate, group_rel) == o.COPY_STATE_SYNCHRONIZED
                else 'copying')


def render(estate, serial=None):
    """Text of one array (``serial``) or of every array."""
    lines = []
    for arr in estate.arrays.values():
        if serial is None or arr.serial == serial:
            lines.extend(_array_lines(estate, arr))
    running = estate.running_jobs()
    if running:
        lines.append('running jobs: %s' % ', '.join(
            '%d %s' % (j.job_id, j.method) for j in running))
    return '\n'.join(lines)
