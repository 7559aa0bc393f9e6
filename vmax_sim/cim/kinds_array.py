"""Instance kinds of array-level objects: the storage system, its
services, software identities, chassis, capabilities, pools and
service-level settings."""

from vmax_sim.cim import naming
from vmax_sim.cim import nodes
from vmax_sim.model import objects as o


# -- systems, services, identities --------------------------------------------

class SystemKind(nodes.Kind):
    name = 'system'
    classname = 'Symm_StorageSystem'

    def keys(self, node):
        return {'CreationClassName': self.classname,
                'Name': node.array.system_name}

    def properties(self, ctx, node):
        array = node.array
        return {'ElementName': array.serial,
                'EMCSerialNumber': array.serial,
                'OperationalStatus': [2],
                'EnabledState': 2,
                'Dedicated': [3]}

    def find(self, ctx, keys, array=None):
        if not nodes.same(keys.get('CreationClassName'), self.classname):
            return None
        found = naming.array_by_system_name(ctx.estate, keys.get('Name'))
        return None if found is None else self.node(found)

    def each(self, ctx):
        for array in ctx.estate.arrays.values():
            yield self.node(array)


class ServiceKind(nodes.Kind):
    """One service class; ``families`` are the array families that have
    it."""

    def __init__(self, short_name, families=(o.FAMILY_VMAX3,
                                             o.FAMILY_VMAX2)):
        self.short_name = short_name
        self.name = 'svc:' + short_name
        self.classname = 'Symm_' + short_name
        self.families = families

    def offered_by(self, array):
        return array.family in self.families

    def keys(self, node):
        return self._system_keys(node, Name=self.short_name)

    def properties(self, ctx, node):
        return {'ElementName': self.short_name, 'EnabledState': 2,
                'OperationalStatus': [2]}

    def find(self, ctx, keys, array=None):
        found = self._array_of_system_keys(ctx, keys)
        if (found is None or not self.offered_by(found) or
                keys.get('Name') != self.short_name):
            return None
        return self.node(found)

    def each(self, ctx):
        for array in ctx.estate.arrays.values():
            if self.offered_by(array):
                yield self.node(array)


class ArrayInstanceIdKind(nodes.Kind):
    """A per-array singleton keyed by ``InstanceID`` = system Name."""

    def applies(self, array):
        return True

    def keys(self, node):
        return {'InstanceID': node.array.system_name}

    def find(self, ctx, keys, array=None):
        found = naming.array_by_system_name(ctx.estate,
                                            keys.get('InstanceID'))
        if found is None or not self.applies(found):
            return None
        return self.node(found)

    def each(self, ctx):
        for array in ctx.estate.arrays.values():
            if self.applies(array):
                yield self.node(array)


class SoftwareIdentityKind(ArrayInstanceIdKind):
    name = 'sw_identity'
    classname = 'Symm_StorageSystemSoftwareIdentity'

    def properties(self, ctx, node):
        array = node.array
        numbers = [int(p) for p in array.microcode.split('.') if p.isdigit()]
        numbers += [0] * (3 - len(numbers))
        return {'VersionString': array.microcode,
                'MajorVersion': numbers[0] % 65536,
                'MinorVersion': numbers[1] % 65536,
                'RevisionNumber': numbers[2] % 65536,
                'Manufacturer': 'EMC Corporation',
                'ElementName': ('HYPERMAX OS' if array.is_vmax3
                                else 'Enginuity')}


class ManagementServerIdentityKind(nodes.Kind):
    """The one SMI-S provider identity (``InstanceID`` ``SE``)."""

    name = 'se_identity'
    classname = 'SE_ManagementServerSoftwareIdentity'
    instance_id = 'SE'

    def keys(self, node):
        return {'InstanceID': self.instance_id}

    def ident(self, node):
        return self.instance_id

    @staticmethod
    def _version(ctx):
        for array in ctx.estate.arrays.values():
            return tuple(array.se_version) + (0, 0, 0)
        return (8, 3, 0)

    def properties(self, ctx, node):
        major, minor, revision = self._version(ctx)[:3]
        return {'MajorVersion': major, 'MinorVersion': minor,
                'RevisionNumber': revision, 'BuildNumber': 0,
                'VersionString': 'V%d.%d.%d.0' % (major, minor, revision),
                'Manufacturer': 'EMC Corporation',
                'ElementName': 'Solutions Enabler'}

    def find(self, ctx, keys, array=None):
        if keys.get('InstanceID') != self.instance_id:
            return None
        return self.node(None)

    def each(self, ctx):
        yield self.node(None)


class ChassisKind(nodes.Kind):
    name = 'chassis'
    classname = 'Symm_ArrayChassis'

    def keys(self, node):
        return {'CreationClassName': self.classname,
                'Tag': node.array.system_name}

    def properties(self, ctx, node):
        return {'Model': node.array.model,
                'Manufacturer': 'EMC Corporation',
                'SerialNumber': node.array.serial,
                'ElementName': node.array.model,
                'OperationalStatus': [2]}

    def find(self, ctx, keys, array=None):
        if not nodes.same(keys.get('CreationClassName'), self.classname):
            return None
        found = naming.array_by_system_name(ctx.estate, keys.get('Tag'))
        return None if found is None else self.node(found)

    def each(self, ctx):
        for array in ctx.estate.arrays.values():
            yield self.node(array)


class ReplicationCapabilitiesKind(ArrayInstanceIdKind):
    name = 'repl_caps'
    classname = 'Symm_ReplicationServiceCapabilities'

    def properties(self, ctx, node):
        array = node.array
        if array.is_vmax3:
            types = [6, 7] if array.licensed('snapvx') else []
        else:
            types = [10] if array.licensed('clone') else []
        return {'SupportedReplicationTypes': types,
                'ElementName': 'ReplicationServiceCapabilities'}


class TierPolicyCapabilitiesKind(ArrayInstanceIdKind):
    name = 'tier_caps'
    classname = 'Symm_TierPolicyServiceCapabilities'

    def applies(self, array):
        return not array.is_vmax3

    def properties(self, ctx, node):
        return {'SupportsTieringPolicies': True,
                'ElementName': 'TierPolicyServiceCapabilities'}


# -- pools, settings ---------------------------------------------------------

class PoolKind(nodes.Kind):
    """An SRP (``pool_kind`` srp) or a VMAX2 thin pool."""

    def __init__(self, name, classname, pool_kind, tag):
        self.name = name
        self.classname = classname
        self.pool_kind = pool_kind
        self.tag = tag

    def instance_id(self, array, pool):
        return naming.join_id(array, self.tag, pool.name)

    def keys(self, node):
        return {'InstanceID': self.instance_id(node.array, node.item)}

    def properties(self, ctx, node):
        array, pool = node.array, node.item
        usage = array.pool_usage(pool.name)
        props = {'ElementName': pool.name, 'PoolID': pool.name,
                 'Primordial': False,
                 'TotalManagedSpace': usage.total_bytes,
                 'RemainingManagedSpace': usage.remaining_bytes,
                 'EMCSubscribedCapacity': usage.subscribed_bytes,
                 'OperationalStatus': [2]}
        if self.pool_kind == o.POOL_SRP:
            props['EMCPercentReservedCapacity'] = pool.reserved_percent
        else:
            props['EMCMaxSubscriptionPercent'] = (
                pool.max_subscription_percent)
        return props

    def parse(self, ctx, instance_id):
        array, fields = naming.split_id(ctx.estate, instance_id, 2)
        if array is None or fields[0] != self.tag:
            return None
        pool = array.pools.get(fields[1])
        if pool is None or pool.kind != self.pool_kind:
            return None
        return self.node(array, pool)

    def find(self, ctx, keys, array=None):
        return self.parse(ctx, keys.get('InstanceID'))

    def each(self, ctx):
        for array in ctx.estate.arrays.values():
            for pool in array.pools.values():
                if pool.kind == self.pool_kind:
                    yield self.node(array, pool)


class PoolCapabilitiesKind(nodes.Kind):
    """One per SRP; ``InstanceID`` is the SRP's."""

    name = 'pool_caps'
    classname = 'Symm_StoragePoolCapabilities'

    def __init__(self, srp_kind):
        self.srp_kind = srp_kind

    def keys(self, node):
        srp_id = self.srp_kind.instance_id(node.array, node.item)
        return {'InstanceID': srp_id}

    def properties(self, ctx, node):
        return {'ElementName': node.item.name}

    def find(self, ctx, keys, array=None):
        srp = self.srp_kind.parse(ctx, keys.get('InstanceID'))
        return None if srp is None else self.node(srp.array, srp.item)

    def each(self, ctx):
        for srp in self.srp_kind.each(ctx):
            yield self.node(srp.array, srp.item)


class SettingKind(nodes.Kind):
    """A service level / workload an SRP offers; item (pool, slo, wl)."""

    name = 'setting'
    classname = 'Symm_StoragePoolSetting'

    def keys(self, node):
        pool, slo, workload = node.item
        return {'InstanceID': naming.setting_id(node.array, pool.name, slo,
                                                workload)}

    def ident(self, node):
        pool, slo, workload = node.item
        return (node.array.serial, pool.name, slo, workload)

    def properties(self, ctx, node):
        pool, slo, workload = node.item
        return {'ElementName': '%s:%s' % (slo, workload or 'NONE'),
                'EMCSLO': slo, 'EMCWorkload': workload or 'NONE'}

    @staticmethod
    def settings_of(array, pool):
        for slo, workload in pool.settings:
            yield (pool, slo, workload)

    def find(self, ctx, keys, array=None):
        found, pool_name, slo, workload = naming.parse_setting_id(
            ctx.estate, keys.get('InstanceID'))
        if found is None:
            return None
        pool = found.pools.get(pool_name)
        if pool is None or pool.kind != o.POOL_SRP:
            return None
        for item in self.settings_of(found, pool):
            if item[1] == slo and (item[2] or 'NONE') == workload:
                return self.node(found, item)
        return None

    def each(self, ctx):
        for array in ctx.estate.arrays.values():
            for pool in array.pools.values():
                if pool.kind == o.POOL_SRP:
                    for item in self.settings_of(array, pool):
                        yield self.node(array, item)
