"""Array rule violations, with the array's own terse messages.

Every operation validates first and raises :class:`ArrayError` with one of
the messages built here before changing anything, so tests can assert the
exact text and the CIM layer can pass it on unchanged
(``CIMError(CIM_ERR_FAILED, message)``, or a job's ``ErrorDescription``).
:class:`ObjectNotFound` marks a reference to an object that does not exist
(the CIM layer answers ``CIM_ERR_NOT_FOUND`` when the object is the target
of the request).
"""

# Job ErrorCode values (uint16).  The public record gives one number (10424
# for the FAST conflict); the others are the simulator's own, grouped so a
# log reader can tell the family of a failure.
CODE_FAILED = 1
CODE_NOT_FOUND = 6
CODE_IN_USE = 10400
CODE_FAST_CONFLICT = 10424
CODE_LOCKED = 10430
CODE_CAPACITY = 10440
CODE_LIMIT = 10450
CODE_NOT_LICENSED = 10460
CODE_INVALID = 10470
CODE_COPY_STATE = 10480


class ArrayError(Exception):
    """A rule of the array refused an operation; nothing was changed."""

    def __init__(self, message, code=CODE_FAILED):
        super().__init__(message)
        self.message = message
        self.code = code


class ObjectNotFound(ArrayError):
    """An operation named an object the array does not have."""

    def __init__(self, message):
        super().__init__(message, CODE_NOT_FOUND)


_KIND_NAMES = {
    'sg': 'Storage group',
    'ig': 'Initiator group',
    'pg': 'Port group',
    'view': 'Masking view',
    'replication_group': 'Replication group',
    'device': 'Device',
    'hardware_id': 'Hardware ID',
    'port': 'Port',
    'pool': 'Pool',
    'fast_policy': 'FAST policy',
    'rdf_group': 'RDF group',
    'snapshot': 'Snapshot',
}


def kind_name(kind):
    """Readable name of an object kind ('sg' -> 'Storage group')."""
    return _KIND_NAMES.get(kind, kind.replace('_', ' ').capitalize())


def _gib(size_bytes):
    return '%.2f GiB' % (size_bytes / 1024.0 ** 3)


# -- not found --------------------------------------------------------------

def array_not_found(serial):
    return 'Array %s is not managed by this provider' % serial


def not_found(kind, name, serial):
    """Generic "<Kind> <name> does not exist on array <serial>"."""
    return '%s %s does not exist on array %s' % (kind_name(kind), name,
                                                 serial)


def snapshot_not_found(device_id, name, generation):
    return ('Snapshot %s generation %d of device %s does not exist'
            % (name, generation, device_id))


def relationship_not_found(rel_id):
    return 'Copy session %s does not exist' % rel_id


def group_relationship_not_found(ident):
    return 'Group copy session %s does not exist' % ident


def job_not_found(job_id):
    return 'Job %s does not exist' % job_id


# -- names ------------------------------------------------------------------

def name_empty(kind):
    return '%s name must not be empty' % kind_name(kind)


def name_too_long(kind, name, limit):
    return ('%s name %s is %d characters long; the maximum is %d'
            % (kind_name(kind), name, len(name), limit))


def name_exists(kind, name):
    return '%s %s already exists' % (kind_name(kind), name)


# -- storage groups and membership ------------------------------------------

def sg_locked(name):
    return ('The storage group %s is locked by an existing change session'
            % name)


def fast_sg_conflict(device_id, current_sg, new_sg):
    return ('A device cannot belong to more than one storage group in use '
            'by FAST: device %s is in %s and cannot join %s'
            % (device_id, current_sg, new_sg))


def device_already_in_group(device_id, group):
    return 'Device %s is already in storage group %s' % (device_id, group)


def device_not_in_group(device_id, group):
    return 'Device %s is not in storage group %s' % (device_id, group)


def sg_full(group, limit):
    return ('Storage group %s cannot hold more than %d devices'
            % (group, limit))


def member_already_in_group(kind, member, group):
    return '%s is already a member of %s %s' % (member, kind_name(kind)
                                                .lower(), group)


def member_not_in_group(kind, member, group):
    return '%s is not a member of %s %s' % (member, kind_name(kind).lower(),
                                            group)


def initiator_in_other_ig(storage_id, group):
    return ('Initiator %s already belongs to initiator group %s'
            % (storage_id, group))


def group_in_view(kind, name, view):
    return ('%s %s cannot be deleted: it is used by masking view %s'
            % (kind_name(kind), name, view))


def last_device_in_view(device_id, group, view):
    return ('Cannot remove device %s from storage group %s: it is the last '
            'device of the group, which is in masking view %s; delete the '
            'view first' % (device_id, group, view))


def last_device_of_parent_in_view(device_id, group, parent, view):
    return ('Cannot remove device %s from storage group %s: it is the last '
            'device of parent storage group %s, which is in masking view '
            '%s; delete the view first' % (device_id, group, parent, view))


def last_child_devices_in_view(child, parent, view):
    return ('Cannot remove storage group %s from parent storage group %s: '
            'it holds the last devices of the parent, which is in masking '
            'view %s; delete the view first' % (child, parent, view))


def group_not_empty(kind, name, count):
    return ('%s %s is not empty (%d members); use Force to delete it'
            % (kind_name(kind), name, count))


def meta_member_not_allowed(device_id, head):
    return ('Device %s is a member of meta device %s and cannot be used '
            'on its own' % (device_id, head))


def device_unbound(device_id):
    return 'Device %s is not bound to a pool' % device_id


def device_in_pool(device_id, pool):
    return 'Device %s is already in pool %s' % (device_id, pool)


# -- cascaded storage groups ------------------------------------------------

def parent_not_plain(group):
    return ('Storage group %s cannot be a parent storage group: a parent '
            'has no SRP, service level, workload or FAST policy' % group)


def parent_holds_no_devices(group):
    return ('Storage group %s is a parent storage group and cannot hold '
            'devices' % group)


def group_holds_devices(group, count):
    return ('Storage group %s holds %d devices and cannot also hold child '
            'storage groups' % (group, count))


def child_is_parent(child):
    return ('Storage group %s is a parent storage group and cannot be a '
            'child: storage groups cascade one level only' % child)


def parent_is_child(group, parent):
    return ('Storage group %s is a child of parent storage group %s and '
            'cannot be a parent: storage groups cascade one level only'
            % (group, parent))


def child_has_parent(child, parent):
    return ('Storage group %s is already a child of parent storage group %s'
            % (child, parent))


def child_of_itself(group):
    return 'Storage group %s cannot be a child of itself' % group


def not_a_child(child, parent):
    return 'Storage group %s is not a child of storage group %s' % (
        child, parent)


def child_cannot_be_deleted(child, parent):
    return ('Storage group %s cannot be deleted: it is a child of parent '
            'storage group %s' % (child, parent))


def parent_no_fast_policy(group):
    return ('Storage group %s is a parent storage group and cannot be '
            'associated with a FAST policy' % group)


# -- moving devices between storage groups ----------------------------------

def move_same_group(group):
    return ('Cannot move devices from storage group %s to itself' % group)


def move_fast_mismatch(source, target):
    return ('Cannot move devices from storage group %s to %s: one is '
            'managed by FAST and the other is not' % (source, target))


def move_srp_mismatch(source, source_srp, target, target_srp):
    return ('Cannot move devices from storage group %s (SRP %s) to %s (SRP '
            '%s): a move cannot change the SRP'
            % (source, source_srp, target, target_srp))


def move_disruptive(device_id, source, target, views_before, views_after):
    return ('Cannot move device %s from storage group %s to %s '
            'non-disruptively: it is masked through %s and would be masked '
            'through %s' % (device_id, source, target,
                            _views_text(views_before),
                            _views_text(views_after)))


def _views_text(views):
    if not views:
        return 'no masking view'
    return 'masking view%s %s' % ('s' if len(views) > 1 else '',
                                  ', '.join(views))


def move_lun_taken(device_id, lun, view):
    return ('Cannot move device %s non-disruptively: its host LUN %d is '
            'used by another device in masking view %s' % (device_id, lun,
                                                           view))


# -- placement, service levels, compression, FAST ---------------------------

def slo_not_offered(srp, slo, workload):
    return ('Service level %s with workload %s is not offered by SRP %s'
            % (slo, workload or 'NONE', srp))


def slo_needs_srp(group):
    return ('Storage group %s: a service level needs a storage resource '
            'pool' % group)


def slo_on_vmax2(serial):
    return ('Service levels and storage resource pools are not supported '
            'on VMAX2 array %s' % serial)


def fast_policy_on_vmax3(serial):
    return 'FAST policies are not supported on VMAX3 array %s' % serial


def compression_not_all_flash(serial, model):
    return ('Compression is only supported on All Flash arrays; %s is a %s'
            % (serial, model))


def pool_kind_mismatch(pool, kind_expected):
    what = ('a storage resource pool' if kind_expected == 'srp'
            else 'a thin pool')
    return 'Pool %s is not %s' % (pool, what)


def pool_needed(serial):
    return 'A pool or a storage group is needed to create a device on %s' % (
        serial)


def sg_already_fast(group, policy):
    return ('Storage group %s is already associated with FAST policy %s'
            % (group, policy))


def sg_not_fast(group, policy):
    return ('Storage group %s is not associated with FAST policy %s'
            % (group, policy))


# -- capacity and sizes -----------------------------------------------------

def capacity_exhausted(pool, requested, free):
    return ('Insufficient capacity in pool %s: requested %d bytes (%s), '
            '%d bytes (%s) free' % (pool, requested, _gib(requested), free,
                                    _gib(free)))


def invalid_size(size_bytes):
    return 'Invalid device size %s bytes' % size_bytes


def size_too_large(size_bytes, limit):
    return ('Device size %d bytes exceeds the maximum of %d bytes'
            % (size_bytes, limit))


def meta_member_too_large(member_bytes, limit):
    return ('Meta member size %d bytes exceeds the maximum of %d bytes'
            % (member_bytes, limit))


def extend_smaller(device_id, current, requested):
    return ('Device %s cannot be resized to %d bytes: it already has %d '
            'bytes' % (device_id, requested, current))


def extend_striped(device_id):
    return ('Device %s is a striped meta device and cannot be extended by '
            'concatenation' % device_id)


def extend_in_copy_session(device_id):
    return ('Device %s cannot be extended while it is in an SRDF pair'
            % device_id)


# -- dependencies between objects -------------------------------------------

def device_in_group(device_id, group):
    return ('Device %s cannot be deleted: it is in storage group %s'
            % (device_id, group))


def device_in_copy_session(device_id, role):
    return ('Device %s cannot be deleted: it is a Copy Session %s'
            % (device_id, role))


def device_is_meta_member(device_id, head):
    return ('Device %s cannot be deleted: it is a member of meta device %s'
            % (device_id, head))


def device_in_use_by_copy(device_id):
    return 'Device %s is already the target of a copy session' % device_id


def device_is_source(device_id):
    return ('Device %s is a copy session source and cannot be a target'
            % device_id)


def target_too_small(target, target_bytes, source, source_bytes):
    return ('Target device %s (%d bytes) is smaller than source device %s '
            '(%d bytes)' % (target, target_bytes, source, source_bytes))


def same_device(device_id):
    return 'Device %s cannot be a copy of itself' % device_id


# -- licences and features --------------------------------------------------

_FEATURE_NAMES = {'snapvx': 'SnapVX', 'clone': 'TimeFinder Clone',
                  'srdf': 'SRDF'}


def not_licensed(feature, serial):
    return '%s is not licensed on array %s' % (
        _FEATURE_NAMES.get(feature, feature), serial)


def feature_needs_family(feature, family, serial):
    return ('%s requires a %s array; %s is not' % (
        _FEATURE_NAMES.get(feature, feature), family, serial))


# -- replication ------------------------------------------------------------

def snapvx_cap(device_id, cap):
    return ('Device %s has reached the maximum of %d SnapVX snapshots'
            % (device_id, cap))


def copy_in_progress(action, source, target, percent):
    return ('Cannot %s the copy session %s -> %s: the copy is in progress '
            '(%d%% synced); use Force' % (action, source, target, percent))


def snapshot_has_links(device_id, name, count):
    return ('Snapshot %s of device %s has %d linked targets and cannot be '
            'terminated' % (name, device_id, count))


def operation_not_valid(action, session, state):
    return 'Cannot %s the copy session %s: it is %s' % (
        action, session, state)


def rdf_group_offline(number, serial):
    return 'RDF group %d on array %s is offline' % (number, serial)


def rdf_remote_mismatch(number, serial, remote_serial):
    return ('RDF group %d on array %s does not connect to array %s'
            % (number, serial, remote_serial))


def rg_not_empty(name, count):
    return ('Replication group %s is not empty (%d members); remove the '
            'elements to delete it' % (name, count))


def rg_size_mismatch(source, source_count, target, target_count):
    return ('Replication groups %s (%d devices) and %s (%d devices) do not '
            'have the same number of devices'
            % (source, source_count, target, target_count))


def rg_empty(name):
    return 'Replication group %s has no devices' % name


# -- masking and ports ------------------------------------------------------

def no_port_online(port_group, ports):
    return ('No port of port group %s is online (%s)'
            % (port_group, ', '.join(ports) or 'no ports'))


def port_protocol_mismatch(port, protocol):
    return 'Port %s is not a %s port' % (port, protocol)


def invalid_hardware_id(storage_id, id_type):
    return 'Invalid hardware ID %s of type %s' % (storage_id, id_type)


def invalid_host_io_limit(what, value):
    return 'Invalid host I/O limit %s: %s' % (what, value)


def device_not_masked(device_id, view):
    return 'Device %s is not visible through masking view %s' % (
        device_id, view)


def wrong_family(serial, family):
    return 'Array %s is not a %s array' % (serial, family)
