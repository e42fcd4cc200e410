"""Days for one assignment-week HR adds by hand (a direct assignment from the shortlist), placed
by the solver's own day stage (`solver.day_stage.place_days`) beside the plan as it stands.

The person's other days keep theirs (in this week and the weeks around it, for the rest
between days), and so do everybody else's (for which of the need's days lack people most). A
need without shift times is planned by the week alone: its assignment-weeks have no days. When
the days cannot hold the hours, the change is refused naming the day rule that kept them off.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from jobbank.core.errors import InvalidInput
from solver.contract import Assignment, RoundInput, WorkDay
from solver.day_stage import Placement, place_days
from solver.index import PinKey, RoundIndex, index_round, to_half_hours, to_hours
from solver.model import Triples
from solver.result import work_days

DAYS_CANNOT_HOLD = "days_cannot_hold"
"""The refusal's code; its `what` is the day rule (`solver.day_rules.DayRule`)."""


def days_for(
    facts: RoundInput, plan: Sequence[Assignment], added: Assignment, *, field: str = "hours"
) -> tuple[WorkDay, ...]:
    """The days of `added` (an assignment-week not yet in `plan`, the plan as it will stand
    otherwise), placed under day rules a–e around everyone's days in `plan`; none for a need
    planned by the week. Refused (`days_cannot_hold`) when its days hold fewer hours."""
    index = index_round(facts)
    person, need = index.staff_pos[added.staff], index.need_pos[added.need]
    if not index.need_by_day[need]:
        return ()
    key = (person, need, added.week)
    planned = {
        _key(index, a): a
        for a in plan
        if a.staff in index.staff_pos and a.need in index.need_pos and a.hours > 0
    }
    planned[key] = added
    keys = sorted(planned)
    placed = place_days(
        index,
        Triples.of(keys),
        np.array([to_half_hours(planned[k].hours) for k in keys], dtype=np.int64),
        only=[person],
        kept={k: _placement(a) for k, a in planned.items() if a.days and k != key},
    )
    if key in placed.short:
        held, rule = placed.short[key]
        raise InvalidInput(
            field,
            f"person {added.staff}: their days at need {added.need} in week {added.week} hold "
            f"{to_hours(held):g} of the {added.hours:g} hours (day rule {rule.value})",
            code=DAYS_CANNOT_HOLD,
            params={"most": to_hours(held), "what": rule.value},
        )
    return work_days(index, need, added.week, placed.days.get(key, []))


def _key(index: RoundIndex, assignment: Assignment) -> PinKey:
    return (index.staff_pos[assignment.staff], index.need_pos[assignment.need], assignment.week)


def _placement(assignment: Assignment) -> Placement:
    return sorted((d.date.weekday(), to_half_hours(d.hours)) for d in assignment.days)
