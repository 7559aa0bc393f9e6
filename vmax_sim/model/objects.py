"""The simulator's array objects: plain data, the single source of truth.

Everything a client can observe on a simulated array lives here as plain
Python objects; the CIM layer renders them and maps methods onto the
operations in :mod:`vmax_sim.model.ops`.  Objects are only changed through
those operations (or :mod:`vmax_sim.model.admin`) so that the indexes kept
by :class:`Array` and :class:`Estate` stay right; read them freely.

Conventions:

* sizes are bytes (``int``); times are clock seconds (``float``, see
  :class:`vmax_sim.model.clock.Clock`);
* objects inside one array are referred to by name (groups, views, pools,
  ports) or by DeviceID (devices, 5 upper-case hex digits);
* a relationship between two devices may span two arrays, so it lives in
  the :class:`Estate` and names each side by (serial, DeviceID).
"""

import dataclasses
import heapq
import typing

from vmax_sim.model import clock as clock_mod

# Families and naming styles.
FAMILY_VMAX3 = 'VMAX3'
FAMILY_VMAX2 = 'VMAX2'
NAME_STYLE_DASH = 'dash'      # SYMMETRIX-+-<serial> (SE 8.x)
NAME_STYLE_PLUS = 'plus'      # SYMMETRIX+<serial>   (SE 7.x)

# Pool kinds.
POOL_SRP = 'srp'
POOL_THIN = 'thin'

# Hardware ID types (SE_StorageHardwareID.IDType).
ID_TYPE_WWPN = 2
ID_TYPE_ISCSI = 5

# Port protocols.
PROTOCOL_ISCSI = 'iscsi'
PROTOCOL_FC = 'fc'

# Group kinds used by the generic group operations and by ElementKey.
KIND_SG = 'sg'
KIND_IG = 'ig'
KIND_PG = 'pg'

# Host I/O limit distribution (EMCMaxIODynamicDistributionType).
DISTRIBUTION_NEVER = 1
DISTRIBUTION_ON_FAILURE = 2
DISTRIBUTION_ALWAYS = 3

# Replication (CIM_StorageSynchronized value maps).
SYNC_TYPE_MIRROR = 6      # SRDF
SYNC_TYPE_SNAPSHOT = 7    # SnapVX
SYNC_TYPE_CLONE = 8       # VMAX2 TimeFinder clone
MODE_SYNCHRONOUS = 2
MODE_ASYNCHRONOUS = 3
COPY_STATE_IN_PROGRESS = 3   # "Unsynchronized": background copy running
COPY_STATE_SYNCHRONIZED = 4
COPY_STATE_SUSPENDED = 9
COPY_STATE_FAILED_OVER = 10
SYNC_STATE_SYNCHRONIZED = 6
SYNC_STATE_FAILED_OVER = 12
SYNC_STATE_SUSPENDED = 13
SYNC_STATE_COPY_IN_PROGRESS = 15

# Jobs (CIM_ConcreteJob.JobState).
JOB_NEW = 2
JOB_RUNNING = 4
JOB_COMPLETED = 7
JOB_TERMINATED = 8
JOB_EXCEPTION = 10
JOB_FINISHED_STATES = (JOB_COMPLETED, JOB_TERMINATED, JOB_EXCEPTION)

# Job completion rules.
RULE_AT = 'at'            # finishes at ``due`` (clock time)
RULE_SYNCED = 'synced'    # finishes when its relationships are synchronized
RULE_NEVER = 'never'      # stuck in Running (fault injection)
RULE_LATE = 'late'        # action deferred: applied when it finishes at
#                           ``due``, typically after the client gave up

BLOCK_SIZE = 512
GIB = 1024 ** 3
MIB = 1024 ** 2


class ElementKey(typing.NamedTuple):
    """Identity of any model object, for jobs and diffs.

    ``kind`` is one of the ``KIND_*`` constants of this module (and of
    :data:`ELEMENT_KINDS`); ``serial`` the array (the source array for
    relationships); ``ident`` the name, DeviceID, storage id, or the
    decimal id of a relationship / group relationship / job.
    """

    kind: str
    serial: str
    ident: str

    def __str__(self):
        return '%s %s:%s' % (self.kind, self.serial, self.ident)


KIND_DEVICE = 'device'
KIND_POOL = 'pool'
KIND_HWID = 'hardware_id'
KIND_PORT = 'port'
KIND_VIEW = 'view'
KIND_SNAPSHOT = 'snapshot'          # ident '<source dev>:<name>:<snap_id>'
KIND_RELATIONSHIP = 'relationship'  # ident str(rel_id)
KIND_RG = 'replication_group'
KIND_GROUP_RELATIONSHIP = 'group_relationship'
KIND_RDF_GROUP = 'rdf_group'        # ident str(number)
KIND_FAST_POLICY = 'fast_policy'
KIND_JOB = 'job'
KIND_ARRAY = 'array'
ELEMENT_KINDS = (KIND_ARRAY, KIND_POOL, KIND_FAST_POLICY, KIND_DEVICE,
                 KIND_SG, KIND_IG, KIND_PG, KIND_HWID, KIND_PORT, KIND_VIEW,
                 KIND_SNAPSHOT, KIND_RELATIONSHIP, KIND_RG,
                 KIND_GROUP_RELATIONSHIP, KIND_RDF_GROUP, KIND_JOB)


@dataclasses.dataclass
class Pool:
    """A VMAX3 Storage Resource Pool or a VMAX2 thin pool.

    ``settings`` lists the (service level, workload) pairs an SRP offers,
    workload ``'NONE'`` when the level has none (``('Optimized',
    'NONE')``).  Used and subscribed figures are not stored: they are
    derived from the devices bound to the pool (see
    :meth:`Array.pool_usage`).
    """

    name: str
    kind: str                      # POOL_SRP | POOL_THIN
    total_bytes: int
    reserved_percent: int = 0      # SRP: EMCPercentReservedCapacity
    max_subscription_percent: int = 100  # thin: EMCMaxSubscriptionPercent
    settings: list = dataclasses.field(default_factory=list)

    def offers(self, slo, workload):
        """True when the pool offers ``slo``/``workload`` (None = NONE)."""
        return (slo, workload or 'NONE') in {tuple(s) for s in self.settings}


@dataclasses.dataclass(frozen=True)
class PoolUsage:
    """Capacity figures of one pool, derived from its devices.

    ``subscribed_bytes`` is the sum of the sizes of the bound devices;
    the simulator has no host writes, so a device counts as fully
    allocated (``allocated_bytes == subscribed_bytes``).
    ``remaining_bytes`` = total - allocated (never below 0);
    ``free_bytes`` is what a new device may still take: the capacity
    limit (total less the reserved percentage, times the maximum
    subscription percentage) less the subscribed bytes.
    """

    total_bytes: int
    subscribed_bytes: int
    allocated_bytes: int
    remaining_bytes: int
    free_bytes: int


@dataclasses.dataclass
class Tier:
    """A VMAX2 storage tier: a named set of thin pools."""

    name: str
    pools: list = dataclasses.field(default_factory=list)


@dataclasses.dataclass
class FastPolicy:
    """A VMAX2 FAST policy (``Symm_TierPolicyRule``) over tiers."""

    name: str
    tiers: list = dataclasses.field(default_factory=list)  # [Tier]

    def pools(self):
        """Names of every pool of every tier of the policy."""
        return [p for tier in self.tiers for p in tier.pools]


@dataclasses.dataclass(slots=True)
class Device:
    """A volume (``Symm_StorageVolume``).

    ``wwn`` (the CIM ``Name``) is new each time a DeviceID is (re)used.
    VMAX2 metas: the head lists its members in ``meta_members`` and its
    ``size_bytes`` is the total; each member is a device of its own with
    ``meta_head`` set.  ``pool`` is None for an unbound VMAX2 device.

    ``lineage`` is where the device's data came from (the simulator has
    no host writes, so a device's content is fully described by it):
    empty for a new, blank device; when the device becomes the target of
    a SnapVX link, a clone or an SRDF pair, one entry for the source --
    ``{'serial', 'device_id', 'wwn', 'label', 'point_in_time', 'via'}``
    (``via`` ``snapvx`` / ``clone`` / ``srdf``; ``point_in_time`` the
    clock time of the data copied, the snapshot's time for SnapVX) --
    followed by the source's own lineage.  So a volume made from a group
    snapshot shows its snapshot target and, behind it, the group member
    it came from and the group's single point in time.
    """

    device_id: str
    label: str
    size_bytes: int
    wwn: str
    pool: typing.Optional[str] = None
    thin: bool = True
    compressed: bool = False
    bound: bool = True
    meta_members: list = dataclasses.field(default_factory=list)
    concatenated: bool = True
    meta_head: typing.Optional[str] = None
    emulation: str = 'FBA'
    created_at: float = 0.0
    lineage: list = dataclasses.field(default_factory=list)

    @property
    def is_composite(self):
        return bool(self.meta_members)

    @property
    def is_meta_member(self):
        return self.meta_head is not None

    @property
    def number_of_blocks(self):
        return self.size_bytes // BLOCK_SIZE


@dataclasses.dataclass
class StorageGroup:
    """A storage group (``SE_DeviceMaskingGroup``).

    ``members`` keeps the DeviceIDs in the order they joined.  An SG with
    an ``srp``, ``slo`` or ``fast_policy`` is FAST managed: a device may
    be in only one such SG.  ``session_held_until`` is an out-of-band
    change session (admin hold) that makes changes fail until that clock
    time.  Host I/O limits: 0 = no limit.

    Cascading: a *parent* SG holds child SGs (``children``, names in
    joining order) instead of devices; it has no SRP, service level or
    FAST policy, and a view on it masks every device of every child.
    Children are plain or FAST SGs with devices; one level only (see
    :mod:`vmax_sim.model.cascade`).  The parent of a child is derived
    (:meth:`Array.parent_of_group`).
    """

    name: str
    srp: typing.Optional[str] = None
    slo: typing.Optional[str] = None
    workload: typing.Optional[str] = None
    fast_policy: typing.Optional[str] = None
    disable_compression: bool = False
    host_io_limit_iops: int = 0
    host_io_limit_mbps: int = 0
    host_io_distribution: int = DISTRIBUTION_NEVER
    members: list = dataclasses.field(default_factory=list)
    children: list = dataclasses.field(default_factory=list)
    session_held_until: typing.Optional[float] = None
    created_at: float = 0.0

    @property
    def is_parent(self):
        return bool(self.children)

    @property
    def fast_managed(self):
        return bool(self.srp or self.slo or self.fast_policy)

    @property
    def fast_setting(self):
        """``EMCFastSetting``: ``<SLO>+<Workload>``, the policy, or ''."""
        if self.slo:
            return '%s+%s' % (self.slo, self.workload or 'NONE')
        return self.fast_policy or ''


@dataclasses.dataclass
class HardwareId:
    """A host initiator known to the array (``SE_StorageHardwareID``).

    ``storage_id`` is the IQN (``id_type`` 5) or the lower-case WWPN
    without separators (``id_type`` 2).
    """

    storage_id: str
    id_type: int
    element_name: str = ''


@dataclasses.dataclass
class InitiatorGroup:
    """An initiator group: ``hardware_ids`` are storage ids."""

    name: str
    hardware_ids: list = dataclasses.field(default_factory=list)
    created_at: float = 0.0


@dataclasses.dataclass
class Port:
    """A front-end port, named ``<director>:<port>`` (``SE-1E:0``)."""

    name: str
    protocol: str                       # PROTOCOL_ISCSI | PROTOCOL_FC
    iqn: typing.Optional[str] = None    # iSCSI target name
    ip: typing.Optional[str] = None     # iSCSI IPv4 address
    tcp_port: int = 3260
    wwpn: typing.Optional[str] = None   # FC target WWPN, lower-case hex
    online: bool = True

    @property
    def director(self):
        return self.name.split(':', 1)[0]

    @property
    def port_number(self):
        return self.name.split(':', 1)[1] if ':' in self.name else ''


@dataclasses.dataclass
class PortGroup:
    """A port group: ``ports`` are port names."""

    name: str
    ports: list = dataclasses.field(default_factory=list)
    created_at: float = 0.0


@dataclasses.dataclass
class MaskingView:
    """A masking view; ``luns`` maps DeviceID -> host LUN (int >= 1)."""

    name: str
    storage_group: str
    initiator_group: str
    port_group: str
    luns: dict = dataclasses.field(default_factory=dict)
    created_at: float = 0.0


@dataclasses.dataclass
class Snapshot:
    """A SnapVX snapshot of one source device.

    Several snapshots of a source may share a name; ``generation`` 0 is
    the newest of that name.  ``snap_id`` is unique per source for the
    life of the array.  ``created_at`` is the point in time it captures
    (all snapshots of one group snapshot share it).
    """

    source: str            # DeviceID
    name: str
    snap_id: int
    generation: int = 0
    created_at: float = 0.0

    @property
    def ident(self):
        return '%s:%s:%d' % (self.source, self.name, self.snap_id)


@dataclasses.dataclass
class Relationship:
    """A replication pair: SnapVX link, VMAX2 clone or SRDF pair.

    Rendered as ``SE_StorageSynchronized_SV_SV`` (SystemElement = source,
    SyncedElement = target).  Copy progress is driven by the clock
    (:meth:`Estate.tick`): ``bytes_copied`` grows at the source array's
    ``copy_rate_mib_per_s`` until it reaches ``bytes_to_copy``, then the
    copy state becomes synchronized.  For SnapVX links ``snapshot_name``,
    ``snap_id`` and ``generation`` name the linked snapshot;
    ``copy=False`` is a no-copy link (nothing to copy, synchronized at
    once).  For SRDF pairs ``rdf_group`` is the RDF group number on the
    source array.
    """

    rel_id: int
    sync_type: int
    source_serial: str
    source_device: str
    target_serial: str
    target_device: str
    mode: int = MODE_SYNCHRONOUS
    copy: bool = True
    snapshot_name: typing.Optional[str] = None
    snap_id: typing.Optional[int] = None
    generation: int = 0
    bytes_to_copy: int = 0
    bytes_copied: int = 0
    copy_state: int = COPY_STATE_IN_PROGRESS
    sync_state: int = SYNC_STATE_COPY_IN_PROGRESS
    rdf_group: typing.Optional[int] = None
    suspended: bool = False
    failed_over: bool = False
    created_at: float = 0.0

    @property
    def source_key(self):
        return (self.source_serial, self.source_device)

    @property
    def target_key(self):
        return (self.target_serial, self.target_device)

    @property
    def copying(self):
        """True while a background copy is still running (or suspended
        before it finished)."""
        return self.bytes_copied < self.bytes_to_copy

    @property
    def percent_synced(self):
        if not self.bytes_to_copy:
            return 100
        return min(100, self.bytes_copied * 100 // self.bytes_to_copy)


@dataclasses.dataclass
class ReplicationGroup:
    """A replication (consistency) group: ordered member DeviceIDs."""

    name: str
    members: list = dataclasses.field(default_factory=list)
    created_at: float = 0.0


@dataclasses.dataclass
class GroupRelationship:
    """A group replica between two replication groups of one array.

    ``member_rel_ids`` are the relationships of the member pairs, in
    member order (source member i -> target member i).  Its copy state
    is derived from the members (see :meth:`Estate.group_copy_state`).
    """

    group_rel_id: int
    serial: str
    source_group: str
    target_group: str
    relationship_name: str
    sync_type: int = SYNC_TYPE_SNAPSHOT
    member_rel_ids: list = dataclasses.field(default_factory=list)
    created_at: float = 0.0


@dataclasses.dataclass
class RdfGroup:
    """One side of an SRDF group (``Symm_RemoteReplicationCollection``)."""

    label: str
    number: int
    remote_serial: str
    remote_number: int
    online: bool = True


@dataclasses.dataclass
class Job:
    """An array job (``SE_ConcreteJob``).

    ``affected`` are the :class:`ElementKey` s the job created or changed
    (``CIM_AffectedJobElement``); ``outputs`` maps out-parameter names the
    CIM layer wants to remember to keys.  ``locks`` are names of storage
    groups the job holds a change session on while it runs.  The rule
    decides when it finishes: ``RULE_AT`` at ``due``, ``RULE_SYNCED``
    when every relationship in ``sync_rel_ids`` is synchronized,
    ``RULE_NEVER`` never, ``RULE_LATE`` at ``due`` and only then applies
    its deferred ``action``.  ``fail_code`` non-zero makes it end in
    Exception with ``fail_description`` instead of completing.
    """

    job_id: int
    serial: str
    method: str
    state: int = JOB_RUNNING
    error_code: int = 0
    error_description: str = ''
    percent: int = 0
    affected: list = dataclasses.field(default_factory=list)
    outputs: dict = dataclasses.field(default_factory=dict)
    locks: list = dataclasses.field(default_factory=list)
    rule: str = RULE_AT
    due: typing.Optional[float] = None
    sync_rel_ids: list = dataclasses.field(default_factory=list)
    fail_code: int = 0
    fail_description: str = ''
    submitted_at: float = 0.0
    finished_at: typing.Optional[float] = None
    action: typing.Optional[typing.Callable] = dataclasses.field(
        default=None, repr=False, compare=False)
    # What the action returned (e.g. the created Device); not persisted.
    result: object = dataclasses.field(
        default=None, repr=False, compare=False)

    @property
    def finished(self):
        return self.state in JOB_FINISHED_STATES

    @property
    def succeeded(self):
        return self.state == JOB_COMPLETED

    @property
    def operational_status(self):
        """``OperationalStatus`` as the contract renders it."""
        if self.state == JOB_COMPLETED:
            return [2, 17]
        if self.state in (JOB_EXCEPTION, JOB_TERMINATED):
            return [6]
        return [2]

    @property
    def key(self):
        return ElementKey(KIND_JOB, self.serial, str(self.job_id))


@dataclasses.dataclass
class Array:
    """One array and everything on it.

    Collections are dicts by name / DeviceID / storage id (insertion
    ordered).  The private indexes (``_sgs_of_device`` ...) are derived:
    not persisted, rebuilt by :meth:`reindex`, kept current by the
    operations; use the query methods below rather than reading them.
    """

    serial: str
    family: str = FAMILY_VMAX3
    model: str = 'VMAX250F'
    microcode: str = '5977.1125.1125'
    all_flash: bool = True
    system_name_style: str = NAME_STYLE_DASH
    se_version: tuple = (8, 3, 0)
    percent_synced: bool = False
    async_jobs: bool = True
    job_duration_s: float = 0.0
    copy_rate_mib_per_s: float = 1024.0
    licences: dict = dataclasses.field(default_factory=lambda: {
        'snapvx': True, 'clone': True, 'srdf': True})
    snapvx_max_per_source: int = 256
    max_devices_per_sg: int = 4096
    max_name_length: int = 64
    max_volume_bytes: int = 64 * 1024 * GIB    # 64 TiB
    meta_member_max_bytes: int = 240 * GIB     # VMAX2 meta threshold
    first_device_id: int = 0x00001
    pools: dict = dataclasses.field(default_factory=dict)
    fast_policies: dict = dataclasses.field(default_factory=dict)
    devices: dict = dataclasses.field(default_factory=dict)
    storage_groups: dict = dataclasses.field(default_factory=dict)
    initiator_groups: dict = dataclasses.field(default_factory=dict)
    hardware_ids: dict = dataclasses.field(default_factory=dict)
    ports: dict = dataclasses.field(default_factory=dict)
    port_groups: dict = dataclasses.field(default_factory=dict)
    masking_views: dict = dataclasses.field(default_factory=dict)
    # Source DeviceID -> [Snapshot], oldest first.
    snapshots: dict = dataclasses.field(default_factory=dict)
    replication_groups: dict = dataclasses.field(default_factory=dict)
    rdf_groups: dict = dataclasses.field(default_factory=dict)  # no->RdfGroup
    next_snap_id: int = 1
    # Derived indexes (not persisted, not compared).
    _sgs_of_device: dict = dataclasses.field(
        default_factory=dict, repr=False, compare=False)
    _parent_of_sg: dict = dataclasses.field(
        default_factory=dict, repr=False, compare=False)
    _views_of_group: dict = dataclasses.field(
        default_factory=dict, repr=False, compare=False)
    _ig_of_hwid: dict = dataclasses.field(
        default_factory=dict, repr=False, compare=False)
    _rgs_of_device: dict = dataclasses.field(
        default_factory=dict, repr=False, compare=False)
    _pool_subscribed: dict = dataclasses.field(
        default_factory=dict, repr=False, compare=False)
    _free_ids: list = dataclasses.field(
        default_factory=list, repr=False, compare=False)
    _next_id: int = dataclasses.field(default=0, repr=False, compare=False)

    # -- identity ------------------------------------------------------------

    @property
    def separator(self):
        return '+' if self.system_name_style == NAME_STYLE_PLUS else '-+-'

    @property
    def system_name(self):
        """``SYMMETRIX-+-<serial>`` or ``SYMMETRIX+<serial>``."""
        return 'SYMMETRIX%s%s' % (self.separator, self.serial)

    @property
    def is_vmax3(self):
        return self.family == FAMILY_VMAX3

    @property
    def default_srp(self):
        """Name of the first SRP, or None (VMAX2)."""
        for pool in self.pools.values():
            if pool.kind == POOL_SRP:
                return pool.name
        return None

    def licensed(self, feature):
        return bool(self.licences.get(feature))

    # -- queries served from indexes -----------------------------------------

    def groups_of_device(self, device_id):
        """Names of the SGs holding ``device_id``, in joining order."""
        return list(self._sgs_of_device.get(device_id, ()))

    def views_of_group(self, kind, name):
        """Names of the views using the group ``name`` of ``kind``."""
        return list(self._views_of_group.get((kind, name), ()))

    def parent_of_group(self, name):
        """Name of the parent SG of the SG ``name``, or None."""
        return self._parent_of_sg.get(name)

    def masking_sgs(self, name):
        """The SG ``name`` and its parent, if any: the groups whose views
        show the SG's devices."""
        parent = self._parent_of_sg.get(name)
        return (name,) if parent is None else (name, parent)

    def views_showing_group(self, name):
        """Names of the views that show the devices of the SG ``name``:
        its own views and those of its parent."""
        views = []
        for sg in self.masking_sgs(name):
            views.extend(self._views_of_group.get((KIND_SG, sg), ()))
        return views

    def devices_of_group(self, name):
        """DeviceIDs a view on the SG ``name`` masks: its members, or for
        a parent every member of every child (each once, in order)."""
        sg = self.storage_groups[name]
        if not sg.children:
            return list(sg.members)
        found = {}
        for child in sg.children:
            for dev in self.storage_groups[child].members:
                found[dev] = None
        return list(found)

    def views_of_device(self, device_id):
        """Names of the views the device is visible through: those of its
        SGs and of their parents (each once)."""
        views = {}
        for sg in self._sgs_of_device.get(device_id, ()):
            for view in self.views_showing_group(sg):
                views[view] = None
        return list(views)

    def device_shown_by_view(self, device_id, view_name):
        """True when one of the device's SGs (or its parent) is the SG of
        the view ``view_name``."""
        wanted = self.masking_views[view_name].storage_group
        return any(wanted in self.masking_sgs(sg)
                   for sg in self._sgs_of_device.get(device_id, ()))

    def group_of_hardware_id(self, storage_id):
        """Name of the IG holding the initiator, or None."""
        return self._ig_of_hwid.get(storage_id)

    def replication_groups_of_device(self, device_id):
        return list(self._rgs_of_device.get(device_id, ()))

    def port_groups_of_port(self, port_name):
        return [pg.name for pg in self.port_groups.values()
                if port_name in pg.ports]

    def snapshots_of(self, device_id):
        """SnapVX snapshots of a source device, oldest first."""
        return list(self.snapshots.get(device_id, ()))

    def pool_usage(self, pool_name):
        """Current :class:`PoolUsage` of a pool (O(1))."""
        pool = self.pools[pool_name]
        subscribed = self._pool_subscribed.get(pool_name, 0)
        limit = (pool.total_bytes * (100 - pool.reserved_percent) // 100
                 * max(pool.max_subscription_percent, 0) // 100)
        return PoolUsage(
            total_bytes=pool.total_bytes,
            subscribed_bytes=subscribed,
            allocated_bytes=subscribed,
            remaining_bytes=max(0, pool.total_bytes - subscribed),
            free_bytes=max(0, limit - subscribed))

    def lowest_free_device_ids(self, count=1):
        """The DeviceIDs (ints) the next ``count`` creates will take:
        the lowest free ones, so ids are reused after a delete."""
        free = heapq.nsmallest(count, self._free_ids)
        nxt = max(self._next_id, self.first_device_id)
        while len(free) < count:
            free.append(nxt)
            nxt += 1
        return free

    def _take_device_id(self, number):
        """Mark an id (int) used; the caller adds the device."""
        if self._free_ids and self._free_ids[0] == number:
            heapq.heappop(self._free_ids)
        elif number in self._free_ids:
            self._free_ids.remove(number)
            heapq.heapify(self._free_ids)
        if number >= self._next_id:
            for gap in range(max(self._next_id, self.first_device_id),
                             number):
                heapq.heappush(self._free_ids, gap)
            self._next_id = number + 1

    def _release_device_id(self, number):
        heapq.heappush(self._free_ids, number)

    # -- index maintenance (called by the operations) ------------------------

    def reindex(self):
        """Rebuild every derived index from the stored collections."""
        self._sgs_of_device = {}
        for sg in self.storage_groups.values():
            for dev in sg.members:
                self._sgs_of_device.setdefault(dev, {})[sg.name] = None
        self._parent_of_sg = {child: sg.name
                              for sg in self.storage_groups.values()
                              for child in sg.children}
        self._views_of_group = {}
        for view in self.masking_views.values():
            for kind, name in ((KIND_SG, view.storage_group),
                               (KIND_IG, view.initiator_group),
                               (KIND_PG, view.port_group)):
                self._views_of_group.setdefault(
                    (kind, name), {})[view.name] = None
        self._ig_of_hwid = {}
        for ig in self.initiator_groups.values():
            for hwid in ig.hardware_ids:
                self._ig_of_hwid[hwid] = ig.name
        self._rgs_of_device = {}
        for rg in self.replication_groups.values():
            for dev in rg.members:
                self._rgs_of_device.setdefault(dev, {})[rg.name] = None
        self._pool_subscribed = {name: 0 for name in self.pools}
        for dev in self.devices.values():
            if dev.pool and dev.bound and not dev.is_meta_member:
                self._pool_subscribed[dev.pool] = (
                    self._pool_subscribed.get(dev.pool, 0) + dev.size_bytes)
        used = {int(d, 16) for d in self.devices}
        self._next_id = max(used, default=self.first_device_id - 1) + 1
        self._next_id = max(self._next_id, self.first_device_id)
        self._free_ids = [i for i in range(self.first_device_id,
                                           self._next_id) if i not in used]
        heapq.heapify(self._free_ids)


def format_device_id(number):
    """DeviceID text of an integer: 5 upper-case hex digits."""
    return '%05X' % number


@dataclasses.dataclass
class Estate:
    """Every array one provider manages, plus what spans arrays.

    ``relationships`` and ``group_relationships`` are keyed by their ids;
    ``jobs`` by job id.  The counters make ids unique for the life of the
    estate (WWNs, jobs, relationships).  Operations live in
    :mod:`vmax_sim.model.ops`; this class adds the clock-driven
    :meth:`tick`, snapshots/diffs, persistence and the summary, each
    delegating to its module (jobs, state, persist, summary).
    """

    arrays: dict = dataclasses.field(default_factory=dict)
    clock: clock_mod.Clock = dataclasses.field(
        default_factory=clock_mod.Clock, compare=False)
    relationships: dict = dataclasses.field(default_factory=dict)
    group_relationships: dict = dataclasses.field(default_factory=dict)
    jobs: dict = dataclasses.field(default_factory=dict)
    next_job_id: int = 1
    next_wwn: int = 1
    next_rel_id: int = 1
    next_group_rel_id: int = 1
    last_tick: typing.Optional[float] = None
    # Derived: (serial, DeviceID) -> {rel_id: None}.
    _rels_of_device: dict = dataclasses.field(
        default_factory=dict, repr=False, compare=False)
    # Derived: ids of relationships still copying / jobs still running,
    # so the clock tick costs O(active) rather than O(everything).
    _copying: dict = dataclasses.field(
        default_factory=dict, repr=False, compare=False)
    _running: dict = dataclasses.field(
        default_factory=dict, repr=False, compare=False)
    # True while a tick runs (a deferred job action must not re-enter it).
    _in_tick: bool = dataclasses.field(
        default=False, repr=False, compare=False)

    # -- clock ---------------------------------------------------------------

    def now(self):
        return self.clock.now()

    def tick(self):
        """Bring copies and jobs up to the clock's now (see jobs.tick)."""
        from vmax_sim.model import jobs
        return jobs.tick(self)

    def advance(self, seconds):
        """Manual clock: move time forward, then :meth:`tick`."""
        self.clock.advance(seconds)
        return self.tick()

    # -- capture and compare -------------------------------------------------

    def snapshot(self):
        """An immutable capture of the client-visible state
        (:class:`vmax_sim.model.state.StateSnapshot`)."""
        from vmax_sim.model import state
        return state.capture(self)

    def diff(self, since):
        """What changed since the capture ``since``
        (:class:`vmax_sim.model.state.StateDiff`, falsy when nothing)."""
        return since.diff(self.snapshot())

    # -- persistence ---------------------------------------------------------

    def to_dict(self):
        from vmax_sim.model import persist
        return persist.estate_to_dict(self)

    @classmethod
    def from_dict(cls, data):
        from vmax_sim.model import persist
        return persist.estate_from_dict(data)

    def save(self, path):
        from vmax_sim.model import persist
        persist.save(self, path)

    @classmethod
    def load(cls, path):
        from vmax_sim.model import persist
        return persist.load(path)

    def summary(self, serial=None):
        """Readable text of pools, devices, groups, views and sessions."""
        from vmax_sim.model import summary
        return summary.render(self, serial)

    def array(self, serial):
        """The array ``serial``; raises ObjectNotFound when unknown."""
        from vmax_sim.model import errors
        try:
            return self.arrays[serial]
        except KeyError:
            raise errors.ObjectNotFound(errors.array_not_found(serial))

    def relationships_of(self, serial, device_id):
        """Relationships where the device is source or target (O(result))."""
        return [self.relationships[r]
                for r in self._rels_of_device.get((serial, device_id), ())]

    def relationship_between(self, source, target):
        """The relationship from ``source`` to ``target`` ((serial, dev)
        tuples), or None."""
        for rel in self.relationships_of(*source):
            if rel.source_key == tuple(source) and \
                    rel.target_key == tuple(target):
                return rel
        return None

    def running_jobs(self):
        return [self.jobs[j] for j in self._running]

    def reindex(self):
        """Rebuild every derived index (after loading)."""
        for array in self.arrays.values():
            array.reindex()
        self._rels_of_device = {}
        self._copying = {}
        for rel in self.relationships.values():
            self._index_relationship(rel)
        self._running = {j.job_id: None for j in self.jobs.values()
                         if not j.finished}

    def _index_relationship(self, rel):
        for key in (rel.source_key, rel.target_key):
            self._rels_of_device.setdefault(key, {})[rel.rel_id] = None
        if rel.copy_state != COPY_STATE_SYNCHRONIZED or rel.copying:
            self._copying[rel.rel_id] = None

    def _unindex_relationship(self, rel):
        for key in (rel.source_key, rel.target_key):
            rels = self._rels_of_device.get(key)
            if rels is not None:
                rels.pop(rel.rel_id, None)
                if not rels:
                    del self._rels_of_device[key]
        self._copying.pop(rel.rel_id, None)
