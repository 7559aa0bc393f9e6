"""Where a volume goes: backend settings plus volume-type extra specs,
checked against what the array offers -- before any array change.

The result is a plain dict (it travels in flow stores):

VMAX3  ``{'family': 'VMAX3', 'serial', 'srp', 'slo', 'workload',
'disable_compression', 'storage_group', 'pool_name'}``
VMAX2  ``{'family': 'VMAX2', 'serial', 'pool', 'fast_policy',
'storage_group', 'stripe_count', 'pool_name'}``

plus ``'qos'`` (canonical host I/O limits, :mod:`vmax_flows.qos`) when
the volume type has back-end QoS specs; then ``storage_group`` is the
default group of those limits (``...-Q<token>-SG``).  A VMAX2 volume
without FAST policy has no default group: its limits are set on the
host's group when it is attached (limits only act on host I/O).

Every problem raises :class:`~vmax_flows.exceptions.InvalidSetting`
(backend settings) or :class:`~vmax_flows.exceptions.InvalidSpec` (extra
specs) naming the bad value and the valid ones (bug 1512795).
"""

from vmax_flows import exceptions
from vmax_flows import naming
from vmax_flows import qos
from vmax_flows.smis import discovery

POOL_NAME_SPEC = 'pool_name'
COMPRESSION_SPEC = 'storagetype:disablecompression'
STRIPE_SPEC = 'storagetype:stripecount'
SLO_SPEC = 'storagetype:slo'
WORKLOAD_SPEC = 'storagetype:workload'
SRP_SPEC = 'storagetype:pool'
# Every ``storagetype:`` key this driver reads; any other is a typo and
# refused, naming these (bug 1656029: a misspelt key silently ignored).
KNOWN_STORAGETYPE_SPECS = (COMPRESSION_SPEC, STRIPE_SPEC, SLO_SPEC,
                           WORKLOAD_SPEC, SRP_SPEC)
TRUE_WORDS = ('true', 'yes', '1', 'on', '<is> true')
FALSE_WORDS = ('false', 'no', '0', 'off', '<is> false')
NONE = discovery.NO_WORKLOAD


def check_backend(config, info):
    """Validate the backend settings against the array; return the
    backend's default placement."""
    _check_pool(info, config.pool, exceptions.InvalidSetting,
                'pool' if not info.is_vmax3 else 'pool (SRP)')
    missing = [pg for pg in config.port_groups
               if pg not in info.port_groups]
    if missing:
        raise exceptions.InvalidSetting('port group', missing[0],
                                        info.port_groups)
    if info.is_vmax3:
        if config.fast_policy:
            raise exceptions.InvalidSetting(
                'fast policy', config.fast_policy,
                reason='FAST policies exist on VMAX2 only; array %s is a '
                       'VMAX3 (use a service level)' % info.serial)
        return _vmax3(info, config.pool, config.service_level,
                      config.workload, False, exceptions.InvalidSetting)
    if config.service_level or config.workload:
        raise exceptions.InvalidSetting(
            'service level', config.service_level or config.workload,
            reason='service levels and workloads exist on VMAX3 only; '
                   'array %s is a VMAX2 (use a FAST policy)' % info.serial)
    return _vmax2(info, config.pool, config.fast_policy, None,
                  exceptions.InvalidSetting)


def for_volume_type(config, info, extra_specs, qos_limits=None):
    """Placement of a volume of a type with ``extra_specs`` and QoS
    limits ``qos_limits`` (from :func:`vmax_flows.qos.limits_from_specs`,
    already validated; None without QoS)."""
    placement = _for_specs(config, info, extra_specs)
    limits = qos.canonical(qos_limits)
    if limits is None:
        # Without QoS: exactly the placement (and group names) of before.
        return placement
    token = qos.token(limits)
    placement['qos'] = limits
    if placement.get('srp'):
        placement['storage_group'] = naming.default_storage_group(
            placement['srp'], placement['slo'], placement['workload'],
            placement['disable_compression'], qos_token=token)
    elif placement.get('fast_policy'):
        placement['storage_group'] = naming.fast_storage_group(
            placement['fast_policy'], qos_token=token)
    return placement


def _for_specs(config, info, extra_specs):
    specs = dict(extra_specs or {})
    _check_known_keys(specs)
    compression = _flag(specs.get(COMPRESSION_SPEC), COMPRESSION_SPEC)
    stripes = specs.get(STRIPE_SPEC)
    pool_name = specs.get(POOL_NAME_SPEC)
    if info.is_vmax3:
        if stripes not in (None, ''):
            raise exceptions.InvalidSpec(
                STRIPE_SPEC, stripes,
                reason='striped meta volumes exist on VMAX2 only; array '
                       '%s is a VMAX3' % info.serial)
        if compression and not info.all_flash:
            raise exceptions.InvalidSpec(
                COMPRESSION_SPEC, specs.get(COMPRESSION_SPEC),
                reason='compression can only be disabled on an All Flash '
                       'array; array %s is a %s'
                       % (info.serial, info.model))
        srp, slo, workload = config.pool, config.service_level, \
            config.workload
        if pool_name:
            slo, workload, srp = _parse_vmax3_pool_name(pool_name, info)
        srp, slo, workload = _explicit_levels(specs, srp, slo, workload,
                                              bool(pool_name))
        return _vmax3(info, srp, slo, workload, compression,
                      exceptions.InvalidSpec)
    if compression:
        raise exceptions.InvalidSpec(
            COMPRESSION_SPEC, specs.get(COMPRESSION_SPEC),
            reason='compression exists on VMAX3 All Flash only; array %s '
                   'is a VMAX2' % info.serial)
    for key in (SLO_SPEC, WORKLOAD_SPEC):
        if specs.get(key) not in (None, ''):
            raise exceptions.InvalidSpec(
                key, specs[key],
                reason='service levels and workloads exist on VMAX3 only; '
                       'array %s is a VMAX2' % info.serial)
    pool = config.pool
    if pool_name:
        pool = _parse_vmax2_pool_name(pool_name, info)
    pool = _explicit(specs, SRP_SPEC, pool, bool(pool_name))
    return _vmax2(info, pool, config.fast_policy, _stripes(stripes),
                  exceptions.InvalidSpec)


def _check_known_keys(specs):
    for key in specs:
        if key.lower().startswith('storagetype:') and \
                key not in KNOWN_STORAGETYPE_SPECS:
            raise exceptions.InvalidSpec(
                'extra spec key', key, KNOWN_STORAGETYPE_SPECS,
                reason='this driver reads no such key')


def _explicit(specs, key, current, from_pool_name):
    """The value of an explicit spec, which must agree with pool_name."""
    value = specs.get(key)
    if value in (None, ''):
        return current
    value = str(value).strip()
    if from_pool_name and (current or NONE).lower() != value.lower():
        raise exceptions.InvalidSpec(
            key, value, [current or NONE],
            reason='it conflicts with %s %r' % (POOL_NAME_SPEC,
                                                specs[POOL_NAME_SPEC]))
    return value


def _explicit_levels(specs, srp, slo, workload, from_pool_name):
    srp = _explicit(specs, SRP_SPEC, srp, from_pool_name)
    new_slo = _explicit(specs, SLO_SPEC, slo, from_pool_name)
    if new_slo != slo and specs.get(WORKLOAD_SPEC) in (None, ''):
        # A type naming only a service level does not inherit the
        # backend's workload (which that level may not offer).
        workload = None
    workload = _explicit(specs, WORKLOAD_SPEC, workload, from_pool_name)
    return srp, new_slo, workload


def _vmax3(info, srp, slo, workload, compression, error):
    _check_pool(info, srp, error, 'SRP')
    slo = _canonical_slo(info, srp, slo, error)
    workload = _canonical_workload(info, srp, slo, workload, error)
    group = naming.default_storage_group(srp, slo, workload, compression)
    return {'family': discovery.FAMILY_VMAX3, 'serial': info.serial,
            'srp': srp, 'slo': slo, 'workload': workload,
            'disable_compression': bool(compression),
            'storage_group': group,
            'pool_name': '%s+%s+%s+%s' % (slo or NONE, workload or NONE,
                                          srp, info.serial)}


def _vmax2(info, pool, policy, stripes, error):
    _check_pool(info, pool, error, 'pool')
    if policy and policy not in info.fast_policies:
        raise error('fast policy', policy, sorted(info.fast_policies))
    return {'family': discovery.FAMILY_VMAX2, 'serial': info.serial,
            'pool': pool, 'fast_policy': policy or None,
            'storage_group': naming.fast_storage_group(policy)
            if policy else None,
            'stripe_count': stripes,
            'pool_name': '%s+%s' % (pool, info.serial)}


def _check_pool(info, pool, error, what):
    if pool not in info.pools:
        raise error(what, pool, sorted(info.pools),
                    reason='array %s has no such pool' % info.serial)


def _canonical_slo(info, srp, slo, error):
    if not slo or slo.upper() == NONE:
        return None
    offered = info.slos(srp)
    for name in offered:
        if name.lower() == slo.lower():
            return name
    raise error('service level', slo, offered,
                reason='SRP %s of array %s does not offer it'
                       % (srp, info.serial))


def _canonical_workload(info, srp, slo, workload, error):
    if slo is None:
        if workload and workload.upper() != NONE:
            raise error('workload', workload,
                        reason='a workload needs a service level')
        return None
    offered = info.workloads(srp, slo)
    if not workload or workload.upper() == NONE:
        if NONE in offered or not offered:
            return None
        # The SLO only exists with explicit workloads on this array.
        raise error('workload', workload or NONE, offered,
                    reason='service level %s on SRP %s needs one'
                           % (slo, srp))
    for name in offered:
        if name.lower() == workload.lower():
            return None if name == NONE else name
    raise error('workload', workload, offered,
                reason='service level %s on SRP %s of array %s does not '
                       'offer it' % (slo, srp, info.serial))


def _parse_vmax3_pool_name(value, info):
    parts = value.split('+')
    if len(parts) == 4:
        slo, workload, srp, serial = parts
    elif len(parts) == 3:
        slo, srp, serial = parts
        workload = None
    else:
        raise exceptions.InvalidSpec(
            POOL_NAME_SPEC, value,
            reason='expected <SLO>+<Workload>+<SRP>+<serial> or '
                   '<SLO>+<SRP>+<serial>')
    _check_serial(serial, info, value)
    return slo, workload, srp


def _parse_vmax2_pool_name(value, info):
    parts = value.split('+')
    if len(parts) != 2:
        raise exceptions.InvalidSpec(POOL_NAME_SPEC, value,
                                     reason='expected <pool>+<serial>')
    _check_serial(parts[1], info, value)
    return parts[0]


def _check_serial(serial, info, value):
    if serial != info.serial:
        raise exceptions.InvalidSpec(
            'array serial in %s' % POOL_NAME_SPEC, serial, [info.serial],
            reason='this backend manages array %s (pool_name %r)'
                   % (info.serial, value))


def _flag(value, spec):
    if value is None or value == '':
        return False
    text = str(value).strip().lower()
    if text in TRUE_WORDS:
        return True
    if text in FALSE_WORDS:
        return False
    raise exceptions.InvalidSpec(spec, value, ['true', 'false'])


def _stripes(value):
    if value in (None, ''):
        return None
    try:
        count = int(str(value).strip())
    except ValueError:
        count = 0
    if count < 1:
        raise exceptions.InvalidSpec(STRIPE_SPEC, value,
                                     reason='expected a whole number of '
                                            'meta members, at least 1')
    return count
