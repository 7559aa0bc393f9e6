"""failback_volume: switch one replicated volume's SRDF pair back to its
R1 (Operation 11); see :mod:`vmax_flows.flows.failover_volume`."""

from vmax_flows.flows import failover_volume
from vmax_flows.flows import srdf_common
from vmax_flows.tasks import srdf_array

OPERATION = 'failback_volume'
DESCRIPTION = 'Fail one SRDF pair back to its R1 (Operation 11).'
RESULT = 'device'


def build(client, request):
    return failover_volume.build(client, request, operation=OPERATION,
                                 switch=srdf_array.OPERATION_FAILBACK)


def sample_request(family):
    request = srdf_common.sample_request(located=True)
    return {'volume': request['volume'],
            'peer_volume': request['remote_volume'],
            'placement': request['placement']}
