"""The shortlist for one need-week (the urgent call): who could take it at once, best first,
each with why.

Candidates are the people rules 1, 2, 5 and 6 allow on the need who can give at least its
smallest block that week (rule 7) within their capacity (rule 3) and spread (rule 8). Someone
with free capacity beside their plan comes first; someone who would have to leave other
hours open comes after, lowest-priority leavers first. Then, as a coordinator would choose:
already introduced at the unit, the least home load, a preferred area, the most hours.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence

from solver.contract import Assignment, Candidate, LeftOpen, RoundInput
from solver.index import index_round, to_half_hours, to_hours
from solver.rules import allowed_staff

MAX_SHORTLIST = 50
"""A shortlist longer than this is not a shortlist."""


def shortlist(
    round_input: RoundInput,
    plan: Sequence[Assignment],
    need_id: str,
    week: int,
    limit: int = 10,
) -> list[Candidate]:
    """Up to `limit` people for `need_id` in `week`, best first, given the plan as it stands."""
    index = index_round(round_input)
    need_pos = index.need_pos[need_id]
    need = round_input.needs[need_pos]
    unit = need.unit
    open_half_hours = to_half_hours(need.hours[week]) - sum(
        to_half_hours(a.hours) for a in plan if a.need == need_id and a.week == week
    )
    block = int(index.block[need_pos, week])
    needs = {n.id: n for n in round_input.needs}
    planned: dict[str, list[Assignment]] = defaultdict(list)
    for a in plan:
        if a.week == week:
            planned[a.staff].append(a)
    introduced = {
        a.staff
        for a in [*plan, *round_input.previous]
        if needs.get(a.need) is not None and needs[a.need].unit == unit
    }
    areas = {u.id: u.area for u in round_input.units}
    ranked: list[tuple[tuple[object, ...], Candidate]] = []
    for s in allowed_staff(index, need_pos).tolist():
        person = round_input.staff[s]
        mine = [a for a in planned[person.id] if a.need != need_id]
        if any(a.need == need_id for a in planned[person.id]):
            continue
        capacity = int(index.capacity[s, week])
        free = capacity - sum(to_half_hours(a.hours) for a in mine)
        units = {needs[a.need].unit for a in mine}
        leave: list[Assignment] = []
        if free < block or (unit not in units and len(units) >= index.max_units):
            leave = sorted(mine, key=lambda a: needs[a.need].priority)
            if not leave or needs[leave[0].need].priority >= need.priority:
                continue
            leave = leave[:1]
            free += to_half_hours(leave[0].hours)
            if free < block:
                continue
        hours = min(free, open_half_hours)
        if hours < block or hours <= 0:
            continue
        candidate = Candidate(
            staff=person.id,
            name=person.name,
            hours=to_hours(hours),
            free_hours=to_hours(max(0, capacity - sum(to_half_hours(a.hours) for a in mine))),
            home_load=person.home_load[week],
            normal_hours=person.normal_hours,
            introduced=person.id in introduced,
            preferred_area=areas.get(unit, "") in person.preferred_areas,
            leaves_open=[LeftOpen(need=a.need, hours=a.hours) for a in leave],
        )
        left_priority = max((needs[a.need].priority for a in leave), default=0)
        ranked.append(
            (
                (
                    left_priority,
                    not candidate.introduced,
                    candidate.home_load,
                    not candidate.preferred_area,
                    -hours,
                    person.id,
                ),
                candidate,
            )
        )
    ranked.sort(key=lambda pair: pair[0])  # type: ignore[arg-type,unused-ignore]
    return [c for _, c in ranked[: min(limit, MAX_SHORTLIST)]]
