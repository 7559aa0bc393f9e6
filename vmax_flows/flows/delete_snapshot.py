"""delete_snapshot: remove a snapshot's device (the SnapVX linked target
or VMAX2 clone), dissolving its pair first; a missing device is success.
"""

from vmax_flows.flows import common
from vmax_flows.flows import delete_volume

OPERATION = 'delete_snapshot'
DESCRIPTION = 'Dissolve a snapshot\'s pair and delete its device.'
RESULT = None


def build(client, request):
    return delete_volume.build(client, request, operation=OPERATION,
                               item='snapshot')


def sample_request(family):
    return delete_volume.sample_request(family, item='snapshot',
                                        object_id=common.SAMPLE_SNAPSHOT_ID)
