"""The dispatcher: the one entry point every transport calls.

``imethodcall(name, namespace, params)`` serves intrinsic operations and
``methodcall(methodname, objectname, params)`` extrinsic ones.  Around
each call it takes a sequence number, sleeps the configured latency
(outside the lock, so concurrent clients overlap as with a real ECOM),
then under one re-entrant lock ticks the estate's clock, checks the fault
rules, serves the call, and logs it.

Errors are ``pywbem.CIMError``; array rule violations become
``CIM_ERR_FAILED`` with the array's message (``CIM_ERR_NOT_FOUND`` when
the model reports a missing object).  Faults a CIM answer cannot express
raise :class:`vmax_sim.errors.DropConnection` or
:class:`vmax_sim.errors.Hang` for the transport to act out.
"""

import threading
import time

import pywbem

from vmax_sim.cim import calllog
from vmax_sim.cim import classes as classes_mod
from vmax_sim.cim import errors
from vmax_sim.cim import faults
from vmax_sim.cim import intrinsic
from vmax_sim.cim import invocation
from vmax_sim.cim import params as params_mod
from vmax_sim.cim import providers
from vmax_sim import errors as transport_errors
from vmax_sim.model import errors as model_errors


def _cim_error_of(exc):
    if isinstance(exc, model_errors.ObjectNotFound):
        return pywbem.CIMError(pywbem.CIM_ERR_NOT_FOUND, exc.message)
    return errors.failed(exc.message)


def _target_class(params):
    for key in ('InstanceName', 'ObjectName', 'ClassName'):
        value = params.get(key)
        if value is not None:
            return getattr(value, 'classname', value)
    modified = params.get('ModifiedInstance')
    if modified is not None:
        return modified.classname
    return None


class _Outcome:
    """What the call log records about a call in flight."""

    def __init__(self):
        self.rc = None
        self.error = None
        self.description = None
        self.fault = None
        self.classname = None


class Dispatcher:
    """Serves CIM operations over one estate (see the module docstring).

    ``calls`` is the :class:`~vmax_sim.cim.calllog.CallLog`, ``faults``
    the :class:`~vmax_sim.cim.faults.FaultSet`, ``latency_ms`` the added
    per-call latency (0 = off), ``lock`` the engine lock (hold it to read
    the estate consistently while clients run), ``classes`` the compiled
    schema (``classes.method(classname, methodname)`` gives a method's
    declaration).

    Returned instance paths are shared between calls (they are cached):
    treat results as read-only.
    """

    def __init__(self, estate, classes=None):
        self.estate = estate
        self.classes = classes or classes_mod.class_store()
        self.engine = intrinsic.Engine(estate, self.classes)
        self.lock = threading.RLock()
        self.calls = calllog.CallLog()
        self.faults = faults.FaultSet(self.classes)
        self.latency_ms = 0.0

    # -- shared plumbing ------------------------------------------------------

    def _sleep_latency(self):
        latency = self.latency_ms
        if latency and latency > 0:
            time.sleep(latency / 1000.0)

    def _served(self, operation, seq, start, outcome, method=None):
        self.calls.record(calllog.CallRecord(
            seq=seq, operation=operation, classname=outcome.classname,
            method=method, rc=outcome.rc, error=outcome.error,
            error_description=outcome.description, fault=outcome.fault,
            duration_ms=(time.perf_counter() - start) * 1000.0))

    @staticmethod
    def _pre_fault(rule, outcome):
        """Act out a fault that stops the call before it runs."""
        outcome.fault = rule.kind
        if rule.kind == faults.CIM_ERROR:
            raise pywbem.CIMError(rule.args['code'],
                                  rule.args['description'])
        if rule.kind == faults.DROP_CONNECTION and \
                not rule.args['executed']:
            raise transport_errors.DropConnection(executed=False)
        if rule.kind == faults.HANG and not rule.args['executed']:
            raise transport_errors.Hang(rule.args['seconds'],
                                        executed=False)

    @staticmethod
    def _post_fault(rule):
        """Act out a fault that strikes after the call took effect."""
        if rule.kind == faults.DROP_CONNECTION:
            raise transport_errors.DropConnection(executed=True)
        if rule.kind == faults.HANG:
            raise transport_errors.Hang(rule.args['seconds'], executed=True)

    def _guard(self, outcome, func):
        """Run ``func`` recording its outcome; model errors become CIM
        errors."""
        try:
            return func()
        except model_errors.ArrayError as exc:
            error = _cim_error_of(exc)
            outcome.error = error.status_code
            outcome.description = error.status_description
            raise error
        except pywbem.CIMError as exc:
            outcome.error = exc.status_code
            outcome.description = exc.status_description
            raise
        except transport_errors.TransportFault:
            raise
        except Exception as exc:
            outcome.error = pywbem.CIM_ERR_FAILED
            outcome.description = '%s: %s' % (type(exc).__name__, exc)
            raise

    # -- intrinsic operations -------------------------------------------------

    def imethodcall(self, name, namespace, params):
        """Serve intrinsic operation ``name`` (DSP0200 spelling)."""
        params = dict(params or {})
        start = time.perf_counter()
        seq = self.calls.next_seq()
        outcome = _Outcome()
        outcome.classname = _target_class(params)
        try:
            self._sleep_latency()
            return self._guard(outcome, lambda: self._intrinsic(
                name, namespace, params, seq, outcome))
        finally:
            self._served(name, seq, start, outcome)

    def _intrinsic(self, name, namespace, params, seq, outcome):
        with self.lock:
            self.estate.tick()
            rule = self.faults.match(faults.Call(
                seq, name, outcome.classname, params=params))
            if rule is not None:
                self._pre_fault(rule, outcome)
            result = self.engine.call(name, namespace, params)
            if rule is not None:
                self._post_fault(rule)
            return result

    # -- extrinsic methods ----------------------------------------------------

    def methodcall(self, methodname, objectname, params):
        """Serve extrinsic method ``methodname`` on ``objectname``.

        ``params`` is a list of (name, value) (or a dict).  Returns
        ``(Uint32 return value, [CIMParameter...])``.
        """
        if isinstance(params, dict):
            params = list(params.items())
        start = time.perf_counter()
        seq = self.calls.next_seq()
        outcome = _Outcome()
        outcome.classname = getattr(objectname, 'classname', None)
        try:
            self._sleep_latency()
            return self._guard(outcome, lambda: self._extrinsic(
                methodname, objectname, params or [], seq, outcome))
        finally:
            self._served('InvokeMethod:%s' % methodname, seq, start,
                         outcome, method=methodname)

    def _extrinsic(self, methodname, objectname, params, seq, outcome):
        with self.lock:
            self.estate.tick()
            classname = self.engine.check_class(outcome.classname)
            method = self.classes.method(classname, methodname)
            if method is None:
                raise errors.method_not_found(classname, methodname)
            checked = params_mod.check_in_params(self.classes, classname,
                                                 method, params)
            node = None
            if isinstance(objectname, pywbem.CIMInstanceName):
                node = self.engine.resolve(objectname)
            elif not isinstance(objectname, (pywbem.CIMClassName, str)):
                raise errors.invalid_parameter(
                    'Cannot invoke a method on %r' % (objectname,))
            has_job = 'Job' in params_mod.output_names(method)
            rule = self.faults.match(faults.Call(
                seq, 'InvokeMethod', classname, method=method.name,
                params=checked, has_job=has_job))
            job_fault = None
            if rule is not None:
                self._pre_fault(rule, outcome)
                if rule.kind == faults.RETURN_CODE:
                    outcome.rc = int(rule.args['rc'])
                    return params_mod.return_value(method, outcome.rc), []
                if rule.kind in faults.JOB_KINDS:
                    job_fault = rule
            rc, out = self._invoke(node, method, checked, job_fault)
            outcome.rc = int(rc)
            result = (params_mod.return_value(method, rc),
                      params_mod.out_params(method, out))
            if rule is not None:
                self._post_fault(rule)
            return result

    def _invoke(self, node, method, checked, job_fault):
        if node is None or not hasattr(node, 'kind'):
            raise errors.not_supported(
                'Method %s must be invoked on an instance' % method.name)
        func = providers.provider(node.kind, method.name)
        if func is None:
            raise errors.not_supported(
                'Method %s is not supported on %s'
                % (method.name, node.classname))
        call = invocation.Invocation(self.engine, node, method.name, checked,
                                     job_fault)
        return func(call)
