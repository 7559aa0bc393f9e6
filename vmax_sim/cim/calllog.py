"""Call log and counters of every operation the dispatcher served.

Tests count round trips with it (``sim.calls.count('GetInstance')``,
``sim.calls.count('InvokeMethod:CreateGroup')``) after ``calls.reset()``
so their own setup is excluded.  Sequence numbers restart at 1 after a
reset; fault rules can target one of them (``at_call=``).
"""

import collections
import dataclasses
import threading
import typing


@dataclasses.dataclass(frozen=True)
class CallRecord:
    """One served call.

    ``operation`` is the intrinsic name (``GetInstance``) or
    ``InvokeMethod:<method>``; ``classname`` the target class (the class
    of the object path, or the class argument of an enumeration);
    ``rc`` the extrinsic return value; ``error`` the CIM status code when
    the call answered a CIMError; ``fault`` the kind of the injected
    fault, if any; ``duration_ms`` the service time including added
    latency.
    """

    seq: int
    operation: str
    classname: typing.Optional[str]
    method: typing.Optional[str] = None
    rc: typing.Optional[int] = None
    error: typing.Optional[int] = None
    error_description: typing.Optional[str] = None
    fault: typing.Optional[str] = None
    duration_ms: float = 0.0

    def __str__(self):
        outcome = ('rc=%s' % self.rc if self.rc is not None else
                   'error=%s' % self.error if self.error is not None else
                   'ok')
        text = '#%d %s %s %s %.2fms' % (self.seq, self.operation,
                                        self.classname, outcome,
                                        self.duration_ms)
        if self.fault:
            text += ' fault=%s' % self.fault
        return text


class CallLog:
    """Thread-safe counters plus a bounded log of :class:`CallRecord`."""

    def __init__(self, max_records=100000):
        self._lock = threading.Lock()
        self._records = collections.deque(maxlen=max_records)
        self._counts = collections.Counter()
        self._class_counts = collections.Counter()
        self._seq = 0

    def next_seq(self):
        """Take the sequence number of a call that is starting."""
        with self._lock:
            self._seq += 1
            return self._seq

    def record(self, record):
        with self._lock:
            self._records.append(record)
            self._counts[record.operation] += 1
            if record.operation.startswith('InvokeMethod:'):
                self._counts['InvokeMethod'] += 1
            self._class_counts[(record.operation, record.classname)] += 1

    def reset(self):
        """Forget every record and counter; sequence numbers restart."""
        with self._lock:
            self._records.clear()
            self._counts.clear()
            self._class_counts.clear()
            self._seq = 0

    @property
    def seq(self):
        """Sequence number of the last call started since the reset."""
        return self._seq

    @property
    def total(self):
        """Number of calls recorded since the reset."""
        with self._lock:
            return sum(c for op, c in self._counts.items()
                       if op != 'InvokeMethod')

    def count(self, operation=None, classname=None):
        """Calls of ``operation`` (``'GetInstance'``,
        ``'InvokeMethod:AddMembers'``, or ``'InvokeMethod'`` for every
        extrinsic call), optionally only on target class ``classname``
        (exact name, case-insensitive).  No operation: the total.
        """
        with self._lock:
            if classname is None:
                if operation is None:
                    return sum(c for op, c in self._counts.items()
                               if op != 'InvokeMethod')
                return self._counts.get(operation, 0)
            wanted = classname.lower()
            return sum(c for (op, cls), c in self._class_counts.items()
                       if (cls or '').lower() == wanted and (
                           operation is None or op == operation or (
                               operation == 'InvokeMethod' and
                               op.startswith('InvokeMethod:'))))

    def counts(self):
        """A copy of the counters: operation -> calls."""
        with self._lock:
            return dict(self._counts)

    @property
    def records(self):
        """A copy of the log, oldest first."""
        with self._lock:
            return list(self._records)

    def last(self, operation=None):
        """The latest record (of ``operation`` when given), or None."""
        with self._lock:
            for rec in reversed(self._records):
                if operation is None or rec.operation == operation:
                    return rec
        return None

    def faulted(self):
        """Records of the calls an injected fault acted on."""
        return [rec for rec in self.records if rec.fault]

    def __len__(self):
        return self.total

    def __str__(self):
        return '\n'.join(str(rec) for rec in self.records)
