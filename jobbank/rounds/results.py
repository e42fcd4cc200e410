"""The solver's result stored back into the round: its assignments replace the round's."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from jobbank.core import audit
from jobbank.core.errors import Conflict
from jobbank.core.weeks import week_starts
from jobbank.db.models import AllocationRound, Assignment, AssignmentDay, Need, Person, RoundStatus
from jobbank.rounds.snapshot import round_input
from solver.contract import (
    ContractError,
    RoundInput,
    RoundResult,
    check_assignments,
    parse_round_result,
)


def round_result(rnd: AllocationRound) -> RoundResult | None:
    return parse_round_result(rnd.result) if rnd.result is not None else None


def store_result(
    session: Session, rnd: AllocationRound, result: RoundResult, *, by: int | None = None
) -> None:
    """Keep the solver's result and replace the round's assignments with it, each with its
    days and whether it is a learner's; pins stay pinned.

    An infeasible result keeps the round a draft and says why in `status_message`; it has no
    plan, so only the pins stay, for the coordinator to see which one to change.
    """
    if rnd.status is RoundStatus.PUBLISHED:
        raise Conflict(
            f"round {rnd.id}: is published; its assignments no longer change",
            code="round_status",
            params={"status": rnd.status.value},
        )
    snapshot = round_input(session, rnd)
    _check_result_fits(snapshot, result)
    pins = {(p.staff, p.need, p.week) for p in snapshot.pinned}
    people = _people_by_employee_no(session, {a.staff for a in result.assignments})
    needs = needs_by_ref(session, {a.need for a in result.assignments})
    mondays = week_starts(rnd.start, rnd.weeks)
    kept = [row for row in rnd.assignments if row.pinned] if result.status == "infeasible" else []
    for row in list(rnd.assignments):
        if row not in kept:
            session.delete(row)
    session.flush()
    rnd.assignments = kept + [
        Assignment(
            person=people[a.staff],
            need=needs[a.need],
            week=mondays[a.week],
            hours=a.hours,
            pinned=(a.staff, a.need, a.week) in pins,
            learner=a.learner,
            days=[AssignmentDay.of(day) for day in a.days],
        )
        for a in result.assignments
    ]
    rnd.result = result.model_dump(mode="json")
    if result.status == "infeasible":
        rnd.status = RoundStatus.DRAFT
        rnd.status_message = "; ".join(result.messages) or "the round cannot be planned as it is"
    else:
        rnd.status = RoundStatus.PROPOSED
        rnd.status_message = ""
    audit.record(
        session,
        user_id=by,
        action="store_result",
        entity="round",
        entity_id=rnd.id,
        after={"status": result.status, "assignments": len(result.assignments)},
    )


def _check_result_fits(snapshot: RoundInput, result: RoundResult) -> None:
    """A result must speak of this round's staff, needs and weeks, and keep every pin."""
    problems = check_assignments("assignments", result.assignments, snapshot)
    if result.status != "infeasible":
        planned = {(a.staff, a.need, a.week): a.hours for a in result.assignments}
        problems += [
            f"pinned ({p.staff}, {p.need}, week {p.week}): the result does not keep this pin"
            for p in snapshot.pinned
            if planned.get((p.staff, p.need, p.week)) != p.hours
        ]
    if problems:
        raise ContractError(problems)


def _people_by_employee_no(session: Session, numbers: set[str]) -> dict[str, Person]:
    rows = session.scalars(select(Person).where(Person.employee_no.in_(numbers))).all()
    return {row.employee_no: row for row in rows}


def needs_by_ref(session: Session, refs: set[str]) -> dict[str, Need]:
    rows = session.scalars(select(Need).where(Need.ref.in_(refs))).all()
    return {row.ref: row for row in rows}
