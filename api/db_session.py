"""The end of each request's database session: commit or roll back by the answer's status,
then close, handing the connection back to the pool.

advanced-alchemy opens the session; ending it is ours, for two reasons:

- Litestar runs a synchronous before-send hook on a thread of the shared pool. Under load that
  pool fills with requests that wait for a database connection, while the connections are held
  by answered requests that wait for a thread to commit on: neither queue moves again. So the
  commit and close run on threads of their own, which never wait for a connection.
- A commit that fails must not be answered with success: the answer becomes a 500 problem.
"""

from __future__ import annotations

import json
import logging

import anyio
from advanced_alchemy.extensions.litestar._utils import get_aa_scope_state
from anyio.lowlevel import RunVar
from litestar.datastructures import MutableScopeHeaders
from litestar.types import Message, Scope
from sqlalchemy.orm import Session

log = logging.getLogger(__name__)

ENDING_EVENTS = frozenset({"http.response.start", "http.disconnect"})
COMMIT_STATUSES = range(200, 400)
"""Success and redirects (a form answered with 303) commit; anything else rolls back."""
ENDING_THREADS = 8
_ending_threads: RunVar[anyio.CapacityLimiter] = RunVar("jobbank_ending_threads")
"""Per event loop, as anyio keeps its own default pool: a limiter belongs to one loop."""
FAILED_KEY = "jobbank.commit_failed"
FAILED_BODY = json.dumps(
    {
        "type": "about:blank",
        "title": "Internal server error",
        "status": 500,
        "detail": "the change could not be stored; nothing of it was kept — try again",
    }
).encode()


class SessionEnder:
    """The before-send hook, with its own small pool of threads."""

    def __init__(self, session_key: str) -> None:
        self.session_key = session_key

    async def __call__(self, message: Message, scope: Scope) -> None:
        failed = scope.get(FAILED_KEY)
        if failed and message["type"] == "http.response.body":
            message["body"] = FAILED_BODY if failed == "unsent" else b""
            scope[FAILED_KEY] = "sent"  # type: ignore[literal-required]
            return
        if message["type"] not in ENDING_EVENTS:
            return
        session: Session | None = get_aa_scope_state(scope, self.session_key, pop=True)
        if session is None:
            return
        if not session.in_transaction():  # never touched the database: nothing to wait for
            session.close()
            return
        status = message.get("status") if message["type"] == "http.response.start" else None
        commit = status in COMMIT_STATUSES
        threads = ending_threads()
        stored = await anyio.to_thread.run_sync(end_session, session, commit, limiter=threads)
        if commit and not stored:
            _answer_failure(message, scope)


def ending_threads() -> anyio.CapacityLimiter:
    try:
        return _ending_threads.get()
    except LookupError:
        _ending_threads.set(threads := anyio.CapacityLimiter(ENDING_THREADS))
        return threads


def end_session(session: Session, commit: bool) -> bool:
    """Commit (or roll back) and close; False if the commit failed, which rolls back too."""
    try:
        if commit:
            session.commit()
        else:
            session.rollback()
        return True
    except Exception:
        log.exception("the request's transaction could not be ended; nothing of it was kept")
        return False
    finally:
        session.close()  # also rolls back whatever a failed commit left open


def _answer_failure(message: Message, scope: Scope) -> None:
    """Turn the answer about to start into a 500 problem; its body follows in the next message."""
    message["status"] = 500  # type: ignore[typeddict-unknown-key]
    headers = MutableScopeHeaders.from_message(message)
    headers["content-type"] = "application/problem+json"
    headers["content-length"] = str(len(FAILED_BODY))
    scope[FAILED_KEY] = "unsent"  # type: ignore[literal-required]
