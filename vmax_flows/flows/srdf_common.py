"""Pieces shared by the SRDF (replicated volume) flows.

Replicated operations work on two arrays of one SMI-S provider, so their
flows are built from an :class:`ArrayPair` -- ``local``: the active array
(the primary, or the target after a failover), ``remote``: the other
one -- instead of one client (``None`` builds a flow for graph dumps).

Store keys besides the core's (``volume``, ``placement`` ...):

* ``replication`` -- ``{'remote_serial', 'rdf_group_label',
  'allow_extend'}`` from ``replication_device``;
* ``remote_placement`` -- where the R2 goes on the remote array (its SRP,
  the volume type's service level when the remote array offers it);
* ``remote_volume`` -- the volume as located on the remote array (its
  ``replication_driver_data``), for delete, extend and failover;
* ``group`` -- optional: a consistency group the new volume joins.
"""

import collections

from vmax_flows.flows import cg_common
from vmax_flows.flows import common
from vmax_flows.tasks import cg_placed
from vmax_flows.tasks import srdf

SAMPLE_REMOTE_SERIAL = '000197800456'


class ArrayPair(collections.namedtuple('ArrayPair', 'local remote')):
    """The clients of a replicated operation's two arrays."""

    def total_calls(self):
        return sum(c.session.total_calls() for c in self if c is not None)


def split(clients):
    if clients is None:
        return None, None
    return clients.local, clients.remote


def add_remote_side(flow, clients, operation):
    """R2 and the pair, once the R1 (``device``) exists: the remote
    default storage group, a device of the volume's size and label on the
    remote array, then the synchronous pair in the RDF group."""
    local, remote = split(clients)
    flow.add(cg_placed.EnsureStorageGroupAt(
        remote, common.step(operation, 'ensure_remote_storage_group'),
        placement='remote_placement', provides='remote_storage_group'))
    flow.add(cg_placed.CreateItemSizedDeviceAt(
        remote, common.step(operation, 'create_remote_device'),
        placement='remote_placement', provides='remote_device'))
    flow.add(srdf.CreateSrdfPair(
        local, remote, common.step(operation, 'create_srdf_pair')))


def sample_placement(family, serial=None):
    placement = common.sample_placement(common.VMAX3)
    if serial:
        placement = dict(placement, serial=serial,
                         pool_name=placement['pool_name'].replace(
                             common.SAMPLE_SERIAL[common.VMAX3], serial))
    return placement


def sample_replication():
    return {'remote_serial': SAMPLE_REMOTE_SERIAL,
            'rdf_group_label': 'os-rdf-1', 'allow_extend': True,
            'failed_over': False}


def sample_request(located=False, group=False):
    """SRDF is VMAX3 only: the sample is a VMAX3 request whatever the
    family asked for."""
    location = common.sample_location(common.VMAX3, '0001A') \
        if located else None
    request = {
        'volume': common.item('volume', common.SAMPLE_VOLUME_ID, 10,
                              location=location),
        'placement': sample_placement(common.VMAX3),
        'remote_placement': sample_placement(common.VMAX3,
                                             SAMPLE_REMOTE_SERIAL),
        'replication': sample_replication()}
    if located:
        remote = dict(location, array=SAMPLE_REMOTE_SERIAL)
        request['remote_volume'] = common.item(
            'volume', common.SAMPLE_VOLUME_ID, 10, location=remote)
    if group:
        request['group'] = cg_common.group('group',
                                           cg_common.SAMPLE_GROUP_ID)
    return request
