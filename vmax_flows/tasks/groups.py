"""Storage group tasks: the default group and device membership."""

import logging

from vmax_flows import exceptions
from vmax_flows import qos
from vmax_flows.tasks import base

LOG = logging.getLogger(__name__)


def complete_found_limits(client, group, current, limits):
    """Set ``limits`` on a found ``group`` named for them whose limits
    are missing (see :func:`vmax_flows.qos.check_found`, which refuses
    other limits); True when they were set.  A failure is marked as an
    attempted change of a group the task found, not made."""
    if not qos.check_found(group, current, limits):
        return False
    with base.array_change('set host I/O limits of %s' % group):
        try:
            qos.write_limits(client, group, limits)
        except Exception as exc:
            exc.vmax_found_group = True
            raise
    return True


class EnsureStorageGroup(base.ArrayTask):
    """Find the placement's default storage group, or create it.

    VMAX3: ``OS-<SRP>-<SLO>-<Workload>[-CD]-SG`` carrying SRP, service
    level, workload and compression; VMAX2 with a FAST policy:
    ``OS_default_<policy>_SG`` under that policy.  One GetInstance when the
    group exists.  Revert deletes the group only if this task created it
    and it is still empty -- a concurrent flow may have put a device in it
    meanwhile (field scenario S02).

    A placement with QoS limits names a group of its own (``...-Q<token>
    -SG``); this task creates it *with* its limits -- CreateGroup, then
    one ModifyInstance, one step whose revert deletes the group -- and
    reads a found group's limits in the same single GetInstance.  A found
    group without limits is completed (see :func:`vmax_flows.qos.
    check_found`; that is never undone: a group named for limits has no
    business going back to none); one with other limits is refused
    before any change.
    """

    def __init__(self, client, name, provides='storage_group'):
        super().__init__(client, name, provides=provides)

    def execute(self, placement):
        group = placement.get('storage_group')
        if not group:
            return None
        limits = placement.get('qos')
        if limits:
            found, current = qos.find_group(self.client, group)
        else:
            found = self.client.get_group(group) is not None
        if found:
            if limits and complete_found_limits(self.client, group, current,
                                                limits):
                LOG.info('%s: storage group %s had no host I/O limits; '
                         'set to %s', self.name, group,
                         qos.describe(limits))
            return {'name': group, 'created': False}
        with base.array_change('create storage group %s' % group):
            try:
                created = self._create(group, placement)
            except exceptions.VmaxError as exc:
                if not base.confirmed(
                        exc, lambda: self.client.get_group(group)):
                    raise
                created = True
            if limits:
                # A concurrent creator of the same name sets the same
                # limits: writing them again is harmless.
                qos.set_on_new_group(self.client, group, limits)
        LOG.info('%s: storage group %s %s%s', self.name, group,
                 'created' if created else 'found (created concurrently)',
                 ' with %s' % qos.describe(limits) if limits else '')
        return {'name': group, 'created': created}

    def _create(self, group, placement):
        if placement.get('srp'):
            return self.client.create_storage_group(
                group, srp=placement['srp'], slo=placement['slo'],
                workload=placement['workload'] if placement['slo'] else None,
                disable_compression=placement['disable_compression'])
        return self.client.create_storage_group(
            group, fast_policy=placement['fast_policy'])

    @base.best_effort_revert
    def revert(self, placement, result, flow_failures, **kwargs):
        group = placement.get('storage_group')
        if not group:
            return None
        if not base.failed(result):
            if not result or not result['created']:
                return None
        elif getattr(result.exception, 'vmax_found_group', False) or \
                not base.attempted(result, self.client):
            return None
        if self.client.get_group(group) is None:
            return None
        members = self.client.volumes_in_group(group)
        if members:
            LOG.info('%s: keeping storage group %s, it now holds %d '
                     'device(s)', self.name, group, len(members))
            return None
        return base.left_behind(self.undo(
            'delete storage group %s' % group, 'storage group %s' % group,
            self.client.delete_group, group))


class AddToStorageGroup(base.ArrayTask):
    """Put a device into the placement's default storage group (VMAX2 FAST
    groups; VMAX3 devices are created inside theirs)."""

    def __init__(self, client, name, device='device', provides=None):
        super().__init__(client, name, provides=provides,
                         rebind={'device': device})

    def execute(self, device, placement):
        group = placement.get('storage_group')
        if not group or device is None:
            return None
        # A device this flow just created is in no group yet.
        if not device.get('created') and \
                group in self.client.groups_of_volume(device['device_id']):
            return {'group': group, 'added': False}
        with base.array_change('add to %s' % group):
            try:
                self.client.add_members(group, [device['device_id']])
            except exceptions.VmaxError as exc:
                if not base.confirmed(exc, lambda: group in self.client
                                      .groups_of_volume(device['device_id'])):
                    raise
        return {'group': group, 'added': True}

    @base.best_effort_revert
    def revert(self, device, placement, result, flow_failures, **kwargs):
        group = placement.get('storage_group')
        if not group or device is None:
            return None
        if base.failed(result):
            if not base.attempted(result, self.client) or group not in \
                    self.client.groups_of_volume(device['device_id']):
                return None
        elif not result or not result['added']:
            return None
        return base.left_behind(self.undo(
            'remove device %s from storage group %s'
            % (device['device_id'], group), 'device %s'
            % device['device_id'], self.client.remove_members, group,
            [device['device_id']]))


class RemoveFromStorageGroups(base.ArrayTask):
    """Take a device out of every storage group it is in (before delete).

    Revert puts it back into the groups it was taken out of.
    """

    def __init__(self, client, name, device='device',
                 provides='left_groups'):
        super().__init__(client, name, provides=provides,
                         rebind={'device': device})

    def execute(self, device):
        if device is None:
            return {'removed_from': []}
        removed = []
        groups = self.client.groups_of_volume(device['device_id'])
        for group in groups:
            try:
                self.client.remove_members(group, [device['device_id']])
            except Exception as exc:
                if not base.confirmed(exc, lambda: group not in self.client
                                      .groups_of_volume(device['device_id'])):
                    exc.vmax_change_attempted = 'remove from %s' % group
                    exc.vmax_groups = removed + [group]
                    raise
            removed.append(group)
        return {'removed_from': removed}

    @base.best_effort_revert
    def revert(self, device, result, flow_failures, **kwargs):
        if device is None:
            return None
        device_id = device['device_id']
        if base.failed(result):
            groups = getattr(result.exception, 'vmax_groups', None) or []
            if groups:
                # A removal whose job outlived the wait may still finish:
                # give it its last bounded wait before looking.
                base.attempted(result, self.client)
                current = self.client.groups_of_volume(device_id)
                groups = [g for g in groups if g not in current]
        else:
            groups = result['removed_from']
        problems = []
        for group in groups:
            problems.append(self.undo(
                'put device %s back into storage group %s'
                % (device_id, group), 'device %s' % device_id,
                self.client.add_members, group, [device_id]))
        return base.left_behind(*problems)
