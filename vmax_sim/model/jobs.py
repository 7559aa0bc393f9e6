"""Jobs and the clock tick.

The CIM layer wraps each extrinsic method that changes the array in a job:

    job = jobs.start_job(
        estate, serial, 'CreateOrModifyElementFromStoragePool',
        lambda: volumes.create_volume(estate, serial, ...))
    job.result          # the Device the action returned
    job.affected        # [ElementKey('device', serial, '0001A')]
    job.finished, job.state, job.error_code, job.error_description

``start_job`` runs the action at once (a rule violation raises
``ArrayError`` and no job is created: the CIM layer answers a CIM error),
except for the ``RULE_LATE`` rule, whose action waits until the job
finishes.  The job then runs until its rule is satisfied (see
:func:`tick`); while it runs it holds a change session on the storage
groups it touched (``locks``).
"""

from vmax_sim.model import errors
from vmax_sim.model import objects as o


def key_of(serial, obj):
    """The :class:`~objects.ElementKey` of a model object (or a key)."""
    if isinstance(obj, o.ElementKey):
        return obj
    if isinstance(obj, o.Device):
        return o.ElementKey(o.KIND_DEVICE, serial, obj.device_id)
    if isinstance(obj, o.StorageGroup):
        return o.ElementKey(o.KIND_SG, serial, obj.name)
    if isinstance(obj, o.InitiatorGroup):
        return o.ElementKey(o.KIND_IG, serial, obj.name)
    if isinstance(obj, o.PortGroup):
        return o.ElementKey(o.KIND_PG, serial, obj.name)
    if isinstance(obj, o.MaskingView):
        return o.ElementKey(o.KIND_VIEW, serial, obj.name)
    if isinstance(obj, o.HardwareId):
        return o.ElementKey(o.KIND_HWID, serial, obj.storage_id)
    if isinstance(obj, o.Relationship):
        return o.ElementKey(o.KIND_RELATIONSHIP, obj.source_serial,
                            str(obj.rel_id))
    if isinstance(obj, o.GroupRelationship):
        return o.ElementKey(o.KIND_GROUP_RELATIONSHIP, obj.serial,
                            str(obj.group_rel_id))
    if isinstance(obj, o.ReplicationGroup):
        return o.ElementKey(o.KIND_RG, serial, obj.name)
    if isinstance(obj, o.Snapshot):
        return o.ElementKey(o.KIND_SNAPSHOT, serial, obj.ident)
    raise TypeError('no element key for %r' % (obj,))


def _keys(serial, result):
    if result is None:
        return []
    if isinstance(result, (list, tuple)) and not isinstance(
            result, o.ElementKey):
        keys = []
        for item in result:
            keys.extend(_keys(serial, item))
        return keys
    return [key_of(serial, result)]


def start_job(estate, serial, method, action=None, *, affected=(),
              locks=None, rule=o.RULE_AT, duration=None, fail=None,
              sync_rel_ids=None):
    """Create a job for ``method`` on array ``serial`` and return it.

    ``action``: a callable doing the model operation; what it returns
    (objects, keys or a list of them) becomes ``job.result`` and is added
    to ``job.affected`` (after the keys given in ``affected``).
    ``rule``: ``RULE_AT`` (finish after ``duration`` seconds; default the
    array's ``job_duration_s`` when ``async_jobs``, else 0),
    ``RULE_SYNCED`` (finish when the relationships in ``sync_rel_ids`` --
    by default those the action returned, group members included -- are
    synchronized; ``WaitForCopyState=4``), ``RULE_NEVER`` (stuck in
    Running), ``RULE_LATE`` (the action runs only when the job finishes
    after ``duration``).  ``fail=(code, description)`` makes the job end
    in Exception after ``duration`` without running the action.
    ``locks``: names of SGs the job holds a change session on while it
    runs; by default the SGs among the affected keys.
    The job's state is settled at once, so a zero-duration job is
    already Completed when returned.
    """
    estate.tick()
    arr = estate.array(serial)
    now = estate.clock.now()
    if duration is None:
        duration = arr.job_duration_s if arr.async_jobs else 0.0
    job = o.Job(job_id=estate.next_job_id, serial=serial, method=method,
                state=o.JOB_RUNNING, rule=rule, due=now + duration,
                submitted_at=now, affected=list(affected))
    if fail:
        job.fail_code, job.fail_description = int(fail[0]), str(fail[1])
    elif rule == o.RULE_LATE:
        job.action = action
    elif action is not None:
        job.result = action()
        job.affected.extend(_keys(serial, job.result))
    if sync_rel_ids is None:
        sync_rel_ids = []
        for key in job.affected:
            if key.kind == o.KIND_RELATIONSHIP:
                sync_rel_ids.append(int(key.ident))
            elif key.kind == o.KIND_GROUP_RELATIONSHIP:
                group_rel = estate.group_relationships.get(int(key.ident))
                if group_rel is not None:
                    sync_rel_ids.extend(group_rel.member_rel_ids)
    job.sync_rel_ids = list(sync_rel_ids)
    if locks is None:
        locks = [k.ident for k in job.affected
                 if k.kind == o.KIND_SG and k.serial == serial]
    job.locks = list(locks)
    estate.next_job_id += 1
    estate.jobs[job.job_id] = job
    estate._running[job.job_id] = None
    _settle(estate, job, now)
    return job


def get_job(estate, job_id):
    """The job ``job_id`` (int or decimal text); ObjectNotFound if none."""
    try:
        return estate.jobs[int(job_id)]
    except (KeyError, ValueError, TypeError):
        raise errors.ObjectNotFound(errors.job_not_found(job_id))


def terminate_job(estate, job_id):
    """Stop a running job (JobState 8); its deferred action never runs."""
    job = get_job(estate, job_id)
    if not job.finished:
        _finish(estate, job, o.JOB_TERMINATED)
    return job


def purge_finished_jobs(estate, older_than_s):
    """Forget finished jobs that ended more than ``older_than_s`` ago;
    returns how many were removed."""
    limit = estate.clock.now() - older_than_s
    old = [j.job_id for j in estate.jobs.values()
           if j.finished and j.finished_at is not None
           and j.finished_at < limit]
    for job_id in old:
        del estate.jobs[job_id]
    return len(old)


def tick(estate):
    """Advance every copy and job to the clock's now.

    Copies move at their source array's ``copy_rate_mib_per_s`` (not
    while suspended or failed over); a copy that reaches its end becomes
    synchronized.  Then every running job whose rule is satisfied
    finishes (applying a deferred action first).  Returns the list of
    jobs that finished in this tick.
    """
    if estate._in_tick:
        return []
    estate._in_tick = True
    try:
        return _tick(estate)
    finally:
        estate._in_tick = False


def _tick(estate):
    now = estate.clock.now()
    last = estate.last_tick if estate.last_tick is not None else now
    estate.last_tick = max(now, last)
    elapsed = max(0.0, now - last)
    for rel_id in list(estate._copying):
        rel = estate.relationships.get(rel_id)
        if rel is None:
            estate._copying.pop(rel_id, None)
            continue
        _advance_copy(estate, rel, elapsed)
    finished = []
    for job_id in list(estate._running):
        job = estate.jobs[job_id]
        if _settle(estate, job, now):
            finished.append(job)
    return finished


def _advance_copy(estate, rel, elapsed):
    if rel.suspended or rel.failed_over:
        estate._copying.pop(rel.rel_id, None)
        return
    arr = estate.arrays.get(rel.source_serial)
    rate = (arr.copy_rate_mib_per_s if arr is not None else 0) * o.MIB
    if rel.copying:
        rel.bytes_copied = min(rel.bytes_to_copy,
                               rel.bytes_copied + int(rate * elapsed))
    if not rel.copying:
        rel.copy_state = o.COPY_STATE_SYNCHRONIZED
        rel.sync_state = o.SYNC_STATE_SYNCHRONIZED
        estate._copying.pop(rel.rel_id, None)


def _settle(estate, job, now):
    """Finish ``job`` if its rule allows; True when it finished now."""
    if job.finished:
        estate._running.pop(job.job_id, None)
        return False
    if job.rule == o.RULE_NEVER:
        return False
    if job.rule == o.RULE_SYNCED and not job.fail_code:
        percents = []
        for rel_id in job.sync_rel_ids:
            rel = estate.relationships.get(rel_id)
            if rel is not None and rel.copy_state != \
                    o.COPY_STATE_SYNCHRONIZED:
                percents.append(rel.percent_synced)
        if percents:
            job.percent = min(percents)
            return False
    elif job.due is not None and now < job.due:
        span = job.due - job.submitted_at
        job.percent = int(100 * (now - job.submitted_at) / span) if span \
            else 0
        return False
    if job.fail_code:
        job.error_code = job.fail_code
        job.error_description = job.fail_description
        _finish(estate, job, o.JOB_EXCEPTION)
        return True
    if job.action is not None:
        action, job.action = job.action, None
        # The job's own change session must not block its action.
        locks, job.locks = job.locks, []
        try:
            job.result = action()
        except errors.ArrayError as exc:
            job.error_code = exc.code
            job.error_description = exc.message
            _finish(estate, job, o.JOB_EXCEPTION)
            return True
        finally:
            job.locks = locks
        job.affected.extend(_keys(job.serial, job.result))
    job.percent = 100
    _finish(estate, job, o.JOB_COMPLETED)
    return True


def _finish(estate, job, state):
    job.state = state
    job.finished_at = estate.clock.now()
    job.action = None
    estate._running.pop(job.job_id, None)
