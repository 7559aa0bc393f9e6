"""Shared test fixtures: a simulated array behind the real driver.

:class:`SimulatedBackend` builds a ``vmax_sim.Simulator`` from a profile,
a real ``cinder.volume.configuration.Configuration`` for a backend
section, and loads the driver exactly as cinder-volume does
(``importutils.import_object`` with the manager's keyword arguments).  The
simulator's connection factory is injected (a real pywbem connection,
full CIM-XML, no socket) and the driver's bounded waits sleep by advancing
the simulator's manual clock, so waits cost no wall time.

Cinder objects are real OVOs built directly (``cinder.objects``), without
importing ``cinder.tests.unit`` (which would monkey-patch eventlet into
the whole test process).

Usage::

    from tests import fixtures

    backend = self.useFixture(fixtures.SimulatedBackend('vmax3-allflash'))
    before = backend.sim.snapshot()
    volume = backend.create_volume(size=1, extra_specs={...})
    self.assertEqual(1, len(backend.devices_labelled(volume)))
    backend.driver.delete_volume(volume)
    self.assertFalse(backend.sim.diff(before))

Also here: :func:`simulator` (a fresh simulator of a profile, parsed once
per process), :func:`copy_of` (a simulator with a copy of another's
state, to start many runs from one prepared array) and
:func:`real_changes` (``sim.diff`` as readable lines; prefer ``sim.diff``).
``SimulatedBackend(options={...})`` overrides cinder.conf values of the
backend section, ``setup=False`` skips do_setup, ``sim=`` reuses a
simulator (two backends on one array = two services).
"""

import atexit
import copy
import shutil
import tempfile
import uuid
import warnings

import fixtures
from oslo_config import cfg
from oslo_config import fixture as config_fixture
from oslo_utils import importutils

warnings.filterwarnings('ignore', category=DeprecationWarning)

DRIVER_CLASS = 'vmax_driver.iscsi.VMAXISCSIDriver'
PROFILE_ARRAYS = {
    'vmax3-allflash': {'serial': '000197800123', 'pool': 'SRP_1',
                       'service_level': 'Diamond', 'workload': 'OLTP',
                       'port_groups': ['OS-PG-iSCSI-A']},
    'vmax3-hybrid': {'serial': '000197200056', 'pool': 'SRP_1',
                     'service_level': 'Gold', 'workload': 'DSS',
                     'port_groups': ['OS-PG-iSCSI-A']},
    'vmax2': {'serial': '000195900551', 'pool': 'FC_Pool',
              'service_level': None, 'workload': None,
              'fast_policy': None, 'port_groups': ['OS-PG-iSCSI-V2']},
    'srdf-pair': {'serial': '000197800123', 'pool': 'SRP_1',
                  'service_level': 'Diamond', 'workload': 'OLTP',
                  'port_groups': []},
}

_CONF_READY = []
_PRISTINE_ESTATES = {}


def simulator(profile):
    """A fresh simulator of ``profile`` with a manual clock.

    Parsing a profile costs about 0.1-0.8 s; each profile is parsed once
    per process and later simulators start from a copy of its estate.
    """
    import vmax_sim
    from vmax_sim.model import objects
    if profile not in _PRISTINE_ESTATES:
        sim = vmax_sim.Simulator.from_profile(profile, clock='manual')
        _PRISTINE_ESTATES[profile] = sim.estate.to_dict()
    return vmax_sim.Simulator(objects.Estate.from_dict(
        copy.deepcopy(_PRISTINE_ESTATES[profile])))


def _prepare_conf():
    if not _CONF_READY:
        # Import (and register) Cinder's objects and options before the
        # one-time parse: CLI options cannot be registered afterwards.
        from cinder import objects
        from cinder.volume import configuration  # noqa: F401
        objects.register_all()
        _CONF_READY.append(True)
    if cfg.CONF._namespace is None:
        # "No files": never pick up a real /etc/cinder/cinder.conf.
        cfg.CONF([], project='vmax-tests', default_config_files=[],
                 default_config_dirs=[])
        # A driver without an explicit vmax_state_path keeps its flow
        # state under Cinder's state_path: a scratch directory of this
        # test process, never the machine's /var/lib/cinder.
        scratch = tempfile.mkdtemp(prefix='vmax-tests-state-')
        atexit.register(shutil.rmtree, scratch, True)
        cfg.CONF.set_default('state_path', scratch)


def backend_options(sim, profile, **overrides):
    """cinder.conf values of a backend section for the profile's array."""
    array = dict(PROFILE_ARRAYS.get(profile, {}))
    serial = array.get('serial') or sim_serial(sim)
    values = {'vmax_smis_address': 'ecom.example.test',
              'vmax_smis_user': 'admin',
              'vmax_smis_password': 'not-logged-secret',
              'driver_use_ssl': True,
              'driver_ssl_cert_verify': False,
              'vmax_array': serial,
              'vmax_pool': array.get('pool'),
              'vmax_job_interval': 2.0,
              'vmax_job_retries': 30}
    if array.get('service_level'):
        values['vmax_service_level'] = array['service_level']
    if array.get('workload'):
        values['vmax_workload'] = array['workload']
    if array.get('fast_policy'):
        values['vmax_fast_policy'] = array['fast_policy']
    if array.get('port_groups'):
        values['vmax_port_groups'] = array['port_groups']
    values.update(overrides)
    return {k: v for k, v in values.items() if v is not None}


def copy_of(sim):
    """A new simulator whose estate is a copy of ``sim``'s (its clock
    included): cheaper than replaying the calls that built the state."""
    import vmax_sim
    from vmax_sim.model import objects
    return vmax_sim.Simulator(objects.Estate.from_dict(
        copy.deepcopy(sim.estate.to_dict())))


def real_changes(sim, before):
    """``sim.diff(before)`` as a list of readable lines (empty when
    nothing changed).

    Kept for the tests that call it: it used to hide changes of
    storage-group member order, which the simulator's state capture now
    ignores itself (membership is a set there), so ``sim.diff`` alone is
    the check to use.
    """
    return sim.diff(before).lines()


def sim_serial(sim):
    arrays = getattr(sim, 'estate', None)
    if arrays is not None and getattr(arrays, 'arrays', None):
        return sorted(arrays.arrays)[0]
    return None


class SimulatedBackend(fixtures.Fixture):
    """A driver set up against a simulated array.

    :param profile: simulator profile name.
    :param options: cinder.conf overrides for the backend section.
    :param setup: run do_setup and check_for_setup_error (default True).
    :param sim: reuse an existing simulator (e.g. after admin changes).
    """

    def __init__(self, profile='vmax3-allflash', options=None, setup=True,
                 sim=None, section=None):
        super().__init__()
        self.profile = profile
        self.options = dict(options or {})
        self.setup = setup
        self.sim = sim
        # A fresh section per fixture: cinder.conf is process-global.
        self.section = section or 'vmax_%s_%s' % (
            profile.replace('-', '_'), uuid.uuid4().hex[:8])

    def _setUp(self):
        _prepare_conf()
        from cinder.volume import configuration
        from cinder.volume import driver as cinder_driver
        from vmax_driver import options as vmax_options
        if self.sim is None:
            self.sim = simulator(self.profile)
        conf = self.useFixture(config_fixture.Config(cfg.CONF))
        self.configuration = configuration.Configuration(
            cinder_driver.volume_opts, config_group=self.section)
        self.configuration.append_config_values(vmax_options.VMAX_OPTS)
        self.configuration.append_config_values(
            vmax_options.reused_cinder_opts())
        values = backend_options(self.sim, self.profile, **self.options)
        values.setdefault('volume_backend_name', self.section)
        conf.config(group=self.section, **values)
        self.driver = importutils.import_object(
            DRIVER_CLASS, configuration=self.configuration,
            host='cinder-volume@%s' % self.section, cluster_name=None,
            active_backend_id=None, is_vol_db_empty=False)
        self.driver.connection_factory = self.sim.connection_factory
        self.driver.wait_sleep = self.sim.advance
        self.driver.wait_clock = self.sim.clock.now
        if self.setup:
            self.driver.do_setup(None)
            self.driver.check_for_setup_error()

    # -- Cinder objects -------------------------------------------------------

    def volume_type(self, extra_specs=None, name=None, qos=None,
                    consumer='back-end'):
        """A volume type; ``qos``: the specs of its QoS spec."""
        from cinder import objects
        if qos is None:
            return objects.VolumeType(id=str(uuid.uuid4()),
                                      name=name or 'vmax-type',
                                      extra_specs=dict(extra_specs or {}))
        specs = objects.QualityOfServiceSpecs(
            id=str(uuid.uuid4()), name='qos-%s' % uuid.uuid4().hex[:6],
            consumer=consumer, specs=dict(qos))
        return objects.VolumeType(id=str(uuid.uuid4()),
                                  name=name or 'vmax-type',
                                  extra_specs=dict(extra_specs or {}),
                                  qos_specs_id=specs.id, qos_specs=specs)

    def volume(self, size=1, extra_specs=None, volume_id=None,
               name_id=None, provider_location=None, volume_type=None):
        from cinder import objects
        vtype = volume_type or self.volume_type(extra_specs)
        pool = 'pool'
        if self.driver.default_placement:
            pool = self.driver.default_placement['pool_name']
        return objects.Volume(
            id=volume_id or str(uuid.uuid4()), _name_id=name_id,
            size=size, volume_type_id=vtype.id, volume_type=vtype,
            provider_location=provider_location, status='creating',
            host='cinder-volume@%s#%s' % (self.section, pool),
            display_name='test volume')

    def snapshot(self, volume, snapshot_id=None, provider_location=None):
        from cinder import objects
        return objects.Snapshot(
            id=snapshot_id or str(uuid.uuid4()), volume_id=volume.id,
            volume=volume, volume_size=volume.size,
            volume_type_id=volume.volume_type_id,
            provider_location=provider_location, status='creating',
            display_name='test snapshot')

    def create_volume(self, size=1, extra_specs=None, **kwargs):
        """A volume created through the driver, model update applied."""
        volume = self.volume(size=size, extra_specs=extra_specs, **kwargs)
        volume.update(self.driver.create_volume(volume))
        return volume

    def create_snapshot(self, volume, **kwargs):
        snapshot = self.snapshot(volume, **kwargs)
        snapshot.update(self.driver.create_snapshot(snapshot))
        return snapshot

    # -- array state ----------------------------------------------------------

    @property
    def serial(self):
        return self.driver.client.info.serial

    @property
    def array(self):
        return self.sim.estate.arrays[self.serial]

    def devices_labelled(self, label_or_object):
        """Array devices whose label is the object's ``OS-<uuid>``."""
        from vmax_flows import naming
        label = label_or_object
        if not isinstance(label_or_object, str):
            key = getattr(label_or_object, 'name_id', None) or \
                label_or_object.id
            label = naming.label(key)
        return [dev for dev in self.array.devices.values()
                if dev.label == label]

    def device_of(self, cinder_object):
        from vmax_flows import naming
        location = naming.decode_provider_location(
            cinder_object.provider_location)
        return self.array.devices.get(location['device_id']) \
            if location else None

    def calls(self):
        """Total SMI-S round trips the simulator has served so far."""
        return self.driver.client.session.total_calls()
