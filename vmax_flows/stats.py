"""Backend capacity and capabilities for the Cinder scheduler.

One Cinder pool per placement the backend offers: the configured pool
(VMAX2 thin pool + FAST policy; VMAX3 SRP + service level + workload) or,
with multi-pool support, every service level / workload combination the
array offers on the configured SRP (:func:`stats_placements`).

The cost does not depend on how many devices the array holds: one
``GetInstance`` of each distinct pool (its capacity figures are shared by
every Cinder pool on it) plus the licence refresh (one or two round
trips, so that a licence change is noticed without a restart).  With one
pool that is at most 3 round trips; ``bench/bench_stats.py`` measures it.
"""

import logging

from vmax_flows import exceptions
from vmax_flows import naming
from vmax_flows.smis import discovery

LOG = logging.getLogger(__name__)
GIB = 1024 ** 3
VENDOR_NAME = 'Dell EMC'
CAPACITY_KEYS = ('TotalManagedSpace', 'RemainingManagedSpace',
                 'EMCSubscribedCapacity', 'EMCPercentReservedCapacity',
                 'EMCMaxSubscriptionPercent')


def stats_placements(info, default_placement, multi_pool=False):
    """The placements reported as Cinder pools.

    Without ``multi_pool`` (or on VMAX2) only the backend's default one;
    with it on VMAX3, one per service level / workload the default SRP
    offers (compression left on: a type that disables it names the pool
    with ``pool_name`` and differs only in its storage group).
    """
    if not multi_pool or not info.is_vmax3:
        return [default_placement]
    srp = default_placement['srp']
    placements = []
    for slo, workload in info.service_levels.get(srp, ()):
        workload = None if workload == discovery.NO_WORKLOAD else workload
        placements.append({
            'family': discovery.FAMILY_VMAX3, 'serial': info.serial,
            'srp': srp, 'slo': slo, 'workload': workload,
            'disable_compression': False,
            'storage_group': naming.default_storage_group(srp, slo,
                                                          workload),
            'pool_name': '%s+%s+%s+%s' % (
                slo, workload or discovery.NO_WORKLOAD, srp, info.serial)})
    return placements or [default_placement]


def location_info(info, placement):
    """``<serial>#<SRP>#<SLO>#<Workload>`` (VMAX3) or
    ``<serial>#<pool>#<FAST policy>`` (VMAX2), as the 2.x driver wrote it
    (retype and migrate_volume read it back)."""
    if info.is_vmax3:
        return '%s#%s#%s#%s' % (info.serial, placement['srp'],
                                placement.get('slo') or 'NONE',
                                placement.get('workload') or 'NONE')
    return '%s#%s#%s' % (info.serial, placement['pool'],
                         placement.get('fast_policy') or 'None')


def parse_location_info(text):
    """``{'serial', 'pool', 'slo', 'workload', 'fast_policy'}`` from a
    location_info string; None when it is not one of ours."""
    parts = str(text or '').split('#')
    if len(parts) == 4:
        return {'serial': parts[0], 'pool': parts[1],
                'slo': None if parts[2].upper() == 'NONE' else parts[2],
                'workload': None if parts[3].upper() == 'NONE'
                else parts[3], 'fast_policy': None}
    if len(parts) == 3:
        return {'serial': parts[0], 'pool': parts[1], 'slo': None,
                'workload': None,
                'fast_policy': None if parts[2] in ('None', '')
                else parts[2]}
    return None


def volume_stats(client, placements, backend_name, driver_version,
                 protocol='iSCSI', reserved_percentage=0,
                 max_over_subscription_ratio=20.0):
    """The stats dict of a backend (``placements`` is one placement or a
    list of them, see :func:`stats_placements`)."""
    if isinstance(placements, dict):
        placements = [placements]
    info = client.info
    capacities = {}
    pools = []
    for placement in placements:
        pool = placement.get('srp') or placement.get('pool')
        if pool not in capacities:
            capacities[pool] = client.pool_capacity(pool)
        pools.append(_pool_stats(info, placement, capacities[pool],
                                 reserved_percentage,
                                 max_over_subscription_ratio))
    try:
        client.refresh_licences()
    except exceptions.VmaxError as exc:
        LOG.warning('Could not refresh the replication licences of array '
                    '%s: %s', info.serial, exc)
    snapshots = info.snapvx_licensed() if info.is_vmax3 \
        else info.clone_licensed()
    for pool_stats in pools:
        pool_stats['snapshot_support'] = snapshots
    first = pools[0] if pools else {}
    return {'volume_backend_name': backend_name,
            'vendor_name': VENDOR_NAME,
            'driver_version': driver_version,
            'storage_protocol': protocol,
            # Pools share their SRP: the backend total is the pool's, not
            # a sum that would count one SRP several times.
            'total_capacity_gb': first.get('total_capacity_gb', 0),
            'free_capacity_gb': first.get('free_capacity_gb', 0),
            'reserved_percentage': first.get('reserved_percentage', 0),
            'QoS_support': True,
            'consistencygroup_support': False,
            'consistent_group_snapshot_enabled': False,
            'replication_enabled': False,
            'array_family': info.family,
            'array_serial': info.serial,
            'pools': pools}


def _pool_stats(info, placement, capacity, reserved_percentage,
                max_over_subscription_ratio):
    reserved = int(reserved_percentage or 0)
    if capacity.get('EMCPercentReservedCapacity') is not None:
        reserved = max(reserved, capacity['EMCPercentReservedCapacity'])
    ratio = float(max_over_subscription_ratio or 1.0)
    if not info.is_vmax3 and capacity.get('EMCMaxSubscriptionPercent'):
        ratio = max(ratio, capacity['EMCMaxSubscriptionPercent'] / 100.0)
    return {
        'pool_name': placement['pool_name'],
        'total_capacity_gb': _gib(capacity.get('TotalManagedSpace')),
        'free_capacity_gb': _gib(capacity.get('RemainingManagedSpace')),
        'provisioned_capacity_gb': _gib(
            capacity.get('EMCSubscribedCapacity')),
        'reserved_percentage': reserved,
        'max_over_subscription_ratio': ratio,
        'thin_provisioning_support': True,
        'thick_provisioning_support': False,
        'QoS_support': True,
        'multiattach': False,
        'online_extend_support': False,
        'location_info': location_info(info, placement),
        'consistencygroup_support': False,
        'consistent_group_snapshot_enabled': False,
        'replication_enabled': False,
        'compression_support': info.all_flash,
        'service_level': placement.get('slo') or 'NONE'
        if info.is_vmax3 else None,
        'workload': placement.get('workload') or 'NONE'
        if info.is_vmax3 else None,
        'fast_policy': placement.get('fast_policy'),
    }


def _gib(value):
    return 0 if value is None else value // GIB
