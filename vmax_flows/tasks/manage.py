"""Manage and unmanage tasks: adopt an existing device, or let one go.

``reference`` in the store is Cinder's external reference:
``{'source-id': <device id>}``, ``{'source-name': <device id or element
name>}``.  Every refusal happens in :class:`CheckExistingDevice`, before
any change, with a message naming the rule broken (field scenario S42).
"""

import logging
import re

import pywbem

from vmax_flows import exceptions
from vmax_flows import naming
from vmax_flows.smis import masking as smis_masking
from vmax_flows.smis import paths
from vmax_flows.tasks import base

LOG = logging.getLogger(__name__)

REFERENCE_KEYS = ('source-id', 'source-name')
DEVICE_ID = re.compile(r'^[0-9A-Fa-f]{5}$')
OS_LABEL = re.compile(r'^OS-([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-'
                      r'[0-9a-f]{4}-[0-9a-f]{12})$', re.IGNORECASE)
SRP_CLASS = 'Symm_SRPStoragePool'
THIN_POOL_CLASS = 'Symm_VirtualProvisioningPool'


class InvalidReference(exceptions.InvalidRequest):
    """The external reference names no device this backend may adopt."""


def reference_value(reference):
    """``(kind, value)`` of a reference; InvalidReference without one."""
    reference = reference or {}
    for key in REFERENCE_KEYS:
        value = reference.get(key)
        if value not in (None, ''):
            return key, str(value).strip()
    raise InvalidReference(
        'The reference %s names no device: give %s (a 5-hex-digit device '
        'id) or %s (a device id or element name)'
        % (dict(reference), REFERENCE_KEYS[0], REFERENCE_KEYS[1]))


def find_referenced_device(client, reference, placement):
    """The volume record the reference names (InvalidReference when
    there is none)."""
    key, value = reference_value(reference)
    if key == 'source-id' and not DEVICE_ID.match(value):
        raise InvalidReference(
            'source-id %r is not a device id (5 hex digits, e.g. 0012F)'
            % value)
    if DEVICE_ID.match(value):
        record = client.get_volume(value.upper())
        if record is not None or key == 'source-id':
            if record is None:
                raise InvalidReference(
                    'Device %s does not exist on array %s'
                    % (value.upper(), client.info.serial))
            return record
    pool = placement.get('srp') or placement.get('pool')
    matches = [r for r in client.volumes_in_pool(pool)
               if r['label'] == value]
    if not matches:
        raise InvalidReference(
            'No device with element name %r in pool %s of array %s'
            % (value, pool, client.info.serial))
    if len(matches) > 1:
        raise InvalidReference(
            'Element name %r is ambiguous: devices %s carry it; use '
            'source-id' % (value, ', '.join(
                r['device_id'] for r in matches)))
    return matches[0]


def whole_gib(record):
    """The device size in GiB; InvalidReference when not whole."""
    size = record['size_bytes']
    if size <= 0 or size % base.GIB:
        raise InvalidReference(
            'Device %s is %d bytes, not a whole number of GiB; Cinder '
            'volumes are sized in GiB' % (record['device_id'], size))
    return size // base.GIB


def rename_device(client, device_id, label):
    inst = pywbem.CIMInstance('Symm_StorageVolume',
                              path=client.volume_path(device_id))
    inst['ElementName'] = label
    client.session.modify_instance(inst, ['ElementName'])


class CheckExistingDevice(base.ArrayTask):
    """Find the referenced device and refuse it, before any change, when
    it is in a masking view, in a replication session (snapshot, clone,
    SRDF), managed as another volume (an ``OS-<uuid>`` label), in another
    pool, or not a whole number of GiB.  Provides the device record with
    ``groups`` (its storage groups with their settings)."""

    def __init__(self, client, name, provides='device'):
        super().__init__(client, name, provides=provides)

    def execute(self, reference, volume, placement):
        record = find_referenced_device(self.client, reference, placement)
        device_id = record['device_id']
        self._check_label(record, volume)
        masking = smis_masking.for_client(self.client)
        luns = masking.device_luns(device_id) or {}
        if luns:
            raise InvalidReference(
                'Device %s is in masking view(s) %s; unmask it before '
                'managing it' % (device_id, ', '.join(sorted(luns))))
        sessions = self.client.session.reference_names(
            self.client.volume_path(device_id), result_class=paths.SYNC_CLASS)
        if sessions:
            raise InvalidReference(
                'Device %s is in %d replication session(s) (SnapVX, clone '
                'or SRDF); end them before managing it'
                % (device_id, len(sessions)))
        self._check_pool(device_id, placement)
        whole_gib(record)
        record = dict(record)
        record['groups'] = masking.device_groups(device_id) or []
        record['original_label'] = record['label']
        return record

    def _check_label(self, record, volume):
        found = OS_LABEL.match(record['label'] or '')
        if found and naming.label(found.group(1)) not in volume['labels']:
            raise InvalidReference(
                'Device %s is already managed: its label %s belongs to '
                'volume %s' % (record['device_id'], record['label'],
                               found.group(1)))

    def _check_pool(self, device_id, placement):
        info = self.client.info
        wanted = placement.get('srp') or placement.get('pool')
        pool_class = SRP_CLASS if info.is_vmax3 else THIN_POOL_CLASS
        names = self.client.session.associator_names(
            self.client.volume_path(device_id),
            assoc_class='CIM_AllocatedFromStoragePool',
            result_class=pool_class)
        pools = [paths.last_field(n.keybindings.get('InstanceID', ''),
                                  info.sep) for n in names]
        if wanted not in pools:
            raise InvalidReference(
                'Device %s is in pool %s, not in pool %s of this volume '
                'type' % (device_id, ', '.join(pools) or 'none (unbound)',
                          wanted))


class RenameDevice(base.ArrayTask):
    """Give the device a label (``new_label`` from the store key
    ``label_from``: the volume's ``OS-<uuid>`` or its bare id).  Revert
    puts the old label back."""

    def __init__(self, client, name, device='device', provides=None,
                 bare=False):
        super().__init__(client, name, provides=provides,
                         rebind={'device': device})
        self.bare = bare

    def _label(self, volume):
        return volume['id'] if self.bare else volume['label']

    def execute(self, device, volume):
        label = self._label(volume)
        if device is None or device['label'] == label:
            return {'renamed': False, 'label': label}
        with base.array_change('rename device %s' % device['device_id']):
            rename_device(self.client, device['device_id'], label)
        LOG.info('%s: device %s relabelled %r -> %r', self.name,
                 device['device_id'], device['label'], label)
        return {'renamed': True, 'label': label}

    @base.best_effort_revert
    def revert(self, device, volume, result, flow_failures, **kwargs):
        if device is None:
            return None
        if base.failed(result):
            if not base.attempted(result, self.client):
                return None
        elif not result['renamed']:
            return None
        return base.left_behind(self.undo(
            'relabel device %s back to %r' % (device['device_id'],
                                              device['label']),
            'device %s' % device['device_id'], rename_device, self.client,
            device['device_id'], device['label'] or ''))


class ManagedSize(base.ArrayTask):
    """The size (GiB) Cinder records for the adopted device."""

    def __init__(self, client, name, provides='size_gb'):
        super().__init__(client, name, provides=provides)

    def execute(self, device):
        return whole_gib(device)
