"""Domain errors, phrased for people: each names the field or row it is about."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import ParamSpec, TypeVar

P = ParamSpec("P")
T = TypeVar("T")


class JobbankError(Exception):
    """Base of the errors services raise on purpose."""


class InvalidInput(JobbankError, ValueError):
    """The request or file is wrong; `field` names where (`need n17: priority`)."""

    def __init__(self, field: str, message: str) -> None:
        super().__init__(f"{field}: {message}")
        self.field = field
        self.message = message

    @property
    def problems(self) -> list[InvalidInput]:
        """Every field problem this refusal carries: itself, unless it is `InvalidFields`."""
        return [self]


class InvalidFields(InvalidInput):
    """Several fields are wrong at once, so a form can mark them all in one answer. Its own
    `field` and `message` are the first problem's, for callers that tell one."""

    def __init__(self, problems: Sequence[InvalidInput]) -> None:
        first = problems[0]
        super().__init__(first.field, first.message)
        self.args = ("; ".join(str(problem) for problem in problems),)
        self._problems = list(problems)

    @property
    def problems(self) -> list[InvalidInput]:
        return list(self._problems)


class Problems:
    """The field problems of one change, collected so that all are refused at once.

    `check` runs one field's check and keeps its refusal instead of raising it;
    `refuse` raises what was kept: nothing, the one problem, or `InvalidFields`.
    """

    def __init__(self) -> None:
        self.found: list[InvalidInput] = []

    def check(self, check: Callable[P, T], *args: P.args, **kwargs: P.kwargs) -> T | None:
        """`check(*args)`, or None when it refuses (the refusal is kept)."""
        try:
            return check(*args, **kwargs)
        except InvalidInput as error:
            self.add(error)
            return None

    def add(self, error: InvalidInput) -> None:
        self.found.extend(error.problems)

    def put(
        self, target: object, name: str, check: Callable[P, T], *args: P.args, **kwargs: P.kwargs
    ) -> None:
        """Set `target.name` to what `check(*args)` returns, unless it refuses (kept)."""
        value = self.check(check, *args, **kwargs)
        if value is not None:
            setattr(target, name, value)

    def at(self, *fields: str) -> bool:
        """Whether any of these fields has a problem (a check across them would only repeat it)."""
        return any(problem.field.split("[", 1)[0] in fields for problem in self.found)

    def refuse(self) -> None:
        if len(self.found) == 1:
            raise self.found[0]
        if self.found:
            raise InvalidFields(self.found)


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
