"""create_replicated_volume: R1, R2 and their SRDF/S pair as one flow.

For volume types with ``replication_enabled='<is> True'``.  First the
checks (not failed over; the RDF group joins the two arrays; the
consistency group, if any); then the R1 exactly as a plain create -- or,
with a ``source`` in the request, as a clone of a volume or snapshot;
then the R2 (same label, the volume's size, the remote default storage
group) and the pair.  A failure at any step reverts all of it: the pair
is suspended and detached, the R2 and R1 deleted, storage groups this
flow created and left empty deleted (field scenario S45).
"""

from vmax_flows.flows import cg_common
from vmax_flows.flows import common
from vmax_flows.flows import create_cloned_volume
from vmax_flows.flows import srdf_common
from vmax_flows.tasks import devices
from vmax_flows.tasks import groups
from vmax_flows.tasks import srdf

OPERATION = 'create_replicated_volume'
DESCRIPTION = 'Create R1 (new or cloned), R2 and their SRDF/S pair.'
RESULT = 'device'
REMOTE_RESULT = 'remote_device'


def build(clients, request):
    local, remote = srdf_common.split(clients)
    flow = common.linear(OPERATION)
    flow.add(srdf.CheckNotFailedOver(
        local, common.step(OPERATION, 'check_not_failed_over'), 'create'))
    flow.add(srdf.ResolveRdfGroup(
        local, common.step(OPERATION, 'resolve_rdf_group')))
    cg_common.add_group_check(flow, local, request, OPERATION)
    if request.get('source'):
        create_cloned_volume.add_clone_steps(flow, local, request,
                                             OPERATION)
    else:
        flow.add(groups.EnsureStorageGroup(
            local, common.step(OPERATION, 'ensure_storage_group')))
        flow.add(devices.CreateDevice(
            local, common.step(OPERATION, 'create_device')))
    srdf_common.add_remote_side(flow, clients, OPERATION)
    cg_common.add_group_membership(flow, local, request, OPERATION)
    return flow


def sample_request(family):
    return srdf_common.sample_request()
