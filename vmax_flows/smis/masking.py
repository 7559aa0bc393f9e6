"""SMI-S primitives of masking: views, initiator groups, hardware IDs,
host LUNs and iSCSI target ports.

:func:`for_client` gives the :class:`MaskingClient` of an
:class:`~vmax_flows.smis.client.ArrayClient`; it sends everything through
that client's session (so round trips are counted and errors translated
the same way) and its ``call_with_job`` (so jobs are awaited and "locked
by an existing change session" answers are retried, bounded).  Storage
group membership uses the ArrayClient's own primitives.

Reads are shaped to cost one round trip each, whatever the array holds:
paths are built from names (``cim-surface.rst``), associations are asked
with a result class that returns exactly what a decision needs, and a
missing object answers CIM_ERR_NOT_FOUND, which tells "absent" without a
separate existence check.  Results are plain data.

The addresses (IP, TCP port) of iSCSI target ports are remembered per
endpoint name: they are static facts of the array, like the ones
discovery caches; whether a port is online is read every time.
"""

import logging
import threading
import weakref

import pywbem

from vmax_flows import exceptions
from vmax_flows import qos
from vmax_flows.smis import client as smis_client
from vmax_flows.smis.connection import NAMESPACE
from vmax_flows.smis import paths

LOG = logging.getLogger(__name__)

INITIATOR_GROUP_CLASS = 'SE_InitiatorMaskingGroup'
VIEW_CLASS = 'Symm_LunMaskingView'
HARDWARE_ID_CLASS = 'SE_StorageHardwareID'
UNIT_CLASS = 'CIM_ProtocolControllerForUnit'
ISCSI_ENDPOINT_CLASS = 'CIM_iSCSIProtocolEndpoint'
TCP_ENDPOINT_CLASS = 'CIM_TCPProtocolEndpoint'
IP_ENDPOINT_CLASS = 'CIM_IPProtocolEndpoint'
GROUP_TYPE_INITIATOR = 2
ID_TYPE_WWPN = 2
ID_TYPE_ISCSI = 5
OPERATIONAL_OK = 2
DEFAULT_ISCSI_PORT = 3260
# With the host I/O limits: read in the same round trip, so that a retype
# can tell whether an attached device's limits change (vmax_flows.qos).
GROUP_PROPERTIES = ['ElementName', 'EMCSRP', 'EMCSLO', 'EMCWorkload',
                    'EMCFastSetting', 'EMCDisableCompression'] + \
    list(qos.PROPERTIES)

_CLIENTS = weakref.WeakKeyDictionary()
_CLIENTS_LOCK = threading.Lock()


def for_client(client):
    """The MaskingClient of ``client`` (one per client: it holds the
    port address cache)."""
    with _CLIENTS_LOCK:
        found = _CLIENTS.get(client)
        if found is None:
            found = _CLIENTS[client] = MaskingClient(client)
        return found


def is_iscsi_name(storage_id):
    return str(storage_id).strip().lower().startswith(('iqn.', 'eui.',
                                                       'naa.'))


def normalise_initiator(storage_id):
    """IQNs as given; WWPNs lower-case hex without separators."""
    text = str(storage_id).strip()
    if is_iscsi_name(text):
        return text
    return text.replace(':', '').lower()


def _says_exists(exc):
    text = (exc.array_message or str(exc)).lower()
    return any(word in text for word in smis_client.ALREADY_EXISTS_WORDS)


class MaskingClient(object):

    def __init__(self, client):
        self.client = client
        self.session = client.session
        self._addresses = {}
        self._addresses_lock = threading.Lock()

    @property
    def info(self):
        return self.client.info

    # -- paths ----------------------------------------------------------------

    def _group_path(self, name, classname):
        return paths.masking_group(self.info.system_name, self.info.sep,
                                   name, classname)

    def storage_group_path(self, name):
        return self._group_path(name, paths.STORAGE_GROUP_CLASS)

    def initiator_group_path(self, name):
        return self._group_path(name, INITIATOR_GROUP_CLASS)

    def port_group_path(self, name):
        return self._group_path(name, paths.PORT_GROUP_CLASS)

    def view_path(self, name):
        return pywbem.CIMInstanceName(
            VIEW_CLASS, namespace=NAMESPACE,
            keybindings={'CreationClassName': VIEW_CLASS, 'DeviceID': name,
                         'SystemCreationClassName': paths.SYSTEM_CLASS,
                         'SystemName': self.info.system_name})

    def hardware_id_path(self, storage_id):
        storage_id = normalise_initiator(storage_id)
        tag = 'I' if is_iscsi_name(storage_id) else 'W'
        return pywbem.CIMInstanceName(
            HARDWARE_ID_CLASS, namespace=NAMESPACE,
            keybindings={'InstanceID': '%s%s%s' % (tag, self.info.sep,
                                                   storage_id)})

    def _name_of(self, path):
        """The object name inside a group / view / hardware ID path."""
        keys = path.keybindings
        if 'InstanceID' in keys:
            instance_id = str(keys['InstanceID'])
            prefix = self.info.system_name + self.info.sep
            if instance_id.startswith(prefix):
                return instance_id[len(prefix):]
            for tag in ('I', 'W'):
                if instance_id.startswith(tag + self.info.sep):
                    return instance_id[len(tag + self.info.sep):]
            return paths.last_field(instance_id, self.info.sep)
        return str(keys.get('DeviceID') or keys.get('Name') or '')

    # -- reads ----------------------------------------------------------------

    def device_groups(self, device_id):
        """Storage groups of a device with their settings, or None when
        the device does not exist: ``[{'name', 'srp', 'slo', 'workload',
        'fast_policy', 'fast_managed', 'limits'}]`` (``limits``: canonical
        host I/O limits or None)."""
        try:
            found = self.session.associators(
                self.client.volume_path(device_id),
                assoc_class='CIM_OrderedMemberOfCollection',
                result_class=paths.STORAGE_GROUP_CLASS,
                property_list=GROUP_PROPERTIES)
        except exceptions.ObjectNotFound:
            return None
        groups = [self.group_record(group) for group in found]
        return sorted(groups, key=lambda g: g['name'])

    def group_record(self, group):
        """A storage group instance read with GROUP_PROPERTIES as plain
        data (see :meth:`device_groups`)."""
        name = str(group.get('ElementName') or self._name_of(group.path))
        srp = group.get('EMCSRP') or None
        slo = group.get('EMCSLO') or None
        fast = group.get('EMCFastSetting') or None
        policy = fast if fast and not self.info.is_vmax3 else None
        return {'name': name, 'srp': srp, 'slo': slo,
                'workload': group.get('EMCWorkload') or None,
                'disable_compression': bool(
                    group.get('EMCDisableCompression')),
                'fast_policy': policy,
                'fast_managed': bool(srp or slo or fast),
                'limits': qos.limits_of(group)}

    def device_luns(self, device_id):
        """``{view name: host LUN}`` of every view showing the device, or
        None when the device does not exist."""
        try:
            units = self.session._call(   # see report: CimSession.references
                'References', 'units of device %s' % device_id,
                lambda c: c.References(self.client.volume_path(device_id),
                                       ResultClass=UNIT_CLASS))
        except exceptions.ObjectNotFound:
            return None
        luns = {}
        for unit in units:
            view = unit.get('Antecedent')
            number = unit.get('DeviceNumber')
            if view is None or not number:
                continue
            luns[self._name_of(view)] = int(str(number), 16)
        return luns

    def view_groups(self, view):
        """``{'storage_group', 'initiator_group', 'port_group'}`` of a
        masking view, or None when there is no such view."""
        try:
            names = self.session.associator_names(
                self.view_path(view), result_class='CIM_MaskingGroup')
        except exceptions.ObjectNotFound:
            return None
        groups = {'storage_group': None, 'initiator_group': None,
                  'port_group': None}
        for name in names:
            classname = name.classname
            if 'DeviceMaskingGroup' in classname:
                groups['storage_group'] = self._name_of(name)
            elif 'InitiatorMaskingGroup' in classname:
                groups['initiator_group'] = self._name_of(name)
            elif 'TargetMaskingGroup' in classname:
                groups['port_group'] = self._name_of(name)
        return groups

    def storage_group_use(self, group):
        """``{'members': [device ids], 'views': [view names]}`` of a storage
        group, read from the array; None when the group does not exist."""
        try:
            names = self.session.associator_names(
                self.storage_group_path(group),
                result_class='CIM_LogicalDevice')
        except exceptions.ObjectNotFound:
            return None
        members, views = [], []
        for name in names:
            if 'StorageVolume' in name.classname:
                members.append(str(name.keybindings['DeviceID']))
            elif 'ProtocolController' in name.classname or \
                    'MaskingView' in name.classname:
                views.append(self._name_of(name))
        return {'members': sorted(members), 'views': sorted(views)}

    def initiator_group_use(self, group):
        """``{'views': [...], 'initiators': [...]}`` of an initiator group;
        None when it does not exist."""
        try:
            names = self.session.associator_names(
                self.initiator_group_path(group))
        except exceptions.ObjectNotFound:
            return None
        views, initiators = [], []
        for name in names:
            if 'ProtocolController' in name.classname or \
                    'MaskingView' in name.classname:
                views.append(self._name_of(name))
            elif 'StorageHardwareID' in name.classname:
                initiators.append(self._name_of(name))
        return {'views': sorted(views), 'initiators': sorted(initiators)}

    def initiator_group_of(self, storage_id):
        """Where an initiator is registered: ``(registered, group name or
        None)``; one round trip."""
        try:
            names = self.session.associator_names(
                self.hardware_id_path(storage_id),
                assoc_class='CIM_MemberOfCollection',
                result_class='CIM_InitiatorMaskingGroup')
        except exceptions.ObjectNotFound:
            return False, None
        groups = sorted(self._name_of(n) for n in names)
        return True, (groups[0] if groups else None)

    def port_group_endpoints(self, port_group):
        """iSCSI target endpoints of a port group, sorted by port name:
        ``[{'name', 'iqn', 'port', 'online', 'path'}]``; None when the port
        group does not exist.  ``path`` is a CIM path: never store it."""
        try:
            found = self.session.associators(
                self.port_group_path(port_group),
                assoc_class='CIM_MemberOfCollection',
                result_class=ISCSI_ENDPOINT_CLASS,
                property_list=['Name', 'ElementName', 'OperationalStatus'])
        except exceptions.ObjectNotFound:
            return None
        endpoints = []
        for endpoint in found:
            name = str(endpoint.get('Name') or
                       endpoint.path.keybindings.get('Name') or '')
            status = [int(s) for s in endpoint.get('OperationalStatus')
                      or ()]
            endpoints.append({'name': name, 'iqn': name.split(',')[0],
                              'port': str(endpoint.get('ElementName') or
                                          name),
                              'online': OPERATIONAL_OK in status,
                              'path': endpoint.path})
        return sorted(endpoints, key=lambda e: (e['port'], e['name']))

    def endpoint_address(self, endpoint):
        """``{'ip', 'tcp_port'}`` of an iSCSI endpoint (from
        :meth:`port_group_endpoints`): iSCSI endpoint -> TCP endpoint ->
        IP endpoint over ``CIM_BindsTo``, remembered per endpoint."""
        with self._addresses_lock:
            known = self._addresses.get(endpoint['name'])
        if known is not None:
            return dict(known)
        tcp = self.session.associators(
            endpoint['path'], assoc_class='CIM_BindsTo',
            result_class=TCP_ENDPOINT_CLASS, property_list=['PortNumber'])
        if not tcp:
            raise exceptions.ArrayRequestError(
                'iSCSI port %s (%s) has no TCP endpoint'
                % (endpoint['port'], endpoint['iqn']))
        ip = self.session.associators(
            tcp[0].path, assoc_class='CIM_BindsTo',
            result_class=IP_ENDPOINT_CLASS, property_list=['IPv4Address'])
        address = ip[0].get('IPv4Address') if ip else None
        if not address:
            raise exceptions.ArrayRequestError(
                'iSCSI port %s (%s) has no IP address'
                % (endpoint['port'], endpoint['iqn']))
        known = {'ip': str(address),
                 'tcp_port': int(tcp[0].get('PortNumber') or
                                 DEFAULT_ISCSI_PORT)}
        with self._addresses_lock:
            self._addresses[endpoint['name']] = known
        return dict(known)

    def forget_port_addresses(self):
        """Read port addresses from the array again on next use (after
        an administrator re-addressed ports)."""
        with self._addresses_lock:
            self._addresses.clear()

    # -- hardware IDs and initiator groups -----------------------------------

    def _ccs(self):
        return self.info.service('ControllerConfigurationService')

    def create_hardware_id(self, storage_id):
        """Register an initiator; False when it already was."""
        storage_id = normalise_initiator(storage_id)
        try:
            self.client.call_with_job(
                'CreateStorageHardwareID',
                self.info.service('StorageHardwareIDManagementService'),
                'register initiator %s' % storage_id, StorageID=storage_id,
                IDType=ID_TYPE_ISCSI if is_iscsi_name(storage_id)
                else ID_TYPE_WWPN)
        except exceptions.ArrayRuleError as exc:
            if _says_exists(exc):
                return False
            raise
        return True

    def delete_hardware_id(self, storage_id):
        """Deregister an initiator; False when it was not registered."""
        try:
            self.client.call_with_job(
                'DeleteStorageHardwareID',
                self.info.service('StorageHardwareIDManagementService'),
                'deregister initiator %s' % storage_id,
                HardwareID=self.hardware_id_path(storage_id))
        except exceptions.ObjectNotFound:
            return False
        return True

    def create_initiator_group(self, name, storage_ids):
        """Create an initiator group of registered initiators; False when a
        group of that name already exists."""
        try:
            self.client.call_with_job(
                'CreateGroup', self._ccs(),
                'create initiator group %s' % name, GroupName=name,
                Type=GROUP_TYPE_INITIATOR,
                Members=[self.hardware_id_path(s) for s in storage_ids])
        except exceptions.ArrayRuleError as exc:
            if _says_exists(exc):
                return False
            raise
        return True

    def add_initiators(self, group, storage_ids):
        self.client.call_with_job(
            'AddMembers', self._ccs(),
            'add initiator(s) %s to initiator group %s'
            % (', '.join(storage_ids), group),
            MaskingGroup=self.initiator_group_path(group),
            Members=[self.hardware_id_path(s) for s in storage_ids])

    def remove_initiators(self, group, storage_ids):
        self.client.call_with_job(
            'RemoveMembers', self._ccs(),
            'remove initiator(s) %s from initiator group %s'
            % (', '.join(storage_ids), group),
            MaskingGroup=self.initiator_group_path(group),
            Members=[self.hardware_id_path(s) for s in storage_ids])

    def delete_initiator_group(self, name):
        """Delete an initiator group (its initiators stay registered);
        False when it is already gone."""
        try:
            self.client.call_with_job(
                'DeleteGroup', self._ccs(),
                'delete initiator group %s' % name,
                MaskingGroup=self.initiator_group_path(name), Force=True)
        except exceptions.ObjectNotFound:
            return False
        return True

    # -- masking views --------------------------------------------------------

    def create_masking_view(self, name, storage_group, initiator_group,
                            port_group):
        """Create a view; False when a view of that name already exists."""
        try:
            self.client.call_with_job(
                'CreateMaskingView', self._ccs(),
                'create masking view %s (storage group %s, initiator group '
                '%s, port group %s)' % (name, storage_group, initiator_group,
                                        port_group),
                ElementName=name,
                InitiatorMaskingGroup=self.initiator_group_path(
                    initiator_group),
                DeviceMaskingGroup=self.storage_group_path(storage_group),
                TargetMaskingGroup=self.port_group_path(port_group))
        except exceptions.ArrayRuleError as exc:
            if _says_exists(exc):
                return False
            raise
        return True

    def delete_masking_view(self, name):
        """Delete a view (its groups stay); False when already gone."""
        try:
            self.client.call_with_job(
                'DeleteMaskingView', self._ccs(),
                'delete masking view %s' % name,
                ProtocolController=self.view_path(name))
        except exceptions.ObjectNotFound:
            return False
        return True
