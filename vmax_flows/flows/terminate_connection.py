"""terminate_connection: hide a volume's device from one host again.

Under the host's locks: resolve the device (gone counts as detached, bug
1756368), read which of the host's groups holds it and whether it is that
group's last device; then either take it out, or delete the view, the
host's initiator group (when unused) and the storage group; finally put
the device back into its default group.  Cascaded masking (VMAX3): the
last device of a child group takes the child out of the host's parent
and deletes it; the host's last device deletes the parent's view, the
initiator group, the parent and its (empty) children too.
``connector=None`` is handled by the driver: one run of this flow per
attachment found on the array.
"""

from vmax_flows.flows import common
from vmax_flows.flows import initialize_connection
from vmax_flows import masking_requests
from vmax_flows.tasks import checks
from vmax_flows.tasks import masking_cascade
from vmax_flows.tasks import masking_detach
from vmax_flows.tasks import masking_locks

OPERATION = 'terminate_connection'
DESCRIPTION = 'Unmask a device from a host; on its last device delete ' \
              'the view and the groups this driver made.'
RESULT = None


def build(client, request, session=None, operation=OPERATION,
          item='volume'):
    session = session or masking_requests.lock_session(request)
    flow = common.linear(operation)

    def step(name):
        return common.step(operation, name)

    flow.add(masking_locks.HoldLocks(session, step('hold_locks')))
    flow.add(checks.ResolveDevice(client, step('resolve_device'),
                                  provides='device', item=item,
                                  missing_ok=True))
    flow.add(masking_detach.PlanDetach(client, step('plan')))
    flow.add(masking_detach.RemoveFromHostGroup(
        client, step('remove_from_host_group')))
    flow.add(masking_cascade.DetachChild(client, step('detach_child')))
    flow.add(masking_detach.DeleteHostViews(client,
                                            step('delete_masking_views')))
    flow.add(masking_detach.DeleteHostInitiatorGroup(
        client, step('delete_initiator_group')))
    flow.add(masking_cascade.DeleteParentGroup(
        client, step('delete_parent_group')))
    flow.add(masking_detach.DeleteHostStorageGroup(
        client, step('delete_storage_group')))
    flow.add(masking_detach.ReturnToDefaultGroup(
        client, step('return_to_default_group')))
    flow.add(masking_locks.ReleaseLocks(session, step('release_locks')))
    return flow


def sample_request(family, item='volume', object_id=None):
    placement = common.sample_placement(family)
    return {item: common.item(item, object_id or common.SAMPLE_VOLUME_ID,
                              10, location=common.sample_location(
                                  family, '0001A')),
            'placement': placement,
            'masking': masking_requests.detach_masking(
                initialize_connection.SAMPLE_CONNECTOR, placement)}
