"""Host short names, masking object names and port group order."""

import hashlib

import testtools

from vmax_flows import exceptions
from vmax_flows.flows import common
from vmax_flows import hostnames

VMAX3 = common.sample_placement(common.VMAX3)
VMAX2_FAST = common.sample_placement(common.VMAX2)
VMAX2_PLAIN = dict(VMAX2_FAST, fast_policy=None, storage_group=None)


class ShortHostNameTest(testtools.TestCase):

    def test_first_label_kept_when_short(self):
        self.assertEqual('compute-1',
                         hostnames.short_host_name('compute-1'))
        self.assertEqual('compute-1', hostnames.short_host_name(
            'compute-1.example.org'))
        self.assertEqual('Compute01', hostnames.short_host_name('Compute01'))
        self.assertEqual('exactly16chars_x',
                         hostnames.short_host_name('exactly16chars_x'))

    def test_long_names_get_a_stable_digest(self):
        # Literal values: changing the rule would orphan existing views.
        self.assertEqual('a-very-_cbf22609', hostnames.short_host_name(
            'a-very-long-compute-host-name-0001.dc1.example.org'))
        self.assertEqual('a-very-_19e69269', hostnames.short_host_name(
            'a-very-long-compute-host-name-0002'))
        self.assertEqual('exactly_1d0eeebc',
                         hostnames.short_host_name('exactly17chars_xy'))
        label = 'a-very-long-compute-host-name-0002'
        self.assertEqual(
            hashlib.sha256(label.encode()).hexdigest()[:8],
            hostnames.short_host_name(label)[-8:])

    def test_case_does_not_change_the_digest(self):
        self.assertEqual(
            hostnames.short_host_name('A-VERY-LONG-COMPUTE-HOST-NAME-0002')
            [-8:], hostnames.short_host_name(
                'a-very-long-compute-host-name-0002')[-8:])

    def test_long_names_sharing_a_prefix_stay_distinct(self):
        names = {hostnames.short_host_name(
            'compute-rack12-node-%04d.example.org' % i) for i in range(200)}
        self.assertEqual(200, len(names))
        self.assertTrue(all(len(n) == 16 for n in names))

    def test_characters_the_array_refuses_are_replaced_and_hashed(self):
        self.assertEqual('host_wi_46060670',
                         hostnames.short_host_name('host with space'))
        # An address is one name, not a first label of "10".
        self.assertEqual('10_0_0__0546412d',
                         hostnames.short_host_name('10.0.0.5'))
        self.assertNotEqual(hostnames.short_host_name('host_with_space'),
                            hostnames.short_host_name('host with space'))

    def test_no_host(self):
        for host in ('', None, '   '):
            error = self.assertRaises(exceptions.InvalidRequest,
                                      hostnames.short_host_name, host)
            self.assertIn('names no host', str(error))


class ObjectNameTest(testtools.TestCase):

    def test_vmax3_names_carry_placement_and_protocol(self):
        self.assertEqual('OS-h1-SRP_1-Diamond-OLTP-I-SG',
                         hostnames.host_storage_group('h1', VMAX3))
        self.assertEqual('OS-h1-SRP_1-Diamond-OLTP-I-MV',
                         hostnames.host_masking_view('h1', VMAX3))
        self.assertEqual('OS-h1-SRP_1-Diamond-OLTP-F-SG',
                         hostnames.host_storage_group('h1', VMAX3, 'F'))
        self.assertEqual('OS-h1-I-IG', hostnames.initiator_group('h1'))
        self.assertEqual('OS-h1-Shared-I-SG',
                         hostnames.shared_storage_group('h1'))
        self.assertEqual('OS-h1-Shared-I-MV',
                         hostnames.shared_masking_view('h1'))

    def test_vmax3_variants(self):
        no_workload = dict(VMAX3, workload=None)
        self.assertEqual('OS-h1-SRP_1-Diamond-NONE-I-SG',
                         hostnames.host_storage_group('h1', no_workload))
        no_slo = dict(VMAX3, slo=None, workload=None)
        self.assertEqual('OS-h1-No_SLO-I-MV',
                         hostnames.host_masking_view('h1', no_slo))
        compressed_off = dict(VMAX3, disable_compression=True)
        self.assertEqual('OS-h1-SRP_1-Diamond-OLTP-I-CD-SG',
                         hostnames.host_storage_group('h1', compressed_off))
        long_srp = dict(VMAX3, srp='SRP_WITH_A_LONG_NAME_1')
        # First 8 + '_' + last 7 characters.
        self.assertEqual('OS-h1-SRP_WITH__NAME_1-Diamond-OLTP-I-SG',
                         hostnames.host_storage_group('h1', long_srp))

    def test_vmax2_names(self):
        self.assertEqual('OS-h1-GOLD1-FP-I-SG',
                         hostnames.host_storage_group('h1', VMAX2_FAST))
        self.assertEqual('OS-h1-FC_Pool-I-MV',
                         hostnames.host_masking_view('h1', VMAX2_PLAIN))
        long_policy = dict(VMAX2_FAST, fast_policy='GOLD_POLICY_FOR_DB')
        self.assertEqual('OS-h1-GOLD_PO_FOR_DB-FP-I-SG',
                         hostnames.host_storage_group('h1', long_policy))

    def test_worst_case_fits_the_array_limit(self):
        host = hostnames.short_host_name('x' * 60)
        placement = dict(VMAX3, srp='S' * 40, slo='Optimized',
                         workload='OLTP_REP', disable_compression=True)
        name = hostnames.host_storage_group(host, placement)
        self.assertLessEqual(len(name), hostnames.MAX_NAME_LENGTH)
        self.assertEqual(63, len(name))

    def test_settings_follow_the_placement(self):
        self.assertEqual({'srp': 'SRP_1', 'slo': 'Diamond',
                          'workload': 'OLTP', 'disable_compression': False,
                          'fast_policy': None},
                         hostnames.storage_group_settings(VMAX3))
        self.assertEqual({'srp': None, 'slo': None, 'workload': None,
                          'disable_compression': False,
                          'fast_policy': 'GOLD1'},
                         hostnames.storage_group_settings(VMAX2_FAST))

    def test_ownership_by_name(self):
        for name in ('OS-h1-SRP_1-Diamond-OLTP-I-SG', 'OS-h1-Shared-I-SG',
                     'OS-a-b-c-No_SLO-F-SG', 'OS-h1-GOLD1-FP-I-CD-SG'):
            self.assertTrue(hostnames.is_host_storage_group(name), name)
        for name in ('OS-SRP_1-Diamond-OLTP-SG', 'OS-no_SLO-SG',
                     'OS_default_GOLD1_SG', 'OS-h1-SRP_1-Diamond-OLTP-I-MV',
                     'my-hosts-SG', '', None):
            self.assertFalse(hostnames.is_host_storage_group(name), name)
        self.assertTrue(hostnames.is_host_masking_view('OS-h1-Shared-I-MV'))
        self.assertFalse(hostnames.is_host_masking_view('prod_view'))
        self.assertTrue(hostnames.is_host_initiator_group('OS-h-1-I-IG'))
        self.assertFalse(hostnames.is_host_initiator_group('esx_cluster'))


class PortGroupOrderTest(testtools.TestCase):

    def test_same_host_same_order(self):
        groups = ['PG-C', 'PG-A', 'PG-B', 'PG-A', '']
        first = hostnames.port_group_order('compute-7', groups)
        self.assertEqual(sorted(first), ['PG-A', 'PG-B', 'PG-C'])
        for _ in range(5):
            self.assertEqual(first,
                             hostnames.port_group_order('compute-7',
                                                        list(groups)))
        # Rotation of the sorted list, not a shuffle.
        start = first.index('PG-A')
        self.assertEqual(['PG-A', 'PG-B', 'PG-C'],
                         first[start:] + first[:start])

    def test_hosts_spread_over_the_groups(self):
        firsts = [hostnames.port_group_order('host%d' % i, ['A', 'B'])[0]
                  for i in range(12)]
        self.assertEqual(['A', 'A', 'B', 'B', 'A', 'A', 'A', 'B', 'A', 'A',
                          'A', 'B'], firsts)

    def test_nothing_configured(self):
        self.assertEqual([], hostnames.port_group_order('h', []))
