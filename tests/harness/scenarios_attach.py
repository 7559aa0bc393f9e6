"""Harness scenarios of attach and detach, the export operations and
snapshot attach (registered into :data:`tests.harness.scenarios.SCENARIOS`
when that module imports this one, last).

Attach and detach have no "undo" in the harness' sense (a delete): the
rule for them is that after a job finished late, a retry of the same
call finishes the operation.  Every scenario first attaches another
volume to another host, so the port group's addresses are known to the
driver before the recorded run (the driver remembers them) and that
host's objects must come through every case untouched.
"""

from tests.driver import test_attach_support as support
from tests.harness import scenario_base as base
from tests.harness import scenarios
from tests.harness import scenarios_manage
from vmax_flows import hostnames

HOST = 'compute-1'
BYSTANDER_ID = '5e5e5e5e-0000-4000-8000-0000000000a1'


def names(backend, host=HOST, placement=None):
    """The host's object names on ``placement`` (default: the backend's
    default placement).  VMAX3 masks the host's parent group ('parent',
    its view 'mv'; 'sg' is the placement's child); VMAX2 views are flat
    ('parent' None)."""
    short = hostnames.short_host_name(host)
    placement = placement or backend.driver.default_placement
    found = {'sg': hostnames.host_storage_group(short, placement),
             'mv': hostnames.host_masking_view(short, placement),
             'parent': None, 'ig': hostnames.initiator_group(short)}
    if placement.get('srp'):
        found.update(parent=hostnames.parent_storage_group(short),
                     mv=hostnames.parent_masking_view(short))
    return found


class AttachScenario(base.Scenario):

    def backend_fixture(self, profile, options, sim):
        # Locks in a directory of the test's own.
        return support.AttachBackend(profile, options=options, setup=False,
                                     sim=sim)

    def bystander(self, backend):
        volume = backend.create_volume(size=1, volume_id=BYSTANDER_ID)
        backend.driver.initialize_connection(volume,
                                             support.connector('other-1'))
        return volume

    def check_mapped(self, test, backend, device, lun=None):
        view = backend.array.masking_views[names(backend)['mv']]
        test.assertIn(device.device_id, view.luns)
        if lun is not None:
            test.assertEqual(view.luns[device.device_id], lun)
        test.assertEqual([names(backend)['sg']],
                         backend.array.groups_of_device(device.device_id))

    def check_unmapped(self, test, backend, device):
        test.assertEqual([], backend.array.views_of_device(device.device_id))
        test.assertNotIn(names(backend)['mv'], backend.array.masking_views)
        test.assertNotIn(names(backend)['parent'],
                         backend.array.storage_groups)
        test.assertNotIn(names(backend)['ig'],
                         backend.array.initiator_groups)
        base.assert_in_default_group(test, backend, device)


class InitializeConnection(AttachScenario):
    operation = 'initialize_connection'
    description = 'first attach of a host: groups, initiator and view made'

    def prepare(self, backend):
        self.bystander(backend)
        return {'volume': backend.create_volume(size=1,
                                                volume_id=base.SOURCE_ID)}

    def act(self, backend, context):
        return backend.driver.initialize_connection(
            context['volume'], support.connector(HOST))

    def check_done(self, test, backend, context, result):
        device = base.only_device(test, backend, context['volume'])
        self.check_mapped(test, backend, device,
                          result['data']['target_lun'])


class TerminateConnection(AttachScenario):
    operation = 'terminate_connection'
    variant = 'last volume'
    description = 'the view, groups and initiator of the host go'

    def prepare(self, backend):
        self.bystander(backend)
        volume = backend.create_volume(size=1, volume_id=base.SOURCE_ID)
        backend.driver.initialize_connection(volume,
                                             support.connector(HOST))
        return {'volume': volume}

    def act(self, backend, context):
        return backend.driver.terminate_connection(
            context['volume'], support.connector(HOST))

    def check_done(self, test, backend, context, result):
        self.check_unmapped(test, backend, base.only_device(
            test, backend, context['volume']))


class InitializeConnectionSnapshot(AttachScenario):
    operation = 'initialize_connection_snapshot'
    families = (base.VMAX3,)

    def prepare(self, backend):
        self.bystander(backend)
        return base.source_and_snapshot(backend)

    def act(self, backend, context):
        return backend.driver.initialize_connection_snapshot(
            context['snapshot'], support.connector(HOST))

    def check_done(self, test, backend, context, result):
        device = base.only_device(test, backend, context['snapshot'])
        self.check_mapped(test, backend, device,
                          result['data']['target_lun'])


class TerminateConnectionSnapshot(AttachScenario):
    operation = 'terminate_connection_snapshot'
    families = (base.VMAX3,)

    def prepare(self, backend):
        self.bystander(backend)
        context = base.source_and_snapshot(backend)
        backend.driver.initialize_connection_snapshot(
            context['snapshot'], support.connector(HOST))
        return context

    def act(self, backend, context):
        return backend.driver.terminate_connection_snapshot(
            context['snapshot'], support.connector(HOST))

    def check_done(self, test, backend, context, result):
        self.check_unmapped(test, backend, base.only_device(
            test, backend, context['snapshot']))


class ExportScenario(AttachScenario):
    """An export operation only reads: it must change nothing."""

    kind = 'volume'

    def prepare(self, backend):
        self.bystander(backend)
        if self.kind == 'snapshot':
            return base.source_and_snapshot(backend)
        return {'volume': backend.create_volume(size=1,
                                                volume_id=base.SOURCE_ID)}

    def act(self, backend, context):
        target = context[self.kind]
        method = getattr(backend.driver, self.operation)
        if self.operation.startswith('create_export'):
            return method(None, target, support.connector(HOST))
        return method(None, target)

    def check_done(self, test, backend, context, result):
        test.assertIsNone(result)
        base.only_device(test, backend, context[self.kind])


class CreateExport(ExportScenario):
    operation = 'create_export'


class EnsureExport(ExportScenario):
    operation = 'ensure_export'


class RemoveExport(ExportScenario):
    operation = 'remove_export'


class CheckForExport(ExportScenario):
    operation = 'check_for_export'


class CreateExportSnapshot(ExportScenario):
    operation = 'create_export_snapshot'
    kind = 'snapshot'
    families = (base.VMAX3,)


class RemoveExportSnapshot(ExportScenario):
    operation = 'remove_export_snapshot'
    kind = 'snapshot'
    families = (base.VMAX3,)


class RetypeAttached(AttachScenario):
    """In-use retype (cascaded masking): the device moves to the host's
    child group of the new workload and QoS limits, with MoveMembers;
    its view and host LUN stay.  Every reverted case leaves ``sim.diff``
    empty, which covers the view's LUNs; ``check_done`` (also run after
    a retry) asserts view and LUN explicitly."""

    operation = 'retype'
    variant = 'attached'
    families = (base.VMAX3,)
    description = 'attached volume: new workload and QoS, view and LUN kept'

    def prepare(self, backend):
        self.bystander(backend)
        volume = backend.create_volume(size=1, volume_id=base.SOURCE_ID)
        info = backend.driver.initialize_connection(
            volume, support.connector(HOST))
        return {'volume': volume, 'lun': info['data']['target_lun']}

    def act(self, backend, context):
        result = backend.driver.retype(
            None, context['volume'], scenarios_manage.target_type(backend),
            {}, scenarios_manage.target_host(backend))
        if result is not True:
            raise AssertionError('retype returned %r' % (result,))
        return result

    def check_done(self, test, backend, context, result):
        device = base.only_device(test, backend, context['volume'])
        new_type = scenarios_manage.target_type(backend)
        placement = backend.driver._placement_for_specs(
            new_type['extra_specs'], new_type)
        new = names(backend, placement=placement)
        old = names(backend)
        test.assertEqual([new['sg']],
                         backend.array.groups_of_device(device.device_id))
        group = backend.array.storage_groups[new['sg']]
        test.assertEqual(('DSS', 1500, new['parent']),
                         (group.workload, group.host_io_limit_iops,
                          backend.array.parent_of_group(new['sg'])))
        test.assertNotIn(old['sg'], backend.array.storage_groups)
        test.assertEqual({new['mv']: context['lun']}, {
            v: backend.array.masking_views[v].luns[device.device_id]
            for v in backend.array.views_of_device(device.device_id)})


scenarios.register(
    RetypeAttached(),
    InitializeConnection(), TerminateConnection(),
    InitializeConnectionSnapshot(), TerminateConnectionSnapshot(),
    CreateExport(), EnsureExport(), RemoveExport(), CheckForExport(),
    CreateExportSnapshot(), RemoveExportSnapshot())
