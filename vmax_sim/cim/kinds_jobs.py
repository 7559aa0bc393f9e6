"""Instance kinds of jobs, RDF groups and VMAX2 FAST policies and tiers."""

from vmax_sim.cim import naming
from vmax_sim.cim import nodes
from vmax_sim.model import objects as o


# -- jobs, replication --------------------------------------------------------

class JobKind(nodes.Kind):
    name = 'job'
    classname = 'SE_ConcreteJob'

    def keys(self, node):
        return {'InstanceID': naming.join_id(node.array, node.item.job_id)}

    def item_ident(self, item):
        return item.job_id

    def properties(self, ctx, node):
        job = node.item
        percent = 100 if job.state == o.JOB_COMPLETED else job.percent
        changed = (job.finished_at if job.finished_at is not None
                   else job.submitted_at)
        return {'ElementName': job.method, 'Name': job.method,
                'Description': 'Job %d: %s' % (job.job_id, job.method),
                'JobState': job.state,
                'OperationalStatus': job.operational_status,
                'ErrorCode': job.error_code,
                'ErrorDescription': job.error_description,
                'PercentComplete': percent,
                'TimeSubmitted': nodes.cim_time(job.submitted_at),
                'StartTime': nodes.cim_time(job.submitted_at),
                'TimeOfLastStateChange': nodes.cim_time(changed),
                'DeleteOnCompletion': False}

    def find(self, ctx, keys, array=None):
        found, number = naming.split_id(ctx.estate, keys.get('InstanceID'))
        if found is None or not number.isdigit():
            return None
        job = ctx.estate.jobs.get(int(number))
        if job is None or job.serial != found.serial:
            return None
        return self.node(found, job)

    def each(self, ctx):
        for job in ctx.estate.jobs.values():
            array = ctx.estate.arrays.get(job.serial)
            if array is not None:
                yield self.node(array, job)


class RdfGroupKind(nodes.Kind):
    name = 'rdf_group'
    classname = 'Symm_RemoteReplicationCollection'

    def keys(self, node):
        group = node.item
        return {'InstanceID': naming.join_id(
            node.array, group.number, group.remote_serial,
            group.remote_number)}

    def item_ident(self, item):
        return item.number

    def properties(self, ctx, node):
        group = node.item
        return {'ElementName': group.label,
                'EMCRdfGroupNumber': group.number,
                'EMCRemoteRdfGroupNumber': group.remote_number,
                'EMCRemoteSymmetrixID': group.remote_serial}

    def find(self, ctx, keys, array=None):
        found, fields = naming.split_id(ctx.estate, keys.get('InstanceID'),
                                        3)
        if found is None or not fields[0].isdigit():
            return None
        group = found.rdf_groups.get(int(fields[0]))
        if (group is None or group.remote_serial != fields[1] or
                str(group.remote_number) != fields[2]):
            return None
        return self.node(found, group)

    def each(self, ctx):
        for array in ctx.estate.arrays.values():
            for group in array.rdf_groups.values():
                yield self.node(array, group)


# -- VMAX2 FAST ---------------------------------------------------------------

class PolicyRuleKind(nodes.Kind):
    name = 'policy_rule'
    classname = 'Symm_TierPolicyRule'

    def keys(self, node):
        return self._system_keys(node, PolicyRuleName=node.item.name)

    def properties(self, ctx, node):
        return {'ElementName': node.item.name,
                'CommonName': node.item.name, 'Enabled': 1}

    def find(self, ctx, keys, array=None):
        found = self._array_of_system_keys(ctx, keys)
        if found is None:
            return None
        policy = found.fast_policies.get(keys.get('PolicyRuleName'))
        return None if policy is None else self.node(found, policy)

    def each(self, ctx):
        for array in ctx.estate.arrays.values():
            for policy in array.fast_policies.values():
                yield self.node(array, policy)


class TierKind(nodes.Kind):
    """A storage tier of a VMAX2 FAST policy (tiers are found through the
    policies; one node per tier name and array)."""

    name = 'tier'
    classname = 'Symm_StorageTier'

    def keys(self, node):
        return {'InstanceID': naming.join_id(node.array, naming.TIER_TAG,
                                             node.item.name)}

    def properties(self, ctx, node):
        return {'ElementName': node.item.name}

    @staticmethod
    def tiers(array):
        seen = {}
        for policy in array.fast_policies.values():
            for tier in policy.tiers:
                seen.setdefault(tier.name, tier)
        return seen

    def find(self, ctx, keys, array=None):
        found, fields = naming.split_id(ctx.estate, keys.get('InstanceID'),
                                        2)
        if found is None or fields[0] != naming.TIER_TAG:
            return None
        tier = self.tiers(found).get(fields[1])
        return None if tier is None else self.node(found, tier)

    def each(self, ctx):
        for array in ctx.estate.arrays.values():
            for tier in self.tiers(array).values():
                yield self.node(array, tier)
