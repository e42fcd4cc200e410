"""Log-in, log-out and API tokens; who the caller is; guards for the three roles.

Browsers carry a server-side session in an http-only, SameSite=Lax, Secure cookie, and
unsafe requests must echo the CSRF cookie (Litestar's double-submit check). API clients
send `Authorization: Bearer <token>`; such requests carry no ambient credential, so they
skip the CSRF check. Out-of-reach answers 404, never 403, so existence does not leak.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import anyio.to_thread
from advanced_alchemy.extensions.litestar import SQLAlchemySyncConfig
from advanced_alchemy.extensions.litestar._utils import get_aa_scope_state
from litestar import Controller, Request, Response, delete, get, post
from litestar.config.csrf import CSRFConfig
from litestar.connection import ASGIConnection
from litestar.datastructures import Cookie
from litestar.enums import ScopeType
from litestar.exceptions import NotAuthorizedException, NotFoundException
from litestar.handlers.base import BaseRouteHandler
from litestar.middleware import ASGIMiddleware
from litestar.middleware.csrf import CSRFMiddleware
from litestar.params import FromPath, JSONBody
from litestar.types import ASGIApp, Receive, Scope, Send
from pydantic import BaseModel, Field
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session

from api.db_session import connection_threads, end_session
from api.deps import DB, AnyRequest, Id
from api.openapi_docs import problems
from jobbank import accounts, sessions
from jobbank.core.access import Actor, actor_for
from jobbank.core.roles import Role
from jobbank.core.texts import Label
from jobbank.db.models import AuthKind, AuthSession, UserAccount

SESSION_COOKIE = "jobbank_session"
CSRF_COOKIE = "jobbank_csrf"
CSRF_HEADER = "x-csrf-token"
NO_CSRF = "exclude_from_csrf"
"""Route opt for endpoints that take credentials in the body and set no cookie."""


# --- who is asking -------------------------------------------------------------------


class ActorMiddleware(ASGIMiddleware):
    """Puts the caller's `Actor` (or None) in `scope["user"]` and its log-in in `scope["auth"]`.

    Before a handler that takes the database session runs, and whenever there is a credential
    to look up, the request's own session takes its connection on `connection_threads` and
    the look-up runs on it: one transaction and one thread hop per request, and the handler's
    thread never waits for a connection (see `api.db_session`).
    """

    def __init__(self, database: SQLAlchemySyncConfig) -> None:
        self.database = database
        self.takes_session: dict[int, bool] = {}

    async def handle(self, scope: Scope, receive: Receive, send: Send, next_app: ASGIApp) -> None:
        request: AnyRequest = Request(scope)
        bearer = _bearer(request.headers.get("authorization", ""))
        cookie = request.cookies.get(SESSION_COOKIE, "")
        found: tuple[Actor, int] | None = None
        takes_session = self._takes_session(scope["route_handler"])
        if bearer or cookie or takes_session:
            session = self.database.provide_session(request.app.state, scope)
            idle_minutes = request.app.state["settings"].session_idle_minutes
            idle = dt.timedelta(minutes=idle_minutes) if idle_minutes else None
            found = await anyio.to_thread.run_sync(
                _look_up, session, bearer, cookie, idle, takes_session, limiter=connection_threads()
            )
            if not takes_session:  # ended by `_look_up` already
                get_aa_scope_state(scope, self.database.session_scope_key, pop=True)
        scope["user"] = found[0] if found else None
        scope["auth"] = found[1] if found else None
        await next_app(scope, receive, send)

    def _takes_session(self, handler: BaseRouteHandler) -> bool:
        known = self.takes_session.get(id(handler))
        if known is None:
            key = self.database.session_dependency_key
            wanted = handler.parsed_fn_signature.parameters
            providers = handler.resolve_dependencies()
            known = key in wanted or any(
                key in providers[name].parsed_fn_signature.parameters
                for name in wanted
                if name in providers
            )
            self.takes_session[id(handler)] = known
        return known


def _bearer(header: str) -> str:
    scheme, _, value = header.partition(" ")
    return value.strip() if scheme.lower() == "bearer" else ""


def _look_up(
    session: Session, bearer: str, cookie: str, idle: dt.timedelta | None, keep: bool
) -> tuple[Actor, int] | None:
    """Finds who is asking and, for a handler that takes the session (`keep`), takes its
    connection. Otherwise the transaction ends here and the connection goes back at once: a
    handler that streams, or reads in sessions of its own (a solve's progress), would hold it
    while it streams, or wait for a second connection while it holds the first, and a process
    has only a few."""
    try:
        found = _who_asks(session, bearer, cookie, idle) if bearer or cookie else None
        if keep:
            _take_connection(session)
        return found
    finally:
        if not keep:
            end_session(session, commit=True)


def _who_asks(
    session: Session, bearer: str, cookie: str, idle: dt.timedelta | None
) -> tuple[Actor, int] | None:
    """A bearer token wins over a cookie: a client that sends one means it. Only browser
    sessions end when left idle; a token is for scripts that may run once a month."""
    found = (
        sessions.resolve(session, bearer, kind=AuthKind.TOKEN)
        if bearer
        else sessions.resolve(session, cookie, kind=AuthKind.SESSION, idle=idle)
    )
    if sessions.noted_use(session):
        session.commit()  # at once: SQLite would otherwise hold its one write lock throughout
    return found


def _take_connection(session: Session) -> None:
    """The handler's connection, taken on this thread so that the handler's never waits for
    one (a no-op when the look-up holds it still)."""
    try:
        session.connection()
    except SQLAlchemyError:  # the handler meets it too, and may answer it (`/health`: 503)
        session.rollback()


class BearerAwareCSRFMiddleware(CSRFMiddleware):
    """Litestar's CSRF check, skipped where a forged request could do nothing: for bearer-token
    requests (no ambient credential), and for a route that needs a log-in when the request
    carries none, so that it answers 401 "log in first" (as documented) rather than 403. Routes
    that need no log-in (logging in itself) keep the check."""

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == ScopeType.HTTP and (
            _has_bearer(scope) or _needs_log_in_but_has_none(scope)
        ):
            await self.app(scope, receive, send)
            return
        await super().__call__(scope, receive, send)


def _needs_log_in_but_has_none(scope: Scope) -> bool:
    handler = scope.get("route_handler")
    if handler is None or not handler.resolve_guards():
        return False
    return SESSION_COOKIE not in Request(scope).cookies


def _has_bearer(scope: Scope) -> bool:
    for name, value in scope.get("headers", []):
        if name == b"authorization":
            return value[:7].lower() == b"bearer "
    return False


def csrf_config(secret: str) -> CSRFConfig:
    return CSRFConfig(
        secret=secret,
        cookie_name=CSRF_COOKIE,
        header_name=CSRF_HEADER,
        cookie_secure=True,
        cookie_samesite="lax",
        exclude_from_csrf_key=NO_CSRF,
    )


def current_actor(request: AnyRequest) -> Actor:
    """The logged-in caller, for handlers; 401 when nobody is logged in."""
    actor = request.scope.get("user")
    if not isinstance(actor, Actor):
        raise NotAuthorizedException("log in first")
    return actor


# --- guards --------------------------------------------------------------------------


def logged_in(connection: ASGIConnection[Any, Any, Any, Any], _: BaseRouteHandler) -> None:
    if not isinstance(connection.scope.get("user"), Actor):
        raise NotAuthorizedException("log in first")


def _with_role(*roles: Role) -> Any:
    def guard(connection: ASGIConnection[Any, Any, Any, Any], handler: BaseRouteHandler) -> None:
        logged_in(connection, handler)
        actor: Actor = connection.scope["user"]
        if not actor.roles.intersection(roles):
            raise NotFoundException()

    return guard


hr_only = _with_role(Role.HR_COORDINATOR)
leader_or_hr = _with_role(Role.UNIT_LEADER, Role.HR_COORDINATOR)


# --- log-in, log-out, tokens ---------------------------------------------------------


class Credentials(BaseModel):
    username: str = Field(min_length=1, max_length=100)
    password: str = Field(min_length=1, max_length=1000)


class TokenSpec(BaseModel):
    label: Label = Field("", description="What the token is for, to recognise it.")
    expires_in_days: int = Field(30, ge=1, le=365)


class TokenRequest(Credentials, TokenSpec):
    pass


class Me(BaseModel):
    user_id: int
    username: str
    name: str
    roles: list[Role]
    person_id: int | None
    led_unit_ids: list[int]

    @classmethod
    def of(cls, actor: Actor) -> Me:
        return cls(
            user_id=actor.user_id,
            username=actor.username,
            name=actor.name,
            roles=sorted(actor.roles),
            person_id=actor.person_id,
            led_unit_ids=sorted(actor.led_unit_ids),
        )


class TokenInfo(BaseModel):
    id: int
    label: str
    created_at: dt.datetime
    expires_at: dt.datetime
    last_used_at: dt.datetime | None

    @classmethod
    def of(cls, row: AuthSession) -> TokenInfo:
        return cls(
            id=row.id,
            label=row.label,
            created_at=row.created_at,
            expires_at=row.expires_at,
            last_used_at=row.last_used_at,
        )


class NewToken(TokenInfo):
    token: str = Field(description="The bearer token; shown once, keep it secret.")


def _client(request: AnyRequest) -> str:
    return request.client.host if request.client else ""


def log_in(db: Session, username: str, password: str, request: AnyRequest) -> UserAccount:
    """The account for these credentials; a failure is committed so that it counts."""
    try:
        return sessions.log_in(db, username, password, client=_client(request))
    except sessions.WrongCredentials:
        db.commit()  # the failed attempt counts even though the request fails
        raise


def open_browser_session(db: Session, user: UserAccount, *, signed_on: bool = False) -> Cookie:
    """A new browser session for `user`, as the cookie that carries it."""
    opened = sessions.open_session(db, user, kind=AuthKind.SESSION, signed_on=signed_on)
    return Cookie(
        key=SESSION_COOKIE,
        value=opened.secret,
        max_age=int(sessions.SESSION_LIFETIME.total_seconds()),
        httponly=True,
        secure=True,
        samesite="lax",
        path="/",
    )


def end_log_in(db: Session, request: AnyRequest) -> bool:
    """Revoke the session cookie or bearer token this request came with; True when the
    municipality's sign-on had opened it."""
    return sessions.end_log_in(db, request.scope["auth"], by=current_actor(request).user_id)


class AuthController(Controller):
    path = "/api/auth"
    tags = ("auth",)

    @post("/login", sync_to_thread=True, status_code=200, responses=problems(401, 429))
    def login(
        self, db_session: DB, data: JSONBody[Credentials], request: AnyRequest
    ) -> Response[Me]:
        """Log in with username and password; sets the session cookie for the web pages."""
        user = log_in(db_session, data.username, data.password, request)
        cookie = open_browser_session(db_session, user)
        return Response(Me.of(actor_for(user)), cookies=[cookie])

    @post("/logout", sync_to_thread=True, status_code=200, guards=[logged_in])
    def logout(self, db_session: DB, request: AnyRequest) -> Response[dict[str, str]]:
        """End this log-in: the cookie's session, or the bearer token used for this request."""
        end_log_in(db_session, request)
        response: Response[dict[str, str]] = Response({"status": "logged out"})
        response.delete_cookie(SESSION_COOKIE, path="/")
        return response

    @post(
        "/token",
        sync_to_thread=True,
        status_code=201,
        opt={NO_CSRF: True},
        responses=problems(401, 429),
    )
    def create_token(
        self, db_session: DB, data: JSONBody[TokenRequest], request: AnyRequest
    ) -> NewToken:
        """A bearer token for an API client, from username and password."""
        user = log_in(db_session, data.username, data.password, request)
        return _new_token(db_session, user, data)

    @post("/tokens", sync_to_thread=True, status_code=201, guards=[logged_in])
    def create_token_of_session(
        self, db_session: DB, data: JSONBody[TokenSpec], request: AnyRequest
    ) -> NewToken:
        """A bearer token for an API client, made from a logged-in browser session: the way
        to one where people sign on with the municipality's accounts and have no password.
        Not from another token, so a token cannot outlive itself by making the next."""
        if _bearer(request.headers.get("authorization", "")):
            raise NotFoundException()
        user = db_session.get_one(UserAccount, current_actor(request).user_id)
        return _new_token(db_session, user, data)

    @get("/tokens", sync_to_thread=True, guards=[logged_in])
    def list_tokens(self, db_session: DB, request: AnyRequest) -> list[TokenInfo]:
        """Your API tokens that are still valid."""
        actor = current_actor(request)
        return [TokenInfo.of(row) for row in sessions.tokens_of(db_session, actor.user_id)]

    @delete("/tokens/{token_id:int}", sync_to_thread=True, guards=[logged_in])
    def revoke_token(self, db_session: DB, token_id: FromPath[Id], request: AnyRequest) -> None:
        """Revoke one of your API tokens; it stops working at once."""
        actor = current_actor(request)
        sessions.revoke(
            db_session, sessions.token_of(db_session, actor.user_id, token_id), by=actor.user_id
        )


def _new_token(db: Session, user: UserAccount, spec: TokenSpec) -> NewToken:
    opened = sessions.open_session(
        db,
        user,
        kind=AuthKind.TOKEN,
        label=spec.label,
        lifetime=dt.timedelta(days=spec.expires_in_days),
    )
    return NewToken(token=opened.secret, **TokenInfo.of(opened.row).model_dump())


class PasswordChange(BaseModel):
    current_password: str = Field(min_length=1, max_length=1000)
    new_password: str = Field(
        min_length=1,
        max_length=1000,
        description="At least `JOBBANK_PASSWORD_MIN_LENGTH` (12) characters, not the username.",
    )


@post("/api/me/password", sync_to_thread=True, status_code=204, guards=[logged_in], tags=["auth"])
def change_my_password(db_session: DB, data: JSONBody[PasswordChange], request: AnyRequest) -> None:
    """Change your password: give the current one and the new one."""
    actor = current_actor(request)
    accounts.change_own_password(db_session, actor, data.current_password, data.new_password)


@get("/api/me", sync_to_thread=False, guards=[logged_in], tags=["auth"])
def me(request: AnyRequest) -> Me:
    """Who you are logged in as, your roles and the units you lead."""
    return Me.of(current_actor(request))
