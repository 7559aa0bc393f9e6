"""retype: move a device to a new volume type's placement on the same
array -- service level, workload, compression, FAST policy, QoS limits
(storage group moves) or VMAX2 thin pool (relocation).

Resolve the device, plan the move (reads only), find or create the
target group (a group for QoS limits is created with them), leave the
old groups, join the new one, relocate (VMAX2).  An attached VMAX3
device masked through its host's parent group (cascaded masking) moves
instead, under the host's locks (chosen by the flow's hold_locks step from the
device's attachments): the new placement's child is
found or created under the same parent, MoveMembers moves the device
there keeping its view and host LUN, and the emptied old child is
deleted.  Any other attached device keeps its host group and view: a
change that would need another one (service level, QoS limits) ends the
flow at the plan, before any change, and the driver lets Cinder migrate.
Every step reverts.
"""

from vmax_flows.flows import common
from vmax_flows import masking_requests
from vmax_flows.tasks import checks
from vmax_flows.tasks import masking_locks
from vmax_flows.tasks import retype as retype_tasks
from vmax_flows.tasks import retype_cascade

OPERATION = 'retype'
DESCRIPTION = 'Move a device to another service level, workload, ' \
              'compression, FAST policy or thin pool on its array.'
RESULT = 'move_plan'


def build(client, request, operation=OPERATION, session=None):
    # The locks are chosen by the flow (hold_locks) from the device's
    # attachments on the array.
    session = session or masking_requests.names_session(())
    flow = common.linear(operation)

    def step(name):
        return common.step(operation, name)

    flow.add(checks.ResolveDevice(client, step('resolve_device'),
                                  provides='device'))
    flow.add(masking_locks.HoldDeviceHostLocks(session, step('hold_locks'),
                                               client))
    add_move_steps(flow, client, step, session)
    flow.add(retype_cascade.EnsureTargetChild(
        client, step('ensure_target_child')))
    flow.add(retype_cascade.MoveToChild(client, step('move_to_child')))
    flow.add(retype_cascade.DropOldChild(client, step('drop_old_child')))
    flow.add(masking_locks.ReleaseLocks(session, step('release_locks')))
    return flow


def add_move_steps(flow, client, step, session=None):
    """The planning and moving steps shared with migrate_volume and
    manage_existing (``device`` must be in the store; ``session``: the
    flow's lock session, if it takes locks)."""
    flow.add(retype_tasks.PlanMove(client, step('plan_move'),
                                   session=session))
    flow.add(retype_tasks.EnsureTargetGroup(client,
                                            step('ensure_target_group')))
    flow.add(retype_tasks.LeaveGroups(client, step('leave_groups')))
    flow.add(retype_tasks.JoinGroup(client, step('join_group')))
    flow.add(retype_tasks.RelocateDevice(client, step('relocate_device')))


def sample_new_placement(family):
    placement = common.sample_placement(family)
    if family == common.VMAX3:
        placement.update(slo='Gold', workload='DSS',
                         storage_group='OS-SRP_1-Gold-DSS-SG',
                         pool_name='Gold+DSS+SRP_1+%s'
                         % placement['serial'])
    else:
        placement.update(pool='SATA_Pool', pool_name='SATA_Pool+%s'
                         % placement['serial'])
    return placement


def sample_request(family):
    return {'volume': common.item('volume', common.SAMPLE_VOLUME_ID, 10,
                                  location=common.sample_location(
                                      family, '0001A')),
            'placement': common.sample_placement(family),
            'new_placement': sample_new_placement(family)}
