"""Each log-in through the provider is good once, in the browser that began it, for a while.

`state` goes to the provider and comes back; only its hash is kept. A second secret stays in
the browser (a cookie): an answer carried to another browser (login CSRF, a leaked link) has
the state but not that secret.
"""

from __future__ import annotations

import datetime as dt
import secrets
from dataclasses import dataclass

from sqlalchemy import delete, func, select
from sqlalchemy.orm import Session

from jobbank.db.models import SignOnAttempt
from jobbank.sessions import digest
from jobbank.sign_on.refusals import SignOnRefused

ATTEMPT_LIFETIME = dt.timedelta(minutes=10)
"""Long enough to type a password and answer a second factor; short enough to go stale."""
MAX_OPEN_ATTEMPTS = 10_000
"""Log-ins under way at once, at most: more than a municipality's whole staff starting within
ten minutes. Beyond it `/login/sso`, which anyone may call, would only fill the table."""
KEPT_AFTER_EXPIRY = dt.timedelta(hours=1)
"""How long a used or stale attempt is kept, so that its replay is told as one."""


@dataclass(frozen=True)
class Begun:
    """What leaves with the browser: `state` in the URL, `browser` in the cookie."""

    state: str
    browser: str
    nonce: str
    code_verifier: str


def begin(session: Session, *, redirect_url: str, now: dt.datetime) -> Begun:
    """A new attempt, stored; old ones are swept here, where they are made."""
    session.execute(delete(SignOnAttempt).where(SignOnAttempt.expires_at < now - KEPT_AFTER_EXPIRY))
    open_now = session.scalar(
        select(func.count()).select_from(SignOnAttempt).where(SignOnAttempt.expires_at >= now)
    )
    if (open_now or 0) >= MAX_OPEN_ATTEMPTS:
        raise SignOnRefused("too_many_sign_ons", f"{open_now} log-ins under way")
    begun = Begun(
        state=secrets.token_urlsafe(32),
        browser=secrets.token_urlsafe(32),
        nonce=secrets.token_urlsafe(32),
        code_verifier=secrets.token_urlsafe(64),  # 86 characters: RFC 7636 asks 43–128
    )
    session.add(
        SignOnAttempt(
            state_hash=digest(begun.state),
            browser_hash=digest(begun.browser),
            nonce=begun.nonce,
            code_verifier=begun.code_verifier,
            redirect_url=redirect_url,
            expires_at=now + ATTEMPT_LIFETIME,
        )
    )
    session.flush()
    return begun


def take(session: Session, *, state: str, browser: str, now: dt.datetime) -> SignOnAttempt:
    """The attempt `state` names, marked used: the caller commits this at once, before the
    code is exchanged, so that the attempt is spent even if what follows fails."""
    attempt = session.scalar(
        select(SignOnAttempt).where(SignOnAttempt.state_hash == digest(state)).with_for_update()
    )
    if attempt is None:
        raise SignOnRefused("unknown_state")
    if attempt.used_at is not None:
        raise SignOnRefused("state_replayed")
    if attempt.expires_at < now:
        raise SignOnRefused("sign_on_expired")
    if not secrets.compare_digest(attempt.browser_hash, digest(browser)):
        raise SignOnRefused("other_browser")
    attempt.used_at = now
    session.flush()
    return attempt
