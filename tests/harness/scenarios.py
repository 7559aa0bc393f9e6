"""A scenario per registered operation (see
:mod:`tests.harness.scenario_base` for what a scenario is).

Every operation in ``vmax_flows.registry.operations()`` must have at
least one entry in :data:`SCENARIOS`; the harness fails, naming the
operation, when one is missing.  This module has the volume, snapshot
and clone scenarios and assembles the others' (groups, replication,
manage / retype / migrate).
"""

from tests.harness.scenario_base import assert_in_default_group
from tests.harness.scenario_base import delete_new_volume
from tests.harness.scenario_base import FAMILIES  # noqa: F401
from tests.harness.scenario_base import GIB
from tests.harness.scenario_base import labelled
from tests.harness.scenario_base import located_device
from tests.harness.scenario_base import NEW_SNAPSHOT_ID
from tests.harness.scenario_base import NEW_VOLUME_ID
from tests.harness.scenario_base import only_device
from tests.harness.scenario_base import OTHER_ID
from tests.harness.scenario_base import pairs_of
from tests.harness.scenario_base import PROFILES  # noqa: F401
from tests.harness.scenario_base import Scenario
from tests.harness.scenario_base import SNAPSHOT_ID  # noqa: F401
from tests.harness.scenario_base import source_and_snapshot
from tests.harness.scenario_base import SOURCE_ID
from tests.harness.scenario_base import VMAX2  # noqa: F401
from tests.harness.scenario_base import VMAX3  # noqa: F401


# -- volumes -----------------------------------------------------------------

class CreateVolume(Scenario):
    operation = 'create_volume'
    variant = 'group exists'
    description = 'another volume already holds the default group'

    def prepare(self, backend):
        backend.create_volume(size=1, volume_id=OTHER_ID)
        return {'size': 1}

    def act(self, backend, context):
        return backend.driver.create_volume(backend.volume(
            size=context['size'], volume_id=NEW_VOLUME_ID))

    def check_done(self, test, backend, context, result):
        device = located_device(test, backend, result, NEW_VOLUME_ID)
        test.assertEqual(context['size'] * GIB, device.size_bytes)
        assert_in_default_group(test, backend, device)

    undo = staticmethod(delete_new_volume)


class CreateVolumeOnFreshArray(CreateVolume):
    variant = 'fresh array'
    description = 'the default storage group must be created first'

    def prepare(self, backend):
        return {'size': 1}


class DeleteVolume(Scenario):
    operation = 'delete_volume'
    description = 'another volume stays in the default group'

    def prepare(self, backend):
        backend.create_volume(size=1, volume_id=OTHER_ID)
        volume = backend.create_volume(size=1, volume_id=SOURCE_ID)
        return {'volume': volume}

    def act(self, backend, context):
        return backend.driver.delete_volume(context['volume'])

    def check_done(self, test, backend, context, result):
        test.assertEqual([], labelled(backend, context['volume']))
        only_device(test, backend, OTHER_ID)


class ExtendVolume(Scenario):
    operation = 'extend_volume'
    description = '1 GiB to 2 GiB (VMAX2: a meta member is appended)'

    def prepare(self, backend):
        return {'volume': backend.create_volume(size=1,
                                                volume_id=SOURCE_ID)}

    def act(self, backend, context):
        return backend.driver.extend_volume(context['volume'], 2)

    def check_done(self, test, backend, context, result):
        device = only_device(test, backend, context['volume'])
        test.assertEqual(2 * GIB, device.size_bytes)


# -- snapshots ---------------------------------------------------------------

class CreateSnapshot(Scenario):
    operation = 'create_snapshot'

    def prepare(self, backend):
        return {'source': backend.create_volume(size=1,
                                                volume_id=SOURCE_ID)}

    def act(self, backend, context):
        return backend.driver.create_snapshot(backend.snapshot(
            context['source'], snapshot_id=NEW_SNAPSHOT_ID))

    def check_done(self, test, backend, context, result):
        device = located_device(test, backend, result, NEW_SNAPSHOT_ID)
        source = only_device(test, backend, context['source'])
        test.assertEqual([(source.device_id, device.device_id)],
                         pairs_of(backend, device.device_id))

    def undo(self, backend, context):
        backend.driver.delete_snapshot(backend.snapshot(
            context['source'], snapshot_id=NEW_SNAPSHOT_ID))


class DeleteSnapshot(Scenario):
    operation = 'delete_snapshot'

    def prepare(self, backend):
        return source_and_snapshot(backend)

    def act(self, backend, context):
        return backend.driver.delete_snapshot(context['snapshot'])

    def check_done(self, test, backend, context, result):
        test.assertEqual([], labelled(backend, context['snapshot']))
        source = only_device(test, backend, context['source'])
        test.assertEqual([], pairs_of(backend, source.device_id))


# -- clones ------------------------------------------------------------------

class CreateClonedVolume(Scenario):
    operation = 'create_cloned_volume'
    description = 'a 2 GiB clone of a 1 GiB source (copy, then extend)'

    def prepare(self, backend):
        return {'source': backend.create_volume(size=1,
                                                volume_id=SOURCE_ID),
                'size': 2}

    def act(self, backend, context):
        return backend.driver.create_cloned_volume(
            backend.volume(size=context['size'], volume_id=NEW_VOLUME_ID),
            context['source'])

    def check_done(self, test, backend, context, result):
        device = located_device(test, backend, result, NEW_VOLUME_ID)
        source = only_device(test, backend, context['source'])
        test.assertEqual(context['size'] * GIB, device.size_bytes)
        test.assertEqual(source.device_id, device.lineage[0]['device_id'])
        test.assertEqual([], pairs_of(backend, device.device_id))
        assert_in_default_group(test, backend, device)

    undo = staticmethod(delete_new_volume)


class CreateVolumeFromSnapshot(Scenario):
    operation = 'create_volume_from_snapshot'
    description = 'a 1 GiB volume from the snapshot of a 1 GiB volume'

    def prepare(self, backend):
        context = source_and_snapshot(backend)
        context['size'] = 1
        return context

    def act(self, backend, context):
        return backend.driver.create_volume_from_snapshot(
            backend.volume(size=context['size'], volume_id=NEW_VOLUME_ID),
            context['snapshot'])

    def check_done(self, test, backend, context, result):
        device = located_device(test, backend, result, NEW_VOLUME_ID)
        snapshot = only_device(test, backend, context['snapshot'])
        test.assertEqual(context['size'] * GIB, device.size_bytes)
        test.assertEqual(snapshot.device_id,
                         device.lineage[0]['device_id'])
        test.assertEqual([], pairs_of(backend, device.device_id))
        # The snapshot keeps its own pair with the source.
        test.assertEqual(1, len(pairs_of(backend, snapshot.device_id)))

    undo = staticmethod(delete_new_volume)


SCENARIOS = {}


def register(*scenarios):
    for scenario in scenarios:
        SCENARIOS.setdefault(scenario.operation, []).append(scenario)


register(CreateVolume(), CreateVolumeOnFreshArray(), DeleteVolume(),
         ExtendVolume(), CreateSnapshot(), DeleteSnapshot(),
         CreateClonedVolume(), CreateVolumeFromSnapshot())


def for_operation(name):
    """The scenarios of a registered operation; KeyError naming it when
    there are none."""
    try:
        return SCENARIOS[name]
    except KeyError:
        raise KeyError('operation %s is registered but has no scenario in '
                       'tests/harness/scenarios.py: add one' % name)


# Group and replication scenarios live in modules of their own; manage,
# retype and migration ones too, and that module registers them here
# itself (imported last: it builds on the helpers above).
from tests.harness import scenarios_groups  # noqa: E402
from tests.harness import scenarios_manage  # noqa: E402,F401,H306
from tests.harness import scenarios_srdf  # noqa: E402

register(*scenarios_groups.SCENARIOS)
register(*scenarios_srdf.SCENARIOS)

# Attach, detach and export scenarios register themselves too.
from tests.harness import scenarios_attach  # noqa: E402,F401,H306

# QoS variants (groups named for their limits, made with them).
from tests.harness import scenarios_qos  # noqa: E402,H306

register(*scenarios_qos.SCENARIOS)
