"""delete_volume: remove a volume's device; a missing device is success.

Resolve the device (provider_location, then label), take it out of its
storage groups (revertible), break any local pair, delete it -- the two
irreversible steps last.
"""

from vmax_flows.flows import common
from vmax_flows.tasks import checks
from vmax_flows.tasks import devices
from vmax_flows.tasks import groups
from vmax_flows.tasks import replication

OPERATION = 'delete_volume'
DESCRIPTION = 'Delete a device (already gone counts as deleted).'
RESULT = None


def build(client, request, operation=OPERATION, item='volume'):
    flow = common.linear(operation)
    flow.add(checks.ResolveDevice(
        client, common.step(operation, 'resolve_device'), provides='device',
        item=item, missing_ok=True))
    flow.add(groups.RemoveFromStorageGroups(
        client, common.step(operation, 'remove_from_storage_groups')))
    flow.add(replication.BreakPairs(
        client, common.step(operation, 'break_pairs')))
    flow.add(devices.DeleteDevice(
        client, common.step(operation, 'delete_device')))
    return flow


def sample_request(family, item='volume', object_id=None):
    return {item: common.item(item, object_id or common.SAMPLE_VOLUME_ID,
                              10, location=common.sample_location(
                                  family, '0001A')),
            'placement': common.sample_placement(family)}
