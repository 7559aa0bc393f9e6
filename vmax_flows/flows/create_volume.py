"""create_volume: a new device in the volume type's default placement.

VMAX3: find-or-create the default storage group, then create the device
inside it (its SRP, service level and workload decide placement).  VMAX2:
create the device (a meta device when striped or above 240 GiB) in the
thin pool, then put it into the FAST policy's default group if any.
"""

from vmax_flows.flows import common
from vmax_flows.tasks import devices
from vmax_flows.tasks import groups

OPERATION = 'create_volume'
DESCRIPTION = 'Create a device in the default storage group or thin pool.'
RESULT = 'device'


def build(client, request):
    flow = common.linear(OPERATION)
    add_device_steps(flow, client, request, OPERATION)
    return flow


def add_device_steps(flow, client, request, operation):
    """The steps that make the volume's new device (shared with the
    operations that create a volume and then do more with it)."""
    flow.add(groups.EnsureStorageGroup(
        client, common.step(operation, 'ensure_storage_group')))
    flow.add(devices.CreateDevice(client,
                                  common.step(operation, 'create_device')))
    if not common.is_vmax3(request) and \
            request['placement'].get('storage_group'):
        flow.add(groups.AddToStorageGroup(
            client, common.step(operation, 'add_to_storage_group')))


def sample_request(family):
    return {'volume': common.item('volume', common.SAMPLE_VOLUME_ID, 10),
            'placement': common.sample_placement(family)}
