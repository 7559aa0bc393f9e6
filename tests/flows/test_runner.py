"""The runner: deferred reverts, failure translation, timings.

Uses tiny in-memory tasks (no array involved) that record what ran and
what was reverted, so the assertions are about the runner alone.
"""

from taskflow.patterns import linear_flow
from taskflow import task
import testtools

from vmax_flows import exceptions
from vmax_flows import runner


class Recorder(task.Task):

    def __init__(self, name, journal, fail=None, revert_fail=None,
                 left=None, provides=None):
        super().__init__(name=name, provides=provides)
        self.journal = journal
        self.fail = fail
        self.revert_fail = revert_fail
        self.left = left

    def execute(self):
        self.journal.append(('execute', self.name))
        if self.fail is not None:
            raise self.fail
        return {'done': self.name}

    def revert(self, result, flow_failures, **kwargs):
        self.journal.append(('revert', self.name))
        if self.revert_fail is not None:
            raise self.revert_fail
        if self.left:
            return {'left_behind': [self.left]}
        return None


class RunnerTest(testtools.TestCase):

    def flow(self, *tasks):
        flow = linear_flow.Flow('op')
        flow.add(*tasks)
        return flow

    def test_success_returns_results_and_timings(self):
        journal = []
        calls = iter(range(100))
        outcome = runner.run_flow(
            'create_volume',
            self.flow(Recorder('a', journal, provides='first'),
                      Recorder('b', journal)),
            {}, results=('first',), count_calls=lambda: next(calls))
        self.assertEqual({'done': 'a'}, outcome['first'])
        self.assertEqual([('execute', 'a'), ('execute', 'b')], journal)
        self.assertEqual(['a', 'b'], [t[0] for t in outcome.timings])
        self.assertEqual(['SUCCESS', 'SUCCESS'],
                         [t[1] for t in outcome.timings])
        # The fake counter advances once per read: one "call" per task.
        self.assertEqual([1, 1], [t[3] for t in outcome.timings])

    def test_failure_names_operation_step_and_array_error(self):
        journal = []
        cause = exceptions.JobFailed('Job 7 failed', array_message='pool '
                                     'SRP_1 is full')
        error = self.assertRaises(
            exceptions.FlowFailed, runner.run_flow, 'create_volume',
            self.flow(Recorder('op.first', journal),
                      Recorder('op.second', journal, fail=cause)), {})
        self.assertEqual('create_volume', error.operation)
        self.assertEqual('op.second', error.step)
        self.assertIs(cause, error.cause)
        self.assertIn('create_volume failed at step op.second: Job 7 '
                      'failed (array: pool SRP_1 is full)', str(error))
        self.assertIn('all changes were reverted', str(error))
        self.assertEqual([('execute', 'op.first'), ('execute', 'op.second'),
                          ('revert', 'op.second'), ('revert', 'op.first')],
                         journal)
        self.assertEqual([], error.left_behind)

    def test_left_behind_from_revert_results_is_reported(self):
        journal = []
        left = {'task': 'op.first', 'object': 'device 0001A',
                'action': 'delete device 0001A', 'error': 'refused'}
        error = self.assertRaises(
            exceptions.FlowFailed, runner.run_flow, 'create_volume',
            self.flow(Recorder('op.first', journal, left=left),
                      Recorder('op.second', journal,
                               fail=RuntimeError('boom'))), {})
        self.assertEqual([left], error.left_behind)
        self.assertIn('NOT cleaned up: device 0001A (delete device 0001A)',
                      str(error))

    def test_revert_that_raises_still_surfaces_original_error(self):
        journal = []
        error = self.assertRaises(
            exceptions.FlowFailed, runner.run_flow, 'delete_volume',
            self.flow(Recorder('op.first', journal,
                               revert_fail=OSError('revert broke')),
                      Recorder('op.second', journal,
                               fail=ValueError('original'))), {})
        self.assertIsInstance(error.cause, ValueError)
        self.assertEqual('op.second', error.step)
        self.assertIn('original', str(error))
        self.assertEqual(1, len(error.left_behind))
        self.assertIn('revert broke', error.left_behind[0]['error'])

    def test_irreversible_steps_are_reported(self):
        journal = []

        class OneWay(Recorder):
            def execute(self):
                journal.append(('execute', self.name))
                return {'irreversible': 'dissolved pair 00100 -> 00101'}

        error = self.assertRaises(
            exceptions.FlowFailed, runner.run_flow, 'delete_snapshot',
            self.flow(OneWay('op.unlink', journal),
                      Recorder('op.delete', journal,
                               fail=RuntimeError('busy'))), {})
        self.assertEqual(['dissolved pair 00100 -> 00101'],
                         error.irreversible)
        self.assertIn('done and not undoable: dissolved pair 00100 -> '
                      '00101', str(error))
        self.assertNotIn('all changes were reverted', str(error))

    def test_bad_input_flag(self):
        error = exceptions.FlowFailed(
            'x', cause=exceptions.InvalidRequest('smaller'))
        self.assertTrue(error.is_bad_input)
        self.assertFalse(exceptions.FlowFailed(
            'x', cause=exceptions.JobFailed('y')).is_bad_input)
