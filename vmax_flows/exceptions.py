"""Errors raised below the driver class.

They are independent of Cinder so flows and the SMI-S client can be used
without it; the driver maps them to Cinder exceptions at its boundary
(:func:`vmax_driver.iscsi` does that).  Every error carries a complete,
human-readable message: the operation, the object and the array's own words.
"""


class VmaxError(Exception):
    """Base class of every error of this package.

    ``ambiguous`` is True when the array may have carried out the request
    although the call failed: the connection dropped, or the method was
    accepted but its job could not be read.  Tasks then check the array
    instead of assuming failure.
    """

    ambiguous = False

    def __init__(self, message):
        super().__init__(message)
        self.message = message

    def __str__(self):
        return self.message


# --- bad input: raised before any array change -------------------------

class InvalidSetting(VmaxError):
    """A backend setting (cinder.conf / XML) names something unusable.

    ``setting`` is the option, ``value`` what was given and ``valid`` the
    values the array offers (may be empty when there is no list to offer).
    """

    def __init__(self, setting, value, valid=(), reason=None):
        self.setting = setting
        self.value = value
        self.valid = tuple(valid)
        text = '%s %r is not valid' % (setting, value)
        if reason:
            text += ': %s' % reason
        if self.valid:
            text += '; valid values: %s' % ', '.join(
                str(v) for v in self.valid)
        super().__init__(text)


class InvalidSpec(InvalidSetting):
    """A volume-type extra spec names something unusable."""


class InvalidRequest(VmaxError):
    """The request itself cannot be honoured (e.g. shrinking a volume)."""


class NotLicensed(VmaxError):
    """The array lacks a licence the operation needs (e.g. SnapVX)."""


# --- talking to the provider -------------------------------------------

class ProviderError(VmaxError):
    """The SMI-S provider could not be used at all."""


class ProviderUnreachable(ProviderError):
    """Connection refused, reset, TLS failure or read timeout."""

    ambiguous = True


class ProviderAuthError(ProviderError):
    """The provider rejected the credentials."""


class ArrayError(VmaxError):
    """The provider answered, but not with what was asked for.

    ``array_message`` is the provider's own text (CIM error description,
    job ErrorDescription), which the runner quotes to the user.
    """

    def __init__(self, message, array_message=None):
        super().__init__(message)
        self.array_message = array_message


class ObjectNotFound(ArrayError):
    """CIM_ERR_NOT_FOUND: the object does not exist (any more)."""


class ArrayRuleError(ArrayError):
    """CIM_ERR_FAILED: the array refused the request by one of its rules."""


class ArrayRequestError(ArrayError):
    """Any other CIM status (invalid parameter, class, not supported...)."""

    def __init__(self, message, array_message=None, status=None):
        super().__init__(message, array_message)
        self.status = status


class MethodFailed(ArrayError):
    """An extrinsic method answered a return code other than 0 or 4096."""

    def __init__(self, message, array_message=None, return_code=None):
        super().__init__(message, array_message)
        self.return_code = return_code


class JobFailed(ArrayError):
    """A job ended in a state other than Completed, or with an ErrorCode."""

    def __init__(self, message, array_message=None, job_id=None,
                 job_state=None, error_code=None, elapsed=None):
        super().__init__(message, array_message)
        self.job_id = job_id
        self.job_state = job_state
        self.error_code = error_code
        self.elapsed = elapsed


class WaitTimeout(ArrayError):
    """A bounded wait (job or copy state) ran out of polls."""

    def __init__(self, message, array_message=None, waited_for=None,
                 elapsed=None, polls=None, job_id=None):
        super().__init__(message, array_message)
        self.waited_for = waited_for
        self.elapsed = elapsed
        self.polls = polls
        self.job_id = job_id


class DeviceNotFound(VmaxError):
    """A Cinder volume or snapshot has no device on the array."""


# --- flow level ----------------------------------------------------------

class FlowFailed(VmaxError):
    """An operation's flow failed and was reverted (as far as possible).

    ``operation`` is the Cinder method name, ``step`` the task that failed,
    ``cause`` the original exception (its class tells the kind of error),
    ``left_behind`` a list of plain descriptions of what revert could not
    undo, ``irreversible`` what steps that cannot be undone had already
    done (both empty when the array is back to where it was).
    """

    def __init__(self, message, operation=None, step=None, cause=None,
                 left_behind=(), irreversible=()):
        super().__init__(message)
        self.operation = operation
        self.step = step
        self.cause = cause
        self.left_behind = list(left_behind)
        self.irreversible = list(irreversible)

    @property
    def is_bad_input(self):
        return isinstance(self.cause, (InvalidSetting, InvalidRequest,
                                       NotLicensed))
