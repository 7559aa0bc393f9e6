"""The SMI-S client: array primitives over one provider connection.

``ArrayClient(config, connection_factory=None, sleep=None, monotonic=None)``
is what every task receives through its constructor.  Its methods are the
single array actions tasks are made of; each takes and returns plain data
(device ids, group names, dicts) so task results stay JSON-serialisable.
Discovery (:meth:`ArrayClient.setup`) runs once; the primitives rely on its
cached :class:`~vmax_flows.smis.discovery.ArrayInfo`.

Test hook: pass ``connection_factory`` (same signature as
:func:`~vmax_flows.smis.connection.default_connection_factory`, e.g. the
simulator's) and ``sleep``/``monotonic`` (e.g. advancing a simulated
clock).
"""

import logging

import pywbem

from vmax_flows import exceptions
from vmax_flows.smis import connection
from vmax_flows.smis import discovery
from vmax_flows.smis import params as cim
from vmax_flows.smis import paths
from vmax_flows.smis import waits

LOG = logging.getLogger(__name__)

VOLUME_PROPERTIES = ['DeviceID', 'ElementName', 'BlockSize',
                     'NumberOfBlocks', 'ConsumableBlocks', 'IsComposite',
                     'EMCIsBound']
ALREADY_EXISTS_WORDS = ('already exist', 'duplicate')
# The array refuses changes to a storage group while another change
# session holds it (bug 1554634); such calls are retried, bounded.
LOCKED_WORDS = ('change session', 'is locked')
# Backoff between retries of a locked group: at most this many job
# intervals (see locked_retry_delay).
LOCKED_BACKOFF_CAP = 8


def volume_record(instance, system_name):
    """Plain description of a volume instance."""
    block_size = int(instance.get('BlockSize') or 512)
    blocks = instance.get('ConsumableBlocks')
    if blocks is None:
        blocks = instance.get('NumberOfBlocks') or 0
    return {'device_id': str(instance['DeviceID']),
            'label': str(instance.get('ElementName') or ''),
            'size_bytes': int(blocks) * block_size,
            'system_name': system_name,
            'composite': bool(instance.get('IsComposite'))}


class ArrayClient(object):

    def __init__(self, config, connection_factory=None, sleep=None,
                 monotonic=None):
        self.config = config
        self.session = connection.CimSession(config, connection_factory)
        self.waiter = waits.Waiter(self.session, config.job_interval,
                                   config.job_retries, sleep=sleep,
                                   monotonic=monotonic)
        self.info = None

    # -- setup ----------------------------------------------------------------

    def setup(self):
        """Discover the configured array (once); return its ArrayInfo."""
        if self.info is None:
            self.info = discovery.discover(self.session,
                                           self.config.array_serial)
        return self.info

    @property
    def calls(self):
        return self.session.calls

    @property
    def system_name(self):
        return self.info.system_name

    def refresh_licences(self):
        return discovery.refresh_replication_types(self.session, self.info)

    # -- paths ----------------------------------------------------------------

    def volume_path(self, device_id):
        return paths.volume(self.info.system_name, device_id)

    def group_path(self, name):
        return paths.masking_group(self.info.system_name, self.info.sep,
                                   name)

    def pair_path(self, source_id, target_id):
        return paths.sync_pair(self.info.system_name, source_id, target_id)

    def pool_path(self, name):
        try:
            return self.info.pools[name]
        except KeyError:
            raise exceptions.InvalidSetting('pool', name,
                                            sorted(self.info.pools))

    # -- volumes --------------------------------------------------------------

    def get_volume(self, device_id):
        """The volume record, or None when no such device exists."""
        try:
            inst = self.session.get_instance(self.volume_path(device_id),
                                             VOLUME_PROPERTIES)
        except exceptions.ObjectNotFound:
            return None
        return volume_record(inst, self.info.system_name)

    def volumes_in_group(self, group_name):
        """Records of the volumes in a storage group ([] if it is gone)."""
        try:
            found = self.session.associators(
                self.group_path(group_name),
                assoc_class='CIM_OrderedMemberOfCollection',
                result_class=paths.VOLUME_CLASS,
                property_list=VOLUME_PROPERTIES)
        except exceptions.ObjectNotFound:
            return []
        return [volume_record(v, self.info.system_name) for v in found]

    def volumes_in_pool(self, pool_name):
        found = self.session.associators(
            self.pool_path(pool_name),
            assoc_class='CIM_AllocatedFromStoragePool',
            result_class=paths.VOLUME_CLASS,
            property_list=VOLUME_PROPERTIES)
        return [volume_record(v, self.info.system_name) for v in found]

    def volumes_of_system(self):
        """Records of every volume of the array, unbound ones included
        (they belong to no pool); one round trip, O(devices)."""
        found = self.session.associators(
            self.info.system_path, assoc_class='CIM_SystemDevice',
            result_class=paths.VOLUME_CLASS,
            property_list=VOLUME_PROPERTIES)
        return [volume_record(v, self.info.system_name) for v in found]

    def find_volume_by_label(self, labels, group=None, pool=None,
                             anywhere=False):
        """First volume whose ElementName is one of ``labels``, searched in
        a storage group, a pool or (``anywhere``) the whole array -- the
        only way to find an unbound VMAX2 device; None when there is
        none."""
        if group:
            candidates = self.volumes_in_group(group)
        elif pool:
            candidates = self.volumes_in_pool(pool)
        elif anywhere:
            candidates = self.volumes_of_system()
        else:
            return None
        wanted = set(labels)
        for record in candidates:
            if record['label'] in wanted:
                return record
        return None

    def create_volume(self, label, size_bytes, group=None, pool=None,
                      bind=None):
        """Create a thin device; VMAX3 places it through ``group`` (the SG's
        SRP and service level decide), VMAX2 / no-SLO through ``pool``."""
        what = 'create device %s of %d bytes in %s' % (
            label, size_bytes, 'storage group %s' % group if group
            else 'pool %s' % pool)
        out = self.call_with_job(
            'CreateOrModifyElementFromStoragePool',
            self.info.service('StorageConfigurationService'), what,
            ElementName=label, ElementType=cim.ELEMENT_TYPE_THIN,
            Size=int(size_bytes),
            EMCCollections=[self.group_path(group)] if group else None,
            InPool=self.pool_path(pool) if pool and not group else None,
            EMCBindElements=bind)
        return self._created_volume(out, 'TheElement', what)

    def extend_volume(self, device_id, new_size_bytes):
        """Grow a device; returns its new size in bytes when the provider
        reports it (out-parameter ``Size``), else None."""
        what = 'extend device %s to %d bytes' % (device_id, new_size_bytes)
        out = self.call_with_job(
            'CreateOrModifyElementFromStoragePool',
            self.info.service('StorageConfigurationService'), what,
            TheElement=self.volume_path(device_id),
            Size=int(new_size_bytes))
        size = out.get('Size')
        return None if size is None else int(size)

    def delete_volumes(self, device_ids):
        """Return devices to the pool (delete them)."""
        what = 'delete device(s) %s' % ', '.join(device_ids)
        self.call_with_job(
            'ReturnElementsToStoragePool',
            self.info.service('StorageConfigurationService'), what,
            TheElements=[self.volume_path(d) for d in device_ids])

    # -- VMAX2 meta (composite) volumes ---------------------------------------

    def create_composite_volume(self, label, size_bytes, pool, members,
                                striped):
        what = 'create %s meta device %s of %d bytes (%d members) in ' \
               'pool %s' % ('striped' if striped else 'concatenated',
                            label, size_bytes, members, pool)
        out = self.call_with_job(
            'CreateOrModifyCompositeElement',
            self.info.service('ElementCompositionService'), what,
            ElementName=label,
            ElementType=cim.ELEMENT_TYPE_THIN_COMPOSITE,
            Size=int(size_bytes), ElementSource=cim.ELEMENT_SOURCE_NEW,
            EMCInPools=[self.pool_path(pool)],
            CompositeType=cim.COMPOSITE_STRIPED if striped
            else cim.COMPOSITE_CONCATENATED,
            EMCNumberOfMembers=int(members))
        return self._created_volume(out, 'TheElement', what)

    def append_meta_member(self, device_id, member_id, head_is_composite):
        what = 'append member %s to device %s' % (member_id, device_id)
        service = self.info.service('ElementCompositionService')
        if head_is_composite:
            self.call_with_job(
                'CreateOrModifyCompositeElement', service, what,
                TheElement=self.volume_path(device_id),
                InElements=[self.volume_path(member_id)])
        else:
            self.call_with_job(
                'CreateOrModifyCompositeElement', service, what,
                ElementType=cim.ELEMENT_TYPE_PLAIN,
                CompositeType=cim.COMPOSITE_CONCATENATED,
                InElements=[self.volume_path(device_id),
                            self.volume_path(member_id)])

    # -- storage groups -------------------------------------------------------

    def get_group(self, name):
        """The storage group instance, or None when absent."""
        try:
            return self.session.get_instance(
                self.group_path(name),
                ['ElementName', 'EMCSRP', 'EMCSLO', 'EMCWorkload',
                 'EMCFastSetting', 'EMCDisableCompression'])
        except exceptions.ObjectNotFound:
            return None

    def create_storage_group(self, name, srp=None, slo=None, workload=None,
                             disable_compression=None, fast_policy=None,
                             members=()):
        """Create a storage group; returns True if this call created it,
        False if it already existed (a concurrent creator won the race)."""
        what = 'create storage group %s' % name
        try:
            self.call_with_job(
                'CreateGroup',
                self.info.service('ControllerConfigurationService'), what,
                GroupName=name, Type=cim.GROUP_TYPE_STORAGE,
                Members=[self.volume_path(m) for m in members] or None,
                EMCSRP=srp, EMCSLO=slo, EMCWorkload=workload,
                EMCDisableCompression=disable_compression or None,
                EMCFastSetting=fast_policy)
        except exceptions.ArrayRuleError as exc:
            if _says_exists(exc) and self.get_group(name) is not None:
                LOG.info('Storage group %s was created concurrently; '
                         'using it', name)
                return False
            raise
        return True

    def delete_group(self, name, force=False):
        """Delete a storage group; True if deleted, False if already gone."""
        what = 'delete storage group %s' % name
        try:
            self.call_with_job(
                'DeleteGroup',
                self.info.service('ControllerConfigurationService'), what,
                MaskingGroup=self.group_path(name), Force=force)
        except exceptions.ObjectNotFound:
            return False
        return True

    def add_members(self, group, device_ids):
        self.call_with_job(
            'AddMembers',
            self.info.service('ControllerConfigurationService'),
            'add device(s) %s to storage group %s'
            % (', '.join(device_ids), group),
            MaskingGroup=self.group_path(group),
            Members=[self.volume_path(d) for d in device_ids])

    def remove_members(self, group, device_ids):
        self.call_with_job(
            'RemoveMembers',
            self.info.service('ControllerConfigurationService'),
            'remove device(s) %s from storage group %s'
            % (', '.join(device_ids), group),
            MaskingGroup=self.group_path(group),
            Members=[self.volume_path(d) for d in device_ids])

    def groups_of_volume(self, device_id):
        """Names of the storage groups a device is in ([] if it is gone)."""
        try:
            names = self.session.associator_names(
                self.volume_path(device_id),
                assoc_class='CIM_OrderedMemberOfCollection',
                result_class=paths.STORAGE_GROUP_CLASS)
        except exceptions.ObjectNotFound:
            return []
        prefix = self.info.system_name + self.info.sep
        result = []
        for name in names:
            instance_id = name.keybindings.get('InstanceID', '')
            result.append(instance_id[len(prefix):]
                          if instance_id.startswith(prefix)
                          else paths.last_field(instance_id, self.info.sep))
        return sorted(result)

    # -- replication ----------------------------------------------------------

    def pairs_of_volume(self, device_id):
        """Sync pairs the device takes part in, as
        ``[{'source': id, 'target': id}]`` ([] if the device is gone)."""
        try:
            refs = self.session.reference_names(
                self.volume_path(device_id), result_class=paths.SYNC_CLASS)
        except exceptions.ObjectNotFound:
            return []
        pairs = []
        for ref in refs:
            source = ref.keybindings['SystemElement']
            target = ref.keybindings['SyncedElement']
            if source.keybindings.get('SystemName') != self.system_name or \
                    target.keybindings.get('SystemName') != self.system_name:
                continue    # a remote (SRDF) pair: not ours to touch here
            pairs.append({'source': paths.device_id_of(source),
                          'target': paths.device_id_of(target)})
        return pairs

    def create_snapshot_target(self, source_id, label, group):
        """VMAX3 SnapVX: snapshot ``source_id`` as ``label`` and let the
        array create and link a target device of that name in ``group``;
        returns the target's volume record once its copy is complete."""
        if self.info.default_rsd is None:
            raise exceptions.NotLicensed(
                'Array %s offers no SnapVX replication settings'
                % self.info.serial)
        rsd = self.info.default_rsd.copy()
        rsd['TargetElementSupplier'] = pywbem.Uint16(
            cim.TARGET_SUPPLIED_BY_ARRAY)
        what = 'snapshot device %s as %s with an array-created target' % (
            source_id, label)
        out = self.call_with_job(
            'CreateElementReplica',
            self.info.service('ReplicationService'), what,
            ElementName=label, SyncType=cim.SYNC_TYPE_SNAPSHOT,
            SourceElement=self.volume_path(source_id),
            ReplicationSettingData=rsd,
            Collections=[self.group_path(group)] if group else None,
            WaitForCopyState=cim.COPY_STATE_SYNCHRONIZED)
        return self._created_volume(out, 'TargetElement', what)

    def create_replica(self, source_id, target_id, name, sync_type,
                       wait_for_copy=True):
        """Copy ``source_id`` onto the existing device ``target_id``
        (SnapVX link on VMAX3, TimeFinder clone on VMAX2)."""
        what = '%s device %s to device %s' % (
            'SnapVX-link' if sync_type == cim.SYNC_TYPE_SNAPSHOT
            else 'clone', source_id, target_id)
        self.call_with_job(
            'CreateElementReplica',
            self.info.service('ReplicationService'), what,
            ElementName=name, SyncType=sync_type,
            SourceElement=self.volume_path(source_id),
            TargetElement=self.volume_path(target_id),
            WaitForCopyState=cim.COPY_STATE_SYNCHRONIZED
            if wait_for_copy else None)
        return {'source': source_id, 'target': target_id}

    def modify_pair(self, source_id, target_id, operation, force=False):
        """Detach (8) or dissolve (9) a pair; False if it is already gone."""
        what = '%s pair %s -> %s' % (
            'dissolve' if operation == cim.OPERATION_DISSOLVE else
            'detach' if operation == cim.OPERATION_DETACH else
            'operation %s on' % operation, source_id, target_id)
        try:
            self.call_with_job(
                'ModifyReplicaSynchronization',
                self.info.service('ReplicationService'), what,
                Operation=operation,
                Synchronization=self.pair_path(source_id, target_id),
                Force=force)
        except exceptions.ObjectNotFound:
            return False
        return True

    def pair_exists(self, source_id, target_id):
        try:
            self.session.get_instance(self.pair_path(source_id, target_id),
                                      ['CopyState'])
        except exceptions.ObjectNotFound:
            return False
        return True

    def wait_for_copy(self, source_id, target_id, progress=None):
        return self.waiter.wait_for_copy(
            self.pair_path(source_id, target_id),
            'copy device %s to device %s' % (source_id, target_id),
            progress=progress)

    # -- pools ----------------------------------------------------------------

    def pool_capacity(self, pool_name):
        pool = self.session.get_instance(
            self.pool_path(pool_name),
            ['TotalManagedSpace', 'RemainingManagedSpace',
             'EMCSubscribedCapacity', 'EMCPercentReservedCapacity',
             'EMCMaxSubscriptionPercent'])
        return {key: (None if pool.get(key) is None else int(pool[key]))
                for key in ('TotalManagedSpace', 'RemainingManagedSpace',
                            'EMCSubscribedCapacity',
                            'EMCPercentReservedCapacity',
                            'EMCMaxSubscriptionPercent')}

    # -- methods with jobs ----------------------------------------------------

    def call_with_job(self, method, target, what, **params):
        """Invoke a method and, when it starts a job, wait for the job.

        Returns the method's out-parameters.  Raises MethodFailed for a
        return code other than 0 / 4096, JobFailed / WaitTimeout from the
        job wait.
        """
        rc, out = self._invoke_when_unlocked(method, target, what, params)
        if rc == cim.RC_DONE:
            return out
        if rc == cim.RC_JOB_STARTED and out.get('Job') is not None:
            try:
                self.waiter.wait_for_job(out['Job'], what)
            except (exceptions.JobFailed, exceptions.WaitTimeout):
                raise
            except exceptions.VmaxError as exc:
                # The method was accepted; only reading its job failed.
                exc.ambiguous = True
                raise
            return out
        raise exceptions.MethodFailed(
            '%s (to %s) returned %s without starting a job'
            % (method, what, rc), array_message='return code %s' % rc,
            return_code=rc)

    def _invoke_when_unlocked(self, method, target, what, params):
        # Retries back off (locked_retry_delay) within the time a job wait
        # may take, (retries - 1) x interval: the same bound as before,
        # in fewer calls when the hold is long.
        waiter = self.waiter
        started = waiter.monotonic()
        budget = waiter.interval * max(waiter.retries - 1, 0)
        attempt = 0
        while True:
            attempt += 1
            try:
                return self.session.invoke(method, target, **params)
            except exceptions.ArrayRuleError as exc:
                if not _says_locked(exc):
                    raise
                waited = waiter.monotonic() - started
                delay = min(locked_retry_delay(waiter.interval, attempt),
                            budget - waited)
                if attempt >= waiter.retries or delay <= 0:
                    exc.message = '%s; still locked after %d attempts ' \
                        'over %.1f s' % (exc.message, attempt, waited)
                    raise
                LOG.info('%s (to %s) refused, a change session holds the '
                         'group; retrying in %.1f s (attempt %d)',
                         method, what, delay, attempt)
                waiter.sleep(delay)

    def settle_job(self, error):
        """After a job wait timed out, give the job one more (shorter)
        bounded wait so a revert can see and undo what it did.  Returns
        True when the job is no longer running."""
        job_id = getattr(error, 'job_id', None)
        if not isinstance(error, exceptions.WaitTimeout) or not job_id:
            return True
        try:
            self.waiter.wait_for_job(paths.job(job_id),
                                     'finish before it is undone',
                                     retries=max(1, self.waiter.retries
                                                 // 4))
        except exceptions.WaitTimeout:
            return False
        except exceptions.VmaxError:
            return True
        return True

    def _created_volume(self, out, out_key, what):
        element = out.get(out_key)
        if element is None and out.get('Job') is not None:
            found = self.session.associators(
                out['Job'], assoc_class='CIM_AffectedJobElement',
                result_class=paths.VOLUME_CLASS,
                property_list=VOLUME_PROPERTIES)
            if found:
                return volume_record(found[0], self.info.system_name)
        if element is None:
            raise exceptions.ArrayRequestError(
                'The provider did not say which device it created to %s'
                % what)
        record = {'device_id': paths.device_id_of(element), 'label': None,
                  'size_bytes': int(out['Size']) if out.get('Size')
                  is not None else None,
                  'system_name': self.info.system_name, 'composite': False}
        return record


def locked_retry_delay(interval, attempt, cap_factor=LOCKED_BACKOFF_CAP):
    """Seconds to wait before retrying a change refused because another
    change session holds the group: ``interval`` doubled per attempt, at
    most ``cap_factor`` intervals.  A short hold (another attach on the same
    host) is retried at once; a long one (a job still working on the group)
    costs few calls, and every attempt stays bounded."""
    return interval * min(2 ** (attempt - 1), cap_factor)


def _says_locked(exc):
    text = (exc.array_message or str(exc)).lower()
    return any(word in text for word in LOCKED_WORDS)


def _says_exists(exc):
    text = (exc.array_message or str(exc)).lower()
    return any(word in text for word in ALREADY_EXISTS_WORDS)
