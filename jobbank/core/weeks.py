"""Weeks are ISO weeks, named by the date of their Monday; hours per week are half hours."""

import datetime as dt
import math

from jobbank.core.errors import InvalidInput
from solver.bounds import FIRST_DAY, HOURS_IN_WEEK, LAST_DAY


def monday_of(day: dt.date) -> dt.date:
    """The Monday of the ISO week `day` falls in."""
    return day - dt.timedelta(days=day.weekday())


def first_week_not_started(today: dt.date | None = None) -> dt.date:
    """The Monday of the first week that has not begun: what every form that picks a week
    offers first (on a Monday, this week has begun already, so it is the next one)."""
    return monday_of(today or dt.date.today()) + dt.timedelta(weeks=1)


def week_starts(start: dt.date, weeks: int) -> list[dt.date]:
    """The Mondays of `weeks` consecutive weeks from `start`."""
    return [start + dt.timedelta(weeks=w) for w in range(weeks)]


def week_index(start: dt.date, week: dt.date) -> int:
    """How many weeks `week` lies after `start` (both Mondays)."""
    return (week - start).days // 7


def require_monday(field: str, day: dt.date) -> dt.date:
    """`day` if it is a Monday (weeks are named by their Monday) in the years Jobbank plans
    with, else `InvalidInput` on `field`."""
    if not FIRST_DAY <= day <= LAST_DAY:
        raise InvalidInput(
            field,
            f"must lie in the years {FIRST_DAY.year}–{LAST_DAY.year}, got {day.isoformat()}",
            code="outside_years",
            params={"first": FIRST_DAY.year, "last": LAST_DAY.year},
        )
    if day.isoweekday() != 1:
        raise InvalidInput(field, f"{day.isoformat()} is not a Monday", code="not_a_monday")
    return day


def require_hours(field: str, hours: float, *, most: float = HOURS_IN_WEEK) -> float:
    """`hours` if it is a non-negative multiple of 0.5 at most `most` (by default the 168 hours
    of a week), else `InvalidInput`."""
    if not math.isfinite(hours) or hours < 0:
        raise InvalidInput(
            field, f"must be 0 or more, got {hours:g}", code="below_least", params={"ge": 0}
        )
    if hours * 2 != round(hours * 2):
        raise InvalidInput(
            field,
            f"must be a multiple of 0.5, got {hours:g}",
            code="not_a_multiple",
            params={"multiple_of": 0.5},
        )
    if hours > most:
        raise InvalidInput(
            field,
            f"must be at most {most:g}, got {hours:g}",
            code="above_most",
            params={"le": most},
        )
    return float(hours)
