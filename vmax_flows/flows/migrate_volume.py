"""migrate_volume: storage-assisted migration to another pool of the same
array (the destination pool's location_info names SRP and service level,
or VMAX2 thin pool and FAST policy).  The same steps as retype; the
driver returns False -- Cinder then copies through the host -- for
another array or an attached device that would have to change groups.
"""

from vmax_flows.flows import retype

OPERATION = 'migrate_volume'
DESCRIPTION = 'Move a device to another pool of its array (storage ' \
              'group move or VMAX2 relocation).'
RESULT = 'move_plan'


def build(client, request, session=None):
    return retype.build(client, request, operation=OPERATION,
                        session=session)


def sample_request(family):
    return retype.sample_request(family)
