"""Reminding a person who has not answered a deployment that starts soon.

One message per deployment, ever (`reminded_at`), in the person's language, written in the
same transaction that marks it; the outbox sends it (`jobbank.runtime.mail`). Run with the
overdue sweep: by the app's outbox round and by `jobbank outbox sweep`.
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy.orm import Session

from jobbank.db.models import MessageKind
from jobbank.deployments.answers import unanswered_starting
from jobbank.deployments.records import planned_weeks
from jobbank.notifications import add_message

REMIND_DAYS = 3
"""A deployment starting within this many days and still unanswered is reminded of."""


def remind_unconfirmed(session: Session, today: dt.date | None = None) -> int:
    """One reminder to each person whose deployment starts within three days (from today,
    not one already begun) and who has not answered it; returns how many were written."""
    today = today or dt.date.today()
    written = 0
    for deployment in unanswered_starting(session, today, today + dt.timedelta(days=REMIND_DAYS)):
        if deployment.reminded_at is not None:
            continue
        written += add_message(
            session,
            deployment.person,
            MessageKind.CONFIRMATION_WANTED,
            f"confirm:{deployment.id}",
            unit=deployment.unit,
            weeks=[(week.week, week.hours) for week in planned_weeks(session, deployment)],
            link=f"/deployment/{deployment.id}",
        )
        deployment.reminded_at = dt.datetime.now(dt.UTC)
    session.flush()
    return written


__all__ = ["REMIND_DAYS", "remind_unconfirmed"]
