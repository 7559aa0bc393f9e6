"""Turn a backend's cinder.conf section into a ``BackendConfig``.

Sources, strongest first:

1. a value set explicitly in the backend section of cinder.conf (or in
   ``[backend_defaults]``, which Cinder treats as every backend's
   fallback);
2. the legacy XML file named by ``cinder_emc_config_file``, if any;
3. the option's default.

So an operator migrating from the XML file can move one value at a time
into cinder.conf.  Every problem is reported as
``cinder.exception.InvalidConfigurationValue`` naming the option and the
backend section (and the file, for XML problems) before any request goes
to the array.  The provider password is never logged nor put in a
message.

One deliberate difference from Cinder's generic default:
``driver_ssl_cert_verify`` is taken as **true** unless the operator sets
it (Cinder declares it false for every driver); a management connection
that silently trusts any certificate is not a safe default.
"""

import ipaddress
import os

from cinder import exception
from oslo_config import cfg
from oslo_log import log as logging

from vmax_driver import legacy_xml
from vmax_driver import options
from vmax_flows import config as flows_config

LOG = logging.getLogger(__name__)

SHARED_GROUP = 'backend_defaults'
REQUIRED_OPTIONS = ('vmax_smis_address', 'vmax_array', 'vmax_pool')


def _invalid(option, section, detail):
    return exception.InvalidConfigurationValue(
        message='Option %s in backend section [%s]: %s'
                % (option, section, detail),
        option=option)


class _SectionReader(object):
    """Reads options of one section, telling explicit values from defaults.

    Cinder's backend configuration hides whether a value came from the
    file or from the option default; the merge with the legacy file needs
    to know, so this asks oslo.config where each value came from.
    """

    def __init__(self, configuration):
        self._configuration = configuration
        self.section = getattr(configuration, 'config_group', None)

    @property
    def section_name(self):
        return self.section or 'DEFAULT'

    def value(self, option):
        try:
            return self._configuration.safe_get(option)
        except (cfg.ConfigFileValueError, ValueError) as err:
            # oslo's message carries the bad value and where it was set.
            raise _invalid(option, self.section_name, str(err))

    def is_explicit(self, option):
        groups = ([self.section, SHARED_GROUP] if self.section
                  else [None])
        for group in groups:
            try:
                location = cfg.CONF.get_location(option, group)
            except (cfg.NoSuchOptError, cfg.NoSuchGroupError):
                continue
            except (cfg.ConfigFileValueError, ValueError) as err:
                raise _invalid(option, self.section_name, str(err))
            if location is not None and location.location not in (
                    cfg.Locations.opt_default, cfg.Locations.set_default):
                # Set in a file, on the command line, in the environment
                # or with set_override (what tests and tools use).
                return True
        return False


def _clean(value):
    """Strip stray whitespace; empty strings mean "not set"."""
    if isinstance(value, str):
        value = value.strip()
        return value or None
    return value


def _clean_list(values):
    names = []
    for name in values or ():
        name = _clean(name)
        if name and name not in names:
            names.append(name)
    return tuple(names)


class _Resolver(object):
    """Merges cinder.conf values with the legacy file, strongest first."""

    def __init__(self, reader, legacy):
        self.reader = reader
        self.legacy = legacy

    def get(self, option):
        value = self.reader.value(option)
        if self.legacy is None or option not in self.legacy.values:
            return value
        # An option set but left empty counts as not set: the file's
        # value stands.
        blank = value is None or value == [] or (
            isinstance(value, str) and not value.strip())
        if self.reader.is_explicit(option) and not blank:
            return value
        return self.legacy.values[option]

    def where(self, option):
        """How to name the source of ``option`` in a message."""
        element = legacy_xml.ELEMENT_FOR_OPTION.get(option)
        if self.legacy is None or element is None:
            return 'option %s' % option
        return 'option %s (or <%s> in %s)' % (
            option, element, self.legacy.path)


def _required(resolver, option, section):
    value = _clean(resolver.get(option))
    if not value:
        raise exception.InvalidConfigurationValue(
            message='Backend section [%s]: %s is required but not set or '
                    'empty.' % (section, resolver.where(option)),
            option=option)
    return value


def _check_address(address, section):
    if '/' in address or any(c.isspace() for c in address):
        raise _invalid('vmax_smis_address', section,
                       'expected a host name or IP address without scheme '
                       'or path, got "%s"' % address)
    if ':' in address:
        try:
            ipaddress.IPv6Address(address.strip('[]'))
        except ValueError:
            raise _invalid('vmax_smis_address', section,
                           'expected a host name or IP address, got "%s"; '
                           'put the port in vmax_smis_port' % address)
        # Bracketed, so that "scheme://host:port" stays a valid URL.
        return '[%s]' % address.strip('[]')
    return address


def _choice(value, allowed, option, section):
    """Match case-insensitively; ``NONE`` means "not set"."""
    value = _clean(value)
    if value is None:
        return None
    by_folded = {name.casefold(): name for name in allowed}
    canonical = by_folded.get(value.casefold())
    if canonical is None:
        raise _invalid(option, section, '"%s" is not one of %s'
                       % (value, ', '.join(allowed)))
    return None if canonical == 'NONE' else canonical


def _number(value, option, section, kind, minimum):
    try:
        number = kind(value)
    except (TypeError, ValueError):
        raise _invalid(option, section, 'expected a number, got "%s"'
                       % value)
    if number < minimum:
        raise _invalid(option, section, 'must be at least %s, got %s'
                       % (minimum, value))
    return number


def _port(resolver, use_ssl, section):
    port = resolver.get('vmax_smis_port')
    if port is None:
        return (options.DEFAULT_HTTPS_PORT if use_ssl
                else options.DEFAULT_HTTP_PORT)
    port = _number(port, 'vmax_smis_port', section, int, 1)
    if port > 65535:
        raise _invalid('vmax_smis_port', section,
                       'must be between 1 and 65535, got %d' % port)
    return port


def _tls(reader, section):
    """Return (use_ssl, verify, ca_path) from Cinder's generic options."""
    use_ssl = bool(reader.value('driver_use_ssl'))
    if reader.is_explicit('driver_ssl_cert_verify'):
        verify = bool(reader.value('driver_ssl_cert_verify'))
    else:
        verify = True
    ca_path = _clean(reader.value('driver_ssl_cert_path'))
    if use_ssl and verify and ca_path and not os.path.exists(ca_path):
        raise _invalid('driver_ssl_cert_path', section,
                       'CA bundle "%s" does not exist' % ca_path)
    return use_ssl, verify, ca_path


def _load_legacy(reader):
    path = _clean(reader.value(legacy_xml.CONFIG_FILE_OPTION))
    if not path:
        return None
    settings = legacy_xml.read_legacy_file(path, reader.section_name)
    legacy_xml.log_deprecation(settings, reader.section_name)
    return settings


def _state_path(reader):
    """``vmax_state_path``, else ``vmax`` under Cinder's ``state_path``."""
    path = _clean(reader.value('vmax_state_path'))
    if path:
        return os.path.abspath(os.path.expanduser(path))
    try:
        base = cfg.CONF.state_path
    except cfg.Error:    # not registered or not parsed (tools, tests)
        base = None
    return os.path.join(base or '/var/lib/cinder', 'vmax')


def build_backend_config(configuration, protocol=None):
    """Build the flows' settings from a Cinder backend configuration.

    :param configuration: ``cinder.volume.configuration.Configuration`` of
        the backend section (the driver's ``self.configuration``).
    :param protocol: protocol letter used in array object names ('I' for
        iSCSI, 'F' for FC); ``None`` keeps ``BackendConfig``'s default.
    :returns: ``vmax_flows.config.BackendConfig``
    :raises cinder.exception.InvalidConfigurationValue: naming the option,
        the backend section and, for XML problems, the file.
    """
    # Idempotent: Cinder ignores an option registered twice.  Cinder's
    # generic options are appended too (the very same Opt objects), so a
    # configuration built outside a driver instance resolves them as well.
    configuration.append_config_values(options.VMAX_OPTS)
    configuration.append_config_values(options.reused_cinder_opts())
    reader = _SectionReader(configuration)
    section = reader.section_name
    resolver = _Resolver(reader, _load_legacy(reader))

    address = _check_address(
        _required(resolver, 'vmax_smis_address', section), section)
    array_serial = _required(resolver, 'vmax_array', section)
    pool = _required(resolver, 'vmax_pool', section)
    use_ssl, verify, ca_path = _tls(reader, section)

    service_level = _choice(resolver.get('vmax_service_level'),
                            options.SERVICE_LEVELS, 'vmax_service_level',
                            section)
    workload = _choice(resolver.get('vmax_workload'), options.WORKLOADS,
                       'vmax_workload', section)
    if workload is not None and service_level is None:
        raise _invalid('vmax_workload', section,
                       'workload %s needs a vmax_service_level' % workload)

    settings = dict(
        provider_host=address,
        provider_port=_port(resolver, use_ssl, section),
        provider_user=_clean(resolver.get('vmax_smis_user')) or '',
        provider_password=_clean(resolver.get('vmax_smis_password')) or '',
        use_ssl=use_ssl,
        ssl_cert_verify=verify,
        ssl_cert_path=ca_path,
        array_serial=array_serial,
        pool=pool,
        service_level=service_level,
        workload=workload,
        fast_policy=_clean(resolver.get('vmax_fast_policy')),
        port_groups=_clean_list(resolver.get('vmax_port_groups')),
        job_interval=_number(resolver.get('vmax_job_interval'),
                             'vmax_job_interval', section, float, 0.0),
        job_retries=_number(resolver.get('vmax_job_retries'),
                            'vmax_job_retries', section, int, 1),
        request_timeout=_number(reader.value('vmax_request_timeout'),
                                'vmax_request_timeout', section, float,
                                1.0),
        backend_name=(_clean(reader.value('volume_backend_name'))
                      or reader.section or 'vmax'),
        state_path=_state_path(reader),
        flow_persistence_connection=_clean(
            reader.value('vmax_flow_persistence_connection')),
    )
    if protocol is not None:
        settings['protocol'] = protocol
    if settings['provider_password'] and not use_ssl:
        LOG.warning('Backend [%s]: driver_use_ssl is false, so the SMI-S '
                    'password crosses the network in clear text.', section)
    backend = flows_config.BackendConfig(**settings)
    LOG.info('Backend [%(section)s]: SMI-S provider %(url)s (user '
             '"%(user)s", certificate check %(verify)s), array %(array)s, '
             'pool %(pool)s, service level %(slo)s, workload %(workload)s, '
             '%(groups)d port group(s).',
             {'section': section, 'url': backend.provider_url,
              'user': backend.provider_user,
              'verify': 'on' if verify else 'OFF',
              'array': array_serial, 'pool': pool,
              'slo': service_level or 'none',
              'workload': workload or 'none',
              'groups': len(backend.port_groups)})
    return backend
