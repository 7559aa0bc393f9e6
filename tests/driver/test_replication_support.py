"""Shared pieces of the group, replication and failover driver tests (no
tests of their own).

:class:`GroupBackend` is the project's ``SimulatedBackend`` with attach
locks in a directory of the test's own; it builds Cinder group, group
snapshot and consistency-group objects, and answers the group-type
lookup (normally a database query) from the types it made.
"""

import copy
import logging
import uuid

import fixtures as fixtures_lib

from tests.driver import test_attach_support as attach_support
from tests import fixtures
from vmax_driver import attach
from vmax_driver import groups
from vmax_driver import iscsi
from vmax_flows import naming

GIB = 1024 ** 3
PRIMARY = '000197800123'
TARGET = '000197800456'
REPLICATION_DEVICE = {'target_device_id': TARGET, 'remote_pool': 'SRP_1',
                      'remote_port_group': 'OS-PG-iSCSI-R',
                      'rdf_group_label': 'os-rdf-1', 'allow_extend': 'True'}
REPLICATED = {'replication_enabled': '<is> True'}
CG_SPEC = groups.CONSISTENT_SNAPSHOT_SPEC


def quiet_logs():
    """Keep only errors: many runs here fail and revert on purpose."""
    return fixtures_lib.FakeLogger(level=logging.ERROR)


def simulator_from(estate_data):
    """A simulator on a copy of a saved estate (``estate.to_dict()``)."""
    import vmax_sim
    from vmax_sim.model import objects
    return vmax_sim.Simulator(objects.Estate.from_dict(
        copy.deepcopy(estate_data)))


def real_changes(sim, before):
    return fixtures.real_changes(sim, before)


class GroupBackend(fixtures.SimulatedBackend):
    """A simulated backend whose driver handles groups and replication.

    ``replicated=True`` uses the srdf-pair profile with a
    ``replication_device``; ``active_backend_id`` is what Cinder passes a
    service that was failed over.
    """

    def __init__(self, profile='vmax3-allflash', options=None,
                 replicated=False, active_backend_id=None, **kwargs):
        options = dict(options or {})
        if replicated:
            profile = 'srdf-pair'
            options.setdefault('replication_device', [REPLICATION_DEVICE])
            options.setdefault('vmax_port_groups', ['OS-PG-iSCSI-A'])
        self.active_id = active_backend_id
        self.wanted_setup = kwargs.pop('setup', True)
        super().__init__(profile, options=options, setup=False, **kwargs)
        self.group_types = {}

    def _setUp(self):
        if not issubclass(iscsi.VMAXISCSIDriver, attach.AttachMixin):
            # Attach (for attach-after-failover) until the driver class
            # carries it.
            self.useFixture(fixtures_lib.MonkeyPatch(
                'tests.fixtures.DRIVER_CLASS',
                attach_support.DRIVER_WITH_ATTACH))
        self.lock_dir = self.useFixture(fixtures_lib.TempDir()).path
        super()._setUp()
        self.driver.lock_path = self.lock_dir
        self.driver.active_backend_id = self.active_id
        self.driver.group_type_spec = self.group_type_spec
        if self.wanted_setup:
            self.driver.do_setup(None)
            self.driver.check_for_setup_error()

    # -- group types (Cinder keeps them in its database) -------------------

    def group_type(self, consistent=True):
        type_id = str(uuid.uuid4())
        self.group_types[type_id] = {
            CG_SPEC: '<is> True' if consistent else '<is> False'}
        return type_id

    def group_type_spec(self, group_type_id, key):
        return self.group_types.get(group_type_id, {}).get(key, False)

    # -- Cinder objects ----------------------------------------------------

    def group(self, consistent=True, group_id=None):
        from cinder import objects
        return objects.Group(id=group_id or str(uuid.uuid4()),
                             group_type_id=self.group_type(consistent),
                             name='test group', status='creating',
                             volume_type_ids=[])

    def group_volume(self, group, size=1, extra_specs=None):
        volume = self.volume(size=size, extra_specs=extra_specs)
        volume.group_id = group.id
        volume.group = group
        return volume

    def group_snapshot(self, group):
        from cinder import objects
        return objects.GroupSnapshot(id=str(uuid.uuid4()), group_id=group.id,
                                     group_type_id=group.group_type_id,
                                     name='test group snapshot',
                                     status='creating')

    def member_snapshots(self, group_snapshot, volumes):
        snapshots = []
        for volume in volumes:
            snapshot = self.snapshot(volume)
            snapshot.group_snapshot_id = group_snapshot.id
            snapshots.append(snapshot)
        return snapshots

    def consistency_group(self):
        from cinder import objects
        return objects.ConsistencyGroup(id=str(uuid.uuid4()),
                                        name='legacy cg', status='creating')

    def cgsnapshot(self, cg):
        from cinder import objects
        return objects.CGSnapshot(id=str(uuid.uuid4()),
                                  consistencygroup_id=cg.id,
                                  status='creating')

    # -- array state --------------------------------------------------------

    def array_of(self, serial):
        return self.sim.estate.arrays[serial]

    def replication_group(self, group_or_snapshot):
        return self.array.replication_groups.get(
            naming.label(group_or_snapshot.id))

    def device_at(self, location_text, serial=None):
        location = naming.decode_provider_location(location_text)
        return self.array_of(serial or location['array']).devices.get(
            location['device_id'])

    def srdf_pairs(self):
        return [r for r in self.sim.estate.relationships.values()
                if r.sync_type == 6]


def apply(cinder_object, update):
    """Apply a model update the way the volume manager does."""
    update = dict(update or {})
    update.pop('id', None)
    cinder_object.update(update)
    return cinder_object
