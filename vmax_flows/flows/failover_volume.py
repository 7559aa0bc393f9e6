"""failover_volume / failback_volume: switch one replicated volume's
SRDF pair to the other array.

Built with the client of the array that becomes active; the store's
``volume`` is the volume as located on that array and ``peer_volume`` as
located on the other.  Only the array becoming active is asked anything,
so a failover works while the primary is unreachable.  One array change
(ModifyReplicaSynchronization 10 or 11), skipped when the pair is
already in the wanted state.
"""

from vmax_flows.flows import common
from vmax_flows.flows import srdf_common
from vmax_flows.tasks import checks
from vmax_flows.tasks import srdf
from vmax_flows.tasks import srdf_array

OPERATION = 'failover_volume'
DESCRIPTION = 'Fail one SRDF pair over to its R2 (Operation 10).'
RESULT = 'device'


def build(client, request, operation=OPERATION,
          switch=srdf_array.OPERATION_FAILOVER):
    flow = common.linear(operation)
    flow.add(checks.ResolveDevice(
        client, common.step(operation, 'resolve_device'), provides='device'))
    flow.add(srdf.ResolveSrdfPair(
        client, common.step(operation, 'resolve_srdf_pair')))
    flow.add(srdf.SwitchSrdfPair(
        client, common.step(operation, 'switch_srdf_pair'), switch))
    return flow


def sample_request(family):
    request = srdf_common.sample_request(located=True)
    target = request.pop('remote_volume')
    return {'volume': target, 'peer_volume': request['volume'],
            'placement': request['remote_placement']}
