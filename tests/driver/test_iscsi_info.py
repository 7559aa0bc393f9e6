"""iSCSI connection info against what os-brick's iSCSI connector reads.

The property names are taken from os-brick's own source (the keys its
iSCSI connectors read from ``connection_properties``) and the returned
info is fed to os-brick's own target iteration, which is what it logs in
to.
"""

import inspect
import logging
import re

from cinder import exception
import fixtures
from os_brick.initiator.connectors import base_iscsi
from os_brick.initiator.connectors import iscsi as brick_iscsi
from os_brick.initiator import linuxscsi
import testtools

from tests.driver import test_attach_support as support
from vmax_flows import iscsi_info

SECRET = 'chap-Secret-7f3a91'
HOST = 'compute-1.example.org'
IQN_A = 'iqn.1992-04.com.emc:600009700bca30c01e3e012e00000001'
IQN_B = 'iqn.1992-04.com.emc:600009700bca30c01e3e012e00000002'
# Informational keys Cinder's own iSCSI drivers return; os-brick ignores
# them (cinder/volume/driver.py documents both).
INFORMATIONAL = {'target_discovered', 'volume_id'}


def brick_keys():
    """Every key os-brick's iSCSI connectors read from the properties."""
    source = inspect.getsource(brick_iscsi) + inspect.getsource(base_iscsi)
    pattern = re.compile(
        r"(?:connection_properties|con_props|props)"
        r"(?:\[|\.get\(|\.pop\()\s*'([a-z_]+)'")
    return set(pattern.findall(source))


def brick_paths(data):
    """What os-brick logs in to: (portal, iqn, lun) per path."""
    connector = object.__new__(brick_iscsi.ISCSIConnector)
    connector._linuxscsi = linuxscsi.LinuxSCSI(None)
    return [(p['target_portal'], p['target_iqn'], p['target_lun'])
            for p in connector._iterate_all_targets(data)]


class BrickNamesTest(testtools.TestCase):

    def test_the_keys_os_brick_reads(self):
        keys = brick_keys()
        for key in ('target_portal', 'target_iqn', 'target_lun',
                    'target_portals', 'target_iqns', 'target_luns',
                    'auth_method', 'auth_username', 'auth_password'):
            self.assertIn(key, keys)

    def test_every_key_we_return_is_one_os_brick_knows(self):
        targets = [{'iqn': IQN_A + ',t,0x0001', 'ip': '192.0.2.11'},
                   {'iqn': IQN_B, 'ip': '192.0.2.12', 'tcp_port': 3261}]
        data = iscsi_info.iscsi_properties(
            'vol-1', 5, targets, multipath=True,
            chap={'username': 'u', 'password': SECRET})
        self.assertEqual(set(), set(data) - brick_keys() - INFORMATIONAL)
        self.assertEqual([('192.0.2.11:3260', IQN_A, 5),
                          ('192.0.2.12:3261', IQN_B, 5)], brick_paths(data))

    def test_ipv6_portal(self):
        self.assertEqual('[2001:db8::1]:3260',
                         iscsi_info.portal({'ip': '2001:db8::1'}))

    def test_no_target_is_an_error(self):
        self.assertRaises(iscsi_info.exceptions.ArrayError,
                          iscsi_info.iscsi_properties, 'v', 1, [])


class ConnectionInfoTest(testtools.TestCase):

    def backend(self, **options):
        backend = self.useFixture(support.AttachBackend(
            'vmax3-allflash', options=options))
        self.logs = self.useFixture(fixtures.FakeLogger(
            level=logging.DEBUG, format='%(name)s %(message)s'))
        return backend

    def test_single_path_without_chap(self):
        backend = self.backend()
        volume = backend.create_volume()
        info = backend.attach(volume, HOST)
        self.assertEqual('iscsi', info['driver_volume_type'])
        self.assertEqual({'target_discovered', 'target_iqn',
                          'target_portal', 'target_lun', 'volume_id'},
                         set(info['data']))
        self.assertEqual([('192.0.2.11:3260', IQN_A, 1)],
                         brick_paths(info['data']))

    def test_multipath_without_chap(self):
        backend = self.backend()
        volume = backend.create_volume()
        backend.attach(backend.create_volume(), HOST)
        info = backend.attach(volume, HOST, multipath=True)
        self.assertEqual([('192.0.2.11:3260', IQN_A, 2),
                          ('192.0.2.12:3260', IQN_B, 2)],
                         brick_paths(info['data']))
        self.assertNotIn('auth_method', info['data'])

    def test_single_path_with_chap_never_logs_the_secret(self):
        backend = self.backend(use_chap_auth=True, chap_username='vmaxuser',
                               chap_password=SECRET)
        volume = backend.create_volume()
        info = backend.attach(volume, HOST)
        self.assertEqual(('CHAP', 'vmaxuser', SECRET),
                         (info['data']['auth_method'],
                          info['data']['auth_username'],
                          info['data']['auth_password']))
        self.assertEqual([('192.0.2.11:3260', IQN_A, 1)],
                         brick_paths(info['data']))
        output = self.logs.output
        self.assertIn('masked to host %s' % HOST, output)
        self.assertIn("'auth_password': '***'", output)
        self.assertNotIn(SECRET, output)

    def test_multipath_with_chap_never_logs_the_secret(self):
        backend = self.backend(use_chap_auth=True, chap_username='vmaxuser',
                               chap_password=SECRET)
        volume = backend.create_volume()
        info = backend.attach(volume, HOST, multipath=True)
        self.assertEqual({'target_discovered', 'target_iqn',
                          'target_portal', 'target_lun', 'volume_id',
                          'target_iqns', 'target_portals', 'target_luns',
                          'auth_method', 'auth_username', 'auth_password'},
                         set(info['data']))
        self.assertEqual(2, len(brick_paths(info['data'])))
        backend.detach(volume, HOST)
        self.assertNotIn(SECRET, self.logs.output)

    def test_chap_without_a_password_is_a_configuration_error(self):
        backend = self.backend(use_chap_auth=True, chap_username='u')
        volume = backend.create_volume()
        since = backend.sim.snapshot()
        error = self.assertRaises(exception.InvalidInput, backend.attach,
                                  volume, HOST)
        self.assertIn('chap_password', str(error))
        self.assertFalse(backend.sim.diff(since))


class LegacyHelpersTest(testtools.TestCase):
    """The 2.x driver's public helpers keep their names and shapes."""

    def setUp(self):
        super().setUp()
        self.backend = self.useFixture(support.AttachBackend(
            'vmax3-allflash'))
        self.driver = self.backend.driver
        self.volume = self.backend.create_volume()
        self.connector = support.connector(HOST, multipath=True)
        self.ip_and_iqn = [{'ip': '192.0.2.11', 'iqn': IQN_A + ',t,0x0001'},
                           {'ip': '192.0.2.12', 'iqn': IQN_B}]

    def test_get_iscsi_dict(self):
        device_info = {'hostlunid': 3, 'maskingview': 'mv',
                       'array': self.backend.serial,
                       'ip_and_iqn': self.ip_and_iqn, 'is_multipath': True}
        info = self.driver.get_iscsi_dict(device_info, self.volume,
                                          self.connector)
        self.assertEqual('iscsi', info['driver_volume_type'])
        self.assertEqual([('192.0.2.11:3260', IQN_A, 3),
                          ('192.0.2.12:3260', IQN_B, 3)],
                         brick_paths(info['data']))
        single = self.driver.get_iscsi_dict(
            dict(device_info, is_multipath=False), self.volume, None)
        self.assertNotIn('target_portals', single['data'])
        self.assertRaises(exception.InvalidInput, self.driver.get_iscsi_dict,
                          {'ip_and_iqn': []}, self.volume, None)

    def test_smis_get_iscsi_properties_reads_the_lun(self):
        self.assertRaises(exception.VolumeBackendAPIException,
                          self.driver.smis_get_iscsi_properties,
                          self.volume, self.connector, self.ip_and_iqn,
                          True)
        self.backend.attach(self.backend.create_volume(), HOST)
        self.backend.attach(self.volume, HOST)
        data = self.driver.smis_get_iscsi_properties(
            self.volume, self.connector, self.ip_and_iqn, True)
        self.assertEqual(2, data['target_lun'])
        self.assertEqual(self.volume.id, data['volume_id'])
        self.assertEqual([2, 2], data['target_luns'])
        self.assertTrue(data['target_discovered'])
