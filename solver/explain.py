"""Why a need-week stays (partly) unfilled, in words a unit leader understands.

Everyone with the skill is sorted by the first thing that keeps them off this need that
week: shift type, risk protection, their own unit, a unit they avoid, being away (or fully
busy at home), a minimum block bigger than what they can give, or hours already planned
elsewhere — and for those, which needs took them, highest priority first.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np

from solver.contract import NeedTaken, Reason, ReasonCode, ReasonDetail, ReasonValues
from solver.index import BoolArray, IntArray, RoundIndex, to_hours
from solver.introductions import NO_LIMIT, trades_coverage
from solver.week_days import days_fit

NAMED_NEEDS = 3
"""How many of the needs that took the candidates a reason names."""


@dataclass(frozen=True)
class PlannedWeek:
    """What a plan gives each person in one week: half-hours, needs and units."""

    week: int
    half_hours: IntArray
    needs: dict[int, list[int]]
    units: dict[int, set[int]]
    hours: dict[tuple[int, int], int] = field(default_factory=dict)
    """(staff, need) -> half-hours planned that week."""
    day_rows: dict[int, list[tuple[int, int, int]]] = field(default_factory=dict)
    """staff -> (need, usable weekdays, days needed) of each need with shift times planned."""
    first_weeks: dict[tuple[int, int], int] = field(default_factory=dict)
    """(staff, unit) -> the first week of the plan the person works at a unit that limits
    its introductions (rule 10)."""
    coming: dict[int, int] = field(default_factory=dict)
    """Unit that limits its introductions -> people new to it coming that week."""
    together: set[tuple[int, int]] = field(default_factory=set)
    """(staff, unit) pairs the plan puts together in some week."""


def _people(count: int) -> str:
    return "1 person" if count == 1 else f"{count} people"


def _are(count: int) -> str:
    return "is" if count == 1 else "are"


def explain_unfilled(
    index: RoundIndex, need: int, planned: PlannedWeek, remaining: int
) -> list[Reason]:
    """Reasons, most telling first, why `remaining` half-hours of `need` stay open that week."""
    week = planned.week
    skill = index.skill_codes[int(index.need_skill[need])]
    with_skill = index.has_skill[int(index.need_skill[need])].copy()
    if not with_skill.any():
        return [
            Reason(
                code=ReasonCode.NO_SKILL,
                message=f"Nobody in the job bank has the skill {skill!r}.",
                values=ReasonValues(detail=ReasonDetail.NOBODY_HAS_SKILL, skill=skill),
            )
        ]

    round_need = index.round_input.needs[need]
    monday = index.round_input.week_start(week)
    when = f"the week of {monday.isoformat()}"
    unit = int(index.need_unit[need])
    block = int(index.block[need, week])
    reasons: list[Reason] = []
    left = with_skill

    def exclude(mask: BoolArray, code: ReasonCode, one: str, many: str) -> None:
        nonlocal left
        hit = left & mask
        count = int(hit.sum())
        if count:
            words = one if count == 1 else many
            values = ReasonValues(
                detail=ReasonDetail.EXCLUDED,
                people=count,
                skill=skill,
                shift=round_need.shift if code is ReasonCode.SHIFT else None,
                week_start=monday if code is ReasonCode.UNAVAILABLE else None,
            )
            message = f"{_people(count)} with the skill {words}."
            reasons.append(Reason(code=code, message=message, values=values))
        left = left & ~hit

    exclude(
        ~index.works_shift[int(index.need_shift[need])],
        ReasonCode.SHIFT,
        f"does not work {round_need.shift.value} shifts",
        f"do not work {round_need.shift.value} shifts",
    )
    if index.need_exposed[need]:
        exclude(
            index.staff_risk,
            ReasonCode.RISK_PROTECTION,
            "may not work here: the need is marked as exposed and they are in a risk group",
            "may not work here: the need is marked as exposed and they are in a risk group",
        )
    exclude(
        index.staff_home == unit,
        ReasonCode.SAME_UNIT,
        "already belongs to this unit",
        "already belong to this unit",
    )
    avoid_mask = np.zeros(index.staff_count, dtype=np.bool_)
    avoid_mask[index.avoiders.get(unit, np.zeros(0, dtype=np.int64))] = True
    exclude(
        avoid_mask,
        ReasonCode.AVOIDED,
        "asked not to be lent to this unit",
        "asked not to be lent to this unit",
    )
    exclude(
        index.capacity[:, week] == 0,
        ReasonCode.UNAVAILABLE,
        f"is away or fully busy at their home unit in {when}",
        f"are away or fully busy at their home unit in {when}",
    )

    if index.need_by_day[need]:
        people = np.flatnonzero(left)
        room = index.day_room(people, np.full(len(people), need, dtype=np.int64), week)
        short = np.zeros(index.staff_count, dtype=np.bool_)
        short[people[room < block]] = True
        exclude(
            short,
            ReasonCode.DAYS,
            "cannot be away on the need's days long enough for its smallest block",
            "cannot be away on the need's days long enough for its smallest block",
        )

    capacity = index.capacity[:, week]
    too_small = left & (capacity < block)
    spare = capacity - planned.half_hours
    candidates = np.flatnonzero(left & ~too_small)
    full = [int(s) for s in candidates if spare[s] < block]
    at_limit = [
        int(s)
        for s in candidates
        if spare[s] >= block
        and unit not in planned.units.get(int(s), set())
        and len(planned.units.get(int(s), set())) >= index.max_units
    ]
    placed_elsewhere = set(full) | set(at_limit)
    open_to = [int(s) for s in candidates if int(s) not in placed_elsewhere]
    days_taken = _days_taken(index, need, planned, open_to)
    taken = set(days_taken)
    day_short = _day_room_short(index, need, planned, [s for s in open_to if s not in taken], block)
    rest = [s for s in open_to if s not in taken and s not in set(day_short)]
    newcomers = _kept_off_as_new(index, unit, planned, rest)
    priced_out = _priced_out(index, unit, planned, [s for s in rest if s not in set(newcomers)])
    priced_out = [
        s for s in priced_out if min(int(spare[s]), remaining) <= _intro_price(index, unit)
    ]
    free = len(rest) - len(newcomers) - len(priced_out)

    first: list[Reason] = []
    if remaining < block:
        first.append(
            Reason(
                code=ReasonCode.MIN_BLOCK,
                message=f"The remaining {to_hours(remaining):g} h are less than the minimum "
                f"block of {to_hours(block):g} h one person must take.",
                values=ReasonValues(
                    detail=ReasonDetail.REMAINDER_BELOW_BLOCK,
                    hours=to_hours(remaining),
                    min_block=to_hours(block),
                ),
            )
        )
    if full:
        first.append(
            Reason(
                code=ReasonCode.NO_CAPACITY,
                message=f"{_people(len(full))} who could help {_are(len(full))} fully planned "
                f"in {when}{_taken_by(index, need, planned, full)}.",
                values=_taken_values(
                    index,
                    need,
                    planned,
                    full,
                    ReasonValues(
                        detail=ReasonDetail.FULLY_PLANNED, people=len(full), week_start=monday
                    ),
                ),
            )
        )
    if at_limit:
        first.append(
            Reason(
                code=ReasonCode.NO_CAPACITY,
                message=f"{_people(len(at_limit))} who could help already go to "
                f"{index.max_units} units in {when}, the most allowed"
                f"{_taken_by(index, need, planned, at_limit)}.",
                values=_taken_values(
                    index,
                    need,
                    planned,
                    at_limit,
                    ReasonValues(
                        detail=ReasonDetail.AT_UNIT_LIMIT,
                        people=len(at_limit),
                        week_start=monday,
                        max_units=index.max_units,
                    ),
                ),
            )
        )
    if days_taken:
        first.append(
            Reason(
                code=ReasonCode.DAYS,
                message=f"{_people(len(days_taken))} who could help already "
                f"{'works' if len(days_taken) == 1 else 'work'} elsewhere on the need's days"
                f"{_taken_by(index, need, planned, days_taken)}.",
                values=_taken_values(
                    index,
                    need,
                    planned,
                    days_taken,
                    ReasonValues(detail=ReasonDetail.ONE_PLACE_A_DAY, people=len(days_taken)),
                ),
            )
        )
    if day_short:
        first.append(
            Reason(
                code=ReasonCode.DAYS,
                message=f"{_people(len(day_short))} planned here cannot work more hours a day "
                "on the need's days.",
                values=ReasonValues(detail=ReasonDetail.DAILY_HOURS, people=len(day_short)),
            )
        )
    if newcomers:
        first.append(_introductions_reason(index, unit, planned, len(newcomers), when))
    if priced_out:
        first.append(_introduction_cost_reason(index, unit, len(priced_out)))
    if too_small.any():
        count = int(too_small.sum())
        first.append(
            Reason(
                code=ReasonCode.MIN_BLOCK,
                message=f"{_people(count)} with the skill can give fewer hours than the minimum "
                f"block of {to_hours(block):g} h in {when}.",
                values=ReasonValues(
                    detail=ReasonDetail.BELOW_BLOCK,
                    people=count,
                    skill=skill,
                    min_block=to_hours(block),
                    week_start=monday,
                ),
            )
        )
    if free and remaining >= block and not first:
        first.append(
            Reason(
                code=ReasonCode.NO_CAPACITY,
                message=f"{_people(free)} could still give hours, but the search stopped at "
                "its time limit before placing them.",
                values=ReasonValues(detail=ReasonDetail.TIME_LIMIT, people=free),
            )
        )
    if not first and not reasons:
        first.append(
            Reason(
                code=ReasonCode.NO_SKILL,
                message=f"Nobody eligible has the skill {skill!r}.",
                values=ReasonValues(detail=ReasonDetail.NOBODY_ELIGIBLE, skill=skill),
            )
        )
    return first + reasons


def _kept_off_as_new(
    index: RoundIndex, unit: int, planned: PlannedWeek, staff: list[int]
) -> list[int]:
    """Of `staff`, those new to `unit` this week while it introduces as many new people as
    it can (rule 10)."""
    capacity = int(index.intro_capacity[unit])
    if capacity == NO_LIMIT or planned.coming.get(unit, 0) < capacity:
        return []
    return [
        s
        for s in staff
        if (s, unit) not in index.past_units
        and planned.first_weeks.get((s, unit), planned.week + 1) > planned.week
    ]


def _intro_price(index: RoundIndex, unit: int) -> int:
    return int(index.intro_half_hours[unit])


def _priced_out(index: RoundIndex, unit: int, planned: PlannedWeek, staff: list[int]) -> list[int]:
    """Of `staff`, those new to `unit` over the round, where the round trades coverage for
    fewer introductions and the unit prices one."""
    if not trades_coverage(index) or not _intro_price(index, unit):
        return []
    return [
        s for s in staff if (s, unit) not in index.past_units and (s, unit) not in planned.together
    ]


def _introduction_cost_reason(index: RoundIndex, unit: int, people: int) -> Reason:
    name = index.round_input.units[unit].name or index.unit_ids[unit]
    cost = to_hours(_intro_price(index, unit))
    return Reason(
        code=ReasonCode.INTRODUCTIONS,
        message=f"{_people(people)} who could help {_are(people)} new to {name} and could "
        f"cover no more hours here than the {cost:g} h introducing them would cost it; "
        "the round trades that coverage for fewer introductions.",
        values=ReasonValues(detail=ReasonDetail.INTRODUCTION_COST, people=people, hours=cost),
    )


def _introductions_reason(
    index: RoundIndex, unit: int, planned: PlannedWeek, people: int, when: str
) -> Reason:
    capacity, coming = int(index.intro_capacity[unit]), planned.coming.get(unit, 0)
    name = index.round_input.units[unit].name or index.unit_ids[unit]
    return Reason(
        code=ReasonCode.INTRODUCTIONS,
        message=f"{_people(people)} who could help {_are(people)} new to {name}, which can "
        f"introduce {capacity} new {'person' if capacity == 1 else 'people'} a week; {coming} "
        f"{_are(coming)} already coming "
        f"in {when}.",
        values=ReasonValues(
            detail=ReasonDetail.INTRODUCTIONS_FULL,
            people=people,
            capacity=capacity,
            coming=coming,
            week_start=index.round_input.week_start(planned.week),
        ),
    )


def _days_taken(index: RoundIndex, need: int, planned: PlannedWeek, staff: list[int]) -> list[int]:
    """Of `staff`, those whose planned days at other needs leave no day for one block of
    `need` (day rules a and c in the week, `solver.week_days`)."""
    if not index.need_by_day[need]:
        return []
    busy = [s for s in staff if any(n != need for n, _, _ in planned.day_rows.get(s, []))]
    if not busy:
        return []
    here = index.usable_days(
        np.array(busy, dtype=np.int64), np.full(len(busy), need, dtype=np.int64), planned.week
    )
    kept = []
    for s, usable in zip(busy, here.tolist(), strict=True):
        rows = [(u, d) for n, u, d in planned.day_rows[s] if n != need]
        if not days_fit([*rows, (usable, 1)]):
            kept.append(s)
    return kept


def _day_room_short(
    index: RoundIndex, need: int, planned: PlannedWeek, staff: list[int], block: int
) -> list[int]:
    """Of `staff`, those whose hours a day on the need's days leave less than a block more
    (day rules a, b and e)."""
    if not index.need_by_day[need] or not staff:
        return []
    people = np.array(staff, dtype=np.int64)
    needs = np.full(len(staff), need, dtype=np.int64)
    weeks = np.full(len(staff), planned.week, dtype=np.int64)
    room = index.most_half_hours(people, needs, weeks)
    here = np.array([planned.hours.get((s, need), 0) for s in staff], dtype=np.int64)
    return [s for s, short in zip(staff, (room - here < block).tolist(), strict=True) if short]


def _takers(index: RoundIndex, need: int, planned: PlannedWeek, staff: Sequence[int]) -> list[int]:
    """The other needs the candidates cover, most weighty first."""
    takers = {n for s in staff for n in planned.needs.get(s, []) if n != need}
    return sorted(takers, key=lambda n: (-int(index.weight[n]), index.need_ids[n]))


def _taken_values(
    index: RoundIndex,
    need: int,
    planned: PlannedWeek,
    staff: Sequence[int],
    values: ReasonValues,
) -> ReasonValues:
    """`values` with the needs that took the candidates, as `_taken_by` names them."""
    ranked = _takers(index, need, planned, staff)
    needs = index.round_input.needs
    own = needs[need].priority
    return values.model_copy(
        update={
            "taken_by": [
                NeedTaken(need=index.need_ids[n], priority=needs[n].priority)
                for n in ranked[:NAMED_NEEDS]
            ],
            "more_taken": max(0, len(ranked) - NAMED_NEEDS),
            "all_higher_priority": bool(ranked) and all(needs[n].priority > own for n in ranked),
        }
    )


def _taken_by(index: RoundIndex, need: int, planned: PlannedWeek, staff: Sequence[int]) -> str:
    """`: they cover n3 (priority 5), n9 (priority 4) and 2 more` — who took the candidates."""
    ranked = _takers(index, need, planned, staff)
    takers = set(ranked)
    if not takers:
        return ""
    named = ", ".join(
        f"{index.need_ids[n]} (priority {index.round_input.needs[n].priority})"
        for n in ranked[:NAMED_NEEDS]
    )
    more = f" and {len(ranked) - NAMED_NEEDS} more" if len(ranked) > NAMED_NEEDS else ""
    own = index.round_input.needs[need].priority
    higher = sum(1 for n in takers if index.round_input.needs[n].priority > own)
    lead = "higher-priority needs " if higher == len(takers) else "needs "
    return f": they cover {lead}{named}{more}"
