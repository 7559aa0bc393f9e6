"""Connection and discovery exactly as smis-protocol.md section 2 does it,
through the real pywbem client."""

from tests.sim import test_cim_base as base


class DiscoveryVmax3Test(base.CimTestCase):

    def test_storage_system_and_versions(self):
        system = self.system()
        self.assertEqual('SYMMETRIX-+-000197800123', system['Name'])
        self.assertEqual('Symm_StorageSystem', system.classname)
        # SMI-S version: first SE_ManagementServerSoftwareIdentity.
        identity = self.conn.EnumerateInstances(
            'SE_ManagementServerSoftwareIdentity')[0]
        version = int('%d%d%d' % (identity['MajorVersion'],
                                  identity['MinorVersion'],
                                  identity['RevisionNumber']))
        self.assertEqual(830, version)
        # VMAX3 test: the array software identity's VersionString.
        names = [n for n in self.conn.EnumerateInstanceNames(
            'symm_storageSystemsoftwareidentity')
            if self.serial in n['InstanceID']]
        self.assertEqual(1, len(names))
        version_string = self.conn.GetInstance(names[0])['VersionString']
        self.assertEqual('5977.1125.1125', version_string)
        self.assertGreaterEqual(int(version_string.split('.')[0]), 5900)
        # All Flash: chassis Model.
        chassis = [n for n in self.conn.EnumerateInstanceNames(
            'Symm_ArrayChassis') if self.serial in n['Tag']]
        self.assertEqual('VMAX250F',
                         self.conn.GetInstance(chassis[0])['Model'])

    def test_services_found_by_system_name(self):
        system = self.system()
        for classname in ('EMC_StorageConfigurationService',
                          'EMC_ControllerConfigurationService',
                          'EMC_ReplicationService',
                          'EMC_StorageHardwareIDManagementService'):
            service = self.service(classname)
            self.assertTrue(service.classname.startswith('Symm_'))
            hosts = self.conn.AssociatorNames(service,
                                              AssocClass='CIM_HostedService')
            self.assertEqual([system.keybindings],
                             [h.keybindings for h in hosts])
        # VMAX2-only services are absent on a VMAX3 array.
        self.assertEqual([], self.conn.EnumerateInstanceNames(
            'Symm_ElementCompositionService'))

    def test_pool_capabilities_settings_and_size_range(self):
        system = self.system()
        srps = self.conn.AssociatorNames(system,
                                         ResultClass='Symm_SRPStoragePool')
        self.assertEqual(1, len(srps))
        srp = self.conn.GetInstance(srps[0], LocalOnly=False)
        self.assertEqual('SRP_1', srp['ElementName'])
        self.assertEqual(
            'SYMMETRIX-+-000197800123-+-SR-+-SRP_1', srp['InstanceID'])
        self.assertEqual(50 * 1024 * base.GIB, srp['TotalManagedSpace'])
        self.assertEqual(10, srp['EMCPercentReservedCapacity'])
        caps = self.conn.AssociatorNames(
            srps[0], ResultClass='Symm_StoragePoolCapabilities')
        self.assertEqual(1, len(caps))
        settings = self.conn.AssociatorNames(
            caps[0], ResultClass='CIM_storageSetting')
        ids = sorted(s['InstanceID'] for s in settings)
        self.assertEqual(6, len(ids))
        wanted = ('SYMMETRIX-+-000197800123-+-SDiamond:OLTP-+-F-+-0-+-SR'
                  '-+-SRP_1')
        self.assertIn(wanted, ids)
        self.assertIn('SYMMETRIX-+-000197800123-+-SOptimized:NONE-+-F-+-0'
                      '-+-SR-+-SRP_1', ids)
        goal = [s for s in settings if s['InstanceID'] == wanted][0]
        rc, out = self.invoke('GetSupportedSizeRange', srps[0],
                              ElementType=base.U16(3), Goal=goal)
        self.assertEqual(0, rc)
        self.assertEqual(3, out['EMCInformationSource'])
        free = self.estate.arrays[self.serial].pool_usage('SRP_1').free_bytes
        self.assertEqual(free, out['EMCRemainingSLOCapacity'])
        self.assertIsInstance(out['EMCRemainingSLOCapacity'], base.U64)

    def test_replication_capabilities_and_default_settings(self):
        system = self.system()
        caps = [n for n in self.conn.EnumerateInstanceNames(
            'CIM_ReplicationServiceCapabilities')
            if system['Name'] in n['InstanceID']]
        self.assertEqual(1, len(caps))
        types = self.conn.GetInstance(caps[0])['SupportedReplicationTypes']
        self.assertEqual([6, 7], list(types))
        rsd_caps = self.conn.AssociatorNames(
            self.rs(), ResultClass='CIM_ReplicationServiceCapabilities',
            AssocClass='CIM_ElementCapabilities')
        self.assertEqual([caps[0].keybindings],
                         [c.keybindings for c in rsd_caps])
        rc, out = self.invoke('GetDefaultReplicationSettingData',
                              rsd_caps[0], ReplicationType=base.U16(6))
        self.assertEqual(0, rc)
        rsd = out['DefaultInstance']
        self.assertEqual('SE_ReplicationSettingData', rsd.classname)
        self.assertEqual(0, rsd['TargetElementSupplier'])

    def test_iscsi_endpoints_through_port_group(self):
        ccs = self.ccs()
        pgs = [pg for pg in self.conn.Associators(
            ccs, ResultClass='CIM_TargetMaskingGroup')
            if pg['ElementName'] == 'OS-PG-iSCSI-A']
        self.assertEqual(1, len(pgs))
        endpoints = self.conn.AssociatorNames(
            pgs[0].path, AssocClass='CIM_MemberOfCollection')
        self.assertEqual(2, len(endpoints))
        found = []
        for endpoint in endpoints:
            tcps = self.conn.AssociatorNames(endpoint,
                                             AssocClass='CIM_BindsTo')
            self.assertEqual(1, len(tcps))
            self.assertIn('TCPProtocolEndpoint', tcps[0].classname)
            ends = self.conn.AssociatorNames(tcps[0],
                                             AssocClass='CIM_BindsTo')
            result = {}
            for name in ends:
                if 'iSCSIProtocolEndpoint' in name['CreationClassName']:
                    result['iqn'] = self.conn.GetInstance(name)['Name']
                elif 'IPProtocolEndpoint' in name['CreationClassName']:
                    result['ip'] = self.conn.GetInstance(name)['IPv4Address']
            found.append(result)
        self.assertEqual(
            [{'ip': '192.0.2.11',
              'iqn': 'iqn.1992-04.com.emc:600009700bca30c01e3e012e00000001'
                     ',t,0x0001'},
             {'ip': '192.0.2.12',
              'iqn': 'iqn.1992-04.com.emc:600009700bca30c01e3e012e00000002'
                     ',t,0x0001'}],
            sorted(found, key=lambda r: r['ip']))

    def test_discovery_round_trips_are_counted(self):
        self.sim.calls.reset()
        self.system()
        self.scs()
        self.assertEqual(3, self.sim.calls.total)
        self.assertEqual(3, self.sim.calls.count('EnumerateInstanceNames'))
        self.assertEqual(
            1, self.sim.calls.count('EnumerateInstanceNames',
                                    'EMC_StorageConfigurationService'))
        self.assertEqual([1, 2, 3],
                         [r.seq for r in self.sim.calls.records])


class DiscoveryVmax2Test(base.CimTestCase):
    """SE 7.x style array: ``SYMMETRIX+`` names, thin pools, FAST."""

    profile = 'vmax2'
    serial = base.V2

    def test_plus_style_names_and_enginuity(self):
        system = self.system()
        self.assertEqual('SYMMETRIX+000195900551', system['Name'])
        identity = self.conn.EnumerateInstances(
            'SE_ManagementServerSoftwareIdentity')[0]
        self.assertEqual((7, 6, 2), (identity['MajorVersion'],
                                     identity['MinorVersion'],
                                     identity['RevisionNumber']))
        software = self.conn.EnumerateInstances(
            'Symm_StorageSystemSoftwareIdentity')[0]
        self.assertEqual('5876.286.194', software['VersionString'])
        pools = self.conn.AssociatorNames(
            system, ResultClass='EMC_VirtualProvisioningPool')
        self.assertEqual(
            ['SYMMETRIX+000195900551+TP+FC_Pool',
             'SYMMETRIX+000195900551+TP+SATA_Pool'],
            sorted(p['InstanceID'] for p in pools))
        pool = self.conn.GetInstance(pools[0])
        self.assertEqual(150, pool['EMCMaxSubscriptionPercent'])
        caps = self.conn.EnumerateInstances(
            'CIM_ReplicationServiceCapabilities')
        self.assertEqual([10], list(caps[0]['SupportedReplicationTypes']))

    def test_vmax2_services_and_fast_policy_objects(self):
        for classname in ('Symm_ElementCompositionService',
                          'Symm_StorageRelocationService'):
            self.service(classname)
        tier_service = self.conn.AssociatorNames(
            self.system(), ResultClass='Symm_TierPolicyService',
            AssocClass='CIM_HostedService')
        self.assertEqual(1, len(tier_service))
        caps = self.conn.Associators(
            tier_service[0], ResultClass='CIM_TierPolicyServiceCapabilities')
        self.assertTrue(caps[0]['SupportsTieringPolicies'])
        rules = {n['PolicyRuleName']: n for n in
                 self.conn.EnumerateInstanceNames('Symm_TierPolicyRule')}
        self.assertEqual(['GOLD1', 'SILVER1'], sorted(rules))
        tiers = self.conn.AssociatorNames(
            rules['GOLD1'], AssocClass='CIM_AssociatedTierPolicy')
        self.assertEqual(2, len(tiers))
        pools = set()
        for tier in tiers:
            for pool in self.conn.AssociatorNames(
                    tier, AssocClass='CIM_MemberOfCollection',
                    ResultClass='CIM_StoragePool'):
                pools.add(self.conn.GetInstance(pool)['ElementName'])
        self.assertEqual({'FC_Pool', 'SATA_Pool'}, pools)
