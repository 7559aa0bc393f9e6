"""Kill a driver process at a chosen point, restart it, check the array.

The test process serves a simulator over HTTP (it survives its clients).
For each crash point a child process -- forked from a ``forkserver`` that
imported the driver once, so a child starts in milliseconds -- builds the
real driver against the served array with a state path, arms the crash
point from the ``VMAX_CRASH_AT`` environment variable (set in the child
only) and runs the operation until it ends itself with ``os._exit``.  The
test process then starts a new driver on the same state path, whose
``do_setup`` recovers the flow, and compares the array with captures taken
before and after a clean run of the same operation.  The array profile
is the scenario's (``PROFILE``, or ``SRDF_PROFILE`` for replication: two
arrays, the driver's ``replication_device`` on the second).

Crash points (``<task>@<where>``):

* ``execute-start`` / ``execute-end``: inside the task's execute, before
  it does anything / after it did everything but before TaskFlow saved its
  result;
* ``after``: between two tasks, once the task's SUCCESS is saved;
* ``revert-start`` / ``revert-end``: inside its revert, the flow having
  failed after its last task (``VMAX_CRASH_FAIL_AFTER``).
"""

import multiprocessing
import os
import uuid
import warnings

warnings.filterwarnings('ignore')

CRASH_ENV = 'VMAX_CRASH_AT'
FAIL_AFTER_ENV = 'VMAX_CRASH_FAIL_AFTER'
CRASH_EXIT = 77
EXECUTE_POINTS = ('execute-start', 'execute-end', 'after')
REVERT_POINTS = ('revert-start', 'revert-end')
# The array profile of a scenario unless it names another
# (tests.crash.scenarios.PROFILES); replicated operations run on the two
# arrays of srdf-pair with the driver's replication_device set.
PROFILE = 'vmax3-allflash'
SRDF_PROFILE = 'srdf-pair'
SECTION = 'vmax_crash'
HOST = 'cinder-volume@%s' % SECTION
TARGET = '000197800456'
REPLICATION_DEVICE = {'target_device_id': TARGET, 'remote_pool': 'SRP_1',
                      'remote_port_group': 'OS-PG-iSCSI-R',
                      'rdf_group_label': 'os-rdf-1', 'allow_extend': 'True'}
REPLICATED_SPECS = {'replication_enabled': '<is> True'}
GROUP_TYPE_ID = '7a1e2b4c-0000-4000-8000-0000000000c9'
CONSISTENT_SPEC = 'consistent_group_snapshot_enabled'
CONNECTOR = {'host': 'crash-compute-1',
             'initiator': 'iqn.1993-08.org.debian:01:crash-compute-1',
             'ip': '192.0.2.99', 'multipath': True, 'platform': 'x86_64',
             'os_type': 'linux'}


# -- the crash hook (child side) ---------------------------------------------

def _die(point):
    # No cleanup, no flush of anything but what the OS already has: a kill.
    os._exit(CRASH_EXIT)


def _armed():
    text = os.environ.get(CRASH_ENV)
    if not text:
        return None, None
    task, _, where = text.rpartition('@')
    return task, where


def _wrap(task, crash_task, where):
    execute, revert = task.execute, task.revert
    if task.name == crash_task and where.startswith('execute'):
        def crashing_execute(*args, **kwargs):
            if where == 'execute-start':
                _die(where)
            result = execute(*args, **kwargs)
            _die(where)
            return result
        task.execute = crashing_execute
    if task.name == crash_task and where.startswith('revert'):
        def crashing_revert(*args, **kwargs):
            if where == 'revert-start':
                _die(where)
            result = revert(*args, **kwargs)
            _die(where)
            return result
        task.revert = crashing_revert


def arm(driver):
    """Install the crash point named by the environment on ``driver``."""
    import taskflow.engines
    from taskflow import states

    from vmax_flows import failpoints
    crash_task, where = _armed()
    if crash_task is None:
        return
    fail_after = os.environ.get(FAIL_AFTER_ENV)

    def decorate(operation, flow):
        for node, _ in flow.iter_nodes():
            _wrap(node, crash_task, where)
        if fail_after:
            flow = failpoints.with_failure_after(flow, fail_after)
        return flow
    driver.flow_decorator = decorate
    if where == 'after':
        load = taskflow.engines.load

        def load_with_listener(*args, **kwargs):
            engine = load(*args, **kwargs)

            def on_success(state, details):
                if details.get('task_name') == crash_task:
                    _die(where)
            engine.atom_notifier.register(states.SUCCESS, on_success)
            return engine
        taskflow.engines.load = load_with_listener


# -- building the driver (both sides) ----------------------------------------

def _group_type_spec(group_type_id, key):
    # Cinder reads group types from its database; every crash group is of
    # one consistent-snapshot type.
    if group_type_id == GROUP_TYPE_ID and key == CONSISTENT_SPEC:
        return '<is> True'
    return None


def driver_for(port, state_path, connection=None, profile=PROFILE,
               active_backend_id=None):
    """A real driver (not set up) for the arrays of ``profile`` served at
    ``127.0.0.1:port``, whose flow state and attach locks live under
    ``state_path``; ``active_backend_id`` as Cinder passes a service that
    was failed over."""
    from cinder.volume import configuration
    from cinder.volume import driver as cinder_driver
    from oslo_config import cfg
    from oslo_utils import importutils

    from tests import fixtures
    from vmax_driver import options as vmax_options
    fixtures._prepare_conf()
    conf = configuration.Configuration(cinder_driver.volume_opts,
                                       config_group=SECTION)
    conf.append_config_values(vmax_options.VMAX_OPTS)
    conf.append_config_values(vmax_options.reused_cinder_opts())
    replicated = profile == SRDF_PROFILE
    extra = {'replication_device': [REPLICATION_DEVICE],
             'vmax_port_groups': ['OS-PG-iSCSI-A']} if replicated else {}
    values = fixtures.backend_options(
        None, profile, vmax_smis_address='127.0.0.1', vmax_smis_port=port,
        driver_use_ssl=False, vmax_job_interval=0.01, vmax_job_retries=500,
        vmax_state_path=state_path,
        vmax_flow_persistence_connection=connection,
        volume_backend_name=SECTION, **extra)
    # Overrides outlive the driver in this process: clear the optional
    # ones explicitly.
    for name in ('vmax_flow_persistence_connection', 'replication_device'):
        cfg.CONF.clear_override(name, group=SECTION)
    for name, value in values.items():
        cfg.CONF.set_override(name, value, group=SECTION)
    driver = importutils.import_object(
        fixtures.DRIVER_CLASS, configuration=conf, host=HOST,
        cluster_name=None, active_backend_id=active_backend_id,
        is_vol_db_empty=False)
    driver.group_type_spec = _group_type_spec
    driver.lock_path = os.path.join(state_path, 'locks')
    return driver


def setup(driver):
    driver.do_setup(None)
    driver.check_for_setup_error()
    return driver


# -- Cinder objects from plain specs -----------------------------------------
#
# Specs are plain data (they are pickled to the children): a volume is
# ``{'id', 'size', 'provider_location', 'replication_driver_data',
# 'replicated', 'group'}``, a snapshot ``{'id', 'provider_location'}``, a
# group ``{'id'}``, a group snapshot ``{'id', 'group'}``.

def group(spec):
    from cinder import objects
    return objects.Group(id=spec['id'], group_type_id=GROUP_TYPE_ID,
                         name='crash test group', status='creating',
                         volume_type_ids=[])


def volume(spec):
    from cinder import objects
    specs = dict(REPLICATED_SPECS) if spec.get('replicated') else {}
    vtype = objects.VolumeType(id='7a1e2b4c-0000-4000-8000-00000000000%d'
                               % (2 if specs else 1),
                               name='vmax-type', extra_specs=specs)
    made = objects.Volume(
        id=spec['id'], _name_id=None, size=spec['size'],
        volume_type_id=vtype.id, volume_type=vtype,
        provider_location=spec.get('provider_location'), status='creating',
        host='%s#pool' % HOST, display_name='crash test volume',
        replication_driver_data=spec.get('replication_driver_data'))
    if spec.get('group'):
        made.group_id = spec['group']['id']
        made.group = group(spec['group'])
    return made


def snapshot(spec, source):
    from cinder import objects
    return objects.Snapshot(
        id=spec['id'], volume_id=source.id, volume=source,
        volume_size=source.size, volume_type_id=source.volume_type_id,
        provider_location=spec.get('provider_location'), status='creating',
        display_name='crash test snapshot')


def group_snapshot(spec):
    from cinder import objects
    return objects.GroupSnapshot(
        id=spec['id'], group_id=spec['group']['id'],
        group_type_id=GROUP_TYPE_ID, name='crash test group snapshot',
        status='creating')


def _snapshots(spec):
    """A group snapshot's member snapshots (``snapshots`` of
    ``sources``)."""
    return [snapshot(snap, volume(source)) for snap, source in zip(
        spec['snapshots'], spec['sources'])]


def _failover(driver, spec, secondary_id):
    _, updates, _ = driver.failover(None, [volume(spec['volume'])],
                                    secondary_id=secondary_id)
    update = updates[0]['updates']
    if update.get('replication_status') == 'failover-error':
        raise AssertionError('volume %s: %s' % (spec['volume']['id'],
                                                update))
    return update


def _move_check(result, operation):
    moved = result[0] if isinstance(result, tuple) else result
    if moved is not True:
        raise AssertionError('%s returned %r' % (operation, result))
    return result


# Each operation's driver call; ``spec`` is a scenario's objects spec.
CALLS = {
    'create_volume': lambda d, s: d.create_volume(volume(s['volume'])),
    'delete_volume': lambda d, s: d.delete_volume(volume(s['volume'])),
    'extend_volume': lambda d, s: d.extend_volume(volume(s['volume']),
                                                  s['new_size']),
    'create_snapshot': lambda d, s: d.create_snapshot(
        snapshot(s['snapshot'], volume(s['source']))),
    'delete_snapshot': lambda d, s: d.delete_snapshot(
        snapshot(s['snapshot'], volume(s['source']))),
    'create_cloned_volume': lambda d, s: d.create_cloned_volume(
        volume(s['volume']), volume(s['source'])),
    'create_volume_from_snapshot': lambda d, s: d.create_volume_from_snapshot(
        volume(s['volume']), snapshot(s['snapshot'], volume(s['source']))),
    # Groups (a consistent-snapshot group type).
    'create_group': lambda d, s: d.create_group(None, group(s['group'])),
    'delete_group': lambda d, s: d.delete_group(None, group(s['group']), []),
    'update_group': lambda d, s: d.update_group(
        None, group(s['group']), add_volumes=[volume(s['add'])],
        remove_volumes=[volume(s['remove'])]),
    'create_volume_in_group': lambda d, s: d.create_volume(
        volume(s['volume'])),
    'create_group_snapshot': lambda d, s: d.create_group_snapshot(
        None, group_snapshot(s['group_snapshot']), _snapshots(s)),
    'delete_group_snapshot': lambda d, s: d.delete_group_snapshot(
        None, group_snapshot(s['group_snapshot']), _snapshots(s)),
    'create_group_from_src': lambda d, s: d.create_group_from_src(
        None, group(s['group']), [volume(v) for v in s['volumes']],
        group_snapshot=group_snapshot(s['group_snapshot']),
        snapshots=_snapshots(s)),
    # SRDF replication (srdf-pair).
    'create_replicated_volume': lambda d, s: d.create_volume(
        volume(s['volume'])),
    'delete_replicated_volume': lambda d, s: d.delete_volume(
        volume(s['volume'])),
    'extend_replicated_volume': lambda d, s: d.extend_volume(
        volume(s['volume']), s['new_size']),
    'failover_volume': lambda d, s: _failover(d, s, None),
    'failback_volume': lambda d, s: _failover(d, s, 'default'),
    # Manage, retype, migration.
    'manage_existing': lambda d, s: d.manage_existing(
        volume(s['volume']), {'source-id': s['device_id']}),
    'unmanage': lambda d, s: d.unmanage(volume(s['volume'])),
    'retype': lambda d, s: _move_check(d.retype(
        None, volume(s['volume']), s['new_type'], {}, s['host']), 'retype'),
    'migrate_volume': lambda d, s: _move_check(d.migrate_volume(
        None, volume(s['volume']), s['host']), 'migrate_volume'),
    # Attach, detach, exports.
    'initialize_connection': lambda d, s: d.initialize_connection(
        volume(s['volume']), CONNECTOR),
    'terminate_connection': lambda d, s: d.terminate_connection(
        volume(s['volume']), CONNECTOR),
    'initialize_connection_snapshot':
        lambda d, s: d.initialize_connection_snapshot(
            snapshot(s['snapshot'], volume(s['source'])), CONNECTOR),
    'terminate_connection_snapshot':
        lambda d, s: d.terminate_connection_snapshot(
            snapshot(s['snapshot'], volume(s['source'])), CONNECTOR),
    'create_export': lambda d, s: d.create_export(
        None, volume(s['volume']), CONNECTOR),
    'ensure_export': lambda d, s: d.ensure_export(None, volume(s['volume'])),
    'remove_export': lambda d, s: d.remove_export(None, volume(s['volume'])),
    'check_for_export': lambda d, s: d.check_for_export(
        None, volume(s['volume'])),
    'create_export_snapshot': lambda d, s: d.create_export_snapshot(
        None, snapshot(s['snapshot'], volume(s['source'])), CONNECTOR),
    'remove_export_snapshot': lambda d, s: d.remove_export_snapshot(
        None, snapshot(s['snapshot'], volume(s['source']))),
}


def call(driver, operation, objects_spec):
    """Run ``operation`` on the driver with Cinder objects built from
    ``objects_spec`` (a scenario's plain specs)."""
    if operation not in CALLS:
        raise KeyError('no crash scenario calls %s' % operation)
    return CALLS[operation](driver, objects_spec)


# -- the child ---------------------------------------------------------------

def child_main(port, state_path, operation, objects_spec, env,
               profile=PROFILE):
    """Body of a crash child: arm, set up, run; exit 0 if it survived."""
    os.environ.update(env)
    import logging
    logging.disable(logging.CRITICAL)   # the parent reports; keep it quiet
    try:
        driver = driver_for(port, state_path, profile=profile,
                            active_backend_id=objects_spec.get(
                                'active_backend_id'))
        arm(driver)
        setup(driver)
        call(driver, operation, objects_spec)
    except BaseException:
        os._exit(3)
    os._exit(0)


_CONTEXT = []


def context():
    """The forkserver context, its server preloaded with the driver."""
    if not _CONTEXT:
        ctx = multiprocessing.get_context('forkserver')
        ctx.set_forkserver_preload(['tests.crash.preload'])
        _CONTEXT.append(ctx)
    return _CONTEXT[0]


def run_child(port, state_path, operation, objects_spec, env, timeout=60,
              profile=PROFILE):
    """Run a crash child to its end; return its exit code."""
    process = context().Process(
        target=child_main,
        args=(port, state_path, operation, objects_spec, dict(env),
              profile))
    process.start()
    process.join(timeout)
    if process.is_alive():
        process.kill()
        process.join()
        raise AssertionError('crash child for %s %s hung' % (operation, env))
    return process.exitcode


def new_id():
    return str(uuid.uuid4())
