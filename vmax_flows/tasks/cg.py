"""Replication (consistency) group tasks.

A consistency group -- a Cinder group whose type has
``consistent_group_snapshot_enabled`` -- is an ``SE_ReplicationGroup``
named ``OS-<group uuid>`` holding the devices of the group's volumes; a
group snapshot is another replication group, ``OS-<group snapshot uuid>``,
holding one target device per volume, filled by one ``CreateGroupReplica``
(every member copied at the same point in time).

Group data in a flow's store is plain: ``{'kind', 'id', 'rg_name'}`` (see
:func:`group_item`); a task that found or made a replication group
provides ``{'name', 'members', 'created'}``.  Tasks that work on several
devices take the store names of the device records (results of
``ResolveDevice`` / ``CreateDevice``) as ``devices``, in request order.

The conventions of :mod:`vmax_flows.tasks.base` hold: find before create,
revert only what this task did, already gone counts as done.
"""

import logging

from vmax_flows import exceptions
from vmax_flows import naming
from vmax_flows.smis import params as cim
from vmax_flows.tasks import base
from vmax_flows.tasks import cg_array

LOG = logging.getLogger(__name__)


class GroupNotFound(exceptions.VmaxError):
    """A Cinder group or group snapshot has no replication group."""


def group_item(kind, object_id):
    """Plain description of a Cinder group or group snapshot for a store;
    ``rg_name`` is the replication group this driver gives it."""
    return {'kind': kind, 'id': object_id,
            'rg_name': naming.label(object_id)}


def replica_sync_type(client):
    """SnapVX on VMAX3, TimeFinder clone on VMAX2."""
    return cim.SYNC_TYPE_SNAPSHOT if client.info.is_vmax3 \
        else cim.SYNC_TYPE_CLONE


def finish_operation(client):
    return cim.OPERATION_DISSOLVE if client.info.is_vmax3 \
        else cim.OPERATION_DETACH


def find_group(client, group):
    """``(name, members)`` of the group's replication group, by this
    driver's name first, then by the uuid inside a 2.x driver's name;
    ``(None, None)`` when there is none."""
    members = cg_array.group_members(client, group['rg_name'])
    if members is not None:
        return group['rg_name'], members
    legacy = cg_array.find_group_named_after(client, group['id'])
    if legacy is not None:
        return legacy, cg_array.group_members(client, legacy) or []
    return None, None


def carry_out(change, outcome):
    """Run ``change()``; when it fails ambiguously (the answer was lost)
    and ``outcome()`` finds it done on the array, carry on as if it had
    succeeded (see :func:`vmax_flows.tasks.base.confirmed`)."""
    try:
        return change()
    except exceptions.VmaxError as exc:
        if not base.confirmed(exc, outcome):
            raise
        return None


def _device_ids(names, kwargs):
    records = [kwargs[name] for name in names]
    return [r['device_id'] for r in records if r]


class _DevicesTask(base.ArrayTask):
    """A task taking a list of device records by store name."""

    def __init__(self, client, name, devices, provides=None, rebind=None,
                 requires=()):
        self.device_names = list(devices)
        super().__init__(client, name, provides=provides, rebind=rebind,
                         requires=self.device_names + list(requires))


class ResolveReplicationGroup(base.ArrayTask):
    """Find the replication group of a Cinder group or group snapshot
    (one AssociatorNames when it carries this driver's name).  With
    ``missing_ok`` a missing group gives None (delete paths)."""

    def __init__(self, client, name, group='group',
                 provides='replication_group', missing_ok=False):
        super().__init__(client, name, provides=provides,
                         rebind={'group': group})
        self.missing_ok = missing_ok

    def execute(self, group):
        found, members = find_group(self.client, group)
        if found is not None:
            return {'name': found, 'members': members, 'created': False}
        if self.missing_ok:
            LOG.warning('%s: %s %s has no replication group on array %s '
                        '(already deleted?)', self.name, group['kind'],
                        group['id'], self.client.info.serial)
            return None
        raise GroupNotFound(
            'No replication group for %s %s on array %s (looked for %s)'
            % (group['kind'], group['id'], self.client.info.serial,
               group['rg_name']))


class EnsureReplicationGroup(base.ArrayTask):
    """Find the group's replication group or create it empty.  Revert
    deletes it only if this task created it and it is still empty."""

    def __init__(self, client, name, group='group',
                 provides='replication_group'):
        super().__init__(client, name, provides=provides,
                         rebind={'group': group})

    def execute(self, group):
        found, members = find_group(self.client, group)
        if found is not None:
            return {'name': found, 'members': members, 'created': False}
        name = group['rg_name']
        with base.array_change('create replication group %s' % name):
            created = carry_out(
                lambda: cg_array.create_group(self.client, name),
                lambda: cg_array.group_members(self.client,
                                               name) is not None)
        created = created is not False
        LOG.info('%s: replication group %s %s for %s %s', self.name, name,
                 'created' if created else 'found', group['kind'],
                 group['id'])
        return {'name': name, 'members': [], 'created': created}

    def revert(self, group, result, flow_failures, **kwargs):
        if base.failed(result):
            if not base.attempted(result, self.client):
                return None
            name = group['rg_name']
        elif result and result['created']:
            name = result['name']
        else:
            return None
        members = cg_array.group_members(self.client, name)
        if members is None:
            return None
        if members:
            LOG.info('%s: keeping replication group %s, it holds %d '
                     'device(s)', self.name, name, len(members))
            return None
        return base.left_behind(self.undo(
            'delete replication group %s' % name,
            'replication group %s' % name, cg_array.delete_group,
            self.client, name))


class AddToReplicationGroup(_DevicesTask):
    """Add devices to a replication group, in the order given (or in the
    order of ``order``, a :class:`PlanGroupReplica` result): the order a
    group replica pairs members in.  Devices already members are kept.
    Revert takes out the ones this task added."""

    def __init__(self, client, name, devices, group='replication_group',
                 order=None):
        rebind = {'replication_group': group}
        if order:
            rebind['order'] = order
        super().__init__(client, name, devices, rebind=rebind)

    def _wanted(self, kwargs):
        ids = _device_ids(self.device_names, kwargs)
        order = kwargs.get('order')
        if order:
            ids = [ids[i] for i in order['order']]
        return ids

    def execute(self, replication_group, **kwargs):
        group = replication_group['name']
        current = cg_array.group_members(self.client, group) or []
        missing = [d for d in self._wanted(kwargs) if d not in current]
        if missing:
            with base.array_change('add to replication group %s' % group):
                carry_out(
                    lambda: cg_array.add_members(self.client, group,
                                                 missing),
                    lambda: set(missing) <= set(cg_array.group_members(
                        self.client, group) or ()))
        return {'group': group, 'added': missing}

    def revert(self, replication_group, result, flow_failures, **kwargs):
        group = replication_group['name']
        if base.failed(result):
            if not base.attempted(result, self.client):
                return None
            candidates = self._wanted(kwargs)
        else:
            candidates = result['added']
        current = cg_array.group_members(self.client, group) or []
        added = [d for d in candidates if d in current]
        if not added:
            return None
        return base.left_behind(self.undo(
            'remove device(s) %s from replication group %s'
            % (', '.join(added), group), 'replication group %s' % group,
            cg_array.remove_members, self.client, group, added))


class RemoveFromReplicationGroup(_DevicesTask):
    """Take devices out of a replication group (devices not in it, or
    gone, are skipped).  Revert puts back the ones this task took out."""

    def __init__(self, client, name, devices, group='replication_group'):
        super().__init__(client, name, devices,
                         rebind={'replication_group': group})

    def execute(self, replication_group, **kwargs):
        group = replication_group['name']
        current = cg_array.group_members(self.client, group) or []
        present = [d for d in _device_ids(self.device_names, kwargs)
                   if d in current]
        if present:
            with base.array_change('remove from replication group %s'
                                   % group):
                carry_out(
                    lambda: cg_array.remove_members(self.client, group,
                                                    present),
                    lambda: not set(present) & set(cg_array.group_members(
                        self.client, group) or ()))
        return {'group': group, 'removed': present}

    def revert(self, replication_group, result, flow_failures, **kwargs):
        group = replication_group['name']
        if base.failed(result):
            if not base.attempted(result, self.client):
                return None
            candidates = _device_ids(self.device_names, kwargs)
        else:
            candidates = result['removed']
        current = cg_array.group_members(self.client, group) or []
        removed = [d for d in candidates if d not in current]
        if not removed:
            return None
        return base.left_behind(self.undo(
            'put device(s) %s back into replication group %s'
            % (', '.join(removed), group), 'replication group %s' % group,
            cg_array.add_members, self.client, group, removed))


class DeleteReplicationGroup(base.ArrayTask):
    """Delete a replication group, releasing its members (they are
    deleted, if at all, by their own tasks).  A group already gone is
    success; irreversible, so last in its flow."""

    def __init__(self, client, name, group='replication_group'):
        super().__init__(client, name, rebind={'replication_group': group})

    def execute(self, replication_group):
        if replication_group is None:
            return {'deleted': False}
        name = replication_group['name']
        deleted = carry_out(
            lambda: cg_array.delete_group(self.client, name),
            lambda: cg_array.group_members(self.client, name) is None)
        deleted = deleted is not False
        if not deleted:
            return {'deleted': False}
        LOG.info('%s: deleted replication group %s', self.name, name)
        return {'deleted': True,
                'irreversible': 'deleted replication group %s' % name}


class PlanGroupReplica(_DevicesTask):
    """Check that the source replication group holds exactly the source
    devices and give the order (``{'order': [index into devices]}``) in
    which the targets must join their group, so that target i receives
    source member i.  Reads nothing from the array; fails before any
    change when the group and the request disagree."""

    def __init__(self, client, name, devices, source_group='source_group',
                 provides='replica_plan'):
        super().__init__(client, name, devices, provides=provides,
                         rebind={'source_group': source_group})

    def execute(self, source_group, **kwargs):
        wanted = _device_ids(self.device_names, kwargs)
        members = list(source_group['members'])
        if sorted(members) != sorted(wanted) or \
                len(set(wanted)) != len(wanted):
            extra = sorted(set(members) - set(wanted))
            missing = sorted(set(wanted) - set(members))
            raise exceptions.InvalidRequest(
                'Replication group %s on array %s does not match the '
                'request: it holds %s%s%s' % (
                    source_group['name'], self.client.info.serial
                    if self.client else '?', ', '.join(members) or 'nothing',
                    '; not requested: %s' % ', '.join(extra) if extra
                    else '',
                    '; not in the group: %s' % ', '.join(missing)
                    if missing else ''))
        return {'order': [wanted.index(device_id) for device_id in members]}


class CreateGroupReplica(base.ArrayTask):
    """Copy every member of ``source_group`` to the member of the same
    position in ``target_group`` at one point in time: SnapVX snapshots
    named ``relationship`` linked with copy (VMAX3, waits until the copy
    is complete) or TimeFinder clones (VMAX2).  Revert ends the group
    replica (forced) if this task made it."""

    def __init__(self, client, name, source_group='source_group',
                 target_group='replication_group',
                 relationship='relationship_name', provides='group_replica'):
        super().__init__(client, name, provides=provides,
                         rebind={'source_group': source_group,
                                 'target_group': target_group,
                                 'relationship': relationship})

    def execute(self, source_group, target_group, relationship):
        source, target = source_group['name'], target_group['name']
        found = cg_array.group_replica(self.client, source, target)
        if found is not None:
            LOG.info('%s: group replica %s -> %s already exists', self.name,
                     source, target)
            return {'source': source, 'target': target, 'created': False}
        is_vmax3 = self.client.info.is_vmax3
        with base.array_change('replicate group %s' % source):
            carry_out(
                lambda: cg_array.create_group_replica(
                    self.client, relationship, source, target,
                    replica_sync_type(self.client), wait_for_copy=is_vmax3),
                lambda: cg_array.group_replica(self.client, source,
                                               target) is not None)
        LOG.info('%s: replicated group %s to group %s as %s', self.name,
                 source, target, relationship)
        return {'source': source, 'target': target, 'created': True}

    def revert(self, source_group, target_group, relationship, result,
               flow_failures, **kwargs):
        source, target = source_group['name'], target_group['name']
        if base.failed(result):
            if not base.attempted(result, self.client) or \
                    cg_array.group_replica(self.client, source,
                                           target) is None:
                return None
        elif not result or not result['created']:
            return None
        return base.left_behind(self.undo(
            'end group replica %s -> %s' % (source, target),
            'group replica %s -> %s' % (source, target),
            cg_array.modify_group_replica, self.client, source, target,
            finish_operation(self.client), True))


class WaitForGroupCopy(base.ArrayTask):
    """Wait (bounded) until a group replica's copy is complete."""

    def __init__(self, client, name, source_group='source_group',
                 target_group='replication_group', provides=None):
        super().__init__(client, name, provides=provides,
                         rebind={'source_group': source_group,
                                 'target_group': target_group})

    def execute(self, source_group, target_group):
        return cg_array.wait_for_group_copy(self.client,
                                            source_group['name'],
                                            target_group['name'])


class FinishGroupReplica(base.ArrayTask):
    """Make the targets independent: dissolve the SnapVX links and their
    snapshots (VMAX3) or detach the clones (VMAX2).  Irreversible, so
    last in its flow; a group replica already gone counts as done."""

    def __init__(self, client, name, source_group='source_group',
                 target_group='replication_group'):
        super().__init__(client, name,
                         rebind={'source_group': source_group,
                                 'target_group': target_group})

    def execute(self, source_group, target_group):
        source, target = source_group['name'], target_group['name']
        done = cg_array.modify_group_replica(self.client, source, target,
                                             finish_operation(self.client))
        if not done:
            return {'finished': False}
        return {'finished': True,
                'irreversible': 'ended group replica %s -> %s (the copies '
                                'are independent)' % (source, target)}


class EndGroupReplica(base.ArrayTask):
    """Before a group snapshot is deleted: end its group replica (forced;
    the targets are going away), every member pair with it.  Nothing to
    do when either group or the replica is gone.  Irreversible."""

    def __init__(self, client, name, source_group='source_group',
                 target_group='replication_group'):
        super().__init__(client, name,
                         rebind={'source_group': source_group,
                                 'target_group': target_group})

    def execute(self, source_group, target_group):
        if source_group is None or target_group is None:
            return {'ended': False}
        source, target = source_group['name'], target_group['name']
        if cg_array.group_replica(self.client, source, target) is None:
            return {'ended': False}
        try:
            ended = cg_array.modify_group_replica(
                self.client, source, target, finish_operation(self.client),
                force=True)
        except exceptions.VmaxError as exc:
            # The answer (or the job's) was lost: the array may have
            # ended the replica; it is final, so say it was done.
            if not base.confirmed(exc, lambda: cg_array.group_replica(
                    self.client, source, target) is None):
                raise
            ended = True
        if not ended:
            return {'ended': False}
        return {'ended': True,
                'irreversible': 'ended group replica %s -> %s'
                                % (source, target)}
