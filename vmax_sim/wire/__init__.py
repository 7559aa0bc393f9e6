"""Transports of the simulator: CIM-XML over HTTP(S) and in-process.

* ``CimXmlHandler`` (``cimxml``): bytes in, bytes out, shared by both;
* ``serve`` (``http``): threaded HTTP/1.1 server, Basic auth, optional TLS
  with a generated self-signed certificate;
* ``make_connection`` (``adapter``): a real ``pywbem.WBEMConnection`` whose
  requests reach the handler through a ``requests`` adapter, no socket.
"""

from vmax_sim.wire.adapter import InProcessAdapter  # noqa: F401
from vmax_sim.wire.adapter import make_connection  # noqa: F401
from vmax_sim.wire.cimxml import CimXmlHandler  # noqa: F401
from vmax_sim.wire.http import serve  # noqa: F401
from vmax_sim.wire.http import ServerHandle  # noqa: F401
