"""The driver's SRDF replication methods (mixed into the iSCSI driver).

With a ``replication_device`` (see :mod:`vmax_flows.replication_config`)
volumes of types with ``replication_enabled='<is> True'`` are SRDF/S
pairs: the R1 on the active array, the R2 on the other one.
``failover_host`` switches every replicated volume's pair to the target
and makes the target the active array (``secondary_id='default'`` comes
back); from then on the core's flows, the attach flows and the stats
work on the target array -- its SRP and its ``remote_port_group`` --
because the driver's ``client``, ``backend`` and ``default_placement``
are the active array's.  A service started with an ``active_backend_id``
naming the target starts failed over.

The core driver methods call these hooks:

* ``_setup_replication()`` at the end of ``do_setup``;
* ``_special_create(volume, source=None, source_placement=None)`` first
  in the create methods: a replicated volume, or a volume created in a
  consistency group, is made here (``None`` means "not special");
* ``_special_delete(volume)`` / ``_special_extend(volume, new_size)``:
  True when they handled a replicated volume (delete: also a volume
  whose device is on the other array);
* ``_special_delete_snapshot(snapshot)``: True when it deleted a snapshot
  whose device is on the other array (taken before a failover);
* ``_replicated_placement(extra_specs)`` in ``_placement``: the active
  array's placement while failed over (None otherwise);
* ``_add_group_and_replication_stats(stats)`` after the stats are read.
"""

from cinder import exception
from oslo_log import log as logging

from vmax_driver import groups
from vmax_flows import exceptions
from vmax_flows import failover
from vmax_flows.flows import cg_common
from vmax_flows import naming
from vmax_flows import replication_config
from vmax_flows.smis import client as smis_client
from vmax_flows.tasks import srdf

LOG = logging.getLogger(__name__)


class ReplicationMixin(object):
    """SRDF replication, failover and failback."""

    replication = None      # failover.ReplicationState when configured

    # -- setup ----------------------------------------------------------------

    def _setup_replication(self):
        """Read ``replication_device``, discover the target array, check
        the RDF group, and start failed over when ``active_backend_id``
        names the target."""
        try:
            target = replication_config.parse(
                self.configuration.safe_get('replication_device'))
            if target is None:
                self.replication = None
                return
            config = replication_config.target_backend_config(self.backend,
                                                              target)
            client = smis_client.ArrayClient(
                config, connection_factory=self.connection_factory,
                sleep=self.wait_sleep, monotonic=self.wait_clock)
            client.setup()
            placement, config = failover.lenient_default_placement(
                config, client.info)
            state = failover.ReplicationState(
                target,
                failover.Site(self.backend, self.client,
                              self.default_placement),
                failover.Site(config, client, placement),
                failed_over=self._starts_failed_over(target))
            srdf.ResolveRdfGroup(state.active.client,
                                 'setup.resolve_rdf_group').execute(
                                     state.store_data())
        except exceptions.InvalidSetting as exc:
            raise exception.InvalidConfigurationValue(
                message='Backend %s: %s' % (self.backend.backend_name, exc),
                option=exc.setting)
        except exceptions.VmaxError as exc:
            raise exception.VolumeBackendAPIException(
                data='Backend %s: replication setup failed: %s'
                     % (self.backend.backend_name, exc))
        self.replication = state
        self._activate_site()
        LOG.info('Backend %s replicates to array %s through RDF group %s; '
                 'active array %s', self.backend.backend_name,
                 target.serial, target.rdf_group_label, state.active.serial)

    def _starts_failed_over(self, target):
        active = self.active_backend_id
        if not active or active == failover.DEFAULT:
            return False
        if target.names(active):
            return True
        raise exceptions.InvalidSetting(
            'active_backend_id', active, [target.secondary_id],
            reason='the service is failed over to a backend this driver '
                   'does not know (replication_device names %s)'
                   % target.serial)

    def _activate_site(self):
        """Serve volumes from the active site from now on."""
        site = self.replication.active
        self.client = site.client
        self.backend = site.config
        self.default_placement = site.placement
        self.active_backend_id = self.replication.active_backend_id
        # Attach locks are kept per array (see vmax_driver.attach).
        self._masking_locker = None

    # -- hooks called by the core's methods -----------------------------------

    def _replicated_placement(self, extra_specs):
        if self.replication is None or not self.replication.failed_over:
            return None
        return self.replication.active_placement(extra_specs)

    def _special_create(self, volume, source=None, source_placement=None):
        """Create a replicated volume (R1, R2 and pair) or a volume in a
        consistency group; None when the volume is neither, and the
        core's flow makes it.  ``source`` (a located item) makes the R1 a
        clone of a volume or snapshot."""
        specs = groups._extra_specs(volume)
        replicated = failover.is_replicated(specs)
        group = self._consistent_group_of(volume)
        if not replicated and group is None:
            return None
        request = {'volume': self._volume_item(volume),
                   'placement': self._placement(volume)}
        if source is not None:
            request.update(source=source, size_gb=int(volume.size),
                           source_placement=source_placement)
        if group is not None:
            request['group'] = cg_common.group('group', group.id)
        if not replicated:
            outcome = self._run_flow('create_volume_in_group', request,
                                     results=('device',))
            return {'provider_location': self._location(outcome['device'])}
        state = self._replication_for(volume)
        request['remote_placement'] = self._peer_placement(specs)
        request['replication'] = state.store_data()
        outcome = self._run_flow(
            'create_replicated_volume', request, clients=state.clients(),
            results=('device', 'remote_device'))
        return {'provider_location': self._location(outcome['device']),
                'replication_driver_data': naming.encode_provider_location(
                    outcome['remote_device'], state.peer.serial,
                    self.VERSION),
                'replication_status': failover.STATUS_ENABLED}

    def _special_delete(self, volume):
        """Delete a replicated volume's R1, R2 and pair, or a volume whose
        device is on the other array (one made before a failover or a
        failback); False when the core's flow deletes it as usual."""
        if self.replication is None:
            return False
        specs = groups._extra_specs(volume)
        if failover.is_replicated(specs):
            request = self._replicated_request(volume)
            self._run_flow('delete_replicated_volume', request,
                           clients=self.replication.clients())
            return True
        if not self._on_peer(volume.provider_location):
            return False
        self._run_on_peer('delete_volume', {
            'volume': self._volume_item(volume, located=True),
            'placement': self._peer_site_placement(specs)})
        return True

    def _special_delete_snapshot(self, snapshot):
        """Delete a snapshot whose device is on the other array (taken
        before a failover or a failback) there, instead of looking for it
        on the active array and leaving it behind; False otherwise."""
        if self.replication is None or \
                not self._on_peer(snapshot.provider_location):
            return False
        self._run_on_peer('delete_snapshot', {
            'snapshot': self._snapshot_item(snapshot, located=True),
            'placement': self._peer_site_placement(
                groups._extra_specs(snapshot.volume))})
        return True

    def _special_extend(self, volume, new_size):
        """Grow a replicated volume's R1 and R2 (with ``allow_extend``);
        False when the volume is not replicated."""
        if self.replication is None or \
                not failover.is_replicated(groups._extra_specs(volume)):
            return False
        request = self._replicated_request(volume)
        request['size_gb'] = int(new_size)
        self._run_flow('extend_replicated_volume', request,
                       clients=self.replication.clients())
        return True

    def _add_group_and_replication_stats(self, stats):
        """Consistent group snapshots are always offered; the replication
        fields when a target is configured."""
        extra = {'consistencygroup_support': True,
                 'consistent_group_snapshot_enabled': True}
        if self.replication is not None:
            extra.update(self.replication.stats())
        else:
            extra['replication_enabled'] = False
        stats.update(extra)
        for pool in stats.get('pools') or ():
            pool.update(extra)
        return stats

    # -- failover -------------------------------------------------------------

    def failover_host(self, context, volumes, secondary_id=None,
                      groups=None):
        """Fail over to the replication target, or back with
        ``secondary_id='default'``; returns ``(active_backend_id,
        volume_updates, group_updates)``."""
        active_id, updates, group_updates = self.failover(
            context, volumes, secondary_id=secondary_id, groups=groups)
        self.failover_completed(context, active_id)
        return active_id, updates, group_updates

    def failover(self, context, volumes, secondary_id=None, groups=None):
        """Switch every replicated volume's pair (one small flow each);
        the active array changes in :meth:`failover_completed`.  A
        failover when already failed over, or a failback when not, is
        refused before anything changes."""
        state = self.replication
        if state is None:
            raise exception.InvalidReplicationTarget(
                reason='Backend %s has no replication_device; there is '
                       'nothing to fail over to' % self.backend.backend_name)
        try:
            direction = state.direction(secondary_id)
        except failover.InvalidReplicationTarget as exc:
            raise exception.InvalidReplicationTarget(reason=str(exc))
        self.check_for_setup_error()
        LOG.warning('Backend %s: %s of %d volume(s) to array %s',
                    self.backend.backend_name, direction, len(volumes),
                    state.peer.serial)
        updates = state.switch_volumes(
            direction, [_failover_item(v) for v in volumes], self.VERSION,
            log=LOG, run=self._run_switch)
        active_id = state.target.secondary_id \
            if direction == failover.FAILOVER else None
        # Replication groups are not replicated: nothing to report.
        return active_id, updates, []

    def failover_completed(self, context, active_backend_id=None):
        """Serve from the target (``active_backend_id`` names it) or the
        primary (None / 'default') from now on."""
        state = self.replication
        if state is None:
            return
        to_target = bool(active_backend_id) and \
            active_backend_id != failover.DEFAULT and \
            state.target.names(active_backend_id)
        state.switch(failover.FAILOVER if to_target else failover.FAILBACK)
        self._activate_site()

    # -- helpers --------------------------------------------------------------

    def _replication_for(self, volume):
        if self.replication is None:
            raise groups.cinder_error(exceptions.InvalidSpec(
                failover.REPLICATION_SPEC, '<is> True',
                reason='volume %s: backend %s has no replication_device'
                       % (volume.id, self.backend.backend_name)))
        return self.replication

    def _peer_placement(self, extra_specs):
        try:
            return self.replication.peer_placement(extra_specs)
        except exceptions.VmaxError as exc:
            raise groups.cinder_error(exc)

    def _replicated_request(self, volume):
        specs = groups._extra_specs(volume)
        remote = naming.decode_provider_location(
            _replication_driver_data(volume))
        state = self.replication
        return {'volume': self._volume_item(volume, located=True),
                'placement': self._placement(volume),
                'remote_volume': self._item_at(volume, remote),
                'remote_placement': self._peer_placement(specs),
                'replication': state.store_data()}

    def _on_peer(self, location_text):
        location = naming.decode_provider_location(location_text) or {}
        return location.get('array') == self.replication.peer.serial

    def _peer_site_placement(self, extra_specs):
        """Placement of a volume type on the peer array itself (not the
        placement an R2 gets: that is :meth:`_peer_placement`)."""
        state = self.replication
        try:
            return state.placement(state.peer, extra_specs)
        except exceptions.VmaxError as exc:
            raise groups.cinder_error(exc)

    def _run_on_peer(self, operation, request):
        """Run a core operation's flow on the peer array."""
        LOG.info('%s of %s: its device is on array %s, not on the active '
                 'array %s', operation, request.get('volume', request.get(
                     'snapshot'))['id'], self.replication.peer.serial,
                 self.replication.active.serial)
        self._run_flow(operation, request,
                       clients=self.replication.peer.client)

    def _run_switch(self, operation, client, request, results):
        """Run one volume's failover / failback flow like every other
        (persisted, recovered); its error stays the flow's own, so
        ``switch_volumes`` marks that volume and goes on."""
        def keep_flow_error(cause, error):
            raise error
        return self._run_flow(operation, request, clients=client,
                              on_error=keep_flow_error, results=results)

    def _item_at(self, volume, location):
        item = self._volume_item(volume)
        item['location'] = location
        return item


def _failover_item(volume):
    return {'id': volume.id, 'name_id': volume.name_id,
            'size_gb': int(volume.size),
            'provider_location': volume.provider_location,
            'replication_driver_data': _replication_driver_data(volume),
            'extra_specs': groups._extra_specs(volume)}


def _replication_driver_data(volume):
    # A volume object built without the field would try the database.
    if not volume.obj_attr_is_set('replication_driver_data'):
        return None
    return volume.replication_driver_data
