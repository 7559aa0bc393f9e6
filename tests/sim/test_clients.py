"""Independent clients against ``vmax-sim serve``: pywbemcli and
sblim-wbemcli (a C++ client; skipped when ``wbemcli`` is not installed).

One server process per test class; each test creates uniquely named
objects, so the tests do not depend on each other's order.
"""

import os
import shutil
import subprocess
import sys
import tempfile
import urllib.parse

import fixtures
import pywbem
import testtools

from tests.sim import test_wire_support as support

CLIENT_TIMEOUT = 60
CCS = (
    'Symm_ControllerConfigurationService.CreationClassName='
    '"Symm_ControllerConfigurationService",'
    'Name="ControllerConfigurationService",'
    'SystemCreationClassName="Symm_StorageSystem",SystemName="%s"'
    % support.SYSTEM_NAME)
SYSTEM = ('Symm_StorageSystem.CreationClassName="Symm_StorageSystem",'
          'Name="%s"' % support.SYSTEM_NAME)


def _pywbemcli():
    beside = os.path.join(os.path.dirname(sys.executable), 'pywbemcli')
    return beside if os.path.exists(beside) else shutil.which('pywbemcli')


class _ServerPerClass(testtools.TestCase):
    """Starts one ``vmax-sim serve`` for the class (``server_args``)."""

    server_args = ()

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.workdir = tempfile.mkdtemp(prefix='vmax-sim-clients-')
        cls.server = support.ServerProcess(
            '--profile', support.PROFILE, '--user', support.USER,
            '--password', support.PASSWORD,
            *[arg.format(workdir=cls.workdir) for arg in cls.server_args])
        cls.server.setUp()
        cls.certfile = cls.server.info.get('CA certificate')
        with fixtures.EnvironmentVariable('REQUESTS_CA_BUNDLE'), \
                fixtures.EnvironmentVariable('CURL_CA_BUNDLE'):
            conn = cls.pywbem_connection()
            support.create_volume(conn, 'client_vol')

    @classmethod
    def tearDownClass(cls):
        cls.server.cleanUp()
        shutil.rmtree(cls.workdir, ignore_errors=True)
        super().tearDownClass()

    @classmethod
    def pywbem_connection(cls):
        return pywbem.WBEMConnection(
            cls.server.url, (support.USER, support.PASSWORD),
            default_namespace=support.NS, ca_certs=cls.certfile)

    def setUp(self):
        super().setUp()
        self.useFixture(support.NoCaBundleVariables())

    def run_client(self, *argv):
        result = subprocess.run(
            list(argv), capture_output=True, text=True, cwd=self.workdir,
            env=support.child_environment(), timeout=CLIENT_TIMEOUT)
        self.addDetail('client', testtools.content.text_content(
            '%s\nexit %d\n%s\n%s' % (' '.join(argv), result.returncode,
                                     result.stdout, result.stderr)))
        return result

    def assert_group_exists(self, name):
        group = self.pywbem_connection().GetInstance(
            support.group_path(name))
        self.assertEqual(name, group['ElementName'])


class PywbemcliTest(_ServerPerClass):

    def setUp(self):
        super().setUp()
        self.pywbemcli = _pywbemcli()
        if self.pywbemcli is None:
            self.skipTest('pywbemcli is not installed')

    def cli(self, *args, password=support.PASSWORD):
        return self.run_client(
            self.pywbemcli, '-s', self.server.url, '-u', support.USER,
            '-p', password, '-d', support.NS, *args)

    def test_instance_enumerate(self):
        result = self.cli('instance', 'enumerate', 'Symm_StorageVolume')
        self.assertEqual(0, result.returncode)
        self.assertIn('ElementName = "client_vol";', result.stdout)

    def test_pull_and_traditional_enumerations_agree(self):
        outputs = []
        for use_pull in ('yes', 'no'):
            result = self.cli('-U', use_pull, 'instance', 'enumerate',
                              'CIM_StoragePoolSetting', '--no')
            self.assertEqual(0, result.returncode)
            outputs.append(sorted(result.stdout.split()))
        self.assertEqual(6, len(outputs[0]))
        self.assertEqual(outputs[0], outputs[1])

    def test_instance_count(self):
        result = self.cli('instance', 'count', 'Symm_Storage*')
        self.assertEqual(0, result.returncode)
        counts = {}
        for line in result.stdout.splitlines():
            fields = line.split()
            if len(fields) == 3 and fields[0] == support.NS:
                counts[fields[1]] = int(fields[2])
        self.assertEqual(1, counts['Symm_StorageSystem'])
        self.assertGreaterEqual(counts['Symm_StorageVolume'], 1)

    def test_class_tree(self):
        result = self.cli('class', 'tree', 'CIM_StorageVolume')
        self.assertEqual(0, result.returncode)
        self.assertIn('EMC_StorageVolume', result.stdout)
        self.assertIn('Symm_StorageVolume', result.stdout)

    def test_instance_associators(self):
        result = self.cli('instance', 'associators', SYSTEM,
                          '--ac', 'CIM_HostedService', '--no')
        self.assertEqual(0, result.returncode)
        paths = result.stdout.split()
        self.assertEqual(4, len(paths))
        host = urllib.parse.urlsplit(self.server.url).netloc
        self.assertTrue(all(p.startswith('//%s/root/emc:' % host)
                            for p in paths), paths)

    def test_invokemethod_create_group(self):
        result = self.cli('instance', 'invokemethod', CCS, 'CreateGroup',
                          '-p', 'GroupName=sg_pywbemcli', '-p', 'Type=4')
        self.assertEqual(0, result.returncode)
        self.assertRegex(result.stdout, r'ReturnValue=(0|4096)')
        self.assertIn('SE_DeviceMaskingGroup.InstanceID=', result.stdout)
        self.assert_group_exists('sg_pywbemcli')

    def test_wrong_password(self):
        result = self.cli('instance', 'enumerate', 'CIM_StoragePool',
                          password='wrong')
        self.assertNotEqual(0, result.returncode)
        self.assertIn('401', result.stdout + result.stderr)


class PywbemcliHttpsTest(_ServerPerClass):

    server_args = ('--https', '--cert-dir', '{workdir}/tls')

    def setUp(self):
        super().setUp()
        self.pywbemcli = _pywbemcli()
        if self.pywbemcli is None:
            self.skipTest('pywbemcli is not installed')

    def _enumerate(self, *tls_args):
        return self.run_client(
            self.pywbemcli, '-s', self.server.url, '-u', support.USER,
            '-p', support.PASSWORD, '-d', support.NS, *tls_args,
            'instance', 'enumerate', 'CIM_StoragePool', '--no')

    def test_generated_certificate_as_ca(self):
        self.assertTrue(self.server.url.startswith('https://'))
        result = self._enumerate('--ca-certs', self.certfile)
        self.assertEqual(0, result.returncode)
        self.assertIn(support.SRP_INSTANCE_ID, result.stdout)

    def test_default_trust_store_refuses_the_certificate(self):
        result = self._enumerate()
        self.assertNotEqual(0, result.returncode)
        self.assertIn('CERTIFICATE_VERIFY_FAILED',
                      result.stdout + result.stderr)


class _WbemcliMixin(object):

    def setUp(self):
        super().setUp()
        self.wbemcli = shutil.which('wbemcli')
        if self.wbemcli is None:
            self.skipTest('sblim-wbemcli is not installed (Debian package '
                          'sblim-wbemcli)')

    def object_url(self, path, password=support.PASSWORD):
        parts = urllib.parse.urlsplit(self.server.url)
        return '%s://%s:%s@%s/%s:%s' % (parts.scheme, support.USER,
                                        password, parts.netloc, support.NS,
                                        path)

    def wbemcli_run(self, *args):
        extra = ('-cacert', self.certfile) if self.certfile else ()
        return self.run_client(self.wbemcli, *(extra + args))


class WbemcliTest(_WbemcliMixin, _ServerPerClass):

    def test_enumerate_instance_names_and_instances(self):
        result = self.wbemcli_run(
            'ein', self.object_url('Symm_StorageVolume'))
        self.assertEqual(0, result.returncode)
        self.assertIn('Symm_StorageVolume.', result.stdout)
        result = self.wbemcli_run('ei', self.object_url('Symm_StorageVolume'))
        self.assertEqual(0, result.returncode)
        self.assertIn('ElementName="client_vol"', result.stdout)

    def test_get_instance_and_associator_names(self):
        result = self.wbemcli_run('gi', self.object_url(SYSTEM))
        self.assertEqual(0, result.returncode)
        self.assertIn('ElementName="%s"' % support.SERIAL, result.stdout)
        result = self.wbemcli_run('ain', '-ac', 'CIM_HostedService',
                                  self.object_url(SYSTEM))
        self.assertEqual(0, result.returncode)
        self.assertEqual(4, len(result.stdout.split()))

    def test_get_class_parses_with_explicit_end_tags(self):
        result = self.wbemcli_run(
            'gc', self.object_url('Symm_ControllerConfigurationService'))
        self.assertEqual(0, result.returncode, result.stderr)
        self.assertIn('Symm_ControllerConfigurationService', result.stdout)

    def test_call_method_create_group_without_paramtype(self):
        # wbemcli sends PARAMVALUEs without PARAMTYPE: the server types
        # them from the method declaration.
        result = self.wbemcli_run(
            'cm', self.object_url(CCS),
            'CreateGroup.GroupName="sg_wbemcli",Type=4')
        self.assertEqual(0, result.returncode, result.stderr)
        self.assertIn('MaskingGroup (reference)', result.stdout)
        self.assert_group_exists('sg_wbemcli')

    def test_wrong_password(self):
        result = self.wbemcli_run(
            'ein', self.object_url('CIM_StoragePool', password='wrong'))
        self.assertNotEqual(0, result.returncode)
        self.assertIn('Invalid username/password', result.stderr)


class WbemcliHttpsTest(_WbemcliMixin, _ServerPerClass):

    server_args = ('--https', '--cert-dir', '{workdir}/tls')

    def test_enumerate_over_https_with_the_generated_certificate(self):
        result = self.wbemcli_run(
            'ein', self.object_url('CIM_StoragePool'))
        self.assertEqual(0, result.returncode, result.stderr)
        self.assertIn('SRP_1', result.stdout)
