"""The driver's manage, retype, migration and pool-stats methods (mixed
into the iSCSI driver).

* ``manage_existing`` / ``manage_existing_get_size`` / ``unmanage``:
  references ``{'source-id': <device id>}`` or ``{'source-name': <device
  id or element name>}``; a bad reference raises
  ``ManageExistingInvalidReference`` before any change.
* ``retype`` / ``migrate_volume``: done by the array on the same array
  and SRP (storage group moves, VMAX2 relocation; an attached VMAX3
  volume masked through its host's parent group moves to its new
  placement's child group with MoveMembers, keeping view and LUN);
  ``False`` tells Cinder to copy through a host instead (another array
  or SRP, a replicated volume, an attached volume in a flat view -- made
  by an older release -- or on VMAX2 (FAST policy change), or attached
  to more than one host).
* QoS specs (``maxIOPS``, ``maxMBPS``, ``DistributionType``) are checked
  with the extra specs, before any change, and become part of the
  placement: host I/O limits of storage groups of their own
  (:mod:`vmax_flows.qos`).  Retype to other limits moves an unattached
  device to the group of the new limits; an attached device would have
  to change masking view, so Cinder migrates it instead (False).
* ``vmax_multi_pool_support``: one Cinder pool per service level /
  workload of the SRP.
"""

from cinder import exception
from oslo_log import log as logging

from vmax_flows import exceptions
from vmax_flows import masking_requests
from vmax_flows import placement as placements
from vmax_flows import qos as qos_limits
from vmax_flows import registry
from vmax_flows.smis import discovery
from vmax_flows import stats
from vmax_flows.tasks import manage as manage_tasks
from vmax_flows.tasks import retype as retype_tasks

LOG = logging.getLogger(__name__)
REPLICATION_SPEC = 'replication_enabled'


def _cinder_error(error):
    from vmax_driver import iscsi
    return iscsi._cinder_error(error, getattr(error, 'cause', error))


def _specs_of(volume_type):
    if volume_type is None:
        return {}
    specs = volume_type.get('extra_specs') if isinstance(
        volume_type, dict) else getattr(volume_type, 'extra_specs', None)
    return dict(specs or {})


def _replicated(specs):
    return str(specs.get(REPLICATION_SPEC, '')).strip().lower() == \
        '<is> true'


def qos_specs_of(volume_type):
    """``(specs, consumer)`` of a volume type's QoS spec: from the type
    object (``qos_specs``), else looked up by ``qos_specs_id``."""
    if volume_type is None:
        return None, None

    def getter(key):
        if isinstance(volume_type, dict):
            return volume_type.get(key)
        try:
            return getattr(volume_type, key, None)
        except Exception:   # an OVO field that cannot lazy-load (no DB)
            return None
    found = getter('qos_specs')
    if found is None and getter('qos_specs_id'):
        try:
            from cinder import context
            from cinder.volume import qos_specs
            found = qos_specs.get_qos_specs(
                context.get_admin_context(), getter('qos_specs_id'))
        except Exception as exc:
            LOG.warning('Could not read QoS spec %s: %s',
                        getter('qos_specs_id'), exc)
            return None, None
    if not found:
        return None, None
    if isinstance(found, dict):
        return dict(found.get('specs') or {}), found.get('consumer')
    return dict(getattr(found, 'specs', None) or {}), \
        getattr(found, 'consumer', None)


class ManageMixin(object):
    """manage/unmanage, retype, migrate_volume, update_migrated_volume and
    multi-pool stats."""

    # -- checks -------------------------------------------------------------

    def _placement_for_specs(self, specs, volume_type):
        """Placement of ``specs`` with the QoS limits of ``volume_type``
        (validated here, before any array change)."""
        try:
            qos_specs, consumer = qos_specs_of(volume_type)
            return placements.for_volume_type(
                self.backend, self.client.info, specs,
                qos_limits.limits_from_specs(qos_specs, consumer))
        except exceptions.VmaxError as exc:
            raise _cinder_error(exc)

    # -- manage -------------------------------------------------------------

    def manage_existing(self, volume, existing_ref):
        """Adopt the referenced device as ``volume``."""
        placement = self._placement(volume)
        request = {'volume': self._volume_item(volume),
                   'reference': dict(existing_ref or {}),
                   'placement': placement, 'new_placement': placement}

        def bad_reference(cause, error):
            if isinstance(cause, manage_tasks.InvalidReference):
                raise exception.ManageExistingInvalidReference(
                    existing_ref=existing_ref, reason=str(error))
        device = self._run('manage_existing', request, bad_reference)
        LOG.info('Volume %s manages device %s (was labelled %r)', volume.id,
                 device['device_id'], device['original_label'])
        device = dict(device, label=request['volume']['label'])
        return {'provider_location': self._location(device)}

    def manage_existing_get_size(self, volume, existing_ref):
        """Size in GiB of the referenced device (read only)."""
        self.check_for_setup_error()
        placement = self._placement(volume)
        try:
            record = manage_tasks.find_referenced_device(
                self.client, existing_ref, placement)
            return manage_tasks.whole_gib(record)
        except manage_tasks.InvalidReference as exc:
            raise exception.ManageExistingInvalidReference(
                existing_ref=existing_ref, reason=str(exc))
        except exceptions.VmaxError as exc:
            raise _cinder_error(exc)

    def unmanage(self, volume):
        """Forget the volume; its device stays (label: bare volume id)."""
        self._run('unmanage', {
            'volume': self._volume_item(volume, located=True),
            'placement': self._placement(volume)})

    def get_manageable_volumes(self, cinder_volumes, marker, limit, offset,
                               sort_keys, sort_dirs):
        """Devices of the backend's pool, marked safe to manage or not
        (in a view, or labelled as another volume)."""
        from cinder.volume import volume_utils
        self.check_for_setup_error()
        pool = self.default_placement.get('srp') or \
            self.default_placement.get('pool')
        known = {v.name_id for v in cinder_volumes or ()}
        masking = manage_tasks.smis_masking.for_client(self.client)
        entries = []
        try:
            for record in self.client.volumes_in_pool(pool):
                label = record['label'] or ''
                owner = manage_tasks.OS_LABEL.match(label)
                reason = None
                if owner:
                    reason = 'managed as volume %s' % owner.group(1)
                elif masking.device_luns(record['device_id']):
                    reason = 'in a masking view'
                entries.append({
                    'reference': {'source-id': record['device_id']},
                    'size': record['size_bytes'] // manage_tasks.base.GIB,
                    'safe_to_manage': reason is None,
                    'reason_not_safe': reason,
                    'cinder_id': owner.group(1) if owner and
                    owner.group(1) in known else None,
                    'extra_info': {'label': label}})
        except exceptions.VmaxError as exc:
            raise _cinder_error(exc)
        return volume_utils.paginate_entries_list(
            entries, marker, limit, offset, sort_keys, sort_dirs)

    def get_manageable_snapshots(self, cinder_snapshots, marker, limit,
                                 offset, sort_keys, sort_dirs):
        """Snapshot adoption is not offered: nothing to list."""
        return []

    # -- retype and migration -------------------------------------------------

    def retype(self, context, volume, new_type, diff, host):
        """Move the device to ``new_type``'s placement on this array;
        False when Cinder should migrate through a host instead."""
        new_specs = _specs_of(new_type)
        if _replicated(new_specs) or _replicated(
                _specs_of(volume.volume_type)):
            LOG.info('Retype of %s: replicated types need host-assisted '
                     'migration', volume.id)
            return False
        if not self._same_array(host):
            return False
        new_placement = self._placement_for_specs(new_specs, new_type)
        current = self._placement(volume)
        if not self._same_pool_family(current, new_placement):
            return False
        # New QoS limits are a new storage group (limits are per group):
        # an unattached device moves there, an attached one to its host's
        # child group of those limits (cascaded masking); in a flat view
        # it would leave the view, so the flow answers NeedsHostMigration
        # (False).
        return self._move('retype', volume, current, new_placement)

    def migrate_volume(self, context, volume, host):
        """Storage-assisted migration to a pool of this array:
        ``(True, None)`` when the array did it, ``(False, None)`` to let
        Cinder copy the data."""
        location = stats.parse_location_info(
            (host or {}).get('capabilities', {}).get('location_info'))
        specs = _specs_of(volume.volume_type)
        if location is None or _replicated(specs) or \
                not self._same_array(host):
            return False, None
        info = self.client.info
        current = self._placement(volume)
        if location['pool'] not in info.pools or (
                info.is_vmax3 and location['pool'] != current['srp']):
            LOG.info('Pool %s of %s: host-assisted migration',
                     location['pool'], (host or {}).get('host'))
            return False, None
        specs.pop(placements.SLO_SPEC, None)
        specs.pop(placements.WORKLOAD_SPEC, None)
        specs.pop(placements.SRP_SPEC, None)
        if info.is_vmax3:
            specs[placements.POOL_NAME_SPEC] = '%s+%s+%s+%s' % (
                location['slo'] or discovery.NO_WORKLOAD,
                location['workload'] or discovery.NO_WORKLOAD,
                location['pool'], info.serial)
        else:
            specs[placements.POOL_NAME_SPEC] = '%s+%s' % (location['pool'],
                                                          info.serial)
        # The volume keeps its type, so its QoS limits go with it.
        new_placement = self._placement_for_specs(specs, volume.volume_type)
        if not self._move('migrate_volume', volume, current, new_placement):
            return False, None
        return True, None

    def update_migrated_volume(self, ctxt=None, volume=None,
                               new_volume=None, original_volume_status=None,
                               context=None):
        """After a host-assisted migration the new device keeps its label
        (``OS-<new name_id>``): Cinder keeps using that name_id.  (Cinder's
        interface names the context ``ctxt``, its base driver ``context``;
        both spellings are accepted.)"""
        return {'_name_id': new_volume.name_id,
                'provider_location': new_volume.provider_location}

    def _same_array(self, host):
        location = stats.parse_location_info(
            (host or {}).get('capabilities', {}).get('location_info'))
        if location is None or location['serial'] != self.client.info.serial:
            LOG.info('Destination %s is not on array %s: host-assisted '
                     'migration', (host or {}).get('host'),
                     self.client.info.serial)
            return False
        return True

    def _same_pool_family(self, current, new_placement):
        # VMAX3 devices cannot change SRP in place.
        if current.get('srp') and current['srp'] != new_placement.get('srp'):
            LOG.info('SRP change %s -> %s: host-assisted migration',
                     current['srp'], new_placement.get('srp'))
            return False
        return True

    def _move(self, operation, volume, current, new_placement):
        request = {'volume': self._volume_item(volume, located=True),
                   'placement': current, 'new_placement': new_placement}
        # An attached device moves under its host's locks (the ones its
        # attach and detach take), chosen by the flow from the array.
        session = masking_requests.names_session((), self.masking_locker())

        def needs_host(cause, error):
            if isinstance(cause, retype_tasks.NeedsHostMigration):
                LOG.info('%s of %s: %s; host-assisted migration',
                         operation, volume.id, cause)
                return False
        try:
            result = self._run_flow(
                operation, request, on_error=needs_host,
                results=(registry.get(operation).result,), session=session)
        finally:
            session.release()
        return result is not False

    # -- stats ----------------------------------------------------------------

    def _multi_pool(self):
        # Registered with the rest of options.VMAX_OPTS by the driver.
        return bool(self.configuration.safe_get('vmax_multi_pool_support'))

    def _stats_placements(self):
        """The placements reported as Cinder pools (the driver's
        ``_update_volume_stats`` reads one figure set per SRP)."""
        return stats.stats_placements(self.client.info,
                                      self.default_placement,
                                      self._multi_pool())
