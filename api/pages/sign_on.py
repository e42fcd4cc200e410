"""Log-in through the municipality's provider (OpenID Connect): off unless configured.

`/login/sso` sends the browser to the provider with a fresh attempt; `/login/sso/callback`
takes the provider's answer, spends the attempt, checks the ID token and opens an ordinary
Jobbank session (marked as signed on). A refusal shows a page saying why in words, never a
stack of protocol detail, and is audited by its code alone.
"""

from __future__ import annotations

import datetime as dt
import logging
from typing import Any

from litestar import get
from litestar.datastructures import Cookie
from litestar.exceptions import NotFoundException
from litestar.response import Redirect, Template

from api.auth import open_browser_session
from api.deps import DB, AnyRequest
from api.pages.i18n import language_of
from api.pages.refusals import sign_on_sentence
from jobbank.core import audit
from jobbank.sign_on.flow import SignOn, arrive, depart, take_attempt
from jobbank.sign_on.refusals import PERSON_REFUSALS, UNAVAILABLE_REFUSALS, SignOnRefused

SIGN_ON_PATH = "/login/sso"
CALLBACK_PATH = "/login/sso/callback"
ATTEMPT_COOKIE = "jobbank_sign_on"

log = logging.getLogger(__name__)


def sign_on_of(request: AnyRequest) -> SignOn | None:
    """The app's sign-on, None when not configured."""
    found = request.app.state.get("sign_on")
    return found if isinstance(found, SignOn) else None


def _now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


def _callback_url(request: AnyRequest, sign_on: SignOn) -> str:
    return sign_on.settings.redirect_url or str(request.url_for("sign_on_callback"))


@get(SIGN_ON_PATH, sync_to_thread=True, status_code=303, name="sign_on")
def sign_on_start(db_session: DB, request: AnyRequest) -> Redirect | Template:
    """Leave for the provider's log-in (or say why not: the provider cannot be reached)."""
    sign_on = sign_on_of(request)
    if sign_on is None:
        raise NotFoundException()
    try:
        departure = depart(
            db_session, sign_on, redirect_url=_callback_url(request, sign_on), now=_now()
        )
    except SignOnRefused as refused:
        db_session.rollback()
        return _refused(db_session, request, refused)
    cookie = Cookie(
        key=ATTEMPT_COOKIE,
        value=departure.browser,
        max_age=600,
        httponly=True,
        secure=True,
        samesite="lax",  # sent on the provider's top-level redirect back to us
        path=SIGN_ON_PATH,
    )
    return Redirect(departure.url, cookies=[cookie], status_code=303)


@get(CALLBACK_PATH, sync_to_thread=True, status_code=303, name="sign_on_callback")
def sign_on_callback(db_session: DB, request: AnyRequest) -> Redirect | Template:
    """Come back from the provider: into Jobbank, or a page saying why not."""
    sign_on = sign_on_of(request)
    if sign_on is None:
        raise NotFoundException()
    answer = {key: str(value) for key, value in request.query_params.items()}
    browser = request.cookies.get(ATTEMPT_COOKIE, "")
    try:
        attempt = take_attempt(db_session, answer, browser=browser, now=_now())
        db_session.commit()  # spent, whatever follows
        user = arrive(db_session, sign_on, attempt, answer, now=_now())
    except SignOnRefused as refused:
        db_session.rollback()
        return _refused(db_session, request, refused)
    audit.record(
        db_session,
        user_id=user.id,
        action="login",
        entity="user_account",
        entity_id=user.id,
        after={"client": request.client.host if request.client else "", "via": "sign_on"},
    )
    session_cookie = open_browser_session(db_session, user, signed_on=True)
    response = Redirect("/", cookies=[session_cookie], status_code=303)
    response.delete_cookie(ATTEMPT_COOKIE, path=SIGN_ON_PATH)
    return response


def _refused(db_session: DB, request: AnyRequest, refused: SignOnRefused) -> Template:
    """The refusal's page; the audit log and the server log keep its code (and the log its
    detail, which may name the claim's value but never a token)."""
    log.warning("sign-on refused: %s %s", refused.code, refused.detail)
    audit.record(
        db_session,
        user_id=None,
        action="sign_on_refused",
        entity="sign_on",
        after={"code": refused.code},
    )
    db_session.commit()
    status = (
        403
        if refused.code in PERSON_REFUSALS
        else 503
        if refused.code in UNAVAILABLE_REFUSALS
        else 400
    )
    context: dict[str, Any] = {
        "code": refused.code,
        "why": sign_on_sentence(language_of(request), refused),
    }
    response = Template("sign_on_refused.html", context=context, status_code=status)
    response.delete_cookie(ATTEMPT_COOKIE, path=SIGN_ON_PATH)
    return response
