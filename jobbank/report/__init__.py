"""The impact report: did the job bank free or move resources?

For one round it tells how many hours the units asked for and how many the plan covers (by
area, by priority, by week), who was used and who was never used, how many hours each home
unit lent and each unit received, how many introductions the receiving units had to give,
and how far the onboarding checklists have come. Over time it gives the same key figures for
each published round, in date order. Read only: nothing here changes a row.

Where the figures come from:

- wanted hours: the round's input snapshot (each need's hours per week), so the report
  describes what was asked when the round was made, not what the needs say today;
- covered hours: the round's assignments (the proposal, or what was published), summed by
  need and week in SQL; a need-week counts at most the hours it wanted;
- areas, units and home units: as the snapshot names them;
- people in the round: the approved, opted-in volunteers of the snapshot. The report reads
  only their id, name, home unit and weekly capacity — never their risk-group flag;
- introductions: the number of (person, receiving unit) pairs of the round where the person
  has no assignment at that unit in any published round published before this one (for a
  round not yet published: in any published round). Each is a first-time placement: somebody
  at the unit has to introduce the person. (The solver's own `introductions` metric counts
  distinct person–need pairs instead, and only within the round.)
- checklists: the items of the checklists the round created, per audience: `done` items are
  ticked, `due` items have reached their due date (due on or before `today`), `overdue` items
  are due before `today` and still open (a closed checklist's items never are).
- changes after publishing: the events reported on the round (`plan_event`), the hours the
  changes applied moved (Σ |hours after − hours before| of `assignment_change`) and the
  people those changes disturbed (distinct people with a change).
- worked hours: per receiving unit and week begun, the hours the plan gives the round's
  deployments, the hours the receiving leaders confirmed as worked and the hours lent people
  entered that wait for sign-off (`worked`).
- new experience (`experience`): the (person, unit) pairs of the round's assignments where the
  person has no assignment at that unit in a published round that started earlier (the same
  day: made earlier); of them, those whose unit's area is new to the person too. Unlike the
  introductions above, "earlier" goes by start, so over time each pair is new once. Over
  time: per round, so far (added up over the rounds listed) and per quarter of the start.
- learners placed: the (person, need) pairs the round's stored result places as a learner
  (`Assignment.learner` of the solver's result; the assignment rows do not keep the flag).

`services` holds the report's services and sums its coverage, `people` its people and units,
`changes` the changes after publishing, `experience` the new experience and learners;
`snapshot` reads the round's snapshot, `shape` is what the report answers; `evaluations` sums
the deployments' evaluations per round and per receiving unit.
"""

from __future__ import annotations

from jobbank.report.evaluations import EvaluationReport, evaluation_report
from jobbank.report.services import (
    CoverageKey,
    over_time,
    report_of,
    report_over_time,
    round_report,
)
from jobbank.report.shape import (
    AreaCoverage,
    AreaWeekCoverage,
    ChecklistCompletion,
    Coverage,
    Experience,
    Flow,
    IdlePerson,
    PeopleUse,
    PlanChanges,
    PriorityCoverage,
    QuarterExperience,
    ReportOverTime,
    RoundFigures,
    RoundReport,
    UnitFlow,
    WeekCoverage,
    WorkedHours,
    WorkedUnitWeek,
)

__all__ = [
    "AreaCoverage",
    "AreaWeekCoverage",
    "ChecklistCompletion",
    "Coverage",
    "CoverageKey",
    "EvaluationReport",
    "Experience",
    "Flow",
    "IdlePerson",
    "PeopleUse",
    "PlanChanges",
    "PriorityCoverage",
    "QuarterExperience",
    "ReportOverTime",
    "RoundFigures",
    "RoundReport",
    "UnitFlow",
    "WeekCoverage",
    "WorkedHours",
    "WorkedUnitWeek",
    "evaluation_report",
    "over_time",
    "report_of",
    "report_over_time",
    "round_report",
]
