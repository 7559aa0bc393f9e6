"""The operations ``vmax-demo`` runs, in order: :data:`STEPS`.

Each step is a method of :class:`LifecycleSteps` (mixed into
``vmax_driver.demo.Demo``) that calls the driver as the volume manager
would, applies the model update to the Cinder object, and returns
``(text, ok)``: the first line of ``text`` is the step's result in the
progress line and the summary, further lines are shown under it.  A step
that cannot run here (fault injection against a served provider,
failover without an SRDF partner) is ``skipped: why`` and still ok.
"""

import textwrap

from vmax_driver import demo_objects as dobj

# The method the injected fault hits: the dissolve that finishes a SnapVX
# clone (detach on VMAX2), i.e. after the target exists and is linked.
FAULT_METHOD = 'ModifyReplicaSynchronization'
WORKLOAD_SPEC = 'storagetype:workload'
# State kinds (vmax_sim's snapshot keys) that must not outlive the demo.
LEFTOVER_KINDS = ('device', 'snapshot', 'relationship', 'replication_group',
                  'group_relationship', 'view')


class LifecycleSteps(object):
    """Step methods; the host class provides ``driver``, ``context``,
    ``sim`` (None with ``--url``), ``objects``, ``types``, ``baseline``
    and ``replicating`` (a replication_device is configured)."""

    # -- helpers -------------------------------------------------------------

    def make_types(self, choice):
        """The volume and group types of the run, for the array found."""
        make = dobj.volume_type
        self.types = {
            'default': make(self.context, 'vmax-demo'),
            'replicated': make(self.context, 'vmax-demo-replicated',
                               {dobj.REPLICATION_SPEC: '<is> True'}),
            'group': dobj.group_type(self.context, 'vmax-demo-cg', {
                dobj.GROUP_SNAPSHOT_SPEC: '<is> True'})}
        if choice.service_level:
            # Same array and SRP, another workload: the array moves the
            # device to another storage group, no data is copied.
            workload = 'OLTP' if choice.workload == 'DSS' else 'DSS'
            self.types['retype'] = make(
                self.context, 'vmax-demo-%s' % workload.lower(),
                {WORKLOAD_SPEC: workload})

    def group_type_spec(self, group_type_id, key):
        """The driver's group-type lookup (Cinder's reads the database)."""
        gtype = self.types.get('group')
        if gtype is None or gtype.id != group_type_id:
            return False
        return (gtype.group_specs or {}).get(key, False)

    def _new_volume(self, key, size, vtype=None):
        volume = dobj.volume(self.context, self.driver, 'demo %s' % key,
                             size, vtype or self.types['default'])
        self.objects[key] = volume
        return volume

    def _create(self, key, size, vtype=None):
        volume = self._new_volume(key, size, vtype)
        return dobj.apply(volume, self.driver.create_volume(volume))

    def _storage_groups(self, volume):
        """The device's storage groups, read from the embedded array
        (proof of where it is); '' with ``--url``."""
        if self.sim is None:
            return ''
        location = _location(volume.provider_location)
        groups = self.sim.array(location['array']).groups_of_device(
            location['device_id'])
        return ', '.join(sorted(groups))

    # -- core operations -----------------------------------------------------

    def step_start_driver(self):
        self.driver.do_setup(self.context)
        self.driver.check_for_setup_error()
        self.driver.init_capabilities()
        self.driver.set_initialized()
        stats = self.driver.get_volume_stats(refresh=True)
        if self.sim is not None:
            self.baseline = self.sim.snapshot()
        pool = (stats.get('pools') or [stats])[0]
        text = 'ok: pool %s, %s GiB free of %s GiB' % (
            pool.get('pool_name', '-'), pool.get('free_capacity_gb'),
            pool.get('total_capacity_gb'))
        if stats.get('replication_enabled'):
            text += '\nreplication to %s' % ', '.join(
                stats.get('replication_targets') or ())
        return text, True

    def step_create_volume(self):
        volume = self._create('vol-1', 1)
        return 'ok: vol-1 (1 GiB) is device %s' % _device(volume), True

    def step_create_snapshot(self):
        snapshot = dobj.snapshot(self.context, 'demo snap-1',
                                 self.objects['vol-1'])
        self.objects['snap-1'] = snapshot
        dobj.apply(snapshot, self.driver.create_snapshot(snapshot))
        return 'ok: snap-1 of vol-1 is device %s' % _device(snapshot), True

    def step_clone(self):
        volume = self._new_volume('vol-2', 1)
        dobj.apply(volume, self.driver.create_cloned_volume(
            volume, self.objects['vol-1']))
        return 'ok: vol-2 cloned from vol-1 is device %s' % _device(
            volume), True

    def step_clone_with_fault(self):
        if self.sim is None:
            return ('skipped: fault injection needs the embedded '
                    'simulator (no --url)', True)
        from cinder import exception
        before = self.sim.snapshot()
        rule = self.sim.faults.add('job_exception', method=FAULT_METHOD,
                                   times=1, error_code=1,
                                   description='demo: injected failure')
        volume = self._new_volume('vol-x', 1)
        try:
            self.driver.create_cloned_volume(volume, self.objects['vol-1'])
        except exception.VolumeBackendAPIException as exc:
            failure = str(exc)
        else:
            return 'FAILED: the clone succeeded despite the fault', False
        finally:
            self.sim.faults.remove(rule)
            self.objects.pop('vol-x', None)
        diff = self.sim.diff(before)
        lines = ['%s: clone failed at %s as injected; reverted' % (
            'ok' if not diff else 'FAILED', FAULT_METHOD)]
        lines += textwrap.wrap('cinder saw: %s' % failure, 100,
                               subsequent_indent='  ')
        lines.append('array state diff after the revert: %s' % (
            'empty - the array is exactly as before' if not diff
            else 'NOT empty:'))
        lines.extend('  ' + line for line in diff.lines())
        return '\n'.join(lines), not diff

    def step_create_from_snapshot(self):
        volume = self._new_volume('vol-3', 2)
        dobj.apply(volume, self.driver.create_volume_from_snapshot(
            volume, self.objects['snap-1']))
        return 'ok: vol-3 (2 GiB) from snap-1 is device %s' % _device(
            volume), True

    def step_extend(self):
        volume = self.objects['vol-1']
        self.driver.extend_volume(volume, 3)
        volume.size = 3
        return 'ok: vol-1 is now 3 GiB', True

    # -- attach, detach, retype ----------------------------------------------

    def step_attach(self):
        from vmax_flows import iscsi_info
        info = self.driver.initialize_connection(self.objects['vol-1'],
                                                 dobj.CONNECTOR)
        data = iscsi_info.loggable(info)['data']
        # Multipath: one IQN, portal and LUN per port of the port group.
        paths = [len(data.get(key) or ()) for key in
                 ('target_iqns', 'target_portals', 'target_luns')]
        ok = paths[0] > 0 and len(set(paths)) == 1
        lines = ['%s: vol-1 masked to %s, LUN %s' % (
            'ok' if ok else 'FAILED', dobj.CONNECTOR['host'],
            data.get('target_lun')),
            'connector: initiator %s, multipath %s' % (
                dobj.CONNECTOR['initiator'], dobj.CONNECTOR['multipath'])]
        for key in ('target_iqns', 'target_portals', 'target_luns'):
            lines.append('%s: %s' % (key, ', '.join(
                str(v) for v in data.get(key) or ())))
        lines.append('auth: %s' % ('%s %s / %s' % (
            data['auth_method'], data['auth_username'],
            data['auth_password']) if data.get('auth_method') else 'none'))
        return '\n'.join(lines), ok

    def step_detach(self):
        self.driver.terminate_connection(self.objects['vol-1'],
                                         dobj.CONNECTOR)
        return 'ok: vol-1 unmasked from %s' % dobj.CONNECTOR['host'], True

    def step_retype(self):
        new_type = self.types.get('retype')
        if new_type is None:
            return ('skipped: the array offers no service levels '
                    '(VMAX2)', True)
        volume = self.objects['vol-2']
        old_type, groups_before = volume.volume_type, \
            self._storage_groups(volume)
        moved = self.driver.retype(
            self.context, volume, new_type,
            dobj.type_diff(old_type, new_type),
            dobj.scheduler_host(self.driver))
        if not moved:
            return ('FAILED: the driver handed the retype back to Cinder '
                    '(host-assisted migration)', False)
        # What the manager records after a retype the driver did.
        volume.volume_type_id, volume.volume_type = new_type.id, new_type
        text = 'ok: vol-2 moved by the array to type %s (%s)' % (
            new_type.name, ', '.join('%s=%s' % item for item in
                                     sorted(new_type.extra_specs.items())))
        if groups_before:
            text += '\nstorage group %s -> %s' % (
                groups_before, self._storage_groups(volume))
        return text, True

    # -- groups --------------------------------------------------------------

    def step_create_group(self):
        group = dobj.group(self.context, self.types['group'],
                           [self.types['default']], 'demo group')
        self.objects['group'] = group
        dobj.apply(group, self.driver.create_group(self.context, group))
        members = [self._create(key, 1) for key in ('grp-a', 'grp-b')]
        self.driver.update_group(self.context, group, add_volumes=members)
        for volume in members:
            volume.group_id, volume.group = group.id, group
        return ('ok: consistent group with grp-a, grp-b (devices %s) '
                'added by update_group' % ', '.join(
                    _device(v) for v in members), True)

    def step_group_snapshot(self):
        group = self.objects['group']
        members = [self.objects['grp-a'], self.objects['grp-b']]
        gsnap = dobj.group_snapshot(self.context, group, 'demo group snap')
        snapshots = [dobj.snapshot(self.context, 'demo %s snap' % i, v,
                                   gsnap)
                     for i, v in zip(('grp-a', 'grp-b'), members)]
        self.objects['group-snap'] = (gsnap, snapshots)
        model, updates = self.driver.create_group_snapshot(
            self.context, gsnap, snapshots)
        dobj.apply(gsnap, model)
        by_id = {u['id']: u for u in updates}
        for snap in snapshots:
            dobj.apply(snap, by_id.get(snap.id))
        ok = gsnap.status == 'available' and all(
            s.status == 'available' for s in snapshots)
        return ('%s: group snapshot of 2 volumes, one point in time '
                '(devices %s)' % ('ok' if ok else 'FAILED', ', '.join(
                    _device(s) for s in snapshots)), ok)

    def step_delete_group(self):
        gsnap, snapshots = self.objects.pop('group-snap')
        model, _ = self.driver.delete_group_snapshot(self.context, gsnap,
                                                     snapshots)
        group = self.objects.pop('group')
        members = [self.objects.pop(k) for k in ('grp-a', 'grp-b')]
        group_model, updates = self.driver.delete_group(self.context,
                                                        group, members)
        ok = model.get('status') == 'deleted' and \
            group_model.get('status') == 'deleted' and \
            all(u.get('status') == 'deleted' for u in updates)
        return ('%s: group snapshot, group and its %d volumes deleted'
                % ('ok' if ok else 'FAILED', len(updates)), ok)

    # -- replication ---------------------------------------------------------

    def _no_replication(self):
        return 'skipped: no SRDF partner array to replicate to', True

    def step_create_replicated(self):
        if not self.replicating:
            return self._no_replication()
        volume = self._create('vol-r', 1, self.types['replicated'])
        remote = _location(volume.replication_driver_data)
        return ('ok: vol-r is SRDF/S pair %s -> %s:%s, replication %s' % (
            _device(volume), remote.get('array'), remote.get('device_id'),
            volume.replication_status), True)

    def _fail(self, secondary_id, expected_status):
        volume = self.objects['vol-r']
        # Cinder passes the backend's volumes; the demo's replicated one.
        active, updates, _ = self.driver.failover_host(
            self.context, [volume], secondary_id=secondary_id, groups=[])
        for update in updates:
            dobj.apply(volume, update['updates'])
        where = _location(volume.provider_location)
        ok = volume.replication_status == expected_status
        pool = self.driver.get_volume_stats(refresh=True)['pools'][0]
        return ('%s: active backend %s; vol-r replication %s, served by '
                '%s:%s\nthe driver now reports pool %s' % (
                    'ok' if ok else 'FAILED', active or 'default',
                    volume.replication_status, where.get('array'),
                    where.get('device_id'), pool.get('pool_name')), ok)

    def step_failover(self):
        if not self.replicating:
            return self._no_replication()
        return self._fail(None, 'failed-over')

    def step_failback(self):
        if not self.replicating:
            return self._no_replication()
        return self._fail('default', 'enabled')

    # -- clean up ------------------------------------------------------------

    def step_delete_all(self):
        deleted = []
        for key in ('vol-r', 'vol-3', 'vol-2', 'snap-1', 'vol-1'):
            cinder_object = self.objects.pop(key, None)
            if cinder_object is None:
                continue
            if key.startswith('snap'):
                self.driver.delete_snapshot(cinder_object)
            else:
                self.driver.delete_volume(cinder_object)
            deleted.append(key)
        return 'ok: deleted %s' % ', '.join(deleted), True

    def step_check_array(self):
        """Nothing the demo made is left: no device, snapshot, pair,
        replication group or masking view."""
        if self.sim is None:
            return 'skipped: needs the embedded simulator (no --url)', True
        diff = self.sim.diff(self.baseline)
        left = [key for kind in LEFTOVER_KINDS
                for key in diff.created_keys(kind)]
        lines = ['%s: %s' % (
            'ok' if not left else 'FAILED',
            'no devices, snapshots, pairs or groups left' if not left else
            '%d object(s) left' % len(left))]
        # Storage groups the flows made for a placement stay, as on a
        # real array; show every change for the record.
        if diff:
            lines.append('changes kept since the driver started (storage '
                         'groups stay, as on a real array):')
        lines.extend('  ' + line for line in diff.lines())
        return '\n'.join(lines), not left


# (step name shown to the user, LifecycleSteps method)
STEPS = [
    ('start driver', 'step_start_driver'),
    ('create volume', 'step_create_volume'),
    ('create snapshot', 'step_create_snapshot'),
    ('clone volume', 'step_clone'),
    ('clone with injected fault', 'step_clone_with_fault'),
    ('create volume from snapshot', 'step_create_from_snapshot'),
    ('extend volume', 'step_extend'),
    ('attach volume', 'step_attach'),
    ('detach volume', 'step_detach'),
    ('retype volume', 'step_retype'),
    ('create group', 'step_create_group'),
    ('group snapshot', 'step_group_snapshot'),
    ('delete group', 'step_delete_group'),
    ('create replicated volume', 'step_create_replicated'),
    ('fail over', 'step_failover'),
    ('fail back', 'step_failback'),
    ('delete everything', 'step_delete_all'),
    ('check the array', 'step_check_array'),
]


def _location(text):
    from vmax_flows import naming
    return naming.decode_provider_location(text) or {}


def _device(cinder_object):
    return _location(cinder_object.provider_location).get('device_id', '?')


def first_line(text, limit):
    line = (text or '').strip().splitlines()[0] if text else ''
    return line if len(line) <= limit else line[:limit - 3] + '...'
