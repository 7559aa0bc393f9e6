"""QoS specs as host I/O limits of a storage group.

A Cinder QoS spec (consumer ``back-end`` or ``both``) with ``maxIOPS``,
``maxMBPS`` and ``DistributionType`` becomes the storage group's
``EMCMaximumIO``, ``EMCMaximumBandwidth`` and
``EMCMaxIODynamicDistributionType``.  Limits are per storage group, so
they apply to every device in the group (for an attached volume: the
host's group).  :func:`limits_from_specs` validates before any array
change and names the bad key and the valid values.
"""

import hashlib

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


# -- one group per set of limits ----------------------------------------------
#
# Limits belong to a storage group, so a group must only ever hold devices
# of the same limits: setting a volume's limits on a group it shares with
# other volumes would silently throttle them (the 2.x driver did that on
# the host's group, bug 1712050).  So every group that carries limits is
# named after them: a short token from the limits themselves, added by
# vmax_flows.naming / vmax_flows.hostnames.  Volumes without QoS keep the
# names they always had.

TOKEN_PREFIX = 'Q'
TOKEN_LENGTH = 6
_CANONICAL = 'iops=%d;mbps=%d;distribution=%d'


def canonical(limits):
    """``limits`` with the distribution made explicit (a new group's is
    "never"), so that equal limits are equal dicts and give one token;
    None when there are no limits."""
    if not limits or not (limits.get('iops') or limits.get('mbps')):
        return None
    return {'iops': int(limits.get('iops') or 0),
            'mbps': int(limits.get('mbps') or 0),
            'distribution': int(limits.get('distribution') or
                                DISTRIBUTIONS['never'])}


def token(limits):
    """``Q<6 hex digits>`` naming ``limits`` (None without limits).

    SHA-256 of a fixed text of the three numbers: a stable digest, not a
    security hash.  It must never change between releases -- groups on
    arrays are found again by this name.
    """
    limits = canonical(limits)
    if limits is None:
        return None
    text = _CANONICAL % (limits['iops'], limits['mbps'],
                         limits['distribution'])
    digest = hashlib.sha256(text.encode('ascii')).hexdigest()
    return TOKEN_PREFIX + digest[:TOKEN_LENGTH].upper()


def describe(limits):
    limits = canonical(limits)
    if limits is None:
        return 'no host I/O limits'
    names = {v: k for k, v in DISTRIBUTIONS.items()}
    return '%s %s, %s %s, %s %s' % (
        IOPS_SPEC, limits['iops'] or 'unlimited', MBPS_SPEC,
        limits['mbps'] or 'unlimited', DISTRIBUTION_SPEC,
        names.get(limits['distribution'], limits['distribution']))


class GroupLimitsConflict(exceptions.VmaxError):
    """A group named for some limits carries other (non-zero) limits."""


def limits_of(instance):
    """Limits of a storage group instance read with :data:`PROPERTIES`
    (canonical; None when it has none)."""
    return canonical({'iops': instance.get(IOPS_PROPERTY),
                      'mbps': instance.get(MBPS_PROPERTY),
                      'distribution': instance.get(DISTRIBUTION_PROPERTY)})


def find_group(client, group):
    """``(found, limits)`` of a storage group in one GetInstance -- the
    same single round trip as ``client.get_group``."""
    try:
        inst = client.session.get_instance(
            client.group_path(group), ['ElementName'] + list(PROPERTIES))
    except exceptions.ObjectNotFound:
        return False, None
    return True, limits_of(inst)


def check_found(group, current, wanted):
    """Decide what to do with a found group that should carry ``wanted``.

    Returns True when its limits must be set.  A group named for limits
    holds only devices of those limits, so:

    * same limits: nothing to do;
    * no limits at all: an earlier run created it and stopped before
      setting them (or its revert could not delete it): complete it --
      every device in it was put there for these limits;
    * other, non-zero limits: someone (an administrator, or -- one chance
      in 16 million -- another QoS spec with the same token) set them on
      purpose.  Changing them would silently re-limit the devices already
      there, so refuse, naming the group and both sets of limits.
    """
    wanted = canonical(wanted)
    current = canonical(current)
    if current == wanted:
        return False
    if current is None:
        return True
    raise GroupLimitsConflict(
        'Storage group %s carries %s, but is named for %s; refusing to '
        'change the limits of the devices it holds (set them back, or '
        'move its devices out and delete it)'
        % (group, describe(current), describe(wanted)))


def set_on_new_group(client, group, limits):
    """Limits of a group this flow has just created (one ModifyInstance).
    When that fails the caller's revert deletes the group: a group named
    for limits never stays without them by this driver's doing."""
    write_limits(client, group, canonical(limits))
