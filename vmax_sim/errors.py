"""Exceptions that cross the boundary between the simulator engine and its
transports.

The engine answers CIM errors with ``pywbem.CIMError``.  Two injected faults
cannot be expressed as a CIM answer at all -- the connection dies, or the
provider stops answering -- so the engine raises these and each transport
turns them into what a real client would see on that transport.
"""


class TransportFault(Exception):
    """Base class of faults that a transport, not the CIM layer, acts out."""


class DropConnection(TransportFault):
    """Close the connection without answering.

    ``executed`` tells whether the operation took effect on the array
    before the connection dropped (the nastiest case for a client: it
    cannot know).
    """

    def __init__(self, executed=False):
        super().__init__('connection dropped by fault injection '
                         '(operation %s)' % ('executed' if executed
                                             else 'not executed'))
        self.executed = executed


class Hang(TransportFault):
    """Stop answering: the client sees its read timeout.

    Over HTTP the transport holds the connection ``seconds`` and then
    closes it without an answer; the in-process adapter raises the
    client's read timeout at once (virtual time, so tests stay fast).
    ``executed`` tells whether the operation took effect anyway.
    """

    def __init__(self, seconds, executed=False):
        super().__init__('provider hangs for %.1f s (fault injection)'
                         % seconds)
        self.seconds = seconds
        self.executed = executed
