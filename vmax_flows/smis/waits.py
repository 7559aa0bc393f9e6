"""Bounded waits for jobs and for replica copy state.

Both poll with an injectable ``sleep`` and ``monotonic`` clock (tests make
``sleep`` advance the simulator's clock), poll at most ``retries`` times
``interval`` seconds apart, and on timeout or failure raise an error that
names what was waited for, the last state seen, the array's error text and
the elapsed time (bugs 1538214, 1517103).
"""

import logging
import time

from vmax_flows import exceptions
from vmax_flows.smis.connection import describe_path
from vmax_flows.smis import params as cim

LOG = logging.getLogger(__name__)

JOB_PROPERTIES = ['InstanceID', 'JobState', 'OperationalStatus', 'ErrorCode',
                  'ErrorDescription', 'PercentComplete', 'ElementName']
PAIR_PROPERTIES = ['CopyState', 'SyncState', 'PercentSynced',
                   'ProgressStatus', 'SyncType']


class Waiter(object):

    def __init__(self, session, interval, retries, sleep=None,
                 monotonic=None):
        self._session = session
        self.interval = float(interval)
        self.retries = max(1, int(retries))
        self.sleep = sleep or time.sleep
        self.monotonic = monotonic or time.monotonic

    def wait_for_job(self, job_path, waiting_for, retries=None):
        """Poll ``job_path`` until it leaves the running states.

        Returns the final job instance when it completed without error;
        raises :class:`~vmax_flows.exceptions.JobFailed` or
        :class:`~vmax_flows.exceptions.WaitTimeout` otherwise.
        """
        job_id = job_path.keybindings.get('InstanceID', str(job_path))
        retries = retries or self.retries
        started = self.monotonic()
        polls = 0
        report = ProgressLog(waiting_for, self.monotonic,
                             unit='complete', state_name='JobState')
        while True:
            job = self._session.get_instance(job_path, JOB_PROPERTIES)
            polls += 1
            state = _int(job.get('JobState'))
            if state not in cim.JOB_RUNNING_STATES:
                report.done(None, polls)
                break
            report.poll(_int(job.get('PercentComplete')),
                        _job_state_text(state))
            if polls >= retries:
                elapsed = self.monotonic() - started
                raise exceptions.WaitTimeout(
                    'Timed out after %.1f s (%d polls, %.1f s apart) '
                    'waiting for job %s (%s) to %s; last JobState %s, '
                    '%s%% complete' % (
                        elapsed, polls, self.interval, job_id,
                        job.get('ElementName') or 'unknown method',
                        waiting_for, _job_state_text(state),
                        job.get('PercentComplete', '?')),
                    waited_for=waiting_for, elapsed=elapsed, polls=polls,
                    job_id=job_id)
            self.sleep(self.interval)
        elapsed = self.monotonic() - started
        error_code = _int(job.get('ErrorCode')) or 0
        status = list(job.get('OperationalStatus') or [])
        if state == cim.JOB_COMPLETED and error_code == 0 and status:
            LOG.debug('Job %s completed after %d poll(s), %.1f s: %s',
                      job_id, polls, elapsed, waiting_for)
            return job
        description = job.get('ErrorDescription') or ''
        raise exceptions.JobFailed(
            'Job %s (%s) to %s ended in state %s with ErrorCode %s after '
            '%.1f s: %s' % (job_id, job.get('ElementName') or 'unknown',
                            waiting_for, _job_state_text(state),
                            error_code, elapsed,
                            description or 'no error description'),
            array_message=description or None, job_id=job_id,
            job_state=state, error_code=error_code, elapsed=elapsed)

    def wait_for_copy(self, pair_path, waiting_for, progress=None):
        """Poll a sync pair until ``CopyState`` is Synchronized (4).

        ``PercentSynced`` is read when the provider has it (SE 7.x) but is
        never the completion test: SE 8.x does not maintain it for VMAX3.
        ``progress(fraction_or_None, copy_state)`` is called after each
        poll.  Returns ``{'copy_state', 'percent_synced', 'polls'}``.
        """
        started = self.monotonic()
        polls = 0
        report = ProgressLog(waiting_for, self.monotonic)
        while True:
            pair = self._session.get_instance(pair_path, PAIR_PROPERTIES)
            polls += 1
            copy_state = _int(pair.get('CopyState'))
            percent = _int(pair.get('PercentSynced')) \
                if 'PercentSynced' in pair else None
            if progress is not None:
                progress(None if percent is None else percent / 100.0,
                         copy_state)
            if copy_state == cim.COPY_STATE_SYNCHRONIZED:
                report.done(percent, polls)
                return {'copy_state': copy_state, 'percent_synced': percent,
                        'polls': polls}
            report.poll(percent, _copy_state_text(copy_state))
            if polls >= self.retries:
                elapsed = self.monotonic() - started
                raise exceptions.WaitTimeout(
                    'Timed out after %.1f s (%d polls, %.1f s apart) '
                    'waiting for %s to reach CopyState Synchronized (4) '
                    'to %s; last CopyState %s%s' % (
                        elapsed, polls, self.interval,
                        _describe_pair(pair_path), waiting_for,
                        _copy_state_text(copy_state),
                        '' if percent is None
                        else ', PercentSynced %s' % percent),
                    waited_for=waiting_for, elapsed=elapsed, polls=polls)
            self.sleep(self.interval)


class ProgressLog(object):
    """Progress of a long wait in the log, at a sensible rate: the first
    poll, then whenever the percentage passes another ``step`` percent or
    ``every`` seconds went by (a provider without PercentSynced still
    shows the wait is alive), and the end -- each line with the elapsed
    time.  A copy already done at the first poll logs nothing at INFO.
    """

    def __init__(self, what, monotonic, every=10.0, step=10,
                 unit='synced', state_name='CopyState'):
        self.what = what
        self.unit = unit
        self.state_name = state_name
        self.monotonic = monotonic
        self.every = every
        self.step = step
        self.started = monotonic()
        self.lines = 0
        self._last_time = None
        self._last_bucket = None

    def poll(self, percent, state_text):
        now = self.monotonic()
        bucket = None if percent is None else int(percent) // self.step
        if self._last_time is not None and \
                now - self._last_time < self.every and \
                (bucket is None or bucket == self._last_bucket):
            return
        self._last_time, self._last_bucket = now, bucket
        self.lines += 1
        LOG.info('Waiting to %s: %s after %.1f s (%s %s)', self.what,
                 'percent %s unknown' % self.unit if percent is None
                 else '%d%% %s' % (percent, self.unit),
                 now - self.started, self.state_name, state_text)

    def done(self, percent, polls):
        elapsed = self.monotonic() - self.started
        if self.lines:
            self.lines += 1
            LOG.info('Done waiting to %s: %s after %.1f s (%d polls)',
                     self.what, 'synchronized' if self.unit == 'synced'
                     else 'finished', elapsed, polls)
        else:
            LOG.debug('%s: done at the first poll', self.what)


def _describe_pair(pair_path):
    keys = pair_path.keybindings
    return 'replica pair %s -> %s' % (
        describe_path(keys.get('SystemElement')),
        describe_path(keys.get('SyncedElement')))


def _int(value):
    return None if value is None else int(value)


def _job_state_text(state):
    return '%s (%s)' % (state, cim.JOB_STATES.get(state, 'unknown'))


def _copy_state_text(state):
    return '%s (%s)' % (state, cim.COPY_STATES.get(state, 'unknown'))
