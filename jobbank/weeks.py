"""Weeks are ISO weeks, named by the date of their Monday."""

import datetime as dt


def monday_of(day: dt.date) -> dt.date:
    """The Monday of the ISO week `day` falls in."""
    return day - dt.timedelta(days=day.weekday())


def week_starts(start: dt.date, weeks: int) -> list[dt.date]:
    """The Mondays of `weeks` consecutive weeks from `start`."""
    return [start + dt.timedelta(weeks=w) for w in range(weeks)]


def week_index(start: dt.date, week: dt.date) -> int:
    """How many weeks `week` lies after `start` (both Mondays)."""
    return (week - start).days // 7
