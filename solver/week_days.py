"""Days within the week, before the day stage: a person's assignment-weeks at needs with shift
times must find enough days. Each takes at least ⌈hours / its longest day⌉ days (rules b and
e) on its usable weekdays (rule a), one need a day (rule c). Whether such days exist is a
matching; the weekly stage keeps Hall's condition for the families that matter: for each
row's usable weekdays, and for all of them together, the rows whose days lie within the
family need no more days than it has. The day stage then places the days exactly.
"""

from __future__ import annotations

from collections.abc import Sequence

WeekdaySet = int
"""Weekdays as bits: bit d set for weekday d (0 Monday … 6 Sunday)."""


def weekday_count(days: WeekdaySet) -> int:
    return days.bit_count()


def families(usable: Sequence[WeekdaySet]) -> list[WeekdaySet]:
    """The weekday sets to check: each distinct row's, and their union."""
    distinct = sorted(set(usable))
    union = 0
    for days in distinct:
        union |= days
    return distinct if union in distinct else [*distinct, union]


def within(days: WeekdaySet, family: WeekdaySet) -> bool:
    return days & ~family == 0


def days_fit(rows: Sequence[tuple[WeekdaySet, int]]) -> bool:
    """Whether rows of (usable weekdays, days needed) keep Hall's condition on `families`."""
    for family in families([usable for usable, _ in rows]):
        needed = sum(days for usable, days in rows if within(usable, family))
        if needed > weekday_count(family):
            return False
    return True
