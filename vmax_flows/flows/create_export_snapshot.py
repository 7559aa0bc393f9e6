"""create_export_snapshot: check that the snapshot's device exists before
it is attached (backup from a snapshot)."""

from vmax_flows.flows import common
from vmax_flows.flows import export_common

OPERATION = 'create_export_snapshot'
DESCRIPTION = ('Check that a snapshot\'s device exists before an '
               'attach.')
RESULT = None


def build(client, request):
    return export_common.build(client, OPERATION, item='snapshot',
                               missing_ok=False, read_masking=False)


def sample_request(family):
    return export_common.sample_request(
        family, item='snapshot', object_id=common.SAMPLE_SNAPSHOT_ID)
