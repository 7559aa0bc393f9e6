"""QoS specs as host I/O limits of a storage group.

A Cinder QoS spec (consumer ``back-end`` or ``both``) with ``maxIOPS``,
``maxMBPS`` and ``DistributionType`` becomes the storage group's
``EMCMaximumIO``, ``EMCMaximumBandwidth`` and
``EMCMaxIODynamicDistributionType``.  Limits are per storage group, so
they apply to every device in the group (for an attached volume: the
host's group).  :func:`limits_from_specs` validates before any array
change and names the bad key and the valid values.
"""

import pywbem

from vmax_flows import exceptions

IOPS_SPEC = 'maxIOPS'
MBPS_SPEC = 'maxMBPS'
DISTRIBUTION_SPEC = 'DistributionType'
KNOWN_SPECS = (IOPS_SPEC, MBPS_SPEC, DISTRIBUTION_SPEC)
# The array's ranges (Solutions Enabler host I/O limits).
IOPS_RANGE = (100, 2000000)
MBPS_RANGE = (1, 100000)
DISTRIBUTIONS = {'never': 1, 'onfailure': 2, 'always': 3}
FRONT_END = 'front-end'

IOPS_PROPERTY = 'EMCMaximumIO'
MBPS_PROPERTY = 'EMCMaximumBandwidth'
DISTRIBUTION_PROPERTY = 'EMCMaxIODynamicDistributionType'
PROPERTIES = (IOPS_PROPERTY, MBPS_PROPERTY, DISTRIBUTION_PROPERTY)
NO_LIMITS = {'iops': 0, 'mbps': 0, 'distribution': None}


def limits_from_specs(qos_specs, consumer=None):
    """``{'iops', 'mbps', 'distribution'}`` (0 / None = not limited) from
    a QoS spec dict, or None when there is nothing for the array to do
    (no spec, or a ``front-end`` spec that the hypervisor enforces)."""
    if not qos_specs or (consumer or '').lower() == FRONT_END:
        return None
    specs = dict(qos_specs)
    for key in specs:
        if key not in KNOWN_SPECS:
            raise exceptions.InvalidSpec(
                'QoS spec key', key, KNOWN_SPECS,
                reason='the array has no such host I/O limit')
    iops = _number(specs, IOPS_SPEC, IOPS_RANGE)
    mbps = _number(specs, MBPS_SPEC, MBPS_RANGE)
    distribution = None
    if specs.get(DISTRIBUTION_SPEC) not in (None, ''):
        text = str(specs[DISTRIBUTION_SPEC]).strip().lower()
        if text not in DISTRIBUTIONS:
            raise exceptions.InvalidSpec(
                DISTRIBUTION_SPEC, specs[DISTRIBUTION_SPEC],
                sorted(DISTRIBUTIONS, key=DISTRIBUTIONS.get))
        if not iops and not mbps:
            raise exceptions.InvalidSpec(
                DISTRIBUTION_SPEC, specs[DISTRIBUTION_SPEC],
                reason='a distribution type needs %s or %s'
                       % (IOPS_SPEC, MBPS_SPEC))
        distribution = DISTRIBUTIONS[text]
    if not iops and not mbps:
        return None
    return {'iops': iops, 'mbps': mbps, 'distribution': distribution}


def _number(specs, key, valid_range):
    value = specs.get(key)
    if value in (None, ''):
        return 0
    try:
        number = int(str(value).strip())
    except ValueError:
        number = None
    low, high = valid_range
    if number is None or not low <= number <= high:
        raise exceptions.InvalidSpec(
            key, value, reason='expected a whole number from %d to %d'
                               % (low, high))
    return number


# -- the array side -----------------------------------------------------------

def read_limits(client, group):
    """The group's current limits, or None when the group is gone."""
    try:
        inst = client.session.get_instance(client.group_path(group),
                                           list(PROPERTIES))
    except exceptions.ObjectNotFound:
        return None
    distribution = inst.get(DISTRIBUTION_PROPERTY)
    return {'iops': int(inst.get(IOPS_PROPERTY) or 0),
            'mbps': int(inst.get(MBPS_PROPERTY) or 0),
            'distribution': int(distribution) if distribution else None}


def same_limits(current, wanted):
    wanted = wanted or NO_LIMITS
    if current is None:
        return False
    if (current['iops'], current['mbps']) != (wanted['iops'],
                                              wanted['mbps']):
        return False
    return wanted['distribution'] is None or \
        current['distribution'] == wanted['distribution']


def write_limits(client, group, limits):
    """Set the group's limits with one ModifyInstance of the changed
    properties (0 = no limit)."""
    limits = limits or NO_LIMITS
    inst = pywbem.CIMInstance(
        'SE_DeviceMaskingGroup', path=client.group_path(group))
    changed = [IOPS_PROPERTY, MBPS_PROPERTY]
    inst[IOPS_PROPERTY] = pywbem.Uint32(limits['iops'])
    inst[MBPS_PROPERTY] = pywbem.Uint32(limits['mbps'])
    if limits.get('distribution'):
        inst[DISTRIBUTION_PROPERTY] = pywbem.Uint16(limits['distribution'])
        changed.append(DISTRIBUTION_PROPERTY)
    client.session.modify_instance(inst, changed)
