"""Assignments in people's own calendars: a secret, revocable feed address per person, and a
download of a single assignment, both as iCalendar (RFC 5545) written by `icalendar`.

The feed address holds a random token; like log-in secrets (`jobbank.sessions`) only its
SHA-256 is stored, so a copy of the database cannot read anyone's calendar. A new address
revokes the old one. Calendar apps fetch the feed without logging in, so the token is the
only key: it reaches nothing but that person's published assignments.

Each assignment week is one all-day event from Monday to Sunday (DTEND is the next Monday,
exclusive), marked transparent so a week-long event does not block the person's calendar.
Its UID names the person, the need and the week, not a round: when a later round plans the
same week again, calendar apps update the event instead of adding a second one. Texts are in
the assigned person's own language (`Person.language`). The risk-group flag is never used.

A change to a published plan (`AssignmentChange`) raises the event's SEQUENCE (the number of
changes of its person, need and week), so calendar apps take the new version over the old;
a week a change ended stays in the feed as STATUS:CANCELLED, so subscribed calendars remove
it. Nothing about why it changed is written: the events behind a change are HR's to read.
"""

from __future__ import annotations

import datetime as dt
import secrets
from dataclasses import dataclass

from advanced_alchemy.filters import LimitOffset
from icalendar import Calendar, Event, vDuration
from icalendar.enums import STATUS, TRANSP
from sqlalchemy import bindparam, select
from sqlalchemy.orm import Session, lazyload

from jobbank.assignments import ContactInfo, Deployment, list_deployments
from jobbank.core import audit
from jobbank.core.access import Actor, actor_for
from jobbank.core.errors import NotFound
from jobbank.core.weeks import week_starts
from jobbank.db.models import Assignment, AssignmentChange, CalendarFeed, Need, Person, Unit
from jobbank.sessions import LAST_USED_PRECISION, digest, now

ENTITY = "calendar_feed"
PRODID = "-//Jobbank//Jobbank calendar//EN"
UID_DOMAIN = "jobbank"
REFRESH = dt.timedelta(hours=6)
"""How often calendar apps are asked to fetch the feed again."""
MOST_DEPLOYMENTS = LimitOffset(limit=1000, offset=0)
"""A feed holds at most this many (round, need) deployments: years of a person's work."""
MAX_TOKEN_LENGTH = 200

WORDS = {
    "da": {
        "hours": "t",
        "cancelled": "aflyst",
        "week": "Uge {number}: {hours} timer hos {unit}",
        "work": "Arbejde",
        "shift": "Vagt",
        "contact": "Kontakt",
        "unit_phone": "Enhedens telefon",
        "round": "Runde",
        "calendar": "Jobbank – {name}",
        "day": "dag",
        "evening": "aften",
        "night": "nat",
        "weekend": "weekend",
    },
    "en": {
        "hours": "h",
        "cancelled": "cancelled",
        "week": "Week {number}: {hours} hours at {unit}",
        "work": "Work",
        "shift": "Shift",
        "contact": "Contact",
        "unit_phone": "Unit phone",
        "round": "Round",
        "calendar": "Jobbank – {name}",
        "day": "day",
        "evening": "evening",
        "night": "night",
        "weekend": "weekend",
    },
}


# --- the feed address ------------------------------------------------------------------------


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
    return person_calendar(feed.person, deployments, history, cancelled=True)


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
    return person_calendar(row.person, found, history, cancelled=True)


@dataclass(frozen=True)
class WeekHistory:
    """What changes to published plans did to one (person, need, week): how many there were,
    the last one's time and hours after it, and where the need is (for a cancelled event)."""

    changes: int
    last_at: dt.datetime
    hours_after: float
    unit: str
    address: str


ChangeKey = tuple[int, dt.date]
"""(need id, week) of one person's assignment-week."""

CHANGES_OF_PERSON = (
    select(
        AssignmentChange.need_id,
        AssignmentChange.week,
        AssignmentChange.created_at,
        AssignmentChange.hours_after,
        Unit.name,
        Unit.address,
    )
    .join(Need, Need.id == AssignmentChange.need_id)
    .join(Unit, Unit.id == Need.unit_id)
    .where(AssignmentChange.person_id == bindparam("person_id"))
    .order_by(AssignmentChange.id)
)


def changes_of(session: Session, person_id: int) -> dict[ChangeKey, WeekHistory]:
    """Each of the person's assignment-weeks a change to a published plan touched."""
    history: dict[ChangeKey, WeekHistory] = {}
    for need_id, week, at, after, unit, address in session.execute(
        CHANGES_OF_PERSON, {"person_id": person_id}
    ).tuples():
        seen = history.get((need_id, week))
        count = seen.changes + 1 if seen is not None else 1
        history[(need_id, week)] = WeekHistory(count, _utc(at), after, unit, address)
    return history


def _utc(moment: dt.datetime) -> dt.datetime:
    return moment if moment.tzinfo is not None else moment.replace(tzinfo=dt.UTC)


def person_calendar(
    person: Person,
    deployments: list[Deployment],
    history: dict[ChangeKey, WeekHistory] | None = None,
    *,
    cancelled: bool = False,
) -> Calendar:
    """A calendar with one all-day event per week of each deployment, each at the SEQUENCE its
    `history` of changes gives it; with `cancelled`, also a cancelled event for each week a
    change ended and no plan has given back."""
    words = WORDS.get(person.language, WORDS["da"])
    calendar = Calendar.new(
        prodid=PRODID,
        method="PUBLISH",
        name=words["calendar"].format(name=person.name),
        uid=f"feed-{person.id}@{UID_DOMAIN}",
        refresh_interval=REFRESH,
    )
    calendar["REFRESH-INTERVAL"].params["VALUE"] = "DURATION"  # as RFC 7986 asks
    calendar.add("X-PUBLISHED-TTL", vDuration(REFRESH))  # Outlook's name for the same
    history = history or {}
    shown: set[ChangeKey] = set()
    for deployment in deployments:
        for week, hours in deployment.weeks:
            key = (deployment.need.id, week)
            shown.add(key)
            event = week_event(deployment, week, hours, person.language, history.get(key))
            calendar.add_component(event)
    if cancelled:
        for (need_id, week), past in sorted(history.items()):
            if past.hours_after == 0 and (need_id, week) not in shown:
                calendar.add_component(
                    cancelled_event(person, need_id, week, past, person.language)
                )
    return calendar


def _uid(person_id: int, need_id: int, week: dt.date) -> str:
    return f"{person_id}-{need_id}-{week.isoformat()}@{UID_DOMAIN}"


def cancelled_event(
    person: Person, need_id: int, week: dt.date, past: WeekHistory, language: str
) -> Event:
    """A week a change ended: the same UID at a higher SEQUENCE, STATUS:CANCELLED."""
    words = WORDS.get(language, WORDS["da"])
    return Event.new(
        uid=_uid(person.id, need_id, week),
        summary=f"Jobbank: {past.unit}, {words['cancelled']}",
        start=week,
        end=week + dt.timedelta(weeks=1),
        stamp=past.last_at,
        last_modified=past.last_at,
        location=past.address or past.unit,
        sequence=past.changes,
        status=STATUS.CANCELLED,
        transparency=TRANSP.TRANSPARENT,
    )


def week_event(
    deployment: Deployment,
    week: dt.date,
    hours: float,
    language: str,
    past: WeekHistory | None = None,
) -> Event:
    """One week of a deployment: where, how many hours, what work and whom to contact; at
    SEQUENCE 0 as published, or at the number of changes made to it since."""
    words = WORDS.get(language, WORDS["da"])
    need, unit = deployment.need, deployment.need.unit
    amount = _hours(hours, language)
    skill = need.skill.label_da if language == "da" else need.skill.label_en
    contacts = [_contact(person) for person in deployment.contacts]
    work = f"{skill}: {need.description}" if need.description else skill
    lines = [
        words["week"].format(number=week.isocalendar().week, hours=amount, unit=unit.name),
        f"{words['work']}: {work}",
        f"{words['shift']}: {words.get(need.shift.value, need.shift.value)}",
        *(f"{words['contact']}: {contact}" for contact in contacts),
        *([f"{words['unit_phone']}: {unit.phone}"] if unit.phone else []),
        f"{words['round']}: {deployment.round.name}",
    ]
    stamp = past.last_at if past is not None else deployment.round.published_at or now()
    return Event.new(
        uid=_uid(deployment.person.id, need.id, week),
        sequence=past.changes if past is not None else None,
        summary=f"Jobbank: {unit.name}, {amount} {words['hours']}",
        start=week,
        end=week + dt.timedelta(weeks=1),
        stamp=stamp,
        last_modified=stamp,
        location=unit.address or unit.name,
        description="\n".join(lines),
        contacts=contacts,
        transparency=TRANSP.TRANSPARENT,
    )


def _contact(person: ContactInfo) -> str:
    return ", ".join(part for part in (person.name, person.phone, person.email) if part)


def _hours(hours: float, language: str) -> str:
    text = f"{hours:g}"
    return text.replace(".", ",") if language == "da" else text
