"""Building and using one pywbem connection, with errors translated.

Everything the client sends goes through :class:`CimSession`, which
  * creates the ``pywbem.WBEMConnection`` lazily and reuses it,
  * types extrinsic parameters from :mod:`vmax_flows.smis.params`,
  * turns pywbem exceptions into :mod:`vmax_flows.exceptions` classes that
    tell not-found, array-rule, other CIM errors, authentication and
    connection problems apart,
  * counts round trips per operation (``session.calls``), so tests and the
    runner's timing listener can report them,
  * serialises calls: a ``WBEMConnection`` is not meant to be shared by
    concurrent threads (or green threads, under cinder-volume), and one
    reused connection is what keeps TLS handshakes off every operation.
    Waits sleep outside the lock, so concurrent operations interleave
    between calls.

The connection factory is injectable: tests pass the simulator's
``connection_factory``; production uses :func:`default_connection_factory`.
"""

import collections
import logging
import threading

import pywbem

from vmax_flows import exceptions
from vmax_flows.smis import params as cim_params

LOG = logging.getLogger(__name__)

NAMESPACE = 'root/emc'


def default_connection_factory(url, creds, default_namespace=NAMESPACE,
                               no_verification=False, ca_certs=None,
                               timeout=None):
    """Return a real pywbem connection (no network traffic yet)."""
    return pywbem.WBEMConnection(url, creds,
                                 default_namespace=default_namespace,
                                 no_verification=no_verification,
                                 ca_certs=ca_certs, timeout=timeout)


def describe_path(path):
    """Short text for a CIM instance path, for messages and logs."""
    if path is None:
        return 'None'
    keys = path.keybindings
    for key in ('InstanceID', 'DeviceID', 'Name', 'Tag'):
        if key in keys:
            return '%s %s' % (path.classname, keys[key])
    return str(path.classname)


class CimSession(object):
    """One provider connection with typed calls and translated errors."""

    def __init__(self, config, connection_factory=None):
        self._config = config
        self._factory = connection_factory or default_connection_factory
        self._conn = None
        self._lock = threading.Lock()
        self.calls = collections.Counter()

    @property
    def url(self):
        return self._config.provider_url

    def connection(self):
        if self._conn is None:
            cfg = self._config
            LOG.debug('Connecting to SMI-S provider %s as %s (verify '
                      'certificate: %s)', cfg.provider_url,
                      cfg.provider_user, cfg.ssl_cert_verify)
            self._conn = self._factory(
                cfg.provider_url, (cfg.provider_user, cfg.provider_password),
                default_namespace=NAMESPACE,
                no_verification=not cfg.ssl_cert_verify,
                ca_certs=cfg.ssl_cert_path,
                timeout=cfg.request_timeout)
        return self._conn

    def total_calls(self):
        return sum(self.calls.values())

    # -- intrinsic operations -------------------------------------------------

    def get_instance(self, path, property_list=None):
        return self._call('GetInstance', describe_path(path),
                          lambda c: c.GetInstance(
                              path, LocalOnly=False,
                              PropertyList=property_list))

    def enumerate_instance_names(self, classname):
        return self._call('EnumerateInstanceNames', classname,
                          lambda c: c.EnumerateInstanceNames(
                              classname, namespace=NAMESPACE))

    def enumerate_instances(self, classname, property_list=None):
        return self._call('EnumerateInstances', classname,
                          lambda c: c.EnumerateInstances(
                              classname, namespace=NAMESPACE,
                              LocalOnly=False,
                              PropertyList=property_list))

    def associators(self, path, assoc_class=None, result_class=None,
                    property_list=None):
        return self._call('Associators', describe_path(path),
                          lambda c: c.Associators(
                              path, AssocClass=assoc_class,
                              ResultClass=result_class,
                              PropertyList=property_list))

    def associator_names(self, path, assoc_class=None, result_class=None):
        return self._call('AssociatorNames', describe_path(path),
                          lambda c: c.AssociatorNames(
                              path, AssocClass=assoc_class,
                              ResultClass=result_class))

    def reference_names(self, path, result_class=None):
        return self._call('ReferenceNames', describe_path(path),
                          lambda c: c.ReferenceNames(
                              path, ResultClass=result_class))

    def modify_instance(self, instance, property_list):
        return self._call('ModifyInstance', describe_path(instance.path),
                          lambda c: c.ModifyInstance(
                              instance, PropertyList=property_list))

    # -- extrinsic methods ----------------------------------------------------

    def invoke(self, method, target, **params):
        """Invoke ``method`` on ``target``; return ``(rc, out_params)``.

        ``None`` values are left out (the provider treats a missing
        parameter as "not given"); integers are typed from the table.
        """
        sent = cim_params.typed(
            {k: v for k, v in params.items() if v is not None})
        rc, out = self._call(
            'InvokeMethod:%s' % method,
            '%s on %s' % (method, describe_path(target)),
            lambda c: c.InvokeMethod(method, target, **sent))
        return int(rc), dict(out or {})

    # -- plumbing -------------------------------------------------------------

    def _call(self, operation, what, func):
        with self._lock:
            self.calls[operation] += 1
            return self._call_locked(operation, what, func)

    def _call_locked(self, operation, what, func):
        conn = self.connection()
        try:
            return func(conn)
        except pywbem.CIMError as exc:
            raise translate_cim_error(exc, operation, what)
        except pywbem.AuthError as exc:
            raise exceptions.ProviderAuthError(
                'SMI-S provider %s rejected the credentials of user %r '
                '(%s)' % (self.url, self._config.provider_user,
                          _short(exc)))
        except (pywbem.ConnectionError, pywbem.TimeoutError) as exc:
            # pywbem reports a read timeout as ConnectionError too; the
            # connection may be half-dead, so build a fresh one next time.
            self._conn = None
            raise exceptions.ProviderUnreachable(
                'SMI-S provider %s did not answer %s (%s): %s'
                % (self.url, operation, what, _short(exc)))
        except pywbem.HTTPError as exc:
            if getattr(exc, 'status', None) == 401:
                raise exceptions.ProviderAuthError(
                    'SMI-S provider %s rejected the credentials of user '
                    '%r' % (self.url, self._config.provider_user))
            raise exceptions.ProviderUnreachable(
                'SMI-S provider %s answered %s (%s) with HTTP error: %s'
                % (self.url, operation, what, _short(exc)))
        except pywbem.Error as exc:
            raise exceptions.ArrayRequestError(
                'SMI-S provider %s: %s (%s) failed: %s'
                % (self.url, operation, what, _short(exc)),
                array_message=_short(exc))


def translate_cim_error(exc, operation, what):
    status = exc.status_code
    description = exc.status_description or ''
    text = '%s (%s) failed: %s %s' % (operation, what, exc.status_code_name,
                                      description)
    if status == pywbem.CIM_ERR_NOT_FOUND:
        return exceptions.ObjectNotFound(text.strip(), description)
    if status == pywbem.CIM_ERR_FAILED:
        return exceptions.ArrayRuleError(text.strip(), description)
    return exceptions.ArrayRequestError(text.strip(), description,
                                        status=status)


def _short(exc):
    text = str(exc)
    return text if len(text) < 300 else text[:297] + '...'
