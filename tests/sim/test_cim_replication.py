"""Replication: SnapVX with an array-created target, clone with
WaitForCopyState, dissolve, SRDF pair and failover, consistency groups;
and the version switch for PercentSynced."""

import pywbem

from tests.sim import test_cim_base as base
from vmax_sim.model import objects as o

SG_NAME = 'OS-SRP_1-Diamond-OLTP-SG'


class SnapVxTest(base.CimTestCase):

    def setUp(self):
        super().setUp()
        self.sg, self.source = self.volume_in_sg('OS-src', gib=10)

    def _rsd(self):
        caps = self.conn.AssociatorNames(
            self.rs(), ResultClass='CIM_ReplicationServiceCapabilities',
            AssocClass='CIM_ElementCapabilities')
        rc, out = self.invoke('GetDefaultReplicationSettingData', caps[0],
                              ReplicationType=base.U16(6))
        self.assertEqual(0, rc)
        rsd = out['DefaultInstance']
        rsd['TargetElementSupplier'] = base.U16(2)
        return rsd

    def _pair(self, target):
        pairs = self.conn.ReferenceNames(
            target, ResultClass='SE_StorageSynchronized_SV_SV')
        self.assertEqual(1, len(pairs))
        return pairs[0]

    def test_snapshot_with_array_created_target(self):
        before = self.sim.snapshot()
        rc, out = self.invoke('CreateElementReplica', self.rs(),
                              ElementName='OS-snap1',
                              SyncType=base.U16(7),
                              SourceElement=self.source,
                              ReplicationSettingData=self._rsd(),
                              Collections=[self.sg],
                              WaitForCopyState=base.U16(4))
        self.assertEqual(4096, rc)
        # 10 GiB at 1024 MiB/s: the job runs until the copy is synced.
        job = self.conn.GetInstance(out['Job'])
        self.assertEqual(4, job['JobState'])
        self.assertEqual([2], list(job['OperationalStatus']))
        pair = self.conn.GetInstance(out['Synchronization'])
        self.assertEqual((7, 3), (pair['SyncType'], pair['CopyState']))
        self.assertNotIn('PercentSynced', pair.properties)
        self.assertEqual('OS-snap1', pair['EMCRelationshipName'])
        self.sim.clock.advance(5)
        self.assertEqual(4, self.conn.GetInstance(out['Job'])['JobState'])
        self.sim.clock.advance(6)
        job = self.conn.GetInstance(out['Job'])
        self.assertEqual((7, 0), (job['JobState'], job['ErrorCode']))
        self.assertEqual(4, self.conn.GetInstance(
            out['Synchronization'])['CopyState'])
        # The job is associated with the new target only.
        self.assertEqual([out['TargetElement'].keybindings],
                         [v.keybindings for v in self.job_volumes(out)])
        target = self.conn.GetInstance(out['TargetElement'])
        self.assertEqual('OS-snap1', target['ElementName'])
        self.assertEqual(10 * base.GIB,
                         target['ConsumableBlocks'] * target['BlockSize'])
        self.assertEqual(out['Synchronization'].keybindings,
                         self._pair(out['TargetElement']).keybindings)
        groups = self.conn.AssociatorNames(
            out['TargetElement'], ResultClass='CIM_DeviceMaskingGroup')
        self.assertEqual([self.sg.keybindings],
                         [g.keybindings for g in groups])
        diff = self.sim.diff(before)
        self.assertEqual(1, len(diff.created_keys(o.KIND_DEVICE)))
        self.assertEqual(1, len(diff.created_keys(o.KIND_RELATIONSHIP)))

    def test_dissolve_refused_while_copying_unless_forced(self):
        rc, out = self.invoke('CreateElementReplica', self.rs(),
                              ElementName='OS-snap2', SyncType=base.U16(7),
                              SourceElement=self.source,
                              ReplicationSettingData=self._rsd(),
                              Collections=[self.sg])
        self.assertEqual(4096, rc)
        # Without WaitForCopyState the job completes before the copy.
        self.assertEqual(7, self.conn.GetInstance(out['Job'])['JobState'])
        before = self.sim.snapshot()
        exc = self.assertCIMError(
            pywbem.CIM_ERR_FAILED, self.invoke,
            'ModifyReplicaSynchronization', self.rs(),
            Operation=base.U16(9), Synchronization=out['Synchronization'],
            Force=False)
        self.assertIn('the copy is in progress', exc.status_description)
        self.assertFalse(self.sim.diff(before))
        self.sim.clock.advance(20)
        self.invoke_ok('ModifyReplicaSynchronization', self.rs(),
                       Operation=base.U16(9),
                       Synchronization=out['Synchronization'])
        self.assertCIMError(pywbem.CIM_ERR_NOT_FOUND, self.conn.GetInstance,
                            out['Synchronization'])
        self.assertEqual([], self.conn.ReferenceNames(
            out['TargetElement'], ResultClass='SE_StorageSynchronized_SV_SV'))

    def test_clone_to_existing_target_then_dissolve(self):
        target = self.create_volume_in_sg(self.sg, 'OS-clone', gib=10)
        rc, out = self.invoke('CreateElementReplica', self.rs(),
                              ElementName='OS-clone', SyncType=base.U16(7),
                              SourceElement=self.source,
                              TargetElement=target,
                              WaitForCopyState=base.U16(4))
        self.assertEqual(4096, rc)
        job = self.wait_job(out)
        self.assertEqual(7, job['JobState'])
        # The pair name a client builds itself resolves.
        pair = pywbem.CIMInstanceName(
            'SE_StorageSynchronized_SV_SV', namespace='root/emc',
            keybindings={'SyncedElement': target,
                         'SystemElement': self.source})
        self.assertEqual(4, self.conn.GetInstance(pair)['CopyState'])
        self.invoke_ok('ModifyReplicaSynchronization', self.rs(),
                       Operation=base.U16(9), Synchronization=pair,
                       Force=False)
        self.assertEqual([], self.conn.ReferenceNames(
            self.source, ResultClass='SE_StorageSynchronized_SV_SV'))

    def test_snapshot_needs_target_or_settings(self):
        self.assertCIMError(pywbem.CIM_ERR_INVALID_PARAMETER, self.invoke,
                            'CreateElementReplica', self.rs(),
                            ElementName='OS-x', SyncType=base.U16(7),
                            SourceElement=self.source)

    def test_delete_of_paired_source_is_refused(self):
        self.invoke_ok('CreateElementReplica', self.rs(),
                       ElementName='OS-snap3', SyncType=base.U16(7),
                       SourceElement=self.source,
                       ReplicationSettingData=self._rsd(),
                       Collections=[self.sg], WaitForCopyState=base.U16(4))
        self.invoke_ok('RemoveMembers', self.ccs(), MaskingGroup=self.sg,
                       Members=[self.source])
        exc = self.assertCIMError(
            pywbem.CIM_ERR_FAILED, self.invoke,
            'ReturnElementsToStoragePool', self.scs(),
            TheElements=[self.source])
        self.assertIn('Copy Session source', exc.status_description)

    def test_consistency_group_replica(self):
        target = self.create_volume_in_sg(self.sg, 'targetVol', gib=10)
        rs = self.rs()
        source_cg = self.invoke_ok('CreateGroup', rs,
                                   GroupName='cg-1')['ReplicationGroup']
        self.invoke_ok('AddMembers', rs, Members=[self.source],
                       ReplicationGroup=source_cg)
        target_cg = self.invoke_ok('CreateGroup', rs, GroupName='cg-1-snap',
                                   Members=[target])['ReplicationGroup']
        groups = self.conn.AssociatorNames(
            rs, ResultClass='CIM_ReplicationGroup')
        self.assertEqual(2, len(groups))
        members = self.conn.AssociatorNames(
            source_cg, AssocClass='CIM_OrderedMemberOfCollection')
        self.assertEqual([self.source.keybindings],
                         [m.keybindings for m in members])
        out = self.invoke_ok('CreateGroupReplica', rs,
                             RelationshipName='snap', SourceGroup=source_cg,
                             TargetGroup=target_cg, SyncType=base.U16(7),
                             WaitForCopyState=base.U16(4))
        pairs = [p for p in self.conn.EnumerateInstanceNames(
            'SE_GroupSynchronized_RG_RG')
            if p['SyncedElement']['InstanceID'] == target_cg['InstanceID']]
        self.assertEqual(1, len(pairs))
        self.assertEqual(out['Synchronization'].keybindings,
                         pairs[0].keybindings)
        self.assertEqual(4, self.conn.GetInstance(pairs[0])['CopyState'])
        self.invoke_ok('ModifyReplicaSynchronization', rs,
                       Operation=base.U16(9), Synchronization=pairs[0])
        self.assertEqual([], self.conn.EnumerateInstanceNames(
            'SE_GroupSynchronized_RG_RG'))
        self.invoke_ok('DeleteGroup', rs, ReplicationGroup=target_cg,
                       RemoveElements=True)
        self.assertEqual(1, len(self.conn.AssociatorNames(
            rs, ResultClass='CIM_ReplicationGroup')))


class CloneVmax2Test(base.CimTestCase):
    """VMAX2 TimeFinder clone; SE 7.x keeps PercentSynced."""

    profile = 'vmax2'
    serial = base.V2

    def test_clone_detach_and_percent_synced(self):
        pool = self.pool('FC_Pool', 'EMC_VirtualProvisioningPool')
        out = self.invoke_ok('CreateOrModifyElementFromStoragePool',
                             self.scs(), ElementName='OS-src',
                             ElementType=base.U16(5),
                             Size=base.U64(base.GIB), InPool=pool)
        source = out['TheElement']
        rc, out = self.invoke('CreateElementReplica', self.rs(),
                              ElementName='OS-clone', SyncType=base.U16(8),
                              SourceElement=source)
        self.assertEqual(4096, rc)
        pair = self.conn.GetInstance(out['Synchronization'])
        self.assertEqual(8, pair['SyncType'])
        self.assertEqual(0, pair['PercentSynced'])
        self.sim.clock.advance(2)          # 1 GiB at 256 MiB/s: half-way
        self.assertEqual(50, self.conn.GetInstance(
            out['Synchronization'])['PercentSynced'])
        self.sim.clock.advance(2)
        pair = self.conn.GetInstance(out['Synchronization'])
        self.assertEqual((100, 4), (pair['PercentSynced'],
                                    pair['CopyState']))
        self.invoke_ok('ModifyReplicaSynchronization', self.rs(),
                       Operation=base.U16(8),
                       Synchronization=out['Synchronization'], Force=True)
        self.assertEqual([], self.conn.EnumerateInstanceNames(
            'SE_StorageSynchronized_SV_SV'))
        target = self.conn.GetInstance(out['TargetElement'])
        self.assertEqual('OS-clone', target['ElementName'])

    def test_snapvx_is_not_offered(self):
        pool = self.pool('FC_Pool', 'EMC_VirtualProvisioningPool')
        out = self.invoke_ok('CreateOrModifyElementFromStoragePool',
                             self.scs(), ElementName='OS-src',
                             ElementType=base.U16(5),
                             Size=base.U64(base.GIB), InPool=pool)
        rsd = pywbem.CIMInstance('SE_ReplicationSettingData', properties={
            'TargetElementSupplier': base.U16(2)})
        exc = self.assertCIMError(
            pywbem.CIM_ERR_FAILED, self.invoke, 'CreateElementReplica',
            self.rs(), ElementName='OS-snap', SyncType=base.U16(7),
            SourceElement=out['TheElement'], ReplicationSettingData=rsd)
        self.assertEqual('SnapVX requires a VMAX3 array; 000195900551 is '
                         'not', exc.status_description)


class SrdfTest(base.CimTestCase):

    profile = 'srdf-pair'

    def test_pair_failover_failback_and_break(self):
        sg, source = self.volume_in_sg('OS-r1', gib=2)
        remote_sg = self.create_sg('OS-SRP_1-Diamond-OLTP-RE-SG',
                                   serial=base.V3_REMOTE, EMCSRP='SRP_1',
                                   EMCSLO='Diamond', EMCWorkload='OLTP')
        target = self.create_volume_in_sg(remote_sg, 'OS-r1', gib=2,
                                          serial=base.V3_REMOTE)
        self.assertIn(base.V3_REMOTE, target['SystemName'])
        rdf_groups = [g for g in self.conn.Associators(
            self.rs(), ResultClass='CIM_ConnectivityCollection')
            if g['ElementName'] == 'os-rdf-1']
        self.assertEqual(1, len(rdf_groups))
        self.assertEqual(
            'SYMMETRIX-+-000197800123-+-10-+-000197800456-+-10',
            rdf_groups[0]['InstanceID'])
        out = self.invoke_ok('CreateElementReplica', self.rs(),
                             SyncType=base.U16(6), Mode=base.U16(2),
                             SourceElement=source, TargetElement=target,
                             ConnectivityCollection=rdf_groups[0].path,
                             WaitForCopyState=base.U16(4))
        self.assertEqual([target.keybindings],
                         [v.keybindings for v in self.job_volumes(out)])
        pairs = self.conn.ReferenceNames(
            source, ResultClass='SE_StorageSynchronized_SV_SV')
        self.assertEqual(1, len(pairs))
        pair = self.conn.GetInstance(pairs[0])
        self.assertEqual((6, 2, 6, 4), (pair['SyncType'], pair['Mode'],
                                        pair['SyncState'],
                                        pair['CopyState']))
        self.assertIn(base.V3_REMOTE,
                      pair['SyncedElement']['SystemName'])
        self.invoke_ok('ModifyReplicaSynchronization', self.rs(),
                       Operation=base.U16(10), Synchronization=pairs[0])
        self.assertEqual(12, self.conn.GetInstance(pairs[0])['SyncState'])
        self.invoke_ok('ModifyReplicaSynchronization', self.rs(),
                       Operation=base.U16(11), Synchronization=pairs[0])
        self.assertEqual(6, self.conn.GetInstance(pairs[0])['SyncState'])
        self.invoke_ok('ModifyReplicaSynchronization', self.rs(),
                       Operation=base.U16(22), Synchronization=pairs[0],
                       Force=True)
        self.invoke_ok('ModifyReplicaSynchronization', self.rs(),
                       Operation=base.U16(8), Synchronization=pairs[0],
                       Force=True)
        self.assertEqual([], self.conn.ReferenceNames(
            source, ResultClass='SE_StorageSynchronized_SV_SV'))

    def test_rdf_group_of_another_array_is_refused(self):
        _sg, source = self.volume_in_sg('OS-r1')
        remote_group = [g for g in self.conn.EnumerateInstanceNames(
            'Symm_RemoteReplicationCollection')
            if base.V3_REMOTE + '-+-10-+-' + base.V3 in g['InstanceID']][0]
        self.assertCIMError(
            pywbem.CIM_ERR_INVALID_PARAMETER, self.invoke,
            'CreateElementReplica', self.rs(), SyncType=base.U16(6),
            SourceElement=source, TargetElement=source,
            ConnectivityCollection=remote_group)
