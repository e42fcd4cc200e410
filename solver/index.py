"""The round in arrays: half-hour integers per staff-week and need-week, ids to positions.

Everything the solver computes works on positions into these arrays, never on ids; hours
become half-hour `int`s here (`HALF_HOURS` per hour) and go back to `float` hours only when
the result is written.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import cached_property

import numpy as np
from numpy.typing import NDArray

from solver.contract import WEEKDAYS, Need, RoundInput, Shift, Staff
from solver.shift_times import span_minutes

HALF_HOURS = 2
"""Half-hour units per hour: the solver's integer unit of time."""

SHARE_STEPS = 100
"""A learner's share of a covered hour is counted in hundredths (`Need.learner_share`)."""

SHIFTS = tuple(Shift)

NO_DAY_LIMIT = 10**6
"""Half-hours a week the day rules leave a need planned by the week alone: no limit."""

PinKey = tuple[int, int, int]
"""(staff, need, week) positions of one assignment-week."""

IntArray = NDArray[np.int64]
BoolArray = NDArray[np.bool_]


def to_half_hours(hours: float) -> int:
    """Contract hours (multiples of 0.5) as whole half-hours."""
    return round(hours * HALF_HOURS)


def to_hours(half_hours: int | np.integer) -> float:
    """Half-hours back to contract hours."""
    return int(half_hours) / HALF_HOURS


@dataclass(frozen=True)
class RoundIndex:
    """Per-position arrays of one round; built once per solve by `index_round`."""

    round_input: RoundInput
    weeks: int
    staff_ids: list[str]
    need_ids: list[str]
    unit_ids: list[str]
    skill_codes: list[str]
    staff_pos: dict[str, int]
    need_pos: dict[str, int]
    unit_pos: dict[str, int]
    capacity: IntArray
    """(staff, week) half-hours a person can be lent; 0 when unavailable."""
    home_load: IntArray
    """(staff, week) home load in half-hours."""
    available: BoolArray
    """(staff, week) whether the person is available at all."""
    wanted: IntArray
    """(need, week) half-hours the need asks for."""
    block: IntArray
    """(need, week) rule 7's smallest block in half-hours: min(min_block, hours)."""
    min_block: IntArray
    """(need,) the need's `min_block` in half-hours (day rule e)."""
    weight: IntArray
    """(need,) objective weight 2^(priority-1) of one covered hour."""
    need_unit: IntArray
    need_skill: IntArray
    need_shift: IntArray
    need_exposed: BoolArray
    staff_home: IntArray
    staff_risk: BoolArray
    has_skill: BoolArray
    """(skill, staff) whether the person has the skill."""
    works_shift: BoolArray
    """(shift, staff) whether the person works that shift type."""
    avoiders: dict[int, IntArray]
    """unit -> staff positions who asked not to be lent there."""
    unit_area: list[str]
    max_units: int
    need_by_day: BoolArray
    """(need,) whether the need has shift times, so its hours are placed on days."""
    shift_length: IntArray
    """(need, weekday) half-hours of the need's shift that weekday; 0 when it has none."""
    shift_start: IntArray
    """(need, weekday) half-hours after midnight the need's shift starts that weekday."""
    hours_a_day: IntArray
    """(staff,) the most half-hours a person works in a day."""
    away_days: BoolArray
    """(staff, weekday) whether the person may be away from their home unit that weekday."""
    absent: BoolArray
    """(staff, week, weekday) whether the person is absent that day (`absent_dates`)."""
    intro_capacity: IntArray
    """(unit,) the people new to it a unit can introduce a week (rule 10); -1: no limit."""
    past_units: frozenset[tuple[int, int]]
    """(staff, unit) pairs of units people worked at in earlier published rounds."""
    intro_half_hours: IntArray
    """(unit,) half-hours the unit spends introducing one new person (`Unit.intro_hours`)."""
    wants_skill: BoolArray
    """(skill, staff) whether the person wants to learn the skill (`Staff.learn_skills`)."""
    accepts_learners: BoolArray
    """(need,) whether the need takes learners."""
    learner_share: IntArray
    """(need,) hundredths of a covered hour one learner hour counts as (0 … 100)."""
    cover_scale: int = 1
    """Term 1's units per weighted half-hour: `SHARE_STEPS` where learners' hours cover part
    of a need (so a learner's share is a whole number), else 1."""
    day_limits: dict[tuple[int, int, int], int] = field(default_factory=dict)
    """(staff, need, week) -> the most half-hours the day stage found days for, beside the
    person's other assignments that week: how the weekly stage hears the day stage."""

    def room_per_day(
        self, staff: IntArray, need: IntArray, week: IntArray | int | None = None
    ) -> tuple[IntArray, BoolArray]:
        """Per pair and weekday, the half-hours rules a and b leave (in `week`, its absent
        days left out), and whether they hold the need's smallest block (rule e)."""
        per_day: IntArray = np.minimum(self.shift_length[need], self.hours_a_day[staff][:, None])
        away = self.away_days[staff]
        if week is not None:
            away = away & ~self.absent[staff, week]
        per_day = per_day * away
        return per_day, per_day >= self.min_block[need][:, None]

    def day_room(
        self,
        staff: IntArray,
        need: IntArray,
        week: IntArray | int | None = None,
        taken: BoolArray | None = None,
    ) -> IntArray:
        """Per (staff, need) pair, the most half-hours a week day rules a, b and e leave: on
        each weekday both allow, the shorter of the shift and the person's day, counting only
        days that hold the need's smallest block (one shorter day when none does); with
        `taken` (pair, weekday), not on the weekdays the person works elsewhere (rule c)."""
        if not self.need_by_day.any():
            return np.full(len(staff), NO_DAY_LIMIT, dtype=np.int64)
        per_day, whole = self.room_per_day(staff, need, week)
        if taken is not None:
            per_day, whole = per_day * ~taken, whole & ~taken
        room: IntArray = np.where(
            whole.any(axis=1), (per_day * whole).sum(axis=1), per_day.max(axis=1)
        )
        return np.where(self.need_by_day[need], room, NO_DAY_LIMIT)

    def usable_days(self, staff: IntArray, need: IntArray, week: IntArray | int) -> IntArray:
        """Per (staff, need) pair, the weekdays (bit d for weekday d) that hold a day there:
        the days that hold the need's smallest block, or any allowed day when none does."""
        if not self.need_by_day.any():
            return np.zeros(len(staff), dtype=np.int64)
        per_day, whole = self.room_per_day(staff, need, week)
        any_whole = np.asarray(whole.any(axis=1), dtype=np.bool_)
        days = np.where(any_whole[:, None], whole, per_day > 0)
        bits: IntArray = (days.astype(np.int64) << np.arange(7, dtype=np.int64)).sum(axis=1)
        return np.where(self.need_by_day[need], bits, 0)

    def longest_day(self, staff: IntArray, need: IntArray) -> IntArray:
        """Per (staff, need) pair of a need with shift times, the most half-hours of one day
        there (rules a and b); 0 for a need planned by the week alone."""
        if not self.need_by_day.any():
            return np.zeros(len(staff), dtype=np.int64)
        per_day, _ = self.room_per_day(staff, need)
        longest: IntArray = np.where(self.need_by_day[need], per_day.max(axis=1), 0)
        return longest

    def days_needed(self, staff: IntArray, need: IntArray, half_hours: IntArray) -> IntArray:
        """Per row, the fewest days its half-hours take at the need (0 when planned by the
        week alone, or none)."""
        longest = self.longest_day(staff, need)
        days: IntArray = np.where(longest > 0, -(-half_hours // np.maximum(longest, 1)), 0)
        return days

    def most_half_hours(self, staff: IntArray, need: IntArray, week: IntArray) -> IntArray:
        """Per triple, the most half-hours the day rules let one person take of a need in a
        week: `day_room`, and what the day stage found room for where it has spoken."""
        most = self.day_room(staff, need, week)
        if self.day_limits:
            for i, key in enumerate(zip(staff.tolist(), need.tolist(), week.tolist(), strict=True)):
                limit = self.day_limits.get(key)
                if limit is not None:
                    most[i] = min(int(most[i]), limit)
        return most

    def cover_weight(self, staff: IntArray, need: IntArray) -> IntArray:
        """Per (staff, need) pair, what one half-hour adds to term 1, in its units: the
        need's weight, times the learner's share for a learner (rule 11)."""
        weight: IntArray = self.weight[need] * self.cover_scale
        if not self.may_learn:
            return weight
        learns = self.learners(staff, need)
        if not learns.any():
            return weight
        shares = self.learner_share[need] * self.cover_scale // SHARE_STEPS
        covered: IntArray = np.where(learns, self.weight[need] * shares, weight)
        return covered

    @cached_property
    def may_learn(self) -> bool:
        """Whether anyone may learn at any need of the round (rule 11)."""
        needs = np.flatnonzero(self.accepts_learners)
        skills = self.need_skill[needs]
        return bool((self.wants_skill[skills] & ~self.has_skill[skills]).any())

    def learns(self, staff: int, need: int) -> bool:
        """Whether `staff` works `need` as a learner: they lack its skill."""
        return not bool(self.has_skill[self.need_skill[need], staff])

    def learners(self, staff: IntArray, need: IntArray) -> BoolArray:
        """Per (staff, need) pair the pair rules allow, whether the person works it as a
        learner: they lack the need's skill, so they may only be there to learn it."""
        learns: BoolArray = ~self.has_skill[self.need_skill[need], staff]
        return learns

    @property
    def staff_count(self) -> int:
        return len(self.staff_ids)

    @property
    def need_count(self) -> int:
        return len(self.need_ids)


def index_round(round_input: RoundInput) -> RoundIndex:
    """Turn a validated `RoundInput` into the arrays the solver works on."""
    weeks = round_input.weeks
    staff, needs, units = round_input.staff, round_input.needs, round_input.units
    unit_pos = {u.id: i for i, u in enumerate(units)}
    skill_codes = sorted(
        {n.skill for n in needs} | {k for s in staff for k in (*s.skills, *s.learn_skills)}
    )
    skill_pos = {k: i for i, k in enumerate(skill_codes)}
    shift_pos = {shift: i for i, shift in enumerate(SHIFTS)}

    capacity = np.array(
        [[to_half_hours(s.capacity(w)) for w in range(weeks)] for s in staff], dtype=np.int64
    ).reshape(len(staff), weeks)
    home_load = np.array(
        [[to_half_hours(h) for h in s.home_load] for s in staff], dtype=np.int64
    ).reshape(len(staff), weeks)
    available = np.array([s.available for s in staff], dtype=np.bool_).reshape(len(staff), weeks)
    wanted = np.array([[to_half_hours(h) for h in n.hours] for n in needs], dtype=np.int64).reshape(
        len(needs), weeks
    )
    min_block = np.array([to_half_hours(n.min_block) for n in needs], dtype=np.int64)
    block = np.minimum(wanted, min_block[:, None])

    shift_length, shift_start = _shift_arrays(round_input)
    has_skill = np.zeros((len(skill_codes), len(staff)), dtype=np.bool_)
    wants_skill = np.zeros((len(skill_codes), len(staff)), dtype=np.bool_)
    works_shift = np.zeros((len(SHIFTS), len(staff)), dtype=np.bool_)
    avoid_lists: dict[int, list[int]] = {}
    for i, s in enumerate(staff):
        for k in s.skills:
            has_skill[skill_pos[k], i] = True
        for k in s.learn_skills:
            wants_skill[skill_pos[k], i] = True
        for shift in s.shifts:
            works_shift[shift_pos[shift], i] = True
        for u in s.avoid_units:
            avoid_lists.setdefault(unit_pos[u], []).append(i)

    return RoundIndex(
        round_input=round_input,
        weeks=weeks,
        staff_ids=[s.id for s in staff],
        need_ids=[n.id for n in needs],
        unit_ids=[u.id for u in units],
        skill_codes=skill_codes,
        staff_pos={s.id: i for i, s in enumerate(staff)},
        need_pos={n.id: i for i, n in enumerate(needs)},
        unit_pos=unit_pos,
        capacity=capacity,
        home_load=home_load,
        available=available,
        wanted=wanted,
        block=block,
        min_block=min_block,
        weight=np.array([n.weight for n in needs], dtype=np.int64),
        need_unit=np.array([unit_pos[n.unit] for n in needs], dtype=np.int64),
        need_skill=np.array([skill_pos[n.skill] for n in needs], dtype=np.int64),
        need_shift=np.array([shift_pos[n.shift] for n in needs], dtype=np.int64),
        need_exposed=np.array([n.exposed for n in needs], dtype=np.bool_),
        staff_home=np.array([unit_pos[s.home_unit] for s in staff], dtype=np.int64),
        staff_risk=np.array([s.risk_group for s in staff], dtype=np.bool_),
        has_skill=has_skill,
        works_shift=works_shift,
        avoiders={u: np.array(v, dtype=np.int64) for u, v in avoid_lists.items()},
        unit_area=[u.area for u in units],
        max_units=round_input.rules.max_units_per_week,
        need_by_day=np.array([n.planned_by_day for n in needs], dtype=np.bool_),
        shift_length=shift_length,
        shift_start=shift_start,
        hours_a_day=np.array([to_half_hours(s.hours_a_day) for s in staff], dtype=np.int64),
        away_days=np.array(
            [[day in s.away_days for day in WEEKDAYS] for s in staff], dtype=np.bool_
        ).reshape(len(staff), 7),
        absent=_absent_days(round_input),
        intro_capacity=np.array(
            [-1 if u.intro_capacity is None else u.intro_capacity for u in units], dtype=np.int64
        ),
        intro_half_hours=np.array([to_half_hours(u.intro_hours) for u in units], dtype=np.int64),
        past_units=frozenset((i, unit_pos[u]) for i, s in enumerate(staff) for u in s.past_units),
        wants_skill=wants_skill,
        accepts_learners=np.array([n.accepts_learners for n in needs], dtype=np.bool_),
        learner_share=np.array(
            [round(n.learner_share * SHARE_STEPS) for n in needs], dtype=np.int64
        ),
        cover_scale=SHARE_STEPS if _learners_cover(staff, needs) else 1,
    )


def _learners_cover(staff: Sequence[Staff], needs: Sequence[Need]) -> bool:
    """Whether some need takes learners at a share above 0 and someone may learn its skill."""
    sharing = {n.skill for n in needs if n.accepts_learners and n.learner_share > 0}
    return any(k in sharing and k not in s.skills for s in staff for k in s.learn_skills)


def _absent_days(round_input: RoundInput) -> BoolArray:
    """(staff, week, weekday) whether the person is absent that day of the round."""
    absent = np.zeros((len(round_input.staff), round_input.weeks, 7), dtype=np.bool_)
    for i, s in enumerate(round_input.staff):
        for day in s.absent_dates:
            number = (day - round_input.start).days
            if 0 <= number < round_input.weeks * 7:
                absent[i, number // 7, number % 7] = True
    return absent


def _shift_arrays(round_input: RoundInput) -> tuple[IntArray, IntArray]:
    """Per need and weekday, its shift's length and start in half-hours (0 when none)."""
    needs = round_input.needs
    length = np.zeros((len(needs), 7), dtype=np.int64)
    start = np.zeros((len(needs), 7), dtype=np.int64)
    for i, n in enumerate(needs):
        for shift in n.shift_times:
            for day in shift.days:
                length[i, day.number] = span_minutes(shift.start, shift.end) // 30
                start[i, day.number] = (shift.start.hour * 60 + shift.start.minute) // 30
    return length, start
