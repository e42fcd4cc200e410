"""What changed since you last looked, on each role's front page: the newest changes to
published plans that concern the caller, the new ones marked, and a button to mark them seen."""

from __future__ import annotations

from typing import Literal

from advanced_alchemy.filters import LimitOffset
from litestar import post
from litestar.params import URLEncodedBody
from litestar.response import Redirect
from pydantic import BaseModel
from sqlalchemy.orm import Session

from api.auth import current_actor
from api.deps import DB, AnyRequest
from jobbank.core.access import Actor
from jobbank.live_plan.changes_seen import ChangesToRead, changes_to_read, mark_changes_seen
from solver.bounds import RowId

NEWEST = LimitOffset(limit=10, offset=0)
"""A front page lists the ten newest changes: the rest were seen or are in the messages."""


def changes_part(db: Session, actor: Actor) -> ChangesToRead | None:
    """The caller's newest changes, or None when no change concerns them."""
    found = changes_to_read(db, actor, NEWEST)
    return found if found.total else None


class SeenForm(BaseModel):
    through: RowId
    """The newest change the page showed: what arrived after it stays new."""
    back: Literal["/", "/dashboard"] = "/"


@post("/changes/seen", sync_to_thread=True)
def mark_seen(db_session: DB, data: URLEncodedBody[SeenForm], request: AnyRequest) -> Redirect:
    """Mark the changes shown seen, and go back to the page that showed them."""
    mark_changes_seen(db_session, current_actor(request), data.through)
    return Redirect(data.back, status_code=303)


ROUTES = [mark_seen]
