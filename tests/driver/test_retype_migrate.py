"""retype and migrate_volume done by the array, the cases handed back to
Cinder (False), and failure injection after every step: zero orphans,
attached volumes stay attached and reachable."""

from cinder import exception
import fixtures as fixtures_lib
import testtools

from tests.driver import test_attach_support as attach_support
from tests import fixtures
from vmax_flows import failpoints
from vmax_flows import registry
from vmax_sim.model import ops

SERIAL = '000197800123'


def v3_host(slo='Diamond', workload='DSS', serial=SERIAL, srp='SRP_1'):
    return {'host': 'cinder@vmax#%s+%s+%s+%s' % (slo, workload, srp, serial),
            'capabilities': {'location_info': '%s#%s#%s#%s' % (
                serial, srp, slo, workload)}}


def new_type(extra_specs, qos=None):
    return {'extra_specs': extra_specs,
            'qos_specs': {'specs': qos, 'consumer': 'back-end'}
            if qos else None}


DSS = new_type({'storagetype:workload': 'DSS'})


class RetypeTest(testtools.TestCase):

    def setUp(self):
        super().setUp()
        self.useFixture(fixtures_lib.FakeLogger(level=40))
        self.backend = self.useFixture(
            attach_support.AttachBackend('vmax3-allflash'))
        self.driver = self.backend.driver
        self.sim = self.backend.sim

    def groups(self, volume):
        return self.backend.array.groups_of_device(
            self.backend.device_of(volume).device_id)

    def test_service_level_workload_and_compression(self):
        volume = self.backend.create_volume(size=1)
        self.assertTrue(self.driver.retype(None, volume, DSS, {},
                                           v3_host()))
        self.assertEqual(['OS-SRP_1-Diamond-DSS-SG'], self.groups(volume))
        self.assertTrue(self.driver.retype(
            None, volume, new_type({'storagetype:slo': 'Optimized',
                                    'storagetype:disablecompression':
                                        'true'}), {},
            v3_host('Optimized', 'NONE')))
        self.assertEqual(['OS-SRP_1-Optimized-NONE-CD-SG'],
                         self.groups(volume))
        self.assertFalse(self.backend.device_of(volume).compressed)

    def test_same_placement_changes_nothing(self):
        volume = self.backend.create_volume(size=1)
        before = self.sim.snapshot()
        self.assertTrue(self.driver.retype(None, volume, new_type({}), {},
                                           v3_host('Diamond', 'OLTP')))
        self.assertFalse(self.sim.diff(before))

    def test_other_array_or_replicated_falls_back(self):
        volume = self.backend.create_volume(size=1)
        before = self.sim.snapshot()
        self.sim.calls.reset()
        self.assertFalse(self.driver.retype(
            None, volume, DSS, {}, v3_host(serial='000197800999')))
        self.assertFalse(self.driver.retype(
            None, volume, new_type({'replication_enabled': '<is> True'}),
            {}, v3_host()))
        self.assertEqual((False, None), self.driver.migrate_volume(
            None, volume, v3_host(serial='000197800999')))
        self.assertFalse(self.sim.diff(before))
        self.assertEqual(0, self.sim.calls.total)

    def test_migrate_to_another_level(self):
        volume = self.backend.create_volume(size=1)
        self.assertEqual((True, None), self.driver.migrate_volume(
            None, volume, v3_host('Diamond', 'DSS')))
        self.assertEqual(['OS-SRP_1-Diamond-DSS-SG'], self.groups(volume))
        self.assertEqual((False, None), self.driver.migrate_volume(
            None, volume, v3_host(srp='SRP_2')))

    def test_update_migrated_volume_keeps_the_new_name_id(self):
        volume = self.backend.volume(size=1)
        new = self.backend.create_volume(size=1)
        self.assertEqual({'_name_id': new.name_id,
                          'provider_location': new.provider_location},
                         self.driver.update_migrated_volume(
                             None, volume, new, 'available'))

    def run_with_failures(self, operation, call, check=None):
        """Fail after every step of ``operation``: nothing may change and
        ``check`` must hold after each revert."""
        for step in registry.task_names(operation, 'VMAX3'):
            before = self.sim.snapshot()
            self.driver.flow_decorator = lambda op, flow, step=step: \
                failpoints.with_failure_after(flow, step)
            self.assertRaises(exception.VolumeBackendAPIException, call)
            self.assertEqual([], fixtures.real_changes(self.sim, before),
                             step)
            self.assertEqual([], self.backend.orphans(), step)
            if check:
                check(step)
        self.driver.flow_decorator = None

    def test_retype_reverts_after_every_step(self):
        volume = self.backend.create_volume(size=1)
        self.backend.create_volume(size=1)
        self.run_with_failures('retype', lambda: self.driver.retype(
            None, volume, new_type({'storagetype:workload': 'DSS'},
                                   {'maxMBPS': '50'}), {}, v3_host()))
        self.assertNotIn('OS-SRP_1-Diamond-DSS-SG',
                         self.backend.array.storage_groups)
        self.assertTrue(self.driver.retype(None, volume, DSS, {},
                                           v3_host()))

    def test_qos_retype_reverts_after_every_step(self):
        volume = self.backend.create_volume(size=1)
        self.backend.create_volume(size=1)
        qos_type = new_type({}, {'maxIOPS': '900',
                                 'DistributionType': 'always'})
        target = self.driver._placement_for_specs({}, qos_type)[
            'storage_group']

        def no_qos_group(step):
            self.assertNotIn(target, self.backend.array.storage_groups,
                             step)
        self.run_with_failures('retype', lambda: self.driver.retype(
            None, volume, qos_type, {}, v3_host('Diamond', 'OLTP')),
            no_qos_group)
        self.assertEqual(0, self.backend.array.storage_groups[
            attach_support.DEFAULT_SG].host_io_limit_iops)
        self.assertTrue(self.driver.retype(None, volume, qos_type, {},
                                           v3_host('Diamond', 'OLTP')))
        self.assertEqual([target], self.groups(volume))
        self.assertEqual(900, self.backend.array.storage_groups[
            target].host_io_limit_iops)

    def test_migrate_reverts_after_every_step(self):
        volume = self.backend.create_volume(size=1)
        self.run_with_failures('migrate_volume', lambda: self.assertTrue(
            self.driver.migrate_volume(None, volume,
                                       v3_host('Diamond', 'DSS'))[0]))


class InUseRetypeTest(testtools.TestCase):
    """Retype / migrate of an attached VMAX3 volume: MoveMembers between
    two children of the host's parent group, view and LUN kept."""

    def setUp(self):
        super().setUp()
        self.useFixture(fixtures_lib.FakeLogger(level=40))
        self.backend = self.useFixture(
            attach_support.AttachBackend('vmax3-allflash'))
        self.driver = self.backend.driver
        self.sim = self.backend.sim
        self.array = self.backend.array
        self.names = attach_support.names('compute-1')
        # A neighbour on the same host and placement keeps the first child.
        self.neighbour = self.backend.create_volume(size=1)
        self.backend.attach(self.neighbour)
        self.volume = self.backend.create_volume(size=1)
        self.backend.attach(self.volume)
        self.lun = self.masked()

    def masked(self):
        """The volume's (view, LUN) pairs."""
        return {v: self.backend.lun_of(self.volume, v)
                for v in self.backend.views_of(self.volume)}

    def child(self):
        [group] = self.backend.groups_of(self.volume)
        self.assertEqual(self.names['parent'],
                         self.array.parent_of_group(group))
        return self.array.storage_groups[group]

    def test_service_level_workload_compression_and_qos(self):
        self.assertEqual({self.names['mv']: 2}, self.lun)
        vtype = self.backend.volume_type
        optimized = {'storagetype:slo': 'Optimized',
                     'storagetype:disablecompression': 'true'}
        changes = [
            (vtype({'storagetype:workload': 'DSS'}), v3_host(),
             ('Diamond', 'DSS', False, 0),
             'OS-compute-1-SRP_1-Diamond-DSS-I-SG'),
            (vtype(optimized), v3_host('Optimized', 'NONE'),
             ('Optimized', 'NONE', True, 0),
             'OS-compute-1-SRP_1-Optimized-NONE-I-CD-SG'),
            (vtype(optimized, qos={'maxIOPS': '800'}),
             v3_host('Optimized', 'NONE'), ('Optimized', 'NONE', True, 800),
             None)]
        previous = self.names['sg']
        for vtype, host, settings, name in changes:
            self.assertTrue(self.driver.retype(None, self.volume, vtype, {},
                                               host))
            group = self.child()
            self.assertEqual(settings, (group.slo, group.workload,
                                        group.disable_compression,
                                        group.host_io_limit_iops))
            if name:
                self.assertEqual(name, group.name)
            self.assertEqual(self.lun, self.masked())
            self.assertEqual([self.names['mv']],
                             list(self.array.masking_views))
            # The old child goes once empty (the first one keeps the
            # neighbour).
            if previous != self.names['sg']:
                self.assertNotIn(previous, self.array.storage_groups)
            previous = group.name
            self.volume.volume_type = vtype
        self.assertEqual([self.names['sg']], self.backend.groups_of(
            self.neighbour))
        self.assertEqual([], self.backend.orphans())
        # Detach with the new type finds it; the last detach cleans up.
        self.backend.detach(self.volume)
        self.backend.detach(self.neighbour)
        self.assertEqual({}, self.array.masking_views)
        self.assertEqual([], self.backend.orphans())

    def test_migrate_in_use(self):
        self.assertEqual((True, None), self.driver.migrate_volume(
            None, self.volume, v3_host('Diamond', 'DSS')))
        self.assertEqual('OS-compute-1-SRP_1-Diamond-DSS-I-SG',
                         self.child().name)
        self.assertEqual(self.lun, self.masked())

    def test_flat_legacy_view_falls_back(self):
        # A flat view an older release made: its group is the view's, so
        # the array cannot move the device; nothing changes.
        flat = self.backend.create_volume(size=1)
        device = self.backend.device_of(flat).device_id
        self.backend.seed(ops.create_hardware_id,
                          'iqn.1993-08.org.debian:01:old-host', 5)
        self.backend.seed(ops.create_initiator_group, 'OS-old-host-I-IG',
                          ['iqn.1993-08.org.debian:01:old-host'])
        self.backend.seed(ops.remove_members, 'sg', attach_support.DEFAULT_SG,
                          [device])
        self.backend.seed(ops.create_storage_group,
                          'OS-old-host-SRP_1-Diamond-OLTP-I-SG', srp='SRP_1',
                          slo='Diamond', workload='OLTP', members=[device])
        self.backend.seed(ops.create_masking_view,
                          'OS-old-host-SRP_1-Diamond-OLTP-I-MV',
                          'OS-old-host-SRP_1-Diamond-OLTP-I-SG',
                          'OS-old-host-I-IG', attach_support.PORT_GROUP_A)
        before = self.sim.snapshot()
        self.assertFalse(self.driver.retype(None, flat, DSS, {}, v3_host()))
        self.assertFalse(self.sim.diff(before))

    def test_two_hosts_fall_back(self):
        self.backend.attach(self.volume, 'compute-2')
        before = self.sim.snapshot()
        self.assertFalse(self.driver.retype(None, self.volume, DSS, {},
                                            v3_host()))
        self.assertEqual((False, None), self.driver.migrate_volume(
            None, self.volume, v3_host('Diamond', 'DSS')))
        self.assertFalse(self.sim.diff(before))

    def test_bad_specs_change_nothing(self):
        before = self.sim.snapshot()
        self.sim.calls.reset()
        error = self.assertRaises(
            exception.InvalidVolumeType, self.driver.retype, None,
            self.volume, new_type({'storagetype:workload': 'NOPE'}), {},
            v3_host())
        self.assertIn('NOPE', str(error))
        self.assertIn('OLTP', str(error))
        self.assertFalse(self.sim.diff(before))
        self.assertEqual(0, self.sim.calls.total)

    def test_in_use_retype_reverts_after_every_step(self):
        def still_attached(step):
            self.assertEqual(self.lun, self.masked(), step)
            self.assertEqual(self.names['sg'], self.child().name, step)
            self.assertNotIn('OS-compute-1-SRP_1-Diamond-DSS-I-SG',
                             self.array.storage_groups, step)
        volume = self.volume
        for step in registry.task_names('retype', 'VMAX3'):
            before = self.sim.snapshot()
            self.driver.flow_decorator = lambda op, flow, step=step: \
                failpoints.with_failure_after(flow, step)
            self.assertRaises(exception.VolumeBackendAPIException,
                              self.driver.retype, None, volume, DSS, {},
                              v3_host())
            self.assertFalse(self.sim.diff(before), step)
            self.assertEqual([], self.backend.orphans(), step)
            still_attached(step)
        self.driver.flow_decorator = None
        # The neighbour gone too: the old child empties and is deleted.
        self.backend.detach(self.neighbour)
        self.assertTrue(self.driver.retype(None, volume, DSS, {},
                                           v3_host()))
        self.assertNotIn(self.names['sg'], self.array.storage_groups)
        self.assertEqual(self.lun, self.masked())


class Vmax2RetypeTest(testtools.TestCase):

    def setUp(self):
        super().setUp()
        self.useFixture(fixtures_lib.FakeLogger(level=40))
        self.backend = self.useFixture(fixtures.SimulatedBackend('vmax2'))
        self.driver = self.backend.driver

    def host(self, pool):
        return {'host': 'cinder@vmax2#%s+000195900551' % pool,
                'capabilities': {'location_info':
                                 '000195900551#%s#None' % pool}}

    def test_pool_change_relocates(self):
        volume = self.backend.create_volume(size=2)
        device = self.backend.device_of(volume)
        self.assertTrue(self.driver.retype(
            None, volume, new_type({'pool_name': 'SATA_Pool+000195900551'}),
            {}, self.host('SATA_Pool')))
        self.assertEqual('SATA_Pool', device.pool)
        self.assertEqual((True, None), self.driver.migrate_volume(
            None, volume, self.host('FC_Pool')))
        self.assertEqual('FC_Pool', device.pool)

    def test_attached_fast_volume_new_limits_fall_back(self):
        # VMAX2 views stay flat: an attached FAST volume cannot change
        # group in place; Cinder migrates it (False), nothing changes.
        backend = self.useFixture(attach_support.AttachBackend(
            'vmax2', options={'vmax_fast_policy': 'GOLD1'}))
        volume = backend.create_volume(size=1)
        backend.attach(volume)
        before = backend.sim.snapshot()
        self.assertFalse(backend.driver.retype(
            None, volume, backend.volume_type(qos={'maxIOPS': '800'}), {},
            self.host('FC_Pool')))
        self.assertFalse(backend.sim.diff(before))

    def test_relocation_reverts_after_every_step(self):
        volume = self.backend.create_volume(size=2)
        device = self.backend.device_of(volume)
        for step in registry.task_names('migrate_volume', 'VMAX2'):
            before = self.backend.sim.snapshot()
            self.driver.flow_decorator = lambda op, flow, step=step: \
                failpoints.with_failure_after(flow, step)
            self.assertRaises(exception.VolumeBackendAPIException,
                              self.driver.migrate_volume, None, volume,
                              self.host('SATA_Pool'))
            self.assertEqual([], fixtures.real_changes(self.backend.sim,
                                                       before), step)
            self.assertEqual('FC_Pool', device.pool)
