"""vmax_sim: a stateful SMI-S (ECOM) simulator of Dell EMC VMAX arrays.

``Simulator`` is the entry point: build one from a profile, connect the
real pywbem client to it in-process or serve it over HTTP(S), inject
faults, count calls and compare state.
"""

from vmax_sim.simulator import Simulator  # noqa: F401
