"""Detach tasks: hide a device from one host again.

:class:`PlanDetach` reads, under the flow's locks, which of the host's
storage groups holds the device and whether it is that group's last
device -- from the array, never from a cache (field lesson "model
membership, don't cache it").  Then either the device simply leaves the
group, or (last device) the view, the host's initiator group (if nothing
else uses it) and the storage group are deleted, in that order: the array
refuses to take the last device out of a group that is in a view.  Only
objects named the way this driver names them are deleted.  Finally the
device returns to its default storage group, unless it still sits in a
service-level group (it stays masked to another host).

Every step reverts to the attached state, so a failed detach leaves the
volume exactly as attached as before and can simply be retried.

Store inputs: ``device`` (None when the device is already gone -- then
every task does nothing, bug 1756368), ``placement`` and ``masking``
(``candidates``: the storage groups that may hold the attachment;
``default_group``).
"""

import logging

from vmax_flows import exceptions
from vmax_flows import hostnames
from vmax_flows import qos
from vmax_flows.tasks import base
from vmax_flows.tasks import masking as attach_tasks
from vmax_flows.tasks import masking_cascade

LOG = logging.getLogger(__name__)


def _nothing(plan):
    return not plan or not plan.get('storage_group') or plan.get('skip')


def _leaves_only(plan):
    """The device just leaves its group (others remain in it)."""
    return not plan['last'] and not plan.get('drop_child')


def _group_goes(plan):
    """The device's group is deleted with it: the host's last device, or
    the last device of a child while other children remain."""
    return plan['last'] or bool(plan.get('drop_child'))


class PlanDetach(attach_tasks.MaskingTask):

    def __init__(self, client, name, provides='detach_plan'):
        super().__init__(client, name, provides=provides)

    def execute(self, device, masking):
        if device is None:
            return {'storage_group': None}
        device_id = device['device_id']
        groups = self.masking.device_groups(device_id)
        if groups is None:
            LOG.warning('%s: device %s is gone from array %s; nothing to '
                        'detach', self.name, device_id,
                        self.client.info.serial)
            return {'storage_group': None}
        names = [g['name'] for g in groups]
        target = next((c for c in masking['candidates'] if c in names),
                      None)
        plan = {'storage_group': target, 'groups': groups, 'last': False,
                'skip': False, 'views': [], 'view_groups': {},
                'initiator_groups': []}
        if target is None:
            LOG.info('%s: device %s is in none of %s; already detached',
                     self.name, device_id, ', '.join(masking['candidates']))
            return plan
        use = self.masking.storage_group_use(target) or {
            'members': [], 'views': []}
        plan['views'] = use['views']
        if use['members'] != [device_id]:
            return plan
        if not use['views'] and masking.get('parent') and \
                masking_cascade.plan_cascade(self, device_id, target, plan,
                                             masking):
            return plan
        ours = hostnames.is_host_storage_group(target) and all(
            hostnames.is_host_masking_view(v) for v in use['views'])
        if not ours and not use['views']:
            return plan     # a foreign group in no view: just leave it
        plan['last'] = True
        if not ours:
            LOG.warning('%s: device %s is the last device of storage group '
                        '%s in view(s) %s, which this driver did not name; '
                        'leaving it masked', self.name, device_id, target,
                        ', '.join(use['views']))
            plan['skip'] = True
            return plan
        for view in use['views']:
            plan['view_groups'][view] = self.masking.view_groups(view)
        # The host's initiator group: the views' (when this driver named
        # it), or -- a view already gone -- the one named for the host.
        groups = [g.get('initiator_group') for g in
                  plan['view_groups'].values() if g] or \
            masking.get('initiator_groups') or []
        plan['initiator_groups'] = sorted(
            g for g in set(groups) if hostnames.is_host_initiator_group(g))
        return plan


class RemoveFromHostGroup(attach_tasks.MaskingTask):
    """Not the last device: it leaves the host's storage group."""

    def __init__(self, client, name, provides='removed_from_host'):
        super().__init__(client, name, provides=provides)

    def execute(self, device, detach_plan):
        if _nothing(detach_plan) or not _leaves_only(detach_plan):
            return {'removed': False}
        with base.array_change('leave %s' % detach_plan['storage_group']):
            self.client.remove_members(detach_plan['storage_group'],
                                       [device['device_id']])
        return {'removed': True}

    def revert(self, device, detach_plan, result, flow_failures, **kwargs):
        if _nothing(detach_plan) or not _leaves_only(detach_plan):
            return None
        group, device_id = detach_plan['storage_group'], device['device_id']
        if base.failed(result) and not base.attempted(result, self.client):
            return None
        if group in self.client.groups_of_volume(device_id):
            return None
        return base.left_behind(self.undo(
            'put device %s back into storage group %s' % (device_id, group),
            'device %s' % device_id, self.client.add_members, group,
            [device_id]))


class DeleteHostViews(attach_tasks.MaskingTask):
    """Last device: delete the views of the host's storage group."""

    def __init__(self, client, name, provides='deleted_views'):
        super().__init__(client, name, provides=provides)

    def execute(self, detach_plan):
        if _nothing(detach_plan) or not detach_plan['last']:
            return {'deleted': []}
        deleted = []
        for view in detach_plan['views']:
            try:
                self.masking.delete_masking_view(view)
            except Exception as exc:
                exc.vmax_change_attempted = 'delete view %s' % view
                exc.vmax_views = deleted + [view]
                raise
            deleted.append(view)
            LOG.info('%s: deleted masking view %s', self.name, view)
        return {'deleted': deleted}

    def revert(self, detach_plan, result, flow_failures, **kwargs):
        if base.failed(result):
            if not base.attempted(result, self.client):
                return None
            views = [v for v in getattr(result.exception, 'vmax_views', ())
                     if self.masking.view_groups(v) is None]
        else:
            views = result['deleted']
        problems = []
        for view in views:
            groups = detach_plan['view_groups'].get(view) or {}
            problems.append(self.undo(
                'recreate masking view %s' % view, 'masking view %s' % view,
                self.masking.create_masking_view, view,
                groups.get('storage_group') or detach_plan['storage_group'],
                groups.get('initiator_group'), groups.get('port_group')))
        return base.left_behind(*problems)


class DeleteHostInitiatorGroup(attach_tasks.MaskingTask):
    """Last device: delete the host's initiator group and deregister its
    initiators -- only when the group has this driver's name and no view
    uses it any more (another placement of the same host may)."""

    def __init__(self, client, name, provides='deleted_initiator_group'):
        super().__init__(client, name, provides=provides)

    def _group(self, detach_plan):
        if _nothing(detach_plan) or not detach_plan['last']:
            return None
        groups = detach_plan.get('initiator_groups') or []
        return groups[0] if groups else None

    def execute(self, detach_plan):
        group = self._group(detach_plan)
        if group is None:
            return None
        use = self.masking.initiator_group_use(group)
        if use is None:
            return None
        if use['views']:
            LOG.info('%s: keeping initiator group %s, still used by %s',
                     self.name, group, ', '.join(use['views']))
            return None
        progress = {'name': group, 'initiators': use['initiators'],
                    'deregistered': [], 'deleted': False}
        try:
            with base.array_change('delete initiator group %s' % group):
                self.masking.delete_initiator_group(group)
            progress['deleted'] = True
            for initiator in use['initiators']:
                self.masking.delete_hardware_id(initiator)
                progress['deregistered'].append(initiator)
        except Exception as exc:
            exc.vmax_change_attempted = 'delete initiator group %s' % group
            setattr(exc, base.JOURNAL_KEY, progress)
            raise
        LOG.info('%s: deleted initiator group %s (initiators %s)',
                 self.name, group, ', '.join(use['initiators']))
        return progress

    def revert(self, detach_plan, result, flow_failures, **kwargs):
        if base.failed(result):
            progress = base.journal_of(result)
            if progress is None or not base.attempted(result, self.client):
                return None
        elif result is None:
            return None
        else:
            progress = result
        group = progress['name']
        problems = []
        for initiator in progress['initiators']:
            registered, owner = self.masking.initiator_group_of(initiator)
            if not registered:
                problems.append(self.undo(
                    'register initiator %s again' % initiator,
                    'initiator %s' % initiator,
                    self.masking.create_hardware_id, initiator))
        if self.masking.initiator_group_use(group) is None:
            problems.append(self.undo(
                'recreate initiator group %s' % group,
                'initiator group %s' % group,
                self.masking.create_initiator_group, group,
                progress['initiators']))
        return base.left_behind(*problems)


class DeleteHostStorageGroup(attach_tasks.MaskingTask):
    """Last device: delete the host's storage group; the device leaves it
    with it.  Revert recreates the group, with its service level, around
    the device."""

    def __init__(self, client, name, provides='deleted_storage_group'):
        super().__init__(client, name, provides=provides)

    def execute(self, detach_plan):
        if _nothing(detach_plan) or not _group_goes(detach_plan):
            return {'deleted': False}
        group = detach_plan['storage_group']
        with base.array_change('delete storage group %s' % group):
            self.client.delete_group(group, force=True)
        LOG.info('%s: deleted storage group %s', self.name, group)
        return {'deleted': True}

    def revert(self, device, detach_plan, result, flow_failures, **kwargs):
        if _nothing(detach_plan) or not _group_goes(detach_plan):
            return None
        if base.failed(result) and not base.attempted(result, self.client):
            return None
        if not base.failed(result) and not result['deleted']:
            return None
        group = detach_plan['storage_group']
        if self.client.get_group(group) is not None:
            return None
        settings = next(g for g in detach_plan['groups']
                        if g['name'] == group)
        return base.left_behind(self.undo(
            'recreate storage group %s around device %s'
            % (group, device['device_id']), 'storage group %s' % group,
            self._recreate, group, settings, device['device_id']))

    def _recreate(self, group, settings, device_id):
        created = self.client.create_storage_group(
            group, settings['srp'], settings['slo'], settings['workload'],
            settings['disable_compression'], settings['fast_policy'],
            [device_id])
        if settings.get('limits'):
            # As it was: a group named for limits carries them.
            qos.write_limits(self.client, group, settings['limits'])
        return created


class ReturnToDefaultGroup(attach_tasks.MaskingTask):
    """Put the device back into its default storage group (recreated if
    it went away meanwhile) -- unless it is still in a service-level group
    (masked to another host) or its placement has no default group."""

    def __init__(self, client, name, provides='returned'):
        super().__init__(client, name, provides=provides)

    def execute(self, device, detach_plan, masking, placement):
        group = masking.get('default_group')
        if _nothing(detach_plan) or not group:
            return {'group': None}
        remaining = [g for g in detach_plan['groups']
                     if g['name'] != detach_plan['storage_group']]
        if any(g['name'] == group for g in remaining) or \
                any(g['fast_managed'] for g in remaining):
            return {'group': None}
        created = False
        with base.array_change('return to %s' % group):
            try:
                self.client.add_members(group, [device['device_id']])
            except exceptions.ObjectNotFound:
                created = self.client.create_storage_group(
                    group, srp=placement.get('srp'),
                    slo=placement.get('slo'),
                    workload=placement.get('workload')
                    if placement.get('slo') else None,
                    disable_compression=placement.get(
                        'disable_compression'),
                    fast_policy=placement.get('fast_policy'))
                if created and placement.get('qos'):
                    # The default group of QoS limits is made with them.
                    qos.set_on_new_group(self.client, group,
                                         placement['qos'])
                self.client.add_members(group, [device['device_id']])
        return {'group': group, 'created': created}

    def revert(self, device, masking, result, flow_failures, **kwargs):
        group = masking.get('default_group')
        if device is None:
            return None
        device_id = device['device_id']
        if base.failed(result):
            if not group or not base.attempted(result, self.client):
                return None
        elif not result['group']:
            return None
        if group not in self.client.groups_of_volume(device_id):
            return None
        return base.left_behind(self.undo(
            'take device %s out of storage group %s again'
            % (device_id, group), 'device %s' % device_id,
            self.client.remove_members, group, [device_id]))
