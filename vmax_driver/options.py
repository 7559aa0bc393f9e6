"""cinder.conf options of a VMAX backend section.

Every option is read from the backend's own section (the name listed in
``enabled_backends``), falling back to ``[backend_defaults]`` as Cinder
does for all driver options.  The driver registers them with
``configuration.append_config_values(VMAX_OPTS)``;
:func:`vmax_driver.config.build_backend_config` turns them into the plain
``vmax_flows.config.BackendConfig`` the flows use.

Options Cinder already declares are reused, never redeclared (a second
declaration with other defaults would make the registration order decide
which one wins): ``volume_backend_name``, ``driver_use_ssl``,
``driver_ssl_cert_verify``, ``driver_ssl_cert_path``,
``max_over_subscription_ratio`` and ``reserved_percentage``.  They are
listed in :data:`REUSED_CINDER_OPTIONS` for the documentation only.

The options come in small topical lists so that later features (state
path, replication, ...) add a list of their own and append it to
:data:`VMAX_OPTS` without touching the others.

Numeric options carry no oslo min/max on purpose: oslo's range message
omits the offending value, while :mod:`vmax_driver.config` checks the
ranges itself and quotes the value and the backend section.
"""

import itertools

from oslo_config import cfg

# Values the array accepts for a VMAX3 storage group's SLO and workload;
# ``NONE`` means "no SLO" / "no workload" (what the legacy XML used).
SERVICE_LEVELS = ('Diamond', 'Platinum', 'Gold', 'Silver', 'Bronze',
                  'Optimized', 'NONE')
WORKLOADS = ('OLTP', 'OLTP_REP', 'DSS', 'DSS_REP', 'NONE')

# ECOM convention: 5989 for HTTPS, 5988 for plain HTTP.
DEFAULT_HTTPS_PORT = 5989
DEFAULT_HTTP_PORT = 5988

# Cinder's generic options this driver reads (declared in
# cinder/volume/driver.py).  Documentation only: they are registered by
# Cinder itself.
REUSED_CINDER_OPTIONS = (
    'volume_backend_name',
    'driver_use_ssl',
    'driver_ssl_cert_verify',
    'driver_ssl_cert_path',
    'max_over_subscription_ratio',
    'reserved_percentage',
)

connection_opts = [
    cfg.StrOpt('vmax_smis_address',
               help='Host name or IP address of the SMI-S provider (ECOM) '
                    'that manages the array, without scheme or port. '
                    'Required. HTTPS is used when driver_use_ssl is true.'),
    cfg.IntOpt('vmax_smis_port',
               help='TCP port (1-65535) of the SMI-S provider. Default: %d '
                    'when driver_use_ssl is true, %d otherwise.'
                    % (DEFAULT_HTTPS_PORT, DEFAULT_HTTP_PORT)),
    cfg.StrOpt('vmax_smis_user',
               default='',
               help='User name for HTTP Basic authentication at the SMI-S '
                    'provider. Default: empty (no authentication).'),
    cfg.StrOpt('vmax_smis_password',
               default='',
               secret=True,
               help='Password of vmax_smis_user. Never logged. '
                    'Default: empty.'),
    cfg.FloatOpt('vmax_request_timeout',
                 default=120.0,
                 help='Seconds (at least 1) to wait for the answer to one '
                      'SMI-S request before it counts as failed. '
                      'Default: 120 seconds.'),
]

array_opts = [
    cfg.StrOpt('vmax_array',
               help='Serial number (Symmetrix ID) of the array this backend '
                    'manages, e.g. 000197200056. Required.'),
    cfg.StrOpt('vmax_pool',
               help='Where new volumes are placed: on VMAX3 / All Flash the '
                    'storage resource pool (SRP) name, e.g. SRP_1; on VMAX2 '
                    'the thin pool name. Required.'),
    cfg.StrOpt('vmax_service_level',
               help='VMAX3 only: default service level (SLO) of new '
                    'volumes, one of %s (case does not matter). '
                    'Default: none (no SLO).' % ', '.join(SERVICE_LEVELS)),
    cfg.StrOpt('vmax_workload',
               help='VMAX3 only: default workload of new volumes, one of '
                    '%s; needs vmax_service_level. Default: none.'
                    % ', '.join(WORKLOADS)),
    cfg.StrOpt('vmax_fast_policy',
               help='VMAX2 only: name of the FAST policy new volumes are '
                    'associated with. Default: none.'),
    cfg.ListOpt('vmax_port_groups',
                default=[],
                help='Names of pre-created port groups that attach may '
                     'use, comma separated; duplicates and empty entries '
                     'are dropped. Default: empty.'),
]

polling_opts = [
    cfg.FloatOpt('vmax_job_interval',
                 default=3.0,
                 help='Seconds (0 or more) between two polls of an '
                      'asynchronous SMI-S job or of a replica '
                      'synchronization. '
                      'Default: 3 seconds.'),
    cfg.IntOpt('vmax_job_retries',
               default=200,
               help='How many polls (at least 1) of a job or '
                    'synchronization before the operation gives up '
                    '(total wait is about '
                    'vmax_job_interval * vmax_job_retries). Default: 200.'),
]

legacy_opts = [
    cfg.StrOpt('cinder_emc_config_file',
               deprecated_for_removal=True,
               deprecated_reason='The XML file of the 2.x VMAX driver is '
                                 'replaced by the vmax_* options of the '
                                 'backend section in cinder.conf.',
               help='Path of a legacy 2.x driver XML file (EcomServerIp, '
                    'Array, Pool, PortGroups, ...). Read when set; values '
                    'set in cinder.conf win over values from the file. '
                    'Default: not set (no XML file is read).'),
]

persistence_opts = [
    cfg.StrOpt('vmax_state_path',
               help='Directory where the driver keeps the state of its '
                    'operations (the SQLite file vmax-flows.sqlite) so that '
                    'an operation cut short by a crash of cinder-volume is '
                    'undone, or finished when it cannot be undone, at the '
                    'next start; also the run history shown by '
                    '"vmax-flows history". Ignored when '
                    'vmax_flow_persistence_connection is set. '
                    'Default: the vmax directory under Cinder\'s '
                    'state_path.'),
    cfg.StrOpt('vmax_flow_persistence_connection',
               secret=True,
               help='TaskFlow persistence URL for the state of operations '
                    'instead of the SQLite file under vmax_state_path, '
                    'e.g. mysql+pymysql://user:password@host/vmax_flows '
                    'or postgresql://...; memory:// keeps it in memory '
                    '(no crash recovery). Never logged. Default: not set.'),
]

# How pools are reported (issue 5; read by vmax_driver.manage).
pool_opts = [
    cfg.BoolOpt('vmax_multi_pool_support', default=False,
                help='VMAX3 only: report one Cinder pool per service level '
                     'and workload the configured SRP offers (pool names '
                     '<SLO>+<Workload>+<SRP>+<serial>; volume types then '
                     'select one with the extra spec pool_name) instead of '
                     'the single configured one. Default: false.'),
]

# Everything this driver declares, in the order the sample lists it.
VMAX_OPTS = list(itertools.chain(connection_opts, array_opts,
                                 pool_opts, polling_opts,
                                 persistence_opts, legacy_opts))

# Group the generated sample uses.  Cinder lists its own driver options
# under [backend_defaults]; values there apply to every backend, so the
# sample is valid as is and each option also works in a backend section.
SAMPLE_GROUP = 'backend_defaults'


def reused_cinder_opts():
    """Cinder's own Opt objects for :data:`REUSED_CINDER_OPTIONS`."""
    # Imported here: cinder.volume.driver is heavy, and the option lists
    # above must stay importable by oslo-config-generator on their own.
    from cinder.volume import driver as cinder_driver
    return [opt for opt in cinder_driver.volume_opts
            if opt.name in REUSED_CINDER_OPTIONS]


def list_opts():
    """Entry point ``oslo.config.opts`` (namespace ``vmax_driver``)."""
    return [(SAMPLE_GROUP, VMAX_OPTS)]
