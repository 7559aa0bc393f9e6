"""SMI-S primitives of cascaded storage groups (VMAX3): a *parent* group
(no SRP or service level) named by a host's masking view holds *child*
groups, one per placement; a device moves between two children of one
parent with ``MoveMembers`` and keeps its host LUN
(``doc/source/cim-surface.rst``, "Cascaded storage groups and
MoveMembers").

Everything goes through the :class:`~vmax_flows.smis.client.ArrayClient`
(round trips counted, errors translated, jobs awaited, locked groups
retried).  Each read is one round trip; results are plain data.
"""

from vmax_flows import exceptions
from vmax_flows.smis import client as smis_client
from vmax_flows.smis import masking as smis_masking
from vmax_flows.smis import params as cim
from vmax_flows.smis import paths

SG_IN_SG = 'SE_MemberOfCollection_DMG_DMG'


def _ccs(client):
    return client.info.service('ControllerConfigurationService')


def _associated_groups(client, group, role, properties):
    path = client.group_path(group)
    return client.session._call(
        'Associators', 'storage groups cascaded with %s' % group,
        lambda c: c.Associators(path, AssocClass=SG_IN_SG, Role=role,
                                ResultClass=paths.STORAGE_GROUP_CLASS,
                                PropertyList=properties))


def parent_of(client, group):
    """The parent of storage group ``group`` (None for a flat group);
    raises ObjectNotFound when the group does not exist."""
    masking = smis_masking.for_client(client)
    found = _associated_groups(client, group, 'Member', ['ElementName'])
    return masking.group_record(found[0])['name'] if found else None


def children_of(client, parent):
    """The children of ``parent`` with their settings and limits (the
    records of :meth:`MaskingClient.device_groups`), sorted by name; None
    when the parent does not exist."""
    masking = smis_masking.for_client(client)
    try:
        found = _associated_groups(client, parent, 'Collection',
                                   smis_masking.GROUP_PROPERTIES)
    except exceptions.ObjectNotFound:
        return None
    return sorted((masking.group_record(g) for g in found),
                  key=lambda g: g['name'])


def create_parent(client, name, children):
    """Create a parent group holding ``children``; False when a group of
    that name already exists."""
    try:
        client.call_with_job(
            'CreateGroup', _ccs(client),
            'create parent storage group %s (children %s)'
            % (name, ', '.join(children)),
            GroupName=name, Type=cim.GROUP_TYPE_STORAGE,
            Members=[client.group_path(c) for c in children] or None)
    except exceptions.ArrayRuleError as exc:
        if smis_client._says_exists(exc) and \
                client.get_group(name) is not None:
            return False
        raise
    return True


def add_children(client, parent, children):
    client.call_with_job(
        'AddMembers', _ccs(client),
        'add child storage group(s) %s to %s'
        % (', '.join(children), parent),
        MaskingGroup=client.group_path(parent),
        Members=[client.group_path(c) for c in children])


def remove_children(client, parent, children):
    client.call_with_job(
        'RemoveMembers', _ccs(client),
        'remove child storage group(s) %s from %s'
        % (', '.join(children), parent),
        MaskingGroup=client.group_path(parent),
        Members=[client.group_path(c) for c in children])


def move_members(client, source, target, device_ids):
    """Move devices from child ``source`` to child ``target`` without
    unmasking them (their host LUNs stay)."""
    client.call_with_job(
        'MoveMembers', _ccs(client),
        'move device(s) %s from storage group %s to %s'
        % (', '.join(device_ids), source, target),
        Members=[client.volume_path(d) for d in device_ids],
        SourceMaskingGroup=client.group_path(source),
        TargetMaskingGroup=client.group_path(target))
