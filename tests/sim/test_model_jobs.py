"""Jobs and the clock: completion rules, deferred ("late") actions,
failures, and the change sessions running jobs hold."""

from vmax_sim import model
from vmax_sim.model import errors
from vmax_sim.model import objects as o
from vmax_sim.model import ops

from tests.sim import test_model_support as base

GIB = base.GIB
V3 = base.V3
SG = base.DIAMOND_SG


class JobTest(base.ModelTestCase):

    def create_in_sg(self, label='OS-a'):
        return lambda: ops.create_volume(self.estate, V3, label, GIB,
                                         storage_group=SG)

    def test_zero_duration_job_is_completed_at_once(self):
        self.diamond_sg()
        job = ops.start_job(self.estate, V3,
                            'CreateOrModifyElementFromStoragePool',
                            self.create_in_sg())
        self.assertEqual((o.JOB_COMPLETED, [2, 17], 0, 100),
                         (job.state, job.operational_status, job.error_code,
                          job.percent))
        self.assertEqual([o.ElementKey(o.KIND_DEVICE, V3, '00100')],
                         job.affected)
        self.assertEqual('00100', job.result.device_id)
        self.assertIs(job, ops.get_job(self.estate, str(job.job_id)))
        self.assertEqual([], self.estate.running_jobs())

    def test_timed_job_runs_until_due(self):
        self.diamond_sg()
        job = ops.start_job(self.estate, V3, 'Create', self.create_in_sg(),
                            duration=10)
        self.assertEqual((o.JOB_RUNNING, [2]), (job.state,
                                                job.operational_status))
        self.assertIn('00100', self.estate.arrays[V3].devices)
        self.estate.advance(5)
        self.assertEqual((o.JOB_RUNNING, 50), (job.state, job.percent))
        finished = self.estate.advance(5)
        self.assertEqual([job], finished)
        self.assertEqual((o.JOB_COMPLETED, self.estate.now()),
                         (job.state, job.finished_at))

    def test_array_default_duration_when_async(self):
        self.estate.arrays[V3].job_duration_s = 3
        job = ops.start_job(self.estate, V3, 'CreateGroup',
                            lambda: ops.create_storage_group(
                                self.estate, V3, 'g'))
        self.assertEqual(self.estate.now() + 3, job.due)
        self.assertEqual(['g'], job.locks)
        self.estate.arrays[V3].async_jobs = False
        job = ops.start_job(self.estate, V3, 'CreateGroup',
                            lambda: ops.create_storage_group(
                                self.estate, V3, 'h'))
        self.assertEqual(o.JOB_COMPLETED, job.state)

    def test_synced_rule_waits_for_the_copy(self):
        src = self.volume('OS-src', 4)
        job = ops.start_job(
            self.estate, V3, 'CreateElementReplica',
            lambda: ops.create_snapvx_replica(self.estate, V3,
                                              src.device_id, 'snap',
                                              target_storage_group=SG),
            rule=o.RULE_SYNCED)
        rel = job.result
        self.assertEqual([rel.rel_id], job.sync_rel_ids)
        self.estate.advance(3)
        self.assertEqual((o.JOB_RUNNING, 75), (job.state, job.percent))
        self.estate.advance(1)
        self.assertEqual(o.JOB_COMPLETED, job.state)

    def test_synced_rule_for_a_group_replica(self):
        for prefix, name in (('s', 'cg'), ('t', 'cg-t')):
            devs = [self.volume('%s%d' % (prefix, i), 2) for i in range(2)]
            ops.create_replication_group(self.estate, V3, name,
                                         [d.device_id for d in devs])
        job = ops.start_job(
            self.estate, V3, 'CreateGroupReplica',
            lambda: ops.create_group_replica(self.estate, V3, 'ab12', 'cg',
                                             'cg-t'),
            rule=o.RULE_SYNCED)
        self.assertEqual(2, len(job.sync_rel_ids))
        self.estate.advance(1.5)
        self.assertFalse(job.finished)
        self.estate.advance(0.5)
        self.assertTrue(job.succeeded)

    def test_stuck_job_never_finishes_until_terminated(self):
        self.diamond_sg()
        job = ops.start_job(self.estate, V3, 'Create', self.create_in_sg(),
                            rule=o.RULE_NEVER)
        self.estate.advance(3600)
        self.assertEqual(o.JOB_RUNNING, job.state)
        ops.terminate_job(self.estate, job.job_id)
        self.assertEqual((o.JOB_TERMINATED, [6]),
                         (job.state, job.operational_status))

    def test_late_job_applies_its_action_only_when_it_finishes(self):
        self.diamond_sg()
        before = self.estate.snapshot()
        job = ops.start_job(self.estate, V3, 'Create', self.create_in_sg(),
                            rule=o.RULE_LATE, duration=600)
        self.assertFalse(self.estate.diff(since=before))
        self.estate.advance(599)
        self.assertFalse(self.estate.diff(since=before))
        self.estate.advance(1)
        diff = self.estate.diff(since=before)
        self.assertEqual([o.ElementKey(o.KIND_DEVICE, V3, '00100')],
                         diff.created_keys())
        self.assertEqual((o.JOB_COMPLETED, '00100'),
                         (job.state, job.result.device_id))
        self.assertEqual([o.ElementKey(o.KIND_DEVICE, V3, '00100')],
                         job.affected)

    def test_late_action_refused_at_completion_ends_in_exception(self):
        job = ops.start_job(self.estate, V3, 'Create', self.create_in_sg(),
                            rule=o.RULE_LATE, duration=5)
        before = self.estate.snapshot()
        self.estate.advance(5)
        self.assertEqual((o.JOB_EXCEPTION, errors.CODE_NOT_FOUND,
                          errors.not_found(o.KIND_SG, SG, V3), [6]),
                         (job.state, job.error_code, job.error_description,
                          job.operational_status))
        self.assertFalse(self.estate.diff(since=before))

    def test_failing_job_changes_nothing(self):
        self.diamond_sg()
        before = self.estate.snapshot()
        job = ops.start_job(self.estate, V3, 'Create', self.create_in_sg(),
                            fail=(10440, 'insufficient capacity'),
                            duration=2)
        self.assertEqual(o.JOB_RUNNING, job.state)
        self.estate.advance(2)
        self.assertEqual((o.JOB_EXCEPTION, 10440, 'insufficient capacity'),
                         (job.state, job.error_code,
                          job.error_description))
        self.assertFalse(self.estate.diff(since=before))

    def test_refused_action_creates_no_job(self):
        jobs_before = dict(self.estate.jobs)
        self.assertRefused(errors.not_found(o.KIND_SG, SG, V3),
                           ops.start_job, self.estate, V3, 'Create',
                           self.create_in_sg())
        self.assertEqual(jobs_before, self.estate.jobs)
        self.assertEqual(1, self.estate.next_job_id)

    def test_locks_given_explicitly(self):
        self.diamond_sg()
        job = ops.start_job(self.estate, V3, 'Create', self.create_in_sg(),
                            duration=5, locks=[SG])
        self.assertRefused(errors.sg_locked(SG), ops.create_volume,
                           self.estate, V3, 'OS-b', GIB, storage_group=SG)
        self.estate.advance(5)
        self.assertTrue(job.succeeded)
        self.assertEqual('00101', ops.create_volume(
            self.estate, V3, 'OS-b', GIB, storage_group=SG).device_id)

    def test_purge_finished_jobs(self):
        ops.start_job(self.estate, V3, 'Noop', None)
        running = ops.start_job(self.estate, V3, 'Noop', None,
                                rule=o.RULE_NEVER)
        self.estate.advance(100)
        self.assertEqual(1, ops.purge_finished_jobs(self.estate, 50))
        self.assertEqual([running.job_id], list(self.estate.jobs))

    def test_unknown_job(self):
        exc = self.assertRaises(errors.ObjectNotFound, ops.get_job,
                                self.estate, 99)
        self.assertEqual('Job 99 does not exist', exc.message)


class ClockTest(base.ModelTestCase):

    def test_manual_clock(self):
        clock = model.Clock()
        start = clock.now()
        clock.advance(2.5)
        self.assertEqual(start + 2.5, clock.now())
        self.assertRaises(ValueError, clock.advance, -1)

    def test_real_clock_cannot_be_advanced(self):
        clock = model.Clock(manual=False)
        self.assertRaises(ValueError, clock.advance, 1)
        self.assertGreater(clock.now(), 1600000000)
