"""The deprecated 2.x XML file: parsing, its errors, merging, secrecy."""

import os

from cinder import exception
import testtools

from tests.driver import test_config_support as support
from vmax_driver import config
from vmax_driver import legacy_xml

SECRET = 'xml-Secret-99'

# Pretty-printed with stray whitespace and newlines around values, as the
# files of bug 1364232 were.
FULL_FILE = """<?xml version='1.0' encoding='UTF-8'?>
<EMC>
  <EcomServerIp>
      10.108.246.202
  </EcomServerIp>
  <EcomServerPort> 5989 </EcomServerPort>
  <EcomUserName>admin
  </EcomUserName>
  <EcomPassword>  %s  </EcomPassword>
  <PortGroups>
    <PortGroup>OS-PORTGROUP1-PG</PortGroup>
    <PortGroup>  </PortGroup>
    <PortGroup>
      OS-PORTGROUP2-PG
    </PortGroup>
    <PortGroup>OS-PORTGROUP1-PG</PortGroup>
  </PortGroups>
  <Array>000197200056</Array>
  <Pool> SRP_1 </Pool>
  <ServiceLevel>Bronze</ServiceLevel>
  <Workload>DSS</Workload>
  <FastPolicy></FastPolicy>
  <Interval>10</Interval>
  <Retries>60</Retries>
  <Timeout>5</Timeout>
</EMC>
""" % SECRET


def _file(**elements):
    """A flat file holding exactly ``elements`` (raw XML fragments)."""
    body = ''.join('<%s>%s</%s>\n' % (tag, text, tag)
                   for tag, text in elements.items())
    return '<EMC>\n%s</EMC>\n' % body


class ReadLegacyFileTest(testtools.TestCase):

    def setUp(self):
        super().setUp()
        self.files = self.useFixture(support.TempFiles())
        self.logs = self.useFixture(support.CapturedLogs())

    def read(self, text, name='cinder_emc_config.xml'):
        return legacy_xml.read_legacy_file(self.files.write(name, text),
                                           'vmax_a')

    def assertRefused(self, text, *fragments):
        path = self.files.write('bad.xml', text)
        err = self.assertRaises(exception.InvalidConfigurationValue,
                                legacy_xml.read_legacy_file, path, 'vmax_a')
        message = str(err)
        self.assertEqual('cinder_emc_config_file', err.kwargs['option'])
        self.assertIn(path, message)
        self.assertIn('[vmax_a]', message)
        for fragment in fragments:
            self.assertIn(fragment, message)
        return message

    def test_full_file_trimmed_and_mapped_to_options(self):
        settings = self.read(FULL_FILE)
        self.assertEqual({
            'vmax_smis_address': '10.108.246.202',
            'vmax_smis_port': 5989,
            'vmax_smis_user': 'admin',
            'vmax_smis_password': SECRET,
            'vmax_port_groups': ('OS-PORTGROUP1-PG', 'OS-PORTGROUP2-PG'),
            'vmax_array': '000197200056',
            'vmax_pool': 'SRP_1',
            'vmax_service_level': 'Bronze',
            'vmax_workload': 'DSS',
            'vmax_job_interval': 10,
            'vmax_job_retries': 60,
        }, settings.values)
        self.assertEqual('Interval', settings.sources['vmax_job_interval'])
        self.assertEqual('PortGroups/PortGroup',
                         settings.sources['vmax_port_groups'])

    def test_first_element_wins_anywhere_in_the_tree(self):
        settings = self.read('<EMC><Extra><Array>0001</Array></Extra>'
                             '<Array>0002</Array></EMC>')
        self.assertEqual('0001', settings.values['vmax_array'])
        self.assertIn('2 <Array> elements', self.logs.text)

    def test_empty_port_groups_refused(self):
        self.assertRefused(_file(PortGroups='<PortGroup> </PortGroup>'),
                           'PortGroups')
        self.assertRefused(_file(PortGroups=''), 'PortGroups')

    def test_absent_port_groups_are_simply_unset(self):
        settings = self.read(_file(Array='0001'))
        self.assertNotIn('vmax_port_groups', settings.values)

    def test_non_integer_interval_retries_port_refused(self):
        self.assertRefused(_file(Interval='ten'), '<Interval>', '"ten"')
        self.assertRefused(_file(Retries='2.5'), '<Retries>', '"2.5"')
        self.assertRefused(_file(EcomServerPort='59 89'),
                           '<EcomServerPort>', '"59 89"')

    def test_integers_out_of_range_refused(self):
        self.assertRefused(_file(Retries='0'), '<Retries>', 'at least 1')
        self.assertRefused(_file(Interval='-3'), '<Interval>', '-3')
        self.assertRefused(_file(EcomServerPort='65536'),
                           '<EcomServerPort>', '65536')

    def test_malformed_xml_refused(self):
        self.assertRefused('<EMC><Array>0001</EMC>', 'malformed XML')
        self.assertRefused('', 'malformed XML')

    def test_entity_expansion_refused(self):
        bomb = ('<?xml version="1.0"?><!DOCTYPE EMC ['
                '<!ENTITY a "aaaaaaaaaa">'
                '<!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">]>'
                '<EMC><Array>&b;</Array></EMC>')
        self.assertRefused(bomb, 'unsafe XML', 'EntitiesForbidden')

    def test_external_entity_refused(self):
        xxe = ('<?xml version="1.0"?><!DOCTYPE EMC ['
               '<!ENTITY x SYSTEM "file:///etc/passwd">]>'
               '<EMC><Array>&x;</Array></EMC>')
        message = self.assertRefused(xxe, 'unsafe XML')
        self.assertNotIn('root:', message)

    def test_unreadable_file_refused(self):
        missing = os.path.join(self.files.path, 'missing.xml')
        err = self.assertRaises(exception.InvalidConfigurationValue,
                                legacy_xml.read_legacy_file, missing)
        self.assertIn(missing, str(err))
        self.assertIn('cannot read', str(err))
        err = self.assertRaises(exception.InvalidConfigurationValue,
                                legacy_xml.read_legacy_file, self.files.path)
        self.assertIn('cannot read', str(err))

    def test_multi_pool_layout_refused(self):
        self.assertRefused('<EMC><EcomServers><EcomServer/></EcomServers>'
                           '</EMC>', 'multi-pool', 'EcomServers')

    def test_ignored_tls_elements_name_their_replacement(self):
        settings = self.read(_file(Array='0001', EcomUseSSL='True',
                                   EcomNoVerification='True'))
        self.assertEqual({'vmax_array': '0001'}, settings.values)
        self.assertIn('<EcomUseSSL> is ignored', self.logs.text)
        self.assertIn('driver_use_ssl', self.logs.text)
        self.assertIn('driver_ssl_cert_verify', self.logs.text)

    def test_deprecation_warning_names_options_not_values(self):
        settings = self.read(FULL_FILE)
        legacy_xml.log_deprecation(settings, 'vmax_a')
        self.assertIn('deprecated', self.logs.text)
        self.assertIn('<EcomServerIp> -> vmax_smis_address', self.logs.text)
        self.assertIn('<EcomPassword> -> vmax_smis_password',
                      self.logs.text)
        self.assertNotIn(SECRET, self.logs.text)
        self.assertNotIn('10.108.246.202', self.logs.text)


class LegacyMergeTest(testtools.TestCase):
    """build_backend_config with cinder_emc_config_file set."""

    def setUp(self):
        super().setUp()
        self.files = self.useFixture(support.TempFiles())
        self.section = self.useFixture(support.BackendSection())
        self.logs = self.useFixture(support.CapturedLogs())
        self.path = self.files.write('cinder_emc_config.xml', FULL_FILE)

    def build(self, **values):
        self.section.set(cinder_emc_config_file=self.path, **values)
        return config.build_backend_config(self.section.configuration())

    def test_xml_alone_is_enough(self):
        backend = self.build()
        self.assertEqual('10.108.246.202', backend.provider_host)
        self.assertEqual(5989, backend.provider_port)
        self.assertEqual(('admin', SECRET), (backend.provider_user,
                                             backend.provider_password))
        self.assertEqual(('000197200056', 'SRP_1'),
                         (backend.array_serial, backend.pool))
        self.assertEqual(('Bronze', 'DSS'),
                         (backend.service_level, backend.workload))
        self.assertEqual(('OS-PORTGROUP1-PG', 'OS-PORTGROUP2-PG'),
                         backend.port_groups)
        self.assertEqual((10.0, 60), (backend.job_interval,
                                      backend.job_retries))

    def test_cinder_conf_wins_over_xml(self):
        backend = self.build(vmax_smis_address='ecom2.example.com',
                             vmax_pool='SRP_2', vmax_job_retries='5',
                             vmax_port_groups='conf-pg',
                             vmax_service_level='Gold')
        self.assertEqual('ecom2.example.com', backend.provider_host)
        self.assertEqual('SRP_2', backend.pool)
        self.assertEqual(5, backend.job_retries)
        self.assertEqual(('conf-pg',), backend.port_groups)
        self.assertEqual(('Gold', 'DSS'),
                         (backend.service_level, backend.workload))
        # Untouched keys still come from the file, not from defaults.
        self.assertEqual((10.0, '000197200056'),
                         (backend.job_interval, backend.array_serial))

    def test_empty_cinder_conf_value_leaves_the_xml_value(self):
        backend = self.build(vmax_pool='  ', vmax_port_groups='')
        self.assertEqual('SRP_1', backend.pool)
        self.assertEqual(('OS-PORTGROUP1-PG', 'OS-PORTGROUP2-PG'),
                         backend.port_groups)

    def test_backend_defaults_value_also_wins_over_xml(self):
        self.section.set_shared(vmax_job_interval='1')
        self.assertEqual(1.0, self.build().job_interval)

    def test_deprecation_logged_without_secrets(self):
        self.build()
        self.assertIn('[%s] reads the legacy VMAX XML file %s'
                      % (self.section.name, self.path), self.logs.text)
        self.assertIn('vmax_smis_address', self.logs.text)
        self.assertNotIn(SECRET, self.logs.text)

    def test_required_value_missing_everywhere_names_both_sources(self):
        path = self.files.write('partial.xml', _file(Array='0001',
                                                     Pool='SRP_1'))
        self.section.set(cinder_emc_config_file=path)
        err = self.assertRaises(exception.InvalidConfigurationValue,
                                config.build_backend_config,
                                self.section.configuration())
        self.assertIn('vmax_smis_address', str(err))
        self.assertIn('<EcomServerIp> in %s' % path, str(err))
        self.assertIn('[%s]' % self.section.name, str(err))

    def test_broken_file_stops_setup_naming_file_and_key(self):
        path = self.files.write('broken.xml', _file(EcomServerIp='h',
                                                    Interval='soon'))
        self.section.set(**support.minimal_values(
            cinder_emc_config_file=path))
        err = self.assertRaises(exception.InvalidConfigurationValue,
                                config.build_backend_config,
                                self.section.configuration())
        self.assertIn(path, str(err))
        self.assertIn('<Interval>', str(err))
        self.assertIn('"soon"', str(err))


class ShippedSampleTest(testtools.TestCase):

    def test_sample_file_parses_to_the_example_settings(self):
        path = os.path.join(support.ROOT, 'etc', 'cinder',
                            'cinder_emc_config.xml.sample')
        settings = legacy_xml.read_legacy_file(path, 'vmax_gold')
        self.assertEqual({
            'vmax_smis_address': '10.10.10.10', 'vmax_smis_port': 5989,
            'vmax_smis_user': 'smisadmin', 'vmax_smis_password': 'change-me',
            'vmax_port_groups': ('OS-PORTGROUP1-PG', 'OS-PORTGROUP2-PG'),
            'vmax_array': '000197200056', 'vmax_pool': 'SRP_1',
            'vmax_service_level': 'Gold', 'vmax_workload': 'OLTP',
            'vmax_job_interval': 3, 'vmax_job_retries': 200,
        }, settings.values)
