"""create_volume_in_group: a volume created in a consistency group.

The group's replication group is found first; then the volume is made
as a plain create -- or, with a ``source`` in the request, as a clone of
a volume or snapshot -- and finally added to the replication group
(reverted with the rest if that fails).
"""

from vmax_flows.flows import cg_common
from vmax_flows.flows import common
from vmax_flows.flows import create_cloned_volume
from vmax_flows.flows import create_volume

OPERATION = 'create_volume_in_group'
DESCRIPTION = 'Create (or clone) a volume and add it to its consistency ' \
              'group.'
RESULT = 'device'


def build(client, request):
    flow = common.linear(OPERATION)
    cg_common.add_group_check(flow, client, request, OPERATION)
    if request.get('source'):
        create_cloned_volume.add_clone_steps(flow, client, request,
                                             OPERATION)
    else:
        create_volume.add_device_steps(flow, client, request, OPERATION)
    cg_common.add_group_membership(flow, client, request, OPERATION)
    return flow


def sample_request(family):
    return {'volume': common.item('volume', common.SAMPLE_VOLUME_ID, 10),
            'placement': common.sample_placement(family),
            'group': cg_common.group('group', cg_common.SAMPLE_GROUP_ID)}
