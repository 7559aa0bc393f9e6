"""create_snapshot: a point-in-time copy of a volume on a device of its own.

VMAX3: SnapVX -- the array creates the target in the source's default
storage group and links the snapshot to it with copy
(TargetElementSupplier=2, WaitForCopyState=4); the pair is kept until the
snapshot is deleted.  VMAX2: TimeFinder clone onto a device created like a
volume.  The replication licence is checked before anything changes.
"""

from vmax_flows.flows import common
from vmax_flows.tasks import checks
from vmax_flows.tasks import devices
from vmax_flows.tasks import groups
from vmax_flows.tasks import replication

OPERATION = 'create_snapshot'
DESCRIPTION = 'Snapshot a volume (SnapVX linked target / VMAX2 clone).'
RESULT = 'snapshot_device'


def build(client, request):
    flow = common.linear(OPERATION)
    flow.add(checks.CheckReplicationLicence(
        client, common.step(OPERATION, 'check_licence')))
    flow.add(checks.ResolveDevice(
        client, common.step(OPERATION, 'resolve_source'),
        provides='source_device', item='source'))
    flow.add(groups.EnsureStorageGroup(
        client, common.step(OPERATION, 'ensure_storage_group')))
    if common.is_vmax3(request):
        flow.add(replication.CreateSnapshotTarget(
            client, common.step(OPERATION, 'create_snapshot_target')))
        return flow
    flow.add(devices.CreateDevice(
        client, common.step(OPERATION, 'create_target'),
        provides='snapshot_device', item='snapshot',
        source='source_device'))
    if request['placement'].get('storage_group'):
        flow.add(groups.AddToStorageGroup(
            client, common.step(OPERATION, 'add_to_storage_group'),
            device='snapshot_device'))
    flow.add(replication.CreateReplica(
        client, common.step(OPERATION, 'create_clone'),
        target='snapshot_device', item='snapshot'))
    return flow


def sample_request(family):
    return {'snapshot': common.item('snapshot', common.SAMPLE_SNAPSHOT_ID,
                                    10),
            'source': common.item('volume', common.SAMPLE_SOURCE_ID, 10,
                                  location=common.sample_location(
                                      family, '0001A')),
            'placement': common.sample_placement(family)}
