"""Domain errors, phrased for people: each names the field or row it is about."""


class JobbankError(Exception):
    """Base of the errors services raise on purpose."""


class InvalidInput(JobbankError, ValueError):
    """The request or file is wrong; `field` names where (`need n17: priority`)."""

    def __init__(self, field: str, message: str) -> None:
        super().__init__(f"{field}: {message}")
        self.field = field
        self.message = message


class NotFound(JobbankError, LookupError):
    """No such thing, or not within the caller's reach."""


class Conflict(JobbankError):
    """The thing is in a state that does not allow this, or someone changed it meanwhile;
    `code`, where given, names the refusal for programs (stable, unlike the words)."""

    def __init__(self, message: str, *, code: str | None = None) -> None:
        super().__init__(message)
        self.code = code


def check_version(what: str, current: int, given: int | None) -> None:
    """Refuse a change made to an older copy of a row (optimistic locking, answered as 409)."""
    if given is not None and given != current:
        raise Conflict(
            f"{what}: version {given} is out of date (now {current}); "
            "someone else changed it meanwhile, reload and make your change again"
        )
