"""Support for the group and SRDF flow tests: flows run through the real
runner and SMI-S client against simulated arrays (no driver, no Cinder).

:class:`Site` is one array with its client and default placement;
:func:`fail_each_step` injects a failing job at every array change a flow
makes, one run per change, and checks the array ends where it started.
"""

import collections
import logging
import uuid

import fixtures as fixtures_lib

from tests import fixtures
from vmax_flows import config
from vmax_flows import exceptions
from vmax_flows.flows import common
from vmax_flows.flows import create_volume
from vmax_flows import placement as placements
from vmax_flows import runner
from vmax_flows.smis import client as smis_client

GIB = 1024 ** 3
ARRAYS = {
    'vmax3-allflash': dict(array_serial='000197800123', pool='SRP_1',
                           service_level='Diamond', workload='OLTP'),
    'vmax2': dict(array_serial='000195900551', pool='FC_Pool',
                  fast_policy='GOLD1'),
    'srdf-pair': dict(array_serial='000197800123', pool='SRP_1',
                      service_level='Diamond', workload='OLTP'),
}


def backend_config(profile, **settings):
    values = dict(provider_host='ecom.example.test', provider_user='admin',
                  provider_password='secret', job_interval=2.0,
                  job_retries=30)
    values.update(ARRAYS[profile])
    values.update(settings)
    return config.BackendConfig(**values)


def connect(sim, backend):
    client = smis_client.ArrayClient(
        backend, connection_factory=sim.connection_factory,
        sleep=sim.advance, monotonic=sim.clock.now)
    client.setup()
    return client


class Site(object):
    """One simulated array: client, default placement, model."""

    def __init__(self, profile='vmax3-allflash', sim=None, **settings):
        self.sim = sim or fixtures.simulator(profile)
        self.backend = backend_config(profile, **settings)
        self.client = connect(self.sim, self.backend)
        self.placement = placements.check_backend(self.backend,
                                                  self.client.info)

    @property
    def serial(self):
        return self.client.info.serial

    @property
    def array(self):
        return self.sim.estate.arrays[self.serial]

    def run(self, module, request, results=(), client=None):
        client = client or self.client
        return runner.run_flow(module.OPERATION,
                               module.build(client, request), request,
                               results=results,
                               count_calls=client.session.total_calls)

    def create_volumes(self, count, size_gb=1, advance=10):
        """Volumes made by the core's create flow, the clock moved on
        after each (so points in time differ); located items."""
        volumes = []
        for _ in range(count):
            volume = common.item('volume', str(uuid.uuid4()), size_gb)
            outcome = self.run(create_volume, {'volume': volume,
                                               'placement': self.placement},
                               results=('device',))
            volume['location'] = {'array': self.serial,
                                  'device_id':
                                  outcome['device']['device_id']}
            volumes.append(volume)
            self.sim.advance(advance)
        return volumes

    def device(self, item):
        return self.array.devices[item['location']['device_id']]

    def devices_labelled(self, label):
        return [d for d in self.array.devices.values() if d.label == label]


def located(item, record, serial):
    item = dict(item)
    item['location'] = {'array': serial, 'device_id': record['device_id']}
    return item


def invoked_methods(sim):
    """``[(method, nth)]`` of the extrinsic calls since the last reset:
    every array change a flow asked for, numbered per method."""
    seen = collections.Counter()
    steps = []
    for record in sim.calls.records:
        if record.operation.startswith('InvokeMethod:'):
            method = record.operation.split(':', 1)[1]
            seen[method] += 1
            steps.append((method, seen[method]))
    return steps


def quiet(test):
    """Flow transitions and revert warnings are logged for every one of
    the many failing runs; keep only errors (a left-behind object)."""
    test.useFixture(fixtures_lib.FakeLogger(level=logging.ERROR))


def significant(diff):
    """The changes of a state diff, leaving out storage groups whose
    members only changed order (a device taken out and put back joins
    at the end; storage group order means nothing, unlike replication
    group order)."""
    if not diff:
        return []
    changes = list(diff.created) + list(diff.deleted)
    for key, fields in diff.changed:
        if key.kind == 'sg' and set(fields) == {'members'}:
            old, new = fields['members']
            if sorted(old) == sorted(new):
                continue
        changes.append((key, fields))
    return changes


def assert_unchanged(test, sim, before, what=''):
    diff = sim.diff(before)
    test.assertEqual([], significant(diff), '%s%s' % (what, diff))


def fail_each_step(test, context, run, min_steps=1, max_steps=60):
    """Make the job of the 1st, 2nd, 3rd... array change ``run(context)``
    asks for fail, one run each, until a run gets through without
    reaching the fault (then it succeeded, and the loop ends).  Every
    failed run must name the injected error, leave nothing behind and
    leave the simulated arrays as they were.

    Returns the failed steps as ``[(method, nth)]`` (nth per method).
    """
    steps = []
    seen = collections.Counter()
    for k in range(1, max_steps + 1):
        before = context.sim.snapshot()
        rule = context.sim.faults.add(
            'job_exception', operation='InvokeMethod', nth=k, error_code=7,
            description='injected failure of array change #%d' % k)
        try:
            run(context)
        except exceptions.FlowFailed as error:
            failure = error
        else:
            failure = None
        finally:
            context.sim.faults.remove(rule)
        if not rule.fired:
            test.assertIsNone(failure)
            break
        test.assertIsNotNone(failure, 'change #%d failed unnoticed' % k)
        method = context.sim.calls.faulted()[-1].operation.split(':')[-1]
        seen[method] += 1
        steps.append((method, seen[method]))
        test.assertIn('injected failure of array change #%d' % k,
                      str(failure))
        test.assertEqual([], failure.left_behind, steps[-1])
        assert_unchanged(test, context.sim, before,
                         '%s #%d left: ' % steps[-1])
    else:
        test.fail('the flow never got through (%d changes)' % max_steps)
    test.assertGreaterEqual(len(steps), min_steps, steps)
    return steps
