"""Retype and migrate tasks: move a device between storage groups (a new
service level, workload, compression, FAST policy or QoS limits) and
between VMAX2 thin pools.  Each undoes exactly what it did.

QoS limits are a property of the placement: new limits mean the default
group of those limits (:mod:`vmax_flows.qos`), never limits changed in
place on a group other volumes share.

Store inputs: ``device`` (a volume record), ``new_placement`` (where the
device goes).
"""

import logging

from vmax_flows import exceptions
from vmax_flows import qos as qos_limits
from vmax_flows.smis import masking as smis_masking
from vmax_flows.tasks import base
from vmax_flows.tasks import groups
from vmax_flows.tasks import retype_cascade

LOG = logging.getLogger(__name__)


def pool_of(client, device_id):
    """The VMAX2 thin pool a device is bound to (None if unbound)."""
    names = client.session.associator_names(
        client.volume_path(device_id),
        assoc_class='CIM_AllocatedFromStoragePool',
        result_class='Symm_VirtualProvisioningPool')
    for name in names:
        return name.keybindings['InstanceID'].split(client.info.sep)[-1]
    return None


class NeedsHostMigration(exceptions.InvalidRequest):
    """The array cannot do this move in place (Cinder should copy the
    data through a host instead)."""


class PlanMove(base.ArrayTask):
    """Read the device's storage groups and views; decide which groups it
    leaves and joins and where host I/O limits go.  Changes nothing.

    ``{'leave': [groups], 'join': group or None, 'relocate_to': pool or
    None, 'attached': bool, 'views': [...], 'cascade': ...}``.  An
    unattached device moves between default groups.  An attached VMAX3
    device masked through its host's parent group (cascaded masking)
    moves to the child of its new placement under the same parent
    (``cascade``: :func:`vmax_flows.tasks.retype_cascade.plan`), keeping
    its view and LUN.  Otherwise (a flat view, VMAX2, two hosts) an
    attached device whose service level or QoS limits change raises
    :class:`NeedsHostMigration` (both live on its host's group, shared
    with the host's other volumes of the same settings).
    """

    def __init__(self, client, name, provides='move_plan', session=None):
        super().__init__(client, name, provides=provides)
        # The flow's lock session (an attached device's host locks).
        self.session = session

    def execute(self, device, new_placement, placement):
        device_id = device['device_id']
        masking = smis_masking.for_client(self.client)
        groups = masking.device_groups(device_id)
        if groups is None:
            raise exceptions.DeviceNotFound(
                'Device %s disappeared from array %s'
                % (device_id, self.client.info.serial))
        views = sorted(masking.device_luns(device_id) or {})
        in_view = set()
        for group in groups:
            use = masking.storage_group_use(group['name']) or {}
            if use.get('views'):
                in_view.add(group['name'])
        target = new_placement.get('storage_group')
        fast = [g['name'] for g in groups if g['fast_managed']]
        plan = {'views': views, 'attached': bool(views),
                'leave': [], 'join': None, 'relocate_to': None}
        if not views:
            plan['leave'] = [g for g in fast if g != target]
            if target and target not in [g['name'] for g in groups]:
                plan['join'] = target
        else:
            plan['cascade'] = retype_cascade.plan(
                self, device_id, groups, views, new_placement,
                getattr(self.session, 'held', ()), self._refuse,
                current=placement)
            if plan['cascade'] is None:
                # Flat masking (VMAX2, or a view an older release made):
                # the device's group is its view's; no in-place move.
                self._check_attached(device_id, groups, in_view, views,
                                     new_placement)
        if not self.client.info.is_vmax3:
            current = self._pool(device_id)
            if current != new_placement['pool']:
                plan['relocate_to'] = new_placement['pool']
                plan['relocate_from'] = current
        LOG.info('%s: device %s %s', self.name, device_id, plan)
        return plan

    @staticmethod
    def _refuse(message):
        raise NeedsHostMigration(message)

    def _check_attached(self, device_id, groups, in_view, views,
                        placement):
        # The device's service level comes from the host group of its
        # view; changing it would take the device out of that view.
        wanted = (placement.get('slo'), placement.get('workload'),
                  bool(placement.get('disable_compression')),
                  placement.get('fast_policy'))
        for group in groups:
            if group['name'] not in in_view or not group['fast_managed']:
                continue
            have = (group['slo'], None if group['workload'] in (
                None, 'NONE') else group['workload'],
                group['disable_compression'], group['fast_policy'])
            if have != wanted:
                raise NeedsHostMigration(
                    'Device %s is attached through %s (storage group %s, '
                    'settings %s); moving it to %s would unmask it'
                    % (device_id, ', '.join(views), group['name'], have,
                       wanted))
        # The limits of the device's host I/O: those of its view's group
        # (a host's shared group carries none).  Other limits would mean
        # another host group and view -- unmasking it, however briefly.
        have = [g['limits'] for g in groups
                if g['name'] in in_view and g.get('limits')]
        wanted = qos_limits.canonical(placement.get('qos'))
        if any(limits != wanted for limits in have) or \
                (wanted and not have):
            raise NeedsHostMigration(
                'Device %s is attached through %s with %s; %s needs '
                'another storage group and masking view'
                % (device_id, ', '.join(views),
                   qos_limits.describe(have[0] if have else None),
                   qos_limits.describe(wanted)))

    def _pool(self, device_id):
        return pool_of(self.client, device_id)


class LeaveGroups(base.ArrayTask):
    """Take the device out of the groups the plan leaves; revert puts it
    back."""

    def __init__(self, client, name, provides='left_groups'):
        super().__init__(client, name, provides=provides)

    def execute(self, device, move_plan):
        left = []
        for group in move_plan['leave']:
            try:
                self.client.remove_members(group, [device['device_id']])
            except Exception as exc:
                exc.vmax_change_attempted = 'leave %s' % group
                exc.vmax_groups = left + [group]
                raise
            left.append(group)
        return {'left': left}

    @base.best_effort_revert
    def revert(self, device, move_plan, result, flow_failures, **kwargs):
        device_id = device['device_id']
        if base.failed(result):
            groups = getattr(result.exception, 'vmax_groups', None)
            if groups is None and base.attempted(result):
                # Died without saying how far it got (the process died):
                # every group of the plan the device is no longer in.
                groups = list(move_plan['leave'])
            # A removal still running when the wait gave up gets a short
            # wait of its own, so that its effect is seen and undone.
            base.attempted(result, self.client)
            groups = groups or []
        else:
            groups = result['left']
        current = self.client.groups_of_volume(device_id) if groups else []
        problems = [self.undo(
            'put device %s back into storage group %s' % (device_id, g),
            'device %s' % device_id, self.client.add_members, g,
            [device_id]) for g in groups if g not in current]
        return base.left_behind(*problems)


class JoinGroup(base.ArrayTask):
    """Put the device into the plan's target group; revert takes it out."""

    def __init__(self, client, name, provides='joined_group'):
        super().__init__(client, name, provides=provides)

    def execute(self, device, move_plan):
        group = move_plan['join']
        if not group:
            return {'joined': None}
        with base.array_change('join %s' % group):
            try:
                self.client.add_members(group, [device['device_id']])
            except exceptions.VmaxError as exc:
                if not base.confirmed(exc, lambda: group in self.client
                                      .groups_of_volume(device['device_id'])):
                    raise
        return {'joined': group}

    @base.best_effort_revert
    def revert(self, device, move_plan, result, flow_failures, **kwargs):
        group = move_plan['join']
        device_id = device['device_id']
        if not group:
            return None
        if base.failed(result):
            if not base.attempted(result, self.client):
                return None
        elif not result['joined']:
            return None
        # Also when it already succeeded: a revert run again at recovery
        # finds the device gone from the group and has nothing to do.
        if group not in self.client.groups_of_volume(device_id):
            return None
        return base.left_behind(self.undo(
            'remove device %s from storage group %s' % (device_id, group),
            'device %s' % device_id, self.client.remove_members, group,
            [device_id]))


class RelocateDevice(base.ArrayTask):
    """VMAX2: move the device to another thin pool
    (RelocateStorageVolumesToStoragePool); revert moves it back."""

    def __init__(self, client, name, provides='relocated'):
        super().__init__(client, name, provides=provides)

    def _relocate(self, device_id, pool):
        self.client.call_with_job(
            'RelocateStorageVolumesToStoragePool',
            self.client.info.service('StorageRelocationService'),
            'relocate device %s to pool %s' % (device_id, pool),
            TheElements=[self.client.volume_path(device_id)],
            TargetPool=self.client.pool_path(pool))

    def execute(self, device, move_plan):
        pool = move_plan.get('relocate_to')
        if not pool:
            return {'pool': None}
        with base.array_change('relocate to %s' % pool):
            try:
                self._relocate(device['device_id'], pool)
            except exceptions.VmaxError as exc:
                if not base.confirmed(exc, lambda: pool_of(
                        self.client, device['device_id']) == pool):
                    raise
        return {'pool': pool}

    @base.best_effort_revert
    def revert(self, device, move_plan, result, flow_failures, **kwargs):
        pool = move_plan.get('relocate_to')
        if not pool:
            return None
        if base.failed(result):
            if not base.attempted(result, self.client):
                return None
        elif not result['pool']:
            return None
        source = move_plan.get('relocate_from')
        if pool_of(self.client, device['device_id']) == source:
            return None
        return base.left_behind(self.undo(
            'relocate device %s back to pool %s'
            % (device['device_id'], source),
            'device %s' % device['device_id'], self._relocate,
            device['device_id'], source))


class EnsureTargetGroup(groups.EnsureStorageGroup):
    """The new placement's default group, found or created -- only when
    the plan joins it (revert as :class:`EnsureStorageGroup`: only a
    group this task created, and only while it is empty)."""

    def __init__(self, client, name, provides='target_group'):
        base.ArrayTask.__init__(self, client, name, provides=provides,
                                rebind={'placement': 'new_placement'})

    def execute(self, placement, move_plan):
        if not move_plan['join']:
            return None
        return super().execute(placement)

    def revert(self, placement, move_plan, result, flow_failures,
               **kwargs):
        if not move_plan['join']:
            return None
        return super().revert(placement, result, flow_failures)
