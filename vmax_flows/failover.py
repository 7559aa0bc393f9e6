"""Replication state of a backend: which array is active, where a
volume's R2 goes, and failing volumes over to the target and back.

Independent of Cinder: the driver gives plain data (settings, clients,
extra specs, volume descriptions) and maps the results and errors.

A backend with a ``replication_device`` has two :class:`Site` s: the
primary (the backend's own array) and the target.  The *active* site is
the one volumes are served from -- the primary, or the target after a
failover -- and the *peer* the other one.  A replicated volume's
``provider_location`` always names its device on the active array and
its ``replication_driver_data`` the device on the peer (a failover swaps
them, as the 2.x driver did), so every operation of the core works on the
active array unchanged.
"""

import dataclasses
import logging

from vmax_flows import exceptions
from vmax_flows.flows import common
from vmax_flows.flows import failback_volume
from vmax_flows.flows import failover_volume
from vmax_flows.flows import srdf_common
from vmax_flows import naming
from vmax_flows import placement as placements
from vmax_flows import runner

LOG = logging.getLogger(__name__)

FAILOVER = 'failover'
FAILBACK = 'failback'
DEFAULT = 'default'            # Cinder's secondary_id for a failback
REPLICATION_SPEC = 'replication_enabled'
# Cinder's replication_status values.
STATUS_ENABLED = 'enabled'
STATUS_FAILED_OVER = 'failed-over'
STATUS_FAILOVER_ERROR = 'failover-error'
_LEVEL_SETTINGS = ('service level', 'workload',
                   placements.COMPRESSION_SPEC)


class InvalidReplicationTarget(exceptions.VmaxError):
    """A failover or failback that cannot be done (wrong target, already
    failed over, not failed over); nothing was changed."""


def is_replicated(extra_specs):
    """True for a volume type with ``replication_enabled='<is> True'``
    (the 2.x driver honoured only that exact form)."""
    value = (extra_specs or {}).get(REPLICATION_SPEC)
    words = str(value or '').split()
    return len(words) == 2 and words[0] == '<is>' and \
        words[1].lower() in ('true', '1', 'yes', 'on')


@dataclasses.dataclass
class Site:
    """One array of a replicated backend: its settings, client and
    default placement."""

    config: object          # vmax_flows.config.BackendConfig
    client: object          # vmax_flows.smis.client.ArrayClient
    placement: dict

    @property
    def serial(self):
        return self.client.info.serial


def lenient_default_placement(config, info):
    """The backend's default placement on ``info``'s array; a service
    level or workload that array does not offer is dropped (the 2.x
    driver did the same for the remote array) instead of refused."""
    try:
        return placements.check_backend(config, info), config
    except exceptions.InvalidSetting as exc:
        if exc.setting not in _LEVEL_SETTINGS:
            raise
        LOG.warning('Array %s: %s; its volumes get no service level',
                    info.serial, exc)
        config = dataclasses.replace(config, service_level=None,
                                     workload=None)
        return placements.check_backend(config, info), config


class ReplicationState(object):
    """The two sites of a replicated backend and which one is active."""

    def __init__(self, target, primary, secondary, failed_over=False):
        self.target = target            # ReplicationTarget
        self.primary = primary          # Site
        self.secondary = secondary      # Site
        self.failed_over = bool(failed_over)
        self._check_families()

    def _check_families(self):
        for site in (self.primary, self.secondary):
            if not site.client.info.is_vmax3:
                raise exceptions.InvalidSetting(
                    'replication_device', self.target.serial,
                    reason='SRDF replication needs VMAX3 / All Flash '
                           'arrays; array %s is a %s'
                           % (site.serial, site.client.info.family))

    # -- sites ---------------------------------------------------------------

    @property
    def active(self):
        return self.secondary if self.failed_over else self.primary

    @property
    def peer(self):
        return self.primary if self.failed_over else self.secondary

    @property
    def active_backend_id(self):
        """What Cinder records as the service's active backend: None on
        the primary, the target's id when failed over."""
        return self.target.secondary_id if self.failed_over else None

    def clients(self):
        return srdf_common.ArrayPair(self.active.client, self.peer.client)

    def store_data(self):
        """The ``replication`` entry of a replicated flow's store."""
        return self.target.store_data(remote_serial=self.peer.serial,
                                      failed_over=self.failed_over)

    # -- placements -----------------------------------------------------------

    def placement(self, site, extra_specs, level_from=None):
        """Placement of a volume type on ``site``.  On the primary: the
        type's own (``pool_name`` included).  On the target: its SRP and
        port group, the service level and workload of ``level_from`` (the
        primary placement) when the target offers them, else none."""
        specs = dict(extra_specs or {})
        if site is self.primary:
            return placements.for_volume_type(site.config,
                                              site.client.info, specs)
        if level_from is None:
            level_from = self.placement(self.primary, specs)
        specs.pop(placements.POOL_NAME_SPEC, None)
        config = dataclasses.replace(
            site.config, service_level=level_from.get('slo'),
            workload=level_from.get('workload'))
        if not site.client.info.all_flash:
            specs.pop(placements.COMPRESSION_SPEC, None)
        try:
            return placements.for_volume_type(config, site.client.info,
                                              specs)
        except exceptions.InvalidSetting as exc:
            if exc.setting not in _LEVEL_SETTINGS:
                raise
            config = dataclasses.replace(config, service_level=None,
                                         workload=None)
            return placements.for_volume_type(config, site.client.info,
                                              specs)

    def active_placement(self, extra_specs):
        return self.placement(self.active, extra_specs)

    def peer_placement(self, extra_specs):
        primary = self.placement(self.primary, extra_specs)
        if self.peer is self.primary:
            return primary
        return self.placement(self.peer, extra_specs, level_from=primary)

    # -- failover / failback --------------------------------------------------

    def direction(self, secondary_id):
        """``FAILOVER`` or ``FAILBACK`` for Cinder's ``secondary_id``, or
        :class:`InvalidReplicationTarget` when it cannot be done now."""
        target = self.target
        if secondary_id == DEFAULT:
            if not self.failed_over:
                raise InvalidReplicationTarget(
                    'Cannot fail back: the backend is not failed over (it '
                    'serves its volumes from its primary array %s)'
                    % self.primary.serial)
            return FAILBACK
        if secondary_id is not None and not target.names(secondary_id):
            raise InvalidReplicationTarget(
                'Cannot fail over to %r: the only replication target is '
                '%s (array %s); use it, or "default" to fail back'
                % (secondary_id, target.secondary_id, target.serial))
        if self.failed_over:
            raise InvalidReplicationTarget(
                'Cannot fail over to %s: the backend is already failed '
                'over to array %s; fail back first (--backend_id default)'
                % (target.secondary_id, target.serial))
        return FAILOVER

    def switch_volumes(self, direction, volumes, version, log=None,
                       run=None):
        """Fail each replicated volume over (or back), one small flow per
        volume, so one volume's failure does not stop the others.

        ``volumes``: plain dicts ``{'id', 'name_id', 'size_gb',
        'provider_location', 'replication_driver_data', 'extra_specs'}``.
        Returns Cinder's ``[{'volume_id', 'updates'}]``: swapped
        locations and ``replication_status`` on success,
        ``failover-error`` and status ``error`` otherwise.
        ``run(operation, client, request, results)``, when given, runs
        each flow and returns its :class:`~vmax_flows.runner.FlowOutcome`
        (the driver's: persisted, with failure injection) and raises a
        :class:`~vmax_flows.exceptions.VmaxError` on failure; by default
        the flow runs in memory.
        """
        log = log or LOG
        to_site = self.secondary if direction == FAILOVER else self.primary
        module = failover_volume if direction == FAILOVER \
            else failback_volume
        status = STATUS_FAILED_OVER if direction == FAILOVER \
            else STATUS_ENABLED
        updates = []
        for volume in volumes:
            try:
                update = self._switch_volume(module, volume, to_site,
                                             version, log, run)
                update['replication_status'] = status
            except exceptions.VmaxError as exc:
                log.error('Could not %s volume %s: %s', direction,
                          volume['id'], exc)
                update = {'replication_status': STATUS_FAILOVER_ERROR,
                          'status': 'error'}
            updates.append({'volume_id': volume['id'], 'updates': update})
        return updates

    def _switch_volume(self, module, volume, to_site, version, log,
                       run):
        here_text = volume['provider_location']
        there_text = volume['replication_driver_data']
        here = naming.decode_provider_location(here_text)
        there = naming.decode_provider_location(there_text)
        # Normally provider_location names the array we leave; after an
        # interrupted failover it may already name the one we go to.
        if here and here.get('array') == to_site.serial:
            here, there = there, here
            here_text, there_text = there_text, here_text
        if not there:
            raise exceptions.InvalidRequest(
                'volume %s has no replica recorded (replication_driver_'
                'data is empty)' % volume['id'])
        key = volume.get('name_id') or volume['id']
        request = {
            'volume': common.item('volume', volume['id'],
                                  volume['size_gb'], name_id=key,
                                  location=there),
            'peer_volume': common.item('volume', volume['id'],
                                       volume['size_gb'], name_id=key,
                                       location=here),
            'placement': self.placement(to_site,
                                        volume.get('extra_specs'))}
        if run is None:
            outcome = runner.run_flow(
                module.OPERATION, module.build(to_site.client, request),
                request, results=(module.RESULT,),
                count_calls=to_site.client.session.total_calls, log=log)
        else:
            outcome = run(module.OPERATION, to_site.client, request,
                          (module.RESULT,))
        location = naming.encode_provider_location(
            outcome[module.RESULT], to_site.serial, version)
        return {'provider_location': location,
                'replication_driver_data': here_text}

    def switch(self, direction):
        """Make the other site active (after its volumes switched)."""
        self.failed_over = direction == FAILOVER
        LOG.warning('Replication: the backend now serves its volumes from '
                    'array %s (%s)', self.active.serial,
                    'failed over' if self.failed_over else 'primary')

    # -- stats ----------------------------------------------------------------

    def stats(self):
        """Replication fields of the volume stats (backend and pool)."""
        return {'replication_enabled': True,
                'replication_targets': [self.target.secondary_id],
                'replication_count': 1,
                'replication_type': ['sync']}
