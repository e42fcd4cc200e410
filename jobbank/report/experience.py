"""New experience in the report: the (person, unit) pairs a round gave that the person had
not worked at in an earlier published round, how many of them were a new area too, and the
learners the round placed; over time per round, so far, and per quarter.

"Earlier" is by start: a published round that started before this one, or started the same
day and was made before it (a lower id), so every pair is new in exactly one round of the
report over time. A draft or a proposal is never earlier. A unit's area is its area today.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from itertools import accumulate

from sqlalchemy import ColumnElement, and_, or_, select
from sqlalchemy.orm import Session

from jobbank.db.models import AllocationRound, Assignment, Need, RoundStatus, Unit
from jobbank.report.shape import Experience, QuarterExperience, RoundFigures
from jobbank.report.snapshot import ResultRead

_Place = tuple[int, int, int]
"""(person id, unit id, area id): where a person worked."""


def experience_of(session: Session, rnd: AllocationRound) -> Experience:
    """The new units and areas the round's plan gives its people, and its learners placed."""
    places = _places(session, Assignment.round_id == rnd.id)
    people = {person for person, _unit, _area in places}
    known = (
        _places(session, _started_earlier(rnd), Assignment.person_id.in_(people))
        if people
        else set()
    )
    known_units = {(person, unit) for person, unit, _area in known}
    known_areas = {(person, area) for person, _unit, area in known}
    new = [(p, u, a) for p, u, a in places if (p, u) not in known_units]
    return Experience(
        new_units=len(new),
        new_areas=sum(1 for p, _u, a in new if (p, a) not in known_areas),
        learners_placed=learners_placed(rnd),
    )


def learners_placed(rnd: AllocationRound) -> int:
    """(person, need) pairs the round's stored result places as a learner.

    Read from the solver's result, the only place the learner flag is kept; changes to the
    plan after publishing do not reach it."""
    if rnd.result is None:
        return 0
    result = ResultRead.model_validate(rnd.result)
    return len({(a.staff, a.need) for a in result.assignments if a.learner})


def _places(session: Session, *where: ColumnElement[bool]) -> set[_Place]:
    """The distinct (person, unit, area) of the assignments with hours that meet `where`."""
    rows = session.execute(
        select(Assignment.person_id, Unit.id, Unit.area_id)
        .join(Need, Need.id == Assignment.need_id)
        .join(Unit, Unit.id == Need.unit_id)
        .join(AllocationRound, AllocationRound.id == Assignment.round_id)
        .where(Assignment.hours > 0, *where)
        .distinct()
    ).tuples()
    return set(rows)


def _started_earlier(rnd: AllocationRound) -> ColumnElement[bool]:
    """Published rounds that started before `rnd` (the same day: made before it)."""
    return and_(
        AllocationRound.status == RoundStatus.PUBLISHED,
        AllocationRound.id != rnd.id,
        or_(
            AllocationRound.start < rnd.start,
            and_(AllocationRound.start == rnd.start, AllocationRound.id < rnd.id),
        ),
    )


def so_far(rounds: Sequence[RoundFigures]) -> list[RoundFigures]:
    """The rounds (in start order) with the new experiences gained up to and with each."""
    totals = accumulate(row.new_experiences for row in rounds)
    return [
        row.model_copy(update={"new_experiences_so_far": total})
        for row, total in zip(rounds, totals, strict=True)
    ]


def by_quarter(rounds: Sequence[RoundFigures]) -> list[QuarterExperience]:
    """New experiences and learners per quarter of the year, by the quarter a round starts in;
    quarters without a round are left out."""
    quarters: dict[dt.date, QuarterExperience] = {}
    for row in rounds:
        first_day = dt.date(row.start.year, 3 * ((row.start.month - 1) // 3) + 1, 1)
        quarter = quarters.setdefault(first_day, QuarterExperience(starts=first_day))
        quarter.rounds += 1
        quarter.new_experiences += row.new_experiences
        quarter.new_areas += row.new_areas
        quarter.learners_placed += row.learners_placed
    return [quarters[day] for day in sorted(quarters)]
