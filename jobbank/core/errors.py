"""Domain errors, phrased for people: each names the field or row it is about.

Each refusal also carries a stable `code` (snake_case, one per kind of refusal, not per place
that raises it) and the values its sentence needs as `params`. The English words are for logs,
the command line and the API's `detail`; the pages choose their sentence by the code
(`api/pages/refusals.py`, in Danish and English), so rewording a message breaks no page.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from types import MappingProxyType
from typing import Any, ParamSpec, TypeVar

P = ParamSpec("P")
T = TypeVar("T")


Params = Mapping[str, Any]
"""The values a refusal's sentence needs: a bound's limit, a number of characters, …"""


class JobbankError(Exception):
    """Base of the errors services raise on purpose."""

    code = "error"
    params: Params = MappingProxyType({})


class InvalidInput(JobbankError, ValueError):
    """The request or file is wrong; `field` names where (`need n17: priority`), `code` what
    kind of wrong (`too_long`), `params` the values its sentence needs."""

    def __init__(
        self, field: str, message: str, *, code: str, params: Params | None = None
    ) -> None:
        super().__init__(f"{field}: {message}")
        self.field = field
        self.message = message
        self.code = code
        self.params = dict(params or {})

    @property
    def problems(self) -> list[InvalidInput]:
        """Every field problem this refusal carries: itself, unless it is `InvalidFields`."""
        return [self]


class InvalidFields(InvalidInput):
    """Several fields are wrong at once, so a form can mark them all in one answer. Its own
    `field` and `message` are the first problem's, for callers that tell one."""

    def __init__(self, problems: Sequence[InvalidInput]) -> None:
        first = problems[0]
        super().__init__(first.field, first.message, code=first.code, params=first.params)
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

    code = "not_found"


class Conflict(JobbankError):
    """The thing is in a state that does not allow this, or someone changed it meanwhile;
    `code` names the refusal, `field` (where one is at fault) the field a form marks."""

    def __init__(
        self, message: str, *, code: str, field: str | None = None, params: Params | None = None
    ) -> None:
        super().__init__(message)
        self.code = code
        self.field = field
        self.params = dict(params or {})


STALE_VERSION = "stale_version"


def check_version(what: str, current: int, given: int | None) -> None:
    """Refuse a change made to an older copy of a row (optimistic locking, answered as 409)."""
    if given is not None and given != current:
        raise Conflict(
            f"{what}: version {given} is out of date (now {current}); "
            "someone else changed it meanwhile, reload and make your change again",
            code=STALE_VERSION,
            field="version",
            params={"current": current, "given": given},
        )
