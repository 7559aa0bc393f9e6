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
    placement stored as ``placement``.  Revert deletes the group only if
    this task created it and it is still empty."""

    def __init__(self, client, name, placement, provides):
        base.ArrayTask.__init__(self, client, name, provides=provides,
                                rebind={'placement': placement})


class CreateDeviceAt(devices.CreateDevice):
    """:class:`~vmax_flows.tasks.devices.CreateDevice` of ``item`` at the
    placement stored as ``placement`` (size: ``source``'s exact size when
    given, else the item's).  Revert deletes the device if this task
    created it (or its answer was lost)."""

    def __init__(self, client, name, placement, provides, item='volume',
                 source=None):
        rebind = {'item': item, 'placement': placement}
        if source:
            rebind['source'] = source
        base.ArrayTask.__init__(self, client, name, provides=provides,
                                rebind=rebind)


class CreateItemSizedDeviceAt(CreateDeviceAt):
    """:class:`CreateDeviceAt` of the item's own size (``size_gb``), even
    in a flow whose store has a ``source`` (the core's task would take
    that as the size to copy): the R2 of a cloned replicated volume is
    as large as the volume, which is at least its R1."""

    def __init__(self, client, name, placement, provides, item='volume'):
        super().__init__(client, name, placement, provides, item=item)

    def execute(self, item, placement):
        return super().execute(item, placement)

    def revert(self, item, placement, result, flow_failures, **kwargs):
        """Deletes the device if this task created it."""
        return super().revert(item, placement, result, flow_failures)


class AddToStorageGroupAt(groups.AddToStorageGroup):
    """:class:`~vmax_flows.tasks.groups.AddToStorageGroup` (VMAX2 FAST
    groups) for the placement stored as ``placement``.  Revert takes the
    device out again if this task put it in."""

    def __init__(self, client, name, placement, device):
        base.ArrayTask.__init__(self, client, name,
                                rebind={'device': device,
                                        'placement': placement})
