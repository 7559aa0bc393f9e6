"""What each registered operation's crash test starts from and runs.

A scenario prepares the array through the driver (objects the operation
needs, e.g. a source volume and a snapshot) and describes the Cinder
objects of the call as plain specs, plus the ids Cinder would know before
and after the operation (what the orphan sweep is given).
"""

from tests.crash import harness


def _volume(driver, size=1):
    vid = harness.new_id()
    update = driver.create_volume(harness.volume({'id': vid, 'size': size}))
    return {'id': vid, 'size': size,
            'provider_location': update['provider_location']}


def _snapshot(driver, source):
    sid = harness.new_id()
    update = driver.create_snapshot(harness.snapshot(
        {'id': sid}, harness.volume(source)))
    return {'id': sid, 'provider_location': update['provider_location']}


def create_volume(driver):
    new = {'id': harness.new_id(), 'size': 1}
    return {'volume': new}, [], [new['id']]


def delete_volume(driver):
    vol = _volume(driver)
    return {'volume': vol}, [vol['id']], []


def extend_volume(driver):
    vol = _volume(driver)
    return {'volume': vol, 'new_size': 2}, [vol['id']], [vol['id']]


def create_snapshot(driver):
    vol = _volume(driver)
    snap = {'id': harness.new_id()}
    return ({'source': vol, 'snapshot': snap}, [vol['id']],
            [vol['id'], snap['id']])


def delete_snapshot(driver):
    vol = _volume(driver)
    snap = _snapshot(driver, vol)
    return ({'source': vol, 'snapshot': snap}, [vol['id'], snap['id']],
            [vol['id']])


def create_cloned_volume(driver):
    vol = _volume(driver)
    # Larger than its source, so the clone's extend steps run too.
    new = {'id': harness.new_id(), 'size': 2}
    return ({'source': vol, 'volume': new}, [vol['id']],
            [vol['id'], new['id']])


def create_volume_from_snapshot(driver):
    vol = _volume(driver)
    snap = _snapshot(driver, vol)
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
