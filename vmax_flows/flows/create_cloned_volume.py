"""create_cloned_volume: a new, independent volume with a source's data.

Target created like a volume at the source's exact size, then VMAX3 SnapVX
link with copy (snapshot named after the target) or VMAX2 TimeFinder
clone; wait for CopyState Synchronized; dissolve (VMAX3) or detach
(VMAX2); finally extend when the clone is larger than its source.  Any
failure before the dissolve deletes the target and its pair (bug 1440154).
"""

from vmax_flows.flows import common
from vmax_flows.flows import extend_volume
from vmax_flows.tasks import checks
from vmax_flows.tasks import devices
from vmax_flows.tasks import groups
from vmax_flows.tasks import replication

OPERATION = 'create_cloned_volume'
DESCRIPTION = 'Clone a volume (SnapVX link + dissolve / VMAX2 clone + ' \
              'detach), then extend if larger.'
RESULT = 'device'


def build(client, request, operation=OPERATION):
    flow = common.linear(operation)
    flow.add(checks.CheckReplicationLicence(
        client, common.step(operation, 'check_licence')))
    flow.add(checks.ResolveDevice(
        client, common.step(operation, 'resolve_source'),
        provides='source_device', item='source',
        placement='source_placement'))
    flow.add(groups.EnsureStorageGroup(
        client, common.step(operation, 'ensure_storage_group')))
    flow.add(devices.CreateDevice(
        client, common.step(operation, 'create_target'),
        source='source_device'))
    if not common.is_vmax3(request) and \
            request['placement'].get('storage_group'):
        flow.add(groups.AddToStorageGroup(
            client, common.step(operation, 'add_to_storage_group')))
    flow.add(replication.CreateReplica(
        client, common.step(operation, 'create_replica')))
    flow.add(replication.WaitForCopy(
        client, common.step(operation, 'wait_for_copy')))
    flow.add(replication.FinishReplica(
        client, common.step(operation, 'finish_replica')))
    if request['size_gb'] > request['source']['size_gb']:
        extend_volume.add_extend(flow, client, request, operation)
    return flow


def add_clone_steps(flow, client, request, operation):
    """The steps of a clone of ``request['source']``, named for
    ``operation``, appended to ``flow`` (an operation that clones and
    then does more with the new device)."""
    for node, _ in build(client, request, operation=operation).iter_nodes():
        flow.add(node)


def sample_request(family, source_kind='volume'):
    source_id = common.SAMPLE_SOURCE_ID if source_kind == 'volume' \
        else common.SAMPLE_SNAPSHOT_ID
    placement = common.sample_placement(family)
    return {'volume': common.item('volume', common.SAMPLE_VOLUME_ID, 20),
            'source': common.item(source_kind, source_id, 10,
                                  location=common.sample_location(
                                      family, '0001A')),
            'size_gb': 20, 'placement': placement,
            'source_placement': placement}
