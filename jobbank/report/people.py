"""People and units in the report: who was used and who never was, the hours each home unit lent
and each unit received, and the introductions receiving units gave.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from typing import NamedTuple

from sqlalchemy import ColumnElement, and_, exists, func, or_, select
from sqlalchemy.orm import Session, aliased

from jobbank.db.models import AllocationRound, Assignment, Need, Person, RoundStatus, Unit
from jobbank.report.shape import Flow, IdlePerson, PeopleUse, UnitFlow
from jobbank.report.snapshot import SnapshotRead, UnitRead


class _Stay(NamedTuple):
    """A person's hours at one receiving unit in the round, and whether the unit is new to them."""

    employee_no: str
    unit: str
    hours: float
    new: bool
    unit_name: str
    home_unit: str
    """The person's home unit today, for a person the round's snapshot no longer names."""
    home_unit_name: str


def _earlier_published(rnd: AllocationRound, other: type[AllocationRound]) -> ColumnElement[bool]:
    """Rounds published before `rnd` (all published rounds, when `rnd` is not published)."""
    published = and_(other.status == RoundStatus.PUBLISHED, other.id != rnd.id)
    if rnd.published_at is None:
        return published
    return and_(
        published,
        or_(
            other.published_at < rnd.published_at,
            and_(other.published_at == rnd.published_at, other.id < rnd.id),
        ),
    )


def stays_of(session: Session, rnd: AllocationRound) -> list[_Stay]:
    """Each (person, receiving unit) pair of the round with its hours, summed in SQL, and
    whether the person worked at that unit in an earlier published round."""
    earlier_assignment = aliased(Assignment)
    earlier_need = aliased(Need)
    earlier_round = aliased(AllocationRound)
    known = (
        exists()
        .where(
            earlier_assignment.person_id == Assignment.person_id,
            earlier_need.id == earlier_assignment.need_id,
            earlier_need.unit_id == Need.unit_id,
            earlier_round.id == earlier_assignment.round_id,
            _earlier_published(rnd, earlier_round),
        )
        .correlate(Assignment, Need)
    )
    home = aliased(Unit)
    rows = session.execute(
        select(
            Person.employee_no,
            Unit.code,
            func.sum(Assignment.hours),
            known,
            Unit.name,
            home.code,
            home.name,
        )
        .join(Person, Person.id == Assignment.person_id)
        .join(Need, Need.id == Assignment.need_id)
        .join(Unit, Unit.id == Need.unit_id)
        .join(home, home.id == Person.home_unit_id)
        .where(Assignment.round_id == rnd.id, Assignment.hours > 0)
        .group_by(
            Person.employee_no,
            Unit.code,
            Assignment.person_id,
            Need.unit_id,
            Unit.name,
            home.code,
            home.name,
        )
    ).tuples()
    return [
        _Stay(
            employee_no=person,
            unit=unit,
            hours=float(hours or 0),
            new=not seen,
            unit_name=unit_name,
            home_unit=home_code,
            home_unit_name=home_name,
        )
        for person, unit, hours, seen, unit_name, home_code, home_name in rows
    ]


def people_use(snapshot: SnapshotRead, stays: Sequence[_Stay]) -> PeopleUse:
    hours_of: dict[str, float] = defaultdict(float)
    for stay in stays:
        hours_of[stay.employee_no] += stay.hours
    unit_name = {unit.id: unit.name or unit.id for unit in snapshot.units}
    idle = [
        IdlePerson(
            employee_no=staff.id,
            name=staff.name,
            home_unit=staff.home_unit,
            home_unit_name=unit_name.get(staff.home_unit, staff.home_unit),
            capacity_hours=staff.capacity(snapshot.weeks),
        )
        for staff in snapshot.staff
        if staff.id not in hours_of
    ]
    idle.sort(key=lambda person: (-person.capacity_hours, person.home_unit, person.name))
    in_round = len(snapshot.staff)
    return PeopleUse(
        in_round=in_round,
        used=in_round - len(idle),
        never_used=len(idle),
        lent_hours=sum(hours_of.values()),
        most_hours_one_person=max(hours_of.values(), default=0.0),
        never_used_people=idle,
    )


def _home_units(snapshot: SnapshotRead, stays: Sequence[_Stay]) -> dict[str, str]:
    """Each lent person's home unit as the round's snapshot has it; a person it no longer
    names (their employee number changed since) by their home unit today, never none."""
    home = {staff.id: staff.home_unit for staff in snapshot.staff}
    return {stay.employee_no: home.get(stay.employee_no, stay.home_unit) for stay in stays}


def _unit_names(snapshot: SnapshotRead, stays: Sequence[_Stay]) -> dict[str, str]:
    """Unit names by code as the snapshot has them, else as they are today."""
    names = {stay.unit: stay.unit_name for stay in stays}
    names |= {stay.home_unit: stay.home_unit_name for stay in stays}
    return names | {unit.id: unit.name for unit in snapshot.units if unit.name}


def unit_flows(snapshot: SnapshotRead, stays: Sequence[_Stay]) -> list[UnitFlow]:
    home_of = _home_units(snapshot, stays)
    lent: dict[str, float] = defaultdict(float)
    received: dict[str, float] = defaultdict(float)
    lenders: dict[str, set[str]] = defaultdict(set)
    receivers: dict[str, set[str]] = defaultdict(set)
    introductions: dict[str, int] = defaultdict(int)
    for stay in stays:
        home = home_of[stay.employee_no]
        lent[home] += stay.hours
        lenders[home].add(stay.employee_no)
        received[stay.unit] += stay.hours
        receivers[stay.unit].add(stay.employee_no)
        introductions[stay.unit] += stay.new
    units = {unit.id: unit for unit in snapshot.units}
    name = _unit_names(snapshot, stays)
    flows = []
    for code in sorted(set(lent) | set(received)):
        unit = units.get(code, UnitRead(id=code))
        flows.append(
            UnitFlow(
                unit=code,
                unit_name=name.get(code) or code,
                area=unit.area,
                lent_hours=lent[code],
                people_lent=len(lenders[code]),
                received_hours=received[code],
                people_received=len(receivers[code]),
                introductions=introductions[code],
            )
        )
    return flows


def flows_between(snapshot: SnapshotRead, stays: Sequence[_Stay]) -> list[Flow]:
    home_of = _home_units(snapshot, stays)
    hours: dict[tuple[str, str], float] = defaultdict(float)
    people: dict[tuple[str, str], set[str]] = defaultdict(set)
    for stay in stays:
        pair = (home_of[stay.employee_no], stay.unit)
        hours[pair] += stay.hours
        people[pair].add(stay.employee_no)
    name = _unit_names(snapshot, stays)
    return [
        Flow(
            from_unit=home,
            from_unit_name=name.get(home, home),
            to_unit=unit,
            to_unit_name=name.get(unit, unit),
            hours=hours[(home, unit)],
            people=len(people[(home, unit)]),
        )
        for home, unit in sorted(hours)
    ]
