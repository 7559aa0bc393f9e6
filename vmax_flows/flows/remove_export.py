"""remove_export: nothing to undo on the array (terminate_connection
removed the masking); a missing device is fine."""

from vmax_flows.flows import export_common

OPERATION = 'remove_export'
DESCRIPTION = 'Nothing to remove: masking goes in terminate_connection.'
RESULT = None


def build(client, request):
    return export_common.build(client, OPERATION, item='volume',
                               missing_ok=True, read_masking=False)


def sample_request(family):
    return export_common.sample_request(family, item='volume')
