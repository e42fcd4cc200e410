"""The repair of a published plan: `RepairInput` in, `RepairResult` out (schema version 1).

A repair starts from the plan as published and re-plans only what the events touch: the
need-weeks they name (a need grown, shrunk or posted late) and the staff-weeks they name (an
absence, a home recall, a withdrawal), with every need-week those people were planned on.
Everything else stays as published, unless HR allows moves: then a person planned elsewhere
may be moved to a touched need-week of strictly higher priority, at most `max_moves` people.

The result is a change set: the whole plan after the repair, and each assignment-week it
adds, changes or ends, with coverage before and after against the flow bound of the touched
weeks, and the reasons for what stays open in the same words as a round's.
"""

from __future__ import annotations

from enum import StrEnum
from typing import Literal, Self

from pydantic import Field, model_validator

from solver.round_input import (
    MAX_WEEKS,
    Assignment,
    Hours,
    Id,
    PersonHours,
    RoundInput,
    check_assignments,
)
from solver.round_result import StopReason, Unfilled
from solver.strict import Strict

REPAIR_SCHEMA_VERSION: Literal[1] = 1
"""The repair's own version; its `round` and assignments are the round snapshot's."""
MAX_MOVES = 100
"""More people moved than this is a new round, not a repair."""
MAX_TOUCHED = 100_000
"""Touched need-weeks or staff-weeks in one repair: every week of a large round's needs."""


class NeedWeek(Strict):
    need: Id
    week: int = Field(ge=0, lt=MAX_WEEKS)


class StaffWeek(Strict):
    staff: Id
    week: int = Field(ge=0, lt=MAX_WEEKS)


class RepairInput(Strict):
    """A published plan, the round's facts as they are now, and what the events touch."""

    schema_version: Literal[1] = REPAIR_SCHEMA_VERSION
    round: RoundInput = Field(
        description="The round's facts now, every event folded in; its `pinned` hold."
    )
    published: list[Assignment] = Field(description="The plan as it stands.")
    touched_needs: list[NeedWeek] = Field(default_factory=list, max_length=MAX_TOUCHED)
    touched_staff: list[StaffWeek] = Field(default_factory=list, max_length=MAX_TOUCHED)
    max_moves: int = Field(
        0,
        ge=0,
        le=MAX_MOVES,
        description="People planned outside the touched need-weeks who may be moved into "
        "them for coverage of strictly higher priority; 0: nobody outside is disturbed.",
    )
    excluded: list[Id] = Field(
        default_factory=list,
        description="Staff who are given no new hours (what they have stays unless touched).",
    )

    @model_validator(mode="after")
    def _check_references(self) -> Self:
        problems = check_assignments("published", self.published, self.round)
        staff = {s.id for s in self.round.staff}
        needs = {n.id for n in self.round.needs}
        for i, nw in enumerate(self.touched_needs):
            if nw.need not in needs:
                problems.append(f"touched_needs[{i}]: unknown need {nw.need!r}")
            if nw.week >= self.round.weeks:
                problems.append(f"touched_needs[{i}]: week must be below {self.round.weeks}")
        for i, sw in enumerate(self.touched_staff):
            if sw.staff not in staff:
                problems.append(f"touched_staff[{i}]: unknown staff {sw.staff!r}")
            if sw.week >= self.round.weeks:
                problems.append(f"touched_staff[{i}]: week must be below {self.round.weeks}")
        problems += [
            f"excluded[{i}]: unknown staff {s!r}"
            for i, s in enumerate(self.excluded)
            if s not in staff
        ]
        if problems:
            raise ValueError("\n".join(problems))
        return self


class ChangeKind(StrEnum):
    ADDED = "added"
    CHANGED = "changed"
    ENDED = "ended"


def change_kind(hours_before: float, hours_after: float) -> ChangeKind:
    """An assignment-week with no hours before was added; with none after, ended."""
    if hours_before == 0:
        return ChangeKind.ADDED
    return ChangeKind.ENDED if hours_after == 0 else ChangeKind.CHANGED


class Change(Strict):
    """One assignment-week the repair adds (0 hours before), changes, or ends (0 after)."""

    staff: Id
    need: Id
    week: int = Field(ge=0, lt=MAX_WEEKS)
    hours_before: PersonHours
    hours_after: PersonHours
    learner: bool = Field(
        False, description="The person works the need as a learner, beside a holder (rule 11)."
    )

    @property
    def kind(self) -> ChangeKind:
        return change_kind(self.hours_before, self.hours_after)


class RepairCoverage(Strict):
    """Term 1 over the touched weeks (weighted hours, 2^(priority−1) per hour)."""

    weeks: list[int] = Field(default_factory=list, description="The weeks the events touch.")
    before: float = Field(
        0,
        ge=0,
        description="What the published plan still covers under today's facts: the gaps left open.",
    )
    after: float = Field(0, ge=0, description="What the repaired plan covers.")
    bound: float = Field(0, ge=0, description="The flow bound of those weeks.")
    hours_before: Hours = 0
    hours_after: Hours = 0


class RepairMetrics(Strict):
    changes: int = Field(0, ge=0)
    people_disturbed: int = Field(
        0, ge=0, description="People whose planned hours change (the absent among them)."
    )
    people_moved: int = Field(
        0, ge=0, description="People planned outside the touched need-weeks who were moved."
    )
    hours_moved: Hours = Field(0, description="Hours added plus hours taken away.")
    model_rows: int = Field(0, ge=0, description="Assignment-weeks the repair could change.")
    solve_seconds: float = Field(0, ge=0)
    stop_reason: StopReason | None = None


class RepairResult(Strict):
    """The repaired plan and how it differs from the published one."""

    schema_version: Literal[1] = REPAIR_SCHEMA_VERSION
    status: Literal["optimal", "feasible", "infeasible"]
    assignments: list[Assignment] = Field(
        default_factory=list, description="The whole plan after the repair."
    )
    changes: list[Change] = Field(default_factory=list)
    touched: list[NeedWeek] = Field(
        default_factory=list, description="The need-weeks the repair re-planned."
    )
    newly_lent: list[Id] = Field(
        default_factory=list, description="People with no assignment before who have one now."
    )
    losing: list[Id] = Field(
        default_factory=list,
        description="People who lose a deployment: a (need) they were planned on, ended in "
        "every week it had.",
    )
    unfilled: list[Unfilled] = Field(
        default_factory=list, description="What stays open in the touched need-weeks, and why."
    )
    coverage: RepairCoverage = Field(default_factory=RepairCoverage)
    metrics: RepairMetrics = Field(default_factory=RepairMetrics)
    messages: list[str] = Field(
        default_factory=list, description="Why the repair cannot be made, when infeasible."
    )


class LeftOpen(Strict):
    need: Id
    hours: PersonHours


class Candidate(Strict):
    """One person who could take a need-week at once, and why they are ranked where they are."""

    staff: Id
    name: str = ""
    hours: PersonHours = Field(description="Hours they could take of the need that week.")
    free_hours: PersonHours = Field(description="Capacity beside what they are planned on.")
    home_load: PersonHours = Field(description="Work they still owe their home unit that week.")
    normal_hours: PersonHours
    introduced: bool = Field(
        description="Already planned at the need's unit in this plan or the previous round."
    )
    preferred_area: bool = Field(description="The unit is in an area they prefer.")
    leaves_open: list[LeftOpen] = Field(
        default_factory=list,
        description="What they would leave open elsewhere that week to take these hours.",
    )
