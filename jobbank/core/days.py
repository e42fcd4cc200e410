"""Days and shift times as they enter Jobbank: a need's shift times, and a person's away days
and daily hours, each checked once where it enters (the API, the pages and imports alike),
naming the field, with a code the pages tell in words (`api/pages/refusals.py`).

What people send is read loosely (`ShiftTimeBody`: any weekdays, any clock times) so that each
rule is told by its own code and field, not as a shape that failed; what is kept is the round
contract's own `ShiftTime`, stored as its JSON.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Annotated, Any, TypeAlias

from pydantic import BaseModel, ConfigDict, Field, TypeAdapter

from jobbank.core.bounds import check
from jobbank.core.errors import InvalidInput, Problems
from solver.bounds import MAX_DAILY_HOURS
from solver.contract import WEEKDAYS, ShiftTime, Weekday
from solver.shift_times import span_minutes

SHIFT_TIMES = TypeAdapter(list[ShiftTime])
DailyHours: TypeAlias = Annotated[
    float, Field(gt=0, le=MAX_DAILY_HOURS, multiple_of=0.5, allow_inf_nan=False)
]
"""A person's hours a day: more than 0, at most 13, in half hours; stated as `solver.bounds`
states its hours, so the API's schema names both bounds and a value beyond one answers 422
(the contract's own `DailyHours` checks the half hour apart, which reads as a wrong value)."""


class ShiftTimeBody(BaseModel):
    """Weekdays a need wants people on, with the shift's local times those days."""

    model_config = ConfigDict(extra="forbid")

    days: list[Weekday] = Field(description="Weekdays: `mon` … `sun`, each once per need.")
    start: dt.time = Field(description="When the shift starts, on the hour or half hour.")
    end: dt.time = Field(
        description="When it ends, on the hour or half hour; not after `start` means the "
        "next day (a night shift, 22:00–06:00). At most 13 hours after `start`."
    )


def in_week_order(days: Sequence[Weekday]) -> list[Weekday]:
    return sorted(set(days), key=WEEKDAYS.index)


def check_shift_times(field: str, shifts: Sequence[ShiftTimeBody]) -> list[ShiftTime]:
    """The shift times as the contract keeps them, weekdays in week order; every wrong one
    refused at once: `shift_times[1].days` a weekday another shift has, `shift_times[0].end`
    a shift longer than 13 hours, a time off the half hour."""
    problems = Problems()
    taken: set[Weekday] = set()
    for index, shift in enumerate(shifts):
        where = f"{field}[{index}]"
        problems.check(_weekdays, f"{where}.days", shift.days, taken)
        taken |= set(shift.days)
        start = problems.check(_clock_time, f"{where}.start", shift.start)
        end = problems.check(_clock_time, f"{where}.end", shift.end)
        if start is not None and end is not None:
            problems.check(_shift_length, f"{where}.end", start, end)
    problems.refuse()
    return [
        ShiftTime(days=in_week_order(shift.days), start=shift.start, end=shift.end)
        for shift in shifts
    ]


def _weekdays(field: str, days: Sequence[Weekday], taken: set[Weekday]) -> None:
    if not days:
        raise InvalidInput(field, "choose at least one weekday", code="no_weekday")
    twice = [d for d in WEEKDAYS if d in days and (d in taken or days.count(d) > 1)]
    if twice:
        raise InvalidInput(
            field,
            f"{twice[0].value} has a shift already; each weekday has one shift",
            code="weekday_twice",
            params={"day": twice[0].value},
        )


def _clock_time(field: str, value: dt.time) -> dt.time:
    if value.second or value.microsecond or value.minute % 30 or value.tzinfo is not None:
        raise InvalidInput(
            field,
            f"must be a local time on the hour or half hour, got {value.isoformat()}",
            code="not_on_half_hour",
        )
    return value


def _shift_length(field: str, start: dt.time, end: dt.time) -> None:
    hours = span_minutes(start, end) / 60
    if hours > MAX_DAILY_HOURS:
        raise InvalidInput(
            field,
            f"a shift is at most {MAX_DAILY_HOURS:g} hours (11 hours' rest a day), "
            f"got {start.isoformat('minutes')}–{end.isoformat('minutes')} ({hours:g} hours)",
            code="shift_too_long",
            params={"most": MAX_DAILY_HOURS},
        )


def stored_shift_times(shifts: Sequence[ShiftTime]) -> list[dict[str, Any]]:
    """Shift times as a need keeps them: the contract's JSON, times as `HH:MM`."""
    return [
        {
            "days": [day.value for day in shift.days],
            "start": shift.start.isoformat("minutes"),
            "end": shift.end.isoformat("minutes"),
        }
        for shift in shifts
    ]


def shift_times_of(stored: Sequence[dict[str, Any]]) -> list[ShiftTime]:
    """A need's stored shift times, read by the contract's own check (a value stored past
    the services is refused here, as any other field beyond the contract)."""
    return SHIFT_TIMES.validate_python(list(stored))


def check_away_days(field: str, days: Sequence[Weekday]) -> list[str]:
    """Away days as a profile keeps them: each weekday once, in week order. None is allowed
    (the person stays home every day), so the leader can say so."""
    seen: set[Weekday] = set()
    for index, day in enumerate(days):
        if day in seen:
            raise InvalidInput(
                f"{field}[{index}]",
                f"{day.value} is named twice",
                code="weekday_twice",
                params={"day": day.value},
            )
        seen.add(day)
    return [day.value for day in in_week_order(days)]


def check_daily_hours(field: str, hours: float | None) -> float | None:
    """Daily hours: more than 0, at most 13, in half hours; None is the default."""
    return None if hours is None else check(field, DailyHours, hours)
