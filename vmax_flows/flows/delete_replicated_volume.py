"""delete_replicated_volume: remove R1, R2 and their pair.

Resolve both devices (either may already be gone); take both out of
their storage groups and suspend the SRDF pair (revertible: put back,
resumed); then the steps that cannot be undone: detach the pair (its
revert still pairs the devices again), break any local pair (snapshots,
clones), delete the R2 and the R1.
"""

from vmax_flows.flows import common
from vmax_flows.flows import srdf_common
from vmax_flows.tasks import checks
from vmax_flows.tasks import devices
from vmax_flows.tasks import groups
from vmax_flows.tasks import replication
from vmax_flows.tasks import srdf

OPERATION = 'delete_replicated_volume'
DESCRIPTION = 'Break the SRDF pair, delete R2 and R1 (gone counts as ' \
              'deleted).'
RESULT = None


def build(clients, request):
    local, remote = srdf_common.split(clients)
    flow = common.linear(OPERATION)
    flow.add(checks.ResolveDevice(
        local, common.step(OPERATION, 'resolve_device'), provides='device',
        missing_ok=True))
    flow.add(checks.ResolveDevice(
        remote, common.step(OPERATION, 'resolve_remote_device'),
        provides='remote_device', item='remote_volume',
        placement='remote_placement', missing_ok=True))
    flow.add(groups.RemoveFromStorageGroups(
        local, common.step(OPERATION, 'remove_from_storage_groups')))
    flow.add(groups.RemoveFromStorageGroups(
        remote, common.step(OPERATION, 'remove_remote_from_storage_groups'),
        device='remote_device', provides='left_remote_groups'))
    flow.add(srdf.SuspendSrdfPair(
        local, remote, common.step(OPERATION, 'suspend_srdf_pair')))
    flow.add(srdf.DetachSrdfPair(
        local, remote, common.step(OPERATION, 'detach_srdf_pair')))
    flow.add(replication.BreakPairs(
        local, common.step(OPERATION, 'break_pairs')))
    flow.add(replication.BreakPairs(
        remote, common.step(OPERATION, 'break_remote_pairs'),
        device='remote_device'))
    flow.add(devices.DeleteDevice(
        remote, common.step(OPERATION, 'delete_remote_device'),
        device='remote_device'))
    flow.add(devices.DeleteDevice(
        local, common.step(OPERATION, 'delete_device')))
    return flow


def sample_request(family):
    return srdf_common.sample_request(located=True)
