"""delete_group_snapshot: remove a group snapshot's devices and its
replication group.

Resolve (anything may already be gone), take the snapshot devices out of
their storage groups (revertible), end the group replica -- every SnapVX
link and its snapshot, or clone -- then break any pair left, delete the
devices and finally the group snapshot's replication group.
"""

from vmax_flows.flows import cg_common
from vmax_flows.flows import common
from vmax_flows.tasks import cg
from vmax_flows.tasks import devices
from vmax_flows.tasks import groups
from vmax_flows.tasks import replication

OPERATION = 'delete_group_snapshot'
DESCRIPTION = 'End a group snapshot\'s replica, delete its devices and ' \
              'its replication group.'
RESULT = None


def build(client, request):
    members = cg_common.count(request)
    flow = common.linear(OPERATION)
    flow.add(cg.ResolveReplicationGroup(
        client, common.step(OPERATION, 'resolve_source_group'),
        provides='source_group', missing_ok=True))
    flow.add(cg.ResolveReplicationGroup(
        client, common.step(OPERATION, 'resolve_target_group'),
        group='group_snapshot', missing_ok=True))
    cg_common.add_resolve_members(flow, client, OPERATION, members,
                                  'snapshot', 'placement', 'target_device',
                                  missing_ok=True)
    for i in range(members):
        flow.add(groups.RemoveFromStorageGroups(
            client, common.step(OPERATION, cg_common.name(
                'remove_from_storage_groups', i)),
            device=cg_common.name('target_device', i),
            provides=cg_common.name('left_groups', i)))
    flow.add(cg.EndGroupReplica(
        client, common.step(OPERATION, 'end_group_replica')))
    for i in range(members):
        flow.add(replication.BreakPairs(
            client, common.step(OPERATION, cg_common.name('break_pairs', i)),
            device=cg_common.name('target_device', i)))
    for i in range(members):
        flow.add(devices.DeleteDevice(
            client, common.step(OPERATION, cg_common.name('delete_device',
                                                          i)),
            device=cg_common.name('target_device', i)))
    flow.add(cg.DeleteReplicationGroup(
        client, common.step(OPERATION, 'delete_target_group')))
    return flow


def sample_request(family):
    snapshots = cg_common.sample_items(family, 'snapshot',
                                       common.SAMPLE_SNAPSHOT_ID)
    placement = common.sample_placement(family)
    return cg_common.delete_group_snapshot_request(
        cg_common.SAMPLE_GROUP_ID, cg_common.SAMPLE_GROUP_SNAPSHOT_ID,
        snapshots, [placement] * len(snapshots))
