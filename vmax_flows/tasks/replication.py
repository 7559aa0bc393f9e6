"""Replication tasks: SnapVX (VMAX3) and TimeFinder clone (VMAX2)."""

import logging

from vmax_flows import exceptions
from vmax_flows.smis import params as cim
from vmax_flows.tasks import base

LOG = logging.getLogger(__name__)


def _finish_operation(client):
    """Dissolve (unlink) on VMAX3, detach on VMAX2."""
    return cim.OPERATION_DISSOLVE if client.info.is_vmax3 \
        else cim.OPERATION_DETACH


class CreateSnapshotTarget(base.ArrayTask):
    """VMAX3 snapshot: SnapVX snapshot of the source, linked with copy to
    a target device the array creates in the default storage group
    (TargetElementSupplier=2, WaitForCopyState=4).  The pair is kept until
    the snapshot is deleted.  Revert dissolves and deletes the target.
    """

    def __init__(self, client, name, provides='snapshot_device',
                 item='snapshot', source='source_device'):
        super().__init__(client, name, provides=provides,
                         rebind={'item': item, 'source': source})

    def execute(self, item, source, placement):
        label = item['label']
        group = placement['storage_group']
        existing = self.client.find_volume_by_label([label], group=group)
        if existing is not None:
            LOG.info('%s: snapshot device %s labelled %s already exists',
                     self.name, existing['device_id'], label)
            return dict(existing, created=False)
        with base.array_change('snapshot %s' % label):
            try:
                record = self.client.create_snapshot_target(
                    source['device_id'], label, group)
            except exceptions.VmaxError as exc:
                found = []
                if not base.confirmed(exc, lambda: found.append(
                        self.client.find_volume_by_label(
                            [label], group=group)) or found[0]):
                    raise
                record = dict(found[0])
        record['label'] = record.get('label') or label
        if record.get('size_bytes') is None:
            record['size_bytes'] = source['size_bytes']
        record['created'] = True
        LOG.info('%s: snapshot %s of device %s is device %s', self.name,
                 label, source['device_id'], record['device_id'])
        return record

    @base.best_effort_revert
    def revert(self, item, source, placement, result, flow_failures,
               **kwargs):
        if base.failed(result):
            if not base.attempted(result, self.client):
                return None
            found = self.client.find_volume_by_label(
                [item['label']], group=placement['storage_group'])
            if found is None:
                return None
            device_id = found['device_id']
        elif result and result['created']:
            device_id = result['device_id']
        else:
            return None
        return base.left_behind(*base.destroy_device(self.client, device_id,
                                                     self.name))


class CreateReplica(base.ArrayTask):
    """Copy the source onto an existing target device: SnapVX snapshot
    named after the target, linked to it (VMAX3, SyncType 7,
    WaitForCopyState=4), or a TimeFinder clone (VMAX2, SyncType 8).
    Revert breaks the pair (forced) if this task made it.
    """

    def __init__(self, client, name, provides='replica',
                 source='source_device', target='device', item='volume'):
        super().__init__(client, name, provides=provides,
                         rebind={'source': source, 'target': target,
                                 'item': item})

    def execute(self, source, target, item):
        source_id, target_id = source['device_id'], target['device_id']
        # A target this flow just created cannot be paired yet; only a
        # found (pre-existing) one needs the check.
        if not target.get('created') and \
                self.client.pair_exists(source_id, target_id):
            return {'source': source_id, 'target': target_id,
                    'created': False}
        is_vmax3 = self.client.info.is_vmax3
        with base.array_change('replicate %s' % item['label']):
            try:
                self.client.create_replica(
                    source_id, target_id, item['label'],
                    cim.SYNC_TYPE_SNAPSHOT if is_vmax3
                    else cim.SYNC_TYPE_CLONE, wait_for_copy=is_vmax3)
            except exceptions.VmaxError as exc:
                if not base.confirmed(exc, lambda: self.client.pair_exists(
                        source_id, target_id)):
                    raise
        return {'source': source_id, 'target': target_id, 'created': True}

    @base.best_effort_revert
    def revert(self, source, target, item, result, flow_failures,
               **kwargs):
        source_id, target_id = source['device_id'], target['device_id']
        if base.failed(result):
            if not base.attempted(result, self.client) or \
                    not self.client.pair_exists(source_id, target_id):
                return None
        elif not result or not result['created']:
            return None
        return base.left_behind(self.undo(
            'break pair %s -> %s' % (source_id, target_id),
            'pair %s -> %s' % (source_id, target_id),
            self.client.modify_pair, source_id, target_id,
            _finish_operation(self.client), True))


class WaitForCopy(base.ArrayTask):
    """Wait (bounded) until the pair's CopyState is Synchronized; reports
    progress from PercentSynced when the provider has it (bug 1517103)."""

    def __init__(self, client, name, provides='copy',
                 source='source_device', target='device'):
        super().__init__(client, name, provides=provides,
                         rebind={'source': source, 'target': target})

    def execute(self, source, target):
        def progress(fraction, copy_state):
            if fraction is not None:
                self.update_progress(fraction)
        return self.client.wait_for_copy(source['device_id'],
                                         target['device_id'],
                                         progress=progress)


class FinishReplica(base.ArrayTask):
    """Make the target independent: dissolve the SnapVX link and its
    temporary snapshot (VMAX3) or detach the clone (VMAX2).  Irreversible,
    so last in its flow (only an extend may follow); a pair already gone
    counts as done."""

    def __init__(self, client, name, source='source_device',
                 target='device'):
        super().__init__(client, name,
                         rebind={'source': source, 'target': target})

    def execute(self, source, target):
        source_id, target_id = source['device_id'], target['device_id']
        try:
            done = self.client.modify_pair(source_id, target_id,
                                           _finish_operation(self.client))
        except exceptions.VmaxError as exc:
            if not base.confirmed(exc, lambda: not self.client.pair_exists(
                    source_id, target_id)):
                raise
            done = True
        return {'finished': done,
                'irreversible': '%s pair %s -> %s' % (
                    'dissolved' if self.client.info.is_vmax3
                    else 'detached', source_id, target_id) if done
                else None}


class BreakPairs(base.ArrayTask):
    """Before a delete: break every local pair the device is in (forced;
    the device is going away).  Irreversible."""

    def __init__(self, client, name, device='device'):
        super().__init__(client, name, rebind={'device': device})

    def execute(self, device):
        if device is None:
            return {'broken': []}
        broken = []
        for pair in self.client.pairs_of_volume(device['device_id']):
            try:
                done = self.client.modify_pair(
                    pair['source'], pair['target'],
                    _finish_operation(self.client), force=True)
            except exceptions.VmaxError as exc:
                if not base.confirmed(exc, lambda: not self.client
                                      .pair_exists(pair['source'],
                                                   pair['target'])):
                    raise
                done = True
            if done:
                broken.append(pair)
        return {'broken': broken,
                'irreversible': '; '.join(
                    'broke pair %(source)s -> %(target)s' % pair
                    for pair in broken) or None}
