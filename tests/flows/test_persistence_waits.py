"""Long waits report their progress in the log at a sensible rate.

(Kept with the persistence tests: both are about what an operator sees of
a long or interrupted operation.)
"""

import logging
import re

import fixtures as fx
import testtools

from tests import fixtures
from vmax_flows.smis import waits


class CopyProgressLogTest(testtools.TestCase):

    def _clone_log(self, percent_synced):
        backend = self.useFixture(fixtures.SimulatedBackend(
            'vmax2', options={'vmax_job_interval': 2.0,
                              'vmax_job_retries': 500}))
        backend.array.percent_synced = percent_synced
        source = backend.create_volume(size=10)
        clone = backend.volume(size=10)
        logger = self.useFixture(fx.FakeLogger(
            name=waits.__name__, level=logging.INFO,
            format='%(levelname)s %(message)s'))
        backend.driver.create_cloned_volume(clone, source)
        polls = int(re.search(r'\((\d+) polls\)',
                              logger.output).group(1))
        return logger.output.splitlines(), polls

    def test_percent_synced_logged_every_ten_percent(self):
        lines, polls = self._clone_log(percent_synced=True)
        progress = [line for line in lines
                    if line.startswith('INFO Waiting to copy device')]
        percents = [int(m.group(1)) for m in
                    (re.search(r'(\d+)% synced', line) for line in progress)
                    if m]
        # 10 GiB at 256 MiB/s polled every 2 s: about 20 polls, but only
        # the first poll and one line per 10 % step are logged.
        self.assertGreaterEqual(len(percents), 4)
        self.assertLessEqual(len(percents), 11)
        self.assertLess(len(percents), polls / 2)
        self.assertEqual(percents, sorted(percents))
        self.assertLess(percents[0], 10)
        buckets = [p // 10 for p in percents]
        self.assertEqual(len(buckets), len(set(buckets)))
        self.assertIn('Done waiting to copy device', lines[-1])
        self.assertRegex(lines[-1], r'synchronized after \d+\.\d s '
                                    r'\(\d+ polls\)')

    def test_without_percent_a_line_every_ten_seconds(self):
        lines, _ = self._clone_log(percent_synced=False)
        progress = [line for line in lines
                    if line.startswith('INFO Waiting to copy device')]
        self.assertTrue(progress)
        self.assertIn('percent synced unknown', progress[0])
        seconds = [float(re.search(r'after (\d+\.\d) s', line).group(1))
                   for line in progress]
        gaps = [b - a for a, b in zip(seconds, seconds[1:])]
        self.assertTrue(all(gap >= 10.0 for gap in gaps), gaps)
        # About 40 s of copying polled every 2 s: a line per 10 s.
        self.assertLessEqual(len(progress), 5)
        self.assertIn('Done waiting', lines[-1])


class ProgressLogRateTest(testtools.TestCase):

    def test_quiet_when_synchronized_at_first_poll(self):
        logger = self.useFixture(fx.FakeLogger(name=waits.__name__,
                                               level=logging.INFO))
        report = waits.ProgressLog('copy x', lambda: 0.0)
        report.done(100, 1)
        self.assertEqual('', logger.output)
        self.assertEqual(0, report.lines)

    def test_step_and_interval(self):
        now = [0.0]
        logger = self.useFixture(fx.FakeLogger(name=waits.__name__,
                                               level=logging.INFO))
        report = waits.ProgressLog('copy x', lambda: now[0], every=10.0,
                                   step=10)
        for second, percent in ((0, 0), (1, 3), (2, 9), (3, 10), (4, 12),
                                (5, 25), (20, 26), (21, 27)):
            now[0] = float(second)
            report.poll(percent, '3 (InProgress)')
        report.done(100, 9)
        logged = re.findall(r'(\d+)% synced', logger.output)
        # 0 (first), 10 and 25 (new steps), 26 (10 s later); 27 is quiet.
        self.assertEqual(['0', '10', '25', '26'], logged)
        self.assertEqual(5, report.lines)
