"""The real-world bound of every number and date the round contract holds, defined once.

Each bound is a named annotated type. The contract (`solver.contract`) uses them, and Jobbank's
API shapes, page forms and import columns check values against the same types
(`jobbank.core.bounds`). A value beyond its bound is a mistake or an attack, never a plan:
1e30 hours a week would stop every round.
"""

from __future__ import annotations

import datetime as dt
import math
from typing import Annotated, Any, TypeAlias

from annotated_types import Interval
from pydantic import AfterValidator, Field
from pydantic_core import ErrorDetails, PydanticCustomError

HOURS_IN_WEEK = 168.0
"""No one needs or works more hours in a week than it has."""
MAX_NORMAL_HOURS = 48.0
"""Contracted hours a week: at most 48 on average (the EU Working Time Directive)."""
MAX_DAILY_HOURS = 13.0
"""Hours one person works in a day: at most 13, which leaves the 11 hours' rest a day the
Working Time Directive asks for."""
MAX_ID = 2**31 - 1
"""The largest row id or version: PostgreSQL's `integer`."""
MAX_ROUND_WEEKS = 26
"""A round plans at most half a year."""
MAX_PRIORITY = 5
MIN_DUE_DAY, MAX_DUE_DAY = -60, 120
"""A checklist item is due at most two months before and four months after its anchor."""
MAX_INTRODUCTIONS_A_WEEK = 50
"""People new to a unit it can introduce in one week (rule 10): no unit welcomes more."""
MAX_INTRO_HOURS = 40.0
"""Hours a unit spends introducing one new person: at most a full-time week."""
MAX_COVERAGE_TRADE = 0.05
"""The most of a round's weighted coverage HR may trade for fewer introductions: 5 %."""
MAX_YEAR_HOURS = 53 * MAX_NORMAL_HOURS
"""Hours one person works in twelve months: at most 48 a week."""
MAX_POSITION = 999
"""A checklist template holds fewer items than this."""
FIRST_DAY, LAST_DAY = dt.date(2000, 1, 1), dt.date(2099, 12, 31)
"""Dates Jobbank plans with: this century (years 1 or 9999 are typing mistakes)."""

OUT_OF_BOUNDS = "out_of_bounds"
"""The pydantic error type of a date outside `FIRST_DAY`–`LAST_DAY`."""
BOUND_ERRORS = frozenset(
    {
        "greater_than",
        "greater_than_equal",
        "less_than",
        "less_than_equal",
        "multiple_of",
        "finite_number",
        OUT_OF_BOUNDS,
    }
)
"""Pydantic error types that mean "readable, but beyond its real-world bound" (422)."""


def _hours(*, gt: float | None = None, ge: float | None = None, le: float) -> Any:
    return Field(gt=gt, ge=ge, le=le, multiple_of=0.5, allow_inf_nan=False)


def _in_this_century(day: dt.date) -> dt.date:
    if not FIRST_DAY <= day <= LAST_DAY:
        raise PydanticCustomError(
            OUT_OF_BOUNDS,
            "must lie in the years {first}–{last}, got {day}",
            {"first": FIRST_DAY.year, "last": LAST_DAY.year, "day": day.isoformat()},
        )
    return day


WeekHours: TypeAlias = Annotated[float, _hours(ge=0, le=HOURS_IN_WEEK)]
"""Hours in one week, where a week without any is meaningful (a need's week override)."""
NeedHours: TypeAlias = Annotated[float, _hours(gt=0, le=HOURS_IN_WEEK)]
"""Hours a need wants each week: more than 0, at most the week's 168."""
NormalHours: TypeAlias = Annotated[float, _hours(gt=0, le=MAX_NORMAL_HOURS)]
"""A person's contracted hours a week: more than 0, at most 48."""
HomeLoad: TypeAlias = Annotated[float, _hours(ge=0, le=MAX_NORMAL_HOURS)]
"""Hours a week the home unit keeps of a person (also at most their normal hours)."""
BlockHours: TypeAlias = Annotated[float, _hours(gt=0, le=MAX_NORMAL_HOURS)]
"""Hours one person takes of a need in a week (a pin, a need's smallest block)."""
Priority: TypeAlias = Annotated[int, Interval(ge=1, le=MAX_PRIORITY)]
"""1 (low) … 5 (critical)."""
RowId: TypeAlias = Annotated[int, Interval(ge=1, le=MAX_ID)]
"""The id of a stored row."""
Version: TypeAlias = Annotated[int, Interval(ge=1, le=MAX_ID)]
"""A row's version, as read (optimistic locking)."""
RoundWeeks: TypeAlias = Annotated[int, Interval(ge=1, le=MAX_ROUND_WEEKS)]
"""How many weeks a round plans."""
WeekIndex: TypeAlias = Annotated[int, Interval(ge=0, lt=MAX_ROUND_WEEKS)]
"""A week of a round, counted from 0."""
DueDay: TypeAlias = Annotated[int, Interval(ge=MIN_DUE_DAY, le=MAX_DUE_DAY)]
"""Days after a checklist item's anchor it is due (negative: before)."""
Position: TypeAlias = Annotated[int, Interval(ge=0, le=MAX_POSITION)]
"""Where in a checklist template an item stands, from 0."""
IntroductionsAWeek: TypeAlias = Annotated[int, Interval(ge=0, le=MAX_INTRODUCTIONS_A_WEEK)]
"""People new to a unit it can introduce in one week (rule 10); 0: nobody new."""
IntroHours: TypeAlias = Annotated[float, _hours(ge=0, le=MAX_INTRO_HOURS)]
"""Hours a unit spends introducing one new person (0: introductions cost nothing)."""
CoverageTrade: TypeAlias = Annotated[float, Field(ge=0, le=MAX_COVERAGE_TRADE, allow_inf_nan=False)]
"""Share of weighted coverage a round may give up for fewer introductions (0 … 0.05)."""
YearHours: TypeAlias = Annotated[float, _hours(ge=0, le=MAX_YEAR_HOURS)]
"""Hours over twelve months (a person's lent hours or lendable capacity)."""
LearnerShare: TypeAlias = Annotated[float, Field(ge=0, le=1, allow_inf_nan=False)]
"""How much of a learner's hour counts as covered (0 … 1)."""
Day: TypeAlias = Annotated[dt.date, AfterValidator(_in_this_century)]
"""A date Jobbank plans with: in the years 2000–2099."""


def hours_a_day(normal_hours: float, daily_hours: float | None) -> float:
    """The most hours a person works in a day: their daily hours if given, else a fifth of
    their normal hours rounded up to a half hour (37 hours a week: 7.5 a day), at most 13.
    The round contract (`Staff.hours_a_day`) and the profile pages count it the same way."""
    if daily_hours is not None:
        return daily_hours
    return min(MAX_DAILY_HOURS, math.ceil(normal_hours / 5 * 2) / 2)


def describe(error: ErrorDetails) -> str:
    """A bound's refusal (or a text policy's) in plain words with the value
    given: `must be at most 168, got 1e+30`."""
    ctx, got = error.get("ctx") or {}, error.get("input")
    if error["type"] == "string_too_long":
        length = f", got {len(got)}" if isinstance(got, str) else ""
        return f"must be at most {ctx.get('max_length')} characters{length}"
    if error["type"] == "string_unicode":
        return "is not valid Unicode text"
    words = {
        "greater_than": "must be more than {gt}",
        "greater_than_equal": "must be at least {ge}",
        "less_than": "must be less than {lt}",
        "less_than_equal": "must be at most {le}",
        "multiple_of": "must be a multiple of {multiple_of}",
        "finite_number": "must be a finite number",
    }.get(error["type"])
    message = words.format(**{k: _shown(v) for k, v in ctx.items()}) if words else error["msg"]
    if isinstance(got, int | float) and not isinstance(got, bool) and words:
        message += f", got {_shown(got)}"
    return message


def _shown(value: Any) -> str:
    if isinstance(value, float):
        return f"{value:g}"
    if isinstance(value, dt.date):
        return value.isoformat()
    return str(value)
