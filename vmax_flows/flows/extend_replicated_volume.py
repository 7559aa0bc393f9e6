"""extend_replicated_volume: grow R1 and R2 (only with ``allow_extend``).

An SRDF device cannot be resized while paired, so: check (new size,
``allow_extend``, not failed over, the RDF group), resolve both devices,
suspend and detach the pair, grow the R2 then the R1 (R2 is never smaller
than R1), and pair them again (a full copy).  If a step fails after the
pair was broken, revert pairs the devices again.
"""

from vmax_flows.flows import common
from vmax_flows.flows import srdf_common
from vmax_flows.tasks import checks
from vmax_flows.tasks import devices
from vmax_flows.tasks import srdf

OPERATION = 'extend_replicated_volume'
DESCRIPTION = 'Break the SRDF pair, grow R2 and R1, pair them again.'
RESULT = None


def build(clients, request):
    local, remote = srdf_common.split(clients)
    flow = common.linear(OPERATION)
    flow.add(checks.CheckNewSize(local, common.step(OPERATION,
                                                    'check_new_size')))
    flow.add(srdf.CheckExtendAllowed(
        local, common.step(OPERATION, 'check_extend_allowed')))
    flow.add(srdf.CheckNotFailedOver(
        local, common.step(OPERATION, 'check_not_failed_over'), 'extend'))
    flow.add(srdf.ResolveRdfGroup(
        local, common.step(OPERATION, 'resolve_rdf_group')))
    flow.add(checks.ResolveDevice(
        local, common.step(OPERATION, 'resolve_device'), provides='device'))
    flow.add(checks.ResolveDevice(
        remote, common.step(OPERATION, 'resolve_remote_device'),
        provides='remote_device', item='remote_volume',
        placement='remote_placement'))
    flow.add(srdf.SuspendSrdfPair(
        local, remote, common.step(OPERATION, 'suspend_srdf_pair')))
    flow.add(srdf.DetachSrdfPair(
        local, remote, common.step(OPERATION, 'detach_srdf_pair')))
    flow.add(devices.ExtendDevice(
        remote, common.step(OPERATION, 'extend_remote_device'),
        device='remote_device', provides='remote_extended'))
    flow.add(devices.ExtendDevice(
        local, common.step(OPERATION, 'extend_device'),
        provides='extended'))
    flow.add(srdf.RemakeSrdfPair(
        local, remote, common.step(OPERATION, 'remake_srdf_pair')))
    return flow


def sample_request(family):
    request = srdf_common.sample_request(located=True)
    request['size_gb'] = 20
    return request
