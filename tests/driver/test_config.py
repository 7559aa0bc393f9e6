"""cinder.conf backend section -> vmax_flows.config.BackendConfig."""

import configparser
import os
import re

from cinder import exception
from cinder.volume import configuration as cinder_configuration
from cinder.volume import driver as cinder_driver
from oslo_config import cfg
from oslo_config import fixture as config_fixture
import testtools

from tests.driver import test_config_support as support
from vmax_driver import config
from vmax_driver import options
from vmax_flows import config as flows_config

SECRET = 'Pa55-w0rd-never-logged'


class BuildBackendConfigTest(testtools.TestCase):

    def setUp(self):
        super().setUp()
        self.section = self.useFixture(support.BackendSection())
        self.logs = self.useFixture(support.CapturedLogs())

    def build(self, **values):
        self.section.set(**support.minimal_values(**values))
        return config.build_backend_config(self.section.configuration())

    def assertInvalid(self, option, *fragments, **values):
        # A fresh section per case: loaded values accumulate otherwise.
        section = self.useFixture(support.BackendSection())
        section.set(**support.minimal_values(**values))
        err = self.assertRaises(exception.InvalidConfigurationValue,
                                config.build_backend_config,
                                section.configuration())
        message = str(err)
        self.assertEqual(option, err.kwargs['option'])
        self.assertIn(option, message)
        self.assertIn('[%s]' % section.name, message)
        for fragment in fragments:
            self.assertIn(fragment, message)
        return message

    def test_minimal_section_gives_documented_defaults(self):
        backend = self.build()
        self.assertIsInstance(backend, flows_config.BackendConfig)
        self.assertEqual('10.20.30.40', backend.provider_host)
        self.assertEqual(5988, backend.provider_port)
        self.assertEqual('http://10.20.30.40:5988', backend.provider_url)
        self.assertEqual(('', ''), (backend.provider_user,
                                    backend.provider_password))
        self.assertFalse(backend.use_ssl)
        self.assertTrue(backend.ssl_cert_verify)
        self.assertIsNone(backend.ssl_cert_path)
        self.assertEqual('000197200056', backend.array_serial)
        self.assertEqual('SRP_1', backend.pool)
        self.assertEqual((None, None, None), (backend.service_level,
                                              backend.workload,
                                              backend.fast_policy))
        self.assertEqual((), backend.port_groups)
        self.assertEqual((3.0, 200, 120.0), (backend.job_interval,
                                             backend.job_retries,
                                             backend.request_timeout))
        self.assertEqual(self.section.name, backend.backend_name)
        self.assertEqual('I', backend.protocol)

    def test_every_option_reaches_the_settings(self):
        backend = self.build(
            vmax_smis_port='15989', vmax_smis_user='smisadmin',
            vmax_smis_password=SECRET, driver_use_ssl='true',
            vmax_service_level='Diamond', vmax_workload='OLTP',
            vmax_fast_policy='GoldFP', vmax_port_groups='OS-PG-1,OS-PG-2',
            vmax_job_interval='0.5', vmax_job_retries='12',
            vmax_request_timeout='30', volume_backend_name='vmax_gold')
        self.assertEqual('https://10.20.30.40:15989', backend.provider_url)
        self.assertEqual(('smisadmin', SECRET), (backend.provider_user,
                                                 backend.provider_password))
        self.assertEqual(('Diamond', 'OLTP', 'GoldFP'),
                         (backend.service_level, backend.workload,
                          backend.fast_policy))
        self.assertEqual(('OS-PG-1', 'OS-PG-2'), backend.port_groups)
        self.assertEqual((0.5, 12, 30.0), (backend.job_interval,
                                           backend.job_retries,
                                           backend.request_timeout))
        self.assertEqual('vmax_gold', backend.backend_name)

    def test_ssl_switches_default_port(self):
        backend = self.build(driver_use_ssl='True')
        self.assertEqual(5989, backend.provider_port)
        self.assertEqual('https://10.20.30.40:5989', backend.provider_url)

    def test_stray_whitespace_is_stripped(self):
        backend = self.build(vmax_smis_address='  smis.example.com\t',
                             vmax_array=' 000197200056  ',
                             vmax_pool='\tSRP_1 ', vmax_smis_user=' u ',
                             vmax_service_level=' gold ',
                             vmax_fast_policy='   ',
                             vmax_port_groups=' pg1 , ,pg2,pg1 ,  ')
        self.assertEqual('smis.example.com', backend.provider_host)
        self.assertEqual('000197200056', backend.array_serial)
        self.assertEqual('SRP_1', backend.pool)
        self.assertEqual('u', backend.provider_user)
        self.assertEqual('Gold', backend.service_level)
        self.assertIsNone(backend.fast_policy)
        self.assertEqual(('pg1', 'pg2'), backend.port_groups)

    def test_each_required_option_missing_is_named(self):
        for option in ('vmax_smis_address', 'vmax_array', 'vmax_pool'):
            section = self.useFixture(support.BackendSection())
            values = support.minimal_values()
            del values[option]
            section.set(**values)
            err = self.assertRaises(exception.InvalidConfigurationValue,
                                    config.build_backend_config,
                                    section.configuration())
            self.assertIn(option, str(err))
            self.assertIn('[%s]' % section.name, str(err))
            self.assertIn('required', str(err))

    def test_required_option_blank_counts_as_missing(self):
        self.assertInvalid('vmax_pool', 'required', vmax_pool='   ')

    def test_port_out_of_range_quotes_value(self):
        self.assertInvalid('vmax_smis_port', '70000', vmax_smis_port='70000')
        self.assertInvalid('vmax_smis_port', '0', vmax_smis_port='0')

    def test_port_not_a_number_quotes_value(self):
        self.assertInvalid('vmax_smis_port', '59x9', vmax_smis_port='59x9')

    def test_bad_integers_and_floats_quote_value(self):
        self.assertInvalid('vmax_job_retries', 'ten',
                           vmax_job_retries='ten')
        self.assertInvalid('vmax_job_retries', '0', vmax_job_retries='0')
        self.assertInvalid('vmax_job_interval', '-1',
                           vmax_job_interval='-1')
        self.assertInvalid('vmax_request_timeout', '0.2',
                           vmax_request_timeout='0.2')

    def test_address_with_scheme_or_port_is_refused(self):
        self.assertInvalid('vmax_smis_address', 'https://10.0.0.1',
                           vmax_smis_address='https://10.0.0.1')
        self.assertInvalid('vmax_smis_address', 'vmax_smis_port',
                           vmax_smis_address='10.0.0.1:5989')
        self.assertInvalid('vmax_smis_address', 'ecom host',
                           vmax_smis_address='ecom host')

    def test_ipv6_address_is_bracketed_for_the_url(self):
        backend = self.build(vmax_smis_address='fd00::5')
        self.assertEqual('http://[fd00::5]:5988', backend.provider_url)
        backend = self.build(vmax_smis_address='[fd00::6]')
        self.assertEqual('[fd00::6]', backend.provider_host)

    def test_service_level_and_workload_choices(self):
        backend = self.build(vmax_service_level='OPTIMIZED',
                             vmax_workload='dss_rep')
        self.assertEqual(('Optimized', 'DSS_REP'),
                         (backend.service_level, backend.workload))
        backend = self.build(vmax_service_level='NONE',
                             vmax_workload='none')
        self.assertEqual((None, None),
                         (backend.service_level, backend.workload))

    def test_unknown_service_level_lists_the_valid_ones(self):
        self.assertInvalid('vmax_service_level', '"Tin"', 'Diamond',
                           'Bronze', vmax_service_level='Tin')
        self.assertInvalid('vmax_workload', '"OLAP"', 'OLTP_REP',
                           vmax_service_level='Gold', vmax_workload='OLAP')

    def test_workload_without_service_level_is_refused(self):
        self.assertInvalid('vmax_workload', 'vmax_service_level',
                           vmax_workload='OLTP')

    def test_certificate_check_defaults_on_unlike_cinder(self):
        self.assertTrue(self.build(driver_use_ssl='true').ssl_cert_verify)

    def test_certificate_check_can_be_turned_off_per_section(self):
        backend = self.build(driver_use_ssl='true',
                             driver_ssl_cert_verify='false')
        self.assertFalse(backend.ssl_cert_verify)

    def test_certificate_check_from_backend_defaults(self):
        self.section.set_shared(driver_ssl_cert_verify='false')
        self.assertFalse(self.build().ssl_cert_verify)

    def test_section_value_wins_over_backend_defaults(self):
        self.section.set_shared(vmax_job_retries='9', vmax_pool='SRP_9')
        backend = self.build(vmax_job_retries='4')
        self.assertEqual((4, 'SRP_1'), (backend.job_retries, backend.pool))

    def test_backend_defaults_fill_what_the_section_lacks(self):
        self.section.set_shared(vmax_port_groups='shared-pg',
                                vmax_job_interval='7')
        backend = self.build()
        self.assertEqual((('shared-pg',), 7.0),
                         (backend.port_groups, backend.job_interval))

    def test_missing_ca_bundle_is_refused(self):
        self.assertInvalid('driver_ssl_cert_path', '/nonexistent/ca.pem',
                           driver_use_ssl='true',
                           driver_ssl_cert_path='/nonexistent/ca.pem')

    def test_existing_ca_bundle_is_passed_on(self):
        files = self.useFixture(support.TempFiles())
        bundle = files.write('ca.pem', '-----BEGIN CERTIFICATE-----\n')
        backend = self.build(driver_use_ssl='true',
                             driver_ssl_cert_path=' %s ' % bundle)
        self.assertEqual(bundle, backend.ssl_cert_path)

    def test_protocol_letter_is_passed_on(self):
        self.section.set(**support.minimal_values())
        backend = config.build_backend_config(self.section.configuration(),
                                              protocol='F')
        self.assertEqual('F', backend.protocol)

    def test_password_never_logged_nor_shown(self):
        backend = self.build(vmax_smis_user='admin',
                             vmax_smis_password=SECRET)
        self.assertEqual(SECRET, backend.provider_password)
        self.assertIn('admin', self.logs.text)
        self.assertIn('clear text', self.logs.text)
        self.assertNotIn(SECRET, self.logs.text)
        self.assertNotIn(SECRET, repr(backend))
        message = self.assertInvalid('vmax_smis_port', 'abc',
                                     vmax_smis_password=SECRET,
                                     vmax_smis_port='abc')
        self.assertNotIn(SECRET, message)
        self.assertNotIn(SECRET, self.logs.text)

    def test_summary_logged_once(self):
        self.build(driver_use_ssl='true')
        self.assertEqual(1, self.logs.text.count('SMI-S provider https://'))
        self.assertNotIn('clear text', self.logs.text)


class ShippedExampleTest(testtools.TestCase):
    """etc/cinder/cinder.conf.example is a working section."""

    def test_example_section_builds(self):
        conf = self.useFixture(config_fixture.Config(cfg.CONF))
        conf.set_config_files([os.path.join(support.ROOT, 'etc', 'cinder',
                                            'cinder.conf.example')])
        self.useFixture(support.CapturedLogs())
        configuration = cinder_configuration.Configuration(
            cinder_driver.volume_opts, config_group='vmax_gold')
        backend = config.build_backend_config(configuration)
        self.assertEqual('https://ecom.example.com:5989',
                         backend.provider_url)
        self.assertEqual(('smisadmin', 'change-me'),
                         (backend.provider_user, backend.provider_password))
        self.assertEqual(('000197200056', 'SRP_1', 'Gold', 'OLTP'),
                         (backend.array_serial, backend.pool,
                          backend.service_level, backend.workload))
        self.assertEqual(('OS-PORTGROUP1-PG', 'OS-PORTGROUP2-PG'),
                         backend.port_groups)
        self.assertEqual((3.0, 200, 120.0, True),
                         (backend.job_interval, backend.job_retries,
                          backend.request_timeout, backend.ssl_cert_verify))
        self.assertEqual('vmax_gold', backend.backend_name)

    def test_example_names_every_option(self):
        parser = configparser.ConfigParser()
        parser.read(os.path.join(support.ROOT, 'etc', 'cinder',
                                 'cinder.conf.example'))
        section = parser['vmax_gold']
        self.assertEqual('vmax_driver.iscsi.VMAXISCSIDriver',
                         section['volume_driver'])
        with open(os.path.join(support.ROOT, 'etc', 'cinder',
                               'cinder.conf.example')) as example:
            text = example.read()
        names = [opt.name for opt in options.VMAX_OPTS] + list(
            options.REUSED_CINDER_OPTIONS)
        self.assertEqual([], [name for name in names
                              if not re.search(r'^#?%s = ' % name, text,
                                               re.MULTILINE)])
