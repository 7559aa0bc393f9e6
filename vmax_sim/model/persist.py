"""JSON persistence of an estate: versioned, atomic on disk.

Only stored fields are written; derived indexes are rebuilt on load.  A
job's deferred action (a ``RULE_LATE`` job still running) cannot be
written: after a load such a job finishes without it.
"""

import dataclasses
import json
import os
import tempfile

from vmax_sim.model import clock as clock_mod
from vmax_sim.model import objects as o

FORMAT_VERSION = 1


def _plain(obj):
    """Public stored fields of a dataclass, recursively JSON-safe."""
    if dataclasses.is_dataclass(obj):
        return {f.name: _plain(getattr(obj, f.name))
                for f in dataclasses.fields(obj)
                if not f.name.startswith('_')
                and f.name not in ('action', 'result', 'clock')}
    if isinstance(obj, dict):
        return {str(k): _plain(v) for k, v in obj.items()}
    if isinstance(obj, (list, tuple)):
        return [_plain(v) for v in obj]
    return obj


def estate_to_dict(estate):
    """A JSON-safe dict of ``estate`` (see :data:`FORMAT_VERSION`)."""
    return {
        'format_version': FORMAT_VERSION,
        'clock': estate.clock.to_dict(),
        'next_job_id': estate.next_job_id,
        'next_wwn': estate.next_wwn,
        'next_rel_id': estate.next_rel_id,
        'next_group_rel_id': estate.next_group_rel_id,
        'last_tick': estate.last_tick,
        'arrays': [_plain(a) for a in estate.arrays.values()],
        'relationships': [_plain(r) for r in estate.relationships.values()],
        'group_relationships': [
            _plain(g) for g in estate.group_relationships.values()],
        'jobs': [_plain(j) for j in estate.jobs.values()],
    }


def _array_from_dict(data):
    stored = {f.name for f in dataclasses.fields(o.Array)
              if not f.name.startswith('_')}
    arr = o.Array(**{k: v for k, v in data.items()
                     if k in stored and k not in _COLLECTIONS})
    arr.se_version = tuple(arr.se_version)
    arr.pools = {
        name: o.Pool(**dict(p, settings=[tuple(s) for s in p['settings']]))
        for name, p in data.get('pools', {}).items()}
    arr.fast_policies = {
        name: o.FastPolicy(name=p['name'],
                           tiers=[o.Tier(**t) for t in p['tiers']])
        for name, p in data.get('fast_policies', {}).items()}
    arr.devices = {k: o.Device(**v) for k, v in data.get('devices',
                                                         {}).items()}
    for attr, cls in (('storage_groups', o.StorageGroup),
                      ('initiator_groups', o.InitiatorGroup),
                      ('hardware_ids', o.HardwareId),
                      ('ports', o.Port),
                      ('port_groups', o.PortGroup),
                      ('masking_views', o.MaskingView),
                      ('replication_groups', o.ReplicationGroup)):
        setattr(arr, attr, {k: cls(**v) for k, v in data.get(attr,
                                                             {}).items()})
    arr.snapshots = {dev: [o.Snapshot(**s) for s in snaps]
                     for dev, snaps in data.get('snapshots', {}).items()}
    arr.rdf_groups = {int(k): o.RdfGroup(**v)
                      for k, v in data.get('rdf_groups', {}).items()}
    return arr


_COLLECTIONS = ('pools', 'fast_policies', 'devices', 'storage_groups',
                'initiator_groups', 'hardware_ids', 'ports', 'port_groups',
                'masking_views', 'snapshots', 'replication_groups',
                'rdf_groups')


def estate_from_dict(data):
    version = data.get('format_version')
    if version != FORMAT_VERSION:
        raise ValueError('unsupported estate format version %r' % version)
    estate = o.Estate(clock=clock_mod.Clock.from_dict(data['clock']))
    for arr_data in data['arrays']:
        arr = _array_from_dict(arr_data)
        estate.arrays[arr.serial] = arr
    estate.relationships = {r['rel_id']: o.Relationship(**r)
                            for r in data.get('relationships', [])}
    estate.group_relationships = {
        g['group_rel_id']: o.GroupRelationship(**g)
        for g in data.get('group_relationships', [])}
    for job_data in data.get('jobs', []):
        job = o.Job(**job_data)
        job.affected = [o.ElementKey(*k) for k in job.affected]
        job.outputs = {k: (o.ElementKey(*v) if isinstance(v, list)
                           and len(v) == 3 else v)
                       for k, v in job.outputs.items()}
        estate.jobs[job.job_id] = job
    for name in ('next_job_id', 'next_wwn', 'next_rel_id',
                 'next_group_rel_id', 'last_tick'):
        setattr(estate, name, data[name])
    estate.reindex()
    return estate


def save(estate, path):
    """Write ``estate`` as JSON to ``path`` atomically (temp file in the
    same directory, fsync, rename)."""
    directory = os.path.dirname(os.path.abspath(path))
    fd, tmp = tempfile.mkstemp(prefix='.estate-', suffix='.json',
                               dir=directory)
    try:
        text = json.dumps(estate_to_dict(estate), separators=(',', ':'))
        with os.fdopen(fd, 'w') as out:
            out.write(text)
            out.flush()
            os.fsync(out.fileno())
        os.replace(tmp, path)
    except BaseException:
        if os.path.exists(tmp):
            os.unlink(tmp)
        raise


def load(path):
    with open(path) as src:
        return estate_from_dict(json.load(src))
