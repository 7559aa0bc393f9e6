"""Shared helpers of the transport tests (no tests in here).

Everything runs against the real ``vmax_sim.Simulator`` with the
``vmax3-allflash`` profile; only faults are injected, through the
simulator's own fault rules.
"""

import os
import subprocess
import sys

import fixtures
import pywbem

from vmax_sim import Simulator

PROFILE = 'vmax3-allflash'
SERIAL = '000197800123'
SYSTEM_NAME = 'SYMMETRIX-+-' + SERIAL
NS = 'root/emc'
USER = 'admin'
PASSWORD = 'p4ss:w0rd'  # with a ':' on purpose (Basic auth splits once)
SRP_INSTANCE_ID = SYSTEM_NAME + '-+-SR-+-SRP_1'
GIB = 1024 ** 3

# Variables that make requests ignore a client's own CA settings
# (psf/requests#3829); unset wherever a self-signed certificate is used.
CA_BUNDLE_VARIABLES = ('REQUESTS_CA_BUNDLE', 'CURL_CA_BUNDLE')


def new_simulator():
    return Simulator.from_profile(PROFILE)


def system_path():
    return pywbem.CIMInstanceName(
        'Symm_StorageSystem',
        [('CreationClassName', 'Symm_StorageSystem'),
         ('Name', SYSTEM_NAME)], namespace=NS)


def service_path(classname):
    return pywbem.CIMInstanceName(
        classname,
        [('CreationClassName', classname),
         ('Name', classname[len('Symm_'):]),
         ('SystemCreationClassName', 'Symm_StorageSystem'),
         ('SystemName', SYSTEM_NAME)], namespace=NS)


def storage_configuration_service():
    return service_path('Symm_StorageConfigurationService')


def controller_configuration_service():
    return service_path('Symm_ControllerConfigurationService')


def replication_service():
    return service_path('Symm_ReplicationService')


def srp_path():
    return pywbem.CIMInstanceName(
        'Symm_SRPStoragePool', {'InstanceID': SRP_INSTANCE_ID},
        namespace=NS)


def group_path(name):
    return pywbem.CIMInstanceName(
        'SE_DeviceMaskingGroup',
        {'InstanceID': '%s-+-%s' % (SYSTEM_NAME, name)}, namespace=NS)


def create_volume(conn, name, size_gib=1, pool=None):
    """Create a thin volume in the SRP; returns (rc, outparams)."""
    return conn.InvokeMethod(
        'CreateOrModifyElementFromStoragePool',
        storage_configuration_service(), ElementName=name,
        ElementType=pywbem.Uint16(5), Size=pywbem.Uint64(size_gib * GIB),
        InPool=pool if pool is not None else srp_path())


def create_storage_group(conn, name):
    return conn.InvokeMethod(
        'CreateGroup', controller_configuration_service(),
        GroupName=name, Type=pywbem.Uint16(4))


def volume_names(sim):
    """ElementNames of the devices of the profile's array, sorted."""
    with sim.dispatcher.lock:
        return sorted(dev.label for dev in
                      sim.array(SERIAL).devices.values())


def group_names(sim):
    with sim.dispatcher.lock:
        return sorted(sim.array(SERIAL).storage_groups)


class NoCaBundleVariables(fixtures.Fixture):
    """Unset REQUESTS_CA_BUNDLE/CURL_CA_BUNDLE for the test's duration."""

    def _setUp(self):
        for name in CA_BUNDLE_VARIABLES:
            self.useFixture(fixtures.EnvironmentVariable(name))


class ServedSimulator(fixtures.Fixture):
    """``sim.serve()`` on an OS-chosen port, stopped at cleanup."""

    def __init__(self, sim, **serve_kwargs):
        super().__init__()
        self.sim = sim
        self.serve_kwargs = serve_kwargs

    def _setUp(self):
        self.handle = self.sim.serve(port=0, **self.serve_kwargs)
        self.addCleanup(self.handle.stop)
        self.url = self.handle.url

    def connection(self, creds=None, **kwargs):
        kwargs.setdefault('default_namespace', NS)
        if self.handle.certfile and 'no_verification' not in kwargs:
            kwargs.setdefault('ca_certs', self.handle.certfile)
        return pywbem.WBEMConnection(self.url, creds, **kwargs)


def child_environment():
    """Environment for client subprocesses: no CA bundle overrides."""
    env = dict(os.environ)
    for name in CA_BUNDLE_VARIABLES:
        env.pop(name, None)
    return env


class ServerProcess(fixtures.Fixture):
    """``vmax-sim serve`` in a subprocess; ``url`` read from its stdout."""

    def __init__(self, *args):
        super().__init__()
        self.args = args
        self.lines = []

    def _setUp(self):
        self.process = subprocess.Popen(
            [sys.executable, '-m', 'vmax_sim.cli', 'serve',
             '--port', '0'] + list(self.args),
            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
            env=child_environment())
        self.addCleanup(self._stop)
        self.info = {}
        for line in self.process.stdout:
            self.lines.append(line.rstrip('\n'))
            key, sep, value = line.partition(': ')
            if sep:
                self.info[key] = value.strip()
            if line.startswith('Press Ctrl-C'):
                break
        else:
            raise RuntimeError('vmax-sim serve did not start: %s'
                               % self.process.stderr.read())
        self.url = self.info['URL']

    def stop(self, signum=None):
        """Signal the server, wait, return (exit code, rest of stdout)."""
        import signal
        self.process.send_signal(signum or signal.SIGTERM)
        out, err = self.process.communicate(timeout=20)
        self.lines.extend(out.splitlines())
        self.stderr = err
        return self.process.returncode

    def _stop(self):
        if self.process.poll() is None:
            self.process.kill()
            self.process.communicate(timeout=20)
        self.process.stdout.close()
        self.process.stderr.close()
