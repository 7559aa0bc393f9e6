"""Association kinds: which nodes each association class links, in both
directions, computed from the model's indexes.

An association is declared as a set of :class:`Side` s.  A side goes from
a node of one instance kind, in one role, to nodes of one other kind in
the other role; its function returns ``(far node, link properties)``
pairs.  Because a side knows its far kind (and so the far class) before
running, Associators and References can skip every side that a class or
role filter excludes without touching the model: the cost is proportional
to the result.
"""

from vmax_sim.cim import kinds as k
from vmax_sim.cim import naming
from vmax_sim.model import objects as o


class Side:
    """From ``near_kind`` in ``near_role`` to ``far_kind`` in
    ``far_role``; ``links(ctx, node)`` yields (far node, props or None).
    """

    __slots__ = ('assoc', 'near_role', 'near_kind', 'far_role', 'far_kind',
                 'links')

    def __init__(self, assoc, near_role, near_kind, far_role, far_kind,
                 links):
        self.assoc = assoc
        self.near_role = near_role
        self.near_kind = near_kind
        self.far_role = far_role
        self.far_kind = far_kind
        self.links = links


class Link:
    """One association instance: ``ends`` maps role -> node."""

    __slots__ = ('assoc', 'ends', 'props')

    def __init__(self, assoc, ends, props):
        self.assoc = assoc
        self.ends = ends
        self.props = props or {}

    @property
    def classname(self):
        return self.assoc.classname

    def path(self):
        return naming.path(self.assoc.classname,
                           {role: node.path()
                            for role, node in self.ends.items()})


class AssocKind:
    """One association class.

    ``roles`` are its two reference names, the first being the role
    enumerations start from; ``lookup_role`` the role whose node has the
    fewest links (used to check that a given association instance
    exists).
    """

    def __init__(self, classname, roles, lookup_role=None):
        self.classname = classname
        self.name = 'assoc:' + classname
        self.roles = roles
        self.lookup_role = lookup_role or roles[1]
        self.sides = []

    def link(self, role_a, kind_a, role_b, kind_b, a_to_b, b_to_a):
        """Declare that ``kind_a`` (in ``role_a``) links to ``kind_b``."""
        self.sides.append(Side(self, role_a, kind_a, role_b, kind_b, a_to_b))
        self.sides.append(Side(self, role_b, kind_b, role_a, kind_a, b_to_a))
        return self

    def each(self, ctx):
        """Every instance, enumerated from the first role."""
        for side in self.sides:
            if side.near_role != self.roles[0]:
                continue
            for near in side.near_kind.each(ctx):
                for far, props in side.links(ctx, near):
                    yield Link(self, {side.near_role: near,
                                      side.far_role: far}, props)

    def find(self, ctx, ends):
        """The link between ``ends`` (role -> node), or None."""
        order = [self.lookup_role] + [r for r in self.roles
                                      if r != self.lookup_role]
        for near_role in order:
            near = ends[near_role]
            far_role = [r for r in self.roles if r != near_role][0]
            far = ends[far_role]
            for side in self.sides:
                if (side.near_role != near_role or
                        side.near_kind is not near.kind or
                        side.far_kind is not far.kind):
                    continue
                wanted = far.ident
                for candidate, props in side.links(ctx, near):
                    if candidate.ident == wanted:
                        return Link(self, {near_role: near,
                                           far_role: candidate}, props)
                return None
        return None


def _one(node):
    return [(node, None)] if node is not None else []


def _many(nodes):
    return [(node, None) for node in nodes]


# -- builders used by several associations ------------------------------------

def _system_of(ctx, node):
    return [(k.SYSTEM.node(node.array), None)]


def _service_of(service):
    return lambda ctx, node: _one(service.node(node.array)
                                  if service.offered_by(node.array)
                                  else None)


def _all_of(kind):
    def links(ctx, node):
        return [(n, None) for n in kind.each(ctx)
                if n.array is node.array]
    return links


def _devices(array, ids):
    for device_id in ids:
        dev = array.devices.get(device_id)
        if dev is not None:
            yield dev


# -- the associations ---------------------------------------------------------

HOSTED_SERVICE = AssocKind('CIM_HostedService', ('Antecedent', 'Dependent'))
for _svc in k.SERVICES:
    HOSTED_SERVICE.link('Antecedent', k.SYSTEM, 'Dependent', _svc,
                        _service_of(_svc), _system_of)

HOSTED_POOL = AssocKind('CIM_HostedStoragePool',
                        ('GroupComponent', 'PartComponent'))
for _pool_kind in k.POOLS:
    HOSTED_POOL.link('GroupComponent', k.SYSTEM, 'PartComponent', _pool_kind,
                     _all_of(_pool_kind), _system_of)


def _array_devices(ctx, node):
    array = node.array
    return [(k.VOLUME.node(array, dev), None)
            for dev in array.devices.values()]


SYSTEM_DEVICE = AssocKind('CIM_SystemDevice',
                          ('GroupComponent', 'PartComponent'))
SYSTEM_DEVICE.link('GroupComponent', k.SYSTEM, 'PartComponent', k.VOLUME,
                   _array_devices, _system_of)
for _part in (k.VIEW, k.ISCSI_EP, k.TCP_EP, k.IP_EP, k.FC_EP):
    SYSTEM_DEVICE.link('GroupComponent', k.SYSTEM, 'PartComponent', _part,
                       _all_of(_part), _system_of)


def _pool_devices(ctx, node):
    array, pool = node.array, node.item
    return [(k.VOLUME.node(array, dev), {'SpaceConsumed': dev.size_bytes})
            for dev in array.devices.values()
            if dev.pool == pool.name and dev.bound]


def _device_pool(pool_kind):
    def links(ctx, node):
        array, dev = node.array, node.item
        pool = array.pools.get(dev.pool) if dev.bound and dev.pool else None
        if pool is None or pool.kind != pool_kind.pool_kind:
            return []
        return [(pool_kind.node(array, pool),
                 {'SpaceConsumed': dev.size_bytes})]
    return links


ALLOCATED_FROM_POOL = AssocKind('CIM_AllocatedFromStoragePool',
                                ('Antecedent', 'Dependent'))
for _pool_kind in k.POOLS:
    ALLOCATED_FROM_POOL.link('Antecedent', _pool_kind, 'Dependent', k.VOLUME,
                             _pool_devices, _device_pool(_pool_kind))


def _same_item(kind):
    return lambda ctx, node: [(kind.node(node.array, node.item), None)]


def _array_singleton(kind):
    def links(ctx, node):
        return [(n, None) for n in kind.each(ctx) if n.array is node.array]
    return links


ELEMENT_CAPABILITIES = AssocKind('CIM_ElementCapabilities',
                                 ('ManagedElement', 'Capabilities'))
ELEMENT_CAPABILITIES.link('ManagedElement', k.SRP, 'Capabilities',
                          k.POOL_CAPS, _same_item(k.POOL_CAPS),
                          _same_item(k.SRP))
ELEMENT_CAPABILITIES.link('ManagedElement', k.RS, 'Capabilities',
                          k.REPL_CAPS, _array_singleton(k.REPL_CAPS),
                          _service_of(k.RS))
ELEMENT_CAPABILITIES.link('ManagedElement', k.TIER_SERVICE, 'Capabilities',
                          k.TIER_CAPS, _array_singleton(k.TIER_CAPS),
                          _service_of(k.TIER_SERVICE))


def _caps_settings(ctx, node):
    return [(k.SETTING.node(node.array, item), {'DefaultSetting': False})
            for item in k.SETTING.settings_of(node.array, node.item)]


def _setting_caps(ctx, node):
    return [(k.POOL_CAPS.node(node.array, node.item[0]),
             {'DefaultSetting': False})]


SETTINGS_TO_CAPABILITIES = AssocKind(
    'CIM_StorageSettingsAssociatedToCapabilities',
    ('Antecedent', 'Dependent'))
SETTINGS_TO_CAPABILITIES.link('Antecedent', k.POOL_CAPS, 'Dependent',
                              k.SETTING, _caps_settings, _setting_caps)


def _ordered_members(ctx, node):
    array = node.array
    return [(k.VOLUME.node(array, dev), {'AssignedSequence': i + 1})
            for i, dev in enumerate(_devices(array, node.item.members))]


def _groups_of_volume(group_kind, names_of):
    def links(ctx, node):
        array, dev = node.array, node.item
        result = []
        for name in names_of(array, dev.device_id):
            group = group_kind.items(array).get(name)
            if group is not None:
                seq = group.members.index(dev.device_id) + 1
                result.append((group_kind.node(array, group),
                               {'AssignedSequence': seq}))
        return result
    return links


ORDERED_MEMBER = AssocKind('CIM_OrderedMemberOfCollection',
                           ('Collection', 'Member'))
ORDERED_MEMBER.link('Collection', k.SG, 'Member', k.VOLUME,
                    _ordered_members,
                    _groups_of_volume(k.SG, lambda a, d:
                                      a.groups_of_device(d)))
ORDERED_MEMBER.link('Collection', k.RG, 'Member', k.VOLUME,
                    _ordered_members,
                    _groups_of_volume(k.RG, lambda a, d:
                                      a.replication_groups_of_device(d)))


def _ig_hwids(ctx, node):
    array = node.array
    return _many(k.HWID.node(array, array.hardware_ids[sid])
                 for sid in node.item.hardware_ids
                 if sid in array.hardware_ids)


def _hwid_ig(ctx, node):
    array = node.array
    name = array.group_of_hardware_id(node.item.storage_id)
    group = array.initiator_groups.get(name) if name else None
    return _one(k.IG.node(array, group) if group else None)


def _pg_ports(endpoint_kind):
    def links(ctx, node):
        array = node.array
        return _many(endpoint_kind.node(array, array.ports[name])
                     for name in node.item.ports
                     if name in array.ports and
                     endpoint_kind.has_endpoint(array.ports[name]))
    return links


def _port_pgs(ctx, node):
    array = node.array
    return _many(k.PG.node(array, array.port_groups[name])
                 for name in array.port_groups_of_port(node.item.name))


def _tier_pools(ctx, node):
    array = node.array
    return _many(k.THIN_POOL.node(array, array.pools[name])
                 for name in node.item.pools
                 if name in array.pools and
                 array.pools[name].kind == o.POOL_THIN)


def _pool_tiers(ctx, node):
    return _many(k.TIER.node(node.array, tier)
                 for tier in k.TIER.tiers(node.array).values()
                 if node.item.name in tier.pools)


MEMBER_OF_COLLECTION = AssocKind('CIM_MemberOfCollection',
                                 ('Collection', 'Member'))
MEMBER_OF_COLLECTION.link('Collection', k.IG, 'Member', k.HWID, _ig_hwids,
                          _hwid_ig)
MEMBER_OF_COLLECTION.link('Collection', k.PG, 'Member', k.ISCSI_EP,
                          _pg_ports(k.ISCSI_EP), _port_pgs)
MEMBER_OF_COLLECTION.link('Collection', k.PG, 'Member', k.FC_EP,
                          _pg_ports(k.FC_EP), _port_pgs)
MEMBER_OF_COLLECTION.link('Collection', k.TIER, 'Member', k.THIN_POOL,
                          _tier_pools, _pool_tiers)


def _child_groups(ctx, node):
    array = node.array
    return _many(k.SG.node(array, array.storage_groups[name])
                 for name in node.item.children
                 if name in array.storage_groups)


def _parent_group(ctx, node):
    array = node.array
    name = array.parent_of_group(node.item.name)
    parent = array.storage_groups.get(name) if name else None
    return _one(k.SG.node(array, parent) if parent else None)


# Cascaded storage groups: parent (Collection) -> child (Member).  Looked
# up from the child, which has at most one parent.
SG_IN_SG = AssocKind('SE_MemberOfCollection_DMG_DMG',
                     ('Collection', 'Member'), 'Member')
SG_IN_SG.link('Collection', k.SG, 'Member', k.SG, _child_groups,
              _parent_group)


CONCRETE_DEPENDENCY = AssocKind('CIM_ConcreteDependency',
                                ('Antecedent', 'Dependent'))
for _svc, _dep in ((k.CCS, k.SG), (k.CCS, k.IG), (k.CCS, k.PG),
                   (k.RS, k.RG), (k.RS, k.RDF_GROUP),
                   (k.HWID_SERVICE, k.HWID)):
    CONCRETE_DEPENDENCY.link('Antecedent', _svc, 'Dependent', _dep,
                             _all_of(_dep), _service_of(_svc))


def _view_group(group_kind, attribute):
    def links(ctx, node):
        array = node.array
        group = group_kind.items(array).get(getattr(node.item, attribute))
        return _one(group_kind.node(array, group) if group else None)
    return links


def _group_views(model_kind):
    def links(ctx, node):
        array = node.array
        return _many(k.VIEW.node(array, array.masking_views[name])
                     for name in array.views_of_group(model_kind,
                                                      node.item.name))
    return links


ASSOCIATED_SG = AssocKind('CIM_AssociatedDeviceMaskingGroup',
                          ('Antecedent', 'Dependent'), 'Antecedent')
ASSOCIATED_SG.link('Antecedent', k.VIEW, 'Dependent', k.SG,
                   _view_group(k.SG, 'storage_group'),
                   _group_views(o.KIND_SG))
ASSOCIATED_IG = AssocKind('CIM_AssociatedInitiatorMaskingGroup',
                          ('Antecedent', 'Dependent'), 'Antecedent')
ASSOCIATED_IG.link('Antecedent', k.VIEW, 'Dependent', k.IG,
                   _view_group(k.IG, 'initiator_group'),
                   _group_views(o.KIND_IG))
ASSOCIATED_PG = AssocKind('CIM_AssociatedTargetMaskingGroup',
                          ('Antecedent', 'Dependent'), 'Antecedent')
ASSOCIATED_PG.link('Antecedent', k.VIEW, 'Dependent', k.PG,
                   _view_group(k.PG, 'port_group'),
                   _group_views(o.KIND_PG))


def _unit_props(lun):
    return {'DeviceNumber': naming.device_number(lun), 'DeviceAccess': 2}


def _view_units(ctx, node):
    array = node.array
    return [(k.VOLUME.node(array, array.devices[dev]), _unit_props(lun))
            for dev, lun in node.item.luns.items() if dev in array.devices]


def _volume_units(ctx, node):
    array, dev = node.array, node.item
    result = []
    for name in array.views_of_device(dev.device_id):
        view = array.masking_views.get(name)
        if view is not None and dev.device_id in view.luns:
            result.append((k.VIEW.node(array, view),
                           _unit_props(view.luns[dev.device_id])))
    return result


PROTOCOL_CONTROLLER_FOR_UNIT = AssocKind('CIM_ProtocolControllerForUnit',
                                         ('Antecedent', 'Dependent'))
PROTOCOL_CONTROLLER_FOR_UNIT.link('Antecedent', k.VIEW, 'Dependent',
                                  k.VOLUME, _view_units, _volume_units)


def _same_port(kind):
    return lambda ctx, node: [(kind.node(node.array, node.item), None)]


BINDS_TO = AssocKind('CIM_BindsTo', ('Antecedent', 'Dependent'))
BINDS_TO.link('Antecedent', k.TCP_EP, 'Dependent', k.ISCSI_EP,
              _same_port(k.ISCSI_EP), _same_port(k.TCP_EP))
BINDS_TO.link('Antecedent', k.IP_EP, 'Dependent', k.TCP_EP,
              _same_port(k.TCP_EP), _same_port(k.IP_EP))


# Job -> affected element: model key kind -> (instance kind, lookup).
_AFFECTED = (
    (o.KIND_DEVICE, k.VOLUME, lambda a, ident: a.devices.get(ident)),
    (o.KIND_SG, k.SG, lambda a, ident: a.storage_groups.get(ident)),
    (o.KIND_IG, k.IG, lambda a, ident: a.initiator_groups.get(ident)),
    (o.KIND_PG, k.PG, lambda a, ident: a.port_groups.get(ident)),
    (o.KIND_VIEW, k.VIEW, lambda a, ident: a.masking_views.get(ident)),
    (o.KIND_HWID, k.HWID, lambda a, ident: a.hardware_ids.get(ident)),
    (o.KIND_RG, k.RG, lambda a, ident: a.replication_groups.get(ident)),
)


def _job_elements(model_kind, kind, lookup):
    def links(ctx, node):
        result = []
        seen = set()
        for key in node.item.affected:
            if key.kind != model_kind or key in seen:
                continue
            seen.add(key)
            array = ctx.estate.arrays.get(key.serial)
            item = lookup(array, key.ident) if array is not None else None
            if item is not None:
                result.append((kind.node(array, item), None))
        return result
    return links


def _element_jobs(model_kind):
    def links(ctx, node):
        wanted = node.ident[1]
        result = []
        for job_node in k.JOB.each(ctx):
            for key in job_node.item.affected:
                if key.kind == model_kind and \
                        (key.serial, key.ident) == wanted:
                    result.append((job_node, None))
                    break
        return result
    return links


AFFECTED_JOB_ELEMENT = AssocKind('CIM_AffectedJobElement',
                                 ('AffectingElement', 'AffectedElement'),
                                 'AffectingElement')
for _model_kind, _kind, _lookup in _AFFECTED:
    AFFECTED_JOB_ELEMENT.link('AffectingElement', k.JOB, 'AffectedElement',
                              _kind, _job_elements(_model_kind, _kind,
                                                   _lookup),
                              _element_jobs(_model_kind))


def sync_props(ctx, rel):
    """Properties of ``SE_StorageSynchronized_SV_SV`` for a relationship;
    ``PercentSynced`` only on arrays whose profile keeps it."""
    props = {'SyncType': rel.sync_type, 'Mode': rel.mode,
             'CopyState': rel.copy_state, 'SyncState': rel.sync_state,
             'ProgressStatus': 2 if not rel.copying else 6,
             'SyncMaintained': rel.sync_type == o.SYNC_TYPE_MIRROR,
             'EMCGeneration': rel.generation}
    if rel.snapshot_name is not None:
        props['EMCRelationshipName'] = rel.snapshot_name
        props['RelationshipName'] = rel.snapshot_name
    source_array = ctx.estate.arrays.get(rel.source_serial)
    if source_array is not None and source_array.percent_synced:
        props['PercentSynced'] = rel.percent_synced
    return props


def _volume_node(ctx, serial, device_id):
    array = ctx.estate.arrays.get(serial)
    dev = array.devices.get(device_id) if array is not None else None
    return k.VOLUME.node(array, dev) if dev is not None else None


def _rels_from(as_source):
    def links(ctx, node):
        serial, device_id = node.array.serial, node.item.device_id
        result = []
        for rel in ctx.estate.relationships_of(serial, device_id):
            near = rel.source_key if as_source else rel.target_key
            if near != (serial, device_id):
                continue
            far = _volume_node(ctx, *(rel.target_key if as_source
                                      else rel.source_key))
            if far is not None:
                result.append((far, sync_props(ctx, rel)))
        return result
    return links


STORAGE_SYNCHRONIZED = AssocKind('SE_StorageSynchronized_SV_SV',
                                 ('SystemElement', 'SyncedElement'))
STORAGE_SYNCHRONIZED.link('SystemElement', k.VOLUME, 'SyncedElement',
                          k.VOLUME, _rels_from(True), _rels_from(False))


def group_sync_props(ctx, group_rel):
    return {'SyncType': group_rel.sync_type,
            'CopyState': ctx.group_copy_state(group_rel),
            'RelationshipName': group_rel.relationship_name,
            'Mode': o.MODE_SYNCHRONOUS}


def _group_rels(as_source):
    def links(ctx, node):
        array, rg = node.array, node.item
        result = []
        for group_rel in ctx.estate.group_relationships.values():
            near = (group_rel.source_group if as_source
                    else group_rel.target_group)
            if group_rel.serial != array.serial or near != rg.name:
                continue
            far_name = (group_rel.target_group if as_source
                        else group_rel.source_group)
            far = array.replication_groups.get(far_name)
            if far is not None:
                result.append((k.RG.node(array, far),
                               group_sync_props(ctx, group_rel)))
        return result
    return links


GROUP_SYNCHRONIZED = AssocKind('SE_GroupSynchronized_RG_RG',
                               ('SystemElement', 'SyncedElement'))
GROUP_SYNCHRONIZED.link('SystemElement', k.RG, 'SyncedElement', k.RG,
                        _group_rels(True), _group_rels(False))


def _rule_tiers(ctx, node):
    return _many(k.TIER.node(node.array, tier) for tier in node.item.tiers)


def _tier_rules(ctx, node):
    return _many(k.POLICY_RULE.node(node.array, policy)
                 for policy in node.array.fast_policies.values()
                 if any(t.name == node.item.name for t in policy.tiers))


ASSOCIATED_TIER_POLICY = AssocKind('CIM_AssociatedTierPolicy',
                                   ('Antecedent', 'Dependent'))
ASSOCIATED_TIER_POLICY.link('Antecedent', k.POLICY_RULE, 'Dependent',
                            k.TIER, _rule_tiers, _tier_rules)


def _rule_sgs(ctx, node):
    return _many(k.SG.node(node.array, sg)
                 for sg in node.array.storage_groups.values()
                 if sg.fast_policy == node.item.name)


def _sg_rule(ctx, node):
    policy = node.array.fast_policies.get(node.item.fast_policy or '')
    return _one(k.POLICY_RULE.node(node.array, policy) if policy else None)


TIER_POLICY_APPLIES = AssocKind('CIM_TierPolicySetAppliesToElement',
                                ('PolicySet', 'ManagedElement'))
TIER_POLICY_APPLIES.link('PolicySet', k.POLICY_RULE, 'ManagedElement', k.SG,
                         _rule_sgs, _sg_rule)


ALL = (HOSTED_SERVICE, HOSTED_POOL, SYSTEM_DEVICE, ALLOCATED_FROM_POOL,
       ELEMENT_CAPABILITIES, SETTINGS_TO_CAPABILITIES, ORDERED_MEMBER,
       MEMBER_OF_COLLECTION, SG_IN_SG, CONCRETE_DEPENDENCY, ASSOCIATED_SG,
       ASSOCIATED_IG, ASSOCIATED_PG, PROTOCOL_CONTROLLER_FOR_UNIT, BINDS_TO,
       AFFECTED_JOB_ELEMENT, STORAGE_SYNCHRONIZED, GROUP_SYNCHRONIZED,
       ASSOCIATED_TIER_POLICY, TIER_POLICY_APPLIES)
