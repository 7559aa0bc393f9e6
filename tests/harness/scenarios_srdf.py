"""Harness scenarios of replicated (SRDF/S) volumes: create, delete and
extend the R1/R2 pair, fail a volume over and back (registered into
:data:`tests.harness.scenarios.SCENARIOS` at the end of that module).

They run on the two arrays of the srdf-pair profile (VMAX3 only), with
the driver's ``replication_device`` pointing at the second one.
"""

from tests.driver import test_replication_support as support
from tests.harness import scenario_base as base
from vmax_flows import naming

REPLICATED_ID = '7e7e7e7e-0000-4000-8000-000000000001'


def replicated_volume(backend, volume_id, size=1):
    return backend.volume(size=size, volume_id=volume_id,
                          extra_specs=support.REPLICATED)


def srdf_pairs_of(backend, serial, device_id):
    return [r for r in backend.sim.estate.relationships_of(serial,
                                                           device_id)
            if r.sync_type == 6]


def devices(backend, volume_id):
    """(R1, R2) devices labelled for the volume, on the two arrays."""
    label = naming.label(volume_id)
    found = []
    for serial in (support.PRIMARY, support.TARGET):
        found.append([d for d in backend.array_of(serial).devices.values()
                      if d.label == label])
    return found


class ReplicationScenario(base.Scenario):
    families = (base.VMAX3,)

    def profile(self, family):
        return 'srdf-pair', {}

    def backend_fixture(self, profile, options, sim):
        return support.GroupBackend(replicated=True, options=options,
                                    setup=False, sim=sim)

    def prepare(self, backend):
        volume = replicated_volume(backend, REPLICATED_ID)
        support.apply(volume, backend.driver.create_volume(volume))
        backend.sim.advance(base.COPY_SETTLE_SECONDS)
        return {'volume': volume}

    def check_pair(self, test, backend, volume_id, size_gb=1,
                   failed_over=False):
        (r1,), (r2,) = devices(backend, volume_id)
        test.assertEqual((size_gb * base.GIB,) * 2,
                         (r1.size_bytes, r2.size_bytes))
        pairs = srdf_pairs_of(backend, support.PRIMARY, r1.device_id)
        test.assertEqual([(support.TARGET, r2.device_id)],
                         [p.target_key for p in pairs])
        test.assertEqual(failed_over, pairs[0].failed_over)


class CreateReplicatedVolume(ReplicationScenario):
    operation = 'create_replicated_volume'

    def prepare(self, backend):
        return {}

    def act(self, backend, context):
        return backend.driver.create_volume(
            replicated_volume(backend, base.NEW_VOLUME_ID))

    def check_done(self, test, backend, context, result):
        self.check_pair(test, backend, base.NEW_VOLUME_ID)
        test.assertEqual('enabled', result['replication_status'])

    # No undo: without the model update a delete cannot tell which R2
    # is the volume's; the retry finishes (it finds both by label).


class DeleteReplicatedVolume(ReplicationScenario):
    operation = 'delete_replicated_volume'

    def act(self, backend, context):
        return backend.driver.delete_volume(context['volume'])

    def check_done(self, test, backend, context, result):
        test.assertEqual([[], []], devices(backend, REPLICATED_ID))


class ExtendReplicatedVolume(ReplicationScenario):
    operation = 'extend_replicated_volume'

    def act(self, backend, context):
        return backend.driver.extend_volume(context['volume'], 2)

    def check_done(self, test, backend, context, result):
        self.check_pair(test, backend, REPLICATED_ID, size_gb=2)


class FailoverVolume(ReplicationScenario):
    """``failover`` (Cinder's active-active half of failover_host): the
    volume's pair switches; the service's active array does not (that is
    ``failover_completed``), so every case starts from the same driver.
    A volume that could not be switched is reported ``failover-error``
    with the reason in the log; the scenario raises that."""

    operation = 'failover_volume'
    secondary_id = None
    failed_over_after = True

    def act(self, backend, context):
        with base.ErrorLog('vmax_driver.replication') as errors:
            _, updates, _ = backend.driver.failover(
                None, [context['volume']], secondary_id=self.secondary_id)
        update = updates[0]['updates']
        errors.raise_if(update.get('replication_status') ==
                        'failover-error', '%s: %s' % (self.operation,
                                                      update))
        return update

    def check_done(self, test, backend, context, result):
        self.check_pair(test, backend, REPLICATED_ID,
                        failed_over=self.failed_over_after)


class FailbackVolume(FailoverVolume):
    operation = 'failback_volume'
    secondary_id = 'default'
    failed_over_after = False

    def prepare(self, backend):
        context = super().prepare(backend)
        volume = context['volume']
        _, updates, _ = backend.driver.failover_host(None, [volume])
        support.apply(volume, updates[0]['updates'])
        return context


SCENARIOS = (CreateReplicatedVolume(), DeleteReplicatedVolume(),
             ExtendReplicatedVolume(), FailoverVolume(), FailbackVolume())
