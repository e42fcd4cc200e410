"""The feed address (a secret, revocable token per person) and reading a calendar: the
feed of a person's published assignments, or one assignment to import."""

from __future__ import annotations

import datetime as dt
import secrets
from dataclasses import dataclass

from advanced_alchemy.filters import LimitOffset
from icalendar import Calendar
from sqlalchemy import bindparam, select
from sqlalchemy.orm import Session, lazyload

from jobbank.assignments import list_deployments, work_days_of
from jobbank.calendar.events import person_calendar
from jobbank.calendar.history import changes_of, day_changes_of
from jobbank.core import audit
from jobbank.core.access import Actor, actor_for
from jobbank.core.errors import NotFound
from jobbank.core.weeks import monday_of, week_starts
from jobbank.db.models import Assignment, CalendarFeed
from jobbank.sessions import LAST_USED_PRECISION, digest, now

ENTITY = "calendar_feed"
MOST_DEPLOYMENTS = LimitOffset(limit=1000, offset=0)
"""A feed holds at most this many (round, need) deployments: years of a person's work."""
MAX_TOKEN_LENGTH = 200


@dataclass(frozen=True)
class NewFeed:
    """A new feed address: the token is shown once, here, and never again."""

    token: str
    feed: CalendarFeed


def _own_person(actor: Actor) -> int:
    """The caller's person: a feed shows one person's assignments, so a log-in without a
    person has none."""
    if actor.person_id is None:
        raise NotFound("calendar feed: not found")
    return actor.person_id


def _live_feeds(session: Session, person_id: int) -> list[CalendarFeed]:
    return list(
        session.scalars(
            select(CalendarFeed)
            .where(CalendarFeed.person_id == person_id, CalendarFeed.revoked_at.is_(None))
            .order_by(CalendarFeed.id.desc())
            .with_for_update(of=CalendarFeed)
        )
    )


ACTIVE_FEED = (
    select(CalendarFeed)
    .options(lazyload(CalendarFeed.person))  # the staff page shows only its dates
    .where(CalendarFeed.person_id == bindparam("person_id"), CalendarFeed.revoked_at.is_(None))
    .order_by(CalendarFeed.id.desc())
    .limit(1)
)


def active_feed(session: Session, actor: Actor) -> CalendarFeed | None:
    """The caller's feed that works now, if any (when it was made and last read)."""
    return session.scalar(ACTIVE_FEED, {"person_id": _own_person(actor)})


def create_feed(session: Session, actor: Actor) -> NewFeed:
    """A new secret feed address for the caller; any earlier one stops working."""
    person_id = _own_person(actor)
    replaced = _revoke(session, actor, _live_feeds(session, person_id))
    token = secrets.token_urlsafe(32)
    feed = CalendarFeed(person_id=person_id, token_hash=digest(token))
    session.add(feed)
    session.flush()
    audit.record(
        session,
        user_id=actor.user_id,
        action="create",
        entity=ENTITY,
        entity_id=feed.id,
        after={"person_id": person_id, "replaces": replaced},
    )
    return NewFeed(token=token, feed=feed)


def revoke_feed(session: Session, actor: Actor) -> int:
    """Stop the caller's feed address; returns how many were live (0: nothing to do)."""
    return len(_revoke(session, actor, _live_feeds(session, _own_person(actor))))


def _revoke(session: Session, actor: Actor, feeds: list[CalendarFeed]) -> list[int]:
    moment = now()
    for feed in feeds:
        feed.revoked_at = moment
        audit.record(
            session,
            user_id=actor.user_id,
            action="revoke",
            entity=ENTITY,
            entity_id=feed.id,
            after={"revoked_at": moment.isoformat()},
        )
    return [feed.id for feed in feeds]


# --- reading the calendar --------------------------------------------------------------------


def read_feed(session: Session, token: str) -> Calendar:
    """The calendar of the feed with this token: every published assignment week of its
    person. Unknown and revoked tokens, and switched-off log-ins, are not found."""
    feed = (
        session.scalar(select(CalendarFeed).where(CalendarFeed.token_hash == digest(token)))
        if 0 < len(token) <= MAX_TOKEN_LENGTH
        else None
    )
    account = feed.person.account if feed is not None else None
    if feed is None or feed.revoked_at is not None or account is None or not account.is_active:
        raise NotFound("calendar feed: not found")
    _note_read(feed)
    deployments, _ = list_deployments(
        session, actor_for(account), MOST_DEPLOYMENTS, person_id=feed.person_id
    )
    history = changes_of(session, feed.person_id)
    days = work_days_of(session, feed.person_id)
    day_history = day_changes_of(session, feed.person_id)
    return person_calendar(
        feed.person, deployments, history, cancelled=True, days=days, day_history=day_history
    )


def _note_read(feed: CalendarFeed) -> None:
    """Record when the feed was last fetched, at most once a minute (apps poll often)."""
    moment = now()
    last = feed.last_read_at
    if last is not None and last.tzinfo is None:
        last = last.replace(tzinfo=dt.UTC)
    if last is None or moment - last > LAST_USED_PRECISION:
        feed.last_read_at = moment


def assignment_calendar(session: Session, actor: Actor, assignment_id: int) -> Calendar:
    """One assignment (the person's weeks at one need of one published round, of which
    `assignment_id` is any week) as a calendar to import, as the feed tells it: changed weeks
    at a higher SEQUENCE, and its weeks a change ended as cancelled, so importing it again
    updates the calendar. For the person, the leaders of their home unit and of the
    receiving unit, and HR; anyone else finds nothing. An id whose week has ended is no
    assignment any more (not found); the feed and the other weeks' downloads cancel it."""
    missing = NotFound(f"assignment {assignment_id}: not found")
    row = session.get(Assignment, assignment_id)
    if row is None:
        raise missing
    deployments, _ = list_deployments(
        session, actor, MOST_DEPLOYMENTS, round_id=row.round_id, person_id=row.person_id
    )
    found = [deployment for deployment in deployments if deployment.need.id == row.need_id]
    if not found:
        raise missing
    weeks = set(week_starts(found[0].round.start, found[0].round.weeks))
    history = {
        key: past
        for key, past in changes_of(session, row.person_id).items()
        if key[0] == row.need_id and key[1] in weeks
    }
    day_history = {
        key: past
        for key, past in day_changes_of(session, row.person_id).items()
        if key[0] == row.need_id and monday_of(key[1]) in weeks
    }
    days = work_days_of(session, row.person_id)
    return person_calendar(
        row.person, found, history, cancelled=True, days=days, day_history=day_history
    )
