"""The day rules: where a week's hours of a need with shift times may lie, day by day.

For a person s, a need n with shift times, and a day (date) d of week w, with h[s,n,d] the
hours s works of n on d:

a. days: h[s,n,d] > 0 only if n has a shift on d's weekday and s may be away that weekday
b. daily hours: h[s,n,d] ≤ min(s's hours a day, n's shift length that weekday)
c. one place a day: at most one need per person per day (so never two units on one day)
d. rest: at least 11 hours between the end of one worked day and the start of the next
e. day block: h[s,n,d] = 0 or h[s,n,d] ≥ min(n.min_block, h[s,n,w])

A person works a day's shift from its start, so a day's end is its start plus its hours.
All times are half-hours; days are counted from the round's first Monday (week·7 + weekday).
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from solver.index import HALF_HOURS, RoundIndex

DAY = 24 * HALF_HOURS
REST = 11 * HALF_HOURS
"""The Working Time Directive's daily rest."""


class DayRule(StrEnum):
    """The day rule that kept hours off a day; stable codes, named in unfilled reasons."""

    DAYS = "days"
    DAILY_HOURS = "daily_hours"
    ONE_PLACE = "one_place_a_day"
    REST = "rest"
    DAY_BLOCK = "day_block"


@dataclass(frozen=True)
class WorkedDay:
    """Half-hours a person works of one need on one day of the round, from its shift start."""

    need: int
    start: int
    """Half-hours after the day's midnight."""
    length: int

    @property
    def end(self) -> int:
        return self.start + self.length


def day_allowed(index: RoundIndex, staff: int, need: int, weekday: int, week: int) -> bool:
    """Rule a: the need has a shift that weekday and the person may be away then (and is
    not absent that day of `week`)."""
    return bool(
        index.shift_length[need, weekday] > 0
        and index.away_days[staff, weekday]
        and not index.absent[staff, week, weekday]
    )


def most_on_day(index: RoundIndex, staff: int, need: int, weekday: int) -> int:
    """Rule b: the person's hours a day, and no more than the shift."""
    return int(min(index.hours_a_day[staff], index.shift_length[need, weekday]))


def day_block(index: RoundIndex, need: int, week_half_hours: int) -> int:
    """Rule e: the fewest half-hours a day at the need, given the week's hours there."""
    return min(int(index.min_block[need]), week_half_hours)


def rest_between(before: WorkedDay, after: WorkedDay) -> int:
    """Half-hours of rest from the end of `before` to the start of `after`, the next day."""
    return DAY + after.start - before.end


def rest_allows(before: WorkedDay | None, after: WorkedDay | None) -> bool:
    """Rule d for two consecutive days (either may be free)."""
    return before is None or after is None or rest_between(before, after) >= REST


def longest_before(start: int, after: WorkedDay | None) -> int:
    """Rule d: the most half-hours a day starting at `start` may last before `after`."""
    if after is None:
        return DAY
    return DAY + after.start - REST - start
