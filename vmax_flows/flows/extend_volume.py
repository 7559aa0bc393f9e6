"""extend_volume: grow a device.

VMAX3: one CreateOrModifyElementFromStoragePool on the device.  VMAX2:
create an unbound member in the pool and concatenate it onto the (meta)
volume through the element composition service.  The size is checked
before anything changes.
"""

from vmax_flows.flows import common
from vmax_flows.tasks import checks
from vmax_flows.tasks import devices

OPERATION = 'extend_volume'
DESCRIPTION = 'Grow a device (VMAX2: append a meta member).'
RESULT = None


def build(client, request):
    flow = common.linear(OPERATION)
    flow.add(checks.CheckNewSize(client, common.step(OPERATION,
                                                     'check_new_size')))
    flow.add(checks.ResolveDevice(
        client, common.step(OPERATION, 'resolve_device'),
        provides='device'))
    add_extend(flow, client, request, OPERATION)
    return flow


def add_extend(flow, client, request, operation):
    if common.is_vmax3(request):
        flow.add(devices.ExtendDevice(
            client, common.step(operation, 'extend_device')))
    else:
        flow.add(devices.CreateMetaMember(
            client, common.step(operation, 'create_meta_member')))
        flow.add(devices.AppendMetaMember(
            client, common.step(operation, 'append_meta_member')))


def sample_request(family):
    return {'volume': common.item('volume', common.SAMPLE_VOLUME_ID, 10,
                                  location=common.sample_location(
                                      family, '0001A')),
            'size_gb': 20, 'placement': common.sample_placement(family)}
