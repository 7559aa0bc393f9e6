"""The Cinder objects and arguments ``vmax-demo`` hands the driver.

Real Cinder versioned objects (volume and group types, volumes,
snapshots, groups, group snapshots) built the way the volume manager
has them after reading its database, plus what the manager computes
itself: the os-brick connector of a compute host, the volume-type diff
of a retype and the scheduler's ``host`` dict.  The demo has no
database, so nothing here may touch one: every field the driver reads
is set.
"""

import uuid

# What os-brick's get_connector_properties reports for a Linux compute
# host with open-iscsi and multipathd.
CONNECTOR = {'host': 'compute-1.example.org',
             'initiator': 'iqn.1993-08.org.debian:01:5e2f9a1c7d3b',
             'ip': '192.0.2.99', 'multipath': True, 'enforce_multipath': True,
             'platform': 'x86_64', 'os_type': 'linux',
             'do_local_attach': False}
GROUP_SNAPSHOT_SPEC = 'consistent_group_snapshot_enabled'
REPLICATION_SPEC = 'replication_enabled'


def new_id():
    return str(uuid.uuid4())


def volume_type(context, name, extra_specs=None):
    from cinder import objects
    return objects.VolumeType(context=context, id=new_id(), name=name,
                              extra_specs=dict(extra_specs or {}),
                              qos_specs_id=None, is_public=True)


def group_type(context, name, group_specs):
    from cinder import objects
    return objects.GroupType(context=context, id=new_id(), name=name,
                             group_specs=dict(group_specs), is_public=True)


def volume(context, driver, display_name, size, vtype):
    from cinder import objects
    pool = (driver.default_placement or {}).get('pool_name', 'pool')
    return objects.Volume(
        context=context, id=new_id(), _name_id=None, size=size,
        volume_type_id=vtype.id, volume_type=vtype, provider_location=None,
        replication_driver_data=None, replication_status='disabled',
        group_id=None, status='creating', attach_status='detached',
        host='%s#%s' % (driver.host, pool), display_name=display_name)


def snapshot(context, display_name, source, group_snapshot=None):
    from cinder import objects
    return objects.Snapshot(
        context=context, id=new_id(), volume_id=source.id, volume=source,
        volume_size=source.size, volume_type_id=source.volume_type_id,
        provider_location=None, status='creating',
        group_snapshot_id=group_snapshot.id if group_snapshot else None,
        display_name=display_name)


def group(context, gtype, vtypes, display_name):
    from cinder import objects
    return objects.Group(context=context, id=new_id(), name=display_name,
                         group_type_id=gtype.id,
                         volume_type_ids=[t.id for t in vtypes],
                         status='creating')


def group_snapshot(context, of_group, display_name):
    from cinder import objects
    return objects.GroupSnapshot(
        context=context, id=new_id(), group_id=of_group.id,
        group_type_id=of_group.group_type_id, name=display_name,
        status='creating')


def apply(cinder_object, model_update):
    """What the manager does with a model update before ``save()``."""
    update = dict(model_update or {})
    update.pop('id', None)
    if update:
        cinder_object.update(update)
    return cinder_object


def type_diff(old_type, new_type):
    """The ``diff`` argument of ``retype``, shaped as
    ``cinder.volume.volume_types.volume_types_diff`` returns it (that
    function reads the database): every key of either type's extra specs
    with ``(old value, new value)``; neither type has QoS or
    encryption."""
    old_specs = dict(old_type.extra_specs or {})
    new_specs = dict(new_type.extra_specs or {})
    extra = {key: (old_specs.get(key), new_specs.get(key))
             for key in sorted(set(old_specs) | set(new_specs))}
    return {'extra_specs': extra, 'qos_specs': {}, 'encryption': {}}


def scheduler_host(driver):
    """The ``host`` dict the scheduler passes for this backend's pool:
    its name and the pool's capabilities from the driver's own stats
    (``location_info`` tells the driver the array is its own)."""
    stats = driver.get_volume_stats(refresh=False)
    pool = (stats.get('pools') or [stats])[0]
    return {'host': '%s#%s' % (driver.host, pool.get('pool_name')),
            'capabilities': dict(pool)}
