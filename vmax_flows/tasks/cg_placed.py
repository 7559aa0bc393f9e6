"""Core tasks reading their placement (and item) from other store names.

The core tasks read the store name ``placement``; a flow that places
several devices -- one per member of a group, or the R2 of an SRDF pair on
another array -- needs each to read its own placement.  These subclasses
only change where the inputs come from (TaskFlow ``rebind``); execute and
revert are the core's.  (If the core's constructors grow a ``placement``
keyword, these become plain calls.)
"""

from vmax_flows.tasks import base
from vmax_flows.tasks import devices
from vmax_flows.tasks import groups


class EnsureStorageGroupAt(groups.EnsureStorageGroup):
    """:class:`~vmax_flows.tasks.groups.EnsureStorageGroup` for the
    placement stored as ``placement``."""

    def __init__(self, client, name, placement, provides):
        base.ArrayTask.__init__(self, client, name, provides=provides,
                                rebind={'placement': placement})


class CreateDeviceAt(devices.CreateDevice):
    """:class:`~vmax_flows.tasks.devices.CreateDevice` of ``item`` at the
    placement stored as ``placement`` (size: ``source``'s exact size when
    given, else the item's)."""

    def __init__(self, client, name, placement, provides, item='volume',
                 source=None):
        rebind = {'item': item, 'placement': placement}
        if source:
            rebind['source'] = source
        base.ArrayTask.__init__(self, client, name, provides=provides,
                                rebind=rebind)


class AddToStorageGroupAt(groups.AddToStorageGroup):
    """:class:`~vmax_flows.tasks.groups.AddToStorageGroup` (VMAX2 FAST
    groups) for the placement stored as ``placement``."""

    def __init__(self, client, name, placement, device):
        base.ArrayTask.__init__(self, client, name,
                                rebind={'device': device,
                                        'placement': placement})
