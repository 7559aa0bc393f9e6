"""Find (and optionally remove) array objects no Cinder object owns.

A crash between "device created" and "Cinder saved the model update", or a
revert that could not finish, can leave objects on the array that carry
this driver's names but belong to nobody (field scenario S53; lessons
section 3, "crash safety needs a sweep").  Given the ids of every Cinder
volume (``id`` and ``name_id``) and snapshot the backend knows, the sweep
names:

* **devices** labelled ``OS-<uuid>`` (or a 2.x bare ``<uuid>``, or a
  VMAX2 meta member ``OS-<uuid>-to-<n>G``) whose uuid is not known;
* **masking views** of ours (``OS-<host>-...-MV``) whose storage group
  holds no device a known object owns -- with the view's host storage
  group and, when no surviving view uses it, its initiator group;
* **host storage groups** of ours outside any view holding no owned
  device.

Default storage groups (``OS-<SRP>-<SLO>-<Workload>-SG``...) are shared
placement groups, never orphans.  :func:`sweep` is a dry run unless
``dry_run=False``: it returns what it would delete and why, in the order
deleting must happen (views, then devices, then groups).
"""

import collections
import logging
import re

from vmax_flows import exceptions
from vmax_flows import hostnames
from vmax_flows.smis import client as smis_client
from vmax_flows.smis import masking as smis_masking
from vmax_flows.smis import paths
from vmax_flows.tasks import base

LOG = logging.getLogger(__name__)

_UUID = r'[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}'
_OUR_LABEL = re.compile(r'^(?:OS-)?(?P<uuid>%s)(?:-to-\d+G)?$' % _UUID,
                        re.IGNORECASE)

DEVICE = 'device'
VIEW = 'masking view'
STORAGE_GROUP = 'storage group'
INITIATOR_GROUP = 'initiator group'

Orphan = collections.namedtuple('Orphan', 'kind name reason')


def owner_of(label):
    """The Cinder uuid a device label of ours names, else None."""
    found = _OUR_LABEL.match(label or '')
    return found.group('uuid').lower() if found else None


def find_orphans(client, known_ids):
    """Objects of ours on ``client``'s array that no known id owns, as a
    list of :class:`Orphan` in deletion order."""
    known = {str(i).lower() for i in known_ids if i}
    masking = smis_masking.MaskingClient(client)
    devices = client.session.enumerate_instances(
        paths.VOLUME_CLASS, smis_client.VOLUME_PROPERTIES)
    orphan_devices = {}
    for instance in devices:
        record = smis_client.volume_record(instance, client.info.system_name)
        owner = owner_of(record['label'])
        if owner is not None and owner not in known:
            orphan_devices[record['device_id']] = record['label']

    def owns_nothing(members):
        return all(m in orphan_devices or _unlabelled_by_us(m, devices)
                   for m in members)

    found = []
    view_groups = {}
    for name in _names(masking, smis_masking.VIEW_CLASS):
        if not hostnames.is_host_masking_view(name):
            continue
        groups = masking.view_groups(name) or {}
        view_groups[name] = groups
        use = masking.storage_group_use(groups.get('storage_group')) or \
            {'members': []}
        if owns_nothing(use['members']):
            found.append(Orphan(VIEW, name, 'its storage group %s holds %s'
                                % (groups.get('storage_group'),
                                   _members_text(use['members']))))
    dead_views = {o.name for o in found}
    for device_id, label in sorted(orphan_devices.items()):
        found.append(Orphan(DEVICE, device_id,
                            'labelled %s, which no Cinder volume or snapshot'
                            ' owns' % label))
    for name in _names(masking, paths.STORAGE_GROUP_CLASS):
        if not hostnames.is_host_storage_group(name):
            continue
        use = masking.storage_group_use(name) or {'members': [],
                                                  'views': []}
        if set(use['views']) - dead_views:
            continue
        if owns_nothing(use['members']):
            found.append(Orphan(STORAGE_GROUP, name, 'host group %s'
                                % ('in no masking view' if not use['views']
                                   else 'of orphan view(s) %s'
                                   % ', '.join(use['views'])) +
                                ', holding %s' % _members_text(
                                    use['members'])))
    living_igs = {g.get('initiator_group') for v, g in view_groups.items()
                  if v not in dead_views}
    for name in sorted({g.get('initiator_group') for v, g in
                        view_groups.items() if v in dead_views} - living_igs):
        if name and hostnames.is_host_initiator_group(name):
            found.append(Orphan(INITIATOR_GROUP, name,
                                'used only by orphan view(s)'))
    return found


def _unlabelled_by_us(device_id, devices):
    # A device without our label (e.g. managed from outside Cinder) is
    # not ours to own; it neither keeps a group alive nor gets swept.
    for instance in devices:
        if str(instance['DeviceID']) == device_id:
            return owner_of(str(instance.get('ElementName') or '')) is None
    return True


def _members_text(members):
    return 'no device' if not members else 'only device(s) %s owned by ' \
        'nobody' % ', '.join(members)


def _names(masking, classname):
    names = []
    for path in masking.session.enumerate_instance_names(classname):
        names.append(masking._name_of(path))
    return sorted(names)


def sweep(client, known_ids, dry_run=True, log=None):
    """Find the orphans and, unless ``dry_run``, delete them.

    :returns: ``(orphans, problems)`` -- every :class:`Orphan` found, and
        the left-behind records of deletions that failed (empty on a dry
        run).
    """
    log = log or LOG
    orphans = find_orphans(client, known_ids)
    for orphan in orphans:
        log.warning('Orphan %s %s: %s%s', orphan.kind, orphan.name,
                    orphan.reason, ' (dry run: kept)' if dry_run else
                    '; deleting it')
    if dry_run:
        return orphans, []
    masking = smis_masking.MaskingClient(client)
    problems = []
    for orphan in orphans:
        if orphan.kind == DEVICE:
            problems.extend(base.destroy_device(client, orphan.name,
                                                'sweep'))
        elif orphan.kind == VIEW:
            problems.append(_delete(orphan, masking.delete_masking_view))
        elif orphan.kind == STORAGE_GROUP:
            problems.append(_delete(orphan, _empty_and_delete, client,
                                    masking))
        elif orphan.kind == INITIATOR_GROUP:
            problems.append(_delete(orphan, masking.delete_initiator_group))
    return orphans, [p for p in problems if p]


def _empty_and_delete(name, client, masking):
    use = masking.storage_group_use(name)
    if use is None:
        raise exceptions.ObjectNotFound('storage group %s' % name)
    if use['members']:
        client.remove_members(name, use['members'])
    client.delete_group(name)


def _delete(orphan, func, *args):
    return base.undo('sweep', 'delete %s %s' % (orphan.kind, orphan.name),
                     '%s %s' % (orphan.kind, orphan.name), func,
                     orphan.name, *args)
