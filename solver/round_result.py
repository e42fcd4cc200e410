"""What the solver returns: `RoundResult`, its unfilled need-weeks and their reasons, and its
metrics (schema version 2; a version-1 result is read as version 2, its assignments without
days). `solver.contract` is where callers take these names from."""

from __future__ import annotations

import datetime as dt
from enum import StrEnum
from typing import Any, Literal

from pydantic import Field, model_validator

from solver.bounds import IntroductionsAWeek
from solver.round_input import (
    MAX_WEEKS,
    SCHEMA_VERSION,
    Assignment,
    Hours,
    Id,
    Shift,
    WeekHours,
    upgrade_from_version_1,
)
from solver.strict import Strict


class ReasonCode(StrEnum):
    """Why a need-week stays (partly) unfilled; stable codes for programs, words for people."""

    NO_SKILL = "no_skill"
    SHIFT = "shift"
    RISK_PROTECTION = "risk_protection"
    SAME_UNIT = "same_unit"
    AVOIDED = "avoided"
    UNAVAILABLE = "unavailable"
    NO_CAPACITY = "no_capacity"
    MIN_BLOCK = "min_block"
    DAYS = "days"
    """Day rules a–e (`solver.day_rules`): the need's days and shift times against the
    people's days, daily hours, one place a day, rest and the day's block."""
    INTRODUCTIONS = "introductions"
    """Rule 10: the unit introduces as many new people that week as it said it can."""


class ReasonDetail(StrEnum):
    """Which of its code's sentences a reason is: with its values, a page words it in the
    reader's language (the code alone groups reasons; `no_capacity` has three sentences)."""

    NOBODY_HAS_SKILL = "nobody_has_skill"
    NOBODY_ELIGIBLE = "nobody_eligible"
    EXCLUDED = "excluded"
    """`people` with the skill are kept off by the code's rule (shift, risk, unit, away)."""
    REMAINDER_BELOW_BLOCK = "remainder_below_block"
    FULLY_PLANNED = "fully_planned"
    AT_UNIT_LIMIT = "at_unit_limit"
    BELOW_BLOCK = "below_block"
    TIME_LIMIT = "time_limit"
    DAYS_APART = "days_apart"
    """Day rule a: planned people's away days and the need's shift days do not meet enough."""
    DAILY_HOURS = "daily_hours"
    """Day rule b: planned people's daily hours hold fewer hours on the need's days."""
    ONE_PLACE_A_DAY = "one_place_a_day"
    """Day rule c: planned people already work elsewhere on the need's days."""
    REST = "rest"
    """Day rule d: 11 hours' rest between shifts keeps planned people off the need's days."""
    DAY_BLOCK = "day_block"
    """Day rule e: what is left of a day is less than the need's smallest block."""
    INTRODUCTION_COST = "introduction_cost"
    """`people` who could help are new to the unit, and the hours they could still cover
    there are no more than the `hours` introducing them would cost it: the round trades
    coverage for fewer introductions (`Rules.coverage_trade`)."""
    INTRODUCTIONS_FULL = "introductions_full"
    """Rule 10: `people` who could help are new to the unit, which can introduce `capacity`
    new people a week and has `coming` new people coming that week already."""


class NeedTaken(Strict):
    """A need that took people who could have helped, with its priority."""

    need: Id
    priority: int = Field(ge=1, le=5)


class ReasonValues(Strict):
    """The facts a reason's sentence is made of; only those its detail uses are set."""

    detail: ReasonDetail
    people: int = Field(0, ge=0, description="How many people the sentence is about.")
    skill: str = Field("", max_length=100, description="The need's skill code.")
    shift: Shift | None = None
    week_start: dt.date | None = Field(None, description="Monday of the week it is about.")
    hours: Hours | None = Field(None, description="Hours still open that week.")
    min_block: Hours | None = Field(None, description="Fewest hours one person must take.")
    max_units: int | None = Field(None, ge=1, le=10)
    taken_by: list[NeedTaken] = Field(
        default_factory=list, description="The highest-priority needs that took them."
    )
    more_taken: int = Field(0, ge=0, description="How many more needs took them.")
    all_higher_priority: bool = False
    capacity: IntroductionsAWeek | None = Field(
        None, description="New people the unit can introduce a week (rule 10)."
    )
    coming: int | None = Field(
        None, ge=0, description="New people already coming to the unit that week (rule 10)."
    )


class Reason(Strict):
    code: ReasonCode
    message: str = Field(description="The reason in English, for programs and logs.")
    values: ReasonValues | None = Field(
        None,
        description="What the reason says, to word it in any language (absent in results "
        "made before it existed).",
    )


class Unfilled(Strict):
    need: Id
    week: int = Field(ge=0, lt=MAX_WEEKS)
    hours: WeekHours
    reasons: list[Reason] = Field(default_factory=list)


StopReason = Literal["bound_reached", "proven_optimal", "stalled", "time_limit"]
"""Why a solve stopped (see `solver.stopping`)."""


class Metrics(Strict):
    weighted_coverage: float = Field(0, ge=0)
    upper_bound: float = Field(0, ge=0)
    covered_hours: float = Field(0, ge=0)
    wanted_hours: float = Field(0, ge=0)
    introductions: int = Field(0, ge=0)
    introduction_hours: float = Field(
        0, ge=0, description="Hours the receiving units spend introducing (`Unit.intro_hours`)."
    )
    coverage_traded: float = Field(
        0,
        ge=0,
        description="The share of weighted coverage given up for fewer introductions "
        "(at most `Rules.coverage_trade`).",
    )
    new_experiences: int = Field(
        0, ge=0, description="(person, unit) pairs of units the person never worked at before."
    )
    learners_placed: int = Field(
        0, ge=0, description="(person, need) pairs where the person works as a learner."
    )
    changed_vs_previous: int = Field(0, ge=0)
    max_utilisation: float = Field(0, ge=0)
    solve_seconds: float = Field(0, ge=0)
    stop_reason: StopReason | None = Field(
        None,
        description="Why the search stopped: term 1 reached its bound (and the lower terms "
        "were proven), the plan was proven optimal, nothing better was found for the "
        "no-improvement window, or the time limit ran out. Absent when nothing was searched "
        "(e.g. the input cannot be planned) and in results from before it existed.",
    )

    @property
    def share_of_wanted(self) -> float:
        """Covered hours as a share of the wanted hours; 1.0 when none were wanted."""
        return self.covered_hours / self.wanted_hours if self.wanted_hours else 1.0

    @property
    def share_of_bound(self) -> float:
        """Weighted coverage as a share of the best possible; 1.0 when nothing could be covered."""
        return self.weighted_coverage / self.upper_bound if self.upper_bound else 1.0


class RoundResult(Strict):
    """The solver's plan for a round, what it could not fill and why, and how good it is."""

    schema_version: Literal[2] = SCHEMA_VERSION
    status: Literal["optimal", "feasible", "infeasible"]
    assignments: list[Assignment] = Field(default_factory=list)
    unfilled: list[Unfilled] = Field(default_factory=list)
    metrics: Metrics = Field(default_factory=Metrics)
    messages: list[str] = Field(
        default_factory=list,
        description="Why the input cannot be planned, when status is infeasible "
        "(e.g. a pin that breaks a hard rule).",
    )

    @model_validator(mode="before")
    @classmethod
    def _upgrade(cls, data: Any) -> Any:
        return upgrade_from_version_1(data, {"assignments": ("days",)})
