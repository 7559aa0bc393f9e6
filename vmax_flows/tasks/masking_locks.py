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

from vmax_flows import masking_requests


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


class HoldDeviceHostLocks(HoldLocks):
    """In-use retype: read which hosts the device is attached to through
    a parent group (:func:`vmax_flows.masking_requests.retype_lock_names`
    -- nothing for a device in no view) and take their locks, the ones
    the hosts' attach and detach take.  The plan then checks under them
    that they cover what it will change."""

    def __init__(self, session, name, client):
        super().__init__(session, name)
        self.client = client

    def execute(self, device, new_placement):
        self.session.names = masking_requests.retype_lock_names(
            self.client, device['device_id'], new_placement)
        self.session.acquire()
        return {'locks': list(self.session.names)}
