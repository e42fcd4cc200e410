"""Change sets: a repair of a published plan, built on one revision of it and applied once.

HR builds a change set from the round's facts as they are now (`jobbank.live_plan.facts`):
the solver re-plans what the open events touch (`solver.repair`), with the moves, pins and
exclusions HR chose. Nothing changes until HR applies it. Applying is one transaction that
locks the round: the assignments change, each change is kept (`AssignmentChange`), the
events it repairs are marked, the plan's revision rises, and what follows is set off
(`jobbank.live_plan.effects`). Applying twice changes nothing the second time; a change set
built on an older revision is refused (409) and must be built again.

The round's stored result stays what was solved and published; the plan as it stands is
its assignments.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from jobbank.core import audit
from jobbank.core.access import Actor
from jobbank.core.errors import Conflict, InvalidInput, NotFound, Problems
from jobbank.core.weeks import require_hours, week_index, week_starts
from jobbank.db.models import (
    AllocationRound,
    Assignment,
    AssignmentChange,
    ChangeSet,
    ChangeSetStatus,
    DayChange,
    Need,
    Person,
    PlanEvent,
    RoundStatus,
)
from jobbank.live_plan.effects import follow_changes
from jobbank.live_plan.facts import current_facts
from jobbank.rounds.pins import require_round_week
from jobbank.rounds.status import lock_round, refuse, require_hr
from solver.bounds import MAX_NORMAL_HOURS
from solver.contract import MAX_MOVES, Change, RepairInput, RepairResult, RoundInput, WorkDay
from solver.contract import Assignment as PlannedAssignment
from solver.repair import repair

ENTITY = "change_set"
MAX_CHOSEN = 200
"""People HR pins or excludes in one change set: more is a new round."""


@dataclass(frozen=True)
class Pin:
    """HR's "keep this person here": hours of one need in one week of the round."""

    person_id: int
    need_id: int
    week: dt.date
    hours: float


@dataclass(frozen=True)
class RepairSettings:
    """How HR asks for a repair."""

    max_moves: int = 0
    pins: Sequence[Pin] = ()
    excluded: Sequence[int] = ()
    """Person ids given no new hours."""

    def as_json(self) -> dict[str, object]:
        return {
            "max_moves": self.max_moves,
            "pins": [
                {
                    "person_id": p.person_id,
                    "need_id": p.need_id,
                    "week": p.week.isoformat(),
                    "hours": p.hours,
                }
                for p in self.pins
            ],
            "excluded": list(self.excluded),
        }


def published_round(
    session: Session, actor: Actor, round_id: int, *, lock: bool
) -> AllocationRound:
    """A published round, for HR; locked for a change when `lock`."""
    require_hr(actor, round_id)
    rnd = lock_round(session, round_id) if lock else session.get(AllocationRound, round_id)
    if rnd is None:
        raise NotFound(f"round {round_id}: no such round")
    if rnd.status is not RoundStatus.PUBLISHED:
        refuse(rnd, "only a published plan is repaired; publish it first")
    return rnd


def current_plan(session: Session, rnd: AllocationRound) -> list[PlannedAssignment]:
    """The round's assignments as they stand, as the contract names them."""
    rows = session.scalars(
        select(Assignment).where(Assignment.round_id == rnd.id).order_by(Assignment.id)
    ).all()
    return [
        PlannedAssignment(
            staff=row.person.employee_no,
            need=row.need.ref,
            week=week_index(rnd.start, row.week),
            hours=row.hours,
            days=row.work_days,
            learner=row.learner,
        )
        for row in rows
        if 0 <= week_index(rnd.start, row.week) < rnd.weeks
    ]


def build_change_set(
    session: Session, actor: Actor, round_id: int, settings: RepairSettings | None = None
) -> ChangeSet:
    """Repair the published plan for its open events, as HR asks; nothing changes yet."""
    settings = settings or RepairSettings()
    rnd = published_round(session, actor, round_id, lock=False)
    facts = current_facts(session, rnd)
    repair_input = _repair_input(session, rnd, facts.round_input, settings)
    repair_input = repair_input.model_copy(
        update={"touched_needs": facts.touched_needs, "touched_staff": facts.touched_staff}
    )
    result = repair(repair_input)
    mark_stale(session, rnd.id)
    change_set = ChangeSet(
        round_id=rnd.id,
        status=ChangeSetStatus.PROPOSED,
        plan_revision=rnd.plan_revision,
        settings=settings.as_json(),
        event_ids=facts.event_ids,
        result=result.model_dump(mode="json"),
        created_by_id=actor.user_id,
    )
    session.add(change_set)
    session.flush()
    audit.record(
        session,
        user_id=actor.user_id,
        action="build",
        entity=ENTITY,
        entity_id=change_set.id,
        after={
            "round_id": rnd.id,
            "events": len(facts.event_ids),
            "changes": len(result.changes),
            "status": result.status,
        },
    )
    return change_set


def _repair_input(
    session: Session, rnd: AllocationRound, facts: RoundInput, settings: RepairSettings
) -> RepairInput:
    problems = Problems()
    if not 0 <= settings.max_moves <= MAX_MOVES:
        problems.add(
            InvalidInput(
                "max_moves",
                f"must be 0–{MAX_MOVES}, got {settings.max_moves}",
                code="outside_range",
                params={"least": 0, "most": MAX_MOVES},
            )
        )
    if len(settings.pins) + len(settings.excluded) > MAX_CHOSEN:
        problems.add(
            InvalidInput(
                "pins",
                f"at most {MAX_CHOSEN} people pinned or excluded, got "
                f"{len(settings.pins) + len(settings.excluded)}",
                code="too_many_chosen",
                params={"most": MAX_CHOSEN},
            )
        )
    problems.refuse()
    people = {
        p.id: p
        for p in _people(session, [*settings.excluded, *(p.person_id for p in settings.pins)])
    }
    needs = {n.id: n for n in _needs(session, [p.need_id for p in settings.pins])}
    staff_ids = {s.id for s in facts.staff}
    need_refs = {n.id for n in facts.needs}
    pins = list(facts.pinned)
    for i, pin in enumerate(settings.pins):
        problems.check(require_hours, f"pins[{i}].hours", pin.hours, most=MAX_NORMAL_HOURS)
        person, need = people.get(pin.person_id), needs.get(pin.need_id)
        if person is None or person.employee_no not in staff_ids:
            problems.add(_unknown(f"pins[{i}].person_id", "person", pin.person_id))
        if need is None or need.ref not in need_refs:
            problems.add(_unknown(f"pins[{i}].need_id", "need", pin.need_id))
        week = problems.check(require_round_week, rnd, pin.week, f"pins[{i}].week")
        if person is not None and need is not None and week is not None:
            pins.append(
                PlannedAssignment(
                    staff=person.employee_no, need=need.ref, week=week, hours=pin.hours
                )
            )
    excluded = []
    for i, person_id in enumerate(settings.excluded):
        person = people.get(person_id)
        if person is None or person.employee_no not in staff_ids:
            problems.add(_unknown(f"excluded[{i}]", "person", person_id))
        else:
            excluded.append(person.employee_no)
    problems.refuse()
    chosen = {(p.staff, p.need, p.week) for p in pins[len(facts.pinned) :]}
    kept = [p for p in facts.pinned if (p.staff, p.need, p.week) not in chosen]
    return RepairInput(
        round=facts.model_copy(update={"pinned": kept + pins[len(facts.pinned) :]}),
        published=current_plan(session, rnd),
        max_moves=settings.max_moves,
        excluded=sorted(set(excluded)),
    )


def _unknown(field: str, kind: str, id_: int) -> InvalidInput:
    return InvalidInput(
        field, f"no {kind} {id_} in this round", code="not_in_round", params={"id": id_}
    )


def _people(session: Session, ids: Sequence[int]) -> Sequence[Person]:
    if not ids:
        return []
    return session.scalars(select(Person).where(Person.id.in_(set(ids)))).all()


def _needs(session: Session, ids: Sequence[int]) -> Sequence[Need]:
    if not ids:
        return []
    return session.scalars(select(Need).where(Need.id.in_(set(ids)))).all()


def _proposed(session: Session, round_id: int) -> Sequence[ChangeSet]:
    return session.scalars(
        select(ChangeSet).where(
            ChangeSet.round_id == round_id, ChangeSet.status == ChangeSetStatus.PROPOSED
        )
    ).all()


def mark_stale(session: Session, round_id: int) -> None:
    """The round's proposed change sets are built on a plan that is about to change."""
    for change_set in _proposed(session, round_id):
        change_set.status = ChangeSetStatus.STALE


def change_set_for(session: Session, actor: Actor, round_id: int, change_set_id: int) -> ChangeSet:
    """One change set of a round, for HR."""
    require_hr(actor, round_id)
    change_set = session.get(ChangeSet, change_set_id)
    if change_set is None or change_set.round_id != round_id:
        raise NotFound(f"change set {change_set_id}: not found in round {round_id}")
    return change_set


def change_sets_of(
    session: Session, actor: Actor, round_id: int, limit: int = 20
) -> Sequence[ChangeSet]:
    """The round's latest change sets, newest first."""
    require_hr(actor, round_id)
    return session.scalars(
        select(ChangeSet)
        .where(ChangeSet.round_id == round_id)
        .order_by(ChangeSet.id.desc())
        .limit(limit)
    ).all()


def repair_result(change_set: ChangeSet) -> RepairResult:
    return RepairResult.model_validate(change_set.result)


def apply_change_set(
    session: Session, actor: Actor, round_id: int, change_set_id: int
) -> ChangeSet:
    """Make the change set's changes, once. A change set applied already is returned as it
    is; one built on an older revision of the plan is refused with 409."""
    rnd = published_round(session, actor, round_id, lock=True)
    change_set = change_set_for(session, actor, round_id, change_set_id)
    session.refresh(change_set)
    if change_set.status is ChangeSetStatus.APPLIED:
        return change_set
    if change_set.status is ChangeSetStatus.STALE or change_set.plan_revision != rnd.plan_revision:
        change_set.status = ChangeSetStatus.STALE
        session.flush()
        raise Conflict(
            f"change set {change_set.id}: the plan changed since it was built "
            f"(revision {change_set.plan_revision}, now {rnd.plan_revision}); build it again",
            code="change_set_stale",
            params={"built_on": change_set.plan_revision, "now": rnd.plan_revision},
        )
    result = repair_result(change_set)
    if result.status == "infeasible":
        raise Conflict(
            f"change set {change_set.id}: cannot be applied: {'; '.join(result.messages)}",
            code="change_set_infeasible",
        )
    rows = change_plan(
        session,
        rnd,
        result.changes,
        result.assignments,
        change_set_id=change_set.id,
        by=actor.user_id,
    )
    for event in session.scalars(
        select(PlanEvent).where(
            PlanEvent.id.in_(change_set.event_ids), PlanEvent.change_set_id.is_(None)
        )
    ):
        event.change_set_id = change_set.id
    change_set.status = ChangeSetStatus.APPLIED
    change_set.applied_by_id = actor.user_id
    change_set.applied_at = dt.datetime.now(dt.UTC)
    mark_stale(session, rnd.id)
    follow_up = follow_changes(session, rnd, rows, by=actor.user_id)
    audit.record(
        session,
        user_id=actor.user_id,
        action="apply",
        entity=ENTITY,
        entity_id=change_set.id,
        before={"plan_revision": rnd.plan_revision - 1},
        after={
            "plan_revision": rnd.plan_revision,
            "changes": len(rows),
            **follow_up.audit_fields(),
        },
    )
    session.flush()
    return change_set


PlanKey = tuple[int, int, dt.date]
"""(person id, need id, week) of one assignment-week."""
DaysBefore = dict[PlanKey, tuple[WorkDay, ...]]
"""The days each assignment-week a change touches had before it."""


def change_plan(
    session: Session,
    rnd: AllocationRound,
    changes: Sequence[Change],
    plan: Sequence[PlannedAssignment],
    *,
    change_set_id: int | None,
    by: int | None,
) -> list[AssignmentChange]:
    """Change the round's assignments as `changes` say and give them the days `plan` has,
    keeping each change of an assignment-week (`AssignmentChange`) and of a day
    (`DayChange`, also where the week's hours stayed the same). The caller holds the round's
    lock."""
    before: DaysBefore = {}
    rows = make_changes(session, rnd, changes, change_set_id=change_set_id, by=by, before=before)
    take_days(session, rnd, plan, before)
    keep_day_changes(session, rnd, before, change_set_id=change_set_id, by=by)
    return rows


def take_days(
    session: Session,
    rnd: AllocationRound,
    plan: Sequence[PlannedAssignment],
    before: DaysBefore,
) -> None:
    """Give the round's assignment-weeks the days of the repaired plan: a repair places the
    days of each person-week it touched again (those it left alone keep theirs), also where
    the hours stayed the same. `before` gets the days each changed one had."""
    planned = {(a.staff, a.need, a.week): a.days for a in plan}
    if not planned:
        return
    session.flush()
    for row in session.scalars(select(Assignment).where(Assignment.round_id == rnd.id)):
        key = (row.person.employee_no, row.need.ref, week_index(rnd.start, row.week))
        days = planned.get(key)
        if days is not None and days != row.work_days:
            before.setdefault((row.person_id, row.need_id, row.week), row.work_days)
            row.plan_days(days)


def keep_day_changes(
    session: Session,
    rnd: AllocationRound,
    before: DaysBefore,
    *,
    change_set_id: int | None,
    by: int | None,
) -> list[DayChange]:
    """A `DayChange` for each day of the assignment-weeks in `before` that is not as it was:
    added, taken away, or with other times or hours."""
    session.flush()
    people = {person_id for person_id, _, _ in before}
    now = {
        (row.person_id, row.need_id, row.week): row.work_days
        for row in session.scalars(
            select(Assignment).where(
                Assignment.round_id == rnd.id, Assignment.person_id.in_(people)
            )
        )
    }
    kept = []
    for key, days in sorted(before.items()):
        person_id, need_id, _ = key
        was = {day.date: day for day in days}
        kept_days = {day.date: day for day in now.get(key, ())}
        for date in sorted(was.keys() | kept_days.keys()):
            if was.get(date) != kept_days.get(date):
                kept.append(
                    DayChange(
                        round_id=rnd.id,
                        change_set_id=change_set_id,
                        person_id=person_id,
                        need_id=need_id,
                        date=date,
                        day_before=_stored(was.get(date)),
                        day_after=_stored(kept_days.get(date)),
                        changed_by_id=by,
                    )
                )
    session.add_all(kept)
    session.flush()
    return kept


def _stored(day: WorkDay | None) -> dict[str, Any] | None:
    return None if day is None else day.model_dump(mode="json")


def make_changes(
    session: Session,
    rnd: AllocationRound,
    changes: Sequence[Change],
    *,
    change_set_id: int | None,
    by: int | None,
    before: DaysBefore,
) -> list[AssignmentChange]:
    """Change the round's assignments as `changes` say, keep each change (with the hours the
    row had), raise the plan's revision. `before` gets the days of each row changed."""
    mondays = week_starts(rnd.start, rnd.weeks)
    people = {
        p.employee_no: p
        for p in session.scalars(
            select(Person).where(Person.employee_no.in_({c.staff for c in changes}))
        )
    }
    needs = {
        n.ref: n
        for n in session.scalars(select(Need).where(Need.ref.in_({c.need for c in changes})))
    }
    existing = {
        (row.person_id, row.need_id, row.week): row
        for row in session.scalars(select(Assignment).where(Assignment.round_id == rnd.id))
    }
    kept: list[AssignmentChange] = []
    for change in changes:
        person, need, week = people[change.staff], needs[change.need], mondays[change.week]
        row = existing.get((person.id, need.id, week))
        if row is not None:
            before.setdefault((person.id, need.id, week), row.work_days)
        hours_before = row.hours if row is not None else 0.0
        if change.hours_after == 0:
            if row is not None:
                session.delete(row)
        elif row is None:
            session.add(
                Assignment(
                    round_id=rnd.id,
                    person=person,
                    need=need,
                    week=week,
                    hours=change.hours_after,
                    learner=change.learner,
                )
            )
        else:
            row.change_hours(change.hours_after)
        kept.append(
            AssignmentChange(
                round_id=rnd.id,
                change_set_id=change_set_id,
                person=person,
                need=need,
                week=week,
                hours_before=hours_before,
                hours_after=change.hours_after,
                changed_by_id=by,
            )
        )
    session.add_all(kept)
    rnd.plan_revision += 1
    session.flush()
    return kept
