"""SRDF/S tasks: the RDF group, pairs, failover and failback.

A replicated volume is a device on the active array (``device``, its
``provider_location``) paired with a device of the same label on the
other array (``remote_device``, its ``replication_driver_data``).  SRDF
tasks get two clients: ``client`` for the array the flow works on and
``remote_client`` for the other one (both behind one SMI-S provider).

Breaking a pair always suspends it first and then detaches it, so a
failed or reverted flow never leaves a suspended pair in the RDF group
(field scenario S45, bug 1877976).
"""

import logging

from vmax_flows import exceptions
from vmax_flows.tasks import base
from vmax_flows.tasks import cg
from vmax_flows.tasks import srdf_array

LOG = logging.getLogger(__name__)

_PARKED_STATES = (srdf_array.SYNC_STATE_SUSPENDED,
                  srdf_array.SYNC_STATE_FAILED_OVER)


def _describe(pair):
    return 'SRDF pair %s:%s -> %s:%s' % (
        pair['source']['serial'], pair['source']['device_id'],
        pair['target']['serial'], pair['target']['device_id'])


def break_pair(client, pair, task_name):
    """Suspend (unless already suspended or failed over) and detach a
    pair; returns left-behind records for what could not be done."""
    state = srdf_array.pair_state(client, pair)
    if state is None:
        return []
    if state['sync_state'] not in _PARKED_STATES:
        problem = base.undo(task_name, 'suspend %s' % _describe(pair),
                            _describe(pair), srdf_array.modify_pair, client,
                            pair, srdf_array.OPERATION_SUSPEND, True)
        if problem:
            return [problem]
    problem = base.undo(task_name, 'detach %s' % _describe(pair),
                        _describe(pair), srdf_array.modify_pair, client,
                        pair, srdf_array.OPERATION_DETACH, True)
    return [problem] if problem else []


class _PairTask(base.ArrayTask):

    def __init__(self, client, remote_client, name, provides=None,
                 rebind=None):
        super().__init__(client, name, provides=provides, rebind=rebind)
        self.remote_client = remote_client

    def _pair_of(self, device, remote_device):
        if device is None or remote_device is None:
            return None
        return srdf_array.find_pair(self.client, device['device_id'],
                                    self.remote_client.info.serial,
                                    remote_device['device_id'])

    def _client_of_source(self, pair):
        if pair['source']['serial'] == self.client.info.serial:
            return self.client
        return self.remote_client


class ResolveRdfGroup(base.ArrayTask):
    """Find the RDF group named in ``replication_device`` on the active
    array and check it joins the other array -- before any change (one
    Associators call)."""

    def __init__(self, client, name, provides='rdf_group'):
        super().__init__(client, name, provides=provides)

    def execute(self, replication):
        label = replication['rdf_group_label']
        remote = replication['remote_serial']
        groups = srdf_array.find_rdf_groups(self.client)
        for group in groups:
            if group['label'] == label and group['remote_serial'] == remote:
                return group
        valid = sorted(g['label'] for g in groups
                       if g['remote_serial'] == remote)
        raise exceptions.InvalidSetting(
            'replication_device rdf_group_label', label, valid,
            reason='array %s has no RDF group of that label joining it to '
                   'array %s' % (self.client.info.serial, remote))


class CreateSrdfPair(_PairTask):
    """Pair ``device`` (R1, on the active array) with ``remote_device``
    (R2) in the RDF group; synchronous mode.  A pair that already exists
    is used.  Revert suspends and detaches the pair if this task made it
    (or its answer was lost)."""

    def __init__(self, client, remote_client, name, device='device',
                 remote_device='remote_device', provides='srdf_pair'):
        super().__init__(client, remote_client, name, provides=provides,
                         rebind={'device': device,
                                 'remote_device': remote_device})

    def execute(self, device, remote_device, rdf_group):
        if not remote_device.get('created'):
            found = self._pair_of(device, remote_device)
            if found is not None:
                LOG.info('%s: %s already exists', self.name,
                         _describe(found))
                return dict(found, created=False)
        with base.array_change('pair %s with %s' % (
                device['device_id'], remote_device['device_id'])):
            pair = cg.carry_out(
                lambda: srdf_array.create_pair(
                    self.client, device['device_id'], self.remote_client,
                    remote_device['device_id'], rdf_group),
                lambda: self._pair_of(device, remote_device))
            pair = pair or self._pair_of(device, remote_device)
        LOG.info('%s: created %s in RDF group %s', self.name,
                 _describe(pair), rdf_group['label'])
        return dict(pair, created=True)

    def revert(self, device, remote_device, rdf_group, result,
               flow_failures, **kwargs):
        if base.failed(result):
            if not base.attempted(result, self.client):
                return None
            pair = self._pair_of(device, remote_device)
            if pair is None:
                return None
        elif result and result['created']:
            pair = result
        else:
            return None
        LOG.warning('%s: breaking %s made by this flow', self.name,
                    _describe(pair))
        return base.left_behind(*break_pair(self.client, pair, self.name))


class SuspendSrdfPair(_PairTask):
    """Suspend the pair of ``device`` and ``remote_device`` (unless it is
    suspended or failed over already) -- the first half of breaking it,
    and the half that can be undone exactly.  Nothing to do when either
    device or the pair is gone.  Revert resumes the same pair."""

    def __init__(self, client, remote_client, name, device='device',
                 remote_device='remote_device', provides='srdf_pair'):
        super().__init__(client, remote_client, name, provides=provides,
                         rebind={'device': device,
                                 'remote_device': remote_device})

    def execute(self, device, remote_device):
        pair = self._pair_of(device, remote_device)
        if pair is None:
            return None
        state = srdf_array.pair_state(self.client, pair) or {}
        sync_state = state.get('sync_state')
        if sync_state in _PARKED_STATES:
            return dict(pair, sync_state=sync_state, suspended=False)
        with base.array_change('suspend %s' % _describe(pair)):
            srdf_array.modify_pair(self.client, pair,
                                   srdf_array.OPERATION_SUSPEND, force=True)
        return dict(pair, sync_state=sync_state, suspended=True)

    def revert(self, device, remote_device, result, flow_failures,
               **kwargs):
        if base.failed(result):
            if not base.attempted(result, self.client):
                return None
            pair = self._pair_of(device, remote_device)
        elif result and result['suspended']:
            pair = result
        else:
            return None
        if pair is None:
            return None
        state = srdf_array.pair_state(self.client, pair)
        if state is None or \
                state['sync_state'] != srdf_array.SYNC_STATE_SUSPENDED:
            return None
        return base.left_behind(self.undo(
            'resume %s' % _describe(pair), _describe(pair),
            srdf_array.modify_pair, self.client, pair,
            srdf_array.OPERATION_RESUME))


class DetachSrdfPair(_PairTask):
    """Detach the (suspended) pair: the devices are no longer paired.
    Not undoable as such -- pairing them again is a new pair and a full
    copy -- so its result says so.  Revert pairs the devices again (same
    direction, unless the pair was failed over) so the volume stays
    protected."""

    def __init__(self, client, remote_client, name, pair='srdf_pair',
                 provides='broken_pair'):
        super().__init__(client, remote_client, name, provides=provides,
                         rebind={'pair': pair})

    def execute(self, pair):
        if pair is None:
            return None
        with base.array_change('detach %s' % _describe(pair)):
            detached = srdf_array.modify_pair(
                self.client, pair, srdf_array.OPERATION_DETACH, force=True)
        if not detached:
            return None
        LOG.info('%s: detached %s', self.name, _describe(pair))
        return dict(pair, irreversible='detached %s' % _describe(pair))

    def revert(self, pair, result, flow_failures, replication=None,
               **kwargs):
        if pair is None:
            return None
        if base.failed(result):
            if not base.attempted(result, self.client) or \
                    srdf_array.pair_state(self.client, pair) is not None:
                return None
        elif result is None:
            return None
        return self._remake(pair, (replication or {}).get(
            'rdf_group_label'))

    def _remake(self, pair, label):
        if pair.get('sync_state') == srdf_array.SYNC_STATE_FAILED_OVER:
            # Made again, the pair would copy the old R1 over the R2 that
            # has been in use since the failover: leave that to an
            # operator.
            return base.left_behind({
                'task': self.name, 'object': _describe(pair),
                'action': 'pair the devices again (the pair was failed '
                          'over; re-establish it from the R2 side)',
                'error': 'not done automatically'})
        source = self._client_of_source(pair)
        target = self.remote_client if source is self.client \
            else self.client
        if srdf_array.find_pair(source, pair['source']['device_id'],
                                pair['target']['serial'],
                                pair['target']['device_id']) is not None:
            return None
        rdf_group = _rdf_group_between(source, target, label)
        if rdf_group is None:
            return base.left_behind({
                'task': self.name, 'object': _describe(pair),
                'action': 'pair the devices again',
                'error': 'no RDF group joins array %s to array %s'
                         % (source.info.serial, target.info.serial)})
        return base.left_behind(self.undo(
            'pair the devices again as %s' % _describe(pair),
            _describe(pair), srdf_array.create_pair, source,
            pair['source']['device_id'], target,
            pair['target']['device_id'], rdf_group))


def _rdf_group_between(source, target, label=None):
    """An RDF group of the source's array joining it to the target's
    (the one labelled ``label`` when there are several)."""
    found = [g for g in srdf_array.find_rdf_groups(source)
             if g['remote_serial'] == target.info.serial]
    for group in found:
        if group['label'] == label:
            return group
    return found[0] if found else None


class RemakeSrdfPair(_PairTask):
    """Pair the devices again as ``broken_pair`` was (same direction),
    after both were resized.  When nothing was broken because the pair
    was already gone (a retry after a detach that finished on the array
    after the driver gave up), pair ``device`` (R1, this array) with
    ``remote_device`` (R2) -- a replicated volume must not come out of an
    extend unprotected.  Revert breaks the pair again."""

    def __init__(self, client, remote_client, name, provides='srdf_pair'):
        super().__init__(client, remote_client, name, provides=provides)

    def _wanted(self, broken_pair, device, remote_device):
        if broken_pair is not None:
            return broken_pair
        if device is None or remote_device is None:
            return None
        return {'source': srdf_array.end(self.client.system_name,
                                         device['device_id']),
                'target': srdf_array.end(self.remote_client.system_name,
                                         remote_device['device_id'])}

    def execute(self, broken_pair, rdf_group, device=None,
                remote_device=None):
        broken_pair = self._wanted(broken_pair, device, remote_device)
        if broken_pair is None:
            return None
        source = self._client_of_source(broken_pair)
        target = self.remote_client if source is self.client \
            else self.client
        if source is not self.client:
            rdf_group = _rdf_group_between(source, target,
                                           rdf_group['label'])
        found = srdf_array.find_pair(
            source, broken_pair['source']['device_id'],
            broken_pair['target']['serial'],
            broken_pair['target']['device_id'])
        if found is not None:
            return dict(found, created=False)
        with base.array_change('pair again %s' % _describe(broken_pair)):
            pair = srdf_array.create_pair(
                source, broken_pair['source']['device_id'], target,
                broken_pair['target']['device_id'], rdf_group)
        return dict(pair, created=True)

    def revert(self, broken_pair, rdf_group, result, flow_failures,
               device=None, remote_device=None, **kwargs):
        broken_pair = self._wanted(broken_pair, device, remote_device)
        if broken_pair is None:
            return None
        source = self._client_of_source(broken_pair)
        if base.failed(result):
            if not base.attempted(result, source):
                return None
        elif not result or not result['created']:
            return None
        pair = srdf_array.find_pair(
            source, broken_pair['source']['device_id'],
            broken_pair['target']['serial'],
            broken_pair['target']['device_id'])
        if pair is None:
            return None
        return base.left_behind(*break_pair(source, pair, self.name))


class CheckNotFailedOver(base.ArrayTask):
    """Refuse, before anything changes, to make or re-make SRDF pairs
    while the backend is failed over: a new pair would copy from its R1
    over an R2, and which side holds the current data would no longer be
    clear.  Fail back first."""

    def __init__(self, client, name, action):
        super().__init__(client, name)
        self.action = action

    def execute(self, replication, volume):
        if replication.get('failed_over'):
            raise exceptions.InvalidRequest(
                'Cannot %s replicated volume %s while the backend is '
                'failed over to array %s; fail back first'
                % (self.action, volume['id'],
                   self.client.info.serial if self.client else '?'))
        return True


class CheckExtendAllowed(base.ArrayTask):
    """Refuse to extend a replicated volume unless ``replication_device``
    says ``allow_extend`` -- resizing means breaking the pair and a full
    copy afterwards -- before anything changes."""

    def __init__(self, client, name):
        super().__init__(client, name)

    def execute(self, replication, volume):
        if not replication.get('allow_extend'):
            raise exceptions.InvalidRequest(
                'Cannot extend replicated volume %s: replication_device '
                'does not set allow_extend:True (extending breaks the SRDF '
                'pair, resizes both devices and copies everything again)'
                % volume['id'])
        return True


class ResolveSrdfPair(base.ArrayTask):
    """The pair of ``device`` (on this flow's array) and the peer
    volume's device, read from this array alone -- so a failover works
    while the other array is unreachable.  Provides the pair and its
    state; fails when they are not paired."""

    def __init__(self, client, name, device='device', peer='peer_volume',
                 provides='srdf_pair'):
        super().__init__(client, name, provides=provides,
                         rebind={'device': device, 'peer': peer})

    def execute(self, device, peer):
        location = peer.get('location') or {}
        if not location.get('device_id') or not location.get('array'):
            raise exceptions.InvalidRequest(
                '%s %s has no record of its replica (replication_driver_'
                'data is empty)' % (peer['kind'], peer['id']))
        pair = srdf_array.find_pair(self.client, device['device_id'],
                                    location['array'],
                                    location['device_id'])
        if pair is None:
            raise exceptions.DeviceNotFound(
                'Device %s of array %s is not SRDF-paired with device %s of '
                'array %s' % (device['device_id'], self.client.info.serial,
                              location['device_id'], location['array']))
        state = srdf_array.pair_state(self.client, pair) or {}
        return dict(pair, sync_state=state.get('sync_state'))


class SwitchSrdfPair(base.ArrayTask):
    """Fail a pair over to R2 (Operation 10) or back to R1 (11), sent to
    the array becoming active.  A pair already in the wanted state is
    left alone (a retried failover).  Irreversible (one array call; the
    driver reports a volume whose switch failed as ``failover-error``),
    so last in its flow."""

    def __init__(self, client, name, operation, pair='srdf_pair'):
        super().__init__(client, name, rebind={'pair': pair})
        self.operation = operation

    def execute(self, pair):
        failed_over = pair.get('sync_state') == \
            srdf_array.SYNC_STATE_FAILED_OVER
        wanted = self.operation == srdf_array.OPERATION_FAILOVER
        if failed_over == wanted:
            LOG.info('%s: %s is already %s', self.name, _describe(pair),
                     'failed over' if wanted else 'not failed over')
            return {'switched': False}
        try:
            srdf_array.modify_pair(self.client, pair, self.operation)
        except exceptions.VmaxError as exc:
            # The answer (or the job's) was lost: the pair may have
            # switched, and then the failover is done.
            if not base.confirmed(exc, lambda: self._switched(pair, wanted)):
                raise
        return {'switched': True,
                'irreversible': '%s %s' % (
                    'failed over' if wanted else 'failed back',
                    _describe(pair))}

    def _switched(self, pair, wanted):
        state = srdf_array.pair_state(self.client, pair)
        return state is not None and wanted == (
            state['sync_state'] == srdf_array.SYNC_STATE_FAILED_OVER)
