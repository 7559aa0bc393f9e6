"""Fault injection: an ordered list of rules checked on every call.

A rule matches on the operation, the method name, the target class (with
subclass semantics), the n-th matching call, an absolute call number
(``at_call``: the sequence number since the last ``calls.reset()``) and an
optional predicate on the call's parameters; it fires ``times`` times
(``None``: for ever).  The first rule that matches a call acts on it.

Kinds and what the client sees:

``cim_error(code, description)``
    the call answers ``CIMError(code, description)``; nothing changes.
``return_code(rc)``
    an extrinsic call returns ``rc`` with no job; nothing changes.
``job_exception(error_code, description)``
    rc 4096 and a job that ends in JobState 10 with that ErrorCode and
    ErrorDescription; nothing changes.
``job_stuck``
    rc 4096 and a job that stays Running for ever; nothing changes.
``job_late(seconds)``
    rc 4096 and a Running job; the operation takes effect, and the job
    completes, only when the array clock has moved ``seconds`` on.
``drop_connection(executed=False)``
    the connection closes without an answer; with ``executed=True`` the
    operation took effect first.
``hang(seconds, executed=False)``
    no answer (the client's read timeout); ``executed`` as above.

The job kinds and ``return_code`` only match extrinsic calls, and the job
kinds only methods that declare a ``Job`` out-parameter.
"""

import threading

CIM_ERROR = 'cim_error'
RETURN_CODE = 'return_code'
JOB_EXCEPTION = 'job_exception'
JOB_STUCK = 'job_stuck'
JOB_LATE = 'job_late'
DROP_CONNECTION = 'drop_connection'
HANG = 'hang'

JOB_KINDS = (JOB_EXCEPTION, JOB_STUCK, JOB_LATE)
METHOD_ONLY_KINDS = JOB_KINDS + (RETURN_CODE,)

# kind -> (required arguments, optional arguments with defaults)
_ARGUMENTS = {
    CIM_ERROR: (('code',), {'description': None}),
    RETURN_CODE: (('rc',), {}),
    JOB_EXCEPTION: ((), {'error_code': 1,
                         'description': 'Job failed (injected fault)'}),
    JOB_STUCK: ((), {}),
    JOB_LATE: (('seconds',), {}),
    DROP_CONNECTION: ((), {'executed': False}),
    HANG: (('seconds',), {'executed': False}),
}

KINDS = tuple(_ARGUMENTS)


class Call:
    """What a rule can look at: one call being served."""

    def __init__(self, seq, operation, classname, method=None, params=None,
                 has_job=False):
        self.seq = seq
        self.operation = operation          # intrinsic name or InvokeMethod
        self.classname = classname
        self.method = method
        self.params = params if params is not None else {}
        self.has_job = has_job


class FaultRule:
    """One rule; ``args`` holds the kind's arguments.

    ``matched`` counts the calls that met the criteria while the rule was
    still active, ``fired`` the times it acted; ``exhausted`` once it has
    fired ``times`` times.
    """

    def __init__(self, kind, operation=None, method=None, classname=None,
                 nth=None, at_call=None, times=1, when=None, **args):
        if kind not in _ARGUMENTS:
            raise ValueError('unknown fault kind %r (one of %s)'
                             % (kind, ', '.join(KINDS)))
        required, optional = _ARGUMENTS[kind]
        missing = [name for name in required if name not in args]
        unknown = [name for name in args
                   if name not in required and name not in optional]
        if missing or unknown:
            raise ValueError('fault %s: missing %s, unexpected %s'
                             % (kind, missing or 'nothing',
                                unknown or 'nothing'))
        if operation and ':' in operation:
            operation, _, op_method = operation.partition(':')
            method = method or op_method
        if method and not operation:
            operation = 'InvokeMethod'
        if kind in METHOD_ONLY_KINDS:
            if operation not in (None, 'InvokeMethod'):
                raise ValueError('fault %s only applies to InvokeMethod'
                                 % kind)
            operation = 'InvokeMethod'
        if kind == RETURN_CODE and args['rc'] in (0, 4096):
            raise ValueError('return_code needs a failure rc, not %s'
                             % args['rc'])
        if nth is not None and nth < 1:
            raise ValueError('nth counts from 1')
        self.kind = kind
        self.operation = operation
        self.method = method
        self.classname = classname
        self.nth = nth
        self.at_call = at_call
        self.times = times
        self.when = when
        self.args = dict(optional)
        self.args.update(args)
        if kind == CIM_ERROR and self.args['description'] is None:
            self.args['description'] = (
                'Injected fault (CIM status %s)' % self.args['code'])
        self.matched = 0
        self.fired = 0

    @property
    def exhausted(self):
        return self.times is not None and self.fired >= self.times

    def _criteria(self, call, classes):
        if self.operation and self.operation.lower() != call.operation.lower():
            return False
        if self.method and (call.method or '').lower() != self.method.lower():
            return False
        if self.kind in JOB_KINDS and not call.has_job:
            return False
        if self.classname:
            if not call.classname:
                return False
            if classes is not None and classes.exists(self.classname):
                if not classes.is_subclass(call.classname, self.classname):
                    return False
            elif call.classname.lower() != self.classname.lower():
                return False
        if self.at_call is not None and call.seq != self.at_call:
            return False
        if self.when is not None and not self.when(call.params):
            return False
        return True

    def consider(self, call, classes):
        """True (and counted as fired) when the rule acts on ``call``."""
        if self.exhausted or not self._criteria(call, classes):
            return False
        self.matched += 1
        if self.nth is not None and self.matched < self.nth:
            return False
        self.fired += 1
        return True

    def __repr__(self):
        crit = ', '.join('%s=%r' % (k, v) for k, v in (
            ('operation', self.operation), ('method', self.method),
            ('classname', self.classname), ('nth', self.nth),
            ('at_call', self.at_call), ('times', self.times))
            if v is not None)
        return 'FaultRule(%s, %s%s, fired=%d)' % (
            self.kind, crit, ''.join(', %s=%r' % kv
                                     for kv in self.args.items()),
            self.fired)


class FaultSet:
    """The ordered rules of one dispatcher."""

    def __init__(self, classes=None):
        self._classes = classes
        self._rules = []
        self._lock = threading.Lock()

    def add(self, kind, **match_and_args):
        """Append a rule; see :class:`FaultRule` for the arguments."""
        rule = FaultRule(kind, **match_and_args)
        with self._lock:
            self._rules.append(rule)
        return rule

    def remove(self, rule):
        with self._lock:
            self._rules.remove(rule)

    def clear(self):
        with self._lock:
            self._rules.clear()

    @property
    def rules(self):
        with self._lock:
            return list(self._rules)

    def match(self, call):
        """The first rule that acts on ``call``, or None."""
        with self._lock:
            for rule in self._rules:
                if rule.consider(call, self._classes):
                    return rule
        return None

    def __len__(self):
        return len(self._rules)
