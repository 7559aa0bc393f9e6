"""create_group: the replication group of a consistency group.

Used for Cinder groups whose type has ``consistent_group_snapshot_enabled``
(and for the legacy consistency-group methods): an empty
``SE_ReplicationGroup`` named ``OS-<group uuid>``; volumes join it when
they are created in the group or added to it.  A group that already
exists (a retried create, or a 2.x driver's ``<name>_<uuid>`` group) is
used as it is.
"""

from vmax_flows.flows import cg_common
from vmax_flows.flows import common
from vmax_flows.tasks import cg

OPERATION = 'create_group'
DESCRIPTION = 'Create the replication group of a consistency group.'
RESULT = 'replication_group'


def build(client, request):
    flow = common.linear(OPERATION)
    flow.add(cg.EnsureReplicationGroup(
        client, common.step(OPERATION, 'ensure_replication_group')))
    return flow


def sample_request(family):
    return cg_common.group_request(cg_common.SAMPLE_GROUP_ID)
