"""Cinder iSCSI driver for Dell EMC VMAX arrays over SMI-S.

The class only turns Cinder objects into plain requests, builds the
operation's flow from :mod:`vmax_flows.registry`, runs it with
:mod:`vmax_flows.runner` and turns the outcome into a model update or a
Cinder exception.  All array logic lives in ``vmax_flows``.
"""

from cinder.common import constants
from cinder import exception
from cinder import interface
from cinder.volume import driver
from oslo_log import log as logging

from vmax_driver import attach
from vmax_driver import config as driver_config
from vmax_driver import groups
from vmax_driver import manage
from vmax_driver import options
from vmax_driver import replication
from vmax_flows import exceptions
from vmax_flows.flows import common
from vmax_flows.flows import srdf_common
from vmax_flows import naming
from vmax_flows import persistence
from vmax_flows import placement as placements
from vmax_flows import qos as qos_limits
from vmax_flows import recovery
from vmax_flows import registry
from vmax_flows import runner
from vmax_flows.smis import client as smis_client
from vmax_flows import stats

LOG = logging.getLogger(__name__)


@interface.volumedriver
class VMAXISCSIDriver(attach.AttachMixin, manage.ManageMixin,
                      groups.GroupsMixin, replication.ReplicationMixin,
                      driver.ISCSIDriver):
    """iSCSI driver for VMAX2 and VMAX3 / All Flash over SMI-S.

    Every operation is a TaskFlow flow of small, idempotent, revertible
    tasks (see ``vmax_flows``).

    Version history:

    .. code-block:: none

        1.0.0 - First release of the TaskFlow driver: discovery cached at
                setup; create, delete, extend, snapshot (SnapVX / VMAX2
                clone), clone (larger sizes too), create from snapshot;
                VMAX2 thin pools, FAST policies and meta volumes; volume
                stats; reads provider_location and device labels written
                by the 2.x SMI-S driver.  Attach and detach: masking
                views, initiator / storage / port groups with the 2.x
                names, os-brick iSCSI connection info (multipath, CHAP),
                snapshot attach, tooz locks (vmax_driver.attach).
                Pools per SRP / service level / workload, QoS host I/O
                limits (storage groups of their own, named for the
                limits, made with them at create and at attach),
                compression, manage / unmanage, retype and
                storage-assisted migration (vmax_driver.manage);
                consistency groups and generic volume groups with
                consistent snapshots (vmax_driver.groups); SRDF
                synchronous replication, failover and failback
                (vmax_driver.replication).  Flow state persisted
                (SQLite or any SQLAlchemy URL) and operations cut short
                by a crash undone or finished at do_setup.
    """

    VERSION = '1.0.0'
    CI_WIKI_NAME = 'Dell_EMC_VMAX_TaskFlow_CI'
    PROTOCOL_LETTER = 'I'

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.configuration.append_config_values(options.VMAX_OPTS)
        self.active_backend_id = kwargs.get('active_backend_id')
        # Test and tooling hooks, set before do_setup: the factory that
        # returns a pywbem connection, and the clock used by bounded waits.
        self.connection_factory = None
        self.wait_sleep = None
        self.wait_clock = None
        # Failure-injection hook: callable(operation, flow) -> flow, e.g.
        # vmax_flows.failpoints.with_failure_after.
        self.flow_decorator = None
        self.backend = None
        self.client = None
        self.default_placement = None
        self.last_outcome = None
        # Flow persistence (crash recovery, run history) and what the
        # recovery at do_setup did (vmax_flows.recovery.Recovered lines).
        self.flow_store = None
        self.recovered = []

    @staticmethod
    def get_driver_options():
        return options.VMAX_OPTS

    # -- lifecycle ------------------------------------------------------------

    def do_setup(self, context):
        """Build the settings and the client, discover the array once and
        check every setting against it; one clear error per problem."""
        self.backend = driver_config.build_backend_config(
            self.configuration, protocol=self.PROTOCOL_LETTER)
        client = smis_client.ArrayClient(
            self.backend, connection_factory=self.connection_factory,
            sleep=self.wait_sleep, monotonic=self.wait_clock)
        try:
            info = client.setup()
            self.default_placement = placements.check_backend(self.backend,
                                                              info)
            self.flow_store = self._open_flow_store()
        except exceptions.InvalidSetting as exc:
            raise exception.InvalidConfigurationValue(
                message='Backend %s: %s' % (self.backend.backend_name, exc),
                option=exc.setting)
        except exceptions.VmaxError as exc:
            raise exception.VolumeBackendAPIException(
                data='Backend %s: setup failed: %s'
                     % (self.backend.backend_name, exc))
        self.client = client
        LOG.info('Backend %s ready: %s; default placement %s',
                 self.backend.backend_name, info.summary(),
                 self.default_placement['pool_name'])
        # replication_device: the target array; a failed-over service
        # starts serving from it (vmax_driver.replication).
        self._setup_replication()
        if self.flow_store is not None:
            # Before any request, once both arrays of a replicated backend
            # are known (a run may have been on either): undo (or finish)
            # what a killed process left half done.
            self.recovered = recovery.recover(
                self.flow_store, self._rebuild_flow,
                count_calls=client.session.total_calls, log=LOG)

    def check_for_setup_error(self):
        if self.client is None or self.client.info is None:
            raise exception.VolumeBackendAPIException(
                data='VMAX backend is not set up (do_setup failed or was '
                     'not called)')

    # -- operations -----------------------------------------------------------

    def create_volume(self, volume):
        special = self._special_create(volume)    # replicated / in a CG
        if special is not None:
            return special
        request = {'volume': self._volume_item(volume),
                   'placement': self._placement(volume)}
        device = self._run('create_volume', request)
        return {'provider_location': self._location(device)}

    def delete_volume(self, volume):
        if self._special_delete(volume):    # replicated / on the peer
            return
        request = {'volume': self._volume_item(volume, located=True),
                   'placement': self._placement(volume)}
        self._run('delete_volume', request)

    def extend_volume(self, volume, new_size):
        if self._special_extend(volume, new_size):    # replicated
            return
        request = {'volume': self._volume_item(volume, located=True),
                   'size_gb': int(new_size),
                   'placement': self._placement(volume)}
        self._run('extend_volume', request)

    def create_snapshot(self, snapshot):
        source = snapshot.volume
        request = {'snapshot': self._snapshot_item(snapshot),
                   'source': self._volume_item(source, located=True),
                   'placement': self._placement(source)}
        device = self._run('create_snapshot', request)
        return {'provider_location': self._location(device)}

    def delete_snapshot(self, snapshot):
        if self._special_delete_snapshot(snapshot):    # on the peer
            return
        request = {'snapshot': self._snapshot_item(snapshot, located=True),
                   'placement': self._placement(snapshot.volume)}
        self._run('delete_snapshot', request)

    def create_cloned_volume(self, volume, src_vref):
        if volume.size < src_vref.size:
            raise exception.InvalidInput(
                reason='clone %s of %d GiB cannot be smaller than its '
                       'source %s of %d GiB' % (volume.id, volume.size,
                                                src_vref.id, src_vref.size))
        special = self._special_create(
            volume, source=self._volume_item(src_vref, located=True),
            source_placement=self._placement(src_vref))
        if special is not None:
            return special
        request = {'volume': self._volume_item(volume),
                   'source': self._volume_item(src_vref, located=True),
                   'size_gb': int(volume.size),
                   'placement': self._placement(volume),
                   'source_placement': self._placement(src_vref)}
        device = self._run('create_cloned_volume', request)
        return {'provider_location': self._location(device)}

    def create_volume_from_snapshot(self, volume, snapshot):
        if volume.size < snapshot.volume_size:
            raise exception.InvalidInput(
                reason='volume %s of %d GiB cannot be smaller than its '
                       'snapshot %s of %d GiB' % (
                           volume.id, volume.size, snapshot.id,
                           snapshot.volume_size))
        special = self._special_create(
            volume, source=self._snapshot_item(snapshot, located=True),
            source_placement=self._placement(snapshot.volume))
        if special is not None:
            return special
        request = {'volume': self._volume_item(volume),
                   'source': self._snapshot_item(snapshot, located=True),
                   'size_gb': int(volume.size),
                   'placement': self._placement(volume),
                   'source_placement': self._placement(snapshot.volume)}
        device = self._run('create_volume_from_snapshot', request)
        return {'provider_location': self._location(device)}

    # -- stats ----------------------------------------------------------------

    def _update_volume_stats(self):
        backend_name = (self.configuration.safe_get('volume_backend_name')
                        or (self.backend and self.backend.backend_name)
                        or self.__class__.__name__)
        if self.client is None:
            self._stats = {'volume_backend_name': backend_name,
                           'vendor_name': 'Dell EMC',
                           'driver_version': self.VERSION,
                           'storage_protocol': constants.ISCSI,
                           'total_capacity_gb': 0, 'free_capacity_gb': 0,
                           'reserved_percentage': 0, 'pools': []}
            return
        try:
            self._stats = stats.volume_stats(
                self.client, self._stats_placements(), backend_name,
                self.VERSION, protocol=constants.ISCSI,
                reserved_percentage=self.configuration.safe_get(
                    'reserved_percentage'),
                max_over_subscription_ratio=self.configuration.safe_get(
                    'max_over_subscription_ratio'))
        except exceptions.VmaxError as exc:
            raise exception.VolumeBackendAPIException(
                data='Backend %s: could not read pool capacity: %s'
                     % (backend_name, exc))
        self._add_group_and_replication_stats(self._stats)

    # Export, attach and detach: vmax_driver.attach.AttachMixin.

    # -- helpers --------------------------------------------------------------

    def _run(self, operation, request, on_error=None):
        """Run an operation's flow on the active array (see
        :meth:`_run_flow`); its registered result, None when it has none,
        or what ``on_error`` returned instead of raising."""
        entry = registry.get(operation)
        outcome = self._run_flow(
            operation, request, on_error=on_error,
            results=(entry.result,) if entry.result else ())
        if not isinstance(outcome, runner.FlowOutcome):
            return outcome
        return outcome[entry.result] if entry.result else None

    def _run_flow(self, operation, request, clients=None, on_error=None,
                  results=(), session=None):
        """The one way the driver runs a registered operation's flow.

        Built for ``clients`` (default: the active array's client; a
        replicated operation's :class:`~vmax_flows.flows.srdf_common.
        ArrayPair`; the peer's client for a device left there), run with
        the failure-injection hook and persisted in the flow store with
        the serials of its arrays, so that after a crash ``do_setup``
        rebuilds it on the same arrays (:meth:`_rebuild_flow`) and
        finishes or undoes it.  ``on_error(cause, error)`` may return a
        value instead of raising (e.g. False for "let Cinder migrate") or
        raise an error of its own; otherwise a Cinder error is raised.
        Returns the :class:`~vmax_flows.runner.FlowOutcome` (``results``
        fetched).  ``session``: the lock session of a flow that takes
        locks (in-use retype); the caller releases it.
        """
        self.check_for_setup_error()
        clients = self.client if clients is None else clients
        flow = registry.build(operation, clients, request, **(
            {'session': session} if session is not None else {}))
        if self.flow_decorator is not None:
            flow = self.flow_decorator(operation, flow)
        try:
            outcome = runner.run_flow(
                operation, flow, request, results=results,
                count_calls=_call_counter(clients), log=LOG,
                persistence=self.flow_store,
                meta={'arrays': _serials(clients)})
        except exceptions.FlowFailed as exc:
            if on_error is not None:
                handled = on_error(exc.cause, exc)
                if handled is not None:
                    return handled
            raise _cinder_error(exc, exc.cause)
        self.last_outcome = outcome
        return outcome

    def _open_flow_store(self):
        # An injected connection factory means an embedded simulator
        # (tests, vmax-demo): unless a state path or URL is set
        # explicitly, its flows stay in memory rather than in Cinder's
        # state directory.
        explicit = self.configuration.safe_get('vmax_state_path') or \
            self.configuration.safe_get('vmax_flow_persistence_connection')
        if self.connection_factory is not None and not explicit:
            return None
        return persistence.for_backend(self.backend,
                                       owner=getattr(self, 'host', None))

    def _rebuild_flow(self, operation, request, arrays=None):
        """A persisted run's flow, on the arrays it ran on (``arrays``:
        the serials :meth:`_run_flow` recorded; a run recorded without
        them ran on the active array)."""
        if not arrays:
            return registry.build(operation, self.client, request)
        clients = [self._client_of(serial) for serial in arrays]
        if len(clients) == 1:
            return registry.build(operation, clients[0], request)
        return registry.build(operation, srdf_common.ArrayPair(*clients),
                              request)

    def _client_of(self, serial):
        known = [self.client]
        if self.replication is not None:
            known += [self.replication.primary.client,
                      self.replication.secondary.client]
        for client in known:
            if client.info.serial == serial:
                return client
        raise exceptions.InvalidRequest(
            'array %s is not managed by backend %s (it serves %s)'
            % (serial, self.backend.backend_name,
               ', '.join(sorted({c.info.serial for c in known}))))

    def _placement(self, volume):
        try:
            # While failed over: the target array's placement.
            placement = self._replicated_placement(_extra_specs(volume))
            if placement is not None:
                return placement
            # Back-end QoS specs become host I/O limits of the volume's
            # own storage groups (vmax_flows.qos), checked here, before
            # any array change.
            specs, consumer = manage.qos_specs_of(_volume_type(volume))
            return placements.for_volume_type(
                self.backend, self.client.info, _extra_specs(volume),
                qos_limits.limits_from_specs(specs, consumer))
        except exceptions.VmaxError as exc:
            raise _cinder_error(exc, exc)

    def _volume_item(self, volume, located=False):
        location = naming.decode_provider_location(
            volume.provider_location) if located else None
        return common.item('volume', volume.id, volume.size,
                           name_id=volume.name_id, location=location)

    def _snapshot_item(self, snapshot, located=False):
        location = naming.decode_provider_location(
            snapshot.provider_location) if located else None
        return common.item('snapshot', snapshot.id, snapshot.volume_size,
                           location=location)

    def _location(self, device):
        return naming.encode_provider_location(
            device, self.client.info.serial, self.VERSION)


def _call_counter(clients):
    if isinstance(clients, srdf_common.ArrayPair):
        return clients.total_calls
    return clients.session.total_calls


def _serials(clients):
    pair = clients if isinstance(clients, srdf_common.ArrayPair) \
        else (clients,)
    return [client.info.serial for client in pair]


def _volume_type(volume):
    if not getattr(volume, 'volume_type_id', None):
        return None
    return volume.volume_type


def _extra_specs(volume):
    volume_type = _volume_type(volume)
    if volume_type is None:
        return {}
    return dict(volume_type.extra_specs or {})


def _cinder_error(error, cause):
    message = str(error)
    if isinstance(cause, exceptions.InvalidSpec):
        return exception.InvalidVolumeType(reason=message)
    if isinstance(cause, (exceptions.InvalidSetting,
                          exceptions.InvalidRequest)):
        return exception.InvalidInput(reason=message)
    return exception.VolumeBackendAPIException(data=message)
