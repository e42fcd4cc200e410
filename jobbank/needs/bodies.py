"""What leaders send about a need: a new one, a change, the weeks that differ."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field

from jobbank.core.days import ShiftTimeBody
from jobbank.core.texts import Code, Description
from solver.bounds import BlockHours, Day, LearnerShare, NeedHours, Priority, RowId, Version
from solver.bounds import WeekHours as WeekHours_
from solver.contract import DEFAULT_MIN_BLOCK, Shift


class _Body(BaseModel):
    model_config = ConfigDict(extra="forbid")


class WeekHours(_Body):
    week: Day = Field(description="The Monday of the week.")
    hours: WeekHours_ = Field(description="Hours wanted that week, 0–168 in half hours.")


class NeedDraft(_Body):
    """A new need for a unit the poster leads."""

    unit_id: RowId
    skill: Code = Field(description="Skill code, e.g. `nurse`.")
    hours: NeedHours = Field(
        description="Hours wanted each week, more than 0, at most 168, in half hours."
    )
    weeks: list[WeekHours] = Field(
        default_factory=list, description="Weeks wanting other hours than `hours`."
    )
    first_week: Day = Field(description="Monday of the first week.")
    last_week: Day = Field(description="Monday of the last week (inclusive).")
    shift: Shift = Shift.DAY
    priority: Priority = Field(3, description="1 (low) … 5 (critical).")
    exposed: bool = Field(False, description="Exposed to infection: never for risk groups.")
    min_block: BlockHours = Field(
        DEFAULT_MIN_BLOCK, description="Fewest hours one person takes, more than 0, at most 48."
    )
    accepts_learners: bool = Field(
        False,
        description="People who want to learn the skill may work it in a week someone who "
        "holds it works it too.",
    )
    learner_share: LearnerShare = Field(
        0.0,
        description="How much of a learner's hour counts as covered, 0 … 1; 0: a learner's "
        "hours come on top of what the need asks for.",
    )
    description: Description = Field("", description="The concrete tasks the lent person will do.")
    contact_person_id: RowId | None = Field(
        None, description="Who meets the lent person: someone working at or leading the unit."
    )
    shift_times: list[ShiftTimeBody] = Field(
        default_factory=list,
        description="The weekdays the need wants people on, with the shift's times (e.g. "
        "Monday–Friday 07:00–15:00, Saturday 08:00–14:00); each weekday at most once. "
        "Empty: planned by the week alone.",
    )


class NeedPatch(_Body):
    """A change of a need; fields left out stay as they are (`contact_person_id: null` clears)."""

    skill: Code | None = None
    hours: NeedHours | None = None
    weeks: list[WeekHours] | None = Field(None, description="Replaces all week overrides.")
    first_week: Day | None = Field(None, description="Monday of the first week.")
    last_week: Day | None = Field(None, description="Monday of the last week (inclusive).")
    shift: Shift | None = None
    priority: Priority | None = None
    exposed: bool | None = None
    min_block: BlockHours | None = None
    accepts_learners: bool | None = None
    learner_share: LearnerShare | None = None
    description: Description | None = None
    contact_person_id: RowId | None = None
    shift_times: list[ShiftTimeBody] | None = Field(
        None, description="Replaces all shift times; `[]` plans the need by the week alone."
    )
    version: Version
