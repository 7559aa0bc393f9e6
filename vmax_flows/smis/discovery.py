"""What an array is and offers, read once at setup and cached.

The legacy driver re-discovered the storage system, services, array family
and pools on every operation (10-15 round trips each time, see the
protocol reference section 9).  These facts are static, so
:func:`discover` reads them once; :class:`ArrayInfo` keeps them in memory
(it holds CIM paths, so it never goes into a flow's store).
"""

import dataclasses
import logging
import re

from vmax_flows import exceptions
from vmax_flows.smis import params as cim
from vmax_flows.smis import paths

LOG = logging.getLogger(__name__)

FAMILY_VMAX2 = 'VMAX2'
FAMILY_VMAX3 = 'VMAX3'
ALL_FLASH_MODEL = re.compile(r'^(VMAX\s?[0-9]+FX?|PowerMax\s?[0-9]+)$',
                             re.IGNORECASE)
NO_WORKLOAD = 'NONE'


@dataclasses.dataclass
class ArrayInfo:
    serial: str
    system_name: str
    sep: str
    family: str
    ucode_version: str
    model: str
    all_flash: bool
    se_version: str
    services: dict          # short name -> service path
    pools: dict             # pool (SRP / thin pool) name -> pool path
    service_levels: dict    # SRP name -> sorted list of (SLO, workload)
    port_groups: list
    replication_types: tuple
    fast_policies: dict     # VMAX2 policy name -> rule path
    default_rsd: object = None   # SE_ReplicationSettingData for SnapVX

    @property
    def is_vmax3(self):
        return self.family == FAMILY_VMAX3

    @property
    def system_path(self):
        return paths.system(self.system_name)

    def service(self, short_name):
        try:
            return self.services[short_name]
        except KeyError:
            raise exceptions.ArrayRequestError(
                'Array %s offers no %s (services found: %s)'
                % (self.serial, short_name,
                   ', '.join(sorted(self.services)) or 'none'))

    def snapvx_licensed(self):
        return bool(cim.SNAPVX_REPLICATION_TYPES
                    & set(self.replication_types))

    def clone_licensed(self):
        return bool(cim.CLONE_REPLICATION_TYPES
                    & set(self.replication_types))

    def slos(self, srp):
        return sorted({slo for slo, _ in self.service_levels.get(srp, ())})

    def workloads(self, srp, slo):
        return sorted({wl for s, wl in self.service_levels.get(srp, ())
                       if s.lower() == slo.lower()})

    def summary(self):
        return ('%s %s (%s%s, microcode %s, SMI-S %s), pools: %s'
                % (self.family, self.serial, self.model,
                   ', All Flash' if self.all_flash else '',
                   self.ucode_version, self.se_version,
                   ', '.join(sorted(self.pools)) or 'none'))


def discover(session, serial):
    """Read the static facts of array ``serial`` (about 10 round trips)."""
    system_name = _find_system(session, serial)
    sep = paths.separator(system_name, serial)
    identity = session.get_instance(paths.software_identity(system_name),
                                    ['VersionString'])
    ucode = str(identity.get('VersionString') or '')
    family = FAMILY_VMAX3 if _leading_number(ucode) >= 5900 \
        else FAMILY_VMAX2
    se_version = _se_version(session)
    model = _chassis_model(session, system_name)
    services = _services(session, system_name)
    pools = _pools(session, system_name, family)
    levels = _service_levels(session, system_name, sep) \
        if family == FAMILY_VMAX3 else {}
    port_groups = _port_groups(session, services, system_name, sep)
    repl_types, rsd = _replication(session, system_name, family)
    policies = _fast_policies(session, system_name) \
        if family == FAMILY_VMAX2 else {}
    info = ArrayInfo(
        serial=serial, system_name=system_name, sep=sep, family=family,
        ucode_version=ucode, model=model,
        all_flash=family == FAMILY_VMAX3 and bool(
            ALL_FLASH_MODEL.match(model)),
        se_version=se_version, services=services, pools=pools,
        service_levels=levels, port_groups=port_groups,
        replication_types=repl_types, fast_policies=policies,
        default_rsd=rsd)
    LOG.info('Discovered %s', info.summary())
    return info


def refresh_replication_types(session, info):
    """Re-read the licence-dependent replication types (stats refresh)."""
    types, rsd = _replication(session, info.system_name, info.family)
    info.replication_types = types
    if rsd is not None:
        info.default_rsd = rsd
    return types


def _find_system(session, serial):
    names = session.enumerate_instance_names(paths.SYSTEM_CLASS)
    by_serial = {}
    for name in names:
        system_name = name.keybindings.get('Name', '')
        found = re.match(r'^SYMMETRIX(?:-\+-|\+)(\w+)$', system_name)
        if found:
            by_serial[found.group(1)] = system_name
    if serial not in by_serial:
        raise exceptions.InvalidSetting(
            'array serial', serial, sorted(by_serial),
            reason='the SMI-S provider does not manage it')
    return by_serial[serial]


def _leading_number(text):
    found = re.match(r'(\d+)', text)
    return int(found.group(1)) if found else 0


def _se_version(session):
    for inst in session.enumerate_instances(
            'SE_ManagementServerSoftwareIdentity',
            ['MajorVersion', 'MinorVersion', 'RevisionNumber',
             'VersionString']):
        if inst.get('VersionString'):
            return str(inst['VersionString'])
        return '%s.%s.%s' % (inst.get('MajorVersion'),
                             inst.get('MinorVersion'),
                             inst.get('RevisionNumber'))
    return 'unknown'


def _chassis_model(session, system_name):
    try:
        chassis = session.get_instance(paths.chassis(system_name),
                                       ['Model'])
    except exceptions.ObjectNotFound:
        return 'unknown'
    return str(chassis.get('Model') or 'unknown')


def _services(session, system_name):
    found = {}
    for name in session.associator_names(paths.system(system_name),
                                         assoc_class='CIM_HostedService'):
        short = name.classname
        for prefix in ('Symm_', 'EMC_', 'SE_', 'CIM_'):
            if short.startswith(prefix):
                short = short[len(prefix):]
                break
        found.setdefault(short, name)
    return found


def _pools(session, system_name, family):
    wanted = 'Symm_SRPStoragePool' if family == FAMILY_VMAX3 \
        else 'Symm_VirtualProvisioningPool'
    pools = {}
    for pool in session.associators(paths.system(system_name),
                                    assoc_class='CIM_HostedStoragePool',
                                    result_class=wanted,
                                    property_list=['ElementName',
                                                   'InstanceID']):
        pools[str(pool['ElementName'])] = pool.path
    return pools


def _service_levels(session, system_name, sep):
    prefix = system_name + sep
    levels = {}
    for setting in session.enumerate_instances(
            'Symm_StoragePoolSetting',
            ['InstanceID', 'ElementName', 'EMCSLO', 'EMCWorkload']):
        instance_id = str(setting.get('InstanceID') or
                          setting.path.keybindings.get('InstanceID', ''))
        if not instance_id.startswith(prefix):
            continue
        fields = instance_id[len(prefix):].split(sep)
        srp = fields[-1]
        slo_workload = next((f[1:] for f in fields
                             if f.startswith('S') and ':' in f), None)
        if slo_workload is None:
            continue
        slo, workload = slo_workload.split(':', 1)
        levels.setdefault(srp, set()).add((slo, workload or NO_WORKLOAD))
    return {srp: sorted(pairs) for srp, pairs in levels.items()}


def _port_groups(session, services, system_name, sep):
    ccs = services.get('ControllerConfigurationService')
    if ccs is None:
        return []
    names = []
    for group in session.associators(ccs, result_class=paths.PORT_GROUP_CLASS,
                                     property_list=['ElementName',
                                                    'InstanceID']):
        names.append(str(group.get('ElementName') or paths.last_field(
            group.path.keybindings['InstanceID'], sep)))
    return sorted(names)


def _replication(session, system_name, family):
    try:
        caps = session.get_instance(
            paths.replication_capabilities(system_name),
            ['SupportedReplicationTypes'])
    except exceptions.ObjectNotFound:
        return (), None
    types = tuple(sorted(int(t) for t in
                         caps.get('SupportedReplicationTypes') or ()))
    rsd = None
    snap_types = sorted(cim.SNAPVX_REPLICATION_TYPES & set(types))
    if family == FAMILY_VMAX3 and snap_types:
        rsd = _default_rsd(session, caps.path, snap_types[0])
    return types, rsd


def _default_rsd(session, caps_path, replication_type):
    """The provider's default replication settings, asking the array to
    supply the target (TargetElementSupplier=2) -- used for snapshots."""
    try:
        rc, out = session.invoke('GetDefaultReplicationSettingData',
                                 caps_path,
                                 ReplicationType=replication_type)
    except exceptions.ArrayError as exc:
        LOG.warning('No default replication settings from the provider: '
                    '%s', exc)
        return None
    rsd = out.get('DefaultInstance')
    if rc != 0 or not hasattr(rsd, 'copy'):
        # pywbem decodes the EmbeddedInstance into a CIMInstance; anything
        # else is a provider we do not understand.
        return None
    return rsd


def _fast_policies(session, system_name):
    policies = {}
    try:
        names = session.enumerate_instance_names('Symm_TierPolicyRule')
    except exceptions.ArrayRequestError:
        return policies
    for name in names:
        if name.keybindings.get('SystemName') == system_name:
            policies[str(name.keybindings['PolicyRuleName'])] = name
    return policies
