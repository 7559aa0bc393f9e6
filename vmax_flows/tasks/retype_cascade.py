"""In-use retype on VMAX3: an attached device moves between two children
of its host's parent storage group (cascaded masking) with
``MoveMembers``, keeping its masking view and host LUN.

:func:`plan` (called by :class:`~vmax_flows.tasks.retype.PlanMove`)
decides, reading only; then :class:`EnsureTargetChild` finds or creates
the new placement's child under the same parent, :class:`MoveToChild`
moves the device and checks its LUNs, :class:`DropOldChild` takes the
emptied old child out of the parent and deletes it.  Each step reverts
exactly what it did, under the host's locks (the retype flow holds them).
"""

import logging

from vmax_flows import exceptions
from vmax_flows import hostnames
from vmax_flows import locks
from vmax_flows import qos
from vmax_flows.smis import cascade
from vmax_flows.smis import masking as smis_masking
from vmax_flows.tasks import base
from vmax_flows.tasks import masking_cascade

LOG = logging.getLogger(__name__)


def _settings(group):
    workload = group['workload']
    return (group['slo'], None if workload in (None, 'NONE') else workload,
            bool(group['disable_compression']),
            qos.canonical(group.get('limits')))


def _wanted(placement):
    return (placement.get('slo'), placement.get('workload')
            if placement.get('slo') else None,
            bool(placement.get('disable_compression')),
            qos.canonical(placement.get('qos')))


def plan(task, device_id, groups, views, placement, held, refuse,
         current=None):
    """The cascade part of a move plan for an attached device: None when
    the device is not masked through a parent this driver named (the
    flat rules apply), ``{}`` when its settings do not change, else
    ``{'parent', 'source', 'target', 'settings', 'limits', 'luns',
    'drop'}`` (``source`` None: nothing to move, only ``drop`` -- the
    empty children an interrupted retype left -- to delete).
    ``refuse(message)`` raises the "let Cinder migrate" error."""
    client = task.client
    if not client.info.is_vmax3 or not placement.get('srp'):
        return None
    fast = [g for g in groups if g['fast_managed']]
    if len(fast) != 1:
        return None
    source = fast[0]
    parent = cascade.parent_of(client, source['name'])
    if not parent:
        return None
    host = hostnames.host_of_parent(parent)
    if host is None:
        refuse('Device %s is masked through parent storage group %s, '
               'which this driver did not name' % (device_id, parent))
    shown = smis_masking.for_client(client).storage_group_use(parent) or {
        'views': []}
    others = sorted(set(views) - set(shown['views']))
    if others:
        refuse('Device %s is attached to more than one host (views %s '
               'besides %s)' % (device_id, ', '.join(others),
                                ', '.join(shown['views'])))
    move = {'parent': parent, 'source': source['name'],
            'settings': hostnames.storage_group_settings(placement),
            'limits': qos.canonical(placement.get('qos'))}
    if _settings(source) == _wanted(placement):
        # Nothing to move.  Empty children of ours in the parent are what
        # an interrupted retype left (its old child): the retry drops
        # them.
        move['drop'] = _empty_children(task, parent, source['name'])
        move['drop'] += _left_outside(task, host, current, source['name'],
                                      move['drop'])
        if not move['drop']:
            return {}
        move.update(source=None, target=source['name'])
    else:
        short, protocol = host
        move['target'] = hostnames.host_storage_group(short, placement,
                                                      protocol)
        move['drop'] = [source] if hostnames.is_host_storage_group(
            source['name']) else []
        move['luns'] = dict(luns_of(client, device_id))
    name = locks.lock_name(client.info.serial, locks.KIND_STORAGE_GROUP,
                           parent)
    if name not in held:
        raise exceptions.ArrayError(
            'Device %s became attached through %s while the retype was '
            'being prepared; retry' % (device_id, parent))
    return move


def _left_outside(task, host, placement, keep, found):
    """The child of the volume's former placement (``placement``, the
    type Cinder still records after a failed retype), when a job that
    finished late took it out of the parent: empty, in no view, named by
    this driver -- also dropped by the retry."""
    if not placement or not placement.get('srp'):
        return []
    name = hostnames.host_storage_group(host[0], placement, host[1])
    if name == keep or name in [c['name'] for c in found] or \
            masking_cascade.parent_or_none(task.client, name) != '':
        return []
    masking = smis_masking.for_client(task.client)
    use = masking.storage_group_use(name)
    if use is None or use['members'] or use['views']:
        return []
    try:
        record = masking.group_record(task.client.session.get_instance(
            task.client.group_path(name), smis_masking.GROUP_PROPERTIES))
    except exceptions.ObjectNotFound:
        return []
    return [dict(record, outside=True)]


def _empty_children(task, parent, keep):
    masking = smis_masking.for_client(task.client)
    empty = []
    for child in cascade.children_of(task.client, parent) or ():
        if child['name'] == keep or \
                not hostnames.is_host_storage_group(child['name']):
            continue
        use = masking.storage_group_use(child['name'])
        if use is not None and not use['members']:
            empty.append(child)
    return empty


def luns_of(client, device_id):
    return smis_masking.for_client(client).device_luns(device_id) or {}


def _cascade(move_plan):
    return (move_plan or {}).get('cascade') or None


class EnsureTargetChild(base.ArrayTask):
    """The new placement's child under the device's parent: found (and
    checked: a child of this parent, with the right limits) or created
    (with its limits) and added to the parent.  Revert takes out and
    deletes only what this task made."""

    def __init__(self, client, name, provides='target_child'):
        super().__init__(client, name, provides=provides)

    def execute(self, move_plan):
        move = _cascade(move_plan)
        if not move or not move['source']:
            return None
        parent, target = move['parent'], move['target']
        # 'creating' / 'adding': the call was made (a failed call may
        # still have acted; the revert looks).
        progress = {'creating': False, 'created': False, 'adding': False,
                    'added': False}
        try:
            owner = masking_cascade.parent_or_none(self.client, target)
            if owner is None:
                progress['creating'] = True
                self._create(move, progress)
            elif owner == parent:
                self._check_limits(target, move['limits'])
                return progress
            elif owner:
                raise exceptions.ArrayError(
                    'Storage group %s is a child of %s, not of %s'
                    % (target, owner, parent))
            else:
                self._check_unused(target, parent)
                self._check_limits(target, move['limits'])
            progress['adding'] = True
            with base.array_change('add %s to %s' % (target, parent)):
                cascade.add_children(self.client, parent, [target])
            progress['added'] = True
        except Exception as exc:
            setattr(exc, base.JOURNAL_KEY, progress)
            raise
        LOG.info('%s: %s is a child of %s%s', self.name, target, parent,
                 ' (created)' if progress['created'] else '')
        return progress

    def _create(self, move, progress):
        settings, target = move['settings'], move['target']
        with base.array_change('create storage group %s' % target):
            progress['created'] = self.client.create_storage_group(
                target, srp=settings['srp'], slo=settings['slo'],
                workload=settings['workload'],
                disable_compression=settings['disable_compression'])
            if progress['created'] and move['limits']:
                qos.set_on_new_group(self.client, target, move['limits'])
        if not progress['created']:
            self._check_unused(target, move['parent'])
            self._check_limits(target, move['limits'])

    def _check_limits(self, target, limits):
        if not limits:
            return
        found, current = qos.find_group(self.client, target)
        if qos.check_found(target, current, limits):
            with base.array_change('set host I/O limits of %s' % target):
                qos.write_limits(self.client, target, limits)

    def _check_unused(self, target, parent):
        use = smis_masking.for_client(self.client).storage_group_use(
            target) or {'members': [], 'views': []}
        if use['members'] or use['views']:
            raise exceptions.ArrayError(
                'Storage group %s is in use outside parent storage group %s '
                '(devices %s, views %s)' % (target, parent,
                                            use['members'], use['views']))

    def revert(self, move_plan, result, flow_failures, **kwargs):
        move = _cascade(move_plan)
        if not move or not move['source']:
            return None
        if base.failed(result):
            progress = base.journal_of(result)
            if progress is None or not base.attempted(result, self.client):
                return None
        else:
            progress = result
        parent, target = move['parent'], move['target']
        now = masking_cascade.parent_or_none(self.client, target)
        if now is None:
            return None
        problems = []
        if progress['adding'] and now == parent:
            problems.append(self.undo(
                'remove %s from %s' % (target, parent),
                'storage group %s' % target, cascade.remove_children,
                self.client, parent, [target]))
            now = masking_cascade.parent_or_none(self.client, target)
        if progress['creating'] and now == '':
            use = smis_masking.for_client(self.client).storage_group_use(
                target)
            if use is not None and not use['members'] and \
                    not use['views']:
                problems.append(self.undo(
                    'delete storage group %s' % target,
                    'storage group %s' % target, self.client.delete_group,
                    target))
        return base.left_behind(*problems)


class MoveToChild(base.ArrayTask):
    """MoveMembers: the device goes from its child to the target child;
    its host LUN in every view must be what it was (checked on the
    array).  Revert moves it back."""

    def __init__(self, client, name, provides='moved_to_child'):
        super().__init__(client, name, provides=provides)

    def execute(self, device, move_plan):
        move = _cascade(move_plan)
        if not move or not move['source']:
            return None
        device_id = device['device_id']
        with base.array_change('move device %s to %s'
                               % (device_id, move['target'])):
            try:
                cascade.move_members(self.client, move['source'],
                                     move['target'], [device_id])
            except exceptions.VmaxError as exc:
                if not base.confirmed(exc, lambda: move['target'] in
                                      self.client.groups_of_volume(
                                          device_id)):
                    raise
            luns = luns_of(self.client, device_id)
            if luns != move['luns']:
                raise exceptions.ArrayError(
                    'Device %s changed host LUNs moving to %s: %s, was %s'
                    % (device_id, move['target'], luns, move['luns']))
        LOG.info('%s: device %s moved from %s to %s (LUNs %s kept)',
                 self.name, device_id, move['source'], move['target'], luns)
        return {'moved': True}

    @base.best_effort_revert
    def revert(self, device, move_plan, result, flow_failures, **kwargs):
        move = _cascade(move_plan)
        if not move or not move['source']:
            return None
        if base.failed(result) and not base.attempted(result, self.client):
            return None
        device_id = device['device_id']
        if move['target'] not in self.client.groups_of_volume(device_id):
            return None
        return base.left_behind(self.undo(
            'move device %s back to %s' % (device_id, move['source']),
            'device %s' % device_id, cascade.move_members, self.client,
            move['target'], move['source'], [device_id]))


class DropOldChild(base.ArrayTask):
    """The old child -- now empty, and named by this driver -- leaves the
    parent and is deleted (a child that still holds devices is kept).
    A retry of an interrupted retype drops the empty children it left.

    This is cleanup, done last.  If it fails the retype fails and is
    reverted as a whole -- the device moves back, its LUN unchanged --
    rather than succeeding with an empty child left in the parent (which
    would mask nothing, and be dropped by the next retype of the host or
    deleted by its last detach): all or nothing keeps the array as the
    start or a clean run left it, and a retry does it again."""

    def __init__(self, client, name, provides='dropped_child'):
        super().__init__(client, name, provides=provides)

    def execute(self, device, move_plan):
        move = _cascade(move_plan)
        if not move or not move.get('drop'):
            return None
        masking = smis_masking.for_client(self.client)
        parent = move['parent']
        # The revert reads the array (which children exist, and where),
        # so a failure part way needs no progress record.
        progress = {'removed': [], 'deleted': []}
        for child in move['drop']:
            name = child['name']
            use = masking.storage_group_use(name) or {'members': []}
            if use['members']:
                LOG.info('%s: keeping %s (devices %s)', self.name, name,
                         ', '.join(use['members']))
                continue
            if not child.get('outside'):
                with base.array_change('remove %s from %s' % (name, parent)):
                    cascade.remove_children(self.client, parent, [name])
                progress['removed'].append(name)
            with base.array_change('delete storage group %s' % name):
                self.client.delete_group(name)
            progress['deleted'].append(name)
        return progress

    def revert(self, device, move_plan, result, flow_failures, **kwargs):
        move = _cascade(move_plan)
        if not move or not move.get('drop') or result is None:
            return None
        if base.failed(result) and not base.attempted(result, self.client):
            return None
        parent = move['parent']
        problems = []
        for child in move['drop']:
            name = child['name']
            if self.client.get_group(name) is None:
                problems.append(self.undo(
                    'recreate storage group %s' % name,
                    'storage group %s' % name,
                    masking_cascade.recreate_group, self.client, child, ()))
            now = masking_cascade.parent_or_none(self.client, name)
            if now in ('', None) and not child.get('outside'):
                problems.append(self.undo(
                    'add %s back to %s' % (name, parent),
                    'storage group %s' % name, cascade.add_children,
                    self.client, parent, [name]))
        return base.left_behind(*problems)
