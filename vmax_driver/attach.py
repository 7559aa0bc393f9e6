"""The driver's attach and detach methods (mixed into the iSCSI driver).

Each method turns Cinder objects and the connector into a plain request
(:mod:`vmax_flows.masking_requests`), runs the operation's flow with the
host's lock session (:mod:`vmax_flows.locks`) and returns what Cinder
expects.  The lock session is released in ``finally`` as well as by the
flow, so no path -- success, revert, a revert that failed itself -- can
leave a lock behind.

Locks: inside cinder-volume the service's coordinator
(``[coordination] backend_url``) once it has been started; otherwise a
tooz file backend under ``[oslo_concurrency] lock_path`` (or the system
temporary directory).  Test and tooling hooks, set before the first
attach: ``lock_backend``, ``lock_path``, ``lock_timeout``.
"""

from oslo_config import cfg
from oslo_log import log as logging

from vmax_flows import exceptions
from vmax_flows.flows import initialize_connection as attach_flow
from vmax_flows.flows import initialize_connection_snapshot as \
    attach_snapshot_flow
from vmax_flows.flows import terminate_connection as detach_flow
from vmax_flows.flows import terminate_connection_snapshot as \
    detach_snapshot_flow
from vmax_flows import iscsi_info
from vmax_flows import locks
from vmax_flows import masking_requests
from vmax_flows import runner
from vmax_flows.tasks import checks

LOG = logging.getLogger(__name__)

MASKING_FLOWS = {module.OPERATION: module for module in (
    attach_flow, attach_snapshot_flow, detach_flow, detach_snapshot_flow)}


def _cinder_error(error):
    # The driver module maps flow errors to Cinder exceptions; imported
    # here because it imports this module.
    from vmax_driver import iscsi
    return iscsi._cinder_error(error, getattr(error, 'cause', error))


def coordination_backend():
    """Cinder's coordinator as a lock backend, when the service started
    it; None otherwise (standalone, tests, tools)."""
    try:
        from cinder import coordination
    except ImportError:
        return None
    coordinator = coordination.COORDINATOR
    if not coordinator.started or coordinator.coordinator is None:
        return None
    return locks.CoordinatorBackend(
        coordinator, description='cinder coordination %s'
        % cfg.CONF.coordination.backend_url.split('://')[0])


def configured_lock_path():
    try:
        return cfg.CONF.oslo_concurrency.lock_path
    except (cfg.NoSuchOptError, cfg.NoSuchGroupError):
        return None


class AttachMixin(object):
    """initialize/terminate_connection, exports and snapshot attach."""

    # Hooks (see the module documentation).
    lock_backend = None
    lock_path = None
    lock_timeout = None
    _masking_locker = None

    # -- locks ---------------------------------------------------------------

    def masking_locker(self):
        if self._masking_locker is None:
            backend = self.lock_backend or coordination_backend() or \
                locks.file_backend(self.lock_path or configured_lock_path())
            self._masking_locker = locks.Locker(
                backend, self.client.info.serial,
                timeout=self.lock_timeout or locks.DEFAULT_TIMEOUT)
            LOG.info('Attach and detach lock array objects through %s',
                     backend.description)
        return self._masking_locker

    # -- running -------------------------------------------------------------

    def _run_masking(self, operation, request):
        """Run a masking flow with the host's lock session; the session is
        given back here too, whatever happened in the flow."""
        self.check_for_setup_error()
        module = MASKING_FLOWS[operation]
        session = masking_requests.lock_session(request,
                                                self.masking_locker())
        flow = module.build(self.client, request, session=session)
        if self.flow_decorator is not None:
            flow = self.flow_decorator(operation, flow)
        try:
            outcome = runner.run_flow(
                operation, flow, request,
                results=(module.RESULT,) if module.RESULT else (),
                count_calls=self.client.session.total_calls, log=LOG,
                persistence=self.flow_store,
                # The recovery rebuilds it on this array (iscsi's
                # _rebuild_flow), whichever is active then.
                meta={'arrays': [self.client.info.serial]})
        except exceptions.FlowFailed as exc:
            raise _cinder_error(exc)
        finally:
            session.release()
        self.last_outcome = outcome
        return outcome[module.RESULT] if module.RESULT else None

    def _masking(self, build, *args):
        try:
            return build(*args, protocol=self.PROTOCOL_LETTER)
        except exceptions.VmaxError as exc:
            raise _cinder_error(exc)

    def _chap(self):
        try:
            return iscsi_info.chap_credentials(
                self.configuration.safe_get('use_chap_auth'),
                self.configuration.safe_get('chap_username'),
                self.configuration.safe_get('chap_password'))
        except exceptions.VmaxError as exc:
            raise _cinder_error(exc)

    # -- attach / detach ----------------------------------------------------

    def initialize_connection(self, volume, connector, **kwargs):
        """Mask the volume to the connector's host; os-brick iSCSI info."""
        return self._attach('initialize_connection', 'volume',
                            self._volume_item(volume, located=True),
                            self._placement(volume), connector, volume.id)

    def initialize_connection_snapshot(self, snapshot, connector, **kwargs):
        return self._attach('initialize_connection_snapshot', 'snapshot',
                            self._snapshot_item(snapshot, located=True),
                            self._placement(snapshot.volume), connector,
                            snapshot.id)

    def _attach(self, operation, key, item, placement, connector,
                object_id):
        chap = self._chap()
        masking = self._masking(masking_requests.attach_masking, connector,
                                placement, self.backend.port_groups)
        connection = self._run_masking(
            operation, {key: item, 'placement': placement,
                        'masking': masking})
        try:
            info = iscsi_info.connection_info(
                object_id, connection['host_lun'], connection['targets'],
                multipath=masking['multipath'], chap=chap)
        except exceptions.VmaxError as exc:
            raise _cinder_error(exc)
        LOG.info('%s %s is masked to host %s through view %s: %s',
                 key, object_id, connector.get('host'),
                 connection['masking_view'], iscsi_info.loggable(info))
        return info

    def terminate_connection(self, volume, connector, **kwargs):
        """Unmask the volume from the connector's host; with no connector
        (force detach) from every host it is masked to."""
        self._detach('terminate_connection', 'volume',
                     self._volume_item(volume, located=True),
                     self._placement(volume), connector)

    def terminate_connection_snapshot(self, snapshot, connector, **kwargs):
        self._detach('terminate_connection_snapshot', 'snapshot',
                     self._snapshot_item(snapshot, located=True),
                     self._placement(snapshot.volume), connector)

    def _detach(self, operation, key, item, placement, connector):
        if connector and connector.get('host'):
            masking = self._masking(masking_requests.detach_masking,
                                    connector, placement)
            self._run_masking(operation, {key: item, 'placement': placement,
                                          'masking': masking})
            return
        self.check_for_setup_error()
        try:
            device = checks.ResolveDevice(
                self.client, 'find_device', provides='device',
                missing_ok=True).execute(item, placement)
            attachments = masking_requests.find_attachments(
                self.client, device['device_id']) if device else []
        except exceptions.VmaxError as exc:
            raise _cinder_error(exc)
        LOG.info('Force detach of %s %s: masked through %s', key, item['id'],
                 ', '.join(a['storage_group'] for a in attachments) or
                 'nothing')
        errors = []
        for attachment in attachments:
            masking = masking_requests.detach_masking(
                None, placement, attachment, protocol=self.PROTOCOL_LETTER)
            try:
                self._run_masking(operation, {
                    key: item, 'placement': placement, 'masking': masking})
            except Exception as exc:   # go on with the other hosts
                errors.append(exc)
        if errors:
            raise errors[0]

    # -- exports -----------------------------------------------------------

    def _export_request(self, key, item, placement):
        return {key: item, 'placement': placement}

    def create_export(self, context, volume, connector):
        """Check the device exists; masking is initialize_connection's."""
        self._run('create_export', self._export_request(
            'volume', self._volume_item(volume, located=True),
            self._placement(volume)))

    def ensure_export(self, context, volume):
        """At service start: the device exists and keeps its views."""
        found = self._run('ensure_export', self._export_request(
            'volume', self._volume_item(volume, located=True),
            self._placement(volume)))
        LOG.info('Volume %s (device %s) is masked through %s', volume.id,
                 found['device_id'], ', '.join(sorted(found['views'])) or
                 'no view')

    def remove_export(self, context, volume):
        """Nothing to undo: terminate_connection removed the masking."""
        self._run('remove_export', self._export_request(
            'volume', self._volume_item(volume, located=True),
            self._placement(volume)))

    def check_for_export(self, context, volume_id):
        """Fail when the volume's device is missing.  ``volume_id`` may be
        the volume object itself."""
        volume = volume_id
        if not hasattr(volume, 'provider_location'):
            from cinder import objects
            volume = objects.Volume.get_by_id(context, volume_id)
        self._run('check_for_export', self._export_request(
            'volume', self._volume_item(volume, located=True),
            self._placement(volume)))

    def create_export_snapshot(self, context, snapshot, connector):
        self._run('create_export_snapshot', self._export_request(
            'snapshot', self._snapshot_item(snapshot, located=True),
            self._placement(snapshot.volume)))

    def remove_export_snapshot(self, context, snapshot):
        self._run('remove_export_snapshot', self._export_request(
            'snapshot', self._snapshot_item(snapshot, located=True),
            self._placement(snapshot.volume)))

    def backup_use_temp_snapshot(self):
        """Back up in-use volumes from a temporary snapshot: a SnapVX /
        clone snapshot is a device of its own and can be attached."""
        return True

    # -- the 2.x driver's public helpers ----------------------------------

    def get_iscsi_dict(self, device_info, volume, connector=None):
        """Connection info from ``device_info`` (``hostlunid``,
        ``ip_and_iqn`` = ``[{'ip', 'iqn'}]``, ``is_multipath``):
        ``{'driver_volume_type': 'iscsi', 'data': {...}}``."""
        try:
            targets = device_info['ip_and_iqn']
            lun = device_info['hostlunid']
        except (KeyError, TypeError):
            raise _cinder_error(exceptions.InvalidRequest(
                'device_info needs hostlunid and ip_and_iqn, got %s'
                % sorted(device_info or ())))
        multipath = device_info.get('is_multipath')
        if multipath is None:
            multipath = bool((connector or {}).get('multipath'))
        try:
            return iscsi_info.connection_info(volume.id, lun, targets,
                                              multipath, self._chap())
        except exceptions.VmaxError as exc:
            raise _cinder_error(exc)

    def smis_get_iscsi_properties(self, volume, connector, ip_and_iqn,
                                  is_multipath):
        """The ``data`` of the connection info of a volume already masked
        to the connector's host; its LUN is read from the array."""
        placement = self._placement(volume)
        masking = self._masking(masking_requests.attach_masking, connector,
                                placement, ())
        views = (masking['host_group']['view'],
                 masking['shared_group']['view']) + (
            (masking['parent']['view'],) if masking.get('parent') else ())
        self.check_for_setup_error()
        try:
            device = checks.ResolveDevice(
                self.client, 'find_device', provides='device').execute(
                    self._volume_item(volume, located=True), placement)
            luns = masking_requests.smis_masking.for_client(
                self.client).device_luns(device['device_id']) or {}
            view = next((v for v in views if v in luns), None)
            if view is None:
                raise exceptions.ArrayError(
                    'Volume %s (device %s) is not masked to host %s (views '
                    '%s)' % (volume.id, device['device_id'],
                             connector.get('host'), sorted(luns) or 'none'))
            return iscsi_info.iscsi_properties(
                volume.id, luns[view], ip_and_iqn, is_multipath,
                self._chap())
        except exceptions.VmaxError as exc:
            raise _cinder_error(exc)
