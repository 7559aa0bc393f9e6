"""Every operation, through the real pywbem client, on both transports.

The same tests run through the in-process adapter (full CIM-XML, no
socket) and over HTTP to a served simulator; both must give the same
answers and the same array state.
"""

import pywbem
import testtools

from tests.sim import test_wire_support as support


class _RoundTripTests(object):
    """Mixed into a TestCase whose setUp sets sim, conn and host."""

    def _reply(self):
        return self.conn.last_raw_reply

    # -- enumerations and gets ------------------------------------------------

    def test_enumerate_instance_names_of_a_parent_class(self):
        names = self.conn.EnumerateInstanceNames(
            'EMC_StorageConfigurationService')
        self.assertEqual([support.storage_configuration_service()], names)
        self.assertNotIn('/>', self._reply())

    def test_enumerate_instances_returns_subclass_instances_with_path(self):
        pools = self.conn.EnumerateInstances('CIM_StoragePool')
        self.assertEqual([support.srp_path()],
                         [self._local(p.path) for p in pools])
        self.assertEqual('SRP_1', pools[0]['ElementName'])
        self.assertIsInstance(pools[0]['TotalManagedSpace'], pywbem.Uint64)

    def test_get_instance_with_property_list(self):
        inst = self.conn.GetInstance(support.system_path(),
                                     PropertyList=['ElementName'])
        self.assertEqual({'ElementName': support.SERIAL}, dict(inst.items()))
        self.assertEqual(support.system_path(), inst.path)

    def test_missing_object_answers_not_found(self):
        missing = support.group_path('no_such_group')
        error = self.assertRaises(pywbem.CIMError, self.conn.GetInstance,
                                  missing)
        self.assertEqual(pywbem.CIM_ERR_NOT_FOUND, error.status_code)
        self.assertNotIn('/>', self._reply())

    def test_unknown_class_answers_invalid_class(self):
        error = self.assertRaises(pywbem.CIMError,
                                  self.conn.EnumerateInstanceNames,
                                  'Symm_NoSuchThing')
        self.assertEqual(pywbem.CIM_ERR_INVALID_CLASS, error.status_code)

    def test_create_and_delete_instance_are_not_supported(self):
        new = pywbem.CIMInstance('SE_DeviceMaskingGroup',
                                 {'InstanceID': 'x', 'ElementName': 'x'})
        for call, arg in ((self.conn.CreateInstance, new),
                          (self.conn.DeleteInstance,
                           support.storage_configuration_service())):
            error = self.assertRaises(pywbem.CIMError, call, arg)
            self.assertEqual(pywbem.CIM_ERR_NOT_SUPPORTED, error.status_code)

    # -- associations ---------------------------------------------------------

    def test_associators_carry_the_server_host(self):
        services = self.conn.Associators(
            support.system_path(), AssocClass='CIM_HostedService',
            ResultClass='CIM_StorageConfigurationService')
        self.assertEqual(1, len(services))
        path = services[0].path
        self.assertEqual((self.host, support.NS),
                         (path.host, path.namespace))
        self.assertEqual(support.storage_configuration_service(),
                         self._local(path))

    def test_associator_names_and_reference_names(self):
        names = self.conn.AssociatorNames(
            support.system_path(), AssocClass='CIM_HostedStoragePool')
        self.assertEqual([support.srp_path()],
                         [self._local(n) for n in names])
        refs = self.conn.ReferenceNames(
            support.srp_path(), ResultClass='CIM_HostedStoragePool')
        self.assertEqual(1, len(refs))
        # Reference keys are full paths with the server's host too.
        self.assertEqual(self.host, refs[0]['GroupComponent'].host)
        self.assertEqual(support.system_path(),
                         self._local(refs[0]['GroupComponent']))

    def test_references_returns_association_instances(self):
        refs = self.conn.References(support.srp_path(),
                                    ResultClass='CIM_HostedStoragePool')
        self.assertEqual(['CIM_HostedStoragePool'],
                         [r.classname for r in refs])
        self.assertEqual(support.srp_path(),
                         self._local(refs[0]['PartComponent']))

    def test_paths_returned_by_the_server_work_as_input(self):
        # Clients send back what they got, host included.
        pool = self.conn.AssociatorNames(
            support.system_path(), ResultClass='CIM_StoragePool')[0]
        self.assertEqual(self.host, pool.host)
        self.assertEqual('SRP_1',
                         self.conn.GetInstance(pool)['ElementName'])

    # -- class operations -----------------------------------------------------

    def test_class_operations(self):
        klass = self.conn.GetClass('Symm_StorageVolume',
                                   IncludeQualifiers=True, LocalOnly=False)
        self.assertEqual('EMC_StorageVolume', klass.superclass)
        self.assertIn('DeviceID', klass.properties)
        self.assertNotIn('/>', self._reply())
        names = self.conn.EnumerateClassNames(
            ClassName='CIM_StorageVolume', DeepInheritance=True)
        self.assertIn('Symm_StorageVolume', names)
        classes = self.conn.EnumerateClasses(ClassName='EMC_StorageVolume')
        self.assertEqual(['Symm_StorageVolume'],
                         [c.classname for c in classes])
        quals = self.conn.EnumerateQualifiers()
        self.assertIn('Key', [q.name for q in quals])
        self.assertNotIn('/>', self._reply())
        method = self.conn.GetClass(
            'Symm_ReplicationService', LocalOnly=False).methods[
                'CreateElementReplica']
        rsd = method.parameters['ReplicationSettingData']
        # DSP0201 PARAMETER has no EmbeddedObject attribute: the
        # qualifier is what tells a client.
        self.assertEqual(('string', 'SE_ReplicationSettingData'),
                         (rsd.type, rsd.qualifiers['EmbeddedInstance'].value))

    def test_get_qualifier(self):
        decl = self.conn.GetQualifier('Key')
        self.assertEqual(('Key', 'boolean'), (decl.name, decl.type))
        self.assertTrue(decl.scopes['PROPERTY'])

    def test_class_level_associations(self):
        names = self.conn.AssociatorNames('Symm_StorageSystem',
                                          AssocClass='CIM_HostedService')
        self.assertTrue(names)
        self.assertTrue(all(isinstance(n, pywbem.CIMClassName) and
                            n.host == self.host for n in names))
        pairs = self.conn.References('Symm_StorageSystem',
                                     ResultClass='CIM_HostedService')
        self.assertEqual(['CIM_HostedService'],
                         [klass.classname for _, klass in pairs])
        self.assertEqual(self.host, pairs[0][0].host)

    def test_operations_the_provider_does_not_offer(self):
        calls = [
            lambda: self.conn.ExecQuery('WQL', 'SELECT * FROM CIM_Service'),
            lambda: self.conn.OpenQueryInstances(
                'DMTF:CQL', 'SELECT * FROM CIM_Service'),
            lambda: self.conn.CreateClass(pywbem.CIMClass('Symm_New')),
            lambda: self.conn.DeleteClass('Symm_StorageVolume'),
            lambda: self.conn.SetQualifier(
                pywbem.CIMQualifierDeclaration('New', 'string')),
            lambda: self.conn.DeleteQualifier('Key'),
        ]
        for call in calls:
            error = self.assertRaises(pywbem.CIMError, call)
            self.assertEqual(pywbem.CIM_ERR_NOT_SUPPORTED, error.status_code)

    # -- pull operations ------------------------------------------------------

    def test_pull_enumeration_pages_by_max_object_count(self):
        settings = self.conn.EnumerateInstances('Symm_StoragePoolSetting')
        self.assertEqual(6, len(settings))
        first = self.conn.OpenEnumerateInstances('Symm_StoragePoolSetting',
                                                 MaxObjectCount=4)
        self.assertEqual((4, False), (len(first.instances), first.eos))
        self.assertEqual(self.host, first.instances[0].path.host)
        rest = self.conn.PullInstancesWithPath(first.context, 4)
        self.assertEqual((2, True, None),
                         (len(rest.instances), rest.eos, rest.context))
        self.assertEqual(
            sorted(i['InstanceID'] for i in settings),
            sorted(i['InstanceID'] for i in
                   first.instances + rest.instances))

    def test_open_without_max_object_count_answers_everything(self):
        result = self.conn.OpenEnumerateInstancePaths(
            'Symm_StoragePoolSetting')
        self.assertEqual((6, True), (len(result.paths), result.eos))

    def test_iter_operations_use_pull_and_close(self):
        paths = list(self.conn.IterEnumerateInstancePaths(
            'CIM_StoragePoolSetting', MaxObjectCount=5))
        self.assertEqual(6, len(paths))
        assoc = list(self.conn.IterAssociatorInstances(
            support.system_path(), AssocClass='CIM_HostedService',
            MaxObjectCount=1))
        self.assertEqual(4, len(assoc))
        refs = list(self.conn.IterReferenceInstancePaths(
            support.srp_path(), MaxObjectCount=1))
        self.assertEqual(
            len(self.conn.ReferenceNames(support.srp_path())), len(refs))
        opened = self.conn.OpenReferenceInstances(
            support.system_path(), MaxObjectCount=1)
        self.assertFalse(opened.eos)
        self.conn.CloseEnumeration(opened.context)
        error = self.assertRaises(pywbem.CIMError,
                                  self.conn.PullInstancesWithPath,
                                  opened.context, 1)
        self.assertEqual(pywbem.CIM_ERR_INVALID_ENUMERATION_CONTEXT,
                         error.status_code)

    def test_filtered_enumeration_is_refused(self):
        error = self.assertRaises(
            pywbem.CIMError, self.conn.OpenEnumerateInstances,
            'CIM_StoragePool', FilterQueryLanguage='DMTF:FQL',
            FilterQuery="ElementName = 'SRP_1'")
        self.assertEqual(pywbem.CIM_ERR_FILTERED_ENUMERATION_NOT_SUPPORTED,
                         error.status_code)

    # -- changes --------------------------------------------------------------

    def test_extrinsic_method_creates_a_volume(self):
        rc, out = support.create_volume(self.conn, 'wire_vol_1', size_gib=2)
        self.assertIsInstance(rc, pywbem.Uint32)
        self.assertIn(rc, (0, 4096))
        self.assertEqual(['wire_vol_1'], support.volume_names(self.sim))
        self.assertEqual(2 * support.GIB, out['Size'])
        self.assertIsInstance(out['Size'], pywbem.Uint64)
        volume = out['TheElement']
        self.assertEqual((self.host, 'Symm_StorageVolume'),
                         (volume.host, volume.classname))
        self.assertEqual('wire_vol_1',
                         self.conn.GetInstance(volume)['ElementName'])
        self.assertNotIn('/>', self._reply())
        # The job reference works as an input path as well.
        affected = self.conn.AssociatorNames(
            out['Job'], ResultClass='EMC_StorageVolume')
        self.assertEqual([self._local(volume)],
                         [self._local(a) for a in affected])

    def test_inbound_references_with_any_host_match(self):
        pool = support.srp_path()
        pool.host = 'elsewhere.example:5989'
        rc, out = support.create_volume(self.conn, 'wire_vol_host', pool=pool)
        self.assertIn(rc, (0, 4096))
        # The association made from that reference is found again.
        pools = self.conn.AssociatorNames(
            out['TheElement'], AssocClass='CIM_AllocatedFromStoragePool')
        self.assertEqual([support.srp_path()],
                         [self._local(p) for p in pools])

    def test_wrong_parameter_type_answers_invalid_parameter(self):
        error = self.assertRaises(
            pywbem.CIMError, self.conn.InvokeMethod,
            'CreateGroup', support.controller_configuration_service(),
            GroupName='sg_bad', Type=pywbem.Uint32(4))
        self.assertEqual(pywbem.CIM_ERR_INVALID_PARAMETER, error.status_code)
        self.assertEqual([], support.group_names(self.sim))

    def test_modify_instance_renames_a_volume(self):
        _, out = support.create_volume(self.conn, 'before_rename')
        volume = self.conn.GetInstance(out['TheElement'])
        volume['ElementName'] = 'after_rename'
        self.conn.ModifyInstance(volume, PropertyList=['ElementName'])
        self.assertEqual(['after_rename'], support.volume_names(self.sim))

    def test_embedded_instances_in_and_out(self):
        _, out = support.create_volume(self.conn, 'snap_source')
        source = out['TheElement']
        caps = self.conn.AssociatorNames(
            support.replication_service(),
            AssocClass='CIM_ElementCapabilities',
            ResultClass='CIM_ReplicationServiceCapabilities')[0]
        rc, defaults = self.conn.InvokeMethod(
            'GetDefaultReplicationSettingData', caps,
            ReplicationType=pywbem.Uint16(6))
        self.assertEqual(0, rc)
        rsd = defaults['DefaultInstance']
        self.assertIsInstance(rsd, pywbem.CIMInstance)
        self.assertEqual('SE_ReplicationSettingData', rsd.classname)
        rsd['TargetElementSupplier'] = pywbem.Uint16(2)
        rc, out = self.conn.InvokeMethod(
            'CreateElementReplica', support.replication_service(),
            ElementName='snap_target', SyncType=pywbem.Uint16(7),
            SourceElement=source, ReplicationSettingData=rsd)
        self.assertIn(rc, (0, 4096))
        self.assertEqual(['snap_source', 'snap_target'],
                         support.volume_names(self.sim))
        pair = self.conn.GetInstance(out['Synchronization'])
        self.assertEqual(7, pair['SyncType'])
        self.assertEqual(self._local(source),
                         self._local(pair['SystemElement']))

    # -- faults as the client sees them ---------------------------------------

    def test_dropped_connection_is_a_connection_error(self):
        self.sim.faults.add('drop_connection', operation='GetInstance')
        error = self.assertRaises(pywbem.ConnectionError,
                                  self.conn.GetInstance, support.srp_path())
        self.assertIn('Connection aborted', str(error))
        # The next call gets through: the fault fired once.
        self.assertEqual('SRP_1',
                         self.conn.GetInstance(support.srp_path())[
                             'ElementName'])

    def test_drop_after_execution_leaves_the_change(self):
        self.sim.faults.add('drop_connection', method='CreateGroup',
                            executed=True)
        self.assertRaises(pywbem.ConnectionError,
                          support.create_storage_group, self.conn, 'sg_drop')
        self.assertEqual(['sg_drop'], support.group_names(self.sim))

    def test_hang_beyond_the_timeout_is_a_read_timeout(self):
        conn = self.connect(timeout=self.short_timeout)
        self.sim.faults.add('hang', operation='EnumerateInstanceNames',
                            seconds=self.short_timeout * 2)
        error = self.assertRaises(pywbem.ConnectionError,
                                  conn.EnumerateInstanceNames,
                                  'CIM_StoragePool')
        self.assertIn('Read timed out', str(error))

    def test_hang_shorter_than_the_timeout_is_an_aborted_connection(self):
        conn = self.connect(timeout=30)
        self.sim.faults.add('hang', operation='EnumerateInstanceNames',
                            seconds=0.05)
        error = self.assertRaises(pywbem.ConnectionError,
                                  conn.EnumerateInstanceNames,
                                  'CIM_StoragePool')
        self.assertIn('Connection aborted', str(error))

    # -- auth -----------------------------------------------------------------

    def test_wrong_password_is_an_auth_error(self):
        conn = self.connect(creds=(support.USER, 'wrong'))
        self.assertRaises(pywbem.AuthError, conn.EnumerateInstanceNames,
                          'CIM_StoragePool')
        self.assertEqual(0, self.sim.calls.count())

    @staticmethod
    def _local(path):
        local = path.copy()
        local.host = None
        for key, value in local.keybindings.items():
            if isinstance(value, pywbem.CIMInstanceName):
                local.keybindings[key] = _RoundTripTests._local(value)
        return local


class AdapterRoundTripTest(_RoundTripTests, testtools.TestCase):
    """In-process: a real WBEMConnection with the requests adapter."""

    host = 'vmax-sim.test:5988'
    short_timeout = 1

    def setUp(self):
        super().setUp()
        self.sim = support.new_simulator()
        self.sim.credentials = (support.USER, support.PASSWORD)
        self.conn = self.connect()
        self.sim.calls.reset()

    def connect(self, creds=(support.USER, support.PASSWORD), **kwargs):
        return self.sim.connection(url='http://' + self.host, creds=creds,
                                   **kwargs)

    def test_no_time_passes_for_a_hang(self):
        import time
        conn = self.connect(timeout=600)
        self.sim.faults.add('hang', operation='GetInstance', seconds=3600)
        started = time.monotonic()
        self.assertRaises(pywbem.ConnectionError, conn.GetInstance,
                          support.srp_path())
        self.assertLess(time.monotonic() - started, 5)


class HttpRoundTripTest(_RoundTripTests, testtools.TestCase):
    """Over a socket: a served simulator and a plain WBEMConnection."""

    short_timeout = 0.3

    def setUp(self):
        super().setUp()
        self.sim = support.new_simulator()
        self.server = self.useFixture(support.ServedSimulator(
            self.sim, user=support.USER, password=support.PASSWORD))
        self.host = self.server.url.split('://', 1)[1]
        self.conn = self.connect()
        self.sim.calls.reset()

    def connect(self, creds=(support.USER, support.PASSWORD), **kwargs):
        return self.server.connection(creds, **kwargs)
