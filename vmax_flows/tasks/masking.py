"""Attach tasks: make a device visible to a host through a masking view.

Every task looks before it changes (a retried or resumed flow finds what
an earlier attempt made), records in its result whether it *created* or
*found* what it touches, and reverts only what it created -- never a
group or view that was there before, whoever made it.  Reverts run under
the flow's locks (see :mod:`vmax_flows.tasks.masking_locks`).

Store inputs: ``device`` (from ResolveDevice) and ``masking`` (plain data
built by :mod:`vmax_flows.masking_requests`: the host's short name,
initiators, the names of its groups and view, the port groups to try and
the device's default storage group).
"""

import logging

from vmax_flows import exceptions
from vmax_flows import qos
from vmax_flows.smis import cascade as smis_cascade
from vmax_flows.smis import masking as smis_masking
from vmax_flows.tasks import base
from vmax_flows.tasks import groups as group_tasks

LOG = logging.getLogger(__name__)

MODE_MAPPED = 'mapped'      # already visible to this host
MODE_HOST = 'host'          # into the host's group for its placement
MODE_SHARED = 'shared'      # masked to another host too: plain group


def flat_view(existing_view):
    """True when the attach goes into a flat view found for the placement
    (its storage group holds the devices)."""
    return existing_view is not None and not existing_view.get('cascade')


def cascaded(attach_plan, existing_view):
    """True when the attach masks the host's parent group: a VMAX3 host
    group without a flat view of its own."""
    return bool(attach_plan.get('parent')) and \
        not flat_view(existing_view)


def fast_managed(settings):
    return bool(settings.get('srp') or settings.get('slo') or
                settings.get('fast_policy'))


class MaskingTask(base.ArrayTask):

    @property
    def masking(self):
        return smis_masking.for_client(self.client)


class PlanAttach(MaskingTask):
    """Read the device's storage groups and decide where it goes.

    * in the host's group or the host's shared group: already mapped;
    * in a service-level (FAST) group other than its default one, i.e.
      masked to another host: the host's plain shared group (a device may
      be in only one such group);
    * otherwise: the host's group for the placement, leaving the default
      group first when both carry a service level (bug 1515176: the
      default group, never another host's).  A volume of a QoS type made
      before groups were named for their limits leaves the type's former
      default group the same way.
    """

    def __init__(self, client, name, provides='attach_plan'):
        super().__init__(client, name, provides=provides)

    def execute(self, device, masking):
        groups = self.masking.device_groups(device['device_id'])
        if groups is None:
            raise exceptions.DeviceNotFound(
                'Device %s disappeared from array %s while being attached'
                % (device['device_id'], self.client.info.serial))
        names = [g['name'] for g in groups]
        host, shared = masking['host_group'], masking['shared_group']
        default = masking.get('default_group')
        former = masking.get('former_default_group')
        if former and default not in names and former in names:
            default = former
        plan = {'groups': names, 'leave_group': None, 'parent': None}
        # Cascaded masking (VMAX3): the host's group is a child of the
        # host's parent group, which its view names -- unless a flat view
        # made earlier (or by the 2.x driver) already serves the
        # placement (FindMaskingView decides).  The shared group stays
        # flat.
        parent = dict(masking['parent']) if masking.get('parent') else None
        for target in (host, shared):
            if target['storage_group'] in names:
                plan.update(mode=MODE_MAPPED, **self._target(target))
                if target is host:
                    plan['parent'] = parent
                return plan
        settings = host['settings']
        elsewhere = [g['name'] for g in groups
                     if g['fast_managed'] and g['name'] != default]
        if elsewhere and fast_managed(settings):
            LOG.info('%s: device %s is in %s; host %s gets it through its '
                     'shared group', self.name, device['device_id'],
                     ', '.join(elsewhere), masking['host'])
            plan.update(mode=MODE_SHARED, **self._target(shared))
            return plan
        plan.update(mode=MODE_HOST, parent=parent, **self._target(host))
        if default and default in names and fast_managed(settings):
            plan['leave_group'] = default
        return plan

    @staticmethod
    def _target(target):
        return {'storage_group': target['storage_group'],
                'view': target['view'],
                'settings': dict(target.get('settings') or {}),
                'limits': target.get('limits')}


class FindMaskingView(MaskingTask):
    """Look the planned view up (one round trip); its groups are used as
    they are, whoever named them."""

    def __init__(self, client, name, provides='existing_view'):
        super().__init__(client, name, provides=provides)

    def execute(self, attach_plan):
        # The host's parent view first: once a host has one, this is the
        # only lookup (a flat view of the placement next to it is found
        # through its group by EnsureParentGroup).
        parent = attach_plan.get('parent')
        if parent:
            groups = self.masking.view_groups(parent['view'])
            if groups is not None:
                groups.update(name=parent['view'], cascade=True)
                return groups
        groups = self.masking.view_groups(attach_plan['view'])
        if groups is None:
            return None
        groups['name'] = attach_plan['view']
        return groups       # flat: attach into it as before


class ChoosePortGroup(MaskingTask):
    """The port group of the existing view (its ports are where the host
    logs in, 2.3.0), or the first configured one in the host's order that
    has an online port.  Also resolves the online ports' addresses, so
    nothing changes on the array before the targets are known."""

    def __init__(self, client, name, provides='port_group'):
        super().__init__(client, name, provides=provides)

    def execute(self, masking, existing_view):
        if existing_view is not None:
            chosen = existing_view['port_group']
            endpoints = self.masking.port_group_endpoints(chosen)
            if not endpoints or not any(e['online'] for e in endpoints):
                raise exceptions.ArrayError(
                    'Masking view %s uses port group %s, which has no '
                    'online iSCSI port' % (existing_view['name'], chosen))
            return self._describe(chosen, endpoints)
        tried = []
        for candidate in masking['port_groups']:
            endpoints = self.masking.port_group_endpoints(candidate)
            if endpoints is None:
                tried.append('%s (not on the array)' % candidate)
                continue
            if any(e['online'] for e in endpoints):
                return self._describe(candidate, endpoints)
            tried.append('%s (ports %s offline)' % (
                candidate, ', '.join(e['port'] for e in endpoints) or
                'none'))
        raise exceptions.ArrayError(
            'No port group for host %s has an online iSCSI port: %s'
            % (masking['host'], '; '.join(tried) or
               'no port group configured'))

    def _describe(self, port_group, endpoints):
        targets = []
        for endpoint in endpoints:
            if not endpoint['online']:
                continue
            address = self.masking.endpoint_address(endpoint)
            targets.append({'port': endpoint['port'], 'iqn': endpoint['iqn'],
                            'ip': address['ip'],
                            'tcp_port': address['tcp_port']})
        return {'name': port_group, 'targets': targets,
                'offline': [e['port'] for e in endpoints
                            if not e['online']]}


class EnsureInitiatorGroup(MaskingTask):
    """The initiator group of the host's initiators.

    Reuses the group an initiator already belongs to, whatever its name
    (an initiator may be in only one group; 2.x bug 1618784).  Otherwise
    registers the initiators the array does not know and creates the
    host's group -- or, when a group of that name exists (the host got a
    new initiator), adds them to it.  Revert undoes exactly that.
    """

    def __init__(self, client, name, provides='initiator_group'):
        super().__init__(client, name, provides=provides)

    def execute(self, masking, existing_view):
        if existing_view is not None:
            return self._result(existing_view['initiator_group'])
        initiators = masking['initiators']
        unregistered, found = [], None
        for initiator in initiators:
            registered, group = self.masking.initiator_group_of(initiator)
            if group and found is None:
                found = group
            if not registered:
                unregistered.append(initiator)
        if found is not None:
            LOG.info('%s: initiator(s) of host %s are in initiator group '
                     '%s; using it', self.name, masking['host'], found)
            return self._result(found)
        progress = self._result(masking['initiator_group'])
        progress['stage'] = 'register'
        progress['unregistered'] = unregistered
        progress['initiators'] = list(initiators)
        # Journaled before each change: after a crash, revert must know
        # which initiators this run registered (the array cannot say).
        try:
            for initiator in unregistered:
                self.journal(progress)
                if self.masking.create_hardware_id(initiator):
                    progress['registered'].append(initiator)
            progress['stage'] = 'create'
            self.journal(progress)
            progress['created'] = self.masking.create_initiator_group(
                progress['name'], initiators)
            if not progress['created']:
                progress['stage'] = 'add'
                self.journal(progress)
                self.masking.add_initiators(progress['name'], initiators)
                progress['added'] = list(initiators)
        except Exception as exc:
            exc.vmax_change_attempted = 'initiator group %s' % \
                progress['name']
            setattr(exc, base.JOURNAL_KEY, progress)
            raise
        progress['stage'] = 'done'
        return progress

    @staticmethod
    def _result(group):
        return {'name': group, 'created': False, 'registered': [],
                'added': [], 'stage': 'done'}

    def revert(self, masking, existing_view, result, flow_failures,
               **kwargs):
        if base.failed(result):
            progress = base.journal_of(result)
            if progress is None or not base.attempted(result, self.client):
                return None
            created = progress['created'] or self._made_here(progress)
            added = progress['added'] or (
                progress['stage'] == 'add' and
                self._present(progress['name'], masking['initiators']))
            registered = list(progress['registered'])
            if progress['stage'] == 'register':
                # The failed call may have registered it all the same.
                registered.extend(
                    i for i in progress['unregistered']
                    if i not in registered and
                    self.masking.initiator_group_of(i)[0])
        else:
            progress = result
            created, added = result['created'], result['added']
            registered = result['registered']
        problems = []
        group = progress['name']
        if created:
            problems.append(self.undo(
                'delete initiator group %s' % group,
                'initiator group %s' % group,
                self.masking.delete_initiator_group, group))
        elif added:
            problems.append(self.undo(
                'remove initiator(s) %s from initiator group %s'
                % (', '.join(added), group), 'initiator group %s' % group,
                self.masking.remove_initiators, group, added))
        for initiator in registered:
            problems.append(self.undo(
                'deregister initiator %s' % initiator,
                'initiator %s' % initiator,
                self.masking.delete_hardware_id, initiator))
        return base.left_behind(*problems)

    def _present(self, group, initiators):
        use = self.masking.initiator_group_use(group)
        members = set(use['initiators']) if use else set()
        return [i for i in initiators
                if smis_masking.normalise_initiator(i) in members]

    def _made_here(self, progress):
        """A create that failed may still have made the group (a job that
        finished after the wait gave up): it is ours if it exists, is in
        no view and holds only our initiators."""
        if progress['stage'] != 'create':
            return False
        use = self.masking.initiator_group_use(progress['name'])
        ours = {smis_masking.normalise_initiator(i)
                for i in progress.get('initiators') or ()}
        return bool(use) and not use['views'] and \
            set(use['initiators']) <= ours


class EnsureHostStorageGroup(MaskingTask):
    """The host's storage group for the placement (or its plain shared
    group): the existing view's group, else found or created with the
    placement's service level / FAST policy.  Revert deletes it only if
    this task created it and it is still empty and in no view.

    QoS (``attach_plan['limits']``): the host's group for those limits
    (its name carries their token, so a host's volumes of other limits
    are never in it) is created *with* them: CreateGroup, then one
    ModifyInstance, in this one step.  A found group (the view's, or one
    created concurrently) has its limits read: none are completed, other
    ones refused before any change (:func:`vmax_flows.qos.check_found`).
    The host's shared group never carries limits.
    """

    def __init__(self, client, name, provides='host_storage_group'):
        super().__init__(client, name, provides=provides)

    def execute(self, attach_plan, existing_view):
        limits = attach_plan.get('limits')
        if flat_view(existing_view):
            group = existing_view['storage_group']
            if limits:
                self._check_found(group, limits)
            return {'name': group, 'created': False}
        group, settings = attach_plan['storage_group'], \
            attach_plan['settings']
        if existing_view is not None:
            # The host's parent view exists: its child for the placement
            # usually does too -- one read finds it and its parent.
            found = self._find_child(group)
            if found is not None:
                if limits:
                    self._check_found(group, limits)
                return {'name': group, 'created': False, 'parent': found}
        with base.array_change('create storage group %s' % group):
            created = self.client.create_storage_group(
                group, srp=settings.get('srp'), slo=settings.get('slo'),
                workload=settings.get('workload'),
                disable_compression=settings.get('disable_compression'),
                fast_policy=settings.get('fast_policy'))
            if limits and created:
                qos.set_on_new_group(self.client, group, limits)
        if limits and not created:
            self._check_found(group, limits)
        LOG.info('%s: storage group %s %s%s', self.name, group,
                 'created' if created else 'found',
                 ' with %s' % qos.describe(limits) if limits else '')
        return {'name': group, 'created': created}

    def _find_child(self, group):
        """The parent of ``group`` ('' when flat), None when it is
        missing."""
        try:
            return smis_cascade.parent_of(self.client, group) or ''
        except exceptions.ObjectNotFound:
            return None

    def _check_found(self, group, limits):
        found, current = qos.find_group(self.client, group)
        if found:
            group_tasks.complete_found_limits(self.client, group, current,
                                              limits)

    def revert(self, attach_plan, existing_view, result, flow_failures,
               **kwargs):
        if flat_view(existing_view):
            return None
        if base.failed(result):
            if getattr(result.exception, 'vmax_found_group', False) or \
                    not base.attempted(result, self.client):
                return None
        elif not result['created']:
            return None
        group = attach_plan['storage_group']
        use = self.masking.storage_group_use(group)
        if use is None:
            return None
        if use['members'] or use['views']:
            LOG.info('%s: keeping storage group %s, now in use (%d '
                     'device(s), views %s)', self.name, group,
                     len(use['members']), use['views'])
            return None
        return base.left_behind(self.undo(
            'delete storage group %s' % group, 'storage group %s' % group,
            self.client.delete_group, group))


class LeaveDefaultGroup(MaskingTask):
    """VMAX3 (and VMAX2 FAST): take the device out of its default group,
    which carries the same service level as the host's group.  Revert
    puts it back."""

    def __init__(self, client, name, provides='left_group'):
        super().__init__(client, name, provides=provides)

    def execute(self, device, attach_plan):
        group = attach_plan['leave_group']
        if not group:
            return {'group': None}
        with base.array_change('leave %s' % group):
            self.client.remove_members(group, [device['device_id']])
        return {'group': group}

    def revert(self, device, attach_plan, result, flow_failures, **kwargs):
        group = attach_plan['leave_group']
        if not group:
            return None
        device_id = device['device_id']
        if base.failed(result) and not base.attempted(result, self.client):
            return None
        if group in self.client.groups_of_volume(device_id):
            return None
        return base.left_behind(self.undo(
            'put device %s back into storage group %s' % (device_id, group),
            'device %s' % device_id, self.client.add_members, group,
            [device_id]))


class AddToHostGroup(MaskingTask):
    """Put the device into the host's storage group (the view's group).
    Revert takes it out again."""

    def __init__(self, client, name, provides='joined_group'):
        super().__init__(client, name, provides=provides)

    def execute(self, device, attach_plan, host_storage_group):
        group = host_storage_group['name']
        if group in attach_plan['groups']:
            return {'group': group, 'added': False}
        with base.array_change('add to %s' % group):
            self.client.add_members(group, [device['device_id']])
        return {'group': group, 'added': True}

    def revert(self, device, attach_plan, host_storage_group, result,
               flow_failures, **kwargs):
        group = host_storage_group['name']
        device_id = device['device_id']
        if base.failed(result):
            if group in attach_plan['groups'] or \
                    not base.attempted(result, self.client) or \
                    group not in self.client.groups_of_volume(device_id):
                return None
        elif not result['added'] or \
                group not in self.client.groups_of_volume(device_id):
            # Nothing added, or this revert already took it out before
            # its process died (the recovery runs it again).
            return None
        return base.left_behind(self.undo(
            'remove device %s from storage group %s' % (device_id, group),
            'device %s' % device_id, self.client.remove_members, group,
            [device_id]))


class EnsureMaskingView(MaskingTask):
    """Create the host's masking view over its groups unless it exists.
    Revert deletes it only if this task created it."""

    def __init__(self, client, name, provides='masking_view'):
        super().__init__(client, name, provides=provides)

    def execute(self, attach_plan, existing_view, initiator_group,
                host_storage_group, port_group, parent_group):
        if parent_group and parent_group.get('flat_view'):
            return {'name': parent_group['flat_view'], 'created': False}
        if existing_view is not None:
            return {'name': existing_view['name'], 'created': False}
        view, group = self._view(attach_plan, existing_view,
                                 host_storage_group)
        with base.array_change('create masking view %s' % view):
            created = self.masking.create_masking_view(
                view, group, initiator_group['name'], port_group['name'])
        if not created:
            found = self.masking.view_groups(view) or {}
            if found.get('storage_group') != group:
                raise exceptions.ArrayError(
                    'Masking view %s exists over storage group %s, not %s'
                    % (view, found.get('storage_group'), group))
        LOG.info('%s: masking view %s %s', self.name, view,
                 'created' if created else 'found')
        return {'name': view, 'created': created}

    @staticmethod
    def _view(attach_plan, existing_view, host_storage_group):
        """The view to create and its storage group: the host's parent
        (cascaded) or the placement's own (flat)."""
        if cascaded(attach_plan, existing_view):
            parent = attach_plan['parent']
            return parent['view'], parent['storage_group']
        return attach_plan['view'], host_storage_group['name']

    def revert(self, attach_plan, existing_view, result, flow_failures,
               **kwargs):
        if existing_view is not None:
            return None
        view = attach_plan['parent']['view'] \
            if cascaded(attach_plan, existing_view) else attach_plan['view']
        if base.failed(result):
            if not base.attempted(result, self.client) or \
                    self.masking.view_groups(view) is None:
                return None
        elif not result['created']:
            return None
        return base.left_behind(self.undo(
            'delete masking view %s' % view, 'masking view %s' % view,
            self.masking.delete_masking_view, view))


class DescribeConnection(MaskingTask):
    """Read the device's host LUN in the view and put together what the
    connection info needs (plain data)."""

    def __init__(self, client, name, provides='connection'):
        super().__init__(client, name, provides=provides)

    def execute(self, device, masking_view, port_group):
        luns = self.masking.device_luns(device['device_id']) or {}
        view = masking_view['name']
        if view not in luns:
            raise exceptions.ArrayError(
                'Device %s has no host LUN in masking view %s (views: %s)'
                % (device['device_id'], view, sorted(luns) or 'none'))
        return {'device_id': device['device_id'], 'host_lun': luns[view],
                'masking_view': view, 'port_group': port_group['name'],
                'targets': port_group['targets']}


class ReadDeviceMasking(MaskingTask):
    """Which views show the device, with its LUN in each (read only)."""

    def __init__(self, client, name, provides='device_masking'):
        super().__init__(client, name, provides=provides)

    def execute(self, device):
        luns = self.masking.device_luns(device['device_id']) or {}
        if not luns:
            LOG.info('%s: device %s is not masked to any host', self.name,
                     device['device_id'])
        return {'device_id': device['device_id'], 'views': luns}
