"""Errors on the pages are pages: the same causes as the API's problem details, in words and
in the caller's language, with a way back. A missing log-in is handled by the log-in page."""

from __future__ import annotations

from typing import cast

from litestar.exceptions import HTTPException, NotFoundException
from litestar.response import Template
from litestar.types import ExceptionHandlersMap
from sqlalchemy.orm.exc import StaleDataError

from api.deps import AnyRequest
from jobbank.core.errors import Conflict, InvalidInput, NotFound

TITLES = {
    404: "Not found",
    409: "Someone else changed this",
    422: "That cannot be saved",
}
"""Page titles by status; the messages themselves come from the services, in English."""


def _page(request: AnyRequest, status: int, detail: str) -> Template:
    return Template(
        "error.html",
        context={
            "actor": request.scope.get("user"),
            "status": status,
            "title": TITLES.get(status, "Something went wrong"),
            "detail": detail,
        },
        status_code=status,
    )


def not_found(request: AnyRequest, _exc: Exception) -> Template:
    return _page(request, 404, "")


def conflict(request: AnyRequest, exc: Exception) -> Template:
    detail = "" if isinstance(exc, StaleDataError) else str(exc)
    return _page(request, 409, detail)


def invalid(request: AnyRequest, exc: Exception) -> Template:
    return _page(request, 422, str(exc))


def bad_request(request: AnyRequest, exc: HTTPException) -> Template:
    return _page(request, exc.status_code, exc.detail if exc.status_code < 500 else "")


HANDLERS = cast(
    "ExceptionHandlersMap",
    {
        NotFound: not_found,
        NotFoundException: not_found,
        Conflict: conflict,
        StaleDataError: conflict,
        InvalidInput: invalid,
    },
)
"""For the pages' router; forms that show errors at the field catch `InvalidInput` first."""
