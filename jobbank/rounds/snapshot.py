"""A round's snapshot: the job bank as the solver's `RoundInput` over the round's weeks.

In the snapshot staff are named by employee number, needs by their reference and units by
code, so a round exported as JSON reads the same in the CLI, the API and the database.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Callable, Sequence
from typing import TypeVar

from pydantic import BaseModel, ValidationError
from sqlalchemy import select
from sqlalchemy.orm import Session

from jobbank.core import audit
from jobbank.core.bounds import check
from jobbank.core.days import shift_times_of
from jobbank.core.errors import Conflict, InvalidInput
from jobbank.core.weeks import week_index, week_starts
from jobbank.db.models import (
    AllocationRound,
    Assignment,
    Need,
    NeedStatus,
    Person,
    RoundStatus,
    Unit,
    VolunteerProfile,
)
from jobbank.deployments.wishes import Wishes, wishes_before
from jobbank.needs import hours_in
from jobbank.rounds.history import History, history_before
from jobbank.volunteers.plannable import available_in, home_load_in, is_plannable
from solver.bounds import Day
from solver.contract import (
    MAX_WEEKS,
    Purpose,
    RoundInput,
    Rules,
    describe_errors,
    parse_round_input,
)
from solver.contract import Assignment as PlannedAssignment
from solver.contract import Need as NeedInput
from solver.contract import Staff as StaffInput
from solver.contract import Unit as UnitInput

log = logging.getLogger(__name__)


R = TypeVar("R", VolunteerProfile, Need)


M = TypeVar("M", bound=BaseModel)


def default_name(start: dt.date) -> str:
    """`2027-W11`: the ISO week a round starts in, which reads the same in Danish and English
    (the name shows on the pages of both)."""
    year, week, _ = start.isocalendar()
    return f"{year}-W{week:02d}"


def create_round(
    session: Session,
    *,
    start: dt.date,
    weeks: int,
    name: str = "",
    purpose: Purpose = Purpose.CRISIS,
    rules: Rules | None = None,
    by: int | None = None,
    max_size: int | None = None,
) -> AllocationRound:
    """A draft round over whole ISO weeks, with a snapshot of today's volunteers and open needs;
    a snapshot of more than `max_size` staff × needs × weeks is refused."""
    if check("start", Day, start).isoweekday() != 1:
        raise InvalidInput(
            "start",
            f"{start.isoformat()} is not a Monday; rounds cover whole weeks",
            code="not_a_monday",
        )
    if not 1 <= weeks <= MAX_WEEKS:
        raise InvalidInput(
            "weeks",
            f"must be 1–{MAX_WEEKS}, got {weeks}",
            code="outside_range",
            params={"least": 1, "most": MAX_WEEKS},
        )
    previous = latest_published_round(session, before=start + dt.timedelta(weeks=weeks))
    rnd = AllocationRound(
        name=name or default_name(start),
        start=start,
        weeks=weeks,
        purpose=purpose,
        rules=(rules or Rules()).model_dump(mode="json"),
        previous_round_id=previous.id if previous else None,
        created_by_id=by,
    )
    session.add(rnd)
    session.flush()
    snapshot = build_round_input(session, rnd)
    _check_size(snapshot, max_size)
    rnd.input_snapshot = snapshot.model_dump(mode="json")
    audit.record(
        session,
        user_id=by,
        action="create",
        entity="round",
        entity_id=rnd.id,
        after={
            "name": rnd.name,
            "start": start.isoformat(),
            "weeks": weeks,
            "purpose": purpose.value,
        },
    )
    return rnd


def _check_size(snapshot: RoundInput, max_size: int | None) -> None:
    """Refuse a round too big to solve in reasonable time and memory."""
    staff, needs, weeks = len(snapshot.staff), len(snapshot.needs), snapshot.weeks
    if max_size is not None and staff * needs * weeks > max_size:
        raise InvalidInput(
            "size",
            f"{staff:,} staff × {needs:,} needs × {weeks} weeks = {staff * needs * weeks:,}, "
            f"more than the limit of {max_size:,} (JOBBANK_ROUND_MAX_SIZE); "
            "make the round shorter",
            code="round_too_big",
            params={"most": max_size},
        )


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
    wishes = wishes_before(session, rnd.start)
    history = history_before(session, rnd.start)
    staff = _within_bounds("staff", profiles, lambda p: _staff_input(p, mondays, wishes, history))
    need_inputs = _within_bounds("need", needs, lambda n: _need_input(n, mondays))
    known = ({s.id for s in staff}, {n.id for n in need_inputs})
    return parse_round_input(
        RoundInput(
            purpose=rnd.purpose,
            start=rnd.start,
            weeks=rnd.weeks,
            rules=Rules.model_validate(rnd.rules),
            units=[_unit_input(u, wishes, known[0]) for u in units],
            staff=staff,
            needs=need_inputs,
            pinned=_planned(session, rnd.id, (rnd.start, rnd.weeks), known, pinned_only=True),
            previous=(
                _planned(
                    session,
                    rnd.previous_round_id,
                    (rnd.start, rnd.weeks),
                    known,
                    pinned_only=False,
                )
                if rnd.previous_round_id
                else []
            ),
        ).model_dump(mode="json")
    )


def _within_bounds(kind: str, rows: Sequence[R], to_input: Callable[[R], M]) -> list[M]:
    """Each row as the contract has it; a row stored beyond the contract's bounds (by an older
    version, or past the services) is left out of the round with a warning saying why, so one
    such row cannot stop every round."""
    inputs = []
    for row in rows:
        try:
            inputs.append(to_input(row))
        except ValidationError as exc:
            why = "; ".join(describe_errors(exc, None))
            log.warning("%s %s left out of the round: %s", kind, _row_name(row), why)
    return inputs


def _row_name(row: VolunteerProfile | Need) -> str:
    return row.person.employee_no if isinstance(row, VolunteerProfile) else row.ref


def _unit_input(unit: Unit, wishes: Wishes, staff_ids: set[str]) -> UnitInput:
    """A unit, with the round's people its leader would take again (`jobbank.deployments
    .wishes`)."""
    welcome = wishes.welcome_back.get(unit.code, set()) & staff_ids
    return UnitInput(
        id=unit.code,
        name=unit.name,
        area=unit.area.name,
        welcome_back=sorted(welcome),
        intro_capacity=unit.intro_capacity,
        intro_hours=unit.intro_hours,
    )


def _staff_input(
    profile: VolunteerProfile, mondays: Sequence[dt.date], wishes: Wishes, history: History
) -> StaffInput:
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
        rated_units=sorted(wishes.rated_units.get(person.employee_no, set())),
        past_units=history.past_units(person.employee_no),
        learn_skills=sorted(skill.code for skill in profile.learn_skills),
        lent_last_year=history.lent_last_year(person.employee_no),
        capacity_last_year=history.capacity_last_year(profile),
        away_days=list(profile.away_days),
        daily_hours=profile.daily_hours,
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
        shift_times=shift_times_of(need.shift_times),
        accepts_learners=need.accepts_learners,
        learner_share=need.learner_share,
    )


def _planned(
    session: Session,
    round_id: int | None,
    horizon: tuple[dt.date, int],
    known: tuple[set[str], set[str]],
    *,
    pinned_only: bool,
) -> list[PlannedAssignment]:
    """A round's assignments, as contract entries in this horizon's weeks, for known staff/needs.

    A previous round may reach past the horizon (a shorter or later round): those weeks are
    not this round's to plan, so they are left out rather than breaking the snapshot."""
    start, weeks = horizon
    query = select(Assignment).where(Assignment.round_id == round_id)
    if pinned_only:
        query = query.where(Assignment.pinned.is_(True))
    known_staff, known_needs = known
    planned = []
    for row in session.scalars(query.order_by(Assignment.id)).all():
        week = week_index(start, row.week)
        staff_id, need_id = row.person.employee_no, row.need.ref
        if 0 <= week < weeks and staff_id in known_staff and need_id in known_needs:
            planned.append(
                PlannedAssignment(
                    staff=staff_id,
                    need=need_id,
                    week=week,
                    hours=row.hours,
                    days=row.work_days,
                    learner=row.learner,
                )
            )
    return planned


def round_input(session: Session, rnd: AllocationRound) -> RoundInput:
    """The round's snapshot with its current pins: exactly what the solver gets."""
    if rnd.input_snapshot is None:
        raise Conflict(f"round {rnd.id}: has no input snapshot yet", code="no_snapshot")
    snapshot = parse_round_input(rnd.input_snapshot)
    known = ({s.id for s in snapshot.staff}, {n.id for n in snapshot.needs})
    pins = _planned(session, rnd.id, (rnd.start, rnd.weeks), known, pinned_only=True)
    return snapshot.model_copy(update={"pinned": pins})
