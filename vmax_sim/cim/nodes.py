"""Nodes and the base of the instance kinds.

A :class:`Node` is one CIM instance to be: a kind plus the model objects
it stands for (its array and an item).  Every kind has exactly one CIM
class, so class filters can be applied before anything is rendered.  A
kind knows how to build a node's keys and properties, how to find the node
back from the keys of an inbound path (host ignored; None when the object
is gone), and how to list all its nodes.  The concrete kinds live in
:mod:`.kinds_array`, :mod:`.kinds_storage` and :mod:`.kinds_jobs`; the
registry of them all in :mod:`.kinds`.
"""

import datetime

from vmax_sim.cim import naming

SYSTEM_CLASS = naming.SYSTEM_CLASS


# Instance paths are a pure function of the kind, the array's system name
# and the object's identity, and building a CIMInstanceName is the
# dominant cost of large enumerations, so paths are built once and shared.
# Callers must treat returned paths as read-only.
_PATHS = {}
_MAX_CACHED_PATHS = 200000


class Node:
    """One renderable instance: ``kind`` + ``array`` + ``item``."""

    __slots__ = ('kind', 'array', 'item')

    def __init__(self, kind, array, item=None):
        self.kind = kind
        self.array = array
        self.item = item

    @property
    def classname(self):
        return self.kind.classname

    @property
    def ident(self):
        """Hashable identity, for de-duplicating results."""
        return (self.kind.name, self.kind.ident(self))

    def path(self):
        """The instance path (shared; do not modify)."""
        key = (self.kind.name,
               self.array.system_name if self.array is not None else None,
               self.kind.ident(self))
        path = _PATHS.get(key)
        if path is None:
            if len(_PATHS) >= _MAX_CACHED_PATHS:
                _PATHS.clear()
            path = naming.path(self.kind.classname, self.kind.keys(self))
            _PATHS[key] = path
        return path

    def __repr__(self):
        return 'Node(%s, %s)' % (self.kind.name, self.kind.ident(self))


def cim_time(seconds):
    """A clock time (epoch seconds) as a CIM datetime value."""
    if seconds is None:
        return None
    return datetime.datetime.fromtimestamp(seconds, datetime.timezone.utc)


def same(value, expected):
    return isinstance(value, str) and value.lower() == expected.lower()


class Kind:
    """Base of the instance kinds; subclasses set name and classname."""

    name = None
    classname = None

    def keys(self, node):
        raise NotImplementedError

    def properties(self, ctx, node):
        """Non-key properties: name -> raw value (typed by the schema)."""
        return {}

    def find(self, ctx, keys, array=None):
        """The node the keys name, or None (``array`` narrows the search
        for identities that do not carry the array)."""
        raise NotImplementedError

    def each(self, ctx):
        """Every node of this kind."""
        raise NotImplementedError

    def ident(self, node):
        return (node.array.serial if node.array is not None else None,
                self.item_ident(node.item))

    @staticmethod
    def item_ident(item):
        return getattr(item, 'name', item)

    def node(self, array, item=None):
        return Node(self, array, item)

    # Helpers for the common key shapes.
    def _system_keys(self, node, **extra):
        keys = {'CreationClassName': self.classname,
                'SystemCreationClassName': SYSTEM_CLASS,
                'SystemName': node.array.system_name}
        keys.update(extra)
        return keys

    def _array_of_system_keys(self, ctx, keys):
        if not same(keys.get('CreationClassName'), self.classname):
            return None
        if not same(keys.get('SystemCreationClassName'), SYSTEM_CLASS):
            return None
        return naming.array_by_system_name(ctx.estate,
                                           keys.get('SystemName'))
