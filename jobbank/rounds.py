"""Allocation rounds: snapshot the job bank into a `RoundInput`, store the solver's result back,
pin, publish; and the round's life around a solve.

In the snapshot staff are named by employee number, needs by their reference and units by
code, so a round exported as JSON reads the same in the CLI, the API and the database.

Every change to a round's life (solve, cancel, store, pin, publish) first locks the round's
row (`lock_round`), so the server and the solver's worker process take turns.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Callable, Sequence
from typing import NamedTuple, NoReturn, TypeVar

from advanced_alchemy.filters import LimitOffset
from advanced_alchemy.repository import SQLAlchemySyncRepository
from pydantic import BaseModel, ValidationError
from sqlalchemy import ColumnElement, func, select, text
from sqlalchemy.orm import Session, defer

from jobbank.checklists import create_checklists
from jobbank.core import audit
from jobbank.core.access import Actor
from jobbank.core.bounds import check
from jobbank.core.errors import Conflict, InvalidInput, NotFound
from jobbank.core.weeks import require_hours, require_monday, week_index, week_starts
from jobbank.db.models import (
    AllocationRound,
    Assignment,
    Need,
    NeedStatus,
    Person,
    RoundStatus,
    SolveJob,
    SolveStatus,
    Unit,
    VolunteerProfile,
)
from jobbank.needs import hours_in
from jobbank.notifications import announce_round
from jobbank.volunteers import available_in, home_load_in, is_plannable
from solver.bounds import MAX_NORMAL_HOURS, Day
from solver.contract import (
    MAX_WEEKS,
    ContractError,
    RoundInput,
    RoundResult,
    Rules,
    check_assignments,
    describe_errors,
    parse_round_input,
    parse_round_result,
)
from solver.contract import (
    Assignment as PlannedAssignment,
)
from solver.contract import (
    Need as NeedInput,
)
from solver.contract import (
    Reason as UnfilledReason,
)
from solver.contract import (
    Staff as StaffInput,
)
from solver.contract import (
    Unit as UnitInput,
)

MAX_PIN_HOURS = MAX_NORMAL_HOURS
"""One person's hours for one need in one week."""
log = logging.getLogger(__name__)
R = TypeVar("R", VolunteerProfile, Need)
M = TypeVar("M", bound=BaseModel)
"""More hours than a week has is a typing error, whatever the person's contract says."""


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
    rules: Rules | None = None,
    by: int | None = None,
    max_size: int | None = None,
) -> AllocationRound:
    """A draft round over whole ISO weeks, with a snapshot of today's volunteers and open needs;
    a snapshot of more than `max_size` staff × needs × weeks is refused."""
    if check("start", Day, start).isoweekday() != 1:
        raise InvalidInput(
            "start", f"{start.isoformat()} is not a Monday; rounds cover whole weeks"
        )
    if not 1 <= weeks <= MAX_WEEKS:
        raise InvalidInput("weeks", f"must be 1–{MAX_WEEKS}, got {weeks}")
    previous = latest_published_round(session, before=start + dt.timedelta(weeks=weeks))
    rnd = AllocationRound(
        name=name or default_name(start),
        start=start,
        weeks=weeks,
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
        after={"name": rnd.name, "start": start.isoformat(), "weeks": weeks},
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
    staff = _within_bounds("staff", profiles, lambda p: _staff_input(p, mondays))
    need_inputs = _within_bounds("need", needs, lambda n: _need_input(n, mondays))
    known = ({s.id for s in staff}, {n.id for n in need_inputs})
    return parse_round_input(
        RoundInput(
            start=rnd.start,
            weeks=rnd.weeks,
            rules=Rules.model_validate(rnd.rules),
            units=[UnitInput(id=u.code, name=u.name, area=u.area.name) for u in units],
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
    pins = _planned(session, rnd.id, (rnd.start, rnd.weeks), known, pinned_only=True)
    return snapshot.model_copy(update={"pinned": pins})


def round_result(rnd: AllocationRound) -> RoundResult | None:
    return parse_round_result(rnd.result) if rnd.result is not None else None


def store_result(
    session: Session, rnd: AllocationRound, result: RoundResult, *, by: int | None = None
) -> None:
    """Keep the solver's result and replace the round's assignments with it; pins stay pinned.

    An infeasible result keeps the round a draft and says why in `status_message`; it has no
    plan, so only the pins stay, for the coordinator to see which one to change.
    """
    if rnd.status is RoundStatus.PUBLISHED:
        raise Conflict(f"round {rnd.id}: is published; its assignments no longer change")
    snapshot = round_input(session, rnd)
    _check_result_fits(snapshot, result)
    pins = {(p.staff, p.need, p.week) for p in snapshot.pinned}
    people = _people_by_employee_no(session, {a.staff for a in result.assignments})
    needs = _needs_by_ref(session, {a.need for a in result.assignments})
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


# --- reach, locking and the round's status -------------------------------------------------

ENTITY = "round"

Liveness = Callable[[int], bool | None]
"""Whether a solve job's worker process still runs: True or False when this app process
started it, None when it cannot tell (then only the job's heartbeat counts)."""

HEARTBEAT_TIMEOUT = dt.timedelta(seconds=30)
"""A running job that has not written a heartbeat for this long has lost its worker."""

ACTIVE_JOB = (SolveStatus.QUEUED, SolveStatus.RUNNING)
CHANGEABLE = (RoundStatus.DRAFT, RoundStatus.PROPOSED)
"""A round may be pinned or solved in these states; not while solving, not once published."""


def cannot_tell(_job_id: int) -> bool | None:
    """The liveness to use when nobody holds the worker processes: the heartbeat decides."""
    return None


class RoundRepository(SQLAlchemySyncRepository[AllocationRound]):
    model_type = AllocationRound


def require_hr(actor: Actor, round_id: int | None = None) -> None:
    """Rounds are HR's work; to anyone else they do not exist."""
    actor.require(actor.is_hr, f"round {round_id}" if round_id is not None else "rounds")


def find_rounds(
    session: Session, actor: Actor, paging: LimitOffset, *, status: RoundStatus | None = None
) -> tuple[Sequence[AllocationRound], int]:
    """A page of rounds, newest horizon first, optionally in one status; without their
    snapshots and results, which a list does not show."""
    require_hr(actor)
    filters: list[LimitOffset | ColumnElement[bool]] = [paging]
    if status is not None:
        filters.append(AllocationRound.status == status)
    return RoundRepository(session=session).get_many_and_count(
        *filters,
        load=[defer(AllocationRound.input_snapshot), defer(AllocationRound.result)],
        order_by=[(AllocationRound.start, True), (AllocationRound.id, True)],
    )


def round_for(session: Session, actor: Actor, round_id: int) -> AllocationRound:
    """A round, for HR."""
    require_hr(actor, round_id)
    return get_round(session, round_id)


def lock_round(session: Session, round_id: int) -> AllocationRound:
    """The round, freshly read and locked until the transaction ends, so that changes to its
    life queue up: SELECT … FOR UPDATE, or on SQLite the database's write lock, which a no-op
    UPDATE takes (SQLite knows no row locks)."""
    if session.get_bind().dialect.name == "sqlite":
        session.execute(
            text("UPDATE allocation_round SET status = status WHERE id = :id"), {"id": round_id}
        )
    else:
        locked = select(AllocationRound.id).where(AllocationRound.id == round_id)
        session.execute(locked.with_for_update())
    # Then read afresh, holding the lock. (Loading the entity FOR UPDATE would instead check
    # the copy this session read before against the row, and fail if anyone changed it since:
    # exactly what the lock is here to wait for.)
    rnd = session.get(AllocationRound, round_id, populate_existing=True)
    if rnd is None:
        raise NotFound(f"round {round_id}: no such round")
    return rnd


def refuse(rnd: AllocationRound, why: str) -> NoReturn:
    """409 for a step the round's status does not allow, saying what it is and why not."""
    raise Conflict(f"round {rnd.id}: is {rnd.status.value}; {why}")


def status_without_solve(rnd: AllocationRound) -> RoundStatus:
    """What a round is when no solve runs: proposed when it holds a plan, else a draft
    (`store_result` decides the same way, so this is the status it had before solving)."""
    if rnd.result is not None and rnd.result.get("status") != "infeasible":
        return RoundStatus.PROPOSED
    return RoundStatus.DRAFT


def round_to_change(
    session: Session, actor: Actor, round_id: int, *, alive: Liveness = cannot_tell
) -> AllocationRound:
    """The round locked for a change by HR, with a solve whose worker died already released."""
    require_hr(actor, round_id)
    rnd = lock_round(session, round_id)
    release_abandoned(session, rnd, alive, by=actor.user_id)
    return rnd


# --- solve jobs seen from the round -------------------------------------------------------


def latest_job(session: Session, round_id: int) -> SolveJob | None:
    return session.scalar(
        select(SolveJob)
        .where(SolveJob.round_id == round_id)
        .order_by(SolveJob.id.desc())
        .limit(1)
        .execution_options(populate_existing=True)
    )


def abandoned_because(job: SolveJob, alive: bool | None, now: dt.datetime) -> str | None:
    """Why a queued or running job can no longer finish (its worker is gone), or None."""
    if job.status not in ACTIVE_JOB:
        return None
    if alive is False:
        return "the solver's process ended without a result"
    if alive and job.status is SolveStatus.QUEUED:
        return None  # waiting in a queue that still holds it, however long the wait
    last_sign = job.heartbeat_at or job.started_at or job.created_at
    silent = now - last_sign
    if silent > HEARTBEAT_TIMEOUT:
        return f"the solver stopped answering (no heartbeat for {silent.total_seconds():.0f} s)"
    return None


def release_abandoned(
    session: Session, rnd: AllocationRound, alive: Liveness, *, by: int | None
) -> SolveJob | None:
    """The round's latest job; if its worker died, the job is marked failed and the round
    goes back to the status it had. Checked whenever a round or its job is read."""
    job = latest_job(session, rnd.id)
    now = dt.datetime.now(dt.UTC)
    if job is None or abandoned_because(job, alive(job.id), now) is None:
        return job
    rnd = lock_round(session, rnd.id)
    session.refresh(job)  # the worker may have finished just before its process ended
    why = abandoned_because(job, alive(job.id), now)
    if why is not None:
        finish_solve(session, rnd, job, SolveStatus.FAILED, f"solving failed: {why}", by=by)
    return job


def finish_solve(
    session: Session,
    rnd: AllocationRound,
    job: SolveJob,
    status: SolveStatus,
    message: str,
    *,
    by: int | None,
) -> None:
    """End a solve without a result (cancelled or failed); the round goes back to what it was.
    The caller holds the round's lock."""
    before = job.status
    job.status = status
    job.message = message
    job.finished_at = dt.datetime.now(dt.UTC)
    rnd.status = status_without_solve(rnd)
    rnd.status_message = message
    audit.record(
        session,
        user_id=by,
        action=f"solve_{status.value}",
        entity="solve_job",
        entity_id=job.id,
        before={"status": before.value},
        after={"status": status.value, "message": message, "round_status": rnd.status.value},
    )
    session.flush()


# --- pins -------------------------------------------------------------------------------

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
    _check_pin_week(rnd, week)
    require_hours("hours", hours, most=MAX_PIN_HOURS)
    if hours <= 0:
        raise InvalidInput("hours", f"must be more than 0, got {hours:g}")
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
    row.hours, row.pinned = hours, True
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


def unpin_assignment(
    session: Session,
    actor: Actor,
    round_id: int,
    assignment_id: int,
    *,
    alive: Liveness = cannot_tell,
) -> None:
    """Let the next solve decide this assignment again. It goes back to what the last solve
    planned for it; a pin the solve never planned goes away with its pin."""
    rnd = round_to_change(session, actor, round_id, alive=alive)
    row = session.get(Assignment, assignment_id)
    if row is None or row.round_id != rnd.id:
        raise NotFound(f"round {rnd.id}: assignment {assignment_id}: not found")
    if rnd.status not in CHANGEABLE:
        refuse(rnd, _why_unchangeable(rnd))
    before = audit.fields_of(row, PIN_FIELDS)
    solved_hours = solved_plan(rnd).get(_plan_key(rnd, row))
    after: dict[str, object] | None = None
    if solved_hours is None:
        session.delete(row)
    else:
        row.hours, row.pinned = solved_hours, False
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
            "person_id", f"person {person_id} is not among round {rnd.id}'s volunteers"
        )
    need = session.get(Need, need_id)
    if need is None or need.ref not in {n.id for n in snapshot.needs}:
        raise InvalidInput("need_id", f"need {need_id} is not among round {rnd.id}'s needs")
    return person, need


def _check_pin_week(rnd: AllocationRound, week: dt.date) -> None:
    require_monday("week", week)
    if not rnd.start <= week <= rnd.end:
        raise InvalidInput(
            "week",
            f"{week.isoformat()} is outside round {rnd.id}'s weeks "
            f"({rnd.start.isoformat()} to {rnd.end.isoformat()})",
        )


PlanKey = tuple[str, str, int]
"""(employee number, need reference, week index): one assignment as the contract names it."""


def _plan_key(rnd: AllocationRound, row: Assignment) -> PlanKey:
    return (row.person.employee_no, row.need.ref, week_index(rnd.start, row.week))


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


# --- publishing ---------------------------------------------------------------------------


def publish_round(
    session: Session, actor: Actor, round_id: int, *, alive: Liveness = cannot_tell
) -> AllocationRound:
    """Publish a proposed round once: everyone sees their part, and a checklist is created
    for each new (person, unit) pair. A second call changes nothing and returns the round."""
    rnd = round_to_change(session, actor, round_id, alive=alive)
    if rnd.status is RoundStatus.PUBLISHED:
        return rnd
    if rnd.status is not RoundStatus.PROPOSED:
        refuse(rnd, "only a proposed round can be published; solve it first")
    if not plan_is_solved(session, rnd):
        refuse(rnd, "pins changed the plan since it was solved; solve it again, then publish")
    rnd.status = RoundStatus.PUBLISHED
    rnd.status_message = ""
    rnd.published_by_id = actor.user_id
    rnd.published_at = dt.datetime.now(dt.UTC)
    checklists = create_checklists(session, rnd, by=actor.user_id)
    announce_round(session, rnd)
    audit.record(
        session,
        user_id=actor.user_id,
        action="publish",
        entity=ENTITY,
        entity_id=rnd.id,
        before={"status": RoundStatus.PROPOSED.value},
        after={"status": rnd.status.value, "checklists": len(checklists)},
    )
    session.flush()
    return rnd


# --- reading a round: counts, the proposal, exports ---------------------------------------


class RoundCounts(NamedTuple):
    staff: int
    needs: int
    assignments: int
    pinned: int
    unfilled: int
    """Need-weeks the last result left (partly) open."""


def round_counts(session: Session, rnd: AllocationRound) -> RoundCounts:
    snapshot = rnd.input_snapshot or {}
    assignments, pinned = session.execute(
        select(
            func.count(Assignment.id), func.count(Assignment.id).filter(Assignment.pinned)
        ).where(Assignment.round_id == rnd.id)
    ).one()
    return RoundCounts(
        staff=len(snapshot.get("staff", [])),
        needs=len(snapshot.get("needs", [])),
        assignments=assignments,
        pinned=pinned,
        unfilled=len(rnd.result.get("unfilled", [])) if rnd.result else 0,
    )


def plan_rows(
    session: Session,
    rnd: AllocationRound,
    *,
    need_id: int | None = None,
    person_id: int | None = None,
    unit_id: int | None = None,
) -> Sequence[Assignment]:
    """The round's assignments (the proposal, or what was published) with their person, need
    and unit, by week, need and person."""
    query = select(Assignment).join(Assignment.need).where(Assignment.round_id == rnd.id)
    if need_id is not None:
        query = query.where(Assignment.need_id == need_id)
    if person_id is not None:
        query = query.where(Assignment.person_id == person_id)
    if unit_id is not None:
        query = query.where(Need.unit_id == unit_id)
    return session.scalars(query.order_by(Assignment.week, Need.ref, Assignment.person_id)).all()


class UnfilledNeedWeek(NamedTuple):
    """Hours of a need one week of the round left open, and why."""

    need_ref: str
    need: Need | None
    week: dt.date
    hours: float
    reasons: list[UnfilledReason]


def unfilled_need_weeks(
    session: Session,
    rnd: AllocationRound,
    *,
    need_id: int | None = None,
    unit_id: int | None = None,
) -> list[UnfilledNeedWeek]:
    """The last result's unfilled need-weeks, by week and need."""
    result = round_result(rnd)
    if result is None:
        return []
    needs = _needs_by_ref(session, {u.need for u in result.unfilled})
    rows = [
        UnfilledNeedWeek(
            need_ref=u.need,
            need=needs.get(u.need),
            week=rnd.start + dt.timedelta(weeks=u.week),
            hours=u.hours,
            reasons=list(u.reasons),
        )
        for u in result.unfilled
    ]
    return sorted(
        (
            row
            for row in rows
            if (need_id is None or (row.need is not None and row.need.id == need_id))
            and (unit_id is None or (row.need is not None and row.need.unit_id == unit_id))
        ),
        key=lambda row: (row.week, row.need_ref),
    )


def export_input(session: Session, actor: Actor, round_id: int) -> RoundInput:
    """The round's `RoundInput` with its current pins, as the solver gets it. It holds the
    staff's risk-group flags, so the read is written to the audit log as a health read."""
    rnd = round_for(session, actor, round_id)
    snapshot = round_input(session, rnd)
    audit.record(
        session,
        user_id=actor.user_id,
        action="read_health",
        entity=ENTITY,
        entity_id=rnd.id,
        after={"export": "round_input", "staff": [s.id for s in snapshot.staff]},
    )
    return snapshot


def export_result(session: Session, actor: Actor, round_id: int) -> RoundResult:
    """The round's last `RoundResult`."""
    rnd = round_for(session, actor, round_id)
    result = round_result(rnd)
    if result is None:
        refuse(rnd, "it has no result yet; solve it first")
    return result
