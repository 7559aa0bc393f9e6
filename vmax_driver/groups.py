"""The driver's group methods (mixed into the iSCSI driver).

Groups whose type has ``consistent_group_snapshot_enabled='<is> True'``
(and the legacy consistency-group methods) are backed by the array's
replication groups, so a group snapshot is one point in time; the flows
are in :mod:`vmax_flows.flows` (``create_group`` ... ``create_group_from
_src``).  Other groups raise ``NotImplementedError``, which makes Cinder
use its generic implementation (per-volume operations).

Each method turns Cinder objects into a plain request
(:mod:`vmax_flows.flows.cg_common`), runs the flow with the driver's
``_run_flow`` (persisted, recovered at ``do_setup``) and returns the model
updates Cinder expects (``model_update`` and per-volume or per-snapshot
lists).

Test and tooling hook: ``group_type_spec(group_type_id, key)``, set
before use, replaces Cinder's group-type lookup in the database.
"""

from oslo_log import log as logging

from vmax_flows import exceptions
from vmax_flows import failover
from vmax_flows.flows import cg_common
from vmax_flows.flows import create_group_from_src as from_src_flow
from vmax_flows.flows import create_group_snapshot as group_snapshot_flow

LOG = logging.getLogger(__name__)

CONSISTENT_SNAPSHOT_SPEC = 'consistent_group_snapshot_enabled'


def cinder_error(error):
    """The Cinder exception for a flow failure or a VmaxError."""
    # The driver module maps errors; imported here because it imports
    # this module.
    from vmax_driver import iscsi
    return iscsi._cinder_error(error, getattr(error, 'cause', None) or
                               error)


def _database_group_type_spec(group_type_id, key):
    from cinder.volume import group_types
    return group_types.get_group_type_specs(group_type_id, key=key)


class GroupsMixin(object):
    """Generic volume groups and legacy consistency groups."""

    group_type_spec = None      # hook, see the module documentation

    # -- which groups are ours ------------------------------------------------

    def _is_consistent_type(self, group_type_id):
        if not group_type_id:
            return False
        lookup = self.group_type_spec or _database_group_type_spec
        return lookup(group_type_id, CONSISTENT_SNAPSHOT_SPEC) == \
            '<is> True'

    def _consistent_group_of(self, volume):
        """The volume's group when it is a consistency group; None
        otherwise (no group, or a generic group Cinder handles)."""
        if not _loaded(volume, 'group_id') or not volume.group_id:
            return None
        group = volume.group
        if group is not None and \
                self._is_consistent_type(group.group_type_id):
            return group
        return None

    def _require_consistent(self, group_type_id):
        if not self._is_consistent_type(group_type_id):
            # Cinder then runs its generic, per-volume implementation.
            raise NotImplementedError()

    # -- generic volume groups ------------------------------------------------

    def create_group(self, context, group):
        self._require_consistent(group.group_type_id)
        return self._create_consistent_group(group)

    def delete_group(self, context, group, volumes):
        self._require_consistent(group.group_type_id)
        return self._delete_consistent_group(group, volumes)

    def update_group(self, context, group, add_volumes=None,
                     remove_volumes=None):
        self._require_consistent(group.group_type_id)
        return self._update_consistent_group(group, add_volumes,
                                             remove_volumes)

    def create_group_snapshot(self, context, group_snapshot, snapshots):
        self._require_consistent(group_snapshot.group_type_id)
        return self._create_group_snapshot(group_snapshot.group_id,
                                           group_snapshot, snapshots)

    def delete_group_snapshot(self, context, group_snapshot, snapshots):
        self._require_consistent(group_snapshot.group_type_id)
        return self._delete_group_snapshot(group_snapshot.group_id,
                                           group_snapshot, snapshots)

    def create_group_from_src(self, context, group, volumes,
                              group_snapshot=None, snapshots=None,
                              source_group=None, source_vols=None):
        self._require_consistent(group.group_type_id)
        return self._create_group_from_source(
            group, volumes, group_snapshot, snapshots, source_group,
            source_vols)

    # -- legacy consistency groups (same flows) -------------------------------

    def create_consistencygroup(self, context, group):
        return self._create_consistent_group(group)

    def delete_consistencygroup(self, context, group, volumes):
        return self._delete_consistent_group(group, volumes)

    def update_consistencygroup(self, context, group, add_volumes=None,
                                remove_volumes=None):
        return self._update_consistent_group(group, add_volumes,
                                             remove_volumes)

    def create_cgsnapshot(self, context, cgsnapshot, snapshots):
        return self._create_group_snapshot(cgsnapshot.consistencygroup_id,
                                           cgsnapshot, snapshots)

    def delete_cgsnapshot(self, context, cgsnapshot, snapshots):
        return self._delete_group_snapshot(cgsnapshot.consistencygroup_id,
                                           cgsnapshot, snapshots)

    def create_consistencygroup_from_src(self, context, group, volumes,
                                         cgsnapshot=None, snapshots=None,
                                         source_cg=None, source_vols=None):
        return self._create_group_from_source(group, volumes, cgsnapshot,
                                              snapshots, source_cg,
                                              source_vols)

    # -- the work -------------------------------------------------------------

    def _create_consistent_group(self, group):
        self._run_flow('create_group', cg_common.group_request(group.id))
        return {'status': 'available'}

    def _delete_consistent_group(self, group, volumes):
        """Each volume with its own delete (Cinder records a status per
        volume), then the replication group."""
        updates = []
        failed = False
        for volume in volumes or ():
            try:
                self.delete_volume(volume)
            except Exception as exc:    # report it, go on with the others
                LOG.error('Group %s: could not delete volume %s: %s',
                          group.id, volume.id, exc)
                updates.append({'id': volume.id, 'status': 'error_deleting'})
                failed = True
            else:
                updates.append({'id': volume.id, 'status': 'deleted'})
        if failed:
            return {'status': 'error_deleting'}, updates
        self._run_flow('delete_group', cg_common.group_request(group.id))
        return {'status': 'deleted'}, updates

    def _update_consistent_group(self, group, add_volumes, remove_volumes):
        adds = list(add_volumes or ())
        removes = list(remove_volumes or ())
        request = cg_common.update_group_request(
            group.id,
            [self._volume_item(v, located=True) for v in adds],
            [self._placement(v) for v in adds],
            [self._volume_item(v, located=True) for v in removes],
            [self._placement(v) for v in removes])
        self._run_flow('update_group', request)
        return None, None, None

    def _create_group_snapshot(self, group_id, group_snapshot, snapshots):
        snapshots = list(snapshots or ())
        if not snapshots:
            raise cinder_error(exceptions.InvalidRequest(
                'Group snapshot %s of group %s has no snapshots (the group '
                'has no volumes)' % (group_snapshot.id, group_id)))
        request = cg_common.group_snapshot_request(
            group_id, group_snapshot.id,
            [self._volume_item(s.volume, located=True) for s in snapshots],
            [self._snapshot_item(s) for s in snapshots],
            [self._placement(s.volume) for s in snapshots])
        names = group_snapshot_flow.result_names(request)
        outcome = self._run_flow('create_group_snapshot', request,
                                 results=names)
        return {'status': 'available'}, [
            {'id': snapshot.id, 'status': 'available',
             'provider_location': self._location(outcome[name])}
            for snapshot, name in zip(snapshots, names)]

    def _delete_group_snapshot(self, group_id, group_snapshot, snapshots):
        snapshots = list(snapshots or ())
        request = cg_common.delete_group_snapshot_request(
            group_id, group_snapshot.id,
            [self._snapshot_item(s, located=True) for s in snapshots],
            [self._placement(s.volume) for s in snapshots])
        self._run_flow('delete_group_snapshot', request)
        return {'status': 'deleted'}, [{'id': s.id, 'status': 'deleted'}
                                       for s in snapshots]

    def _create_group_from_source(self, group, volumes, group_snapshot,
                                  snapshots, source_group, source_vols):
        volumes = list(volumes or ())
        if group_snapshot is not None and snapshots:
            kind, source_id = 'group_snapshot', group_snapshot.id
            sources = [self._snapshot_item(s, located=True)
                       for s in snapshots]
            source_placements = [self._placement(s.volume)
                                 for s in snapshots]
        elif source_group is not None and source_vols:
            kind, source_id = 'group', source_group.id
            sources = [self._volume_item(v, located=True)
                       for v in source_vols]
            source_placements = [self._placement(v) for v in source_vols]
        else:
            raise cinder_error(exceptions.InvalidRequest(
                'Group %s: no source given (a group snapshot with its '
                'snapshots, or a group with its volumes)' % group.id))
        if len(sources) != len(volumes):
            raise cinder_error(exceptions.InvalidRequest(
                'Group %s: %d volumes for %d sources'
                % (group.id, len(volumes), len(sources))))
        replicated = [v.id for v in volumes
                      if failover.is_replicated(_extra_specs(v))]
        if replicated:
            raise cinder_error(exceptions.InvalidRequest(
                'Group %s: creating replicated volumes (%s) from a group '
                'source is not supported; use a volume type without '
                'replication_enabled' % (group.id, ', '.join(replicated))))
        request = cg_common.group_from_source_request(
            group.id, kind, source_id,
            [self._volume_item(v) for v in volumes],
            [self._placement(v) for v in volumes], sources,
            source_placements)
        names = from_src_flow.result_names(request)
        outcome = self._run_flow('create_group_from_src', request,
                                 results=names)
        return {'status': 'available'}, [
            {'id': volume.id, 'status': 'available',
             'provider_location': self._location(outcome[name])}
            for volume, name in zip(volumes, names)]


def _loaded(cinder_object, field):
    """True when the field has a value (a new object built without it
    would try to load it from the database)."""
    is_set = getattr(cinder_object, 'obj_attr_is_set', None)
    return is_set(field) if is_set else hasattr(cinder_object, field)


def _extra_specs(volume):
    from vmax_driver import iscsi
    return iscsi._extra_specs(volume)
