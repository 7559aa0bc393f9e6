"""The simulator facade: one object to build, drive, inspect and serve a
simulated ECOM with its arrays.

Typical test use::

    sim = Simulator.from_profile('vmax3-allflash')
    conn = sim.connection()                 # real pywbem, full CIM-XML
    before = sim.snapshot()
    sim.calls.reset()
    ... drive the client ...
    assert sim.calls.count('InvokeMethod:CreateGroup') == 1
    assert not sim.diff(before)             # nothing changed
    sim.faults.add('job_exception', method='AddMembers',
                   error_code=10430, description='locked')
    sim.clock.advance(30)                   # manual clock

and for demos / other clients::

    server = sim.serve(port=5988, user='admin', password='secret')
    print(server.url); ...; server.stop()
"""

import functools

from vmax_sim.cim import dispatcher as dispatcher_mod
from vmax_sim.model import admin as admin_mod
from vmax_sim.model import clock as clock_mod
from vmax_sim.model import objects
from vmax_sim.model import profiles

DEFAULT_URL = 'http://ecom.sim:5988'
DEFAULT_CREDS = ('admin', '#1Password')


def _clock(clock):
    if clock is None or isinstance(clock, clock_mod.Clock):
        return clock
    if clock not in ('manual', 'real'):
        raise ValueError("clock must be 'manual' or 'real', not %r"
                         % (clock,))
    return clock_mod.Clock(manual=(clock == 'manual'))


class _BoundAdmin:
    """The model's admin actions (``vmax_sim.model.admin``) bound to one
    estate and run under the engine lock: ``sim.admin.delete_device(
    serial, device_id)``."""

    def __init__(self, estate, lock):
        self._estate = estate
        self._lock = lock

    def __getattr__(self, name):
        func = getattr(admin_mod, name, None)
        if name.startswith('_') or not callable(func) or \
                getattr(func, '__module__', None) != admin_mod.__name__:
            raise AttributeError('no admin action %s' % name)

        @functools.wraps(func)
        def bound(*args, **kwargs):
            with self._lock:
                return func(self._estate, *args, **kwargs)
        return bound

    def __dir__(self):
        return [name for name, value in vars(admin_mod).items()
                if callable(value) and not name.startswith('_') and
                getattr(value, '__module__', None) == admin_mod.__name__]


class Simulator:
    """A simulated SMI-S provider (ECOM) managing the arrays of an estate.

    ``credentials`` (user, password), when set, are required by the
    in-process connections as by a served endpoint without its own.
    """

    def __init__(self, estate, credentials=None):
        self.estate = estate
        self.dispatcher = dispatcher_mod.Dispatcher(estate)
        self.credentials = credentials
        self._handler = None

    # -- construction and persistence -----------------------------------------

    @classmethod
    def from_profile(cls, name_or_path, clock='manual', credentials=None):
        """Build from a profile: a name (``vmax3-allflash``, ``vmax2``,
        ``srdf-pair``...) or a YAML path.  ``clock``: ``'manual'``
        (virtual time, advanced by the test) or ``'real'`` (wall time)."""
        estate = profiles.load_profile(name_or_path, clock=_clock(clock))
        return cls(estate, credentials=credentials)

    @classmethod
    def load(cls, state_path, clock=None, credentials=None):
        """Restore a simulator saved with :meth:`save`; ``clock`` may
        replace the saved clock ('manual' / 'real')."""
        estate = objects.Estate.load(state_path)
        replacement = _clock(clock)
        if replacement is not None:
            estate.clock = replacement
            estate.last_tick = replacement.now()
        return cls(estate, credentials=credentials)

    def save(self, path):
        """Write the estate to ``path`` (JSON, atomic replace)."""
        with self.dispatcher.lock:
            self.estate.save(path)

    # -- parts ----------------------------------------------------------------

    @property
    def clock(self):
        return self.estate.clock

    @property
    def calls(self):
        """The call log and counters
        (:class:`~vmax_sim.cim.calllog.CallLog`)."""
        return self.dispatcher.calls

    @property
    def faults(self):
        """Fault rules (:class:`~vmax_sim.cim.faults.FaultSet`):
        ``sim.faults.add(kind, **match_and_args)``, ``sim.faults.clear()``.
        """
        return self.dispatcher.faults

    @property
    def latency_ms(self):
        """Latency added to every call, in ms (0 = none)."""
        return self.dispatcher.latency_ms

    @latency_ms.setter
    def latency_ms(self, value):
        self.dispatcher.latency_ms = float(value or 0)

    @property
    def admin(self):
        """Out-of-band (symcli-style) actions on this estate."""
        return _BoundAdmin(self.estate, self.dispatcher.lock)

    def array(self, serial=None):
        """The model array ``serial`` (default: the first one)."""
        if serial is None:
            return next(iter(self.estate.arrays.values()))
        return self.estate.array(serial)

    def advance(self, seconds):
        """Move a manual clock on and let copies and jobs catch up."""
        with self.dispatcher.lock:
            return self.estate.advance(seconds)

    # -- state ----------------------------------------------------------------

    def snapshot(self):
        """A capture of the client-visible state, for :meth:`diff`."""
        with self.dispatcher.lock:
            return self.estate.snapshot()

    def diff(self, since):
        """What changed since the capture ``since`` (falsy when nothing)."""
        with self.dispatcher.lock:
            return self.estate.diff(since)

    def summary(self, serial=None):
        """Readable text of one array (or all of them)."""
        with self.dispatcher.lock:
            return self.estate.summary(serial)

    # -- clients --------------------------------------------------------------

    def _cim_handler(self):
        # One handler (it keeps the pull enumeration contexts) per set of
        # credentials; rebuilt if ``credentials`` changed.
        if self._handler is None or self._handler[0] != self.credentials:
            from vmax_sim.wire import cimxml
            user, password = self.credentials or (None, None)
            self._handler = (self.credentials, cimxml.CimXmlHandler(
                self.dispatcher, user, password))
        return self._handler[1]

    def connection(self, url=DEFAULT_URL, creds=DEFAULT_CREDS, **kwargs):
        """A real ``pywbem.WBEMConnection`` whose requests reach this
        simulator through an in-process transport (full CIM-XML, no
        socket).  ``kwargs`` go to WBEMConnection; the default namespace
        is ``root/emc``."""
        from vmax_sim.wire import adapter
        return adapter.make_connection(self._cim_handler(), url, creds,
                                       **kwargs)

    @property
    def connection_factory(self):
        """``factory(url, creds, default_namespace='root/emc',
        no_verification=..., ca_certs=..., timeout=...)`` returning
        :meth:`connection` s: what the driver's SMI-S client is given in
        tests instead of ``pywbem.WBEMConnection``."""
        def factory(url, creds, default_namespace='root/emc',
                    no_verification=None, ca_certs=None, timeout=None,
                    **kwargs):
            for name, value in (('no_verification', no_verification),
                                ('ca_certs', ca_certs),
                                ('timeout', timeout)):
                if value is not None:
                    kwargs[name] = value
            return self.connection(url, creds,
                                   default_namespace=default_namespace,
                                   **kwargs)
        return factory

    def serve(self, host='127.0.0.1', port=0, user=None, password=None,
              https=False, certfile=None, keyfile=None):
        """Serve CIM-XML over HTTP(S) in a background thread; returns a
        handle with ``.url`` and ``.stop()``.  Without ``user``/``password``
        the simulator's ``credentials`` (if any) are required."""
        from vmax_sim.wire import http
        if user is None and password is None and self.credentials:
            user, password = self.credentials
        return http.serve(self.dispatcher, host=host, port=port, user=user,
                          password=password, https=https, certfile=certfile,
                          keyfile=keyfile)

    def __repr__(self):
        return 'Simulator(%s)' % ', '.join(
            '%s %s' % (a.serial, a.model)
            for a in self.estate.arrays.values())
