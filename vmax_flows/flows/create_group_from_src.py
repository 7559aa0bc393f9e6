"""create_group_from_src: a new consistency group whose volumes are
copies of a group snapshot's snapshots or of a source group's volumes.

Reads first (licence, the source's replication group -- the group
snapshot's or the source group's -- every source device and their order
in it); then per volume a device of its source's exact size in its
default storage group; the new group's replication group holding them in
the order of their sources; one ``CreateGroupReplica`` (a source group is
copied at one point in time); wait for the copy; and finally dissolve
(VMAX3) or detach (VMAX2) it so the new volumes are independent -- the
one irreversible step, last.
"""

from vmax_flows.flows import cg_common
from vmax_flows.flows import common
from vmax_flows.tasks import cg
from vmax_flows.tasks import checks

OPERATION = 'create_group_from_src'
DESCRIPTION = 'Create a group\'s volumes as copies of a group snapshot or ' \
              'a group (CreateGroupReplica + dissolve).'
RESULT = 'replication_group'


def result_names(request):
    """Store names of the new volumes' devices, in request order."""
    return cg_common.names('device', cg_common.count(request))


def build(client, request):
    members = cg_common.count(request)
    flow = common.linear(OPERATION)
    flow.add(checks.CheckReplicationLicence(
        client, common.step(OPERATION, 'check_licence')))
    flow.add(cg.ResolveReplicationGroup(
        client, common.step(OPERATION, 'resolve_source_group'),
        group='source', provides='source_group'))
    cg_common.add_resolve_members(flow, client, OPERATION, members,
                                  'source', 'source_placement',
                                  'source_device')
    flow.add(cg.PlanGroupReplica(
        client, common.step(OPERATION, 'plan_group_replica'),
        cg_common.names('source_device', members)))
    cg_common.add_create_targets(flow, client, request, OPERATION, members,
                                 'volume', 'device')
    flow.add(cg.EnsureReplicationGroup(
        client, common.step(OPERATION, 'ensure_replication_group')))
    flow.add(cg.AddToReplicationGroup(
        client, common.step(OPERATION, 'add_to_replication_group'),
        cg_common.names('device', members), order='replica_plan'))
    flow.add(cg.CreateGroupReplica(
        client, common.step(OPERATION, 'create_group_replica')))
    flow.add(cg.WaitForGroupCopy(
        client, common.step(OPERATION, 'wait_for_group_copy')))
    flow.add(cg.FinishGroupReplica(
        client, common.step(OPERATION, 'finish_group_replica')))
    return flow


def sample_request(family, source_kind='group_snapshot'):
    if source_kind == 'group_snapshot':
        source_id = cg_common.SAMPLE_GROUP_SNAPSHOT_ID
        sources = cg_common.sample_items(family, 'snapshot',
                                         common.SAMPLE_SNAPSHOT_ID)
    else:
        source_id = cg_common.SAMPLE_GROUP_ID
        sources = cg_common.sample_items(family, 'volume',
                                         common.SAMPLE_SOURCE_ID)
    volumes = cg_common.sample_items(family, 'volume',
                                     common.SAMPLE_VOLUME_ID, located=False)
    placements = [common.sample_placement(family)] * len(volumes)
    return cg_common.group_from_source_request(
        '34343434-5656-4787-9898-a9a9a9a9a9a9', source_kind, source_id,
        volumes, placements, sources, placements)
