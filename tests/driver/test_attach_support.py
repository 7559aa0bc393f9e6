"""Shared pieces of the attach / detach tests (no tests of their own).

:class:`AttachBackend` is the project's ``SimulatedBackend`` with locks
in a directory of the test's own (so parallel test workers never wait for
each other's locks) and helpers to make connectors, attach, detach and
inspect the array's masking state.
"""

import fixtures as fixtures_lib

from tests import fixtures
from vmax_flows import hostnames
from vmax_flows import naming
from vmax_sim.model import ops

GIB = 1024 ** 3
PORT_GROUP_A = 'OS-PG-iSCSI-A'
PORT_GROUP_B = 'OS-PG-iSCSI-B'
DEFAULT_SG = 'OS-SRP_1-Diamond-OLTP-SG'


def connector(host='compute-1', initiator=None, multipath=False):
    return {'host': host,
            'initiator': initiator or 'iqn.1993-08.org.debian:01:%s'
            % host.split('.')[0],
            'ip': '192.0.2.99', 'multipath': multipath,
            'platform': 'x86_64', 'os_type': 'linux'}


def names(host, placement_kind='diamond'):
    """The driver's object names for ``host`` on the vmax3-allflash
    profile's default placement."""
    short = hostnames.short_host_name(host)
    prefix = 'OS-%s-SRP_1-Diamond-OLTP-I' % short
    # Cascaded masking: the host's view names its parent group; 'sg' is
    # the placement's child group; 'flat_mv' the view of a flat attach.
    return {'short': short, 'sg': prefix + '-SG',
            'mv': 'OS-%s-I-Parent-MV' % short,
            'parent': 'OS-%s-I-Parent-SG' % short,
            'flat_mv': prefix + '-MV',
            'ig': 'OS-%s-I-IG' % short,
            'shared_sg': 'OS-%s-Shared-I-SG' % short,
            'shared_mv': 'OS-%s-Shared-I-MV' % short}


class AttachBackend(fixtures.SimulatedBackend):

    def _setUp(self):
        self.lock_dir = self.useFixture(fixtures_lib.TempDir()).path
        super()._setUp()
        self.driver.lock_path = self.lock_dir

    # -- operations ---------------------------------------------------------

    def attach(self, volume, connector_or_host='compute-1', **kwargs):
        conn = connector_or_host if isinstance(connector_or_host, dict) \
            else connector(connector_or_host, **kwargs)
        return self.driver.initialize_connection(volume, conn)

    def detach(self, volume, connector_or_host='compute-1', **kwargs):
        conn = connector_or_host if isinstance(connector_or_host, dict) \
            or connector_or_host is None \
            else connector(connector_or_host, **kwargs)
        return self.driver.terminate_connection(volume, conn)

    def quick_volume(self, size=1):
        """A volume whose device is made directly on the array, in the
        default placement's group, exactly as create_volume makes it
        (for tests that need many volumes fast)."""
        volume = self.volume(size=size)
        placement = self.driver.default_placement
        group = placement.get('storage_group')
        with self.sim.dispatcher.lock:
            if group and group not in self.array.storage_groups:
                ops.create_storage_group(
                    self.sim.estate, self.serial, group,
                    srp=placement.get('srp'), slo=placement.get('slo'),
                    workload=placement.get('workload'),
                    fast_policy=placement.get('fast_policy'))
            dev = ops.create_volume(
                self.sim.estate, self.serial, naming.label(volume.name_id),
                size * GIB, storage_group=placement.get('storage_group'),
                pool=None if placement.get('storage_group')
                else placement.get('pool'))
        volume.provider_location = naming.encode_provider_location(
            {'device_id': dev.device_id, 'label': dev.label,
             'system_name': self.driver.client.info.system_name},
            self.serial, self.driver.VERSION)
        return volume

    def seed(self, func, *args, **kwargs):
        """Run a model operation as an administrator would (symcli)."""
        with self.sim.dispatcher.lock:
            return func(self.sim.estate, self.serial, *args, **kwargs)

    # -- array state --------------------------------------------------------

    def groups_of(self, volume):
        return self.array.groups_of_device(self.device_of(volume).device_id)

    def views_of(self, volume):
        return self.array.views_of_device(self.device_of(volume).device_id)

    def lun_of(self, volume, view):
        return self.array.masking_views[view].luns.get(
            self.device_of(volume).device_id)

    def masking_state(self):
        """Views (with their groups and LUNs), driver-named groups and
        registered initiators: what attach and detach change."""
        arr = self.array
        return {
            'views': {name: (v.storage_group, v.initiator_group,
                             v.port_group, dict(v.luns))
                      for name, v in arr.masking_views.items()},
            'storage_groups': {name: list(g.members)
                               for name, g in arr.storage_groups.items()},
            'initiator_groups': {name: list(g.hardware_ids)
                                 for name, g in
                                 arr.initiator_groups.items()},
            'initiators': sorted(arr.hardware_ids)}

    def orphans(self):
        """Host groups or views this driver names that serve no
        attachment: views without devices, host storage groups in no
        view, initiator groups in no view."""
        arr = self.array
        found = []
        for name, view in arr.masking_views.items():
            if not view.luns:
                found.append('view %s has no device' % name)
        for name, group in arr.storage_groups.items():
            if group.children and not arr.devices_of_group(name):
                found.append('parent storage group %s has no device'
                             % name)
            if arr.parent_of_group(name) and not group.members:
                found.append('child storage group %s is empty' % name)
        for name, group in arr.storage_groups.items():
            if (hostnames.is_host_storage_group(name) or
                    hostnames.is_parent_storage_group(name)) and \
                    not arr.views_showing_group(name):
                found.append('storage group %s (%d devices) is in no view'
                             % (name, len(group.members)))
        for name in arr.initiator_groups:
            if hostnames.is_host_initiator_group(name) and \
                    not arr.views_of_group('ig', name):
                found.append('initiator group %s is in no view' % name)
        return found
