"""create_group_snapshot: a consistent snapshot of every volume of a
consistency group.

Reads first (licence, the group's replication group, every source
device, and their order in the group); then one target device per
snapshot, labelled ``OS-<snapshot uuid>`` and of its source's exact size,
in the source's default storage group; a replication group
``OS-<group snapshot uuid>`` holding the targets in the order of their
sources; finally one ``CreateGroupReplica``: SnapVX snapshots of every
member taken at one point in time and linked with copy to the targets
(VMAX3; the flow waits for the copy), or TimeFinder clones (VMAX2).  The
links are kept until the group snapshot is deleted, as for single
snapshots, so each snapshot can also be used on its own
(create_volume_from_snapshot).
"""

from vmax_flows.flows import cg_common
from vmax_flows.flows import common
from vmax_flows.tasks import cg
from vmax_flows.tasks import checks

OPERATION = 'create_group_snapshot'
DESCRIPTION = 'Snapshot every volume of a group at one point in time ' \
              '(CreateGroupReplica).'
RESULT = 'replication_group'


def result_names(request):
    """Store names of the snapshot devices, in request order."""
    return cg_common.names('target_device', cg_common.count(request))


def build(client, request):
    members = cg_common.count(request)
    flow = common.linear(OPERATION)
    flow.add(checks.CheckReplicationLicence(
        client, common.step(OPERATION, 'check_licence')))
    flow.add(cg.ResolveReplicationGroup(
        client, common.step(OPERATION, 'resolve_source_group'),
        provides='source_group'))
    cg_common.add_resolve_members(flow, client, OPERATION, members,
                                  'source', 'placement', 'source_device')
    flow.add(cg.PlanGroupReplica(
        client, common.step(OPERATION, 'plan_group_replica'),
        cg_common.names('source_device', members)))
    cg_common.add_create_targets(flow, client, request, OPERATION, members,
                                 'snapshot', 'target_device')
    flow.add(cg.EnsureReplicationGroup(
        client, common.step(OPERATION, 'ensure_target_group'),
        group='group_snapshot'))
    flow.add(cg.AddToReplicationGroup(
        client, common.step(OPERATION, 'add_targets_to_group'),
        cg_common.names('target_device', members), order='replica_plan'))
    flow.add(cg.CreateGroupReplica(
        client, common.step(OPERATION, 'create_group_replica')))
    if common.is_vmax3(request):
        # Normally one poll: the replica was made with WaitForCopyState.
        flow.add(cg.WaitForGroupCopy(
            client, common.step(OPERATION, 'wait_for_group_copy')))
    return flow


def sample_request(family):
    sources = cg_common.sample_items(family, 'volume',
                                     common.SAMPLE_SOURCE_ID)
    snapshots = cg_common.sample_items(family, 'snapshot',
                                       common.SAMPLE_SNAPSHOT_ID,
                                       located=False)
    placement = common.sample_placement(family)
    return cg_common.group_snapshot_request(
        cg_common.SAMPLE_GROUP_ID, cg_common.SAMPLE_GROUP_SNAPSHOT_ID,
        sources, snapshots, [placement] * len(sources))
