"""The report's shape: coverage, the people used, the flows between units, checklists' progress;
and the key figures of each round over time.
"""

from __future__ import annotations

import datetime as dt

from pydantic import BaseModel, Field, computed_field

from jobbank.db.models import Audience, RoundStatus


class Coverage(BaseModel):
    """Hours wanted and covered; `share` is covered / wanted (1 when nothing was wanted)."""

    wanted_hours: float = 0.0
    covered_hours: float = 0.0

    @computed_field  # type: ignore[prop-decorator]
    @property
    def share(self) -> float:
        return self.covered_hours / self.wanted_hours if self.wanted_hours else 1.0


class AreaCoverage(Coverage):
    area: str


class PriorityCoverage(Coverage):
    priority: int = Field(description="1 (low) … 5 (critical).")


class WeekCoverage(Coverage):
    week: dt.date = Field(description="The Monday of the week.")


class AreaWeekCoverage(Coverage):
    area: str
    week: dt.date


class IdlePerson(BaseModel):
    """An approved volunteer of the round who was given no hours."""

    employee_no: str
    name: str
    home_unit: str
    home_unit_name: str
    capacity_hours: float = Field(
        description="Hours they could have been lent over the round: normal hours less home "
        "load, in the weeks they were available."
    )


class PeopleUse(BaseModel):
    in_round: int = Field(description="Approved volunteers in the round's input.")
    used: int = Field(description="Of them, those with at least one assignment.")
    never_used: int
    lent_hours: float = Field(description="All hours of the round's assignments.")
    most_hours_one_person: float = Field(description="The highest total any one person got.")
    never_used_people: list[IdlePerson]


class UnitFlow(BaseModel):
    """What one unit gave and got: hours its staff were lent out, hours lent staff worked there."""

    unit: str
    unit_name: str
    area: str
    lent_hours: float
    people_lent: int
    received_hours: float
    people_received: int
    introductions: int = Field(description="People new to this unit (see the report's note).")

    @computed_field  # type: ignore[prop-decorator]
    @property
    def net_hours(self) -> float:
        """Received less lent: above 0 the unit gained hours, below 0 it gave them."""
        return self.received_hours - self.lent_hours


class Flow(BaseModel):
    """Hours that staff of one home unit worked at another unit."""

    from_unit: str
    from_unit_name: str
    to_unit: str
    to_unit_name: str
    hours: float
    people: int


class ChecklistCompletion(BaseModel):
    audience: Audience
    items: int
    done: int
    due: int = Field(description="Items whose due date has come (due on or before the day).")
    overdue: int = Field(description="Items due before the day and still open.")

    @computed_field  # type: ignore[prop-decorator]
    @property
    def done_share(self) -> float:
        return self.done / self.items if self.items else 1.0


class PlanChanges(BaseModel):
    """What changed in a round's plan after it was published."""

    events: int = Field(
        0, description="Events reported on the published plan (absences, recalls, need changes)."
    )
    hours_moved: float = Field(
        0.0, description="Hours added, taken or ended by the changes applied: Σ |after − before|."
    )
    people_disturbed: int = Field(0, description="People whose assignments a change touched.")


class PlannedWorked(BaseModel):
    """Hours the plan gave, hours the receiving leaders confirmed as worked, and hours the
    lent people entered that wait for sign-off; `share` is worked / planned (None when
    nothing was planned)."""

    planned_hours: float = 0.0
    worked_hours: float = 0.0
    waiting_hours: float = 0.0

    @computed_field  # type: ignore[prop-decorator]
    @property
    def share(self) -> float | None:
        return self.worked_hours / self.planned_hours if self.planned_hours else None


class WorkedUnitWeek(PlannedWorked):
    unit: str
    unit_name: str
    week: dt.date = Field(description="The Monday of the week.")


class WorkedHours(PlannedWorked):
    """Planned and worked hours of the weeks that have begun (Monday on or before `today`),
    per receiving unit and week, and in all."""

    by_unit_week: list[WorkedUnitWeek] = Field(default_factory=list)


class Experience(BaseModel):
    """New experience a round gave its people, and the learners it placed."""

    new_units: int = Field(
        0,
        ge=0,
        description="(person, unit) pairs of the plan where the person had not worked at the "
        "unit in a published round that started earlier.",
    )
    new_areas: int = Field(
        0, ge=0, description="Of them, pairs whose unit is in an area new to the person too."
    )
    learners_placed: int = Field(
        0,
        ge=0,
        description="(person, need) pairs the round's result places as a learner (read from "
        "the stored result, so changes after publishing do not reach it).",
    )


class RoundReport(BaseModel):
    """The impact report of one round."""

    round_id: int
    name: str
    status: RoundStatus
    start: dt.date
    end: dt.date = Field(description="The Monday of the last week.")
    weeks: int
    published_at: dt.datetime | None
    today: dt.date = Field(description="The day checklist items are judged due or overdue on.")
    total: Coverage
    by_area: list[AreaCoverage]
    by_priority: list[PriorityCoverage]
    by_week: list[WeekCoverage]
    by_area_week: list[AreaWeekCoverage]
    people: PeopleUse
    introductions: int = Field(description="First-time (person, receiving unit) placements.")
    units: list[UnitFlow]
    flows: list[Flow]
    checklists: list[ChecklistCompletion]
    changes: PlanChanges = Field(default_factory=PlanChanges)
    worked: WorkedHours = Field(default_factory=WorkedHours)
    experience: Experience = Field(default_factory=Experience)

    def figures(self) -> RoundFigures:
        """The key figures, as one row of the report over time."""
        return RoundFigures(
            round_id=self.round_id,
            name=self.name,
            start=self.start,
            weeks=self.weeks,
            published_at=self.published_at,
            wanted_hours=self.total.wanted_hours,
            covered_hours=self.total.covered_hours,
            people_in_round=self.people.in_round,
            people_used=self.people.used,
            people_never_used=self.people.never_used,
            lent_hours=self.people.lent_hours,
            introductions=self.introductions,
            checklist_items=sum(c.items for c in self.checklists),
            checklist_done=sum(c.done for c in self.checklists),
            checklist_overdue=sum(c.overdue for c in self.checklists),
            plan_events=self.changes.events,
            hours_moved=self.changes.hours_moved,
            people_disturbed=self.changes.people_disturbed,
            planned_hours_begun=self.worked.planned_hours,
            worked_hours=self.worked.worked_hours,
            waiting_hours=self.worked.waiting_hours,
            new_experiences=self.experience.new_units,
            new_areas=self.experience.new_areas,
            learners_placed=self.experience.learners_placed,
        )


class RoundFigures(Coverage):
    """One published round's key figures."""

    round_id: int
    name: str
    start: dt.date
    weeks: int
    published_at: dt.datetime | None
    people_in_round: int
    people_used: int
    people_never_used: int
    lent_hours: float
    introductions: int
    checklist_items: int
    checklist_done: int
    checklist_overdue: int
    plan_events: int = 0
    hours_moved: float = 0.0
    people_disturbed: int = 0
    planned_hours_begun: float = Field(
        0.0, description="Hours the plan gives the weeks that have begun."
    )
    worked_hours: float = Field(
        0.0, description="Of them, hours the receiving leaders confirmed as worked."
    )
    waiting_hours: float = Field(
        0.0, description="Hours lent people entered that wait for the leaders' sign-off."
    )
    new_experiences: int = Field(
        0, ge=0, description="(person, unit) pairs new to the person (see `Experience`)."
    )
    new_areas: int = Field(0, ge=0, description="Of them, pairs in an area new to the person.")
    learners_placed: int = Field(0, ge=0, description="(person, need) pairs placed as a learner.")
    new_experiences_so_far: int = Field(
        0, ge=0, description="New experiences of this round and the rounds listed before it."
    )


class QuarterExperience(BaseModel):
    """New experiences and learners of the rounds that start in one quarter of a year."""

    starts: dt.date = Field(description="The first day of the quarter.")
    rounds: int = Field(0, ge=0)
    new_experiences: int = Field(0, ge=0)
    new_areas: int = Field(0, ge=0)
    learners_placed: int = Field(0, ge=0)

    @computed_field  # type: ignore[prop-decorator]
    @property
    def quarter(self) -> int:
        """1 … 4."""
        return (self.starts.month - 1) // 3 + 1


class ReportOverTime(BaseModel):
    """The key figures of each published round whose weeks meet [`start`, `end`], by date."""

    start: dt.date | None
    end: dt.date | None
    today: dt.date
    rounds: list[RoundFigures]
    experience_by_quarter: list[QuarterExperience] = Field(default_factory=list)
