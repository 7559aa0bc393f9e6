"""Names of the masking objects this driver makes for a host.

* Short host name: the first DNS label of ``connector['host']`` (an IP
  address is kept whole).  When it is longer than
  :data:`MAX_HOST_LENGTH` or holds characters the array does not accept
  in names, it becomes ``<first 7 characters>_<8 hex digits>``, the digits
  taken from SHA-256 of the lower-cased label -- a stable digest, not a
  security hash, and stable across releases: changing it would orphan
  every existing view.  Every lookup goes through the same function, so
  the host's groups are always found again (bugs 1520635, 1694546).
* Per host and placement (the 2.x driver's names, so views it made are
  reused; bug 1640222 put the protocol letter in):

  - VMAX3: ``OS-<host>-<SRP16>-<SLO>-<Workload>-<I|F>[-CD]-SG`` / ``-MV``;
    no service level: ``OS-<host>-No_SLO-<I|F>-SG`` / ``-MV``;
  - VMAX2: ``OS-<host>-<Pool16>-<I|F>-SG``; with a FAST policy
    ``OS-<host>-<Policy14>-FP-<I|F>-SG`` / ``-MV``;
  - a plain group for a device that already sits in another host's
    service-level group (a second host, e.g. during live migration; a
    device may be in only one such group): ``OS-<host>-Shared-<I|F>-SG``
    / ``-MV``;
  - the host's initiator group: ``OS-<host>-<I|F>-IG``.

  ``<SRP16>``/``<Pool16>`` are names longer than 16 characters cut to
  ``<first 8>_<last 7>``, ``<Policy14>`` to ``<first 7>_<last 6>``.  With
  host names of at most 16 characters every name fits the array's
  64-character limit.
* A placement with QoS limits (a volume type with back-end QoS specs)
  gets groups and views of its own, ``-Q<6 hex digits>`` (the limits'
  token, :func:`vmax_flows.qos.token`) before ``-SG`` / ``-MV``, e.g.
  ``OS-<host>-<SRP8>-<SLO>-<Workload>-<I|F>[-CD]-Q1A2B3C-SG``: limits
  are per storage group, so a host's group must never mix volumes of
  different limits.  To stay within 64 characters the SRP is then cut
  to 8 (``<first 3>_<last 4>``).  Without QoS the names are unchanged.
* Cascaded masking (VMAX3 SRP placements): one *parent* storage group
  and view per host and protocol, ``OS-<host>-<I|F>-Parent-SG`` /
  ``-Parent-MV``, named by no SRP or service level; each placement's host
  group above becomes a child of it.  No other name this driver (or the
  2.x driver) makes has ``Parent`` as its last word before ``-SG`` /
  ``-MV`` (that word is a protocol letter, ``CD``, ``RE``, a QoS token, a
  workload or ``no_SLO``), so a parent's name never collides with them.
* Port group: the configured list, sorted, rotated to start at an index
  derived from the short host name -- the same host always gets the same
  port group (bug 1501919) while hosts spread over the list.
"""

import hashlib
import ipaddress
import re

from vmax_flows import exceptions
from vmax_flows import qos

MAX_HOST_LENGTH = 16
DIGEST_LENGTH = 8
MAX_NAME_LENGTH = 64
PROTOCOL_ISCSI = 'I'
PROTOCOL_FC = 'F'
_NAME_CHARACTERS = re.compile(r'[^A-Za-z0-9_-]')
_HOST_OBJECT = re.compile(
    r'^OS-[A-Za-z0-9_-]+-[IF](-CD)?(-RE)?(-Q[0-9A-F]{6})?-(?P<kind>SG|MV)$')
_HOST_PARENT = re.compile(r'^OS-[A-Za-z0-9_-]+-[IF]-Parent-(?P<kind>SG|MV)$')
_PARENT_HOST = re.compile(r'^OS-(?P<host>[A-Za-z0-9_-]+)-(?P<protocol>[IF])'
                          r'-Parent-SG$')
_HOST_INITIATOR_GROUP = re.compile(r'^OS-[A-Za-z0-9_-]+-[IF]-IG$')


def _digest(text):
    return hashlib.sha256(text.lower().encode('utf-8')).hexdigest()


def short_host_name(host):
    """The host part of this host's object names (see module doc)."""
    text = str(host or '').strip()
    if not text:
        raise exceptions.InvalidRequest(
            'The connector names no host; cannot name its masking view')
    if not _is_ip_address(text):
        text = text.split('.')[0] or text
    clean = _NAME_CHARACTERS.sub('_', text)
    if clean == text and len(clean) <= MAX_HOST_LENGTH:
        return clean
    keep = MAX_HOST_LENGTH - DIGEST_LENGTH - 1
    return '%s_%s' % (clean[:keep], _digest(text)[:DIGEST_LENGTH])


def _is_ip_address(text):
    try:
        ipaddress.ip_address(text)
    except ValueError:
        return False
    return True


def _cut(name, limit, head, tail):
    if len(name) <= limit:
        return name
    return '%s_%s' % (name[:head], name[-tail:])


def _prefix(short_host, placement, protocol):
    token = qos.token(placement.get('qos'))
    prefix = _service_prefix(short_host, placement, protocol, bool(token))
    return '%s-%s' % (prefix, token) if token else prefix


def _service_prefix(short_host, placement, protocol, with_qos):
    if placement.get('srp'):
        if not placement.get('slo'):
            return 'OS-%s-No_SLO-%s' % (short_host, protocol)
        srp = _cut(placement['srp'], 8, 3, 4) if with_qos else \
            _cut(placement['srp'], 16, 8, 7)
        prefix = 'OS-%s-%s-%s-%s-%s' % (
            short_host, srp, placement['slo'],
            placement.get('workload') or 'NONE', protocol)
        if placement.get('disable_compression'):
            prefix += '-CD'
        return prefix
    if placement.get('fast_policy'):
        return 'OS-%s-%s-FP-%s' % (
            short_host, _cut(placement['fast_policy'], 14, 7, 6), protocol)
    return 'OS-%s-%s-%s' % (short_host, _cut(placement['pool'], 16, 8, 7),
                            protocol)


def _checked(name):
    if len(name) > MAX_NAME_LENGTH:
        raise exceptions.InvalidRequest(
            'Masking object name %s is longer than the array allows (%d '
            'characters)' % (name, MAX_NAME_LENGTH))
    return name


def host_storage_group(short_host, placement, protocol=PROTOCOL_ISCSI):
    """The host's storage group for volumes of ``placement``."""
    return _checked(_prefix(short_host, placement, protocol) + '-SG')


def host_masking_view(short_host, placement, protocol=PROTOCOL_ISCSI):
    return _checked(_prefix(short_host, placement, protocol) + '-MV')


def shared_storage_group(short_host, protocol=PROTOCOL_ISCSI):
    """The host's plain group for devices masked to another host too."""
    return _checked('OS-%s-Shared-%s-SG' % (short_host, protocol))


def shared_masking_view(short_host, protocol=PROTOCOL_ISCSI):
    return _checked('OS-%s-Shared-%s-MV' % (short_host, protocol))


def parent_storage_group(short_host, protocol=PROTOCOL_ISCSI):
    """The host's parent group (cascaded masking): its view's group."""
    return _checked('OS-%s-%s-Parent-SG' % (short_host, protocol))


def parent_masking_view(short_host, protocol=PROTOCOL_ISCSI):
    return _checked('OS-%s-%s-Parent-MV' % (short_host, protocol))


def is_parent_storage_group(name):
    found = _HOST_PARENT.match(name or '')
    return bool(found) and found.group('kind') == 'SG'


def is_parent_masking_view(name):
    found = _HOST_PARENT.match(name or '')
    return bool(found) and found.group('kind') == 'MV'


def host_of_parent(name):
    """``(short host, protocol)`` of a parent group this driver named,
    else None."""
    found = _PARENT_HOST.match(name or '')
    return (found.group('host'), found.group('protocol')) if found else None


def initiator_group(short_host, protocol=PROTOCOL_ISCSI):
    return _checked('OS-%s-%s-IG' % (short_host, protocol))


def storage_group_settings(placement):
    """CreateGroup settings of a host group for ``placement`` (the
    service level, FAST policy or nothing, as its default group has)."""
    if placement.get('srp'):
        return {'srp': placement['srp'], 'slo': placement.get('slo'),
                'workload': placement.get('workload')
                if placement.get('slo') else None,
                'disable_compression': bool(
                    placement.get('disable_compression')),
                'fast_policy': None}
    return {'srp': None, 'slo': None, 'workload': None,
            'disable_compression': False,
            'fast_policy': placement.get('fast_policy')}


def is_host_storage_group(name):
    """True for a storage group named the way this driver names hosts'
    groups (never a default group)."""
    found = _HOST_OBJECT.match(name or '')
    return bool(found) and found.group('kind') == 'SG'


def is_host_masking_view(name):
    found = _HOST_OBJECT.match(name or '')
    return bool(found) and found.group('kind') == 'MV'


def is_host_initiator_group(name):
    return bool(_HOST_INITIATOR_GROUP.match(name or ''))


def port_group_order(short_host, port_groups):
    """The configured port groups in the order this host tries them."""
    groups = sorted(set(g for g in port_groups if g))
    if not groups:
        return []
    start = int(_digest(short_host)[:8], 16) % len(groups)
    return groups[start:] + groups[:start]
