"""The shortlist for one need-week (the urgent call): who could take it at once, best first,
each with why.

Candidates are the people rules 1, 2, 5 and 6 allow on the need who can give at least its
smallest block that week (rule 7) within their capacity (rule 3) and spread (rule 8), and, when
the unit has as many newcomers that week as it can introduce, whom it knows (rule 10). Someone
with free capacity beside their plan comes first; someone who would have to leave other
hours open comes after, lowest-priority leavers first. Then, as a coordinator would choose:
already introduced at the unit, the least home load, a preferred area, the most hours.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from solver.candidates import allowed_pairs
from solver.contract import Assignment, Candidate, LeftOpen, Need, RoundInput, Staff
from solver.index import RoundIndex, index_round, to_half_hours, to_hours
from solver.introductions import NO_LIMIT, Presence, newcomers
from solver.model import Triples
from solver.repair_scope import plan_still_possible

MAX_SHORTLIST = 50
"""A shortlist longer than this is not a shortlist."""


@dataclass(frozen=True)
class _Call:
    """One need-week's call: the round, the plan that week, and the need's facts."""

    round_input: RoundInput
    index: RoundIndex
    need: Need
    week: int
    open_half_hours: int
    block: int
    needs: dict[str, Need]
    planned: dict[str, list[Assignment]]
    introduced: set[str]
    area: str
    known_only: set[str] | None
    """Rule 10: when the unit introduces no more new people this week, the only people it
    takes: those it knows (an earlier round, an earlier week, or already there this week)."""


def shortlist(
    round_input: RoundInput,
    plan: Sequence[Assignment],
    need_id: str,
    week: int,
    limit: int = 10,
) -> list[Candidate]:
    """Up to `limit` people for `need_id` in `week`, best first, given the plan as it stands
    under today's facts (hours an absence took away are open)."""
    index = index_round(round_input)
    allowed = allowed_pairs(index)
    call = _call(index, plan_still_possible(index, allowed, plan), need_id, week)
    ranked = [
        found
        for s in allowed[index.need_pos[need_id]].tolist()
        if (found := _candidate(call, round_input.staff[s], int(index.capacity[s, week])))
    ]
    ranked.sort(key=lambda pair: pair[0])
    return [c for _, c in ranked[: min(limit, MAX_SHORTLIST)]]


def _call(index: RoundIndex, plan: Sequence[Assignment], need_id: str, week: int) -> _Call:
    round_input = index.round_input
    need = round_input.needs[index.need_pos[need_id]]
    needs = {n.id: n for n in round_input.needs}
    planned: dict[str, list[Assignment]] = defaultdict(list)
    for a in plan:
        if a.week == week:
            planned[a.staff].append(a)
    covered = sum(to_half_hours(a.hours) for a in planned_on(plan, need_id, week))
    return _Call(
        round_input=round_input,
        index=index,
        need=need,
        week=week,
        open_half_hours=to_half_hours(need.hours[week]) - covered,
        block=int(index.block[index.need_pos[need_id], week]),
        needs=needs,
        planned=planned,
        introduced={
            a.staff
            for a in [*plan, *round_input.previous]
            if a.need in needs and needs[a.need].unit == need.unit
        },
        area=next((u.area for u in round_input.units if u.id == need.unit), ""),
        known_only=_known_only(index, plan, need, week),
    )


def _known_only(
    index: RoundIndex, plan: Sequence[Assignment], need: Need, week: int
) -> set[str] | None:
    """The people the need's unit knows by `week`, when it has as many newcomers that week as
    it can introduce (rule 10); None when it may take someone new."""
    unit = index.unit_pos[need.unit]
    capacity = int(index.intro_capacity[unit])
    if capacity == NO_LIMIT:
        return None
    triples = Triples.of([(index.staff_pos[a.staff], index.need_pos[a.need], a.week) for a in plan])
    hours = np.array([to_half_hours(a.hours) for a in plan], dtype=np.int64)
    presence = Presence.of(index, triples, hours)
    if len(newcomers(index, presence).get((unit, week), ())) < capacity:
        return None
    first = presence.first_weeks()
    return {
        index.staff_ids[s]
        for s in range(index.staff_count)
        if (s, unit) in index.past_units or first.get((s, unit), week + 1) <= week
    }


def planned_on(plan: Sequence[Assignment], need_id: str, week: int) -> list[Assignment]:
    return [a for a in plan if a.need == need_id and a.week == week]


def _candidate(
    call: _Call, person: Staff, capacity: int
) -> tuple[tuple[int, bool, float, bool, int, str], Candidate] | None:
    """The person as a candidate, with their rank; None when they cannot take it now."""
    mine = call.planned[person.id]
    if any(a.need == call.need.id for a in mine):
        return None
    if call.known_only is not None and person.id not in call.known_only:
        return None
    free = capacity - sum(to_half_hours(a.hours) for a in mine)
    leave = _to_leave(call, mine, free)
    if leave is None:
        return None
    hours = min(free + sum(to_half_hours(a.hours) for a in leave), call.open_half_hours)
    kept = [a for a in mine if a not in leave]
    hours = min(hours, _day_room(call, call.index.staff_pos[person.id], kept))
    if hours < call.block or hours <= 0:
        return None
    candidate = Candidate(
        staff=person.id,
        name=person.name,
        hours=to_hours(hours),
        free_hours=to_hours(max(0, free)),
        home_load=person.home_load[call.week],
        normal_hours=person.normal_hours,
        introduced=person.id in call.introduced,
        preferred_area=call.area in person.preferred_areas,
        leaves_open=[LeftOpen(need=a.need, hours=a.hours) for a in leave],
    )
    left_priority = max((call.needs[a.need].priority for a in leave), default=0)
    rank = (
        left_priority,
        not candidate.introduced,
        candidate.home_load,
        not candidate.preferred_area,
        -hours,
        person.id,
    )
    return rank, candidate


def _day_room(call: _Call, staff: int, kept: list[Assignment]) -> int:
    """The most half-hours the person's days leave for the need this week: its day room
    (rules a, b, e) on the weekdays their other assignments' days do not take (rule c)."""
    taken = np.zeros((1, 7), dtype=np.bool_)
    for day in (d for a in kept for d in a.days):
        taken[0, day.date.weekday()] = True
    pair = np.array([staff]), np.array([call.index.need_pos[call.need.id]])
    return int(call.index.day_room(*pair, call.week, taken)[0])


def _to_leave(call: _Call, mine: list[Assignment], free: int) -> list[Assignment] | None:
    """What the person must leave open to take a block (rules 3 and 8): nothing, or their
    one lowest-priority assignment that week if it is of lower priority than the call and
    leaving it makes room; None when nothing does."""
    units = {call.needs[a.need].unit for a in mine}
    if free >= call.block and (call.need.unit in units or len(units) < call.index.max_units):
        return []
    lowest = min(mine, key=lambda a: call.needs[a.need].priority, default=None)
    if lowest is None or call.needs[lowest.need].priority >= call.need.priority:
        return None
    rest = [a for a in mine if a is not lowest]
    rest_units = {call.needs[a.need].unit for a in rest}
    spread_ok = call.need.unit in rest_units or len(rest_units) < call.index.max_units
    room = free + to_half_hours(lowest.hours) >= call.block
    return [lowest] if spread_ok and room else None
