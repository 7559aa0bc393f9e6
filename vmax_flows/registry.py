"""Every driver operation's flow factory, under its Cinder method name.

Used by the driver (to build flows), by the failure-injection harness (to
iterate operations) and by graph dumps.  A factory is buildable from plain
data alone -- ``build(None, sample_request(family))`` needs no array -- so
graphs can be drawn anywhere.

Variants of a Cinder method have names of their own: a volume created in
a consistency group (``create_volume_in_group``), replicated volumes
(``*_replicated_volume``, whose factories take a
:class:`~vmax_flows.flows.srdf_common.ArrayPair` -- both arrays' clients
-- instead of one client) and the per-volume steps of ``failover_host``
(``failover_volume`` / ``failback_volume``).
"""

import collections

from vmax_flows.flows import check_for_export
from vmax_flows.flows import create_cloned_volume
from vmax_flows.flows import create_export
from vmax_flows.flows import create_export_snapshot
from vmax_flows.flows import create_group
from vmax_flows.flows import create_group_from_src
from vmax_flows.flows import create_group_snapshot
from vmax_flows.flows import create_replicated_volume
from vmax_flows.flows import create_snapshot
from vmax_flows.flows import create_volume
from vmax_flows.flows import create_volume_from_snapshot
from vmax_flows.flows import create_volume_in_group
from vmax_flows.flows import delete_group
from vmax_flows.flows import delete_group_snapshot
from vmax_flows.flows import delete_replicated_volume
from vmax_flows.flows import delete_snapshot
from vmax_flows.flows import delete_volume
from vmax_flows.flows import ensure_export
from vmax_flows.flows import extend_replicated_volume
from vmax_flows.flows import extend_volume
from vmax_flows.flows import failback_volume
from vmax_flows.flows import failover_volume
from vmax_flows.flows import initialize_connection
from vmax_flows.flows import initialize_connection_snapshot
from vmax_flows.flows import manage_existing
from vmax_flows.flows import migrate_volume
from vmax_flows.flows import remove_export
from vmax_flows.flows import remove_export_snapshot
from vmax_flows.flows import retype
from vmax_flows.flows import terminate_connection
from vmax_flows.flows import terminate_connection_snapshot
from vmax_flows.flows import unmanage
from vmax_flows.flows import update_group

Operation = collections.namedtuple(
    'Operation', 'name description build sample_request result')

_MODULES = (create_volume, delete_volume, extend_volume, create_snapshot,
            delete_snapshot, create_cloned_volume,
            create_volume_from_snapshot,
            # Groups with consistent snapshots (and consistency groups).
            create_group, delete_group, update_group, create_group_snapshot,
            delete_group_snapshot, create_group_from_src,
            create_volume_in_group,
            # SRDF replication and failover.
            create_replicated_volume, delete_replicated_volume,
            extend_replicated_volume, failover_volume, failback_volume,
            # Manage / unmanage, retype and storage-assisted migration.
            manage_existing, unmanage, retype, migrate_volume,
            # Attach and detach (masking), exports, snapshot attach.
            initialize_connection, terminate_connection, create_export,
            ensure_export, remove_export, check_for_export,
            create_export_snapshot, initialize_connection_snapshot,
            terminate_connection_snapshot, remove_export_snapshot)

_OPERATIONS = collections.OrderedDict(
    (module.OPERATION, Operation(module.OPERATION, module.DESCRIPTION,
                                 module.build, module.sample_request,
                                 module.RESULT))
    for module in _MODULES)


def operations():
    """All operations, in a stable order."""
    return list(_OPERATIONS.values())


def names():
    return list(_OPERATIONS)


def get(name):
    try:
        return _OPERATIONS[name]
    except KeyError:
        raise KeyError('no flow registered for %r (known: %s)'
                       % (name, ', '.join(_OPERATIONS)))


def build(name, client, request, **kwargs):
    """The operation's flow; ``kwargs`` (e.g. ``session``, a lock
    session) go to factories that take them."""
    return get(name).build(client, request, **kwargs)


def task_names(name, family, client=None, request=None):
    """Task names of an operation's flow, in run order."""
    operation = get(name)
    flow = operation.build(client, request or operation.sample_request(
        family))
    return [node.name for node, _ in flow.iter_nodes()]


def to_dot(name, family):
    """A names-only DOT graph of the operation's flow (no pydot needed)."""
    steps = task_names(name, family)
    lines = ['digraph "%s_%s" {' % (name, family), '  rankdir=LR;']
    lines.extend('  "%s";' % step for step in steps)
    lines.extend('  "%s" -> "%s";' % pair
                 for pair in zip(steps, steps[1:]))
    lines.append('}')
    return '\n'.join(lines) + '\n'
