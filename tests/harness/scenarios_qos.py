"""Harness scenarios of the QoS paths: a volume type with back-end QoS
specs has storage groups of its own, created with their host I/O limits
(CreateGroup, then ModifyInstance -- one step that reverts by deleting
the group).  Registered into :data:`tests.harness.scenarios.SCENARIOS`
by that module.

Each scenario keeps a volume without QoS next to the one under test:
its group (and, for attach, the same host's view) must come through
every case untouched, limits included.
"""

from tests.driver import test_attach_support as support
from tests.harness import scenario_base as base
from tests.harness import scenarios_attach as attach
from vmax_flows import hostnames

QOS = {'maxIOPS': '4000', 'maxMBPS': '250', 'DistributionType': 'always'}
LIMITS = (4000, 250, 3)


def qos_type(backend):
    return backend.volume_type(qos=QOS, name='qos-type')


def qos_placement(backend):
    return backend.driver._placement(
        backend.volume(size=1, volume_type=qos_type(backend)))


def limits_of(backend, group):
    sg = backend.array.storage_groups[group]
    return (sg.host_io_limit_iops, sg.host_io_limit_mbps,
            sg.host_io_distribution)


class CreateVolumeQos(base.Scenario):
    operation = 'create_volume'
    variant = 'qos'
    description = 'a QoS type: its default group is created with limits'

    def prepare(self, backend):
        backend.create_volume(size=1, volume_id=base.OTHER_ID)
        return {'size': 1}

    def act(self, backend, context):
        return backend.driver.create_volume(backend.volume(
            size=context['size'], volume_id=base.NEW_VOLUME_ID,
            volume_type=qos_type(backend)))

    def check_done(self, test, backend, context, result):
        device = base.located_device(test, backend, result,
                                     base.NEW_VOLUME_ID)
        group = qos_placement(backend)['storage_group']
        test.assertEqual([group], backend.array.groups_of_device(
            device.device_id))
        test.assertEqual(LIMITS, limits_of(backend, group))

    @staticmethod
    def undo(backend, context):
        # As Cinder deletes it: with its own type (its group is the
        # QoS type's, where a device left by a late job is found).
        backend.driver.delete_volume(backend.volume(
            size=context['size'], volume_id=base.NEW_VOLUME_ID,
            volume_type=qos_type(backend)))

    def default_group(self, backend):
        """The group a late CreateGroup job may leave (empty; the next
        create of the type finds it and sets its limits)."""
        return qos_placement(backend)['storage_group']


class InitializeConnectionQos(attach.AttachScenario):
    operation = 'initialize_connection'
    variant = 'qos'
    description = ('a QoS volume on a host that has a view already: the '
                   'host group of its limits is made, a child of the '
                   'host\'s parent (VMAX3) or with a view of its own')

    def prepare(self, backend):
        self.bystander(backend)
        plain = backend.create_volume(size=1, volume_id=base.OTHER_ID)
        backend.driver.initialize_connection(plain,
                                             support.connector(attach.HOST))
        volume = backend.volume(size=1, volume_id=base.SOURCE_ID,
                                volume_type=qos_type(backend))
        volume.update(backend.driver.create_volume(volume))
        return {'volume': volume}

    def act(self, backend, context):
        return backend.driver.initialize_connection(
            context['volume'], support.connector(attach.HOST))

    def check_done(self, test, backend, context, result):
        device = base.only_device(test, backend, context['volume'])
        short = hostnames.short_host_name(attach.HOST)
        placement = qos_placement(backend)
        group = hostnames.host_storage_group(short, placement)
        view = backend.array.masking_views[
            attach.names(backend, placement=placement)['mv']]
        test.assertEqual([group], backend.array.groups_of_device(
            device.device_id))
        test.assertEqual(result['data']['target_lun'],
                         view.luns[device.device_id])
        test.assertEqual(LIMITS, limits_of(backend, group))


SCENARIOS = (CreateVolumeQos(), InitializeConnectionQos())
