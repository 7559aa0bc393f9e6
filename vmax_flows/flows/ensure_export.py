"""ensure_export: at service start, check that an in-use volume's
device exists and read which views show it (the array keeps masking
across restarts)."""

from vmax_flows.flows import export_common

OPERATION = 'ensure_export'
DESCRIPTION = 'Check an in-use device and read its views at service start.'
RESULT = 'device_masking'


def build(client, request):
    return export_common.build(client, OPERATION, item='volume',
                               missing_ok=False, read_masking=True)


def sample_request(family):
    return export_common.sample_request(family, item='volume')
