"""check_for_export: fail clearly when the volume's device is missing."""

from vmax_flows.flows import export_common

OPERATION = 'check_for_export'
DESCRIPTION = 'Check that the device exists.'
RESULT = None


def build(client, request):
    return export_common.build(client, OPERATION, item='volume',
                               missing_ok=False, read_masking=False)


def sample_request(family):
    return export_common.sample_request(family, item='volume')
