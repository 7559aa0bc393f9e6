"""The simulated arrays' domain model: plain Python, no pywbem.

Start here::

    from vmax_sim import model
    estate = model.load_profile('vmax3-allflash')
    dev = model.ops.create_volume(estate, '000197800123', 'OS-x',
                                  10 * model.GIB, storage_group='SG')
    before = estate.snapshot()
    ...
    print(estate.diff(since=before))

Objects: :mod:`.objects`; operations: :mod:`.ops`; rule messages:
:mod:`.errors`; out-of-band actions: :mod:`.admin`.
"""

from vmax_sim.model import ops  # noqa
from vmax_sim.model.clock import Clock  # noqa
from vmax_sim.model.errors import ArrayError  # noqa
from vmax_sim.model.errors import ObjectNotFound  # noqa
from vmax_sim.model import objects  # noqa
from vmax_sim.model.objects import Array  # noqa
from vmax_sim.model.objects import ElementKey  # noqa
from vmax_sim.model.objects import Estate  # noqa
from vmax_sim.model.objects import GIB  # noqa
from vmax_sim.model.objects import MIB  # noqa
from vmax_sim.model.profiles import load_profile  # noqa
from vmax_sim.model.state import StateDiff  # noqa
from vmax_sim.model.state import StateSnapshot  # noqa
