"""Plain-data requests of the masking flows, and the locks they need.

The driver turns a Cinder connector into ``masking`` (host short name,
initiators, the names of the host's groups and views, the port groups in
the host's order, the device's default group) with :func:`attach_masking`
or :func:`detach_masking`; :func:`lock_names` derives the operation's
locks from that data alone, so they are known before the flow runs and
are all taken at once.  Attach and detach of one host lock the same
names, which serialises them; different hosts do not wait for each other.

:func:`find_attachments` reads which hosts' views show a device -- for
``terminate_connection(volume, None)``, which removes every attachment.
"""

from vmax_flows import exceptions
from vmax_flows import hostnames
from vmax_flows import locks
from vmax_flows import naming
from vmax_flows import qos
from vmax_flows.smis import cascade as smis_cascade
from vmax_flows.smis import masking as smis_masking

# Flows built without a locker (graph dumps, harnesses) lock in-process.
_FALLBACK_LOCKER = locks.Locker(locks.LocalBackend(), serial=None)


def connector_initiators(connector, protocol=hostnames.PROTOCOL_ISCSI):
    """The initiators a connector brings for ``protocol``."""
    connector = connector or {}
    if protocol == hostnames.PROTOCOL_ISCSI:
        initiator = connector.get('initiator')
        if not initiator:
            raise exceptions.InvalidRequest(
                'The connector of host %s has no iSCSI initiator name '
                '("initiator")' % connector.get('host'))
        return [smis_masking.normalise_initiator(initiator)]
    wwpns = connector.get('wwpns') or []
    if not wwpns:
        raise exceptions.InvalidRequest(
            'The connector of host %s has no FC WWPNs'
            % connector.get('host'))
    return [smis_masking.normalise_initiator(w) for w in wwpns]


def attach_masking(connector, placement, port_groups,
                   protocol=hostnames.PROTOCOL_ISCSI):
    """``masking`` for initialize_connection (plain data)."""
    short = hostnames.short_host_name((connector or {}).get('host'))
    return {
        'serial': placement['serial'],
        'host': short,
        'connector_host': connector.get('host'),
        'initiators': connector_initiators(connector, protocol),
        'multipath': bool(connector.get('multipath')),
        'protocol': protocol,
        'host_group': {
            'storage_group': hostnames.host_storage_group(short, placement,
                                                          protocol),
            'view': hostnames.host_masking_view(short, placement, protocol),
            'settings': hostnames.storage_group_settings(placement),
            # QoS: limits of the host's group (named for them).
            'limits': qos.canonical(placement.get('qos'))},
        'shared_group': {
            'storage_group': hostnames.shared_storage_group(short,
                                                            protocol),
            'view': hostnames.shared_masking_view(short, protocol),
            'settings': {}},
        'parent': _parent(short, placement, protocol),
        'initiator_group': hostnames.initiator_group(short, protocol),
        'port_groups': hostnames.port_group_order(short, port_groups),
        'default_group': placement.get('storage_group'),
        'former_default_group': _former_default_group(placement),
    }


def _parent(short, placement, protocol):
    """Cascaded masking: VMAX3 (SRP) placements only -- VMAX2 has no
    non-disruptive move between FAST groups, so its views stay flat."""
    if not placement.get('srp'):
        return None
    return {'storage_group': hostnames.parent_storage_group(short, protocol),
            'view': hostnames.parent_masking_view(short, protocol)}


def _former_default_group(placement):
    """The default group a volume of a QoS type had before groups were
    named for their limits (the type's group without the token): such a
    volume leaves it at attach like its default group, and returns to the
    group of its limits at detach."""
    if not placement.get('qos') or not placement.get('storage_group'):
        return None
    if placement.get('srp'):
        return naming.default_storage_group(
            placement['srp'], placement.get('slo'),
            placement.get('workload'),
            placement.get('disable_compression'))
    return naming.fast_storage_group(placement['fast_policy'])


def detach_masking(connector, placement, attachment=None,
                   protocol=hostnames.PROTOCOL_ISCSI):
    """``masking`` for terminate_connection: for the connector's host, or
    for one ``attachment`` found by :func:`find_attachments`."""
    if attachment is not None:
        return {'serial': placement['serial'], 'host': None,
                'connector_host': None, 'protocol': protocol,
                'candidates': [attachment['storage_group']],
                'views': list(attachment['views']),
                'initiator_groups': list(attachment['initiator_groups']),
                'parent': attachment.get('parent'),
                'default_group': placement.get('storage_group')}
    short = hostnames.short_host_name((connector or {}).get('host'))
    host_group = hostnames.host_storage_group(short, placement, protocol)
    shared_group = hostnames.shared_storage_group(short, protocol)
    return {'serial': placement['serial'], 'host': short,
            'connector_host': connector.get('host'), 'protocol': protocol,
            'candidates': [host_group, shared_group],
            'views': [hostnames.host_masking_view(short, placement,
                                                  protocol),
                      hostnames.shared_masking_view(short, protocol)],
            'initiator_groups': [hostnames.initiator_group(short,
                                                           protocol)],
            'parent': _parent(short, placement, protocol),
            'default_group': placement.get('storage_group')}


def lock_names(masking):
    """Every lock an attach or detach of ``masking`` takes."""
    serial = masking['serial']
    groups, views = [], []
    if 'candidates' in masking:
        groups.extend(masking['candidates'])
        views.extend(masking['views'])
        igs = masking['initiator_groups']
    else:
        for target in (masking['host_group'], masking['shared_group']):
            groups.append(target['storage_group'])
            views.append(target['view'])
        igs = [masking['initiator_group']]
    parent = masking.get('parent')
    if parent:
        # The host's parent group and view: every attach and detach of
        # the host (and an in-use retype) may change them.
        groups.append(parent['storage_group'])
        views.append(parent['view'])
    names = [locks.lock_name(serial, locks.KIND_STORAGE_GROUP, g)
             for g in groups]
    names += [locks.lock_name(serial, locks.KIND_MASKING_VIEW, v)
              for v in views]
    names += [locks.lock_name(serial, locks.KIND_INITIATOR_GROUP, i)
              for i in igs]
    return sorted(set(names))


def lock_session(request, locker=None):
    """The lock session of a masking request (``request['masking']``)."""
    return (locker or _FALLBACK_LOCKER).session(
        lock_names(request['masking']))


def names_session(names, locker=None):
    """A lock session of ``names`` (lock names as :func:`lock_names`
    gives them)."""
    return (locker or _FALLBACK_LOCKER).session(sorted(set(names or ())))


def retype_lock_names(client, device_id, new_placement):
    """The locks an in-use retype of the device takes: for each
    attachment through a parent group this driver named, the parent, its
    views, the device's child and the new placement's child (the names
    an attach or detach of that host locks).  [] for a device in no view
    (one round trip) -- read-only and unlocked: the flow's plan checks
    under the locks that they cover what it changes."""
    masking = smis_masking.for_client(client)
    if not masking.device_luns(device_id):
        return []
    serial = client.info.serial
    names = []
    for attachment in find_attachments(client, device_id):
        parent = attachment.get('parent')
        host = hostnames.host_of_parent(parent['storage_group']) \
            if parent else None
        if host is None:
            continue    # flat: the retype changes no masking
        groups = [parent['storage_group'], attachment['storage_group'],
                  hostnames.host_storage_group(host[0], new_placement,
                                               host[1])]
        names += [locks.lock_name(serial, locks.KIND_STORAGE_GROUP, g)
                  for g in groups]
        names += [locks.lock_name(serial, locks.KIND_MASKING_VIEW, v)
                  for v in attachment['views']]
    return sorted(set(names))


def find_attachments(client, device_id):
    """Every storage group of the device that some view shows, with its
    views and their initiator groups: ``[{'storage_group', 'views',
    'initiator_groups'}]`` (read-only, not locked: the detach flow reads
    again under its locks)."""
    masking = smis_masking.for_client(client)
    attachments = []
    for group in masking.device_groups(device_id) or ():
        use = masking.storage_group_use(group['name'])
        parent = None
        if use and not use['views']:
            # A child's views are its parent's (cascaded masking).
            parent = smis_cascade.parent_of(client, group['name'])
            use = masking.storage_group_use(parent) if parent else None
        if not use or not use['views']:
            continue
        initiator_groups = set()
        for view in use['views']:
            groups = masking.view_groups(view) or {}
            if groups.get('initiator_group'):
                initiator_groups.add(groups['initiator_group'])
        attachments.append({'storage_group': group['name'],
                            'parent': {'storage_group': parent,
                                       'view': use['views'][0]}
                            if parent else None,
                            'views': use['views'],
                            'initiator_groups': sorted(initiator_groups)})
    return attachments
