"""Array profiles: YAML descriptions of an estate, loaded into a model.

A profile lists ``arrays`` (each with its identity, switches, pools,
FAST policies, ports, port groups and, optionally, pre-created objects:
``hardware_ids``, ``initiator_groups``, ``storage_groups``, ``devices``,
``masking_views``, ``replication_groups``) and estate-wide ``rdf_groups``
(both sides of each SRDF group).  Pre-created objects go through the same
operations as a client's, so a profile cannot describe an array that
breaks the array's rules.  See ``etc/vmax_sim/*.yaml`` for examples.
"""

import os
import sys

import yaml

from vmax_sim.model import checks
from vmax_sim.model import clock as clock_mod
from vmax_sim.model import masking
from vmax_sim.model import mutate
from vmax_sim.model import objects as o
from vmax_sim.model import replication
from vmax_sim.model import volumes

_ARRAY_SCALARS = (
    'family', 'model', 'microcode', 'all_flash', 'system_name_style',
    'percent_synced', 'async_jobs', 'job_duration_s', 'copy_rate_mib_per_s',
    'snapvx_max_per_source', 'max_devices_per_sg', 'max_name_length')
_SIZE_UNITS = (('size_bytes', 1), ('size_mib', o.MIB), ('size_gib', o.GIB),
               ('size_tib', 1024 * o.GIB))
_TOTAL_UNITS = (('total_bytes', 1), ('total_gib', o.GIB),
                ('total_tib', 1024 * o.GIB))


def profile_dirs():
    """Where bare profile names are looked up, in order: the source
    tree's ``etc/vmax_sim``, then the installed data directory."""
    import vmax_sim
    package_dir = os.path.dirname(os.path.abspath(vmax_sim.__file__))
    return [os.path.join(os.path.dirname(package_dir), 'etc', 'vmax_sim'),
            os.path.join(sys.prefix, 'share', 'vmax-taskflow-driver', 'etc',
                         'vmax_sim')]


def profile_path(path_or_name):
    """Resolve a path, or a bare name such as ``vmax3-allflash``."""
    if os.path.sep in path_or_name or path_or_name.endswith(
            ('.yaml', '.yml')):
        return path_or_name
    for directory in profile_dirs():
        candidate = os.path.join(directory, path_or_name + '.yaml')
        if os.path.exists(candidate):
            return candidate
    raise FileNotFoundError('no array profile %r in %s'
                            % (path_or_name, ', '.join(profile_dirs())))


def available_profiles():
    """Names of the profiles found in :func:`profile_dirs`."""
    names = set()
    for directory in profile_dirs():
        if os.path.isdir(directory):
            names.update(f[:-5] for f in os.listdir(directory)
                         if f.endswith('.yaml'))
    return sorted(names)


def load_profile(path_or_name, clock=None):
    """Build an :class:`~objects.Estate` from a profile file or name.

    ``clock`` overrides the profile's clock (e.g. ``Clock(manual=False)``
    for a served demo); by default a manual clock.
    """
    with open(profile_path(path_or_name)) as src:
        data = yaml.safe_load(src)
    return build_estate(data, clock=clock)


def _size(spec, units, what):
    for name, factor in units:
        if name in spec:
            return int(spec[name] * factor)
    raise ValueError('%s needs one of %s'
                     % (what, ', '.join(n for n, _ in units)))


def _settings(spec):
    settings = [tuple(s) for s in spec.get('settings', ())]
    for slo, workloads in (spec.get('service_levels') or {}).items():
        for workload in workloads or ['NONE']:
            settings.append((slo, workload))
    return settings


def _device_number(text):
    if isinstance(text, int):
        return text
    return int(str(text), 16)


def build_estate(data, clock=None):
    """Build an estate from an already parsed profile mapping."""
    if clock is None:
        clock_spec = data.get('clock') or {}
        clock = clock_mod.Clock(manual=clock_spec.get('manual', True),
                                start=clock_spec.get('start'))
    estate = o.Estate(clock=clock)
    estate.last_tick = clock.now()
    for spec in data.get('arrays', ()):
        _build_array(estate, spec)
    for spec in data.get('rdf_groups', ()):
        _build_rdf_group(estate, spec)
    for spec in data.get('arrays', ()):
        _seed_objects(estate, spec)
    return estate


def _build_array(estate, spec):
    serial = str(spec['serial'])
    arr = o.Array(serial=serial)
    for name in _ARRAY_SCALARS:
        if name in spec:
            setattr(arr, name, spec[name])
    if 'se_version' in spec:
        arr.se_version = tuple(int(p) for p in
                               str(spec['se_version']).split('.'))
    if 'licences' in spec:
        arr.licences = dict(arr.licences, **spec['licences'])
    if 'first_device_id' in spec:
        arr.first_device_id = _device_number(spec['first_device_id'])
    for pool_spec in spec.get('pools', ()):
        pool = o.Pool(
            name=pool_spec['name'], kind=pool_spec.get('kind', o.POOL_SRP),
            total_bytes=_size(pool_spec, _TOTAL_UNITS, 'pool'),
            reserved_percent=pool_spec.get('reserved_percent', 0),
            max_subscription_percent=pool_spec.get(
                'max_subscription_percent', 100),
            settings=_settings(pool_spec))
        arr.pools[pool.name] = pool
    for policy_spec in spec.get('fast_policies', ()):
        policy = o.FastPolicy(name=policy_spec['name'], tiers=[
            o.Tier(name=t['name'], pools=list(t.get('pools', ())))
            for t in policy_spec.get('tiers', ())])
        arr.fast_policies[policy.name] = policy
    for port_spec in spec.get('ports', ()):
        port = o.Port(**port_spec)
        if port.wwpn:
            port.wwpn = checks.normalise_storage_id(port.wwpn)
        arr.ports[port.name] = port
    arr.reindex()
    estate.arrays[serial] = arr


def _build_rdf_group(estate, spec):
    first, second = spec['sides']
    for local, remote in ((first, second), (second, first)):
        arr = estate.array(str(local['serial']))
        group = o.RdfGroup(label=spec['label'], number=int(local['number']),
                           remote_serial=str(remote['serial']),
                           remote_number=int(remote['number']),
                           online=spec.get('online', True))
        arr.rdf_groups[group.number] = group


def _seed_objects(estate, spec):
    serial = str(spec['serial'])
    arr = estate.array(serial)
    for pg in spec.get('port_groups', ()):
        masking.create_port_group(estate, serial, pg['name'],
                                  pg.get('ports', ()))
    for hwid in spec.get('hardware_ids', ()):
        masking.create_hardware_id(estate, serial, hwid['storage_id'],
                                   hwid['id_type'],
                                   hwid.get('element_name', ''))
    for ig in spec.get('initiator_groups', ()):
        masking.create_initiator_group(estate, serial, ig['name'],
                                       ig.get('hardware_ids', ()))
    for sg in spec.get('storage_groups', ()):
        masking.create_storage_group(
            estate, serial, sg['name'], srp=sg.get('srp'),
            slo=sg.get('slo'), workload=sg.get('workload'),
            disable_compression=sg.get('disable_compression', False),
            fast_policy=sg.get('fast_policy'),
            children=sg.get('children', ()))
        limits = {k: sg[k] for k in ('iops', 'mbps', 'distribution')
                  if k in sg}
        if limits:
            masking.set_host_io_limits(estate, serial, sg['name'], **limits)
    for dev in spec.get('devices', ()):
        _seed_devices(estate, arr, dev)
    for view in spec.get('masking_views', ()):
        masking.create_masking_view(estate, serial, view['name'],
                                    view['storage_group'],
                                    view['initiator_group'],
                                    view['port_group'])
    for rg in spec.get('replication_groups', ()):
        replication.create_replication_group(estate, serial, rg['name'],
                                             rg.get('members', ()))


def _seed_devices(estate, arr, spec):
    """Devices of a profile: ``count`` alike; ``device_id`` pins the id
    of the first; ``storage_groups`` (or ``storage_group``) to join."""
    size = _size(spec, _SIZE_UNITS, 'device')
    groups = list(spec.get('storage_groups', ()))
    if spec.get('storage_group'):
        groups.insert(0, spec['storage_group'])
    pool = spec.get('pool') or (
        arr.storage_groups[groups[0]].srp if groups and arr.is_vmax3
        else None) or arr.default_srp
    first_id = spec.get('device_id')
    for index in range(int(spec.get('count', 1))):
        label = spec.get('label', '').format(index=index)
        if first_id is not None:
            number = _device_number(first_id) + index
            checks.pool(arr, pool)
            checks.capacity(arr, pool, size)
            if o.format_device_id(number) in arr.devices:
                raise ValueError('profile pins DeviceID %s twice'
                                 % o.format_device_id(number))
            dev = mutate.add_device(
                estate, arr, label, size, pool, thin=spec.get('thin', True),
                compressed=arr.all_flash and arr.is_vmax3,
                device_id=o.format_device_id(number))
        else:
            dev = volumes.create_volume(
                estate, arr.serial, label, size, pool=pool,
                thin=spec.get('thin', True),
                member_count=spec.get('member_count'),
                striped=spec.get('striped', False))
        for group in groups:
            masking.add_members(estate, arr.serial, o.KIND_SG, group,
                                [dev.device_id])
