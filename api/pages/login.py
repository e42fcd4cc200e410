"""Log-in and log-out pages; the same server-side session and cookie as `/api/auth/login`."""

from __future__ import annotations

from typing import Any
from urllib.parse import urljoin

from litestar import Response, get, post
from litestar.exceptions import NotAuthorizedException
from litestar.params import URLEncodedBody
from litestar.plugins.htmx import ClientRedirect
from litestar.response import Redirect, Template
from pydantic import BaseModel

from api.auth import SESSION_COOKIE, end_log_in, log_in, open_browser_session
from api.deps import DB, AnyRequest
from api.pages.sign_on import sign_on_of
from jobbank import sessions
from jobbank.core.access import Actor
from jobbank.sign_on.flow import SignOn, log_out_url

LOGIN_PATH = "/login"


class LogInForm(BaseModel):
    username: str = ""
    password: str = ""


def to_log_in(request: AnyRequest, _: NotAuthorizedException) -> Response[Any]:
    """Pages answer a missing log-in with the log-in page (HTMX follows it client-side)."""
    if request.headers.get("hx-request") == "true":
        return ClientRedirect(LOGIN_PATH)
    return Redirect(LOGIN_PATH, status_code=303)


def _ways_in(request: AnyRequest) -> dict[str, bool]:
    """Which ways in the page offers: the municipality's sign-on, a password, or both."""
    return {
        "sign_on": sign_on_of(request) is not None,
        "passwords": request.app.state["settings"].local_passwords,
    }


@get(LOGIN_PATH, sync_to_thread=False, name="log_in_page")
def log_in_page(request: AnyRequest) -> Template | Redirect:
    """The log-in form; someone already logged in goes to their home page."""
    if isinstance(request.scope.get("user"), Actor):
        return Redirect("/", status_code=303)
    return Template("login.html", context={"username": "", "error": None, **_ways_in(request)})


@post(LOGIN_PATH, sync_to_thread=True, status_code=303)
def log_in_from_form(
    db_session: DB, data: URLEncodedBody[LogInForm], request: AnyRequest
) -> Template | Redirect:
    """Check the credentials, open a session and go home; else the form again, with why."""
    error: dict[str, Any]
    try:
        user = log_in(db_session, data.username, data.password, request)
    except sessions.TooManyAttempts as locked:
        error = {"code": "locked", "seconds": locked.retry_after}
    except sessions.WrongCredentials:
        error = {"code": "wrong"}
    except sessions.PasswordsOff:
        error = {"code": "passwords_off"}
    else:
        cookie = open_browser_session(db_session, user)
        return Redirect("/", cookies=[cookie], status_code=303)
    return Template(
        "login.html",
        context={"username": data.username, "error": error, **_ways_in(request)},
        status_code=400,
    )


def _log_in_page_url(request: AnyRequest, sign_on: SignOn) -> str:
    """This page's address as the provider knows Jobbank: beside the registered callback
    when one is set (a proxy may change the address the app sees), else from the request."""
    if sign_on.settings.redirect_url:
        return urljoin(sign_on.settings.redirect_url, LOGIN_PATH)
    return str(request.url_for("log_in_page"))


@post("/logout", sync_to_thread=True, status_code=303)
def log_out(db_session: DB, request: AnyRequest) -> Redirect:
    """End this browser session and show the log-in page; a session the municipality's
    sign-on opened also ends there (RP-initiated log-out), which then sends the browser back."""
    signed_on = False
    if isinstance(request.scope.get("user"), Actor):
        signed_on = end_log_in(db_session, request)
    sign_on = sign_on_of(request)
    provider_log_out = (
        log_out_url(sign_on, back_to=_log_in_page_url(request, sign_on))
        if signed_on and sign_on is not None
        else None
    )
    response = Redirect(provider_log_out or LOGIN_PATH, status_code=303)
    response.delete_cookie(SESSION_COOKIE, path="/")
    return response
