"""Errors as JSON problem details (RFC 9457) whose `detail` names the field or row at fault.

400: the request cannot be read (malformed: not JSON, not UTF-8, a value of the wrong type,
`true` or `"5"` where a number belongs); 401: not logged in or wrong credentials; 404: no such
thing within the caller's reach; 405: no such method here (`Allow` names those there are);
409: the row changed meanwhile or its state forbids this; 415: a body not sent as JSON; 422:
well-formed but not allowed (a rule of the domain, a value out of its range); 429: too many
failed log-ins.

Every body carries a stable `code` (`CODES`, or a more precise one such as `body_unreadable`)
and names fields in the caller's words: the JSON field or query parameter as sent. Each of its
`errors` carries the code of its own refusal (`too_long`, `taken`, …; see
`jobbank.core.errors`) beside its field and message.
"""

from __future__ import annotations

import logging
import re
from typing import Any

from advanced_alchemy.exceptions import NotFoundError as NoRowFound
from advanced_alchemy.exceptions import RepositoryError
from litestar import Request, Response
from litestar._signature.types import ExtendedMsgSpecValidationError
from litestar.config.app import AppConfig
from litestar.exceptions import HTTPException, ValidationException
from litestar.exceptions.http_exceptions import RequestEntityTooLarge
from litestar.params import ParameterKwarg
from litestar.plugins.problem_details import (
    ProblemDetailsConfig,
    ProblemDetailsException,
    ProblemDetailsPlugin,
)
from litestar.status_codes import (
    HTTP_400_BAD_REQUEST,
    HTTP_401_UNAUTHORIZED,
    HTTP_404_NOT_FOUND,
    HTTP_409_CONFLICT,
    HTTP_422_UNPROCESSABLE_ENTITY,
    HTTP_429_TOO_MANY_REQUESTS,
    HTTP_503_SERVICE_UNAVAILABLE,
)
from sqlalchemy.exc import DataError, IntegrityError, OperationalError, StatementError
from sqlalchemy.orm.exc import StaleDataError

from jobbank.checklists import NOT_YET_TICKABLE
from jobbank.core.bounds import bound_code
from jobbank.core.errors import Conflict, InvalidInput, NotFound
from jobbank.core.texts import TEXT_POLICY
from jobbank.sessions import PasswordsOff, TooManyAttempts, WrongCredentials
from solver.bounds import BOUND_ERRORS, describe
from solver.contract import ContractError

log = logging.getLogger(__name__)
RETRY_AFTER_SECONDS = 1

TITLES = {
    HTTP_400_BAD_REQUEST: "Bad request",
    HTTP_401_UNAUTHORIZED: "Not logged in",
    403: "Forbidden",
    HTTP_404_NOT_FOUND: "Not found",
    405: "Method not allowed",
    HTTP_409_CONFLICT: "Conflict",
    413: "Too large",
    415: "Unsupported media type",
    HTTP_422_UNPROCESSABLE_ENTITY: "Invalid input",
    HTTP_429_TOO_MANY_REQUESTS: "Too many attempts",
    500: "Internal server error",
    503: "Service unavailable",
}


def problem(
    status: int, detail: str, *, headers: dict[str, str] | None = None, **extra: Any
) -> ProblemDetailsException:
    return ProblemDetailsException(
        status_code=status,
        title=TITLES.get(status, "Error"),
        detail=detail,
        extra=extra or None,
        headers=headers,
    )


def _http(exc: HTTPException) -> ProblemDetailsException:
    if isinstance(exc, ValidationException):
        return out_of_bounds(exc) or _validation(exc)
    detail = exc.detail if exc.detail != TITLES.get(exc.status_code) else ""
    return ProblemDetailsException(
        status_code=exc.status_code,
        title=TITLES.get(exc.status_code, "Error"),
        detail=detail or TITLES.get(exc.status_code, "Error"),
        headers=exc.headers,
    )


def _validation(exc: ValidationException) -> ProblemDetailsException:
    """Litestar's validation errors, each as `field: message`, the first one in `detail`."""
    errors = []
    sent_names = _body_names(exc)
    for item in exc.extra if isinstance(exc.extra, list) else []:
        if isinstance(item, dict):
            field = str(item.get("key") or item.get("source") or "body")
            field = sent_names.get(field, field)
            message = str(item.get("message", ""))
            errors.append({"field": field, "code": FIELD_INVALID, "message": message})
    detail = "; ".join(f"{e['field']}: {e['message']}" for e in errors) or str(exc.detail)
    return problem(HTTP_400_BAD_REQUEST, detail, errors=errors)


def out_of_bounds(exc: ValidationException) -> ProblemDetailsException | None:
    """422 when every problem of a readable request is a value beyond its real-world bound
    (`solver.bounds`) or refused by the text policy (`jobbank.core.texts`), each problem
    naming the field as the caller sent it (`weeks[0].hours`); None for anything else."""
    cause = exc.__cause__
    if isinstance(cause, ExtendedMsgSpecValidationError):  # a body, checked by pydantic
        by_field: dict[str, list[Any]] = {}
        for error in cause.errors:
            by_field.setdefault(_sent_name(error["loc"]), []).append(error)
        # a value of a union (`avoid_units`: an id or a code) fails each branch: the value is
        # beyond the bound when one branch says so and the others only name another type
        beyond = {
            field: [e for e in errors if e.get("type") in BEYOND_BOUNDS]
            for field, errors in by_field.items()
        }
        if not all(beyond.values()):
            return None
        problems = [
            {"field": field, "code": bound_code(errors[0]), "message": describe(errors[0])}
            for field, errors in beyond.items()
        ]
    else:  # parameters, checked by msgspec
        items = exc.extra if isinstance(exc.extra, list) else []
        found = [_query_bound(item) for item in items if isinstance(item, dict)]
        problems = [p for p in found if p is not None]
        if not problems or len(problems) != len(found):
            return None
    detail = "; ".join(f"{p['field']}: {p['message']}" for p in problems)
    return problem(HTTP_422_UNPROCESSABLE_ENTITY, detail, errors=problems)


BEYOND_BOUNDS = BOUND_ERRORS | {TEXT_POLICY, "string_too_long", "string_unicode"}
QUERY_BOUND = re.compile(r"^Expected `\w+` (?:of length )?(?P<op>[<>]=?) (?P<limit>\S+)$")
UNION_BRANCH = re.compile(r"[-\[]|^(int|str|float)$")
QUERY_WORDS = {">=": "at least", "<=": "at most", ">": "more than", "<": "less than"}
QUERY_CODES = {">=": "below_least", "<=": "above_most", ">": "must_exceed", "<": "must_be_below"}
"""The code of each bound msgspec names, as `jobbank.core.bounds` codes pydantic's."""


def _body_names(exc: ValidationException) -> dict[str, str]:
    """The body's fields at fault as Litestar names them (`weeks.0.hours`), each to the name
    the caller sent (`weeks[0].hours`)."""
    cause = exc.__cause__
    if not isinstance(cause, ExtendedMsgSpecValidationError):
        return {}
    return {".".join(map(str, e["loc"])): _sent_name(e["loc"]) for e in cause.errors}


def _sent_name(loc: Any) -> str:
    """`('weeks', 0, 'hours')` as the caller wrote it: `weeks[0].hours` (without the branch
    pydantic names in a union, `constrained-int`)."""
    name = ""
    for part in loc:
        if isinstance(part, str) and UNION_BRANCH.search(part):
            continue
        name += f"[{part}]" if isinstance(part, int) else (f".{part}" if name else str(part))
    return name or "body"


def _query_bound(item: dict[str, Any]) -> dict[str, str] | None:
    """A query parameter beyond the bound of its type (msgspec's words made plain)."""
    match = QUERY_BOUND.match(str(item.get("message", "")))
    if item.get("source") != "query" or match is None:
        return None
    return {
        "field": str(item.get("key")),
        "code": QUERY_CODES[match["op"]],
        "message": f"must be {QUERY_WORDS[match['op']]} {match['limit']}",
    }


def _invalid(exc: InvalidInput) -> ProblemDetailsException:
    return problem(
        HTTP_422_UNPROCESSABLE_ENTITY,
        str(exc),
        errors=[
            {"field": each.field, "code": each.code, "message": each.message}
            for each in exc.problems
        ],
    )


def _conflict(exc: Conflict) -> ProblemDetailsException:
    """409, coded `conflict` (or the refusal's own code where programs have long read it
    there); `errors` names the refusal's code, and its field where one is at fault."""
    refusal: dict[str, Any] = {"field": exc.field} if exc.field else {}
    refusal |= {"code": exc.code, "message": str(exc)}
    own: dict[str, Any] = {"code": exc.code} if exc.code in OWN_CODES else {}
    return problem(HTTP_409_CONFLICT, str(exc), errors=[refusal], **own)


OWN_CODES = frozenset({NOT_YET_TICKABLE})
"""Refusals whose code a 409 answers as its own `code`; the others answer `conflict`."""


def _contract(exc: ContractError) -> ProblemDetailsException:
    return problem(
        HTTP_422_UNPROCESSABLE_ENTITY,
        "; ".join(exc.messages[:5]) + (" …" if len(exc.messages) > 5 else ""),
        errors=[{"message": message} for message in exc.messages],
    )


def _stale(exc: StaleDataError) -> ProblemDetailsException:
    log.info("409, a row changed meanwhile: %s", exc)
    return problem(
        HTTP_409_CONFLICT,
        "version: someone else changed this meanwhile; reload it and make your change again",
        code="stale_version",
    )


def _integrity(_exc: IntegrityError) -> ProblemDetailsException:
    return problem(HTTP_409_CONFLICT, "this clashes with data that already exists")


def _unavailable(exc: OperationalError) -> ProblemDetailsException:
    """The database could not be reached, dropped the connection (a restart: the first request
    on each pooled connection meets it, and the pool connects afresh) or stayed busy."""
    log.warning("503, the database: %s", exc.orig)
    return problem(
        HTTP_503_SERVICE_UNAVAILABLE,
        "database: unavailable just now; try again in a moment",
        headers={"Retry-After": str(RETRY_AFTER_SECONDS)},
    )


def _too_many(exc: TooManyAttempts) -> ProblemDetailsException:
    return problem(
        HTTP_429_TOO_MANY_REQUESTS,
        str(exc),
        headers={"Retry-After": str(exc.retry_after)},
    )


def _unstorable(_exc: Exception) -> ProblemDetailsException:
    """The database refused a value the shapes let through: SQLite cannot bind an integer
    beyond 64 bits; PostgreSQL refuses a number out of its column's range or a NUL character."""
    return problem(
        HTTP_422_UNPROCESSABLE_ENTITY,
        "a value in the request cannot be stored: a number out of range or a text with a NUL "
        "character",
    )


def _repository(exc: RepositoryError) -> ProblemDetailsException:
    """advanced-alchemy's services wrap database errors (and would answer a value out of
    range as a 409 outside problem details): answered as the error they wrap."""
    cause = exc.__cause__
    if isinstance(exc, NoRowFound):
        return problem(HTTP_404_NOT_FOUND, "not found")
    if isinstance(cause, IntegrityError):
        return _integrity(cause)
    if isinstance(cause, OperationalError):
        return _unavailable(cause)
    if isinstance(cause, StatementError):
        return _unstorable(cause)
    return _unexpected(exc)


def _not_utf8(_exc: UnicodeDecodeError) -> ProblemDetailsException:
    return problem(HTTP_400_BAD_REQUEST, "request: a text field is not UTF-8")


def _unexpected(exc: Exception) -> ProblemDetailsException:
    """A bug: logged with its traceback, answered without one."""
    log.exception("unexpected error", exc_info=exc)
    return problem(500, "something went wrong on our side; it has been logged")


def _too_large(body_limit: int | None) -> Any:
    def answer(_exc: RequestEntityTooLarge) -> ProblemDetailsException:
        return problem(
            413,
            f"request body: more than the limit of {body_limit:,} bytes "
            "(JOBBANK_REQUEST_MAX_BYTES)",
            limit="request_max_bytes",
            value=body_limit,
        )

    return answer


# --- a stable code, in the caller's words ---------------------------------------------------

CODES = {
    HTTP_400_BAD_REQUEST: "request_invalid",
    HTTP_401_UNAUTHORIZED: "not_logged_in",
    403: "csrf_token_invalid",
    HTTP_404_NOT_FOUND: "not_found",
    405: "method_not_allowed",
    HTTP_409_CONFLICT: "conflict",
    413: "body_too_large",
    415: "unsupported_media_type",
    HTTP_422_UNPROCESSABLE_ENTITY: "invalid_input",
    HTTP_429_TOO_MANY_REQUESTS: "too_many_attempts",
    500: "internal_error",
    HTTP_503_SERVICE_UNAVAILABLE: "unavailable",
}
"""The `code` of each status, unless the problem names a more precise one; a 400 naming
fields is `field_invalid`."""
FIELD_INVALID = "field_invalid"


def code_of(exc: Exception, status: int | None, body: dict[str, Any]) -> str:
    """The problem's stable code: its own (`extra={"code": …}`), else the status's."""
    extra = getattr(exc, "extra", None)
    own = body.get("code") or (extra.get("code") if isinstance(extra, dict) else None)
    if own:
        return str(own)
    if status == HTTP_400_BAD_REQUEST and body.get("errors"):
        return FIELD_INVALID
    return CODES.get(status or 500, "error")


BODY_PARAMETER = "data"
"""A handler's name for the request body, which Litestar names when it cannot read it whole."""
MISSING_FIELD = re.compile(r"missing required field `([^`]+)`")


def in_callers_words(request: Request[Any, Any, Any], exc: ValidationException) -> None:
    """Renames each field at fault that Litestar names by the handler's parameter to the name
    the caller sent (`?from=`, not `start`)."""
    names = _parameter_names(request)
    for item in exc.extra if isinstance(exc.extra, list) else []:
        if not isinstance(item, dict):
            continue
        if item.get("key") in names:
            item["key"] = names[item["key"]]
        elif item.get("key") == BODY_PARAMETER:  # the body as a whole, or a field it lacks
            missing = MISSING_FIELD.search(str(item.get("message", "")))
            item["key"] = missing.group(1) if missing else "body"


def _parameter_names(request: Request[Any, Any, Any]) -> dict[str, str]:
    """The handler's (and its dependencies') parameters sent under another name."""
    try:
        handler = request.route_handler
    except (KeyError, AttributeError):  # no route matched
        return {}
    signatures = [handler.parsed_fn_signature] + [
        provider.parsed_fn_signature for provider in handler.resolve_dependencies().values()
    ]
    names = {}
    for signature in signatures:
        for name, definition in signature.parameters.items():
            kwarg = definition.kwarg_definition
            if isinstance(kwarg, ParameterKwarg):
                sent = kwarg.name or kwarg.query or kwarg.header or kwarg.cookie
                if sent and sent != name:
                    names[name] = sent
    return names


def _answer(convert: Any) -> Any:
    """An exception handler answering `convert(exc)` with its code, fields named as sent."""

    def handle(request: Request[Any, Any, Any], exc: Exception) -> Response[Any]:
        if isinstance(exc, ValidationException):
            in_callers_words(request, exc)
        response: Response[Any] = convert(exc).to_response(request)
        body = response.content
        if isinstance(body, dict):
            body["code"] = code_of(exc, response.status_code, body)
        return response

    return handle


class CodedProblemsPlugin(ProblemDetailsPlugin):
    """Problem details as the module says: each with its `code`, fields in the caller's words."""

    def on_app_init(self, app_config: AppConfig) -> AppConfig:
        app_config.exception_handlers[ProblemDetailsException] = _answer(lambda exc: exc)
        for exc_type, convert in self.config.exception_to_problem_detail_map.items():
            app_config.exception_handlers[exc_type] = _answer(convert)
        return app_config


def plugin(body_limit: int | None = None) -> ProblemDetailsPlugin:
    """The plugin turning every error Jobbank raises on purpose into problem details;
    `body_limit` is named when a request body is too large."""
    mapping: dict[type[Exception], Any] = {
        RequestEntityTooLarge: _too_large(body_limit),
        HTTPException: _http,
        InvalidInput: _invalid,
        ContractError: _contract,
        NotFound: lambda exc: problem(HTTP_404_NOT_FOUND, str(exc)),
        Conflict: _conflict,
        WrongCredentials: lambda exc: problem(HTTP_401_UNAUTHORIZED, str(exc)),
        TooManyAttempts: _too_many,
        PasswordsOff: lambda exc: problem(403, str(exc), code=exc.code),
        StaleDataError: _stale,
        IntegrityError: _integrity,
        OperationalError: _unavailable,
        OverflowError: _unstorable,
        DataError: _unstorable,
        RepositoryError: _repository,
        UnicodeDecodeError: _not_utf8,
        Exception: _unexpected,
    }
    return CodedProblemsPlugin(ProblemDetailsConfig(exception_to_problem_detail_map=mapping))
