"""A change set as pages and the API read it: the solver's `RepairResult` speaks of employee
numbers, need refs and week indexes; HR reads names, units and Mondays.

The view names people by their name alone (never their volunteer profile, which holds the
risk-group flag) and tells the events it repairs without their reasons: HR reads those
where the events are listed.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from jobbank.db.models import (
    AllocationRound,
    ChangeSet,
    ChangeSetStatus,
    EventKind,
    Need,
    Person,
    PlanEvent,
    UserAccount,
)
from jobbank.live_plan.change_sets import repair_result
from jobbank.rounds import UnfilledNeedWeek
from solver.contract import RepairCoverage, RepairMetrics


@dataclass(frozen=True)
class PersonLine:
    id: int
    employee_no: str
    name: str


@dataclass(frozen=True)
class ChangeLine:
    """One assignment-week the change set adds, changes or ends."""

    person: PersonLine
    need_id: int
    need_ref: str
    unit_id: int
    unit: str
    week: dt.date
    hours_before: float
    hours_after: float
    kind: str
    """`added`, `changed` or `ended`."""


@dataclass(frozen=True)
class EventLine:
    """An open event the change set repairs, without its reason."""

    id: int
    kind: EventKind
    person: PersonLine | None
    need_ref: str | None
    first_day: dt.date
    last_day: dt.date | None
    hours: float | None


@dataclass(frozen=True)
class ChangeSetView:
    id: int
    round_id: int
    status: ChangeSetStatus
    result_status: str
    plan_revision: int
    settings: dict[str, Any]
    changes: list[ChangeLine]
    newly_lent: list[PersonLine]
    losing: list[PersonLine]
    coverage: RepairCoverage
    touched_weeks: list[dt.date]
    """The Mondays of the weeks the events touch."""
    unfilled: list[UnfilledNeedWeek]
    metrics: RepairMetrics
    messages: list[str]
    events: list[EventLine]
    built_at: dt.datetime
    built_by: str | None
    applied_at: dt.datetime | None
    applied_by: str | None

    @property
    def weeks(self) -> list[tuple[dt.date, list[ChangeLine]]]:
        """The changes grouped by week, each week by unit, need and person."""
        mondays = sorted({c.week for c in self.changes})
        return [(w, [c for c in self.changes if c.week == w]) for w in mondays]

    @property
    def people(self) -> list[PersonLine]:
        """Everyone the changes name, once each, by name: whom HR may pin or leave out."""
        found = {c.person.id: c.person for c in self.changes}
        return sorted(found.values(), key=lambda p: p.name)

    @property
    def given_hours(self) -> set[int]:
        """The people the proposal gives hours to: whom HR may pin as proposed."""
        return {c.person.id for c in self.changes if c.hours_after > 0}

    @property
    def pinned(self) -> set[int]:
        return {int(p["person_id"]) for p in self.settings.get("pins", [])}

    @property
    def excluded(self) -> set[int]:
        return {int(p) for p in self.settings.get("excluded", [])}


def person_line(person: Person) -> PersonLine:
    return PersonLine(id=person.id, employee_no=person.employee_no, name=person.name)


def change_set_view(session: Session, change_set: ChangeSet) -> ChangeSetView:
    """`change_set` with the names, units and Mondays of what it speaks of."""
    rnd = session.get_one(AllocationRound, change_set.round_id)
    result = repair_result(change_set)
    people = _people(
        session, {c.staff for c in result.changes} | {*result.newly_lent, *result.losing}
    )
    needs = _needs(session, {c.need for c in result.changes} | {u.need for u in result.unfilled})
    monday = _mondays(rnd)
    changes = [
        ChangeLine(
            person=person_line(people[c.staff]),
            need_id=needs[c.need].id,
            need_ref=c.need,
            unit_id=needs[c.need].unit_id,
            unit=needs[c.need].unit.name,
            week=monday(c.week),
            hours_before=c.hours_before,
            hours_after=c.hours_after,
            kind=c.kind.value,
        )
        for c in result.changes
        if c.staff in people and c.need in needs
    ]
    changes.sort(key=lambda c: (c.week, c.unit, c.need_ref, c.person.name))
    unfilled = [
        UnfilledNeedWeek(
            need_ref=u.need,
            need=needs.get(u.need),
            week=monday(u.week),
            hours=u.hours,
            reasons=list(u.reasons),
        )
        for u in result.unfilled
    ]
    return ChangeSetView(
        id=change_set.id,
        round_id=rnd.id,
        status=change_set.status,
        result_status=result.status,
        plan_revision=change_set.plan_revision,
        settings=dict(change_set.settings or {}),
        changes=changes,
        newly_lent=_named(people, result.newly_lent),
        losing=_named(people, result.losing),
        coverage=result.coverage,
        touched_weeks=[monday(w) for w in result.coverage.weeks],
        unfilled=sorted(unfilled, key=lambda u: (u.week, u.need_ref)),
        metrics=result.metrics,
        messages=list(result.messages),
        events=_events(session, change_set.event_ids or []),
        built_at=change_set.created_at,
        built_by=_who(session, change_set.created_by_id),
        applied_at=change_set.applied_at,
        applied_by=_who(session, change_set.applied_by_id),
    )


def _mondays(rnd: AllocationRound) -> Any:
    return lambda index: rnd.start + dt.timedelta(weeks=index)


def _named(people: dict[str, Person], numbers: Iterable[str]) -> list[PersonLine]:
    found = [person_line(people[n]) for n in numbers if n in people]
    return sorted(found, key=lambda p: p.name)


def _people(session: Session, numbers: set[str]) -> dict[str, Person]:
    if not numbers:
        return {}
    rows = session.scalars(select(Person).where(Person.employee_no.in_(numbers)))
    return {p.employee_no: p for p in rows}


def _needs(session: Session, refs: set[str]) -> dict[str, Need]:
    if not refs:
        return {}
    return {n.ref: n for n in session.scalars(select(Need).where(Need.ref.in_(refs)))}


def _events(session: Session, ids: Sequence[int]) -> list[EventLine]:
    if not ids:
        return []
    rows = session.scalars(select(PlanEvent).where(PlanEvent.id.in_(ids)).order_by(PlanEvent.id))
    return [
        EventLine(
            id=e.id,
            kind=e.kind,
            person=person_line(e.person) if e.person is not None else None,
            need_ref=e.need.ref if e.need is not None else None,
            first_day=e.first_day,
            last_day=e.last_day,
            hours=e.hours,
        )
        for e in rows
    ]


def _who(session: Session, user_id: int | None) -> str | None:
    """The name of the person behind a log-in, or its username."""
    if user_id is None:
        return None
    user = session.get(UserAccount, user_id)
    if user is None:
        return None
    person = session.get(Person, user.person_id) if user.person_id else None
    return person.name if person is not None else user.username
