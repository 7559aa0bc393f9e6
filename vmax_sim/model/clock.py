"""The array clock: manual (virtual) time for tests, wall time for demos.

Everything time-dependent in the model (job completion, copy progress,
admin-held change sessions) reads :meth:`Clock.now`, so a test can move
time forward with :meth:`Clock.advance` instead of sleeping.
"""

import time

# A fixed, realistic-looking start for manual clocks (2023-11-14 22:13 UTC)
# so timestamps rendered from it look like real ones.
MANUAL_EPOCH = 1700000000.0


class Clock:
    """Seconds as a float; ``manual=True`` (the default) is virtual time."""

    def __init__(self, manual=True, start=None):
        self.manual = manual
        self._now = MANUAL_EPOCH if start is None else float(start)

    def now(self):
        if self.manual:
            return self._now
        return time.time()

    def advance(self, seconds):
        """Move a manual clock forward; refused on a real clock."""
        if not self.manual:
            raise ValueError('cannot advance a real-time clock')
        if seconds < 0:
            raise ValueError('time does not run backwards')
        self._now += seconds
        return self._now

    def to_dict(self):
        return {'manual': self.manual, 'now': self.now()}

    @classmethod
    def from_dict(cls, data):
        return cls(manual=data.get('manual', True), start=data.get('now'))

    def __repr__(self):
        return 'Clock(manual=%s, now=%.3f)' % (self.manual, self.now())
