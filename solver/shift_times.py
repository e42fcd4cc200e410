"""Days and shift times in the round contract (schema version 2): the weekdays a need wants
people on and its shift's times, and the days a plan puts a person's hours on.

A shift's times are local clock times on a half hour. A shift whose end is not after its start
ends the next day (a night shift, 22:00–06:00). A person works a part of a day's shift from its
start: 6 hours of a 07:00–15:00 shift are 07:00–13:00.
"""

from __future__ import annotations

import datetime as dt
from enum import StrEnum
from typing import Annotated, Self

from pydantic import AfterValidator, Field, model_validator

from solver.bounds import MAX_DAILY_HOURS, Day
from solver.strict import Strict

MINUTES_IN_DAY = 24 * 60


class Weekday(StrEnum):
    MON = "mon"
    TUE = "tue"
    WED = "wed"
    THU = "thu"
    FRI = "fri"
    SAT = "sat"
    SUN = "sun"

    @property
    def number(self) -> int:
        """0 for Monday … 6 for Sunday (as `date.weekday()`)."""
        return WEEKDAYS.index(self)


WEEKDAYS: tuple[Weekday, ...] = tuple(Weekday)


def _on_half_hour(value: dt.time) -> dt.time:
    if value.second or value.microsecond or value.minute % 30 or value.tzinfo is not None:
        raise ValueError(f"must be a local time on the hour or half hour, got {value.isoformat()}")
    return value


ClockTime = Annotated[dt.time, AfterValidator(_on_half_hour)]
"""A local time of day on the hour or half hour ("07:00", "21:30")."""


def minutes_of(value: dt.time) -> int:
    return value.hour * 60 + value.minute


def span_minutes(start: dt.time, end: dt.time) -> int:
    """Minutes from `start` to `end`; an end not after the start is on the next day."""
    length = minutes_of(end) - minutes_of(start)
    return length if length > 0 else length + MINUTES_IN_DAY


class ShiftTime(Strict):
    """The weekdays a need wants people on, with the shift's times those days."""

    days: list[Weekday] = Field(min_length=1, max_length=7)
    start: ClockTime
    end: ClockTime = Field(
        description="When the shift ends; not after `start` means the next day (a night shift)."
    )

    @model_validator(mode="after")
    def _check(self) -> Self:
        if len(set(self.days)) != len(self.days):
            raise ValueError("days: a weekday is named twice")
        if span_minutes(self.start, self.end) > MAX_DAILY_HOURS * 60:
            raise ValueError(
                f"a shift is at most {MAX_DAILY_HOURS:g} hours (11 hours' rest a day), got "
                f"{self.start.isoformat('minutes')}–{self.end.isoformat('minutes')}"
            )
        return self

    @property
    def hours(self) -> float:
        return span_minutes(self.start, self.end) / 60


class WorkDay(Strict):
    """One day of an assignment-week: where the plan puts some of its hours, and when."""

    date: Day
    start: ClockTime
    end: ClockTime = Field(description="Not after `start` means the next day.")
    hours: Annotated[float, Field(gt=0, le=MAX_DAILY_HOURS, multiple_of=0.5)]

    @model_validator(mode="after")
    def _check(self) -> Self:
        if span_minutes(self.start, self.end) != round(self.hours * 60):
            raise ValueError(
                f"{self.date.isoformat()}: {self.start.isoformat('minutes')}–"
                f"{self.end.isoformat('minutes')} is not {self.hours:g} hours"
            )
        return self
