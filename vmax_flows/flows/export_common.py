"""The export operations of an iSCSI driver whose masking lives in
initialize_connection / terminate_connection.

The array keeps masking views across restarts and there is no target to
create, so the export flows only check: the device exists
(``create_export``, ``check_for_export``: a missing device is a clear
error before the attach starts; ``remove_export``: missing is fine) and,
at service start, which views show it (``ensure_export``).  One round
trip each.
"""

from vmax_flows.flows import common
from vmax_flows.tasks import checks
from vmax_flows.tasks import masking


def build(client, operation, item='volume', missing_ok=False,
          read_masking=False):
    flow = common.linear(operation)
    flow.add(checks.ResolveDevice(
        client, common.step(operation, 'resolve_device'), provides='device',
        item=item, missing_ok=missing_ok))
    if read_masking:
        flow.add(masking.ReadDeviceMasking(
            client, common.step(operation, 'read_masking')))
    return flow


def sample_request(family, item='volume', object_id=None):
    return {item: common.item(item, object_id or common.SAMPLE_VOLUME_ID,
                              10, location=common.sample_location(
                                  family, '0001A')),
            'placement': common.sample_placement(family)}
