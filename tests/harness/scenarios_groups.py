"""Harness scenarios of consistency-group operations: create, update and
delete a group, a volume created in a group, group snapshots and a
group made from one (registered into
:data:`tests.harness.scenarios.SCENARIOS` at the end of that module).

Groups are Cinder groups of a consistent-snapshot group type; on the
array each is a replication group labelled ``OS-<group id>``.
"""

from cinder import objects

from tests.driver import test_replication_support as support
from tests.harness import scenario_base as base
from vmax_flows import naming

GROUP_ID = '6e6e6e6e-0000-4000-8000-000000000001'
NEW_GROUP_ID = '6e6e6e6e-0000-4000-8000-000000000002'
GROUP_SNAPSHOT_ID = '6e6e6e6e-0000-4000-8000-000000000003'
MEMBER_IDS = ('6e6e6e6e-0000-4000-8000-000000000011',
              '6e6e6e6e-0000-4000-8000-000000000012')
LOOSE_ID = '6e6e6e6e-0000-4000-8000-000000000013'
SNAPSHOT_IDS = ('6e6e6e6e-0000-4000-8000-000000000021',
                '6e6e6e6e-0000-4000-8000-000000000022')
NEW_MEMBER_IDS = ('6e6e6e6e-0000-4000-8000-000000000031',
                  '6e6e6e6e-0000-4000-8000-000000000032')


def group_object(backend, group_id):
    group = backend.group(group_id=group_id)
    return group


def member(backend, group, volume_id, size=1):
    volume = backend.volume(size=size, volume_id=volume_id)
    volume.group_id = group.id
    volume.group = group
    return volume


def snapshot_objects(backend, group_snapshot, volumes):
    snapshots = []
    for volume, snapshot_id in zip(volumes, SNAPSHOT_IDS):
        snapshot = backend.snapshot(volume, snapshot_id=snapshot_id)
        snapshot.group_snapshot_id = group_snapshot.id
        snapshots.append(snapshot)
    return snapshots


def group_snapshot_object(group):
    return objects.GroupSnapshot(
        id=GROUP_SNAPSHOT_ID, group_id=group.id,
        group_type_id=group.group_type_id, name='harness group snapshot',
        status='creating')


def replication_group(backend, group_id):
    return backend.array.replication_groups.get(naming.label(group_id))


def member_devices(test, backend, group_id):
    group = replication_group(backend, group_id)
    test.assertIsNotNone(group, 'no replication group for %s' % group_id)
    return sorted(group.members)


class GroupScenario(base.Scenario):
    """A consistency group with two volumes (``members``)."""

    members = 2

    def backend_fixture(self, profile, options, sim):
        return support.GroupBackend(profile, options=options, setup=False,
                                    sim=sim)

    def prepare(self, backend):
        driver = backend.driver
        group = group_object(backend, GROUP_ID)
        driver.create_group(None, group)
        volumes = []
        for volume_id in MEMBER_IDS[:self.members]:
            volume = member(backend, group, volume_id)
            support.apply(volume, driver.create_volume(volume))
            volumes.append(volume)
        backend.sim.advance(60)
        return {'group': group, 'volumes': volumes}

    def device_ids(self, backend, volumes):
        return sorted(backend.device_of(v).device_id for v in volumes)


class CreateGroup(GroupScenario):
    operation = 'create_group'
    members = 0

    def prepare(self, backend):
        return {}

    def act(self, backend, context):
        return backend.driver.create_group(
            None, group_object(backend, NEW_GROUP_ID))

    def check_done(self, test, backend, context, result):
        test.assertEqual({'status': 'available'}, result)
        test.assertEqual([], member_devices(test, backend, NEW_GROUP_ID))

    def undo(self, backend, context):
        backend.driver.delete_group(
            None, group_object(backend, NEW_GROUP_ID), [])


class DeleteGroup(GroupScenario):
    operation = 'delete_group'
    description = 'its volumes were deleted (or moved out) first'
    members = 0

    def act(self, backend, context):
        return backend.driver.delete_group(None, context['group'], [])

    def check_done(self, test, backend, context, result):
        test.assertEqual(({'status': 'deleted'}, []), result)
        test.assertIsNone(replication_group(backend, GROUP_ID))


class UpdateGroup(GroupScenario):
    operation = 'update_group'
    description = 'one volume joins, one leaves'

    def prepare(self, backend):
        context = super().prepare(backend)
        context['loose'] = backend.create_volume(size=1, volume_id=LOOSE_ID)
        return context

    def act(self, backend, context):
        return backend.driver.update_group(
            None, context['group'], add_volumes=[context['loose']],
            remove_volumes=[context['volumes'][0]])

    def check_done(self, test, backend, context, result):
        test.assertEqual(
            self.device_ids(backend, [context['loose'],
                                      context['volumes'][1]]),
            member_devices(test, backend, GROUP_ID))


class CreateVolumeInGroup(GroupScenario):
    operation = 'create_volume_in_group'
    members = 1

    def act(self, backend, context):
        return backend.driver.create_volume(member(
            backend, context['group'], base.NEW_VOLUME_ID))

    def check_done(self, test, backend, context, result):
        device = base.located_device(test, backend, result,
                                     base.NEW_VOLUME_ID)
        test.assertIn(device.device_id,
                      member_devices(test, backend, GROUP_ID))


class CreateGroupSnapshot(GroupScenario):
    operation = 'create_group_snapshot'

    def objects(self, backend, context):
        group_snapshot = group_snapshot_object(context['group'])
        return group_snapshot, snapshot_objects(backend, group_snapshot,
                                                context['volumes'])

    def act(self, backend, context):
        group_snapshot, snapshots = self.objects(backend, context)
        return backend.driver.create_group_snapshot(None, group_snapshot,
                                                    snapshots)

    def check_done(self, test, backend, context, result):
        model, updates = result
        test.assertEqual({'status': 'available'}, model)
        test.assertEqual(list(SNAPSHOT_IDS), [u['id'] for u in updates])
        for update in updates:
            base.located_device(test, backend, update, update['id'])

    def undo(self, backend, context):
        group_snapshot, snapshots = self.objects(backend, context)
        backend.driver.delete_group_snapshot(None, group_snapshot,
                                             snapshots)


class DeleteGroupSnapshot(CreateGroupSnapshot):
    operation = 'delete_group_snapshot'

    def prepare(self, backend):
        context = super().prepare(backend)
        group_snapshot, snapshots = self.objects(backend, context)
        _, updates = backend.driver.create_group_snapshot(
            None, group_snapshot, snapshots)
        for snapshot, update in zip(snapshots, updates):
            support.apply(snapshot, update)
        backend.sim.advance(base.COPY_SETTLE_SECONDS)
        context.update(group_snapshot=group_snapshot, snapshots=snapshots)
        return context

    def act(self, backend, context):
        return backend.driver.delete_group_snapshot(
            None, context['group_snapshot'], context['snapshots'])

    def check_done(self, test, backend, context, result):
        model, updates = result
        test.assertEqual({'status': 'deleted'}, model)
        for snapshot in context['snapshots']:
            test.assertEqual([], base.labelled(backend, snapshot))

    undo = None


class CreateGroupFromSnapshot(DeleteGroupSnapshot):
    operation = 'create_group_from_src'
    variant = 'group snapshot'

    def new_objects(self, backend):
        group = group_object(backend, NEW_GROUP_ID)
        return group, [member(backend, group, volume_id)
                       for volume_id in NEW_MEMBER_IDS]

    def act(self, backend, context):
        group, volumes = self.new_objects(backend)
        return backend.driver.create_group_from_src(
            None, group, volumes, group_snapshot=context['group_snapshot'],
            snapshots=context['snapshots'])

    def check_done(self, test, backend, context, result):
        model, updates = result
        test.assertEqual('available',
                         (model or {}).get('status', 'available'))
        devices = [base.located_device(test, backend, update, update['id'])
                   for update in updates]
        test.assertEqual(sorted(d.device_id for d in devices),
                         member_devices(test, backend, NEW_GROUP_ID))

    def undo(self, backend, context):
        group, volumes = self.new_objects(backend)
        backend.driver.delete_group(None, group, volumes)


# delete_group of a group that still has volumes deletes them first, one
# delete_volume flow each (swept by that operation's scenario); its 260
# cases would cost 15 % of the harness's time budget for nothing new.
SCENARIOS = (CreateGroup(), DeleteGroup(), UpdateGroup(),
             CreateVolumeInGroup(), CreateGroupSnapshot(),
             DeleteGroupSnapshot(), CreateGroupFromSnapshot())
