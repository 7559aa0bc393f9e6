"""Tasks that read the array (or its cached facts) and change nothing."""

import logging

from vmax_flows import exceptions
from vmax_flows.tasks import base

LOG = logging.getLogger(__name__)


class ResolveDevice(base.ArrayTask):
    """Find the device of a volume or snapshot.

    By provider_location first (one GetInstance; the device's label must be
    one this driver or the 2.x driver gave the object, so a reused DeviceID
    is never mistaken for ours), then by label in the placement's storage
    group or pool -- which also finds devices whose create never recorded a
    provider_location.  With ``missing_ok`` a missing device gives None
    (delete paths); otherwise DeviceNotFound.
    """

    def __init__(self, client, name, provides, item='volume',
                 placement='placement', missing_ok=False):
        super().__init__(client, name, provides=provides,
                         rebind={'item': item, 'placement': placement})
        self.missing_ok = missing_ok

    def execute(self, item, placement):
        labels = item['labels']
        location = item.get('location') or {}
        device_id = location.get('device_id')
        if device_id and location.get('array') in (None,
                                                   self.client.info.serial):
            record = self.client.get_volume(device_id)
            if record is not None and record['label'] in labels:
                return record
            if record is not None:
                LOG.warning('%s: device %s is labelled %r, not one of %s; '
                            'searching by label', self.name, device_id,
                            record['label'], labels)
        record = self.client.find_volume_by_label(
            labels, group=_search_group(placement),
            pool=placement.get('pool'))
        if record is not None:
            return record
        if self.missing_ok:
            LOG.warning('%s: %s %s has no device on array %s (already '
                        'deleted?)', self.name, item['kind'], item['id'],
                        self.client.info.serial)
            return None
        raise exceptions.DeviceNotFound(
            'No device for %s %s on array %s (provider_location device %s, '
            'labels %s)' % (item['kind'], item['id'],
                            self.client.info.serial, device_id or 'none',
                            ', '.join(labels)))


def _search_group(placement):
    # VMAX2 devices are created in the pool before they join the FAST
    # group, so a pool search finds them in every state.
    return placement['storage_group'] if placement.get('srp') else None


class CheckReplicationLicence(base.ArrayTask):
    """Fail clearly, before any change, without the replication licence
    (SnapVX on VMAX3, TimeFinder clone on VMAX2; bug 1587017).

    Uses the licence facts read at setup and refreshed with the stats, so
    it costs no round trip.
    """

    def __init__(self, client, name):
        super().__init__(client, name)

    def execute(self, placement):
        info = self.client.info
        if info.is_vmax3:
            if not info.snapvx_licensed():
                raise exceptions.NotLicensed(
                    'SnapVX is not licensed on array %s '
                    '(SupportedReplicationTypes %s has neither 6 nor 7); '
                    'snapshots and clones are not possible'
                    % (info.serial, list(info.replication_types)))
        elif not info.clone_licensed():
            raise exceptions.NotLicensed(
                'TimeFinder clone is not licensed on array %s '
                '(SupportedReplicationTypes %s lacks 10); snapshots and '
                'clones are not possible'
                % (info.serial, list(info.replication_types)))
        return True


class CheckNewSize(base.ArrayTask):
    """Refuse to shrink (or keep) a volume's size before touching it."""

    def __init__(self, client, name):
        super().__init__(client, name)

    def execute(self, volume, size_gb, placement):
        if size_gb <= volume['size_gb']:
            raise exceptions.InvalidRequest(
                'Cannot extend volume %s from %d GiB to %d GiB: the new '
                'size must be larger' % (volume['id'], volume['size_gb'],
                                         size_gb))
        if placement.get('stripe_count') and placement['stripe_count'] > 1:
            raise exceptions.InvalidRequest(
                'Cannot extend volume %s: it is a striped meta volume '
                '(storagetype:stripecount %d); only concatenated meta '
                'volumes can grow' % (volume['id'],
                                      placement['stripe_count']))
        return True
