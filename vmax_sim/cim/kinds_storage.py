"""Instance kinds of provisioned objects: volumes, masking and
replication groups, hardware IDs, masking views and port endpoints."""

from vmax_sim.cim import naming
from vmax_sim.cim import nodes
from vmax_sim.model import objects as o


# -- volumes, groups, views, ports --------------------------------------------

class VolumeKind(nodes.Kind):
    name = 'volume'
    classname = 'Symm_StorageVolume'

    def keys(self, node):
        return self._system_keys(node, DeviceID=node.item.device_id)

    def ident(self, node):
        return (node.array.serial, node.item.device_id)

    @staticmethod
    def service_level(array, device_id):
        """(slo, workload) of the SLO storage group holding the device."""
        for sg_name in array.groups_of_device(device_id):
            sg = array.storage_groups.get(sg_name)
            if sg is not None and sg.slo:
                return sg.slo, sg.workload or 'NONE'
        return None, None

    def properties(self, ctx, node):
        array, dev = node.array, node.item
        blocks = dev.size_bytes // o.BLOCK_SIZE
        props = {'ElementName': dev.label, 'Name': dev.wwn,
                 'BlockSize': o.BLOCK_SIZE, 'NumberOfBlocks': blocks,
                 'ConsumableBlocks': blocks,
                 'ThinlyProvisioned': dev.thin,
                 'IsComposite': dev.is_composite,
                 'IsConcatenated': dev.is_composite and dev.concatenated,
                 'EMCIsBound': dev.bound,
                 'EMCIsMapped': bool(array.views_of_device(dev.device_id)),
                 'EMCCompressed': dev.compressed,
                 'OperationalStatus': [2], 'EnabledState': 2}
        if array.is_vmax3:
            slo, workload = self.service_level(array, dev.device_id)
            props['EMCSLO'] = slo
            props['EMCWorkload'] = workload
        return props

    def find(self, ctx, keys, array=None):
        found = self._array_of_system_keys(ctx, keys)
        device_id = keys.get('DeviceID')
        if found is None or not isinstance(device_id, str):
            return None
        dev = found.devices.get(device_id.upper())
        return None if dev is None else self.node(found, dev)

    def each(self, ctx):
        for array in ctx.estate.arrays.values():
            for dev in array.devices.values():
                yield self.node(array, dev)


class NamedInstanceIdKind(nodes.Kind):
    """An object keyed by ``InstanceID`` = ``SYMMETRIX<SEP><sn><SEP>name``
    and kept in the array collection named ``collection``."""

    collection = None

    def keys(self, node):
        return {'InstanceID': naming.join_id(node.array, node.item.name)}

    def items(self, array):
        return getattr(array, self.collection)

    def find(self, ctx, keys, array=None):
        found, name = naming.split_id(ctx.estate, keys.get('InstanceID'))
        if found is None:
            return None
        item = self.items(found).get(name)
        return None if item is None else self.node(found, item)

    def each(self, ctx):
        for array in ctx.estate.arrays.values():
            for item in self.items(array).values():
                yield self.node(array, item)


class StorageGroupKind(NamedInstanceIdKind):
    name = 'sg'
    classname = 'SE_DeviceMaskingGroup'
    collection = 'storage_groups'

    def properties(self, ctx, node):
        sg = node.item
        return {'ElementName': sg.name,
                'EMCSRP': sg.srp or '',
                'EMCSLO': sg.slo or '',
                'EMCWorkload': (sg.workload or 'NONE') if sg.slo else '',
                'EMCFastSetting': sg.fast_setting,
                'EMCDisableCompression': sg.disable_compression,
                'EMCMaximumIO': sg.host_io_limit_iops,
                'EMCMaximumBandwidth': sg.host_io_limit_mbps,
                'EMCMaxIODynamicDistributionType': sg.host_io_distribution}


class InitiatorGroupKind(NamedInstanceIdKind):
    name = 'ig'
    classname = 'SE_InitiatorMaskingGroup'
    collection = 'initiator_groups'

    def properties(self, ctx, node):
        return {'ElementName': node.item.name}


class PortGroupKind(NamedInstanceIdKind):
    name = 'pg'
    classname = 'SE_TargetMaskingGroup'
    collection = 'port_groups'

    def properties(self, ctx, node):
        return {'ElementName': node.item.name}


class ReplicationGroupKind(NamedInstanceIdKind):
    name = 'rg'
    classname = 'SE_ReplicationGroup'
    collection = 'replication_groups'

    def properties(self, ctx, node):
        return {'ElementName': node.item.name}


class HardwareIdKind(nodes.Kind):
    name = 'hwid'
    classname = 'SE_StorageHardwareID'

    def keys(self, node):
        return {'InstanceID': naming.hardware_id_instance_id(node.array,
                                                             node.item)}

    def item_ident(self, item):
        return item.storage_id

    def properties(self, ctx, node):
        hwid = node.item
        return {'StorageID': hwid.storage_id, 'IDType': hwid.id_type,
                'ElementName': hwid.element_name or hwid.storage_id}

    def find(self, ctx, keys, array=None):
        arrays = ([array] if array is not None
                  else ctx.estate.arrays.values())
        for candidate in arrays:
            storage_id = naming.parse_hardware_id_instance_id(
                keys.get('InstanceID'), candidate.separator)
            hwid = candidate.hardware_ids.get(storage_id)
            if hwid is not None:
                return self.node(candidate, hwid)
        return None

    def each(self, ctx):
        for array in ctx.estate.arrays.values():
            for hwid in array.hardware_ids.values():
                yield self.node(array, hwid)


class ViewKind(nodes.Kind):
    name = 'view'
    classname = 'Symm_LunMaskingView'

    def keys(self, node):
        return self._system_keys(node, DeviceID=node.item.name)

    def properties(self, ctx, node):
        return {'ElementName': node.item.name, 'EnabledState': 2,
                'OperationalStatus': [2]}

    def find(self, ctx, keys, array=None):
        found = self._array_of_system_keys(ctx, keys)
        if found is None:
            return None
        view = found.masking_views.get(keys.get('DeviceID'))
        return None if view is None else self.node(found, view)

    def each(self, ctx):
        for array in ctx.estate.arrays.values():
            for view in array.masking_views.values():
                yield self.node(array, view)


class PortKind(nodes.Kind):
    """One endpoint class of a front-end port of ``protocol``."""

    protocol = o.PROTOCOL_ISCSI

    def endpoint_name(self, port):
        raise NotImplementedError

    def keys(self, node):
        return self._system_keys(node, Name=self.endpoint_name(node.item))

    def properties(self, ctx, node):
        return {'ElementName': node.item.name,
                'OperationalStatus': [2] if node.item.online else [10]}

    def has_endpoint(self, port):
        return port.protocol == self.protocol

    def find(self, ctx, keys, array=None):
        found = self._array_of_system_keys(ctx, keys)
        if found is None:
            return None
        wanted = keys.get('Name')
        for port in found.ports.values():
            if self.has_endpoint(port) and self.endpoint_name(port) == wanted:
                return self.node(found, port)
        return None

    def each(self, ctx):
        for array in ctx.estate.arrays.values():
            for port in array.ports.values():
                if self.has_endpoint(port):
                    yield self.node(array, port)


class IscsiEndpointKind(PortKind):
    name = 'iscsi_ep'
    classname = 'Symm_iSCSIProtocolEndpoint'

    def endpoint_name(self, port):
        return (port.iqn or '') + naming.ISCSI_NAME_SUFFIX

    def properties(self, ctx, node):
        props = super().properties(ctx, node)
        props['Role'] = 3          # target
        props['ProtocolIFType'] = 4200
        return props


class TcpEndpointKind(PortKind):
    name = 'tcp_ep'
    classname = 'Symm_TCPProtocolEndpoint'

    def endpoint_name(self, port):
        return '%s+%d' % (port.ip or port.name, port.tcp_port)

    def properties(self, ctx, node):
        props = super().properties(ctx, node)
        props['PortNumber'] = node.item.tcp_port
        return props


class IpEndpointKind(PortKind):
    name = 'ip_ep'
    classname = 'Symm_IPProtocolEndpoint'

    def endpoint_name(self, port):
        return port.ip or port.name

    def properties(self, ctx, node):
        props = super().properties(ctx, node)
        props['IPv4Address'] = node.item.ip
        return props


class FcEndpointKind(PortKind):
    name = 'fc_ep'
    classname = 'Symm_FCSCSIProtocolEndpoint'
    protocol = o.PROTOCOL_FC

    def endpoint_name(self, port):
        return port.wwpn or ''
