"""One driver against a simulated array that can be reset between cases.

Building and setting up a driver costs far more than a case, so the
harness keeps one driver per operation and family and swaps the
simulator underneath it instead: the driver's connection goes through a
:class:`Switchboard`, whose transport adapter hands every request to the
current simulator's own in-process adapter (full CIM-XML both ways), and
whose clock functions are the current simulator's manual clock.  Cached
discovery stays valid because every simulator the switchboard gets is a
copy of the state the driver was set up against, plus the scenario's
preparation.
"""

import copy

import requests.adapters

from tests import fixtures
import vmax_sim
from vmax_sim.model import objects


class _SwitchAdapter(requests.adapters.BaseAdapter):
    """A requests adapter that forwards to the current simulator."""

    def __init__(self, board, url, creds):
        super().__init__()
        self._board = board
        self._url = url
        self._creds = creds

    def send(self, request, **kwargs):
        return self._board.adapter(self._url, self._creds).send(request,
                                                                **kwargs)

    def close(self):
        """Nothing to release: the simulators' adapters hold nothing."""


class Switchboard(object):
    """Which simulator the driver talks to (see the module docstring)."""

    def __init__(self, sim):
        self.sim = sim
        self._adapters = {}

    def switch(self, sim):
        self.sim = sim
        self._adapters.clear()

    def adapter(self, url, creds):
        key = (url, tuple(creds or ()))
        if key not in self._adapters:
            conn = self.sim.connection(url, creds)
            self._adapters[key] = conn.session.get_adapter(conn.url +
                                                           '/cimom')
        return self._adapters[key]

    # -- what the driver is given -------------------------------------------

    def connection_factory(self, url, creds, **kwargs):
        conn = self.sim.connection_factory(url, creds, **kwargs)
        conn.session.mount(conn.url + '/', _SwitchAdapter(self, url, creds))
        return conn

    def sleep(self, seconds):
        self.sim.advance(seconds)

    def now(self):
        return self.sim.clock.now()


class Arena(object):
    """A set-up driver whose array can be put back to a saved state.

    :param test: the TestCase whose fixtures hold the backend.
    :param profile: simulator profile; ``options`` cinder.conf overrides.
    :param make_backend: ``make_backend(profile, options, sim)`` returns
        the backend fixture, not set up (default: a SimulatedBackend).
    """

    def __init__(self, test, profile, options=None, make_backend=None):
        self.profile = profile
        sim = fixtures.simulator(profile)
        self.board = Switchboard(sim)
        make_backend = make_backend or (
            lambda profile, options, sim: fixtures.SimulatedBackend(
                profile, options=options, setup=False, sim=sim))
        self.backend = test.useFixture(make_backend(profile, options, sim))
        driver = self.backend.driver
        driver.connection_factory = self.board.connection_factory
        driver.wait_sleep = self.board.sleep
        driver.wait_clock = self.board.now
        driver.do_setup(None)
        driver.check_for_setup_error()
        self._saved = None
        self.saved_state = None
        self.restores = 0
        self.reuses = 0

    @property
    def sim(self):
        return self.board.sim

    @property
    def driver(self):
        return self.backend.driver

    @property
    def family(self):
        return self.driver.client.info.family

    @property
    def config(self):
        """The driver's backend settings (job interval, retries...)."""
        return self.driver.backend

    def save(self):
        """Remember the current array state as the start of every case."""
        self._saved = copy.deepcopy(self.sim.estate.to_dict())
        self.saved_state = self.sim.snapshot()

    def restore(self):
        """Put a fresh copy of the saved state under the driver."""
        sim = vmax_sim.Simulator(objects.Estate.from_dict(
            copy.deepcopy(self._saved)))
        self.board.switch(sim)
        self.backend.sim = sim
        self.restores += 1

    def is_pristine(self):
        """True when the array is exactly in the saved state with no job
        running (so the next case may reuse it)."""
        return (not self.sim.estate.running_jobs() and
                not self.sim.diff(self.saved_state))

    def ready(self):
        """Make the array ready for the next case: reuse it when the last
        case left it pristine, else restore the saved state; clear faults
        and the call log either way."""
        if self.is_pristine():
            self.reuses += 1
        else:
            self.restore()
        self.sim.faults.clear()
        self.sim.calls.reset()
