"""delete_group: remove a consistency group's replication group.

The group's volumes are deleted one by one with their own flows before
this one runs (Cinder records a status per volume); the replication group
is then deleted, releasing whatever is left in it.  A group already gone
is success.
"""

from vmax_flows.flows import cg_common
from vmax_flows.flows import common
from vmax_flows.tasks import cg

OPERATION = 'delete_group'
DESCRIPTION = 'Delete the replication group of a consistency group.'
RESULT = None


def build(client, request):
    flow = common.linear(OPERATION)
    flow.add(cg.ResolveReplicationGroup(
        client, common.step(OPERATION, 'resolve_replication_group'),
        missing_ok=True))
    flow.add(cg.DeleteReplicationGroup(
        client, common.step(OPERATION, 'delete_replication_group')))
    return flow


def sample_request(family):
    return cg_common.group_request(cg_common.SAMPLE_GROUP_ID)
