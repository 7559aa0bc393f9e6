"""Backend settings and extra specs checked against the array's offer.

Array facts come from a plain ArrayInfo (what discovery would cache), so
these checks run without any array.
"""

import testtools

from vmax_flows import config
from vmax_flows import exceptions
from vmax_flows import placement
from vmax_flows.smis import discovery

SERIAL3 = '000197800123'
SERIAL2 = '000195900551'


def vmax3_info(all_flash=True):
    return discovery.ArrayInfo(
        serial=SERIAL3, system_name='SYMMETRIX-+-' + SERIAL3, sep='-+-',
        family='VMAX3', ucode_version='5977.1125.1125',
        model='VMAX250F' if all_flash else 'VMAX200K',
        all_flash=all_flash, se_version='8.3.0', services={},
        pools={'SRP_1': None},
        service_levels={'SRP_1': [('Diamond', 'DSS'), ('Diamond', 'NONE'),
                                  ('Diamond', 'OLTP'),
                                  ('Optimized', 'NONE')]},
        port_groups=['OS-PG-iSCSI-A'], replication_types=(6, 7),
        fast_policies={})


def vmax2_info():
    return discovery.ArrayInfo(
        serial=SERIAL2, system_name='SYMMETRIX-+-' + SERIAL2, sep='-+-',
        family='VMAX2', ucode_version='5876.286.194', model='VMAX40K',
        all_flash=False, se_version='8.3.0', services={},
        pools={'FC_Pool': None, 'SATA_Pool': None}, service_levels={},
        port_groups=[], replication_types=(10,),
        fast_policies={'GOLD1': None, 'SILVER1': None})


def backend(**kwargs):
    values = dict(provider_host='h', array_serial=SERIAL3, pool='SRP_1',
                  service_level='Diamond', workload='OLTP')
    values.update(kwargs)
    return config.BackendConfig(**values)


class BackendCheckTest(testtools.TestCase):

    def test_default_placement(self):
        result = placement.check_backend(backend(), vmax3_info())
        self.assertEqual({'family': 'VMAX3', 'serial': SERIAL3,
                          'srp': 'SRP_1', 'slo': 'Diamond',
                          'workload': 'OLTP', 'disable_compression': False,
                          'storage_group': 'OS-SRP_1-Diamond-OLTP-SG',
                          'pool_name': 'Diamond+OLTP+SRP_1+' + SERIAL3},
                         result)

    def test_unknown_srp_names_valid_ones(self):
        error = self.assertRaises(exceptions.InvalidSetting,
                                  placement.check_backend,
                                  backend(pool='SRP_9'), vmax3_info())
        self.assertIn("'SRP_9'", str(error))
        self.assertIn('valid values: SRP_1', str(error))

    def test_unknown_service_level(self):
        error = self.assertRaises(exceptions.InvalidSetting,
                                  placement.check_backend,
                                  backend(service_level='Gold'),
                                  vmax3_info())
        self.assertEqual('service level', error.setting)
        self.assertEqual(('Diamond', 'Optimized'), error.valid)

    def test_unknown_workload(self):
        error = self.assertRaises(exceptions.InvalidSetting,
                                  placement.check_backend,
                                  backend(workload='OLTP_REP'),
                                  vmax3_info())
        self.assertEqual('workload', error.setting)
        self.assertEqual(('DSS', 'NONE', 'OLTP'), error.valid)

    def test_unknown_port_group(self):
        error = self.assertRaises(exceptions.InvalidSetting,
                                  placement.check_backend,
                                  backend(port_groups=('PG-X',)),
                                  vmax3_info())
        self.assertEqual(('port group', 'PG-X', ('OS-PG-iSCSI-A',)),
                         (error.setting, error.value, error.valid))

    def test_fast_policy_on_vmax3_refused(self):
        self.assertRaises(exceptions.InvalidSetting, placement.check_backend,
                          backend(fast_policy='GOLD1'), vmax3_info())

    def test_vmax2_with_policy(self):
        result = placement.check_backend(
            backend(array_serial=SERIAL2, pool='FC_Pool',
                    service_level=None, workload=None,
                    fast_policy='GOLD1'), vmax2_info())
        self.assertEqual('OS_default_GOLD1_SG', result['storage_group'])
        self.assertEqual('FC_Pool+' + SERIAL2, result['pool_name'])

    def test_vmax2_unknown_policy(self):
        error = self.assertRaises(
            exceptions.InvalidSetting, placement.check_backend,
            backend(array_serial=SERIAL2, pool='FC_Pool',
                    service_level=None, workload=None,
                    fast_policy='PLATINUM9'), vmax2_info())
        self.assertEqual(('GOLD1', 'SILVER1'), error.valid)

    def test_vmax2_service_level_refused(self):
        self.assertRaises(exceptions.InvalidSetting, placement.check_backend,
                          backend(array_serial=SERIAL2, pool='FC_Pool'),
                          vmax2_info())


class ExtraSpecTest(testtools.TestCase):

    def test_no_specs_use_backend_defaults(self):
        result = placement.for_volume_type(backend(), vmax3_info(), {})
        self.assertEqual('OS-SRP_1-Diamond-OLTP-SG',
                         result['storage_group'])

    def test_pool_name_with_workload(self):
        result = placement.for_volume_type(
            backend(), vmax3_info(),
            {'pool_name': 'Diamond+DSS+SRP_1+' + SERIAL3})
        self.assertEqual(('Diamond', 'DSS', 'OS-SRP_1-Diamond-DSS-SG'),
                         (result['slo'], result['workload'],
                          result['storage_group']))

    def test_pool_name_without_workload(self):
        result = placement.for_volume_type(
            backend(), vmax3_info(),
            {'pool_name': 'optimized+SRP_1+' + SERIAL3})
        self.assertEqual(('Optimized', None, 'OS-SRP_1-Optimized-NONE-SG'),
                         (result['slo'], result['workload'],
                          result['storage_group']))

    def test_pool_name_wrong_array(self):
        error = self.assertRaises(
            exceptions.InvalidSpec, placement.for_volume_type, backend(),
            vmax3_info(), {'pool_name': 'Diamond+OLTP+SRP_1+000111'})
        self.assertIn("'000111'", str(error))
        self.assertEqual((SERIAL3,), error.valid)

    def test_pool_name_bad_slo(self):
        error = self.assertRaises(
            exceptions.InvalidSpec, placement.for_volume_type, backend(),
            vmax3_info(), {'pool_name': 'Platinum+OLTP+SRP_1+' + SERIAL3})
        self.assertEqual(('service level', 'Platinum'),
                         (error.setting, error.value))

    def test_pool_name_malformed(self):
        self.assertRaises(exceptions.InvalidSpec, placement.for_volume_type,
                          backend(), vmax3_info(), {'pool_name': 'SRP_1'})

    def test_disable_compression_all_flash(self):
        result = placement.for_volume_type(
            backend(), vmax3_info(),
            {'storagetype:disablecompression': 'True'})
        self.assertEqual('OS-SRP_1-Diamond-OLTP-CD-SG',
                         result['storage_group'])

    def test_disable_compression_refused_on_hybrid(self):
        error = self.assertRaises(
            exceptions.InvalidSpec, placement.for_volume_type, backend(),
            vmax3_info(all_flash=False),
            {'storagetype:disablecompression': 'true'})
        self.assertIn('All Flash', str(error))

    def test_disable_compression_bad_value(self):
        error = self.assertRaises(
            exceptions.InvalidSpec, placement.for_volume_type, backend(),
            vmax3_info(), {'storagetype:disablecompression': 'maybe'})
        self.assertEqual(('true', 'false'), error.valid)

    def test_stripecount_vmax2(self):
        result = placement.for_volume_type(
            backend(array_serial=SERIAL2, pool='FC_Pool',
                    service_level=None, workload=None),
            vmax2_info(), {'storagetype:stripecount': '4',
                           'pool_name': 'SATA_Pool+' + SERIAL2})
        self.assertEqual((4, 'SATA_Pool', None),
                         (result['stripe_count'], result['pool'],
                          result['storage_group']))

    def test_stripecount_invalid(self):
        self.assertRaises(
            exceptions.InvalidSpec, placement.for_volume_type,
            backend(array_serial=SERIAL2, pool='FC_Pool',
                    service_level=None, workload=None),
            vmax2_info(), {'storagetype:stripecount': 'zero'})

    def test_stripecount_refused_on_vmax3(self):
        self.assertRaises(exceptions.InvalidSpec, placement.for_volume_type,
                          backend(), vmax3_info(),
                          {'storagetype:stripecount': '2'})

    def test_vmax2_unknown_pool_in_pool_name(self):
        error = self.assertRaises(
            exceptions.InvalidSpec, placement.for_volume_type,
            backend(array_serial=SERIAL2, pool='FC_Pool',
                    service_level=None, workload=None),
            vmax2_info(), {'pool_name': 'SSD_Pool+' + SERIAL2})
        self.assertEqual(('FC_Pool', 'SATA_Pool'), error.valid)
