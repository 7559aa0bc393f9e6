"""What a harness scenario is, and helpers the scenarios share.

A scenario (see :mod:`tests.harness.scenarios` for the list)

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

A scenario also chooses its array (``profile(family)``: simulator
profile and cinder.conf overrides) and its backend fixture
(``backend_fixture``: a :class:`tests.fixtures.SimulatedBackend` by
default, never set up -- the harness wires the driver to its switchboard
first).
"""

import logging

from cinder import exception

from tests import fixtures
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

# Array family -> (simulator profile, cinder.conf overrides).  VMAX2 runs
# with a FAST policy, whose flows have the extra storage-group steps.
PROFILES = {
    VMAX3: ('vmax3-allflash', {}),
    VMAX2: ('vmax2', {'vmax_fast_policy': 'GOLD1'}),
}


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

    def profile(self, family):
        """(simulator profile, cinder.conf overrides) for ``family``."""
        return PROFILES[family]

    def backend_fixture(self, profile, options, sim):
        """The backend fixture, not set up (``setup=False``)."""
        return fixtures.SimulatedBackend(profile, options=options,
                                         setup=False, sim=sim)

    @property
    def name(self):
        return '%s[%s]' % (self.operation, self.variant)

    def __repr__(self):
        return '<Scenario %s>' % self.name


class ErrorLog(logging.Handler):
    """Collects the ERROR records of one logger while a call runs: the
    driver reports some per-object failures in model updates and its
    log, not as exceptions."""

    def __init__(self, logger_name):
        super().__init__(level=logging.ERROR)
        self.logger = logging.getLogger(logger_name)
        self.messages = []

    def emit(self, record):
        self.messages.append(record.getMessage())

    def __enter__(self):
        self.logger.addHandler(self)
        return self

    def __exit__(self, *exc_info):
        self.logger.removeHandler(self)

    def raise_if(self, failed, what):
        """Turn a failure the driver reported in its updates into the
        exception the harness judges, with the logged message."""
        if failed:
            raise exception.VolumeBackendAPIException(
                data='%s: %s' % (what, ' | '.join(self.messages) or
                                 'no error logged'))


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
