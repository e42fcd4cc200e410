"""Each request's database session: where its connection is taken, and how it ends.

advanced-alchemy makes the session; taking its connection and ending it are ours.

Threads are the scarce resource: a thread that waits for a database connection while the
connections are held by requests waiting for a thread would stop both queues for good. So
each kind of work has its own threads, and only one kind ever waits for a connection:

- `connection_threads`: take the request's connection (and look up who is asking, on it)
  before the handler runs, and the progress stream's short looks. Only these wait for a
  connection, and they hold nothing else while they wait.
- Litestar's shared pool runs the handlers, whose session already holds its connection.
- `ending_threads`: commit or roll back by the answer's status, then close, handing the
  connection back. Litestar would run this synchronous before-send hook on the shared pool.

A commit that fails must not be answered with success: the answer becomes a 500 problem.
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
CONNECTION_THREADS = 8
_ending_threads: RunVar[anyio.CapacityLimiter] = RunVar("jobbank_ending_threads")
_connection_threads: RunVar[anyio.CapacityLimiter] = RunVar("jobbank_connection_threads")
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
    return _limiter(_ending_threads, ENDING_THREADS)


def connection_threads() -> anyio.CapacityLimiter:
    return _limiter(_connection_threads, CONNECTION_THREADS)


def _limiter(slot: RunVar[anyio.CapacityLimiter], size: int) -> anyio.CapacityLimiter:
    try:
        return slot.get()
    except LookupError:
        slot.set(threads := anyio.CapacityLimiter(size))
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
