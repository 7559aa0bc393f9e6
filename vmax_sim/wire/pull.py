"""Pull operations (DSP0200 Open*/Pull*/CloseEnumeration) over the
plain operations of the dispatcher.

Each Open runs the matching plain operation once.  When the client gives no
MaxObjectCount, or the result fits into it, everything is answered at once
with EndOfSequence=TRUE, so a client never has to pull (this is what
pywbemcli's default ``--use-pull either`` sees for normal arrays).  A larger
result is paged honestly: the rest waits in an enumeration context until
the client pulls it, closes it, or leaves it idle past its
OperationTimeout.
"""

import collections
import secrets
import threading
import time

import pywbem

# Open operation -> (plain operation, result kind, {open param: plain param})
_COMMON_INSTANCE = {'IncludeClassOrigin': 'IncludeClassOrigin',
                    'PropertyList': 'PropertyList'}
OPEN_OPERATIONS = {
    'OpenEnumerateInstances': (
        'EnumerateInstances', 'instances',
        dict(ClassName='ClassName', DeepInheritance='DeepInheritance',
             **_COMMON_INSTANCE)),
    'OpenEnumerateInstancePaths': (
        'EnumerateInstanceNames', 'paths', dict(ClassName='ClassName')),
    'OpenAssociatorInstances': (
        'Associators', 'instances',
        dict(InstanceName='ObjectName', AssocClass='AssocClass',
             ResultClass='ResultClass', Role='Role', ResultRole='ResultRole',
             **_COMMON_INSTANCE)),
    'OpenAssociatorInstancePaths': (
        'AssociatorNames', 'paths',
        dict(InstanceName='ObjectName', AssocClass='AssocClass',
             ResultClass='ResultClass', Role='Role',
             ResultRole='ResultRole')),
    'OpenReferenceInstances': (
        'References', 'instances',
        dict(InstanceName='ObjectName', ResultClass='ResultClass',
             Role='Role', **_COMMON_INSTANCE)),
    'OpenReferenceInstancePaths': (
        'ReferenceNames', 'paths',
        dict(InstanceName='ObjectName', ResultClass='ResultClass',
             Role='Role')),
}
_OPEN_CONTROL_PARAMS = ('FilterQueryLanguage', 'FilterQuery',
                        'OperationTimeout', 'ContinueOnError',
                        'MaxObjectCount')
PULL_OPERATIONS = {'PullInstancesWithPath': 'instances',
                   'PullInstancePaths': 'paths',
                   # PullInstances only continues OpenQueryInstances, which
                   # is not offered, so no context can ever match it.
                   'PullInstances': 'query'}
# Operations answered here, not by the dispatcher.
POOLED_OPERATIONS = frozenset(
    list(OPEN_OPERATIONS) + list(PULL_OPERATIONS) +
    ['CloseEnumeration', 'EnumerationCount', 'OpenQueryInstances'])

DEFAULT_OPERATION_TIMEOUT = 60  # seconds an idle context is kept
MAX_OPEN_CONTEXTS = 256


class PullResult(object):
    """What an Open/Pull answers: ``items`` of ``kind``, context, EOS."""

    def __init__(self, kind, items, context_id, end_of_sequence):
        self.kind = kind
        self.items = items
        self.context_id = context_id
        self.end_of_sequence = end_of_sequence


class _Context(object):
    def __init__(self, kind, namespace, remaining, timeout, now):
        self.kind = kind
        self.namespace = namespace
        self.remaining = remaining
        self.timeout = timeout
        self.expires = now + timeout


def _invalid_context():
    return pywbem.CIMError(pywbem.CIM_ERR_INVALID_ENUMERATION_CONTEXT,
                           'unknown, expired or closed enumeration context')


def _required_count(params):
    count = params.get('MaxObjectCount')
    if count is None:
        raise pywbem.CIMError(pywbem.CIM_ERR_INVALID_PARAMETER,
                              'MaxObjectCount is required')
    return int(count)


class EnumerationContexts(object):
    """Open enumeration contexts, shared by all connections of a server."""

    def __init__(self, clock=time.monotonic, max_open=MAX_OPEN_CONTEXTS):
        self._clock = clock
        self._max_open = max_open
        self._contexts = collections.OrderedDict()
        self._lock = threading.Lock()

    def __len__(self):
        with self._lock:
            self._expire(self._clock())
            return len(self._contexts)

    def _expire(self, now):
        for context_id in [cid for cid, ctx in self._contexts.items()
                           if ctx.expires <= now]:
            del self._contexts[context_id]

    def _slice(self, kind, namespace, items, max_count, timeout):
        """Answer up to max_count items; park the rest in a new context."""
        if max_count is None or len(items) <= max_count:
            return PullResult(kind, items, None, True)
        now = self._clock()
        context_id = secrets.token_hex(8)
        with self._lock:
            self._expire(now)
            while len(self._contexts) >= self._max_open:
                self._contexts.popitem(last=False)
            self._contexts[context_id] = _Context(
                kind, namespace, items[max_count:], timeout, now)
        return PullResult(kind, items[:max_count], context_id, False)

    def open(self, dispatcher, name, namespace, params):
        """Run an Open* operation; returns a PullResult."""
        plain_name, kind, mapping = OPEN_OPERATIONS[name]
        plain_params = {}
        for param, param_value in params.items():
            if param in mapping:
                plain_params[mapping[param]] = param_value
            elif param not in _OPEN_CONTROL_PARAMS:
                raise pywbem.CIMError(
                    pywbem.CIM_ERR_INVALID_PARAMETER,
                    'unknown parameter %s for %s' % (param, name))
        if params.get('FilterQuery') or params.get('FilterQueryLanguage'):
            raise pywbem.CIMError(
                pywbem.CIM_ERR_FILTERED_ENUMERATION_NOT_SUPPORTED,
                'filtered enumerations are not supported')
        if params.get('ContinueOnError'):
            raise pywbem.CIMError(
                pywbem.CIM_ERR_CONTINUATION_ON_ERROR_NOT_SUPPORTED,
                'ContinueOnError is not supported')
        timeout = params.get('OperationTimeout')
        if timeout is None or int(timeout) == 0:
            timeout = DEFAULT_OPERATION_TIMEOUT
        items = dispatcher.imethodcall(plain_name, namespace, plain_params)
        max_count = params.get('MaxObjectCount')
        return self._slice(kind, namespace, list(items or ()),
                           None if max_count is None else int(max_count),
                           int(timeout))

    def pull(self, name, namespace, params):
        """Continue a context with Pull*; returns a PullResult."""
        kind = PULL_OPERATIONS[name]
        max_count = _required_count(params)
        context_id = params.get('EnumerationContext')
        now = self._clock()
        with self._lock:
            self._expire(now)
            ctx = self._contexts.get(context_id)
            if ctx is None or ctx.kind != kind or ctx.namespace != namespace:
                raise _invalid_context()
            items = ctx.remaining[:max_count]
            ctx.remaining = ctx.remaining[max_count:]
            if ctx.remaining:
                ctx.expires = now + ctx.timeout
                return PullResult(kind, items, context_id, False)
            del self._contexts[context_id]
        return PullResult(kind, items, None, True)

    def close(self, namespace, params):
        context_id = params.get('EnumerationContext')
        with self._lock:
            self._expire(self._clock())
            ctx = self._contexts.get(context_id)
            if ctx is None or ctx.namespace != namespace:
                raise _invalid_context()
            del self._contexts[context_id]

    def run(self, dispatcher, name, namespace, params):
        """Answer any operation in POOLED_OPERATIONS.

        Returns a PullResult, or None for CloseEnumeration.
        """
        if name in OPEN_OPERATIONS:
            return self.open(dispatcher, name, namespace, params)
        if name in PULL_OPERATIONS:
            return self.pull(name, namespace, params)
        if name == 'CloseEnumeration':
            self.close(namespace, params)
            return None
        raise pywbem.CIMError(pywbem.CIM_ERR_NOT_SUPPORTED,
                              '%s is not supported' % name)
