"""create_export: check that the volume's device exists before
the attach (masking itself happens in initialize_connection)."""

from vmax_flows.flows import export_common

OPERATION = 'create_export'
DESCRIPTION = 'Check that the device exists before an attach.'
RESULT = None


def build(client, request):
    return export_common.build(client, OPERATION, item='volume',
                               missing_ok=False, read_masking=False)


def sample_request(family):
    return export_common.sample_request(family, item='volume')
