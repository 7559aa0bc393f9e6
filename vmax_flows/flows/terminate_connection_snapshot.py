"""terminate_connection_snapshot: unmask a snapshot's device from a host;
the volume flow on the snapshot's own device."""

from vmax_flows.flows import common
from vmax_flows.flows import terminate_connection

OPERATION = 'terminate_connection_snapshot'
DESCRIPTION = 'Unmask a snapshot\'s device from a host.'
RESULT = None


def build(client, request, session=None):
    return terminate_connection.build(client, request, session=session,
                                      operation=OPERATION, item='snapshot')


def sample_request(family):
    return terminate_connection.sample_request(
        family, item='snapshot', object_id=common.SAMPLE_SNAPSHOT_ID)
