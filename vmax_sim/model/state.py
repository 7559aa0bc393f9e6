"""State captures and their differences: the basis of rollback checks.

:func:`capture` (``estate.snapshot()``) records every object a client can
observe -- devices with label, size, pool and SG membership; groups (a
parent SG with its children, a child with its parent); hardware IDs;
ports; views with LUNs; SnapVX snapshots, links, clones and SRDF pairs
with their states; replication groups and group replicas; RDF groups;
pool figures; licences -- and leaves out jobs, the clock, copy byte
counts and id counters.  ``before.diff(after)`` (or
``estate.diff(since=before)``) names what was created, changed (field by
field, old -> new) and deleted.  Membership of storage groups and
replication groups, and the children of a parent SG, are captured as
sets (sorted): the order in which devices joined has no meaning on the
array, and a revert that puts a device back with AddMembers cannot
restore its old position::

    before = estate.snapshot()
    ...                                  # a refused operation
    assert not estate.diff(since=before), estate.diff(since=before)
"""

import dataclasses
import types

from vmax_sim.model import objects as o

# Readable kind names, and the fields shown when an object is created or
# deleted (all fields are compared; these only make the text readable).
_TITLES = {
    o.KIND_ARRAY: 'array',
    o.KIND_POOL: 'pool',
    o.KIND_FAST_POLICY: 'FAST policy',
    o.KIND_DEVICE: 'device',
    o.KIND_SG: 'storage group',
    o.KIND_IG: 'initiator group',
    o.KIND_PG: 'port group',
    o.KIND_HWID: 'hardware id',
    o.KIND_PORT: 'port',
    o.KIND_VIEW: 'masking view',
    o.KIND_SNAPSHOT: 'snapshot',
    o.KIND_RELATIONSHIP: 'relationship',
    o.KIND_RG: 'replication group',
    o.KIND_GROUP_RELATIONSHIP: 'group relationship',
    o.KIND_RDF_GROUP: 'rdf group',
}
_SHOWN = {
    o.KIND_DEVICE: ('label', 'size_bytes', 'pool', 'storage_groups'),
    o.KIND_SG: ('srp', 'slo', 'workload', 'fast_policy', 'members',
                'children', 'parent'),
    o.KIND_IG: ('hardware_ids',),
    o.KIND_PG: ('ports',),
    o.KIND_HWID: ('id_type',),
    o.KIND_VIEW: ('storage_group', 'initiator_group', 'port_group', 'luns'),
    o.KIND_SNAPSHOT: ('generation',),
    o.KIND_RELATIONSHIP: ('type', 'source', 'target', 'snapshot_name',
                          'copy_state'),
    o.KIND_RG: ('members',),
    o.KIND_GROUP_RELATIONSHIP: ('source_group', 'target_group',
                                'relationship_name'),
    o.KIND_RDF_GROUP: ('label', 'remote_serial', 'remote_number'),
    o.KIND_POOL: ('total_bytes', 'subscribed_bytes'),
}
_SYNC_TYPE_NAMES = {o.SYNC_TYPE_MIRROR: 'srdf',
                    o.SYNC_TYPE_SNAPSHOT: 'snapvx',
                    o.SYNC_TYPE_CLONE: 'clone'}


def _frozen(value):
    if isinstance(value, dict):
        return tuple(sorted((k, _frozen(v)) for k, v in value.items()))
    if isinstance(value, (list, tuple)):
        return tuple(_frozen(v) for v in value)
    return value


def _record(**fields):
    return tuple((name, _frozen(value)) for name, value in fields.items())


def _array_records(arr, out):
    serial = arr.serial
    key = o.ElementKey
    out[key(o.KIND_ARRAY, serial, serial)] = _record(
        family=arr.family, model=arr.model, microcode=arr.microcode,
        licences=arr.licences)
    for pool in arr.pools.values():
        usage = arr.pool_usage(pool.name)
        out[key(o.KIND_POOL, serial, pool.name)] = _record(
            kind=pool.kind, total_bytes=pool.total_bytes,
            subscribed_bytes=usage.subscribed_bytes,
            remaining_bytes=usage.remaining_bytes,
            reserved_percent=pool.reserved_percent,
            max_subscription_percent=pool.max_subscription_percent,
            settings=pool.settings)
    for policy in arr.fast_policies.values():
        out[key(o.KIND_FAST_POLICY, serial, policy.name)] = _record(
            tiers=[(t.name, t.pools) for t in policy.tiers])
    sgs_of = arr._sgs_of_device
    for dev in arr.devices.values():
        out[key(o.KIND_DEVICE, serial, dev.device_id)] = (
            ('label', dev.label), ('size_bytes', dev.size_bytes),
            ('pool', dev.pool), ('bound', dev.bound), ('thin', dev.thin),
            ('compressed', dev.compressed), ('wwn', dev.wwn),
            ('storage_groups', tuple(sorted(sgs_of.get(dev.device_id,
                                                       ())))),
            ('meta_members', tuple(dev.meta_members)),
            ('meta_head', dev.meta_head),
            ('concatenated', dev.concatenated),
            ('lineage', _frozen(dev.lineage)))
    for sg in arr.storage_groups.values():
        out[key(o.KIND_SG, serial, sg.name)] = _record(
            srp=sg.srp, slo=sg.slo, workload=sg.workload,
            fast_policy=sg.fast_policy,
            disable_compression=sg.disable_compression,
            host_io_limit_iops=sg.host_io_limit_iops,
            host_io_limit_mbps=sg.host_io_limit_mbps,
            host_io_distribution=sg.host_io_distribution,
            members=sorted(sg.members), children=sorted(sg.children),
            parent=arr.parent_of_group(sg.name))
    for ig in arr.initiator_groups.values():
        out[key(o.KIND_IG, serial, ig.name)] = _record(
            hardware_ids=ig.hardware_ids)
    for pg in arr.port_groups.values():
        out[key(o.KIND_PG, serial, pg.name)] = _record(ports=pg.ports)
    for hwid in arr.hardware_ids.values():
        out[key(o.KIND_HWID, serial, hwid.storage_id)] = _record(
            id_type=hwid.id_type, element_name=hwid.element_name)
    for port in arr.ports.values():
        out[key(o.KIND_PORT, serial, port.name)] = _record(
            protocol=port.protocol, iqn=port.iqn, ip=port.ip,
            wwpn=port.wwpn, online=port.online)
    for view in arr.masking_views.values():
        out[key(o.KIND_VIEW, serial, view.name)] = _record(
            storage_group=view.storage_group,
            initiator_group=view.initiator_group,
            port_group=view.port_group, luns=view.luns)
    for snaps in arr.snapshots.values():
        for snap in snaps:
            out[key(o.KIND_SNAPSHOT, serial, snap.ident)] = _record(
                source=snap.source, name=snap.name,
                generation=snap.generation, created_at=snap.created_at)
    for rg in arr.replication_groups.values():
        out[key(o.KIND_RG, serial, rg.name)] = _record(
            members=sorted(rg.members))
    for group in arr.rdf_groups.values():
        out[key(o.KIND_RDF_GROUP, serial, str(group.number))] = _record(
            label=group.label, remote_serial=group.remote_serial,
            remote_number=group.remote_number, online=group.online)


def _relationship_records(estate, out):
    for rel in estate.relationships.values():
        out[o.ElementKey(o.KIND_RELATIONSHIP, rel.source_serial,
                         str(rel.rel_id))] = _record(
            type=_SYNC_TYPE_NAMES.get(rel.sync_type, rel.sync_type),
            source='%s:%s' % rel.source_key,
            target='%s:%s' % rel.target_key,
            mode=rel.mode, copy=rel.copy, snapshot_name=rel.snapshot_name,
            generation=rel.generation, copy_state=rel.copy_state,
            sync_state=rel.sync_state, rdf_group=rel.rdf_group,
            suspended=rel.suspended, failed_over=rel.failed_over)
    for group_rel in estate.group_relationships.values():
        out[o.ElementKey(o.KIND_GROUP_RELATIONSHIP, group_rel.serial,
                         str(group_rel.group_rel_id))] = _record(
            source_group=group_rel.source_group,
            target_group=group_rel.target_group,
            relationship_name=group_rel.relationship_name,
            sync_type=group_rel.sync_type,
            member_rel_ids=group_rel.member_rel_ids)


def capture(estate):
    """An immutable :class:`StateSnapshot` of ``estate`` now."""
    records = {}
    for arr in estate.arrays.values():
        _array_records(arr, records)
    _relationship_records(estate, records)
    return StateSnapshot(records)


class StateSnapshot:
    """An immutable capture: a mapping of :class:`~objects.ElementKey` to
    a record (a tuple of ``(field, value)`` pairs).  Two captures are
    equal when every object and field is."""

    __slots__ = ('_records',)

    def __init__(self, records):
        object.__setattr__(self, '_records',
                           types.MappingProxyType(dict(records)))

    def __setattr__(self, name, value):
        raise AttributeError('StateSnapshot is immutable')

    @property
    def records(self):
        return self._records

    def record(self, key):
        """The fields of one object as a dict (KeyError when absent)."""
        return dict(self._records[key])

    def keys(self, kind=None):
        return [k for k in self._records if kind is None or k.kind == kind]

    def __len__(self):
        return len(self._records)

    def __contains__(self, key):
        return key in self._records

    def __eq__(self, other):
        if not isinstance(other, StateSnapshot):
            return NotImplemented
        return dict(self._records) == dict(other._records)

    def __ne__(self, other):
        result = self.__eq__(other)
        return result if result is NotImplemented else not result

    __hash__ = None

    def diff(self, other):
        """What changed from this capture to ``other`` (a later one)."""
        before, after = self._records, other._records
        created = [(k, after[k]) for k in after if k not in before]
        deleted = [(k, before[k]) for k in before if k not in after]
        changed = []
        for k in before:
            if k in after and before[k] != after[k]:
                old, new = dict(before[k]), dict(after[k])
                fields = {f: (old.get(f), new.get(f))
                          for f in dict.fromkeys(list(old) + list(new))
                          if old.get(f) != new.get(f)}
                changed.append((k, fields))
        return StateDiff(created, changed, deleted)

    def __repr__(self):
        return '<StateSnapshot of %d objects>' % len(self._records)


def _value_text(value):
    if isinstance(value, tuple):
        return '[%s]' % ', '.join(_value_text(v) for v in value)
    return str(value)


def _describe(key, record):
    fields = dict(record)
    shown = [(f, fields[f]) for f in _SHOWN.get(key.kind, ())
             if fields.get(f) not in (None, (), '')]
    title = _TITLES.get(key.kind, key.kind)
    text = '%s %s:%s' % (title, key.serial, key.ident)
    if shown:
        text += ' ' + ' '.join('%s=%s' % (f, _value_text(v))
                               for f, v in shown)
    return text


@dataclasses.dataclass(frozen=True)
class StateDiff:
    """``created`` / ``deleted``: lists of (key, record); ``changed``:
    list of (key, {field: (old, new)}).  Falsy when nothing changed;
    ``str()`` names each object readably, one per line."""

    created: list
    changed: list
    deleted: list

    def __bool__(self):
        return bool(self.created or self.changed or self.deleted)

    def created_keys(self, kind=None):
        return [k for k, _ in self.created if kind is None or k.kind == kind]

    def deleted_keys(self, kind=None):
        return [k for k, _ in self.deleted if kind is None or k.kind == kind]

    def changed_keys(self, kind=None):
        return [k for k, _ in self.changed if kind is None or k.kind == kind]

    def changed_fields(self, key):
        """{field: (old, new)} of one changed object ({} if unchanged)."""
        for k, fields in self.changed:
            if k == key:
                return dict(fields)
        return {}

    def lines(self):
        out = ['created ' + _describe(k, r) for k, r in self.created]
        for k, fields in self.changed:
            title = _TITLES.get(k.kind, k.kind)
            parts = ['%s: %s -> %s' % (f, _value_text(old), _value_text(new))
                     for f, (old, new) in fields.items()]
            out.append('changed %s %s:%s %s'
                       % (title, k.serial, k.ident, '; '.join(parts)))
        out.extend('deleted ' + _describe(k, r) for k, r in self.deleted)
        return out

    def __str__(self):
        return '\n'.join(self.lines()) if self else 'no changes'
