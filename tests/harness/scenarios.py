"""A scenario per registered operation: how to prepare the array, what
driver call to make, and what "done" looks like.

Every operation in ``vmax_flows.registry.operations()`` must have at
least one entry in :data:`SCENARIOS` (the harness fails, naming the
operation, when one is missing).  A scenario

* ``prepare(backend)`` builds what the call needs, through the real
  driver (a source volume for a clone, a snapshot for delete_snapshot...)
  and returns a context dict;
* ``act(backend, context)`` makes the one driver call under test --
  always with the same Cinder ids, so a retry is a real Cinder retry;
* ``check_done(test, backend, context, result)`` asserts the operation's
  effect on the array (the harness also compares the whole array state
  with the state a clean run leaves);
* ``undo(backend, context)`` (or None) removes what the call made, the
  way Cinder would: deleting the volume or snapshot.  The harness uses
  it to prove that a labelled leftover of a failed call (a job that
  finished after the driver gave up) is removed by the next delete.

Scenarios work on a :class:`tests.fixtures.SimulatedBackend`.
"""

from vmax_flows.flows import common
from vmax_flows import naming

VMAX3 = common.VMAX3
VMAX2 = common.VMAX2
FAMILIES = (VMAX3, VMAX2)
GIB = 1024 ** 3

# Cinder ids the scenarios use (fixed, so retries and labels repeat).
SOURCE_ID = '5e5e5e5e-0000-4000-8000-000000000001'
OTHER_ID = '5e5e5e5e-0000-4000-8000-000000000002'
SNAPSHOT_ID = '5e5e5e5e-0000-4000-8000-000000000003'
NEW_VOLUME_ID = '5e5e5e5e-0000-4000-8000-000000000004'
NEW_SNAPSHOT_ID = '5e5e5e5e-0000-4000-8000-000000000005'

# Background copies (VMAX2 clones) of the preparation finish first.
COPY_SETTLE_SECONDS = 600


class Scenario(object):
    """Base class; see the module docstring."""

    operation = None
    variant = 'default'
    families = FAMILIES
    description = ''

    def prepare(self, backend):
        return {}

    def act(self, backend, context):
        raise NotImplementedError

    def check_done(self, test, backend, context, result):
        raise NotImplementedError

    undo = None

    @property
    def name(self):
        return '%s[%s]' % (self.operation, self.variant)

    def __repr__(self):
        return '<Scenario %s>' % self.name


# -- helpers -----------------------------------------------------------------

def labelled(backend, id_or_object):
    """Devices labelled for a Cinder object or id."""
    if isinstance(id_or_object, str):
        id_or_object = naming.label(id_or_object)
    return backend.devices_labelled(id_or_object)


def only_device(test, backend, id_or_object):
    devices = labelled(backend, id_or_object)
    test.assertEqual(1, len(devices), 'devices labelled for %s: %s' % (
        getattr(id_or_object, 'id', id_or_object),
        [d.device_id for d in devices]))
    return devices[0]


def located_device(test, backend, result, id_or_object):
    """The one labelled device, which the model update must point at."""
    device = only_device(test, backend, id_or_object)
    location = naming.decode_provider_location(
        (result or {}).get('provider_location'))
    test.assertIsNotNone(location, 'no provider_location in %r' % result)
    test.assertEqual(device.device_id, location['device_id'])
    test.assertEqual(backend.serial, location['array'])
    return device


def default_group(backend):
    return backend.driver.default_placement.get('storage_group')


def assert_in_default_group(test, backend, device):
    group = default_group(backend)
    if group:
        test.assertIn(group, backend.array.groups_of_device(
            device.device_id))


def pairs_of(backend, device_id):
    return [(r.source_device, r.target_device) for r in
            backend.sim.estate.relationships_of(backend.serial, device_id)]


def source_and_snapshot(backend):
    source = backend.create_volume(size=1, volume_id=SOURCE_ID)
    snapshot = backend.create_snapshot(source, snapshot_id=SNAPSHOT_ID)
    backend.sim.advance(COPY_SETTLE_SECONDS)
    return {'source': source, 'snapshot': snapshot}


def delete_new_volume(backend, context):
    backend.driver.delete_volume(backend.volume(size=context['size'],
                                                volume_id=NEW_VOLUME_ID))


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


# Manage, retype and migration scenarios live in their own module, which
# registers them here (imported last: it builds on the helpers above).
from tests.harness import scenarios_manage  # noqa: E402,F401,H306
