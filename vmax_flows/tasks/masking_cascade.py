"""Cascaded masking tasks (VMAX3): the host's view names its *parent*
storage group; each placement's host group is a *child* of it.

:class:`EnsureParentGroup` (attach) puts the host group under the parent
-- creating the parent around it on the host's first attach -- and
:class:`DetachChild` / :class:`DeleteParentGroup` (detach) take an
emptied child out of the parent and, with the host's last device, delete
the parent.  Like every masking task they look before they change,
record what they made and revert only that, under the flow's locks.
"""

import logging

from vmax_flows import exceptions
from vmax_flows import hostnames
from vmax_flows.smis import cascade
from vmax_flows.tasks import base
from vmax_flows.tasks import masking as attach_tasks

LOG = logging.getLogger(__name__)


class EnsureParentGroup(attach_tasks.MaskingTask):
    """Make the host's group a child of the host's parent group.

    * the parent's view exists: add the child to the parent unless it is
      already its child;
    * no view yet: create the parent with the child in it (one
      CreateGroup); a parent left by an interrupted run is reused.

    A found host group that is another parent's child, or that holds
    devices outside any parent (they would be masked to the host), is
    refused before any change of this task.  Revert takes the child out
    again / deletes the parent -- only what this task did.
    """

    def __init__(self, client, name, provides='parent_group'):
        super().__init__(client, name, provides=provides)

    def execute(self, attach_plan, existing_view, host_storage_group):
        if not attach_tasks.cascaded(attach_plan, existing_view):
            return None
        parent = existing_view['storage_group'] if existing_view \
            else attach_plan['parent']['storage_group']
        child = host_storage_group['name']
        result = {'name': parent, 'child': child, 'created': False,
                  'added': False}
        if existing_view is None:
            with base.array_change('create parent storage group %s'
                                   % parent):
                result['created'] = cascade.create_parent(
                    self.client, parent, [child])
            if result['created']:
                LOG.info('%s: created parent storage group %s over %s',
                         self.name, parent, child)
                return result
        if not host_storage_group['created']:
            owner = host_storage_group.get('parent')
            if owner is None:
                owner = cascade.parent_of(self.client, child)
            if owner == parent:
                return result
            if owner:
                raise exceptions.ArrayError(
                    'Storage group %s is a child of %s, not of the host\'s '
                    'parent storage group %s' % (child, owner, parent))
            use = self.masking.storage_group_use(child) or {
                'members': [], 'views': []}
            if use['views']:
                # A flat view an older release made for the placement:
                # the device goes into its group, as before.
                LOG.info('%s: storage group %s is in flat view %s; using '
                         'it', self.name, child, use['views'][0])
                return dict(result, flat_view=use['views'][0])
            if use['members']:
                raise exceptions.ArrayError(
                    'Storage group %s holds device(s) %s outside parent '
                    'storage group %s; adding it would mask them through '
                    '%s' % (child, ', '.join(use['members']), parent,
                            attach_plan['parent']['view']))
        with base.array_change('add %s to %s' % (child, parent)):
            cascade.add_children(self.client, parent, [child])
        result['added'] = True
        LOG.info('%s: storage group %s is now a child of %s', self.name,
                 child, parent)
        return result

    def revert(self, attach_plan, existing_view, host_storage_group, result,
               flow_failures, **kwargs):
        if not attach_tasks.cascaded(attach_plan, existing_view):
            return None
        parent = existing_view['storage_group'] if existing_view \
            else attach_plan['parent']['storage_group']
        child = (host_storage_group or {}).get('name') or \
            attach_plan['storage_group']
        if base.failed(result):
            if not base.attempted(result, self.client):
                return None
            created = existing_view is None and \
                self._made_here(parent, child)
            added = not created and \
                self._child_of(child) == parent
        else:
            created, added = result['created'], result['added']
        if created:
            use = self.masking.storage_group_use(parent)
            if use is None or use['views']:
                return None
            # Force: the parent releases its (empty) child.
            return base.left_behind(self.undo(
                'delete parent storage group %s' % parent,
                'storage group %s' % parent, self.client.delete_group,
                parent, True))
        if added and self._child_of(child) == parent:
            return base.left_behind(self.undo(
                'remove %s from parent storage group %s' % (child, parent),
                'storage group %s' % child, cascade.remove_children,
                self.client, parent, [child]))
        return None

    def _child_of(self, child):
        try:
            return cascade.parent_of(self.client, child)
        except exceptions.ObjectNotFound:
            return None

    def _made_here(self, parent, child):
        """A create that failed may have made the parent all the same (a
        job that finished late): ours if it holds only our child."""
        children = cascade.children_of(self.client, parent)
        return children is not None and \
            [c['name'] for c in children] in ([child], [])


def _nothing(plan):
    return not plan or not plan.get('storage_group') or plan.get('skip')


class DetachChild(attach_tasks.MaskingTask):
    """Not the host's last device, but the last of its child group: the
    child leaves the parent (the device with it, unmasked); the next task
    deletes the child.  Revert adds it back."""

    def __init__(self, client, name, provides='detached_child'):
        super().__init__(client, name, provides=provides)

    def execute(self, detach_plan):
        if _nothing(detach_plan) or not detach_plan.get('drop_child'):
            return {'removed': False}
        child, parent = detach_plan['storage_group'], detach_plan['parent']
        with base.array_change('remove %s from %s' % (child, parent)):
            cascade.remove_children(self.client, parent, [child])
        return {'removed': True}

    def revert(self, detach_plan, result, flow_failures, **kwargs):
        if _nothing(detach_plan) or not detach_plan.get('drop_child'):
            return None
        if base.failed(result) and not base.attempted(result, self.client):
            return None
        if not base.failed(result) and not result['removed']:
            return None
        child, parent = detach_plan['storage_group'], detach_plan['parent']
        try:
            if cascade.parent_of(self.client, child) == parent:
                return None
        except exceptions.ObjectNotFound:
            return None     # the child is recreated by a later revert
        return base.left_behind(self.undo(
            'add %s back to parent storage group %s' % (child, parent),
            'storage group %s' % child, cascade.add_children, self.client,
            parent, [child]))


class DeleteParentGroup(attach_tasks.MaskingTask):
    """The host's last device: delete the parent group (after its views;
    Force releases the children) and the other children this driver
    named, which are empty.  The device's own child is deleted next, with
    the device in it.  Revert recreates them as they were."""

    def __init__(self, client, name, provides='deleted_parent'):
        super().__init__(client, name, provides=provides)

    def execute(self, detach_plan):
        if _nothing(detach_plan) or not detach_plan['last'] or \
                not detach_plan.get('parent'):
            return None
        parent = detach_plan['parent']
        # The revert reads the array (what is missing is recreated), so a
        # failure part way needs no progress record.
        progress = {'parent': False, 'children': []}
        with base.array_change('delete parent storage group %s' % parent):
            self.client.delete_group(parent, force=True)
        progress['parent'] = True
        for child in detach_plan['empty_children']:
            with base.array_change('delete storage group %s'
                                   % child['name']):
                self.client.delete_group(child['name'], force=True)
            progress['children'].append(child['name'])
        LOG.info('%s: deleted parent storage group %s%s', self.name, parent,
                 ' and empty children %s' % ', '.join(progress['children'])
                 if progress['children'] else '')
        return progress

    def revert(self, detach_plan, result, flow_failures, **kwargs):
        if _nothing(detach_plan) or not detach_plan['last'] or \
                not detach_plan.get('parent'):
            return None
        if base.failed(result) and not base.attempted(result, self.client):
            return None
        problems = []
        for child in detach_plan['empty_children']:
            if self.client.get_group(child['name']) is None:
                problems.append(self.undo(
                    'recreate storage group %s' % child['name'],
                    'storage group %s' % child['name'], recreate_group,
                    self.client, child, ()))
        parent = detach_plan['parent']
        if self.client.get_group(parent) is None:
            children = [c for c in detach_plan['children']
                        if self.client.get_group(c) is not None]
            problems.append(self.undo(
                'recreate parent storage group %s' % parent,
                'storage group %s' % parent, cascade.create_parent,
                self.client, parent, children))
        return base.left_behind(*problems)


def recreate_group(client, record, device_ids):
    """Recreate a (child) storage group from its record (settings and
    limits, as read by :func:`cascade.children_of`) around ``device_ids``."""
    from vmax_flows import qos
    created = client.create_storage_group(
        record['name'], record['srp'], record['slo'], record['workload'],
        record['disable_compression'], record['fast_policy'],
        list(device_ids))
    if record.get('limits'):
        qos.write_limits(client, record['name'], record['limits'])
    return created


def plan_cascade(task, device_id, target, plan, masking_request):
    """Complete a detach plan for a device that is the last one of child
    group ``target`` of a parent: drop the child (other children of the
    parent still hold devices) or, with the host's last device, delete
    the view, the parent and its empty children.  Membership is read
    from the array through the parent, never from a cache.  Returns False
    when ``target`` has no parent (flat)."""
    expected = masking_request['parent']
    # The host's own parent first (one read gives the children with
    # their settings); any other parent is found from the child.
    parent = expected['storage_group']
    children = cascade.children_of(task.client, parent) or []
    if target not in [c['name'] for c in children]:
        parent = cascade.parent_of(task.client, target)
        if parent is None:
            return False
        children = cascade.children_of(task.client, parent) or []
    use = {'views': []}
    found = task.masking.view_groups(expected['view'])
    if found and found.get('storage_group') == parent:
        # The host's parent view (a view on the parent made by someone
        # else would make the parent's delete fail, and the detach
        # revert).
        use['views'] = [expected['view']]
        plan['view_groups'][expected['view']] = found
    else:
        use = task.masking.storage_group_use(parent) or use
    busy = False
    empty = []
    for child in children:
        if child['name'] == target:
            continue
        members = (task.masking.storage_group_use(child['name']) or
                   {'members': []})['members']
        if members:
            busy = True
            break
        if hostnames.is_host_storage_group(child['name']):
            empty.append(child)
    ours = hostnames.is_host_storage_group(target)
    plan.update(parent=parent, views=use['views'],
                children=[c['name'] for c in children])
    if busy:
        # Other placements of the host stay: only this child goes (a
        # foreign child just loses the device).
        plan['drop_child'] = ours
        return True
    if not (ours and hostnames.is_parent_storage_group(parent) and all(
            hostnames.is_parent_masking_view(v) for v in use['views'])):
        LOG.warning('%s: device %s is the last device of parent storage '
                    'group %s in view(s) %s, which this driver did not '
                    'name; leaving it masked', task.name, device_id, parent,
                    ', '.join(use['views']))
        plan.update(last=True, skip=True)
        return True
    plan.update(last=True, empty_children=empty)
    for view in use['views']:
        if view not in plan['view_groups']:
            plan['view_groups'][view] = task.masking.view_groups(view)
    groups = [g.get('initiator_group') for g in
              plan['view_groups'].values() if g] or \
        masking_request.get('initiator_groups') or []
    plan['initiator_groups'] = sorted(
        g for g in set(groups) if hostnames.is_host_initiator_group(g))
    return True


def parent_or_none(client, group):
    """The parent of ``group`` ('' when flat), None when it is gone."""
    try:
        return cascade.parent_of(client, group) or ''
    except exceptions.ObjectNotFound:
        return None
