"""What each registered operation's crash test starts from and runs.

A scenario ``scenario(driver, sim)`` prepares the array through the
driver (objects the operation needs, e.g. a source volume and a snapshot;
``sim`` for what only an administrator would make) and returns the Cinder
objects of the call as plain specs (:func:`tests.crash.harness.call`),
plus the ids Cinder would know before and after the operation (what the
orphan sweep is given).  The volume operations are here; groups and SRDF
in :mod:`tests.crash.scenarios_groups`, attach, exports, manage and
retype in :mod:`tests.crash.scenarios_attach`; every operation's in
:data:`tests.crash.base.SCENARIOS`.
"""

from tests.crash import harness


def new_volume(driver, size=1, group=None, replicated=False):
    """A volume made through the driver, as a spec."""
    spec = {'id': harness.new_id(), 'size': size}
    if group:
        spec['group'] = group
    if replicated:
        spec['replicated'] = True
    update = driver.create_volume(harness.volume(spec))
    spec['provider_location'] = update['provider_location']
    if update.get('replication_driver_data'):
        spec['replication_driver_data'] = update['replication_driver_data']
    return spec


def new_snapshot(driver, source):
    """A snapshot of ``source`` made through the driver, as a spec."""
    sid = harness.new_id()
    update = driver.create_snapshot(harness.snapshot(
        {'id': sid}, harness.volume(source)))
    return {'id': sid, 'provider_location': update['provider_location']}


def create_volume(driver, sim=None):
    new = {'id': harness.new_id(), 'size': 1}
    return {'volume': new}, [], [new['id']]


def delete_volume(driver, sim=None):
    vol = new_volume(driver)
    return {'volume': vol}, [vol['id']], []


def extend_volume(driver, sim=None):
    vol = new_volume(driver)
    return {'volume': vol, 'new_size': 2}, [vol['id']], [vol['id']]


def create_snapshot(driver, sim=None):
    vol = new_volume(driver)
    snap = {'id': harness.new_id()}
    return ({'source': vol, 'snapshot': snap}, [vol['id']],
            [vol['id'], snap['id']])


def delete_snapshot(driver, sim=None):
    vol = new_volume(driver)
    snap = new_snapshot(driver, vol)
    return ({'source': vol, 'snapshot': snap}, [vol['id'], snap['id']],
            [vol['id']])


def create_cloned_volume(driver, sim=None):
    vol = new_volume(driver)
    # Larger than its source, so the clone's extend steps run too.
    new = {'id': harness.new_id(), 'size': 2}
    return ({'source': vol, 'volume': new}, [vol['id']],
            [vol['id'], new['id']])


def create_volume_from_snapshot(driver, sim=None):
    vol = new_volume(driver)
    snap = new_snapshot(driver, vol)
    new = {'id': harness.new_id(), 'size': 2}
    known = [vol['id'], snap['id']]
    return ({'source': vol, 'snapshot': snap, 'volume': new}, known,
            known + [new['id']])


SCENARIOS = {
    'create_volume': create_volume,
    'delete_volume': delete_volume,
    'extend_volume': extend_volume,
    'create_snapshot': create_snapshot,
    'delete_snapshot': delete_snapshot,
    'create_cloned_volume': create_cloned_volume,
    'create_volume_from_snapshot': create_volume_from_snapshot,
}
