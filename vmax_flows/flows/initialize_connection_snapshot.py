"""initialize_connection_snapshot: mask a snapshot's device to a host
(backup from a snapshot); the volume flow on the snapshot's own device,
with the names and default group of the source volume's type."""

from vmax_flows.flows import common
from vmax_flows.flows import initialize_connection

OPERATION = 'initialize_connection_snapshot'
DESCRIPTION = 'Mask a snapshot\'s device to a host and read its LUN and ' \
              'targets.'
RESULT = initialize_connection.RESULT


def build(client, request, session=None):
    return initialize_connection.build(client, request, session=session,
                                       operation=OPERATION, item='snapshot')


def sample_request(family):
    return initialize_connection.sample_request(
        family, item='snapshot', object_id=common.SAMPLE_SNAPSHOT_ID)
