"""Labels, group names and provider_location (incl. 2.x formats)."""

import json

import testtools

from vmax_flows import naming

UUID = '0f6a9c1e-3b2d-4c5e-8f70-1a2b3c4d5e6f'


class LabelTest(testtools.TestCase):

    def test_label_is_os_prefix_and_uuid(self):
        self.assertEqual('OS-' + UUID, naming.label(UUID))

    def test_label_extracts_uuid_from_longer_text(self):
        self.assertEqual('OS-' + UUID, naming.label('volume-' + UUID))

    def test_accepted_labels_include_legacy_bare_uuid(self):
        self.assertEqual(['OS-' + UUID, UUID],
                         naming.accepted_labels(UUID, UUID))

    def test_accepted_labels_cover_name_id_and_id(self):
        other = '11111111-2222-4333-8444-555555555555'
        self.assertEqual(['OS-' + other, other, 'OS-' + UUID, UUID],
                         naming.accepted_labels(other, UUID))


class GroupNameTest(testtools.TestCase):

    def test_vmax3_default_group(self):
        self.assertEqual('OS-SRP_1-Diamond-OLTP-SG',
                         naming.default_storage_group('SRP_1', 'Diamond',
                                                      'OLTP'))

    def test_vmax3_no_workload_is_none(self):
        self.assertEqual('OS-SRP_1-Optimized-NONE-SG',
                         naming.default_storage_group('SRP_1', 'Optimized'))

    def test_vmax3_compression_disabled_suffix(self):
        self.assertEqual('OS-SRP_1-Diamond-DSS-CD-SG',
                         naming.default_storage_group('SRP_1', 'Diamond',
                                                      'DSS', True))

    def test_vmax3_no_slo(self):
        self.assertEqual('OS-no_SLO-SG',
                         naming.default_storage_group('SRP_1'))

    def test_vmax2_fast_group(self):
        self.assertEqual('OS_default_GOLD1_SG',
                         naming.fast_storage_group('GOLD1'))


class ProviderLocationTest(testtools.TestCase):

    DEVICE = {'device_id': '0001A', 'label': 'OS-' + UUID,
              'system_name': 'SYMMETRIX-+-000197800123'}

    def test_round_trip(self):
        text = naming.encode_provider_location(self.DEVICE, '000197800123',
                                               '1.0.0')
        self.assertEqual({'array': '000197800123', 'device_id': '0001A',
                          'label': 'OS-' + UUID,
                          'system': 'SYMMETRIX-+-000197800123',
                          'version': '1.0.0'},
                         naming.decode_provider_location(text))
        self.assertEqual('000197800123', json.loads(text)['array'])

    def test_fits_cinder_column(self):
        device = dict(self.DEVICE, label='X' * 64)
        text = naming.encode_provider_location(device, '000197800123',
                                               '1.0.0')
        self.assertLessEqual(len(text), 255)

    def test_legacy_dict_repr_with_keybindings(self):
        legacy = str({'classname': 'Symm_StorageVolume',
                      'keybindings': {
                          'CreationClassName': 'Symm_StorageVolume',
                          'SystemName': 'SYMMETRIX+000195900551',
                          'DeviceID': '0012A',
                          'SystemCreationClassName': 'Symm_StorageSystem'},
                      'version': '2.5.3'})
        self.assertEqual({'array': '000195900551', 'device_id': '0012A',
                          'label': None, 'system': 'SYMMETRIX+000195900551',
                          'version': '2.5.3'},
                         naming.decode_provider_location(legacy))

    def test_empty_or_garbage_is_none(self):
        for text in (None, '', 'not a location', '[1, 2]', '{"x": 1}'):
            self.assertIsNone(naming.decode_provider_location(text), text)
