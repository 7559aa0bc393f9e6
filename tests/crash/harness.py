"""Kill a driver process at a chosen point, restart it, check the array.

The test process serves a simulator over HTTP (it survives its clients).
For each crash point a child process -- forked from a ``forkserver`` that
imported the driver once, so a child starts in milliseconds -- builds the
real driver against the served array with a state path, arms the crash
point from the ``VMAX_CRASH_AT`` environment variable (set in the child
only) and runs the operation until it ends itself with ``os._exit``.  The
test process then starts a new driver on the same state path, whose
``do_setup`` recovers the flow, and compares the array with captures taken
before and after a clean run of the same operation.

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
PROFILE = 'vmax3-allflash'
SECTION = 'vmax_crash'
HOST = 'cinder-volume@%s' % SECTION


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

def driver_for(port, state_path, connection=None):
    """A real driver for the array served at ``127.0.0.1:port`` whose flow
    state lives under ``state_path``, set up (recovery included)."""
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
    values = fixtures.backend_options(
        None, PROFILE, vmax_smis_address='127.0.0.1', vmax_smis_port=port,
        driver_use_ssl=False, vmax_job_interval=0.01, vmax_job_retries=500,
        vmax_state_path=state_path,
        vmax_flow_persistence_connection=connection,
        volume_backend_name=SECTION)
    # Overrides outlive the driver in this process: clear the optional
    # one explicitly.
    cfg.CONF.clear_override('vmax_flow_persistence_connection',
                            group=SECTION)
    for name, value in values.items():
        cfg.CONF.set_override(name, value, group=SECTION)
    driver = importutils.import_object(
        fixtures.DRIVER_CLASS, configuration=conf, host=HOST,
        cluster_name=None, active_backend_id=None, is_vol_db_empty=False)
    return driver


def setup(driver):
    driver.do_setup(None)
    driver.check_for_setup_error()
    return driver


# -- Cinder objects from plain specs -----------------------------------------

def volume(spec):
    from cinder import objects
    vtype = objects.VolumeType(id='7a1e2b4c-0000-4000-8000-000000000001',
                               name='vmax-type', extra_specs={})
    return objects.Volume(
        id=spec['id'], _name_id=None, size=spec['size'],
        volume_type_id=vtype.id, volume_type=vtype,
        provider_location=spec.get('provider_location'), status='creating',
        host='%s#pool' % HOST, display_name='crash test volume')


def snapshot(spec, source):
    from cinder import objects
    return objects.Snapshot(
        id=spec['id'], volume_id=source.id, volume=source,
        volume_size=source.size, volume_type_id=source.volume_type_id,
        provider_location=spec.get('provider_location'), status='creating',
        display_name='crash test snapshot')


def call(driver, operation, objects_spec):
    """Run ``operation`` on the driver with Cinder objects built from
    ``objects_spec`` (``volume``, ``source``, ``snapshot`` specs)."""
    spec = objects_spec
    if operation == 'create_volume':
        return driver.create_volume(volume(spec['volume']))
    if operation == 'delete_volume':
        return driver.delete_volume(volume(spec['volume']))
    if operation == 'extend_volume':
        return driver.extend_volume(volume(spec['volume']),
                                    spec['new_size'])
    if operation == 'create_snapshot':
        return driver.create_snapshot(snapshot(spec['snapshot'],
                                               volume(spec['source'])))
    if operation == 'delete_snapshot':
        return driver.delete_snapshot(snapshot(spec['snapshot'],
                                               volume(spec['source'])))
    if operation == 'create_cloned_volume':
        return driver.create_cloned_volume(volume(spec['volume']),
                                           volume(spec['source']))
    if operation == 'create_volume_from_snapshot':
        source = volume(spec['source'])
        return driver.create_volume_from_snapshot(
            volume(spec['volume']), snapshot(spec['snapshot'], source))
    raise KeyError('no crash scenario calls %s' % operation)


# -- the child ---------------------------------------------------------------

def child_main(port, state_path, operation, objects_spec, env):
    """Body of a crash child: arm, set up, run; exit 0 if it survived."""
    os.environ.update(env)
    import logging
    logging.disable(logging.CRITICAL)   # the parent reports; keep it quiet
    try:
        driver = driver_for(port, state_path)
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


def run_child(port, state_path, operation, objects_spec, env, timeout=60):
    """Run a crash child to its end; return its exit code."""
    process = context().Process(
        target=child_main,
        args=(port, state_path, operation, objects_spec, dict(env)))
    process.start()
    process.join(timeout)
    if process.is_alive():
        process.kill()
        process.join()
        raise AssertionError('crash child for %s %s hung' % (operation, env))
    return process.exitcode


def new_id():
    return str(uuid.uuid4())
