"""unmanage: let Cinder forget a volume; the device stays on the array,
in its storage groups, with its data.  Only its label changes back to the
bare volume id (as the 2.x driver left it), so it can be managed again.
"""

from vmax_flows.flows import common
from vmax_flows.tasks import checks
from vmax_flows.tasks import manage

OPERATION = 'unmanage'
DESCRIPTION = 'Release a device from Cinder (label back to the bare ' \
              'volume id; nothing else changes).'
RESULT = None


def build(client, request):
    flow = common.linear(OPERATION)
    flow.add(checks.ResolveDevice(
        client, common.step(OPERATION, 'resolve_device'), provides='device',
        missing_ok=True))
    flow.add(manage.RenameDevice(client, common.step(OPERATION,
                                                     'rename_device'),
                                 bare=True))
    return flow


def sample_request(family):
    return {'volume': common.item('volume', common.SAMPLE_VOLUME_ID, 10,
                                  location=common.sample_location(
                                      family, '0001A')),
            'placement': common.sample_placement(family)}
