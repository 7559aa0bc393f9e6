"""create_volume_from_snapshot: a new volume with a snapshot's data.

The snapshot lives on a device of its own (see create_snapshot), so this
is the clone flow with that device as the source; the snapshot itself is
left exactly as it was.
"""

from vmax_flows.flows import create_cloned_volume

OPERATION = 'create_volume_from_snapshot'
DESCRIPTION = 'Clone a snapshot\'s device into a new volume.'
RESULT = 'device'


def build(client, request):
    return create_cloned_volume.build(client, request, operation=OPERATION)


def sample_request(family):
    return create_cloned_volume.sample_request(family,
                                               source_kind='snapshot')
