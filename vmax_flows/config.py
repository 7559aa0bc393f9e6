"""Plain, validated settings of one backend, independent of oslo.config.

The Cinder-facing layer (``vmax_driver``) turns cinder.conf (and a legacy
XML file) into a :class:`BackendConfig`; everything below the driver class
only sees this object, so flows and the SMI-S client can be used and tested
without Cinder's configuration machinery.
"""

import dataclasses


@dataclasses.dataclass(frozen=True)
class BackendConfig:
    # Where the SMI-S provider (ECOM) answers.
    provider_host: str
    provider_port: int = 5989
    provider_user: str = ''
    provider_password: str = dataclasses.field(default='', repr=False)
    use_ssl: bool = True
    ssl_cert_verify: bool = True
    ssl_cert_path: str = None          # CA bundle; None = system store
    # Which array, and where new volumes go by default.
    array_serial: str = ''
    pool: str = ''                     # VMAX3: SRP name; VMAX2: thin pool
    service_level: str = None          # VMAX3 only; None = no SLO
    workload: str = None               # VMAX3 only; None = 'NONE'
    fast_policy: str = None            # VMAX2 only
    port_groups: tuple = ()
    # Bounded waits.
    job_interval: float = 3.0          # seconds between job/sync polls
    job_retries: int = 200             # polls before giving up
    request_timeout: float = 120.0     # seconds per SMI-S request
    backend_name: str = 'vmax'
    # Protocol letter in group names ('I' iSCSI, 'F' FC).
    protocol: str = 'I'
    # Flow persistence: a directory for the SQLite file, or a TaskFlow
    # persistence URL (wins when set).  Both None: in memory only.
    state_path: str = None
    flow_persistence_connection: str = dataclasses.field(default=None,
                                                         repr=False)

    @property
    def provider_url(self):
        scheme = 'https' if self.use_ssl else 'http'
        return '%s://%s:%d' % (scheme, self.provider_host, self.provider_port)
