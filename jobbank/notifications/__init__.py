"""Messages to people (the outbox): what a published round, a wanted approval or an overdue
checklist item means for each person concerned, in their own language.

Each message is written in the same transaction as the change it tells of (a transactional
outbox), so nothing is announced that did not happen and nothing that happened goes untold;
`jobbank.runtime.mail` sends them later. A `dedupe_key` per event and person makes every event
produce at most one message, however often it is announced.

The risk-group flag never appears in a message: messages reach leaders and the mail server.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any, NamedTuple

from advanced_alchemy.filters import LimitOffset
from babel.dates import format_date
from babel.numbers import format_decimal
from jinja2 import Environment, FileSystemLoader, StrictUndefined
from sqlalchemy import ColumnElement, func, select, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from jobbank.assignments.records import Deployment, deployments_of
from jobbank.checklists.overdue import overdue_in_sql
from jobbank.core.access import Actor
from jobbank.core.roles import Role
from jobbank.coverage import Coverage, round_coverage
from jobbank.db.models import (
    AllocationRound,
    Assignment,
    Audience,
    Checklist,
    ChecklistItem,
    MessageKind,
    MessageStatus,
    Need,
    OutboxMessage,
    Person,
    RoundStatus,
    Unit,
    UserAccount,
    UserRole,
    VolunteerProfile,
)
from solver.contract import parse_round_result

LANGUAGES = ("da", "en")
TEMPLATES = Path(__file__).parent / "templates"


# --- writing a message -----------------------------------------------------------------------


def language_of(person: Person) -> str:
    return person.language if person.language in LANGUAGES else "da"


@cache
def _templates(language: str) -> Environment:
    """Plain-text Jinja templates of one language, with its week, date and hour formats."""
    environment = Environment(
        loader=FileSystemLoader(TEMPLATES / language),
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
        autoescape=False,
    )
    environment.filters.update(
        week=lambda monday: week_label(language, monday),
        date=lambda day: format_date(day, format="long", locale=language),
        hours=lambda hours: format_decimal(hours, format="#,##0.#", locale=language),
    )
    return environment


def week_label(language: str, monday: dt.date) -> str:
    """`uge 12 (16. mar.)` / `week 12 (16 Mar)`, as the pages name a week."""
    word = "uge" if language == "da" else "week"
    day = format_date(monday, format="d MMM", locale=language)
    return f"{word} {monday.isocalendar().week} ({day})"


def render(template: str, language: str, **context: Any) -> tuple[str, str]:
    """The subject and body of a message: the template's `subject` variable and its text."""
    module = _templates(language).get_template(f"{template}.txt").make_module(context)
    subject = " ".join(str(module.__dict__["subject"]).split())  # the template's {% set %}
    return subject, str(module).strip() + "\n"


def add_message(
    session: Session,
    person: Person,
    kind: MessageKind,
    dedupe_key: str,
    *,
    template: str | None = None,
    **context: Any,
) -> bool:
    """Put a message to `person` in the outbox, in their language, written by `template`
    (by default the one named after its kind); False if this event has told them already
    (same `dedupe_key`). Without an e-mail address it is only shown on their page."""
    language = language_of(person)
    subject, body = render(template or kind.value, language, person=person, **context)
    address = person.email.strip()
    now = dt.datetime.now(dt.UTC)
    values = {
        "person_id": person.id,
        "kind": kind,
        "dedupe_key": dedupe_key[:200],
        "language": language,
        "to_address": address,
        "subject": subject[:300],
        "body": body,
        "status": MessageStatus.PENDING if address else MessageStatus.NOT_SENT,
        "attempts": 0,
        "last_error": "" if address else "no e-mail address",
        "created_at": now,
        "updated_at": now,
    }
    # One INSERT that skips a key already there, so two processes announcing the same event
    # (two sweeps, a retried publish) can never make two messages, nor fail on each other.
    insert = postgresql.insert if session.get_bind().dialect.name == "postgresql" else sqlite.insert
    statement = insert(OutboxMessage).values(values).on_conflict_do_nothing()
    return session.execute(statement.returning(OutboxMessage.id)).first() is not None


# --- publishing a round ------------------------------------------------------------------------

Plan = dict[tuple[int, dt.date], float]
"""One person's hours by (need id, week)."""


@dataclass(frozen=True)
class Change:
    """One week of one need whose hours differ from the plan people had: 0 is none."""

    week: dt.date
    unit: str
    before: float
    after: float


def announce_round(session: Session, rnd: AllocationRound) -> int:
    """Tell everyone concerned by a round just published: each lent person their assignments
    (or, if they differ from what the earlier published plan for these weeks said, what
    changed, also to people who lost all theirs), and each receiving unit's leaders who comes
    when. Returns how many new messages were written."""
    rows = _assignments(session, [rnd.id])
    now_plans = _plans(rows)
    before_rows = _earlier_plan(session, rnd)
    before_plans = _plans(before_rows)
    units = {row.need_id: row.need.unit for row in [*rows, *before_rows]}  # by need
    rows_of: dict[int, list[Assignment]] = defaultdict(list)
    for row in rows:
        rows_of[row.person_id].append(row)
    written = 0
    for person_id in sorted(now_plans.keys() | before_plans.keys()):
        person = session.get_one(Person, person_id)
        now, before = now_plans.get(person_id, {}), before_plans.get(person_id, {})
        deployments = deployments_of(rnd, rows_of[person_id])
        kind = MessageKind.ROUND_PUBLISHED
        changes: list[Change] = []
        if before and before != now:
            kind = MessageKind.ASSIGNMENT_CHANGED
            changes = _changes(before, now, units)
        written += add_message(
            session,
            person,
            kind,
            f"round:{rnd.id}:person:{person_id}",
            round=rnd,
            deployments=deployments,
            changes=changes,
        )
    return written + _tell_receiving_leaders(session, rnd, rows)


def _assignments(session: Session, round_ids: Sequence[int]) -> list[Assignment]:
    return list(
        session.scalars(
            select(Assignment)
            .where(Assignment.round_id.in_(round_ids))
            .order_by(Assignment.week, Assignment.need_id, Assignment.person_id)
        )
    )


def _plans(rows: Iterable[Assignment]) -> dict[int, Plan]:
    plans: dict[int, Plan] = defaultdict(dict)
    for row in rows:
        plans[row.person_id][(row.need_id, row.week)] = row.hours
    return plans


def _earlier_plan(session: Session, rnd: AllocationRound) -> list[Assignment]:
    """What people were told for this round's weeks: each week as the latest other published
    round that covers it planned it."""
    others = session.scalars(
        select(AllocationRound)
        .where(
            AllocationRound.status == RoundStatus.PUBLISHED,
            AllocationRound.id != rnd.id,
            AllocationRound.start <= rnd.end,
        )
        .order_by(AllocationRound.published_at, AllocationRound.id)
    ).all()
    covering: dict[dt.date, int] = {}
    for other in others:
        for offset in range(other.weeks):
            week = other.start + dt.timedelta(weeks=offset)
            if rnd.start <= week <= rnd.end:
                covering[week] = other.id
    rows = _assignments(session, sorted(set(covering.values())))
    return [row for row in rows if covering.get(row.week) == row.round_id]


def _changes(before: Plan, now: Plan, units: dict[int, Unit]) -> list[Change]:
    """The weeks whose hours differ; `units` holds each need's unit, by need id."""
    changes = [
        Change(week, units[need_id].name, before.get((need_id, week), 0.0), hours)
        for (need_id, week), hours in (dict.fromkeys(before, 0.0) | now).items()
        if before.get((need_id, week), 0.0) != hours
    ]
    return sorted(changes, key=lambda change: (change.week, change.unit))


def _tell_receiving_leaders(
    session: Session, rnd: AllocationRound, rows: Sequence[Assignment]
) -> int:
    """One message per leader of a unit with a need in the round: who comes to each of their
    units, when, and how much of each need the plan covers (and which weeks stay open), so a
    leader whose need got nobody learns it too."""
    by_leader: dict[int, list[Deployment]] = defaultdict(list)
    covered_of: dict[int, list[NeedCoverage]] = defaultdict(list)
    leaders: dict[int, Person] = {}
    needs = {row.need_id: row.need for row in rows}
    for deployment in deployments_of(rnd, rows):
        for leader in needs[deployment.need.id].unit.leaders:
            leaders[leader.id] = leader
            by_leader[leader.id].append(deployment)
    for line in _coverage_of_round(session, rnd):
        for leader in line.need.unit.leaders:
            leaders[leader.id] = leader
            covered_of[leader.id].append(line)
    written = 0
    for leader_id, leader in sorted(leaders.items()):
        arrivals = sorted(
            by_leader[leader_id], key=lambda d: (d.need.unit.name, d.weeks[0][0], d.person.name)
        )
        written += add_message(
            session,
            leader,
            MessageKind.ROUND_PUBLISHED,
            f"round:{rnd.id}:leader:{leader_id}",
            template="round_published_leader",
            round=rnd,
            arrivals=arrivals,
            coverage=covered_of[leader_id],
        )
    return written


@dataclass(frozen=True)
class NeedCoverage:
    """A need of the round and what the plan gives it."""

    need: Need
    coverage: Coverage


def _coverage_of_round(session: Session, rnd: AllocationRound) -> list[NeedCoverage]:
    """Each need the round planned, by unit and need."""
    if rnd.result is None:
        return []
    found = round_coverage(rnd, parse_round_result(rnd.result))
    rows = session.scalars(select(Need).where(Need.ref.in_(found))).all()
    lines = [NeedCoverage(need, found[need.ref]) for need in rows]
    return sorted(lines, key=lambda line: (line.need.unit.name, line.need.ref))


# --- approval wanted -----------------------------------------------------------------------------


def ask_for_approval(session: Session, profile: VolunteerProfile) -> int:
    """Ask the leaders of the volunteer's home unit to approve them; a leader who volunteers
    is approved by someone else, so with no other leader HR coordinators are asked."""
    volunteer = profile.person
    deciders = [p for p in volunteer.home_unit.leaders if p.id != volunteer.id]
    if not deciders:
        deciders = [p for p in hr_coordinators(session) if p.id != volunteer.id]
    return sum(
        add_message(
            session,
            decider,
            MessageKind.APPROVAL_WANTED,
            f"approval:{profile.id}:v{profile.version}:to:{decider.id}",
            volunteer=volunteer,
        )
        for decider in deciders
    )


def hr_coordinators(session: Session) -> list[Person]:
    """The people who log in as HR coordinators (with an active account)."""
    return list(
        session.scalars(
            select(Person)
            .join(UserAccount, UserAccount.person_id == Person.id)
            .join(UserRole, UserRole.user_id == UserAccount.id)
            .where(UserRole.role == Role.HR_COORDINATOR, UserAccount.is_active.is_(True))
            .order_by(Person.id)
        ).unique()
    )


# --- overdue checklist items ---------------------------------------------------------------------


def sweep_overdue(session: Session, *, today: dt.date | None = None) -> int:
    """One digest a day to each person responsible for checklist items newly past their due
    date: the lent employee, the receiving unit's leaders (also for the permanent staff's
    items, which they tick for their team), the home unit's leaders; HR where a unit has no
    leader. Returns how many digests were written.

    Safe to run as often as wanted: an item is reminded of once (its `reminded_on`), to whoever
    is responsible when it is first found overdue, and a person gets at most one digest a day;
    an item whose digest to someone went out earlier that day waits for the next day's. A
    sweep with nothing new reads nothing but an index, however many items are overdue."""
    today = today or dt.date.today()
    digests, nobody = _new_overdue(session, today)
    told: dict[int, bool] = dict.fromkeys(nobody, True)  # nobody to tell: done with them
    written = 0
    for recipient, lines in digests:
        sent = add_message(
            session,
            recipient,
            MessageKind.CHECKLIST_OVERDUE,
            digest_key(today, recipient.id),
            groups=_by_deployment(lines),
            count=len(lines),
        )
        written += sent
        for line in lines:
            told[line.item.id] = told.get(line.item.id, True) and sent
    reminded = sorted(item_id for item_id, to_all in told.items() if to_all)
    for start in range(0, len(reminded), SWEEP_CHUNK):
        # A plain UPDATE: a reminder is no change of the item, so its version (which open
        # pages send when ticking) stays.
        session.execute(
            update(ChecklistItem)
            .where(ChecklistItem.id.in_(reminded[start : start + SWEEP_CHUNK]))
            .values(reminded_on=today)
            .execution_options(synchronize_session=False)
        )
    return written


SWEEP_CHUNK = 500
"""Items read or marked at a time by a sweep that has many new ones (the first, say)."""


def digest_key(today: dt.date, recipient_id: int) -> str:
    """One digest of overdue checklist items per person per day."""
    return f"overdue:{today.isoformat()}:to:{recipient_id}"


class OverdueLine(NamedTuple):
    item: Any
    """The item's id, titles, due date and audience, read as a plain row."""
    lent: Person
    unit: Unit


@dataclass(frozen=True)
class OverdueGroup:
    """The overdue items of one deployment's checklist, as a digest lists them."""

    lent: Person
    unit: Unit
    items: list[Any]


NEW_OVERDUE = select(
    ChecklistItem.id,
    ChecklistItem.title_da,
    ChecklistItem.title_en,
    ChecklistItem.due_on,
    ChecklistItem.audience,
    Checklist.person_id,
    Checklist.unit_id,
).join(Checklist, Checklist.id == ChecklistItem.checklist_id)


def _new_overdue(
    session: Session, today: dt.date
) -> tuple[list[tuple[Person, list[OverdueLine]]], list[int]]:
    """Each recipient's newly overdue items, by recipient id; and the ids of those nobody is
    responsible for."""
    new = list(
        session.scalars(
            select(ChecklistItem.id).where(
                overdue_in_sql(today), ChecklistItem.reminded_on.is_(None)
            )
        )
    )
    by_recipient: dict[int, tuple[Person, list[OverdueLine]]] = {}
    nobody = []
    for start in range(0, len(new), SWEEP_CHUNK):
        chunk = new[start : start + SWEEP_CHUNK]
        for row in session.execute(NEW_OVERDUE.where(ChecklistItem.id.in_(chunk))):
            lent = session.get_one(Person, row.person_id)
            unit = session.get_one(Unit, row.unit_id)
            responsible = _responsible(session, row.audience, lent, unit)
            if not responsible:
                nobody.append(row.id)
            for recipient in responsible:
                by_recipient.setdefault(recipient.id, (recipient, []))[1].append(
                    OverdueLine(row, lent, unit)
                )
    return [by_recipient[key] for key in sorted(by_recipient)], nobody


def _by_deployment(lines: list[OverdueLine]) -> list[OverdueGroup]:
    """The lines by deployment, earliest due first."""
    groups: dict[tuple[int, int], OverdueGroup] = {}
    for line in sorted(lines, key=lambda line: (line.item.due_on, line.item.id)):
        key = (line.lent.id, line.unit.id)
        groups.setdefault(key, OverdueGroup(line.lent, line.unit, [])).items.append(line.item)
    return list(groups.values())


def _responsible(session: Session, audience: Audience, person: Person, unit: Unit) -> list[Person]:
    if audience is Audience.EMPLOYEE:
        return [person]
    leaders = person.home_unit.leaders if audience is Audience.SENDING_LEADER else unit.leaders
    return sorted(leaders, key=lambda p: p.id) or hr_coordinators(session)


# --- reading ---------------------------------------------------------------------------------


def my_messages(
    session: Session, actor: Actor, paging: LimitOffset, *, status: MessageStatus | None = None
) -> tuple[list[OutboxMessage], int]:
    """The caller's own messages, newest first (none for a log-in without a person)."""
    if actor.person_id is None:
        return [], 0
    return _page(session, paging, OutboxMessage.person_id == actor.person_id, status)


def find_messages(
    session: Session,
    actor: Actor,
    paging: LimitOffset,
    *,
    person_id: int | None = None,
    status: MessageStatus | None = None,
) -> tuple[list[OutboxMessage], int]:
    """HR: everyone's messages, or one person's, newest first."""
    actor.require(actor.is_hr, "messages")
    where = OutboxMessage.person_id == person_id if person_id is not None else None
    return _page(session, paging, where, status)


def _page(
    session: Session,
    paging: LimitOffset,
    where: ColumnElement[bool] | None,
    status: MessageStatus | None,
) -> tuple[list[OutboxMessage], int]:
    conditions = [c for c in (where,) if c is not None]
    if status is not None:
        conditions.append(OutboxMessage.status == status)
    total = session.scalar(select(func.count(OutboxMessage.id)).where(*conditions)) or 0
    rows = session.scalars(
        select(OutboxMessage)
        .where(*conditions)
        .order_by(OutboxMessage.created_at.desc(), OutboxMessage.id.desc())
        .limit(paging.limit)
        .offset(paging.offset)
    ).all()
    return list(rows), total
