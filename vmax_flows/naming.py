"""Names this driver gives array objects, and provider_location.

* Device label (``ElementName``): ``OS-<uuid>`` of the Cinder volume's
  ``name_id`` (so a migrated volume keeps finding its device) or of the
  snapshot id.  Labels written by the 2.x driver are accepted too: a bare
  uuid (Newton and older) and ``OS-<uuid>`` (bug 1745183).
* Default storage groups: ``OS-<SRP>-<SLO>-<Workload>[-CD]-SG`` and
  ``OS-no_SLO-SG`` (VMAX3), ``OS_default_<policy>_SG`` (VMAX2 FAST).
  A volume type with QoS limits gets its own groups, the limits' token
  (:func:`vmax_flows.qos.token`, ``Q`` and 6 hex digits) before the
  ``SG``: ``OS-SRP_1-Gold-OLTP-Q1A2B3C-SG``, ``OS-no_SLO-Q1A2B3C-SG``,
  ``OS_default_GOLD1_Q1A2B3C_SG``; names without QoS are unchanged.
* ``provider_location``: compact JSON (array serial, device id, label,
  system name, driver version), always under 255 characters.  The 2.x
  driver's Python-dict text with ``classname``/``keybindings`` is read as
  well, so volumes it created can still be found and deleted.
"""

import ast
import json
import re

LABEL_PREFIX = 'OS-'
MAX_PROVIDER_LOCATION = 255
_UUID = re.compile(r'[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-'
                   r'[0-9a-f]{12}', re.IGNORECASE)


def label(object_id):
    """``OS-<uuid>`` for a volume name_id or snapshot id."""
    found = _UUID.search(str(object_id))
    return LABEL_PREFIX + (found.group(0) if found else str(object_id))


def accepted_labels(*object_ids):
    """Every label this or the 2.x driver may have given the object."""
    labels = []
    for object_id in object_ids:
        if not object_id:
            continue
        current = label(object_id)
        bare = current[len(LABEL_PREFIX):]
        for candidate in (current, bare):
            if candidate not in labels:
                labels.append(candidate)
    return labels


def default_storage_group(srp, slo=None, workload=None,
                          disable_compression=False, qos_token=None):
    """VMAX3 default ("home") storage group of new volumes."""
    if not slo:
        name = 'OS-no_SLO'
    else:
        name = 'OS-%s-%s-%s' % (srp, slo, workload or 'NONE')
        if disable_compression:
            name += '-CD'
    if qos_token:
        name += '-' + qos_token
    return name + '-SG'


def fast_storage_group(policy, qos_token=None):
    """VMAX2 default storage group of a FAST policy."""
    if qos_token:
        return 'OS_default_%s_%s_SG' % (policy, qos_token)
    return 'OS_default_%s_SG' % policy


def encode_provider_location(device, serial, version):
    """JSON provider_location for a device record."""
    text = json.dumps({'array': serial,
                       'device_id': device['device_id'],
                       'label': device.get('label'),
                       'system': device.get('system_name'),
                       'version': version},
                      separators=(',', ':'), sort_keys=True)
    if len(text) > MAX_PROVIDER_LOCATION:
        # Labels are bounded (64), so this only drops optional fields.
        text = json.dumps({'array': serial,
                           'device_id': device['device_id'],
                           'version': version}, separators=(',', ':'))
    return text


def decode_provider_location(text):
    """Plain dict ``{'array', 'device_id', 'label', 'system', 'version'}``
    from this driver's JSON or the 2.x driver's dict text; None when
    ``text`` is empty or unreadable."""
    if not text:
        return None
    text = text.strip()
    data = None
    try:
        data = json.loads(text)
    except ValueError:
        try:
            data = ast.literal_eval(text)
        except (ValueError, SyntaxError, MemoryError, RecursionError):
            return None
    if not isinstance(data, dict):
        return None
    if 'keybindings' in data:
        return _from_legacy(data)
    if not data.get('device_id'):
        return None
    return {'array': data.get('array'), 'device_id': data['device_id'],
            'label': data.get('label'), 'system': data.get('system'),
            'version': data.get('version')}


def _from_legacy(data):
    keys = data.get('keybindings') or {}
    device_id = keys.get('DeviceID')
    if not device_id:
        return None
    system = keys.get('SystemName') or ''
    found = re.match(r'^SYMMETRIX(?:-\+-|\+)(\w+)$', system)
    return {'array': found.group(1) if found else None,
            'device_id': str(device_id), 'label': None,
            'system': system or None,
            'version': data.get('version')}
