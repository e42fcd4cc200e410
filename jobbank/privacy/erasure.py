"""Erasure: a person's identity replaced everywhere by a pseudonym, what only serves them
deleted, the facts of who worked where kept (see the package's docstring)."""

from __future__ import annotations

import datetime as dt
import json
import secrets
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Text, cast, delete, func, or_, select, update
from sqlalchemy.orm import Session

from jobbank.accounts import hash_password
from jobbank.core import audit
from jobbank.core.access import Actor
from jobbank.core.errors import Conflict, NotFound
from jobbank.db.models import (
    AllocationRound,
    Assignment,
    AuditEntry,
    AuthSession,
    CalendarFeed,
    ChangeSet,
    OutboxMessage,
    Person,
    PlanEvent,
    RoundStatus,
    UserAccount,
)
from jobbank.db.models.live_plan import ChangesSeen
from jobbank.privacy.replacing import replacer
from jobbank.privacy.voice import forget_person_words

ERASED = "erased"
"""What an erased personal field of an audit entry says instead of its value."""
PERSONAL_FIELDS = frozenset({"name", "email", "phone", "employee_no", "risk_group", "username"})
"""The fields of audit entries about a person (or their profile or log-in) that identify them."""


def erased_name(person_id: int) -> str:
    return f"Slettet person {person_id}"


def erased_number(person_id: int) -> str:
    return f"erased-{person_id}"


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
    replace = replacer(
        {who.employee_no: number, who.name: name, who.email: ERASED, who.username: number}
    )
    for rnd in rounds:
        _pseudonymise_round(rnd, who.employee_no, replace)
    _release_from_proposals(session, person_id)
    entries = _scrub_audit(session, person, who, replace)
    messages, feeds = _forget_contact(session, person_id, who, replace)
    reasons = _forget_event_reasons(session, person_id, who, replace)
    words = forget_person_words(session, person_id, who.texts(), replace)
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
        }
        | words.audit_fields(),
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
