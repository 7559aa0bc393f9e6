"""Crash scenarios of attach, detach, exports, manage, unmanage, retype
and migration (see :mod:`tests.crash.scenarios` for what a scenario
returns)."""

from tests.crash import harness
from tests.crash import scenarios as common

GIB = 1024 ** 3


def _attached(driver):
    vol = common.new_volume(driver)
    harness.CALLS['initialize_connection'](driver, {'volume': vol})
    return vol


def _snapshot_of_new_volume(driver):
    vol = common.new_volume(driver)
    return vol, common.new_snapshot(driver, vol)


def initialize_connection(driver, sim):
    vol = common.new_volume(driver)
    return {'volume': vol}, [vol['id']], [vol['id']]


def terminate_connection(driver, sim):
    vol = _attached(driver)
    return {'volume': vol}, [vol['id']], [vol['id']]


def initialize_connection_snapshot(driver, sim):
    vol, snap = _snapshot_of_new_volume(driver)
    known = [vol['id'], snap['id']]
    return {'source': vol, 'snapshot': snap}, known, known


def terminate_connection_snapshot(driver, sim):
    vol, snap = _snapshot_of_new_volume(driver)
    spec = {'source': vol, 'snapshot': snap}
    harness.CALLS['initialize_connection_snapshot'](driver, spec)
    known = [vol['id'], snap['id']]
    return spec, known, known


def _export_of_volume(driver, sim):
    # Exports change nothing on the array (masking is attach's): a crash
    # anywhere must leave it exactly as it was.
    vol = common.new_volume(driver)
    return {'volume': vol}, [vol['id']], [vol['id']]


def _export_of_snapshot(driver, sim):
    vol, snap = _snapshot_of_new_volume(driver)
    known = [vol['id'], snap['id']]
    return {'source': vol, 'snapshot': snap}, known, known


def manage_existing(driver, sim):
    from vmax_sim.model import ops
    placement = driver.default_placement
    with sim.dispatcher.lock:
        device = ops.create_volume(sim.estate, driver.client.info.serial,
                                   'legacy-data', GIB,
                                   pool=placement.get('srp'))
    new = {'id': harness.new_id(), 'size': 1}
    return ({'volume': new, 'device_id': device.device_id}, [],
            [new['id']])


def unmanage(driver, sim):
    # The device stays, labelled with the bare volume id: the sweep would
    # call it an orphan of the (forgotten) volume, so the id stays known.
    vol = common.new_volume(driver)
    return {'volume': vol}, [vol['id']], [vol['id']]


def _move(driver):
    """A volume (and a bystander in its default storage group, which
    keeps that group when the volume leaves) and the host of another
    workload on the same SRP; ids known throughout."""
    bystander = common.new_volume(driver)
    vol = common.new_volume(driver)
    placement = driver.default_placement
    host = {'host': 'cinder@crash#target', 'capabilities': {
        'location_info': '%s#%s#%s#DSS' % (driver.client.info.serial,
                                           placement['srp'],
                                           placement['slo'])}}
    return vol, host, [bystander['id'], vol['id']]


def retype(driver, sim):
    vol, host, known = _move(driver)
    new_type = {'extra_specs': {'storagetype:workload': 'DSS'}}
    return ({'volume': vol, 'new_type': new_type, 'host': host}, known,
            known)


def migrate_volume(driver, sim):
    vol, host, known = _move(driver)
    return {'volume': vol, 'host': host}, known, known


SCENARIOS = {
    'initialize_connection': initialize_connection,
    'terminate_connection': terminate_connection,
    'initialize_connection_snapshot': initialize_connection_snapshot,
    'terminate_connection_snapshot': terminate_connection_snapshot,
    'create_export': _export_of_volume,
    'ensure_export': _export_of_volume,
    'remove_export': _export_of_volume,
    'check_for_export': _export_of_volume,
    'create_export_snapshot': _export_of_snapshot,
    'remove_export_snapshot': _export_of_snapshot,
    'manage_existing': manage_existing,
    'unmanage': unmanage,
    'retype': retype,
    'migrate_volume': migrate_volume,
}
# Operations that change nothing on the array.
READ_ONLY = {'create_export', 'ensure_export', 'remove_export',
             'check_for_export', 'create_export_snapshot',
             'remove_export_snapshot'}
