"""Array profiles load into the model with the facts the contract names."""

import os

import testtools
import yaml

from vmax_sim import model
from vmax_sim.model import errors
from vmax_sim.model import objects as o
from vmax_sim.model import profiles

from tests.sim import test_model_support as base

GIB = base.GIB


class ProfileTest(testtools.TestCase):

    def test_all_flash(self):
        estate = model.load_profile('vmax3-allflash')
        arr = estate.arrays[base.V3]
        self.assertEqual(
            ('VMAX3', 'VMAX250F', '5977.1125.1125', True, (8, 3, 0),
             'SYMMETRIX-+-000197800123', False),
            (arr.family, arr.model, arr.microcode, arr.all_flash,
             arr.se_version, arr.system_name, arr.percent_synced))
        srp = arr.pools['SRP_1']
        self.assertEqual(o.POOL_SRP, srp.kind)
        self.assertEqual(
            [('Diamond', w) for w in ('OLTP', 'OLTP_REP', 'DSS', 'DSS_REP',
                                      'NONE')] + [('Optimized', 'NONE')],
            srp.settings)
        self.assertEqual(['OS-PG-iSCSI-A', 'OS-PG-iSCSI-B'],
                         list(arr.port_groups))
        ports = [arr.ports[p] for pg in arr.port_groups.values()
                 for p in pg.ports]
        self.assertEqual(
            ['iqn.1992-04.com.emc:600009700bca30c01e3e012e0000000%d' % n
             for n in range(1, 5)], [p.iqn for p in ports])
        self.assertTrue(all(p.ip.startswith('192.0.2.') and p.online
                            and p.protocol == o.PROTOCOL_ISCSI
                            for p in ports))
        self.assertTrue(arr.licensed('snapvx'))

    def test_hybrid(self):
        arr = model.load_profile('vmax3-hybrid').arrays[base.HYBRID]
        self.assertEqual(('VMAX200K', False), (arr.model, arr.all_flash))
        levels = []
        for slo, _workload in arr.pools['SRP_1'].settings:
            if slo not in levels:
                levels.append(slo)
        self.assertEqual(['Diamond', 'Platinum', 'Gold', 'Silver',
                          'Bronze', 'Optimized'], levels)

    def test_vmax2(self):
        arr = model.load_profile('vmax2').arrays[base.V2]
        self.assertEqual(
            ('VMAX2', 'VMAX40K', '5876.286.194', 'SYMMETRIX+000195900551',
             True, False, True),
            (arr.family, arr.model, arr.microcode, arr.system_name,
             arr.percent_synced, arr.licensed('snapvx'),
             arr.licensed('clone')))
        self.assertEqual({'FC_Pool': o.POOL_THIN, 'SATA_Pool': o.POOL_THIN},
                         {n: p.kind for n, p in arr.pools.items()})
        self.assertEqual(['FC_Pool', 'SATA_Pool'],
                         arr.fast_policies['GOLD1'].pools())
        self.assertEqual(['SATA_Pool'], arr.fast_policies['SILVER1'].pools())
        self.assertEqual(1, len(arr.port_groups))

    def test_srdf_pair(self):
        estate = model.load_profile('srdf-pair')
        self.assertEqual([base.V3, base.V3_REMOTE], list(estate.arrays))
        for serial, other in ((base.V3, base.V3_REMOTE),
                              (base.V3_REMOTE, base.V3)):
            group = estate.arrays[serial].rdf_groups[10]
            self.assertEqual(('os-rdf-1', 10, other, 10),
                             (group.label, group.number,
                              group.remote_serial, group.remote_number))
            self.assertIn('SRP_1', estate.arrays[serial].pools)
            self.assertTrue(estate.arrays[serial].port_groups)

    def test_bare_name_and_path_resolve_to_the_same_file(self):
        path = profiles.profile_path('vmax2')
        self.assertTrue(path.endswith(os.path.join('etc', 'vmax_sim',
                                                   'vmax2.yaml')))
        self.assertEqual(path, profiles.profile_path(path))
        for name in ('srdf-pair', 'vmax2', 'vmax3-allflash',
                     'vmax3-hybrid'):
            self.assertIn(name, profiles.available_profiles())
        self.assertRaises(FileNotFoundError, profiles.profile_path, 'nope')

    def test_clock_override(self):
        estate = model.load_profile('vmax2', clock=model.Clock(start=5.0))
        self.assertEqual(5.0, estate.now())

    def test_pre_created_objects(self):
        data = _allflash_data()
        arr = data['arrays'][0]
        arr['hardware_ids'] = [{'storage_id': base.IQN_HOST, 'id_type': 5}]
        arr['initiator_groups'] = [{'name': 'foreign-IG',
                                    'hardware_ids': [base.IQN_HOST]}]
        arr['storage_groups'] = [{'name': 'foreign-SG', 'srp': 'SRP_1',
                                  'slo': 'Diamond', 'workload': 'DSS',
                                  'iops': 500}]
        arr['devices'] = [
            {'label': 'foreign-{index}', 'size_gib': 5, 'count': 2,
             'storage_group': 'foreign-SG'},
            {'label': 'pinned', 'size_gib': 1, 'device_id': '0ABC0'}]
        arr['masking_views'] = [{'name': 'foreign-MV',
                                 'storage_group': 'foreign-SG',
                                 'initiator_group': 'foreign-IG',
                                 'port_group': 'OS-PG-iSCSI-B'}]
        estate = profiles.build_estate(data)
        array = estate.arrays[base.V3]
        self.assertEqual(['foreign-0', 'foreign-1', 'pinned'],
                         [d.label for d in array.devices.values()])
        self.assertEqual(['00100', '00101', '0ABC0'], list(array.devices))
        self.assertEqual({'00100': 1, '00101': 2},
                         array.masking_views['foreign-MV'].luns)
        self.assertEqual(500,
                         array.storage_groups['foreign-SG']
                         .host_io_limit_iops)
        self.assertEqual(11 * GIB,
                         array.pool_usage('SRP_1').subscribed_bytes)
        # Pinned ids leave the gap free for later creates.
        self.assertEqual([0x102], array.lowest_free_device_ids(1))

    def test_profile_breaking_a_rule_is_refused(self):
        data = _allflash_data()
        data['arrays'][0]['storage_groups'] = [
            {'name': 'bad', 'srp': 'SRP_1', 'slo': 'Gold'}]
        exc = self.assertRaises(errors.ArrayError, profiles.build_estate,
                                data)
        self.assertEqual(errors.slo_not_offered('SRP_1', 'Gold', None),
                         exc.message)


def _allflash_data():
    with open(profiles.profile_path('vmax3-allflash')) as src:
        return yaml.safe_load(src)
