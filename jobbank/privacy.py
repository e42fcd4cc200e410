"""Access, erasure and retention: a person takes their data away, personal data leaves
Jobbank, the facts of who-worked-where stay.

A person's data (`personal_data`; HR, the person, or `jobbank person export`) is everything
Jobbank holds about them as one JSON document: who they are, their log-in, volunteer profile
(without the risk-group flag, which staff declare but never read back), assignments, the
events on published plans about them with their reasons, the changes made to their
assignments there, how far they have read those changes, their messages and calendar feeds
(never a feed's secret address). The export itself is audited.

Erasing a person (HR, or `jobbank person erase`) replaces their identity everywhere with a
pseudonym — `Slettet person 12` / `erased-12`, from the row's id, which tells nothing — in one
transaction: the person row, the round snapshots and results that name them, the audit log
and other people's messages, the change sets that moved them. What only serves them goes:
volunteer profile (with its weeks, skills and the risk-group flag), calendar feeds, their own
messages, the reasons of events on a plan about them, their log-in's sessions, tokens and
how far they read the plan's changes; the log-in itself stays, switched off and renamed, so
the audit log still says that *a* user did something. Assignments stay: they are the fact
that hours were worked, now of the pseudonym, and so do the changes made to them on a
published plan (`AssignmentChange`). In rounds not yet published the erased person is
unpinned and marked unavailable in the snapshot, so the next solve plans without them.

The risk-group flag is needed in round snapshots (rule 6, protection), so every snapshot holds
it; that is why exporting a round's input is a health read, and why erasure and retention
clear it there too. A person "leaves the job bank" by opting out (`jobbank.volunteers` then
clears the flag, audited) or by being erased.

Retention (`JOBBANK_RETENTION_DAYS`, `jobbank retention apply`) does the same for whole
rounds whose last week ended long ago: their snapshots, results and change sets keep the
plan, but name staff by round-local pseudonyms (`anon-1`, …) without names or risk-group
flags; their checklists forget who ticked the items and their plan events why; old messages
are deleted.
"""

from __future__ import annotations

import datetime as dt
import json
import re
import secrets
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from pydantic import BaseModel, Field
from sqlalchemy import Text, cast, delete, func, or_, select, update
from sqlalchemy.orm import Session

from jobbank.accounts import hash_password
from jobbank.core import audit
from jobbank.core.access import Actor
from jobbank.core.errors import Conflict, NotFound
from jobbank.db.models import (
    AllocationRound,
    Assignment,
    AssignmentChange,
    AuditEntry,
    AuthSession,
    CalendarFeed,
    ChangeSet,
    Checklist,
    ChecklistItem,
    MessageStatus,
    OutboxMessage,
    Person,
    PlanEvent,
    RoundStatus,
    UserAccount,
)
from jobbank.db.models.live_plan import ChangesSeen

ERASED = "erased"
"""What an erased personal field of an audit entry says instead of its value."""
PERSONAL_FIELDS = frozenset({"name", "email", "phone", "employee_no", "risk_group", "username"})
"""The fields of audit entries about a person (or their profile or log-in) that identify them."""


def erased_name(person_id: int) -> str:
    return f"Slettet person {person_id}"


def erased_number(person_id: int) -> str:
    return f"erased-{person_id}"


# --- access: a person's own data -----------------------------------------------------------


class OwnPerson(BaseModel):
    employee_no: str
    name: str
    email: str
    phone: str
    language: str
    home_unit: str
    leads: list[str] = Field(description="The units they lead, by code.")
    erased_at: dt.datetime | None


class OwnAccount(BaseModel):
    username: str
    roles: list[str]
    is_active: bool


class OwnWeek(BaseModel):
    week: dt.date
    available: bool
    home_load: float


class OwnVolunteering(BaseModel):
    """The volunteer profile, without the risk-group flag: staff declare it but never read it
    back (HR reads it on the profile, audited as a health read)."""

    opted_in: bool
    approval: str
    normal_hours: float
    home_load: float
    shifts: list[str]
    skills: list[str]
    preferred_areas: list[str]
    avoided_units: list[str]
    weeks: list[OwnWeek]


class OwnAssignment(BaseModel):
    round_id: int
    need: str
    unit: str
    week: dt.date
    hours: float


class OwnEvent(BaseModel):
    """An event on a published plan about the person, with its reason: it is theirs."""

    id: int
    round_id: int
    kind: str
    first_day: dt.date
    last_day: dt.date | None
    hours: float | None
    reason: str
    reported_by_self: bool
    open: bool
    created_at: dt.datetime


class OwnChange(BaseModel):
    """A change to one of their assignment-weeks on a published plan."""

    id: int
    round_id: int
    need: str
    unit: str
    week: dt.date
    kind: str
    hours_before: float
    hours_after: float
    changed_at: dt.datetime


class OwnMessage(BaseModel):
    kind: str
    to_address: str
    subject: str
    body: str
    status: str
    created_at: dt.datetime
    sent_at: dt.datetime | None


class OwnFeed(BaseModel):
    """A calendar feed they made (never its address, which is a secret)."""

    created_at: dt.datetime
    revoked_at: dt.datetime | None
    last_read_at: dt.datetime | None


class PersonalData(BaseModel):
    """What Jobbank holds about one person, for them to take away (GDPR article 15 and 20)."""

    person: OwnPerson
    account: OwnAccount | None
    volunteering: OwnVolunteering | None
    assignments: list[OwnAssignment]
    plan_events: list[OwnEvent]
    assignment_changes: list[OwnChange]
    changes_seen_through: int | None = Field(
        description="The newest change to a published plan their log-in has marked seen."
    )
    messages: list[OwnMessage]
    calendar_feeds: list[OwnFeed]


def personal_data(session: Session, actor: Actor, person_id: int) -> PersonalData:
    """Everything about one person, for HR or the person themselves (anyone else finds
    nothing); the export is audited, not what it held."""
    person = session.get(Person, person_id)
    if person is None or not (actor.is_hr or actor.is_person(person_id)):
        raise NotFound(f"person {person_id}: not found")
    account = person.account
    data = PersonalData(
        person=OwnPerson(
            employee_no=person.employee_no,
            name=person.name,
            email=person.email,
            phone=person.phone,
            language=person.language,
            home_unit=person.home_unit.code,
            leads=sorted(unit.code for unit in person.leads),
            erased_at=person.erased_at,
        ),
        account=_own_account(account),
        volunteering=_own_volunteering(person),
        assignments=_own_assignments(session, person_id),
        plan_events=_own_events(session, person_id, account),
        assignment_changes=_own_changes(session, person_id),
        changes_seen_through=(
            session.scalar(
                select(ChangesSeen.seen_through_id).where(ChangesSeen.user_id == account.id)
            )
            if account is not None
            else None
        ),
        messages=[
            OwnMessage(
                kind=m.kind.value,
                to_address=m.to_address,
                subject=m.subject,
                body=m.body,
                status=m.status.value,
                created_at=m.created_at,
                sent_at=m.sent_at,
            )
            for m in session.scalars(
                select(OutboxMessage)
                .where(OutboxMessage.person_id == person_id)
                .order_by(OutboxMessage.id)
            )
        ],
        calendar_feeds=[
            OwnFeed(created_at=f.created_at, revoked_at=f.revoked_at, last_read_at=f.last_read_at)
            for f in session.scalars(
                select(CalendarFeed)
                .where(CalendarFeed.person_id == person_id)
                .order_by(CalendarFeed.id)
            )
        ],
    )
    audit.record(
        session,
        user_id=actor.user_id or None,
        action="export",
        entity="person",
        entity_id=person_id,
    )
    return data


def _own_account(account: UserAccount | None) -> OwnAccount | None:
    if account is None:
        return None
    return OwnAccount(
        username=account.username,
        roles=sorted(role.value for role in account.roles),
        is_active=account.is_active,
    )


def _own_volunteering(person: Person) -> OwnVolunteering | None:
    profile = person.volunteer
    if profile is None:
        return None
    return OwnVolunteering(
        opted_in=profile.opted_in,
        approval=profile.approval.value,
        normal_hours=profile.normal_hours,
        home_load=profile.home_load,
        shifts=list(profile.shifts),
        skills=sorted(skill.code for skill in profile.skills),
        preferred_areas=sorted(area.name for area in profile.preferred_areas),
        avoided_units=sorted(unit.code for unit in profile.avoided_units),
        weeks=[
            OwnWeek(week=w.week, available=w.available, home_load=w.home_load)
            for w in sorted(profile.weeks, key=lambda w: w.week)
        ],
    )


def _own_assignments(session: Session, person_id: int) -> list[OwnAssignment]:
    rows = session.scalars(
        select(Assignment)
        .where(Assignment.person_id == person_id)
        .order_by(Assignment.round_id, Assignment.week, Assignment.id)
    )
    return [
        OwnAssignment(
            round_id=row.round_id,
            need=row.need.ref,
            unit=row.need.unit.code,
            week=row.week,
            hours=row.hours,
        )
        for row in rows
    ]


def _own_events(session: Session, person_id: int, account: UserAccount | None) -> list[OwnEvent]:
    rows = session.scalars(
        select(PlanEvent).where(PlanEvent.person_id == person_id).order_by(PlanEvent.id)
    )
    return [
        OwnEvent(
            id=event.id,
            round_id=event.round_id,
            kind=event.kind.value,
            first_day=event.first_day,
            last_day=event.last_day,
            hours=event.hours,
            reason=event.reason,
            reported_by_self=account is not None and event.reported_by_id == account.id,
            open=event.change_set_id is None,
            created_at=event.created_at,
        )
        for event in rows
    ]


def _own_changes(session: Session, person_id: int) -> list[OwnChange]:
    rows = session.scalars(
        select(AssignmentChange)
        .where(AssignmentChange.person_id == person_id)
        .order_by(AssignmentChange.id)
    )
    return [
        OwnChange(
            id=change.id,
            round_id=change.round_id,
            need=change.need.ref,
            unit=change.need.unit.code,
            week=change.week,
            kind=change.kind,
            hours_before=change.hours_before,
            hours_after=change.hours_after,
            changed_at=change.created_at,
        )
        for change in rows
    ]


# --- erasure -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Erasure:
    """What erasing one person changed, by count."""

    person_id: int
    pseudonym: str
    rounds: int
    audit_entries: int
    messages_deleted: int
    feeds_deleted: int
    sessions_ended: int


@dataclass(frozen=True)
class _Identity:
    """The strings that identify a person, as they may appear in stored text."""

    employee_no: str
    name: str
    email: str
    username: str

    def texts(self) -> list[str]:
        return [text for text in (self.employee_no, self.name, self.email, self.username) if text]


def find_person(session: Session, ref: str) -> Person:
    """A person by employee number, or else by id (for the command line)."""
    person = session.scalar(select(Person).where(Person.employee_no == ref))
    if person is None and ref.isdigit():
        person = session.get(Person, int(ref))
    if person is None:
        raise NotFound(f"person {ref}: no person has this employee number or id")
    return person


def erase_person(session: Session, actor: Actor, person_id: int) -> Erasure:
    """Anonymise a person everywhere (HR only); a second erasure, or erasing the only leader
    of a unit or someone in a round being solved, is refused with 409."""
    actor.require(actor.is_hr, f"person {person_id}")
    person = session.scalar(select(Person).where(Person.id == person_id).with_for_update(of=Person))
    if person is None:
        raise NotFound(f"person {person_id}: not found")
    if person.erased_at is not None:
        raise Conflict(f"person {person_id}: is already erased", code="already_erased")
    account = person.account
    who = _Identity(
        employee_no=person.employee_no,
        name=person.name,
        email=person.email,
        username=account.username if account is not None else "",
    )
    units_left = _leave_leadership(person)
    rounds = _rounds_naming(session, who.employee_no)
    _refuse_while_solving(person_id, rounds)
    number, name = erased_number(person_id), erased_name(person_id)
    replace = _replacer(
        {who.employee_no: number, who.name: name, who.email: ERASED, who.username: number}
    )
    for rnd in rounds:
        _pseudonymise_round(rnd, who.employee_no, replace)
    _release_from_proposals(session, person_id)
    entries = _scrub_audit(session, person, who, replace)
    messages, feeds = _forget_contact(session, person_id, who, replace)
    reasons = _forget_event_reasons(session, person_id, who, replace)
    _pseudonymise_change_sets(session, who.employee_no, replace)
    sessions_ended = _close_account(session, account, person_id)
    if person.volunteer is not None:
        person.volunteer = None  # with its weeks, skills and the risk-group flag
    person.employee_no, person.name = number, name
    person.email = person.phone = ""
    person.erased_at = dt.datetime.now(dt.UTC)
    session.flush()
    erasure = Erasure(
        person_id=person_id,
        pseudonym=name,
        rounds=len(rounds),
        audit_entries=entries,
        messages_deleted=messages,
        feeds_deleted=feeds,
        sessions_ended=sessions_ended,
    )
    audit.record(
        session,
        user_id=actor.user_id or None,  # 0: the command line, which is no user
        action="erase",
        entity="person",
        entity_id=person_id,
        after={
            "rounds": erasure.rounds,
            "audit_entries": erasure.audit_entries,
            "messages_deleted": messages,
            "feeds_deleted": feeds,
            "sessions_ended": sessions_ended,
            "units_left": units_left,
            "event_reasons": reasons,
        },
    )
    return erasure


def _leave_leadership(person: Person) -> list[str]:
    """An erased leader leaves the units they lead (their codes are returned); a unit they
    lead alone must get another leader first, or it would have nobody to approve its
    volunteers and work its checklists."""
    alone = sorted(unit.code for unit in person.leads if len(unit.leaders) == 1)
    if alone:
        raise Conflict(
            f"person {person.id}: is the only leader of {', '.join(alone)}; "
            "give the unit another leader before erasing this person",
            code="only_leader",
            params={"units": alone},
        )
    left = sorted(unit.code for unit in person.leads)
    person.leads = []
    return left


def _rounds_naming(session: Session, employee_no: str) -> list[AllocationRound]:
    """Rounds whose snapshot or result may name the employee number (checked exactly later)."""
    quoted = [json.dumps(employee_no), json.dumps(employee_no, ensure_ascii=False)]
    columns = (AllocationRound.input_snapshot, AllocationRound.result)
    hits = [cast(column, Text).contains(text) for column in columns for text in set(quoted)]
    return list(
        session.scalars(
            select(AllocationRound).where(or_(*hits)).order_by(AllocationRound.id).with_for_update()
        )
    )


def _refuse_while_solving(person_id: int, rounds: Sequence[AllocationRound]) -> None:
    solving = [rnd.id for rnd in rounds if rnd.status is RoundStatus.SOLVING]
    if solving:
        raise Conflict(
            f"person {person_id}: round {solving[0]} that plans them is being solved; "
            "erase them when it has finished or been cancelled",
            code="being_solved",
            params={"round": solving[0]},
        )


def _pseudonymise_round(
    rnd: AllocationRound, employee_no: str, replace: Callable[[Any], Any]
) -> None:
    """Name the person by the pseudonym in the round's snapshot and result; their snapshot
    entry loses its name and risk-group flag, and in a round still to be published they are
    unavailable, so re-solving plans without them."""
    if rnd.input_snapshot is not None:
        snapshot = replace(rnd.input_snapshot)
        for staff in snapshot.get("staff", []):
            if staff.get("id") == replace(employee_no):
                staff["risk_group"] = False
                if rnd.status is not RoundStatus.PUBLISHED:
                    staff["available"] = False
        rnd.input_snapshot = snapshot
    if rnd.result is not None:
        rnd.result = replace(rnd.result)


def _release_from_proposals(session: Session, person_id: int) -> None:
    """Pins of the erased person in rounds still to be published would hold a plan for
    someone who can no longer be planned: they become ordinary proposals."""
    unpublished = select(AllocationRound.id).where(AllocationRound.status != RoundStatus.PUBLISHED)
    session.execute(
        update(Assignment)
        .where(Assignment.person_id == person_id, Assignment.round_id.in_(unpublished))
        .values(pinned=False)
    )


def _scrub_audit(
    session: Session, person: Person, who: _Identity, replace: Callable[[Any], Any]
) -> int:
    """Audit entries keep what happened, not to whom: entries about the person, their
    profile or log-in lose their personal fields, and any entry naming them names the
    pseudonym instead. The count of entries changed."""
    about = [(AuditEntry.entity == "person") & (AuditEntry.entity_id == str(person.id))]
    if person.volunteer is not None:
        about.append(
            (AuditEntry.entity == "volunteer_profile")
            & (AuditEntry.entity_id == str(person.volunteer.id))
        )
    if person.account is not None:
        about.append(
            (AuditEntry.entity == "user_account") & (AuditEntry.entity_id == str(person.account.id))
        )
    naming = [
        cast(column, Text).contains(variant)
        for column in (AuditEntry.before, AuditEntry.after)
        for text in who.texts()
        for variant in _stored_forms(text)
    ]
    changed = 0
    for entry in session.scalars(select(AuditEntry).where(or_(*about, *naming))):
        before, after = replace(entry.before), replace(entry.after)
        if _is_about(entry, person):
            before, after = _without_identity(before), _without_identity(after)
        if (before, after) != (entry.before, entry.after):
            entry.before, entry.after = before, after
            changed += 1
    return changed


def _is_about(entry: AuditEntry, person: Person) -> bool:
    ids = {"person": person.id}
    if person.volunteer is not None:
        ids["volunteer_profile"] = person.volunteer.id
    if person.account is not None:
        ids["user_account"] = person.account.id
    return entry.entity in ids and entry.entity_id == str(ids[entry.entity])


def _without_identity(fields: dict[str, Any] | None) -> dict[str, Any] | None:
    if fields is None:
        return None
    return {key: ERASED if key in PERSONAL_FIELDS else value for key, value in fields.items()}


def _stored_forms(text: str) -> set[str]:
    """`text` as it is found inside stored JSON: escaped (SQLite) or not (PostgreSQL)."""
    return {json.dumps(text)[1:-1], json.dumps(text, ensure_ascii=False)[1:-1]}


def _forget_contact(
    session: Session, person_id: int, who: _Identity, replace: Callable[[Any], Any]
) -> tuple[int, int]:
    """Delete the person's own messages and calendar feeds; other people's messages that
    name them (e.g. a leader's "who is coming") name the pseudonym. Counts deleted."""
    messages = _delete_where(session, OutboxMessage, OutboxMessage.person_id == person_id)
    feeds = _delete_where(session, CalendarFeed, CalendarFeed.person_id == person_id)
    naming = [
        column.contains(text)
        for column in (OutboxMessage.subject, OutboxMessage.body)
        for text in who.texts()
    ]
    if naming:
        for message in session.scalars(select(OutboxMessage).where(or_(*naming))):
            message.subject, message.body = replace(message.subject), replace(message.body)
    return messages, feeds


def _forget_event_reasons(
    session: Session, person_id: int, who: _Identity, replace: Callable[[Any], Any]
) -> int:
    """Events on a published plan about the person keep what happened (days, hours: the
    plan's history) but lose their reasons, which may name an illness; other events' reasons
    that name them name the pseudonym. How many reasons were blanked."""
    own = select(PlanEvent).where(PlanEvent.person_id == person_id, PlanEvent.reason != "")
    blanked = 0
    for event in session.scalars(own):
        event.reason = ""
        blanked += 1
    naming = [PlanEvent.reason.contains(text) for text in who.texts()]
    if naming:
        for event in session.scalars(select(PlanEvent).where(or_(*naming))):
            event.reason = replace(event.reason)
    return blanked


def _pseudonymise_change_sets(
    session: Session, employee_no: str, replace: Callable[[Any], Any]
) -> None:
    """Change sets name the people they move by employee number, as round results do."""
    quoted = {json.dumps(employee_no), json.dumps(employee_no, ensure_ascii=False)}
    hits = [cast(ChangeSet.result, Text).contains(text) for text in quoted]
    for change_set in session.scalars(select(ChangeSet).where(or_(*hits)).with_for_update()):
        change_set.result = replace(change_set.result)


def _close_account(session: Session, account: UserAccount | None, person_id: int) -> int:
    """Switch the log-in off for good: renamed, an unknown password, no roles, and every
    session and token deleted, with how far they had read the plan's changes. The row stays
    so the audit log can still point at it."""
    if account is None:
        return 0
    ended = _delete_where(session, AuthSession, AuthSession.user_id == account.id)
    session.execute(delete(ChangesSeen).where(ChangesSeen.user_id == account.id))
    account.username = erased_number(person_id)
    account.password_hash = hash_password(secrets.token_urlsafe(32))
    account.is_active = False
    account.role_rows = []
    return ended


def _delete_where(
    session: Session, model: type[OutboxMessage | CalendarFeed | AuthSession], where: Any
) -> int:
    """Delete the rows of `model` that match; how many there were."""
    count = session.scalar(select(func.count()).select_from(model).where(where)) or 0
    session.execute(delete(model).where(where))
    return count


def _replacer(texts: dict[str, str]) -> Callable[[Any], Any]:
    """A function that copies JSON-like data with each text of `texts` turned into its
    replacement: whole values, and mentions inside longer texts (messages, reasons)."""
    texts = {old: new for old, new in texts.items() if old}
    mentions = [
        (re.compile(rf"(?<![\w@.-]){re.escape(old)}(?![\w@-])"), texts[old])
        for old in sorted(texts, key=len, reverse=True)
    ]

    def text(value: str) -> str:
        if value in texts:
            return texts[value]
        for pattern, new in mentions:
            value = pattern.sub(new, value)
        return value

    def walk(value: Any) -> Any:
        if isinstance(value, str):
            return text(value)
        if isinstance(value, dict):
            return {walk(key): walk(item) for key, item in value.items()}
        if isinstance(value, list):
            return [walk(item) for item in value]
        return value

    return walk


# --- retention ---------------------------------------------------------------------------------

ANONYMOUS = re.compile(r"^anon-\d+$")


@dataclass(frozen=True)
class Retention:
    """What applying retention changes (or would change, in a dry run)."""

    cutoff: dt.date
    round_ids: list[int]
    checklist_items: int
    messages: int
    event_reasons: int


def plan_retention(session: Session, *, days: int, today: dt.date | None = None) -> Retention:
    """What is older than `days`: rounds whose last week ended before the cutoff and still
    name staff, their checklist items that still say who ticked them, the reasons of their
    plan events, and sent or given-up messages written before the cutoff."""
    cutoff = (today or dt.date.today()) - dt.timedelta(days=days)
    rounds = [rnd for rnd in _ended_rounds(session, cutoff) if _names_staff(rnd)]
    items = _ticked_items(session, cutoff)
    return Retention(
        cutoff=cutoff,
        round_ids=[rnd.id for rnd in rounds],
        checklist_items=len(session.scalars(items).all()),
        messages=len(session.scalars(_old_messages(cutoff)).all()),
        event_reasons=len(session.scalars(_given_reasons(session, cutoff)).all()),
    )


def apply_retention(
    session: Session, *, days: int, today: dt.date | None = None, by: int | None = None
) -> Retention:
    """Forget old rounds' personal data and old messages; one audit entry says how much."""
    plan = plan_retention(session, days=days, today=today)
    for rnd in _ended_rounds(session, plan.cutoff):
        if rnd.id in plan.round_ids:
            _anonymise_round(session, rnd)
    reasons = session.scalars(_given_reasons(session, plan.cutoff)).all()
    for event in reasons:
        event.reason = ""
    ticked = session.scalars(_ticked_items(session, plan.cutoff)).all()
    if ticked:
        session.execute(
            update(ChecklistItem)
            .where(ChecklistItem.id.in_([item.id for item in ticked]))
            .values(done_by_id=None)
            .execution_options(synchronize_session=False)
        )
    old = session.scalars(_old_messages(plan.cutoff)).all()
    if old:
        session.execute(delete(OutboxMessage).where(OutboxMessage.id.in_([m.id for m in old])))
    if plan.round_ids or ticked or old or reasons:
        audit.record(
            session,
            user_id=by,
            action="retention",
            entity="round",
            after={
                "days": days,
                "cutoff": plan.cutoff.isoformat(),
                "rounds": plan.round_ids,
                "checklist_items": len(ticked),
                "messages_deleted": len(old),
                "event_reasons": len(reasons),
            },
        )
    session.flush()
    return plan


def _ended_rounds(session: Session, cutoff: dt.date) -> list[AllocationRound]:
    """Rounds whose last week (Monday + 7 days) ended before the cutoff."""
    rounds = session.scalars(
        select(AllocationRound)
        .where(AllocationRound.start < cutoff)
        .order_by(AllocationRound.id)
        .with_for_update()
    ).all()
    return [
        rnd
        for rnd in rounds
        if rnd.status is not RoundStatus.SOLVING
        and rnd.start + dt.timedelta(weeks=rnd.weeks) <= cutoff
    ]


def _names_staff(rnd: AllocationRound) -> bool:
    staff = (rnd.input_snapshot or {}).get("staff", [])
    return any(not ANONYMOUS.match(str(s.get("id", ""))) or "name" in s for s in staff)


def _anonymise_round(session: Session, rnd: AllocationRound) -> None:
    """Staff become `anon-1`, `anon-2`, … in snapshot order, without names or risk flags;
    the result, the change sets that repaired it and every message in them use the same
    pseudonyms."""
    snapshot = dict(rnd.input_snapshot or {})
    staff = [dict(s) for s in snapshot.get("staff", [])]
    names = {str(s["id"]): f"anon-{index}" for index, s in enumerate(staff, start=1)}
    texts = dict(names)
    texts.update({str(s["name"]): names[str(s["id"])] for s in staff if s.get("name")})
    replace = _replacer(texts)
    for entry in staff:
        entry.pop("name", None)
        entry["risk_group"] = False
    snapshot["staff"] = staff
    rnd.input_snapshot = replace(snapshot)
    if rnd.result is not None:
        rnd.result = replace(rnd.result)
    for change_set in session.scalars(select(ChangeSet).where(ChangeSet.round_id == rnd.id)):
        change_set.result = replace(change_set.result)


def _given_reasons(session: Session, cutoff: dt.date) -> Any:
    """Events of ended rounds that still say why (an absence's reason may name an illness)."""
    ended = [rnd.id for rnd in _ended_rounds(session, cutoff)]
    return select(PlanEvent).where(PlanEvent.round_id.in_(ended), PlanEvent.reason != "")


def _ticked_items(session: Session, cutoff: dt.date) -> Any:
    ended = [rnd.id for rnd in _ended_rounds(session, cutoff)]
    return (
        select(ChecklistItem)
        .join(Checklist, Checklist.id == ChecklistItem.checklist_id)
        .where(Checklist.round_id.in_(ended), ChecklistItem.done_by_id.is_not(None))
    )


def _old_messages(cutoff: dt.date) -> Any:
    moment = dt.datetime.combine(cutoff, dt.time(), tzinfo=dt.UTC)
    return select(OutboxMessage).where(
        OutboxMessage.created_at < moment, OutboxMessage.status != MessageStatus.PENDING
    )
