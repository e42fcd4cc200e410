"""Events on a published plan: what changed since it was published, as the people who know
report it. Each event is checked (a refusal names the field), audited, and folded into the
round's facts (`jobbank.live_plan.facts`) until a change set repairs the plan for it.

Who may report what:

| event        | about            | reported by                                   |
| ------------ | ---------------- | --------------------------------------------- |
| absence      | a person         | the person, their home unit's leader, HR      |
| home recall  | a person         | their home unit's leader, HR                  |
| need change  | a need           | the receiving unit's leader, HR               |
| urgent need  | a new need       | the receiving unit's leader, HR               |
| withdrawal   | a person         | the person (a volunteer opts out), HR         |
| decline      | a person, a need | the person, answering a new deployment         |
|              |                  | (`jobbank.deployments.answers`); never undone  |

A round is reached by HR in any status (a round not yet published refuses events with 409);
by others only once published. A person or need outside the caller's reach is not found
(404). An absence's reason may name an illness: HR alone sees it, and the person it is about.

Who reads which events: HR all; a leader those about the units they lead and their people,
and the absences and withdrawals of people lent to their units in the round (they must know
who will not come, never why); a staff member their own.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass, replace
from typing import Any

from pydantic import BaseModel, ConfigDict, Field
from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from jobbank import needs
from jobbank.core import audit
from jobbank.core.access import Actor
from jobbank.core.bounds import check
from jobbank.core.errors import Conflict, InvalidInput, NotFound, Problems
from jobbank.core.texts import Code, Description, clean
from jobbank.core.weeks import monday_of
from jobbank.db.models import (
    AllocationRound,
    Assignment,
    AssignmentChange,
    DeclineReason,
    Deployment,
    EventKind,
    Need,
    Person,
    PlanEvent,
    RoundStatus,
)
from jobbank.needs import NeedDraft
from jobbank.rounds.status import refuse
from solver.bounds import BlockHours, Day, HomeLoad, NeedHours, Priority, RowId, WeekHours
from solver.contract import DEFAULT_MIN_BLOCK, Shift

ENTITY = "plan_event"
AUDITED = ("round_id", "kind", "person_id", "need_id", "first_day", "last_day", "hours")
"""What the audit log keeps of an event; never the reason, which may name an illness."""


# --- what people report ------------------------------------------------------------------


class _Report(BaseModel):
    model_config = ConfigDict(extra="forbid")


class AbsenceReport(_Report):
    """A person cannot come on the days `first_day` … `last_day`."""

    person_id: RowId
    first_day: Day = Field(description="The first day away.")
    last_day: Day = Field(description="The last day away (inclusive).")
    reason: Description = Field(
        "", description="Why, in your words; HR alone reads it (it may name an illness)."
    )


class HomeRecallReport(_Report):
    """The home unit keeps `hours` of the person's week, in the weeks of the days given."""

    person_id: RowId
    first_day: Day = Field(description="A day of the first week recalled.")
    last_day: Day = Field(description="A day of the last week recalled (inclusive).")
    hours: HomeLoad = Field(
        description="Hours a week the home unit keeps: 0 up to the person's normal hours, in "
        "half hours."
    )


class NeedChangeReport(_Report):
    """A need wants `hours` a week from the week of `first_day` on; 0 closes it."""

    need_id: RowId
    first_day: Day = Field(description="A day of the first week that wants the new hours.")
    hours: WeekHours = Field(description="Hours a week from then on, 0–168 in half hours.")


class UrgentNeedReport(_Report):
    """A need posted after publishing, starting this week, for a unit you lead."""

    unit_id: RowId
    skill: Code = Field(description="Skill code, e.g. `nurse`.")
    hours: NeedHours = Field(description="Hours a week, more than 0, at most 168, in half hours.")
    last_day: Day | None = Field(
        None, description="A day of the last week wanted; none: to the end of the round."
    )
    shift: Shift = Shift.DAY
    priority: Priority = Field(4, description="1 (low) … 5 (critical).")
    exposed: bool = Field(False, description="Exposed to infection: never for risk groups.")
    min_block: BlockHours = Field(DEFAULT_MIN_BLOCK, description="Fewest hours one person takes.")
    description: Description = Field("", description="The concrete tasks.")
    contact_person_id: RowId | None = None


class WithdrawalReport(_Report):
    """A volunteer opts out from `first_day` on."""

    person_id: RowId
    first_day: Day = Field(description="The first day they no longer come.")


# --- reaching a round, a person, a need --------------------------------------------------


def _not_found(round_id: int) -> NotFound:
    """One answer for a round, person, need or event out of reach or missing alike, so that
    no answer tells which of them exists."""
    return NotFound(f"round {round_id}: not found, or not within your reach")


def event_round(session: Session, actor: Actor, round_id: int) -> AllocationRound:
    """The round, for HR; for anyone else only once published (else it is not found)."""
    rnd = session.get(AllocationRound, round_id)
    if rnd is None or not (actor.is_hr or rnd.status is RoundStatus.PUBLISHED):
        raise _not_found(round_id)
    if not (actor.is_hr or actor.is_leader or actor.is_staff):
        raise _not_found(round_id)
    return rnd


def _published(session: Session, actor: Actor, round_id: int) -> AllocationRound:
    """The round, refusing events unless published (409)."""
    rnd = event_round(session, actor, round_id)
    if rnd.status is not RoundStatus.PUBLISHED:
        refuse(rnd, "only a published plan takes events")
    return rnd


@dataclass(frozen=True)
class _Who:
    """Who may report about a person: the person, their home leader, HR."""

    self_: bool = False
    home_leader: bool = False


ABSENCE = _Who(self_=True, home_leader=True)
HOME_RECALL = _Who(home_leader=True)
WITHDRAWAL = _Who(self_=True)


def _person(
    session: Session, actor: Actor, rnd: AllocationRound, person_id: int, who: _Who
) -> Person:
    person = session.get(Person, person_id)
    allowed = person is not None and (
        actor.is_hr
        or (who.self_ and actor.is_person(person.id))
        or (who.home_leader and actor.leads(person.home_unit_id))
    )
    if person is None or not allowed:
        raise _not_found(rnd.id)
    return person


def _need(session: Session, actor: Actor, rnd: AllocationRound, need_id: int) -> Need:
    need = session.get(Need, need_id)
    if need is None or not (actor.is_hr or actor.leads(need.unit_id)):
        raise _not_found(rnd.id)
    return need


# --- checks ------------------------------------------------------------------------------


def _round_days(rnd: AllocationRound) -> tuple[dt.date, dt.date]:
    return rnd.start, rnd.end + dt.timedelta(days=6)


def _within(rnd: AllocationRound, field: str, day: dt.date) -> dt.date:
    first, last = _round_days(rnd)
    if not first <= day <= last:
        raise InvalidInput(
            field,
            f"{day.isoformat()} is outside the round ({first.isoformat()} … {last.isoformat()})",
            code="outside_round",
            params={"first": first.isoformat(), "last": last.isoformat()},
        )
    return day


def _days(problems: Problems, rnd: AllocationRound, first: dt.date, last: dt.date | None) -> None:
    problems.check(_within, rnd, "first_day", first)
    if last is None:
        return
    problems.check(_within, rnd, "last_day", last)
    if last < first and not problems.at("first_day", "last_day"):
        problems.add(
            InvalidInput(
                "last_day",
                f"{last.isoformat()} is before the first day {first.isoformat()}",
                code="last_day_before_first",
            )
        )


def _snapshot_staff(rnd: AllocationRound, person: Person) -> dict[str, Any]:
    """The person as the round planned them; a person the round does not plan is refused."""
    for staff in (rnd.input_snapshot or {}).get("staff", []):
        if staff["id"] == person.employee_no:
            return dict(staff)
    raise InvalidInput(
        "person_id",
        f"person {person.employee_no} is not planned in round {rnd.id}",
        code="not_in_round",
    )


def _in_round(session: Session, rnd: AllocationRound, need: Need) -> None:
    """A need of the round's snapshot, or one an urgent need event of the round posted."""
    refs = {row["id"] for row in (rnd.input_snapshot or {}).get("needs", [])}
    posted = session.scalar(
        select(PlanEvent.id).where(
            PlanEvent.round_id == rnd.id,
            PlanEvent.kind == EventKind.URGENT_NEED,
            PlanEvent.need_id == need.id,
        )
    )
    if need.ref not in refs and posted is None:
        raise InvalidInput(
            "need_id", f"need {need.ref} is not part of round {rnd.id}", code="not_in_round"
        )


def _most_normal_hours(staff: dict[str, Any], hours: float) -> float:
    normal = float(staff["normal_hours"])
    if hours > normal:
        raise InvalidInput(
            "hours",
            f"must be at most the person's normal hours {normal:g}, got {hours:g}",
            code="above_most",
            params={"le": normal},
        )
    return hours


# --- reporting ---------------------------------------------------------------------------


def report_absence(
    session: Session, actor: Actor, round_id: int, report: AbsenceReport
) -> PlanEvent:
    """Record that a person cannot come on some days of the round."""
    rnd = _published(session, actor, round_id)
    person = _person(session, actor, rnd, report.person_id, ABSENCE)
    problems = Problems()
    problems.check(_snapshot_staff, rnd, person)
    _days(problems, rnd, report.first_day, report.last_day)
    reason = problems.check(clean, "reason", Description, report.reason)
    problems.refuse()
    return recorded(
        session,
        actor,
        PlanEvent(
            round_id=rnd.id,
            kind=EventKind.ABSENCE,
            person_id=person.id,
            first_day=report.first_day,
            last_day=report.last_day,
            reason=reason or "",
        ),
    )


def report_home_recall(
    session: Session, actor: Actor, round_id: int, report: HomeRecallReport
) -> PlanEvent:
    """Record that a home unit keeps more (or fewer) hours of its person in some weeks."""
    rnd = _published(session, actor, round_id)
    person = _person(session, actor, rnd, report.person_id, HOME_RECALL)
    problems = Problems()
    staff = problems.check(_snapshot_staff, rnd, person)
    _days(problems, rnd, report.first_day, report.last_day)
    problems.check(check, "hours", HomeLoad, report.hours)
    if staff is not None and not problems.at("hours"):
        problems.check(_most_normal_hours, staff, report.hours)
    problems.refuse()
    return recorded(
        session,
        actor,
        PlanEvent(
            round_id=rnd.id,
            kind=EventKind.HOME_RECALL,
            person_id=person.id,
            first_day=report.first_day,
            last_day=report.last_day,
            hours=report.hours,
        ),
    )


def report_need_change(
    session: Session, actor: Actor, round_id: int, report: NeedChangeReport
) -> PlanEvent:
    """Record that a need grows, shrinks or closes from a week of the round on."""
    rnd = _published(session, actor, round_id)
    need = _need(session, actor, rnd, report.need_id)
    problems = Problems()
    problems.check(_in_round, session, rnd, need)
    _days(problems, rnd, report.first_day, None)
    problems.check(check, "hours", WeekHours, report.hours)
    problems.refuse()
    return recorded(
        session,
        actor,
        PlanEvent(
            round_id=rnd.id,
            kind=EventKind.NEED_CHANGE,
            need_id=need.id,
            first_day=report.first_day,
            hours=report.hours,
        ),
    )


def report_urgent_need(
    session: Session,
    actor: Actor,
    round_id: int,
    report: UrgentNeedReport,
    *,
    today: dt.date | None = None,
) -> PlanEvent:
    """Post a need that starts this week (through the needs service, so it is checked like
    any need), and record it as an event of the round."""
    rnd = _published(session, actor, round_id)
    if not (actor.is_hr or actor.leads(report.unit_id)):
        raise _not_found(rnd.id)
    today = today or dt.date.today()
    problems = Problems()
    problems.check(_within, rnd, "first_day", today)
    last = report.last_day or _round_days(rnd)[1]
    if report.last_day is not None:
        _days(problems, rnd, today, report.last_day)
    problems.refuse()
    draft = NeedDraft(
        unit_id=report.unit_id,
        skill=report.skill,
        hours=report.hours,
        first_week=monday_of(today),
        last_week=monday_of(last),
        shift=report.shift,
        priority=report.priority,
        exposed=report.exposed,
        min_block=report.min_block,
        description=report.description,
        contact_person_id=report.contact_person_id,
    )
    need = needs.post_need(session, actor, draft)
    return recorded(
        session,
        actor,
        PlanEvent(
            round_id=rnd.id,
            kind=EventKind.URGENT_NEED,
            need_id=need.id,
            first_day=today,
            last_day=report.last_day,
            hours=report.hours,
        ),
    )


def report_withdrawal(
    session: Session, actor: Actor, round_id: int, report: WithdrawalReport
) -> PlanEvent:
    """Record that a volunteer opts out of the round from a day on."""
    rnd = _published(session, actor, round_id)
    person = _person(session, actor, rnd, report.person_id, WITHDRAWAL)
    problems = Problems()
    problems.check(_snapshot_staff, rnd, person)
    _days(problems, rnd, report.first_day, None)
    problems.refuse()
    return recorded(
        session,
        actor,
        PlanEvent(
            round_id=rnd.id,
            kind=EventKind.WITHDRAWAL,
            person_id=person.id,
            first_day=report.first_day,
        ),
    )


def recorded(session: Session, actor: Actor, event: PlanEvent) -> PlanEvent:
    """`event`, reported by `actor`, written and audited (never its reason)."""
    event.reported_by_id = actor.user_id
    session.add(event)
    session.flush()
    session.refresh(event)
    audit.record(
        session,
        user_id=actor.user_id,
        action="create",
        entity=ENTITY,
        entity_id=event.id,
        after=audit.fields_of(event, AUDITED),
    )
    return event


# --- reading and cancelling --------------------------------------------------------------


@dataclass(frozen=True)
class EventView:
    """An event as its reader may see it: the reason only for HR and the person it is about."""

    event: PlanEvent
    reason: str | None
    decline_reason: DeclineReason | None = None
    """A decline's reason from the list, beside its note (`reason`): for the same readers."""

    @property
    def open(self) -> bool:
        return self.event.change_set_id is None


def list_events(
    session: Session, actor: Actor, round_id: int, *, open_only: bool = False
) -> list[EventView]:
    """The round's events in the order reported: HR sees all, a leader those about the units
    they lead and the people of those units, and the absences and withdrawals of the people
    lent to those units; a staff member their own."""
    rnd = event_round(session, actor, round_id)
    query = (
        select(PlanEvent)
        .outerjoin(Person, Person.id == PlanEvent.person_id)
        .outerjoin(Need, Need.id == PlanEvent.need_id)
        .where(PlanEvent.round_id == rnd.id)
    )
    if open_only:
        query = query.where(PlanEvent.change_set_id.is_(None))
    if not actor.is_hr:
        led = sorted(actor.led_unit_ids)
        query = query.where(
            or_(
                PlanEvent.person_id == (actor.person_id or 0),
                Person.home_unit_id.in_(led),
                Need.unit_id.in_(led),
                PlanEvent.kind.in_(NOT_COMING) & PlanEvent.person_id.in_(_lent_to(rnd, led)),
            )
        )
    rows = session.scalars(query.order_by(PlanEvent.id)).unique().all()
    views = [view_of(actor, event) for event in rows]
    return _with_decline_reasons(session, views)


def _with_decline_reasons(session: Session, views: list[EventView]) -> list[EventView]:
    """The declines' reasons from the list, for the readers of their notes."""
    ids = [v.event.id for v in views if v.event.kind is EventKind.DECLINE and v.reason is not None]
    if not ids:
        return views
    reasons = dict(
        session.execute(
            select(Deployment.decline_event_id, Deployment.decline_reason).where(
                Deployment.decline_event_id.in_(ids)
            )
        )
        .tuples()
        .all()
    )
    return [
        replace(v, decline_reason=reasons.get(v.event.id)) if v.event.id in reasons else v
        for v in views
    ]


NOT_COMING = (EventKind.ABSENCE, EventKind.WITHDRAWAL)
"""The events about a person their receiving leader reads: who will not come."""


def _lent_to(rnd: AllocationRound, unit_ids: Sequence[int]) -> Any:
    """The people the round lends to these units, or lent before a change ended it."""
    at = select(Need.id).where(Need.unit_id.in_(unit_ids)).correlate(None)
    planned = (
        select(Assignment.person_id)
        .where(Assignment.round_id == rnd.id, Assignment.need_id.in_(at))
        .correlate(None)
    )
    changed = (
        select(AssignmentChange.person_id)
        .where(AssignmentChange.round_id == rnd.id, AssignmentChange.need_id.in_(at))
        .correlate(None)
    )
    return planned.union(changed)


def view_of(actor: Actor, event: PlanEvent) -> EventView:
    mine = event.person_id is not None and actor.is_person(event.person_id)
    return EventView(event=event, reason=event.reason if actor.is_hr or mine else None)


def cancel_event(session: Session, actor: Actor, round_id: int, event_id: int) -> None:
    """Take back an event not yet repaired for, by whoever may report it; an urgent need's
    need is closed with it."""
    rnd = _published(session, actor, round_id)
    # Locked, so that a change set applied meanwhile waits, or is waited for and refused.
    event = session.get(PlanEvent, event_id, with_for_update={"of": PlanEvent})
    if event is None or event.round_id != rnd.id or not _may_report(session, actor, rnd, event):
        raise _not_found(rnd.id)
    if event.change_set_id is not None:
        raise Conflict(
            f"event {event_id}: a change set repaired the plan for it already",
            code="event_applied",
        )
    if event.kind is EventKind.URGENT_NEED and event.need is not None:
        needs.close_need(session, actor, event.need.id, event.need.version)
    audit.record(
        session,
        user_id=actor.user_id,
        action="delete",
        entity=ENTITY,
        entity_id=event.id,
        before=audit.fields_of(event, AUDITED),
    )
    session.delete(event)
    session.flush()


def _may_report(session: Session, actor: Actor, rnd: AllocationRound, event: PlanEvent) -> bool:
    if event.kind is EventKind.DECLINE:
        return False  # the person's answer to a deployment: nobody takes it back
    who = {
        EventKind.ABSENCE: ABSENCE,
        EventKind.HOME_RECALL: HOME_RECALL,
        EventKind.WITHDRAWAL: WITHDRAWAL,
    }.get(event.kind)
    try:
        if who is not None and event.person_id is not None:
            _person(session, actor, rnd, event.person_id, who)
        elif event.need_id is not None:
            _need(session, actor, rnd, event.need_id)
        else:
            return actor.is_hr
    except NotFound:
        return False
    return True


def own_events(session: Session, actor: Actor, round_ids: Sequence[int]) -> list[PlanEvent]:
    """The caller's own open events in these rounds (their page lists them)."""
    if actor.person_id is None or not round_ids:
        return []
    return list(
        session.scalars(
            select(PlanEvent)
            .where(
                PlanEvent.round_id.in_(round_ids),
                PlanEvent.person_id == actor.person_id,
                PlanEvent.change_set_id.is_(None),
            )
            .order_by(PlanEvent.id)
        ).all()
    )


# --- what the pages offer ----------------------------------------------------------------


def live_rounds(
    session: Session, actor: Actor, *, today: dt.date | None = None
) -> list[AllocationRound]:
    """Published rounds whose last week has not ended, soonest first: the plans events can
    still change (nothing for a log-in that is neither HR, a leader nor staff)."""
    if not (actor.is_hr or actor.is_leader or actor.is_staff):
        return []
    this_monday = monday_of(today or dt.date.today())
    rounds = session.scalars(
        select(AllocationRound)
        .where(AllocationRound.status == RoundStatus.PUBLISHED)
        .order_by(AllocationRound.start, AllocationRound.id)
    ).all()
    return [rnd for rnd in rounds if rnd.end >= this_monday]


def planned_people(session: Session, actor: Actor, rnd: AllocationRound) -> list[Person]:
    """The people the round plans whose home unit the caller leads (everyone for HR), by
    name: those a leader reports absences and home recalls for."""
    numbers = [row["id"] for row in (rnd.input_snapshot or {}).get("staff", [])]
    if not numbers or not (actor.is_hr or actor.is_leader):
        return []
    query = select(Person).where(Person.employee_no.in_(numbers))
    if not actor.is_hr:
        query = query.where(Person.home_unit_id.in_(sorted(actor.led_unit_ids)))
    return list(session.scalars(query.order_by(Person.name)).all())


def round_needs(session: Session, actor: Actor, rnd: AllocationRound) -> list[Need]:
    """The round's needs (and those posted to it as urgent) of the units the caller leads
    (every one for HR), by reference: those a receiving leader changes."""
    refs = [row["id"] for row in (rnd.input_snapshot or {}).get("needs", [])]
    posted = select(PlanEvent.need_id).where(
        PlanEvent.round_id == rnd.id, PlanEvent.kind == EventKind.URGENT_NEED
    )
    query = select(Need).where(or_(Need.ref.in_(refs), Need.id.in_(posted)))
    if not actor.is_hr:
        query = query.where(Need.unit_id.in_(sorted(actor.led_unit_ids)))
    return list(session.scalars(query.order_by(Need.ref)).all())


def is_planned(rnd: AllocationRound, person: Person | None) -> bool:
    """Whether the round plans this person (a staff member reports only then)."""
    staff = (rnd.input_snapshot or {}).get("staff", [])
    return person is not None and any(row["id"] == person.employee_no for row in staff)


def may_cancel(session: Session, actor: Actor, event: PlanEvent) -> bool:
    """Whether the caller may take this event back (whoever may report it, while open)."""
    rnd = session.get(AllocationRound, event.round_id)
    return (
        rnd is not None and event.change_set_id is None and _may_report(session, actor, rnd, event)
    )
