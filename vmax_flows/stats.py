"""Backend capacity and capabilities for the Cinder scheduler.

One pool per backend (the configured SRP or thin pool).  Costs two round
trips: the pool's capacities and the replication capabilities (re-read so
that a licence change is noticed without restarting the service).
"""

import logging

from vmax_flows import exceptions

LOG = logging.getLogger(__name__)
GIB = 1024 ** 3


def volume_stats(client, placement, backend_name, driver_version,
                 protocol='iSCSI', reserved_percentage=0,
                 max_over_subscription_ratio=20.0):
    info = client.info
    pool = placement.get('srp') or placement.get('pool')
    capacity = client.pool_capacity(pool)
    try:
        client.refresh_licences()
    except exceptions.VmaxError as exc:
        LOG.warning('Could not refresh the replication licences of array '
                    '%s: %s', info.serial, exc)
    reserved = int(reserved_percentage or 0)
    if capacity.get('EMCPercentReservedCapacity') is not None:
        reserved = max(reserved, capacity['EMCPercentReservedCapacity'])
    ratio = float(max_over_subscription_ratio or 1.0)
    if not info.is_vmax3 and capacity.get('EMCMaxSubscriptionPercent'):
        ratio = max(ratio, capacity['EMCMaxSubscriptionPercent'] / 100.0)
    if info.is_vmax3:
        location = '%s#%s#%s#%s' % (info.serial, pool,
                                    placement.get('slo') or 'NONE',
                                    placement.get('workload') or 'NONE')
    else:
        location = '%s#%s#%s' % (info.serial, pool,
                                 placement.get('fast_policy') or 'None')
    pool_stats = {
        'pool_name': placement['pool_name'],
        'total_capacity_gb': _gib(capacity.get('TotalManagedSpace')),
        'free_capacity_gb': _gib(capacity.get('RemainingManagedSpace')),
        'provisioned_capacity_gb': _gib(
            capacity.get('EMCSubscribedCapacity')),
        'reserved_percentage': reserved,
        'max_over_subscription_ratio': ratio,
        'thin_provisioning_support': True,
        'thick_provisioning_support': False,
        'QoS_support': False,
        'multiattach': False,
        'online_extend_support': False,
        'location_info': location,
        'consistencygroup_support': False,
        'snapshot_support': info.snapvx_licensed() if info.is_vmax3
        else info.clone_licensed(),
        'compression_support': info.all_flash,
    }
    return {'volume_backend_name': backend_name,
            'vendor_name': 'Dell EMC',
            'driver_version': driver_version,
            'storage_protocol': protocol,
            'total_capacity_gb': pool_stats['total_capacity_gb'],
            'free_capacity_gb': pool_stats['free_capacity_gb'],
            'reserved_percentage': reserved,
            'QoS_support': False,
            'array_family': info.family,
            'array_serial': info.serial,
            'pools': [pool_stats]}


def _gib(value):
    return 0 if value is None else value // GIB
