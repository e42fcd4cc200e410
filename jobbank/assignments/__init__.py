"""What people see of published rounds: who works where, which weeks, and whom to call.

Everyone sees their own part at once: staff their assignments, leaders the people coming to
their units and those lent out from them, HR the whole round. Proposals are not shown here.

Staff read this on every visit, so it is read as plain rows into small frozen records, one
statement for a whole page (plus one for unit leaders as contacts, when a need names none):
loading rounds, people and needs as entities with their relationships was most of each
request's CPU (`jobbank load`).

`records` holds the records, `reading` reads them for a page, `lent` counts the staff lent
out and reads what each worked before a round, `ended` finds the weeks a change to a
published plan ended, `days` reads the days and times of assignment-weeks that have them,
`week_grid` lays a leader's week out by day.
"""

from __future__ import annotations

from jobbank.assignments.days import (
    PersonWeekKey,
    WeekKey,
    work_days_in,
    work_days_of,
    work_days_of_people,
)
from jobbank.assignments.ended import EndedDeployment, ended_at_led_units, ended_deployments
from jobbank.assignments.lent import (
    PastWork,
    count_lent,
    last_monday,
    latest_plan_of_weeks,
    past_work,
)
from jobbank.assignments.reading import LEADERS_OF_UNITS, list_deployments
from jobbank.assignments.records import (
    ContactInfo,
    Deployment,
    Direction,
    NeedInfo,
    PersonInfo,
    RoundInfo,
    SkillInfo,
    UnitInfo,
    deployments_of,
)
from jobbank.assignments.week_grid import GridDay, GridLine, WeekGrid, week_grid

__all__ = [
    "LEADERS_OF_UNITS",
    "ContactInfo",
    "Deployment",
    "Direction",
    "EndedDeployment",
    "GridDay",
    "GridLine",
    "NeedInfo",
    "PastWork",
    "PersonInfo",
    "PersonWeekKey",
    "RoundInfo",
    "SkillInfo",
    "UnitInfo",
    "WeekGrid",
    "WeekKey",
    "count_lent",
    "deployments_of",
    "ended_at_led_units",
    "ended_deployments",
    "last_monday",
    "latest_plan_of_weeks",
    "list_deployments",
    "past_work",
    "week_grid",
    "work_days_in",
    "work_days_of",
    "work_days_of_people",
]
