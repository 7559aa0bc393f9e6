"""Crash scenarios of the group and SRDF operations (see
:mod:`tests.crash.scenarios` for what a scenario returns).

Groups are of one consistent-snapshot group type (``harness.
GROUP_TYPE_ID``), one member each: a second member repeats the same
tasks and only costs crash points.  Replicated volumes run on the two
arrays of the srdf-pair profile.
"""

from tests.crash import harness
from tests.crash import scenarios as common


def _group():
    return {'id': harness.new_id()}


def _group_with_member(driver):
    group = _group()
    driver.create_group(None, harness.group(group))
    member = common.new_volume(driver, group=group)
    return group, member


def _group_snapshot(driver):
    group, member = _group_with_member(driver)
    spec = {'group_snapshot': {'id': harness.new_id(), 'group': group},
            'snapshots': [{'id': harness.new_id()}], 'sources': [member]}
    _, updates = harness.CALLS['create_group_snapshot'](driver, spec)
    spec['snapshots'] = [
        {'id': update['id'], 'provider_location': update[
            'provider_location']} for update in updates]
    return group, member, spec


def _ids(spec):
    return [spec['group_snapshot']['id']] + [s['id']
                                             for s in spec['snapshots']]


def create_group(driver, sim):
    group = _group()
    return {'group': group}, [], [group['id']]


def delete_group(driver, sim):
    # Its volumes are deleted first, each by its own delete_volume flow.
    group = _group()
    driver.create_group(None, harness.group(group))
    return {'group': group}, [group['id']], []


def update_group(driver, sim):
    group, member = _group_with_member(driver)
    loose = common.new_volume(driver)
    known = [group['id'], member['id'], loose['id']]
    return {'group': group, 'add': loose, 'remove': member}, known, known


def create_volume_in_group(driver, sim):
    group = _group()
    driver.create_group(None, harness.group(group))
    new = {'id': harness.new_id(), 'size': 1, 'group': group}
    return {'volume': new}, [group['id']], [group['id'], new['id']]


def create_group_snapshot(driver, sim):
    group, member = _group_with_member(driver)
    spec = {'group_snapshot': {'id': harness.new_id(), 'group': group},
            'snapshots': [{'id': harness.new_id()}], 'sources': [member]}
    known = [group['id'], member['id']]
    return spec, known, known + _ids(spec)


def delete_group_snapshot(driver, sim):
    group, member, spec = _group_snapshot(driver)
    known = [group['id'], member['id']]
    return spec, known + _ids(spec), known


def create_group_from_src(driver, sim):
    group, member, spec = _group_snapshot(driver)
    new_group = _group()
    spec.update(group=new_group, volumes=[
        {'id': harness.new_id(), 'size': 1, 'group': new_group}])
    known = [group['id'], member['id']] + _ids(spec)
    return spec, known, known + [new_group['id'], spec['volumes'][0]['id']]


# -- SRDF (srdf-pair) ------------------------------------------------------

def create_replicated_volume(driver, sim):
    new = {'id': harness.new_id(), 'size': 1, 'replicated': True}
    return {'volume': new}, [], [new['id']]


def _replicated(driver):
    return common.new_volume(driver, replicated=True)


def delete_replicated_volume(driver, sim):
    vol = _replicated(driver)
    return {'volume': vol}, [vol['id']], []


def extend_replicated_volume(driver, sim):
    vol = _replicated(driver)
    return {'volume': vol, 'new_size': 2}, [vol['id']], [vol['id']]


def failover_volume(driver, sim):
    # failover() switches the pair; the service's active array changes
    # in failover_completed, which changes nothing on the arrays.
    vol = _replicated(driver)
    return {'volume': vol}, [vol['id']], [vol['id']]


def failback_volume(driver, sim):
    vol = _replicated(driver)
    _, updates, _ = driver.failover_host(None, [harness.volume(vol)])
    update = updates[0]['updates']
    vol.update(provider_location=update['provider_location'],
               replication_driver_data=update['replication_driver_data'])
    # The service restarts failed over, as Cinder starts it.
    return ({'volume': vol, 'active_backend_id': harness.TARGET},
            [vol['id']], [vol['id']])


SCENARIOS = {
    'create_group': create_group,
    'delete_group': delete_group,
    'update_group': update_group,
    'create_volume_in_group': create_volume_in_group,
    'create_group_snapshot': create_group_snapshot,
    'delete_group_snapshot': delete_group_snapshot,
    'create_group_from_src': create_group_from_src,
    'create_replicated_volume': create_replicated_volume,
    'delete_replicated_volume': delete_replicated_volume,
    'extend_replicated_volume': extend_replicated_volume,
    'failover_volume': failover_volume,
    'failback_volume': failback_volume,
}
PROFILES = {name: harness.SRDF_PROFILE for name in SCENARIOS
            if 'replicated' in name or name.startswith('fail')}
