"""Pieces shared by the group flows (consistency groups, generic volume
groups with consistent snapshots, group snapshots).

A flow's store is plain data and its keys are fixed when the flow is
built, so per-member data is flattened: ``member_count`` N, then
``<prefix>_0`` ... ``<prefix>_<N-1>`` (e.g. ``snapshot_0``,
``placement_0``).  :func:`flat` builds those keys for a request,
:func:`names` lists them for a task.
"""

from vmax_flows.flows import common
from vmax_flows.tasks import cg
from vmax_flows.tasks import cg_placed
from vmax_flows.tasks import checks

SAMPLE_GROUP_ID = '12121212-3434-4565-8787-909090909090'
SAMPLE_GROUP_SNAPSHOT_ID = 'abababab-cdcd-4efe-8f0f-a1a1a1a1a1a1'
SAMPLE_MEMBERS = 2


def name(prefix, index):
    return '%s_%d' % (prefix, index)


def names(prefix, count):
    return [name(prefix, i) for i in range(count)]


def flat(prefix, values):
    """``{<prefix>_<i>: value}`` for a request."""
    return {name(prefix, i): value for i, value in enumerate(values)}


def count(request, key='member_count'):
    return int(request.get(key) or 0)


def add_resolve_members(flow, client, operation, member_count, item,
                        placement, provides, missing_ok=False):
    """One ResolveDevice per member: ``item_i`` at ``placement_i``."""
    for i in range(member_count):
        flow.add(checks.ResolveDevice(
            client, common.step(operation, name('resolve_' + item, i)),
            provides=name(provides, i), item=name(item, i),
            placement=name(placement, i), missing_ok=missing_ok))


def add_create_targets(flow, client, request, operation, member_count,
                       item, provides):
    """Per member: its default storage group, then a device for
    ``item_i`` of the exact size of ``source_device_i`` (VMAX2: then into
    the FAST policy's group, if any)."""
    vmax3 = common.is_vmax3(request)
    for i in range(member_count):
        placement = name('placement', i)
        flow.add(cg_placed.EnsureStorageGroupAt(
            client, common.step(operation, name('ensure_storage_group', i)),
            placement=placement, provides=name('storage_group', i)))
        flow.add(cg_placed.CreateDeviceAt(
            client, common.step(operation, name('create_' + provides, i)),
            placement=placement, provides=name(provides, i),
            item=name(item, i), source=name('source_device', i)))
        if not vmax3 and request[placement].get('storage_group'):
            flow.add(cg_placed.AddToStorageGroupAt(
                client, common.step(operation,
                                    name('add_to_storage_group', i)),
                placement=placement, device=name(provides, i)))


def sample_items(family, kind, base_id, how_many=SAMPLE_MEMBERS,
                 located=True):
    """Sample member items (for graph dumps): ids derived from
    ``base_id``, devices 0001A, 0001B..."""
    items = []
    for i in range(how_many):
        location = common.sample_location(family, '%05X' % (0x1A + i)) \
            if located else None
        items.append(common.item(kind, '%s%d' % (base_id[:-1], i), 10,
                                 location=location))
    return items


def group(kind, object_id):
    return cg.group_item(kind, object_id)


def add_group_check(flow, client, request, operation):
    """A volume created in a consistency group: find the group's
    replication group before anything changes."""
    if request.get('group'):
        flow.add(cg.ResolveReplicationGroup(
            client, common.step(operation, 'resolve_replication_group')))


def add_group_membership(flow, client, request, operation):
    if request.get('group'):
        flow.add(cg.AddToReplicationGroup(
            client, common.step(operation, 'add_to_replication_group'),
            ['device']))


# -- requests (what the driver and tests put in the stores) -----------------

def group_request(group_id):
    """create_group / delete_group."""
    return {'group': group('group', group_id)}


def update_group_request(group_id, adds=(), add_placements=(), removes=(),
                         remove_placements=()):
    """update_group: volume items (located) and their placements."""
    request = {'group': group('group', group_id), 'add_count': len(adds),
               'remove_count': len(removes)}
    request.update(flat('add_volume', adds))
    request.update(flat('add_placement', add_placements))
    request.update(flat('remove_volume', removes))
    request.update(flat('remove_placement', remove_placements))
    return request


def group_snapshot_request(group_id, group_snapshot_id, sources, snapshots,
                           placements):
    """create_group_snapshot: source volume items (located), snapshot
    items and the sources' placements, in the same order."""
    request = {'group': group('group', group_id),
               'group_snapshot': group('group_snapshot', group_snapshot_id),
               'relationship_name': cg.group_item(
                   'group_snapshot', group_snapshot_id)['rg_name'],
               'member_count': len(sources),
               'placement': placements[0] if placements else None}
    request.update(flat('source', sources))
    request.update(flat('snapshot', snapshots))
    request.update(flat('placement', placements))
    return request


def delete_group_snapshot_request(group_id, group_snapshot_id, snapshots,
                                  placements):
    """delete_group_snapshot: snapshot items (located) and the placements
    of their volumes."""
    request = {'group': group('group', group_id),
               'group_snapshot': group('group_snapshot', group_snapshot_id),
               'member_count': len(snapshots)}
    request.update(flat('snapshot', snapshots))
    request.update(flat('placement', placements))
    return request


def group_from_source_request(group_id, source_kind, source_id, volumes,
                              placements, sources, source_placements):
    """create_group_from_src: the new volumes (items and placements) and
    their sources (snapshots of group snapshot ``source_id``, or volumes
    of group ``source_id``), in the same order."""
    request = {'group': group('group', group_id),
               'source': group(source_kind, source_id),
               'relationship_name': cg.group_item('group',
                                                  group_id)['rg_name'],
               'member_count': len(volumes),
               'placement': placements[0] if placements else None}
    request.update(flat('volume', volumes))
    request.update(flat('placement', placements))
    request.update(flat('source', sources))
    request.update(flat('source_placement', source_placements))
    return request
