"""Harness scenarios of manage_existing, unmanage, retype and
migrate_volume (registered into :data:`tests.harness.scenarios.SCENARIOS`
at the end of that module)."""

from tests.harness import scenarios as base
from vmax_sim.model import ops

# Where retype and migrate_volume send the volume: another workload on
# VMAX3 (a storage-group move), the other thin pool on VMAX2 (relocation).
TARGETS = {base.VMAX3: {'extra_specs': {'storagetype:workload': 'DSS'},
                        'location': '%s#SRP_1#%s#DSS'},
           base.VMAX2: {'extra_specs': {},
                        'location': '%s#SATA_Pool#GOLD1'}}


def family(backend):
    return base.VMAX3 if backend.driver.client.info.is_vmax3 \
        else base.VMAX2


def target_host(backend):
    placement = backend.driver.default_placement
    text = TARGETS[family(backend)]['location']
    location = text % ((backend.serial, placement['slo'])
                       if family(backend) == base.VMAX3
                       else (backend.serial,))
    return {'host': 'cinder@harness#target',
            'capabilities': {'location_info': location}}


def target_type(backend):
    specs = dict(TARGETS[family(backend)]['extra_specs'])
    if family(backend) == base.VMAX2:
        specs['pool_name'] = 'SATA_Pool+%s' % backend.serial
    return {'extra_specs': specs,
            'qos_specs': {'specs': {'maxIOPS': '1500'},
                          'consumer': 'back-end'}}


def check_moved(test, backend, volume_id, groups, qos=False):
    """Moved to the target; with ``qos`` into the group of the target
    type's limits (named for them, created with them)."""
    device = base.only_device(test, backend, volume_id)
    if qos:
        target = backend.driver._placement_for_specs(
            target_type(backend)['extra_specs'], target_type(backend))
        group = backend.array.storage_groups[target['storage_group']]
        test.assertEqual([group.name], groups(device.device_id))
        test.assertEqual(1500, group.host_io_limit_iops)
    if family(backend) == base.VMAX3:
        placement = backend.driver.default_placement
        if not qos:
            test.assertEqual(['OS-SRP_1-%s-DSS-SG' % placement['slo']],
                             groups(device.device_id))
    else:
        test.assertEqual('SATA_Pool', device.pool)
    return device


class ManageExisting(base.Scenario):
    operation = 'manage_existing'
    description = 'adopt a device made outside Cinder'

    def prepare(self, backend):
        placement = backend.driver.default_placement
        pool = placement.get('srp') or placement.get('pool')
        with backend.sim.dispatcher.lock:
            device = ops.create_volume(backend.sim.estate, backend.serial,
                                       'legacy-data', base.GIB, pool=pool)
        return {'size': 1, 'device_id': device.device_id}

    def act(self, backend, context):
        return backend.driver.manage_existing(
            backend.volume(size=1, volume_id=base.NEW_VOLUME_ID),
            {'source-id': context['device_id']})

    def check_done(self, test, backend, context, result):
        device = base.located_device(test, backend, result,
                                     base.NEW_VOLUME_ID)
        test.assertEqual(context['device_id'], device.device_id)
        base.assert_in_default_group(test, backend, device)

    # No undo: a failed manage leaves the device unlabelled (nothing for
    # a delete to find); Cinder retries the manage, which finishes it.


class Unmanage(base.Scenario):
    operation = 'unmanage'
    description = 'the device stays, labelled with the bare volume id'

    def prepare(self, backend):
        volume = backend.create_volume(size=1, volume_id=base.SOURCE_ID)
        return {'volume': volume,
                'device_id': backend.device_of(volume).device_id}

    def act(self, backend, context):
        return backend.driver.unmanage(context['volume'])

    def check_done(self, test, backend, context, result):
        device = backend.array.devices[context['device_id']]
        test.assertEqual(base.SOURCE_ID, device.label)


class Retype(base.Scenario):
    operation = 'retype'
    description = 'new workload (VMAX3) or thin pool (VMAX2), with QoS'

    def prepare(self, backend):
        backend.create_volume(size=1, volume_id=base.OTHER_ID)
        volume = backend.create_volume(size=1, volume_id=base.SOURCE_ID)
        return {'volume': volume}

    def act(self, backend, context):
        result = backend.driver.retype(None, context['volume'],
                                       target_type(backend), {},
                                       target_host(backend))
        if result is not True:
            raise AssertionError('retype returned %r' % (result,))
        return result

    def check_done(self, test, backend, context, result):
        check_moved(test, backend, base.SOURCE_ID,
                    backend.array.groups_of_device,
                    qos=self.operation == 'retype')


class MigrateVolume(Retype):
    operation = 'migrate_volume'
    description = 'to another pool of the same array'

    def act(self, backend, context):
        moved, update = backend.driver.migrate_volume(
            None, context['volume'], target_host(backend))
        if moved is not True:
            raise AssertionError('migrate_volume returned %r' % (moved,))
        return update


base.register(ManageExisting(), Unmanage(), Retype(), MigrateVolume())
