"""manage_existing: adopt a device as a Cinder volume.

Find the referenced device and check it (not in a view or a replication
session, not managed as another volume, in this type's pool, whole GiB)
before any change; then move it into the type's default storage group,
label it ``OS-<volume uuid>`` (a type with QoS limits: the default group
of those limits, created with them).  Every step
reverts: a failure leaves the device as it was found.
"""

from vmax_flows.flows import common
from vmax_flows.flows import retype
from vmax_flows.tasks import manage

OPERATION = 'manage_existing'
DESCRIPTION = 'Adopt an existing device: check it, move it into the ' \
              'default storage group, label it.'
RESULT = 'device'


def build(client, request):
    flow = common.linear(OPERATION)

    def step(name):
        return common.step(OPERATION, name)

    flow.add(manage.CheckExistingDevice(client, step('check_device')))
    retype.add_move_steps(flow, client, step)
    flow.add(manage.RenameDevice(client, step('rename_device')))
    return flow


def sample_request(family):
    placement = common.sample_placement(family)
    return {'volume': common.item('volume', common.SAMPLE_VOLUME_ID, 10),
            'reference': {'source-id': '0001A'},
            'placement': placement, 'new_placement': placement}
