"""The registry of instance kinds (one per CIM class the simulator
renders) and shortcuts to them; see :mod:`.nodes` for what a kind is."""

from vmax_sim.cim import kinds_array as ka
from vmax_sim.cim import kinds_jobs as kj
from vmax_sim.cim import kinds_storage as ks
from vmax_sim.cim import naming
from vmax_sim.cim import nodes
from vmax_sim.model import objects as o

Node = nodes.Node

SYSTEM = ka.SystemKind()
SCS = ka.ServiceKind('StorageConfigurationService')
CCS = ka.ServiceKind('ControllerConfigurationService')
RS = ka.ServiceKind('ReplicationService')
HWID_SERVICE = ka.ServiceKind('StorageHardwareIDManagementService')
ECS = ka.ServiceKind('ElementCompositionService', (o.FAMILY_VMAX2,))
RELOCATION = ka.ServiceKind('StorageRelocationService', (o.FAMILY_VMAX2,))
TIER_SERVICE = ka.ServiceKind('TierPolicyService', (o.FAMILY_VMAX2,))
SERVICES = (SCS, CCS, RS, HWID_SERVICE, ECS, RELOCATION, TIER_SERVICE)
SW_IDENTITY = ka.SoftwareIdentityKind()
SE_IDENTITY = ka.ManagementServerIdentityKind()
CHASSIS = ka.ChassisKind()
SRP = ka.PoolKind('srp', 'Symm_SRPStoragePool', o.POOL_SRP, naming.SRP_TAG)
THIN_POOL = ka.PoolKind('thin_pool', 'Symm_VirtualProvisioningPool',
                        o.POOL_THIN, naming.THIN_POOL_TAG)
POOL_CAPS = ka.PoolCapabilitiesKind(SRP)
SETTING = ka.SettingKind()
REPL_CAPS = ka.ReplicationCapabilitiesKind()
TIER_CAPS = ka.TierPolicyCapabilitiesKind()
VOLUME = ks.VolumeKind()
SG = ks.StorageGroupKind()
IG = ks.InitiatorGroupKind()
PG = ks.PortGroupKind()
RG = ks.ReplicationGroupKind()
HWID = ks.HardwareIdKind()
VIEW = ks.ViewKind()
ISCSI_EP = ks.IscsiEndpointKind()
TCP_EP = ks.TcpEndpointKind()
IP_EP = ks.IpEndpointKind()
FC_EP = ks.FcEndpointKind()
JOB = kj.JobKind()
RDF_GROUP = kj.RdfGroupKind()
POLICY_RULE = kj.PolicyRuleKind()
TIER = kj.TierKind()

ALL = SERVICES + (SYSTEM, SW_IDENTITY, SE_IDENTITY, CHASSIS, SRP, THIN_POOL,
                  POOL_CAPS, SETTING, REPL_CAPS, TIER_CAPS, VOLUME, SG, IG,
                  PG, RG, HWID, VIEW, ISCSI_EP, TCP_EP, IP_EP, FC_EP, JOB,
                  RDF_GROUP, POLICY_RULE, TIER)

POOLS = (SRP, THIN_POOL)


def pool_node(array, pool):
    """The node of a pool of either kind."""
    kind = SRP if pool.kind == o.POOL_SRP else THIN_POOL
    return kind.node(array, pool)


def port_nodes(array, port):
    """The endpoint nodes a port is reached through from a port group."""
    if port.protocol == o.PROTOCOL_FC:
        return [FC_EP.node(array, port)]
    return [ISCSI_EP.node(array, port)]
