"""Device tasks: create, extend, delete; VMAX2 meta members."""

import logging
import math

from vmax_flows import exceptions
from vmax_flows.tasks import base

LOG = logging.getLogger(__name__)

# A VMAX2 meta member holds at most 240 GiB (Enginuity limit).
META_MEMBER_LIMIT_GIB = 240


def _labelled(record, label, created):
    record = dict(record)
    record['label'] = record.get('label') or label
    record['created'] = created
    return record


class CreateDevice(base.ArrayTask):
    """Create the device of ``item`` (a new volume or clone target).

    Looks for a device with the item's label first (a retried create finds
    the device of the earlier attempt instead of making a second one).
    VMAX3: created inside the placement's storage group, whose SRP and
    service level decide where it lives.  VMAX2: created in the thin pool;
    as a meta (composite) device when striped or larger than 240 GiB.
    The size is the item's (GiB) or, with ``source``, the source device's
    exact size in bytes (clone targets must match their source).
    """

    def __init__(self, client, name, provides='device', item='volume',
                 source=None):
        rebind = {'item': item}
        if source:
            rebind['source'] = source
        super().__init__(client, name, provides=provides, rebind=rebind)

    def execute(self, item, placement, source=None):
        label = item['label']
        size = source['size_bytes'] if source else item['size_gb'] * \
            base.GIB
        group = placement['storage_group'] if placement.get('srp') \
            else None
        pool = placement.get('pool')
        existing = self.client.find_volume_by_label([label], group=group,
                                                    pool=pool)
        if existing is not None:
            LOG.info('%s: device %s labelled %s already exists; using it',
                     self.name, existing['device_id'], label)
            return _labelled(existing, label, False)
        with base.array_change('create device %s' % label):
            try:
                record = self._create(label, size, group, pool, placement)
            except exceptions.VmaxError as exc:
                found = []
                if not base.confirmed(exc, lambda: found.append(
                        self.client.find_volume_by_label(
                            [label], group=group, pool=pool)) or found[0]):
                    raise
                record = found[0]
        if record.get('size_bytes') is None:
            record['size_bytes'] = size
        LOG.info('%s: created device %s labelled %s (%d bytes)', self.name,
                 record['device_id'], label, record['size_bytes'])
        return _labelled(record, label, True)

    def _create(self, label, size, group, pool, placement):
        if group:
            return self.client.create_volume(label, size, group=group)
        members = _meta_members(size, placement.get('stripe_count'))
        if members:
            return self.client.create_composite_volume(
                label, size, pool, members,
                striped=bool(placement.get('stripe_count')))
        return self.client.create_volume(label, size, pool=pool)

    @base.best_effort_revert
    def revert(self, item, placement, result, flow_failures, source=None,
               **kwargs):
        if base.failed(result):
            if not base.attempted(result, self.client):
                return None
            group = placement['storage_group'] if placement.get('srp') \
                else None
            found = self.client.find_volume_by_label(
                [item['label']], group=group, pool=placement.get('pool'))
            if found is None:
                return None
            device_id = found['device_id']
        elif result and result['created']:
            device_id = result['device_id']
        else:
            return None
        LOG.warning('%s: deleting device %s (%s) created by this flow',
                    self.name, device_id, item['label'])
        return base.left_behind(*base.destroy_device(self.client, device_id,
                                                     self.name))


def _meta_members(size_bytes, stripe_count):
    if stripe_count:
        return stripe_count
    members = int(math.ceil(size_bytes / float(META_MEMBER_LIMIT_GIB *
                                               base.GIB)))
    return members if members > 1 else None


class ExtendDevice(base.ArrayTask):
    """Grow a device to ``size_gb`` (VMAX3, or any non-meta path).

    Nothing to revert: a device cannot shrink.  It is the last step of
    every flow it is in, and skips a device already at the size (a
    retried extend).
    """

    def __init__(self, client, name, device='device', provides=None):
        super().__init__(client, name, provides=provides,
                         rebind={'device': device})

    def execute(self, device, size_gb):
        target = size_gb * base.GIB
        if device['size_bytes'] >= target:
            return {'extended': False, 'size_bytes': device['size_bytes']}
        try:
            size = self.client.extend_volume(device['device_id'], target)
        except exceptions.VmaxError as exc:
            if not base.confirmed(exc, lambda: self._size(device) >= target):
                raise
            size = None
        if size is None:
            # The provider did not report the new size: read it back.
            record = self.client.get_volume(device['device_id'])
            size = record and record['size_bytes']
        if size is None or size < target:
            raise exceptions.ArrayRequestError(
                'Device %s reports %s bytes after being extended to %d '
                'bytes' % (device['device_id'], size, target))
        return {'extended': True, 'size_bytes': size,
                'irreversible': 'extended device %s to %d bytes'
                % (device['device_id'], size)}

    def _size(self, device):
        record = self.client.get_volume(device['device_id'])
        return record['size_bytes'] if record else 0


class CreateMetaMember(base.ArrayTask):
    """VMAX2: create the unbound device that will extend a meta volume."""

    def __init__(self, client, name, device='device',
                 provides='meta_member', item='volume'):
        super().__init__(client, name, provides=provides,
                         rebind={'device': device, 'item': item})

    def _label(self, item, size_gb):
        return '%s-to-%dG' % (item['label'], size_gb)

    def execute(self, device, item, placement, size_gb):
        delta = size_gb * base.GIB - device['size_bytes']
        if delta <= 0:
            return None
        label = self._label(item, size_gb)
        pool = placement['pool']
        # The member is unbound: in no pool, so only an array-wide search
        # finds the one an earlier attempt made.
        existing = self.client.find_volume_by_label([label], anywhere=True)
        if existing is not None:
            return _labelled(existing, label, False)
        with base.array_change('create meta member %s' % label):
            try:
                record = self.client.create_volume(label, delta, pool=pool,
                                                   bind=False)
            except exceptions.VmaxError as exc:
                found = []
                if not base.confirmed(exc, lambda: found.append(
                        self.client.find_volume_by_label(
                            [label], anywhere=True)) or found[0]):
                    raise
                record = found[0]
        return _labelled(record, label, True)

    @base.best_effort_revert
    def revert(self, device, item, placement, size_gb, result,
               flow_failures, **kwargs):
        if base.failed(result):
            if not base.attempted(result, self.client):
                return None
            found = self.client.find_volume_by_label(
                [self._label(item, size_gb)], anywhere=True)
            if found is None:
                return None
            member = found
        elif result and result['created']:
            member = result
        else:
            return None
        if self._appended(device, member):
            # The append (irreversible, reported by its own step) made
            # the member part of the volume: nothing left to undo here.
            LOG.info('%s: member %s is part of device %s now; keeping it',
                     self.name, member['device_id'], device['device_id'])
            return None
        return base.left_behind(*base.destroy_device(
            self.client, member['device_id'], self.name))

    def _appended(self, device, member):
        record = self.client.get_volume(device['device_id'])
        return record is not None and record['size_bytes'] >= \
            device['size_bytes'] + (member.get('size_bytes') or 1)


class AppendMetaMember(base.ArrayTask):
    """VMAX2: concatenate the new member onto the volume (irreversible,
    so last in its flow)."""

    def __init__(self, client, name, device='device', member='meta_member'):
        super().__init__(client, name,
                         rebind={'device': device, 'member': member})

    def execute(self, device, member):
        if member is None:
            return {'appended': False}
        expected = device['size_bytes'] + member['size_bytes']
        try:
            self.client.append_meta_member(device['device_id'],
                                           member['device_id'],
                                           device.get('composite', False))
        except exceptions.VmaxError as exc:
            if not base.confirmed(exc, lambda: self._size(device) >=
                                  expected):
                raise
        return {'appended': True,
                'irreversible': 'appended member %s to device %s'
                % (member['device_id'], device['device_id'])}

    def _size(self, device):
        record = self.client.get_volume(device['device_id'])
        return record['size_bytes'] if record else 0


class DeleteDevice(base.ArrayTask):
    """Return a device to its pool.  A device already gone is success;
    irreversible, so it is the last step of its flow."""

    def __init__(self, client, name, device='device'):
        super().__init__(client, name, rebind={'device': device})

    def execute(self, device):
        if device is None:
            return {'deleted': False}
        try:
            self.client.delete_volumes([device['device_id']])
        except exceptions.ObjectNotFound:
            LOG.warning('%s: device %s was already gone', self.name,
                        device['device_id'])
            return {'deleted': False}
        except exceptions.VmaxError as exc:
            if not base.confirmed(exc, lambda: self.client.get_volume(
                    device['device_id']) is None):
                raise
        LOG.info('%s: deleted device %s (%s)', self.name,
                 device['device_id'], device.get('label'))
        # Said so that a failure after it is not reported as "all changes
        # were reverted" (found by the failure-injection harness).
        return {'deleted': True,
                'irreversible': 'deleted device %s' % device['device_id']}
