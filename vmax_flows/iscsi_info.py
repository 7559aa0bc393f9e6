"""iSCSI connection info in the format os-brick's iSCSI connector reads.

``{'driver_volume_type': 'iscsi', 'data': {...}}`` with, in ``data``:

* ``target_iqn``, ``target_portal`` (``ip:port``), ``target_lun`` (int),
  ``target_discovered`` (always True: the driver names the targets, no
  sendtargets discovery is needed) and ``volume_id``;
* with a multipath connector, ``target_iqns``, ``target_portals`` and
  ``target_luns`` -- parallel lists over every online port of the view's
  port group; os-brick then logs in to each portal without discovery;
* with CHAP, ``auth_method`` ('CHAP'), ``auth_username`` and
  ``auth_password``.

The password never reaches a log: :func:`loggable` masks it, and nothing
here logs at all.  Targets are plain dicts ``{'iqn', 'ip', 'tcp_port'}``
(``tcp_port`` defaults to 3260), as the attach flow's ``connection``
result holds them; the 2.x driver's ``{'ip', 'iqn'}`` pairs are accepted.
"""

import ipaddress

from vmax_flows import exceptions

DRIVER_VOLUME_TYPE = 'iscsi'
DEFAULT_PORT = 3260
CHAP = 'CHAP'
SECRET_KEYS = ('auth_password', 'discovery_auth_password')
MASK = '***'


def portal(target):
    """``ip:port`` (``[ip]:port`` for IPv6) of a target."""
    address = str(target['ip'])
    port = int(target.get('tcp_port') or target.get('port_number') or
               DEFAULT_PORT)
    try:
        if ipaddress.ip_address(address).version == 6:
            address = '[%s]' % address
    except ValueError:
        pass            # a host name: used as it is
    return '%s:%d' % (address, port)


def target_iqn(name):
    """The IQN without the ``,t,0x0001`` portal-group suffix ECOM adds."""
    return str(name).split(',')[0]


def chap_credentials(use_chap_auth, username, password):
    """``{'username', 'password'}`` when CHAP is on, else None.  CHAP on
    without both values is a configuration error, reported without the
    password."""
    if not use_chap_auth:
        return None
    missing = [name for name, value in (('chap_username', username),
                                        ('chap_password', password))
               if not value]
    if missing:
        raise exceptions.InvalidSetting(
            missing[0], None,
            reason='use_chap_auth is set, so chap_username and '
                   'chap_password are both required')
    return {'username': username, 'password': password}


def iscsi_properties(volume_id, host_lun, targets, multipath=False,
                     chap=None):
    """The ``data`` part of the connection info."""
    if not targets:
        raise exceptions.ArrayError(
            'No online iSCSI target port to reach volume %s through'
            % volume_id)
    lun = int(host_lun)
    first = targets[0]
    data = {'target_discovered': True,
            'target_iqn': target_iqn(first['iqn']),
            'target_portal': portal(first),
            'target_lun': lun,
            'volume_id': volume_id}
    if multipath:
        data['target_iqns'] = [target_iqn(t['iqn']) for t in targets]
        data['target_portals'] = [portal(t) for t in targets]
        data['target_luns'] = [lun] * len(targets)
    if chap:
        data['auth_method'] = CHAP
        data['auth_username'] = chap['username']
        data['auth_password'] = chap['password']
    return data


def connection_info(volume_id, host_lun, targets, multipath=False,
                    chap=None):
    return {'driver_volume_type': DRIVER_VOLUME_TYPE,
            'data': iscsi_properties(volume_id, host_lun, targets,
                                     multipath, chap)}


def loggable(info):
    """A copy of connection info (or its ``data``) safe to log."""
    if not isinstance(info, dict):
        return info
    copy = {}
    for key, value in info.items():
        if key in SECRET_KEYS and value:
            copy[key] = MASK
        elif isinstance(value, dict):
            copy[key] = loggable(value)
        else:
            copy[key] = value
    return copy
