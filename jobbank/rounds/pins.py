"""Pins: one person's hours for one need in one week that the next solve keeps."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import select
from sqlalchemy.orm import Session

from jobbank.core import audit
from jobbank.core.access import Actor
from jobbank.core.errors import InvalidInput, NotFound
from jobbank.core.weeks import require_hours, require_monday, week_index
from jobbank.db.models import AllocationRound, Assignment, Need, Person, RoundStatus
from jobbank.rounds.jobs import Liveness, cannot_tell, round_to_change
from jobbank.rounds.results import round_result
from jobbank.rounds.snapshot import round_input
from jobbank.rounds.status import CHANGEABLE, refuse, round_for
from solver.bounds import MAX_NORMAL_HOURS
from solver.contract import Assignment as Planned

MAX_PIN_HOURS = MAX_NORMAL_HOURS
"""One person's hours for one need in one week. More hours than a week has is a typing error,
whatever the person's contract says."""


PIN_FIELDS = ("round_id", "person_id", "need_id", "week", "hours", "pinned")


def pin_assignment(
    session: Session,
    actor: Actor,
    round_id: int,
    *,
    person_id: int,
    need_id: int,
    week: dt.date,
    hours: float,
    alive: Liveness = cannot_tell,
) -> Assignment:
    """Pin one person to one need for one week: the next solve keeps exactly these hours.

    An assignment of the proposal is pinned in place; otherwise a new pinned one is added.
    Only the obvious is checked here; a pin that breaks a hard rule makes the next solve
    report the round infeasible, naming the pin and the rule.
    """
    rnd = round_to_change(session, actor, round_id, alive=alive)
    if rnd.status not in CHANGEABLE:
        refuse(rnd, _why_unchangeable(rnd))
    person, need = _pin_subjects(session, rnd, person_id, need_id)
    require_round_week(rnd, week)
    require_hours("hours", hours, most=MAX_PIN_HOURS)
    if hours <= 0:
        raise InvalidInput(
            "hours", f"must be more than 0, got {hours:g}", code="must_exceed", params={"gt": 0}
        )
    row = session.scalar(
        select(Assignment).where(
            Assignment.round_id == rnd.id,
            Assignment.person_id == person.id,
            Assignment.need_id == need.id,
            Assignment.week == week,
        )
    )
    before = audit.fields_of(row, PIN_FIELDS) if row is not None else None
    if row is None:
        row = Assignment(round_id=rnd.id, person=person, need=need, week=week, hours=hours)
        session.add(row)
    row.change_hours(hours)
    row.pinned = True
    session.flush()
    after = audit.fields_of(row, PIN_FIELDS)
    if before is not None:
        before, after = audit.changed(before, after)
    audit.record(
        session,
        user_id=actor.user_id,
        action="pin",
        entity="assignment",
        entity_id=row.id,
        before=before,
        after=after,
    )
    return row


def planned_assignment(
    session: Session, actor: Actor, round_id: int, assignment_id: int
) -> Assignment:
    """An assignment of the round's plan (the round within the caller's reach), else 404."""
    rnd = round_for(session, actor, round_id)
    row = session.get(Assignment, assignment_id)
    if row is None or row.round_id != rnd.id:
        raise NotFound(f"round {round_id}: assignment {assignment_id}: not found")
    return row


def pin_in_place(
    session: Session,
    actor: Actor,
    round_id: int,
    assignment_id: int,
    *,
    alive: Liveness = cannot_tell,
) -> Assignment:
    """Pin an assignment of the proposal as it is: the next solve keeps its hours."""
    row = planned_assignment(session, actor, round_id, assignment_id)
    return pin_assignment(
        session,
        actor,
        round_id,
        person_id=row.person_id,
        need_id=row.need_id,
        week=row.week,
        hours=row.hours,
        alive=alive,
    )


def unpin_assignment(
    session: Session,
    actor: Actor,
    round_id: int,
    assignment_id: int,
    *,
    alive: Liveness = cannot_tell,
) -> None:
    """Let the next solve decide this assignment again. It goes back to what the last solve
    planned for it, days and all; a pin the solve never planned goes away with its pin."""
    rnd = round_to_change(session, actor, round_id, alive=alive)
    row = session.get(Assignment, assignment_id)
    if row is None or row.round_id != rnd.id:
        raise NotFound(f"round {rnd.id}: assignment {assignment_id}: not found")
    if rnd.status not in CHANGEABLE:
        refuse(rnd, _why_unchangeable(rnd))
    before = audit.fields_of(row, PIN_FIELDS)
    solved = _solved_assignment(rnd, _plan_key(rnd, row))
    after: dict[str, object] | None = None
    if solved is None:
        session.delete(row)
    else:
        row.change_hours(solved.hours)
        row.plan_days(solved.days)
        row.pinned = False
        before, after = audit.changed(before, audit.fields_of(row, PIN_FIELDS))
    audit.record(
        session,
        user_id=actor.user_id,
        action="unpin",
        entity="assignment",
        entity_id=assignment_id,
        before=before,
        after=after,
    )
    session.flush()


def _why_unchangeable(rnd: AllocationRound) -> str:
    if rnd.status is RoundStatus.SOLVING:
        return "pins change once the solve is done or cancelled"
    return "its assignments no longer change"


def _pin_subjects(
    session: Session, rnd: AllocationRound, person_id: int, need_id: int
) -> tuple[Person, Need]:
    """The person and need of a pin; both must be in the round's snapshot."""
    snapshot = round_input(session, rnd)
    person = session.get(Person, person_id)
    if person is None or person.employee_no not in {s.id for s in snapshot.staff}:
        raise InvalidInput(
            "person_id",
            f"person {person_id} is not among round {rnd.id}'s volunteers",
            code="not_in_round",
        )
    need = session.get(Need, need_id)
    if need is None or need.ref not in {n.id for n in snapshot.needs}:
        raise InvalidInput(
            "need_id", f"need {need_id} is not among round {rnd.id}'s needs", code="not_in_round"
        )
    return person, need


def require_round_week(rnd: AllocationRound, week: dt.date, field: str = "week") -> int:
    """The index of `week` in the round, if it is a Monday of the round's; else `InvalidInput`
    on `field`."""
    require_monday(field, week)
    if not rnd.start <= week <= rnd.end:
        raise InvalidInput(
            field,
            f"{week.isoformat()} is outside round {rnd.id}'s weeks "
            f"({rnd.start.isoformat()} to {rnd.end.isoformat()})",
            code="outside_round",
        )
    return week_index(rnd.start, week)


PlanKey = tuple[str, str, int]
"""(employee number, need reference, week index): one assignment as the contract names it."""


def _plan_key(rnd: AllocationRound, row: Assignment) -> PlanKey:
    return (row.person.employee_no, row.need.ref, week_index(rnd.start, row.week))


def _solved_assignment(rnd: AllocationRound, key: PlanKey) -> Planned | None:
    """The assignment the round's last stored result planned for `key`, with its days."""
    result = round_result(rnd)
    if result is None:
        return None
    return next((a for a in result.assignments if (a.staff, a.need, a.week) == key), None)


def solved_plan(rnd: AllocationRound) -> dict[PlanKey, float]:
    """Hours of each assignment of the round's last stored result."""
    result = round_result(rnd)
    if result is None:
        return {}
    return {(a.staff, a.need, a.week): a.hours for a in result.assignments}


def plan_is_solved(session: Session, rnd: AllocationRound) -> bool:
    """True when the round's assignments are exactly its last result: no pin changed them."""
    rows = session.scalars(select(Assignment).where(Assignment.round_id == rnd.id)).all()
    return {_plan_key(rnd, row): row.hours for row in rows} == solved_plan(rnd)
