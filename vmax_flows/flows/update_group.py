"""update_group: add volumes to and remove volumes from a consistency
group's replication group.

Every device is resolved first (a volume to add must exist; one to
remove may already be gone); then the additions, then the removals, each
reverted if a later step fails.  The replication group is created if it
is missing (a group made before its type was consistent, or whose
replication group was removed out of band).
"""

from vmax_flows.flows import cg_common
from vmax_flows.flows import common
from vmax_flows.tasks import cg

OPERATION = 'update_group'
DESCRIPTION = 'Add volumes to / remove volumes from a consistency group.'
RESULT = None


def build(client, request):
    adds = cg_common.count(request, 'add_count')
    removes = cg_common.count(request, 'remove_count')
    flow = common.linear(OPERATION)
    flow.add(cg.EnsureReplicationGroup(
        client, common.step(OPERATION, 'ensure_replication_group')))
    cg_common.add_resolve_members(flow, client, OPERATION, adds,
                                  'add_volume', 'add_placement',
                                  'add_device')
    cg_common.add_resolve_members(flow, client, OPERATION, removes,
                                  'remove_volume', 'remove_placement',
                                  'remove_device', missing_ok=True)
    if adds:
        flow.add(cg.AddToReplicationGroup(
            client, common.step(OPERATION, 'add_to_replication_group'),
            cg_common.names('add_device', adds)))
    if removes:
        flow.add(cg.RemoveFromReplicationGroup(
            client, common.step(OPERATION, 'remove_from_replication_group'),
            cg_common.names('remove_device', removes)))
    return flow


def sample_request(family):
    adds = cg_common.sample_items(family, 'volume', common.SAMPLE_VOLUME_ID)
    removes = cg_common.sample_items(family, 'volume',
                                     common.SAMPLE_SOURCE_ID, 1)
    placement = common.sample_placement(family)
    return cg_common.update_group_request(
        cg_common.SAMPLE_GROUP_ID, adds, [placement] * len(adds), removes,
        [placement] * len(removes))
