"""Allocation rounds: snapshot the job bank into a `RoundInput`, store the solver's result back.

In the snapshot staff are named by employee number, needs by their reference and units by
code, so a round exported as JSON reads the same in the CLI, the API and the database.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

from sqlalchemy import select
from sqlalchemy.orm import Session

from jobbank import audit
from jobbank.contract import (
    MAX_WEEKS,
    ContractError,
    RoundInput,
    RoundResult,
    Rules,
    check_assignments,
    parse_round_input,
    parse_round_result,
)
from jobbank.contract import (
    Assignment as PlannedAssignment,
)
from jobbank.contract import (
    Need as NeedInput,
)
from jobbank.contract import (
    Staff as StaffInput,
)
from jobbank.contract import (
    Unit as UnitInput,
)
from jobbank.errors import Conflict, InvalidInput, NotFound
from jobbank.models import (
    AllocationRound,
    Assignment,
    Need,
    NeedStatus,
    Person,
    RoundStatus,
    Unit,
    VolunteerProfile,
)
from jobbank.needs import hours_in
from jobbank.volunteers import available_in, home_load_in, is_plannable
from jobbank.weeks import week_index, week_starts


def create_round(
    session: Session,
    *,
    start: dt.date,
    weeks: int,
    name: str = "",
    rules: Rules | None = None,
    by: int | None = None,
) -> AllocationRound:
    """A draft round over whole ISO weeks, with a snapshot of today's volunteers and open needs."""
    if start.isoweekday() != 1:
        raise InvalidInput(
            "start", f"{start.isoformat()} is not a Monday; rounds cover whole weeks"
        )
    if not 1 <= weeks <= MAX_WEEKS:
        raise InvalidInput("weeks", f"must be 1–{MAX_WEEKS}, got {weeks}")
    previous = latest_published_round(session, before=start + dt.timedelta(weeks=weeks))
    rnd = AllocationRound(
        name=name or f"Runde uge {start.isocalendar().week}",
        start=start,
        weeks=weeks,
        rules=(rules or Rules()).model_dump(mode="json"),
        previous_round_id=previous.id if previous else None,
        created_by_id=by,
    )
    session.add(rnd)
    session.flush()
    rnd.input_snapshot = build_round_input(session, rnd).model_dump(mode="json")
    audit.record(
        session,
        user_id=by,
        action="create",
        entity="round",
        entity_id=rnd.id,
        after={"name": rnd.name, "start": start.isoformat(), "weeks": weeks},
    )
    return rnd


def latest_published_round(session: Session, *, before: dt.date) -> AllocationRound | None:
    """The most recently published round that started before `before`."""
    return session.scalar(
        select(AllocationRound)
        .where(AllocationRound.status == RoundStatus.PUBLISHED, AllocationRound.start < before)
        .order_by(AllocationRound.published_at.desc(), AllocationRound.id.desc())
        .limit(1)
    )


def build_round_input(session: Session, rnd: AllocationRound) -> RoundInput:
    """What the database holds now for this round's horizon, as the solver's contract."""
    mondays = week_starts(rnd.start, rnd.weeks)
    units = session.scalars(select(Unit).order_by(Unit.code)).all()
    profiles = [
        p
        for p in session.scalars(
            select(VolunteerProfile).join(Person).order_by(Person.employee_no)
        ).all()
        if is_plannable(p)
    ]
    needs = [
        need
        for need in session.scalars(
            select(Need)
            .where(
                Need.status == NeedStatus.OPEN,
                Need.first_week <= mondays[-1],
                Need.last_week >= mondays[0],
            )
            .order_by(Need.ref)
        ).all()
        if any(hours_in(need, week) > 0 for week in mondays)
    ]
    staff = [_staff_input(p, mondays) for p in profiles]
    need_inputs = [_need_input(n, mondays) for n in needs]
    known = ({s.id for s in staff}, {n.id for n in need_inputs})
    return parse_round_input(
        RoundInput(
            start=rnd.start,
            weeks=rnd.weeks,
            rules=Rules.model_validate(rnd.rules),
            units=[UnitInput(id=u.code, name=u.name, area=u.area.name) for u in units],
            staff=staff,
            needs=need_inputs,
            pinned=_planned(session, rnd.id, rnd.start, known, pinned_only=True),
            previous=(
                _planned(session, rnd.previous_round_id, rnd.start, known, pinned_only=False)
                if rnd.previous_round_id
                else []
            ),
        ).model_dump(mode="json")
    )


def _staff_input(profile: VolunteerProfile, mondays: Sequence[dt.date]) -> StaffInput:
    person = profile.person
    units_with_area = {area.name for area in profile.preferred_areas if area.units}
    return StaffInput(
        id=person.employee_no,
        name=person.name,
        home_unit=person.home_unit.code,
        skills=sorted(skill.code for skill in profile.skills),
        normal_hours=profile.normal_hours,
        home_load=[home_load_in(profile, week) for week in mondays],
        available=[available_in(profile, week) for week in mondays],
        shifts=sorted(set(profile.shifts)),
        risk_group=profile.risk_group,
        avoid_units=sorted(unit.code for unit in profile.avoided_units),
        preferred_areas=sorted(units_with_area),
    )


def _need_input(need: Need, mondays: Sequence[dt.date]) -> NeedInput:
    return NeedInput(
        id=need.ref,
        unit=need.unit.code,
        skill=need.skill.code,
        hours=[hours_in(need, week) for week in mondays],
        shift=need.shift,
        priority=need.priority,
        exposed=need.exposed,
        min_block=need.min_block,
    )


def _planned(
    session: Session,
    round_id: int | None,
    start: dt.date,
    known: tuple[set[str], set[str]],
    *,
    pinned_only: bool,
) -> list[PlannedAssignment]:
    """A round's assignments, as contract entries in this horizon's weeks, for known staff/needs."""
    query = select(Assignment).where(Assignment.round_id == round_id)
    if pinned_only:
        query = query.where(Assignment.pinned.is_(True))
    known_staff, known_needs = known
    planned = []
    for row in session.scalars(query.order_by(Assignment.id)).all():
        week = week_index(start, row.week)
        staff_id, need_id = row.person.employee_no, row.need.ref
        if 0 <= week < MAX_WEEKS and staff_id in known_staff and need_id in known_needs:
            planned.append(
                PlannedAssignment(staff=staff_id, need=need_id, week=week, hours=row.hours)
            )
    return planned


def get_round(session: Session, round_id: int, *, for_update: bool = False) -> AllocationRound:
    rnd = session.get(AllocationRound, round_id, with_for_update=for_update)
    if rnd is None:
        raise NotFound(f"round {round_id}: no such round")
    return rnd


def round_input(session: Session, rnd: AllocationRound) -> RoundInput:
    """The round's snapshot with its current pins: exactly what the solver gets."""
    if rnd.input_snapshot is None:
        raise Conflict(f"round {rnd.id}: has no input snapshot yet")
    snapshot = parse_round_input(rnd.input_snapshot)
    known = ({s.id for s in snapshot.staff}, {n.id for n in snapshot.needs})
    pins = _planned(session, rnd.id, rnd.start, known, pinned_only=True)
    return snapshot.model_copy(update={"pinned": pins})


def round_result(rnd: AllocationRound) -> RoundResult | None:
    return parse_round_result(rnd.result) if rnd.result is not None else None


def store_result(
    session: Session, rnd: AllocationRound, result: RoundResult, *, by: int | None = None
) -> None:
    """Keep the solver's result and replace the round's assignments with it; pins stay pinned.

    An infeasible result keeps the round a draft and says why in `status_message`.
    """
    if rnd.status is RoundStatus.PUBLISHED:
        raise Conflict(f"round {rnd.id}: is published; its assignments no longer change")
    snapshot = round_input(session, rnd)
    _check_result_fits(snapshot, result)
    pins = {(p.staff, p.need, p.week) for p in snapshot.pinned}
    people = _people_by_employee_no(session, {a.staff for a in result.assignments})
    needs = _needs_by_ref(session, {a.need for a in result.assignments})
    mondays = week_starts(rnd.start, rnd.weeks)
    for row in list(rnd.assignments):
        session.delete(row)
    session.flush()
    rnd.assignments = [
        Assignment(
            person=people[a.staff],
            need=needs[a.need],
            week=mondays[a.week],
            hours=a.hours,
            pinned=(a.staff, a.need, a.week) in pins,
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


def _needs_by_ref(session: Session, refs: set[str]) -> dict[str, Need]:
    rows = session.scalars(select(Need).where(Need.ref.in_(refs))).all()
    return {row.ref: row for row in rows}
