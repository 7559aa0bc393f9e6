"""initialize_connection: make a volume's device visible to a host.

All under the host's locks: resolve the device, read its storage groups
and plan (already mapped / the host's group / the host's shared group),
look the view up, choose the port group (the view's, or the host's
configured one with an online port) and resolve its ports' addresses --
all before any change -- then find or create the initiator group and the
host's storage group, move the device out of its default group into the
host's group, find or create the masking view and read the host LUN.  A
second attach on the same host finds the view and only moves the device.
Cascaded masking (VMAX3 SRP placements): the view names the host's parent
storage group and the placement's host group is a child of it (created
with the parent on the first attach, added to it by the first attach of
another placement); a flat view an older release made for the placement
is used as it is.
Any failure reverts what this flow created, and only that.
"""

from vmax_flows.flows import common
from vmax_flows import masking_requests
from vmax_flows.tasks import checks
from vmax_flows.tasks import masking
from vmax_flows.tasks import masking_cascade
from vmax_flows.tasks import masking_locks

OPERATION = 'initialize_connection'
DESCRIPTION = 'Mask a device to a host (initiator group, storage group, ' \
              'port group, masking view) and read its LUN and targets.'
RESULT = 'connection'


def build(client, request, session=None, operation=OPERATION,
          item='volume'):
    session = session or masking_requests.lock_session(request)
    flow = common.linear(operation)

    def step(name):
        return common.step(operation, name)

    flow.add(masking_locks.HoldLocks(session, step('hold_locks')))
    flow.add(checks.ResolveDevice(client, step('resolve_device'),
                                  provides='device', item=item))
    flow.add(masking.PlanAttach(client, step('plan')))
    flow.add(masking.FindMaskingView(client, step('find_masking_view')))
    flow.add(masking.ChoosePortGroup(client, step('choose_port_group')))
    flow.add(masking.EnsureInitiatorGroup(
        client, step('ensure_initiator_group')))
    flow.add(masking.EnsureHostStorageGroup(
        client, step('ensure_storage_group')))
    flow.add(masking_cascade.EnsureParentGroup(
        client, step('ensure_parent_group')))
    flow.add(masking.LeaveDefaultGroup(client, step('leave_default_group')))
    flow.add(masking.AddToHostGroup(client, step('add_to_host_group')))
    flow.add(masking.EnsureMaskingView(client, step('ensure_masking_view')))
    flow.add(masking.DescribeConnection(client, step('describe_connection')))
    flow.add(masking_locks.ReleaseLocks(session, step('release_locks')))
    return flow


SAMPLE_CONNECTOR = {'host': 'compute-1.example.org',
                    'initiator': 'iqn.1993-08.org.debian:01:compute1',
                    'ip': '192.0.2.50', 'multipath': False,
                    'platform': 'x86_64', 'os_type': 'linux'}


def sample_request(family, item='volume', object_id=None):
    placement = common.sample_placement(family)
    port_groups = ['OS-PG-iSCSI-A'] if family == common.VMAX3 \
        else ['OS-PG-iSCSI-V2']
    return {item: common.item(item, object_id or common.SAMPLE_VOLUME_ID,
                              10, location=common.sample_location(
                                  family, '0001A')),
            'placement': placement,
            'masking': masking_requests.attach_masking(
                SAMPLE_CONNECTOR, placement, port_groups)}
