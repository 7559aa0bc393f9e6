"""What an extrinsic-method provider works with: the target node, the
checked parameters, reference resolution and the job runner (which is
where the job-shaped fault kinds act).
"""

import pywbem

from vmax_sim.cim import errors
from vmax_sim.cim import faults
from vmax_sim.cim import kinds
from vmax_sim.model import objects as o
from vmax_sim.model import ops

RC_OK = 0
RC_NOT_SUPPORTED = 1
RC_JOB_STARTED = 4096

WAIT_SYNCHRONIZED = 4   # WaitForCopyState: finish when CopyState is 4


class Invocation:
    """One extrinsic call being served.

    ``node`` is the target instance (None for a call on a class),
    ``params`` a NocaseDict of the checked input parameters, ``fault``
    the job-shaped fault rule acting on this call, if any.
    """

    def __init__(self, engine, node, methodname, params, fault=None):
        self.engine = engine
        self.estate = engine.estate
        self.node = node
        self.array = node.array if node is not None else None
        self.methodname = methodname
        self.params = params
        self.fault = fault

    @property
    def serial(self):
        return self.array.serial

    # -- parameters ----------------------------------------------------------

    def get(self, name, default=None):
        value = self.params.get(name)
        return default if value is None else value

    def require(self, name):
        value = self.params.get(name)
        if value is None:
            raise errors.invalid_parameter(
                'Method %s needs parameter %s' % (self.methodname, name))
        return value

    def _node(self, name, path, accepted, same_array):
        obj = self.engine.resolve(path, array=self.array)
        if not isinstance(obj, kinds.Node) or (
                accepted and obj.kind not in accepted):
            raise errors.invalid_parameter(
                'Parameter %s of method %s: %s cannot be used here'
                % (name, self.methodname, path.classname))
        if same_array and self.array is not None and \
                obj.array is not self.array:
            raise errors.invalid_parameter(
                'Parameter %s of method %s: the object belongs to array %s, '
                'not %s' % (name, self.methodname, obj.array.serial,
                            self.serial))
        return obj

    def ref(self, name, accepted=(), required=False, same_array=True):
        """The node a reference parameter names (None when absent and not
        required).  CIM_ERR_NOT_FOUND when the object does not exist,
        CIM_ERR_INVALID_PARAMETER when it is of a kind not ``accepted`` or
        (``same_array``) on another array."""
        path = self.require(name) if required else self.params.get(name)
        if path is None:
            return None
        return self._node(name, path, accepted, same_array)

    def refs(self, name, accepted=(), required=False, same_array=True):
        """The nodes of a reference-array parameter ([] when absent)."""
        paths = self.require(name) if required else self.params.get(name)
        return [self._node(name, path, accepted, same_array)
                for path in (paths or []) if path is not None]

    def embedded(self, name):
        """An embedded-instance parameter's property values (lower-case
        names), {} when absent."""
        inst = self.params.get(name)
        if inst is None:
            return {}
        return {pname.lower(): prop.value
                for pname, prop in inst.properties.items()}

    # -- results --------------------------------------------------------------

    @staticmethod
    def path_of(node):
        return node.path() if node is not None else None

    def volume_path(self, serial, device_id):
        array = self.estate.arrays.get(serial)
        dev = array.devices.get(device_id) if array is not None else None
        if dev is None:
            return None
        return kinds.VOLUME.node(array, dev).path()

    def done(self, out=None):
        """A synchronous answer without a job."""
        return RC_OK, dict(out or {})

    def run_job(self, action, outputs=None, affected=(), wait_sync=False,
                locks=None, sync_rel_ids=None):
        """Run ``action`` (a model operation) inside a job.

        ``outputs(result)`` maps the action's result to out-parameter
        values; ``affected`` are extra element keys for
        ``CIM_AffectedJobElement``; ``wait_sync`` keeps the job Running
        until its relationships are synchronized (WaitForCopyState 4).
        A job-shaped fault changes the job instead: Exception without
        running the action, stuck without running it, or late (the
        action runs when the clock passes the delay).

        Returns (rc, out values): 4096 when the array runs jobs
        asynchronously or the job is still running, else 0.
        """
        kwargs = {'affected': list(affected), 'locks': locks,
                  'sync_rel_ids': sync_rel_ids}
        fault = self.fault
        if fault is None:
            kwargs['rule'] = o.RULE_SYNCED if wait_sync else o.RULE_AT
        elif fault.kind == faults.JOB_EXCEPTION:
            kwargs['fail'] = (fault.args['error_code'],
                              fault.args['description'])
        elif fault.kind == faults.JOB_STUCK:
            kwargs['rule'] = o.RULE_NEVER
            action = None
        elif fault.kind == faults.JOB_LATE:
            kwargs['rule'] = o.RULE_LATE
            kwargs['duration'] = float(fault.args['seconds'])
        job = ops.start_job(self.estate, self.serial, self.methodname,
                            action, **kwargs)
        out = {}
        executed = fault is None or fault.kind != faults.JOB_LATE
        result = getattr(job, 'result', None)
        if executed and result is not None and outputs is not None and \
                fault is None:
            out.update(outputs(result))
        out['Job'] = kinds.JOB.node(self.array, job).path()
        if fault is not None or self.array.async_jobs or not job.finished:
            return RC_JOB_STARTED, out
        return RC_OK, out


def uint(value):
    """A CIM integer parameter as a Python int (None stays None)."""
    return None if value is None else int(value)


def is_true(value):
    return bool(value) if isinstance(value, bool) else False


def element_key(kind, serial, ident):
    return o.ElementKey(kind, serial, ident)


def volume_key(node):
    return o.ElementKey(o.KIND_DEVICE, node.array.serial,
                        node.item.device_id)


def group_key(node):
    kind = {kinds.SG.name: o.KIND_SG, kinds.IG.name: o.KIND_IG,
            kinds.PG.name: o.KIND_PG, kinds.RG.name: o.KIND_RG}[
                node.kind.name]
    return o.ElementKey(kind, node.array.serial, node.item.name)


def check_value(name, value, allowed):
    if value not in allowed:
        raise pywbem.CIMError(
            pywbem.CIM_ERR_INVALID_PARAMETER,
            'Parameter %s: value %s is not one of %s'
            % (name, value, ', '.join(str(a) for a in allowed)))
