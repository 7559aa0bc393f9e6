"""remove_export_snapshot: nothing to undo on the array for a snapshot;
a missing device is fine."""

from vmax_flows.flows import common
from vmax_flows.flows import export_common

OPERATION = 'remove_export_snapshot'
DESCRIPTION = 'Nothing to remove for a snapshot.'
RESULT = None


def build(client, request):
    return export_common.build(client, OPERATION, item='snapshot',
                               missing_ok=True, read_masking=False)


def sample_request(family):
    return export_common.sample_request(
        family, item='snapshot', object_id=common.SAMPLE_SNAPSHOT_ID)
