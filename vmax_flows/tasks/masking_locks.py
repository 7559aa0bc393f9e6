"""The first and last task of every masking flow: take and give back the
operation's locks (:mod:`vmax_flows.locks`).

The :class:`~vmax_flows.locks.LockSession` comes through the constructor,
never through the store.  Everything between the two tasks -- reads that
decide (such as "is this the last device of the group?") and the changes
that follow -- runs under the locks, and so does every revert: a failure
anywhere reverts the flow back to :class:`HoldLocks`, whose revert is the
last thing to run and releases.  No task in between takes a lock, so a
revert can never wait for a lock its own flow holds (bug 1800684).
"""

from taskflow import task


class HoldLocks(task.Task):
    """Take every lock of the operation at once, in sorted order."""

    def __init__(self, session, name):
        super().__init__(name=name)
        self.session = session

    def execute(self):
        self.session.acquire()
        return {'locks': list(self.session.names)}

    def revert(self, result, flow_failures, **kwargs):
        self.session.release()


class ReleaseLocks(task.Task):
    """Give the locks back once everything else succeeded."""

    def __init__(self, session, name):
        super().__init__(name=name)
        self.session = session

    def execute(self):
        self.session.release()
