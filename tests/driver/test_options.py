"""The backend section's option declarations."""

from cinder.volume import driver as cinder_driver
from oslo_config import cfg
import testtools

from tests.driver import test_config_support as support
from vmax_driver import options

EXPECTED_NAMES = [
    'vmax_smis_address', 'vmax_smis_port', 'vmax_smis_user',
    'vmax_smis_password', 'vmax_request_timeout',
    'vmax_array', 'vmax_pool', 'vmax_service_level', 'vmax_workload',
    'vmax_fast_policy', 'vmax_port_groups',
    'vmax_multi_pool_support',
    'vmax_job_interval', 'vmax_job_retries',
    'vmax_state_path', 'vmax_flow_persistence_connection',
    'cinder_emc_config_file',
]


def _cinder_declared_names():
    names = set()
    for opts in (cinder_driver.volume_opts, cinder_driver.iser_opts,
                 cinder_driver.nvmeof_opts, cinder_driver.nvmet_opts,
                 cinder_driver.scst_opts, cinder_driver.image_opts,
                 cinder_driver.fqdn_opts):
        names.update(opt.name for opt in opts)
    return names


class OptionDeclarationTest(testtools.TestCase):

    def test_names_in_order(self):
        self.assertEqual(EXPECTED_NAMES,
                         [opt.name for opt in options.VMAX_OPTS])

    def test_our_options_share_one_prefix(self):
        ours = [opt.name for opt in options.VMAX_OPTS
                if opt not in options.legacy_opts]
        self.assertEqual([], [n for n in ours if not n.startswith('vmax_')])

    def test_nothing_cinder_declares_is_redeclared(self):
        clash = _cinder_declared_names() & {o.name
                                            for o in options.VMAX_OPTS}
        self.assertEqual(set(), clash)

    def test_reused_options_are_cinder_objects(self):
        reused = options.reused_cinder_opts()
        self.assertEqual(sorted(options.REUSED_CINDER_OPTIONS),
                         sorted(opt.name for opt in reused))
        for opt in reused:
            self.assertIn(opt, cinder_driver.volume_opts)

    def test_password_is_secret_and_nothing_else_is(self):
        secret = [opt.name for opt in options.VMAX_OPTS if opt.secret]
        # The persistence URL may carry a database password.
        self.assertEqual(['vmax_smis_password',
                          'vmax_flow_persistence_connection'], secret)

    def test_legacy_file_option_is_deprecated(self):
        (legacy,) = options.legacy_opts
        self.assertEqual('cinder_emc_config_file', legacy.name)
        self.assertTrue(legacy.deprecated_for_removal)
        self.assertIn('vmax_', legacy.deprecated_reason)
        self.assertIsNone(legacy.default)

    def test_help_texts_state_defaults_and_units(self):
        required = {'vmax_smis_address', 'vmax_array', 'vmax_pool'}
        for opt in options.VMAX_OPTS:
            word = 'Required.' if opt.name in required else 'Default:'
            self.assertIn(word, opt.help, opt.name)
            if isinstance(opt, cfg.FloatOpt):
                self.assertIn('Seconds', opt.help, opt.name)

    def test_defaults_match_the_help(self):
        by_name = {opt.name: opt for opt in options.VMAX_OPTS}
        self.assertEqual(3.0, by_name['vmax_job_interval'].default)
        self.assertIn('3 seconds', by_name['vmax_job_interval'].help)
        self.assertEqual(200, by_name['vmax_job_retries'].default)
        self.assertIn('200', by_name['vmax_job_retries'].help)
        self.assertEqual(120.0, by_name['vmax_request_timeout'].default)
        self.assertIn('120 seconds', by_name['vmax_request_timeout'].help)
        self.assertEqual([], by_name['vmax_port_groups'].default)

    def test_service_levels_and_workloads_listed_in_help(self):
        by_name = {opt.name: opt for opt in options.VMAX_OPTS}
        for level in options.SERVICE_LEVELS:
            self.assertIn(level, by_name['vmax_service_level'].help)
        for workload in options.WORKLOADS:
            self.assertIn(workload, by_name['vmax_workload'].help)

    def test_list_opts_for_the_generator(self):
        ((group, opts),) = options.list_opts()
        self.assertEqual('backend_defaults', group)
        self.assertEqual(options.VMAX_OPTS, list(opts))


class OptionRegistrationTest(testtools.TestCase):

    def test_registered_in_a_backend_section_with_defaults(self):
        section = self.useFixture(support.BackendSection())
        section.set(vmax_array=' 000197200056 ',
                    vmax_port_groups='pg1, pg2')
        configuration = section.configuration()
        configuration.append_config_values(options.VMAX_OPTS)
        self.assertEqual(' 000197200056 ', configuration.vmax_array)
        self.assertEqual(['pg1', 'pg2'], configuration.vmax_port_groups)
        self.assertEqual(3.0, configuration.vmax_job_interval)
        self.assertIsNone(configuration.vmax_smis_address)

    def test_registering_twice_is_harmless(self):
        section = self.useFixture(support.BackendSection())
        section.set(vmax_job_retries='7')
        configuration = section.configuration()
        configuration.append_config_values(options.VMAX_OPTS)
        configuration.append_config_values(options.VMAX_OPTS)
        self.assertEqual(7, configuration.vmax_job_retries)
