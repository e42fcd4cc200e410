"""What a round knows of each person's past: the units they worked at in earlier published
rounds (no longer new there, rule 10), and the hours they were lent and could have been lent
in the twelve months before the round (a rotation round's fairness over the year).

Both read each week by the published plan that holds for it (`jobbank.assignments.past_work`),
so a week planned again by a later round counts once, as that round planned it, and only
weeks before the round's start count: an earlier round's weeks that reach into this one are
not worked yet.

Lendable hours are kept simple: the person's profile as it stands now (normal hours, the home
load and availability of each week, their days) counted week by week as the round counts a
week's capacity (`solver.contract.Staff.capacity`), from the week the profile was made; what
the profile said in a past week is not kept, so a changed profile counts as if it always was.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field

from sqlalchemy.orm import Session

from jobbank.assignments import past_work
from jobbank.core.weeks import monday_of, week_starts
from jobbank.db.models import VolunteerProfile
from jobbank.volunteers.plannable import available_in, home_load_in
from solver.contract import Staff as StaffInput

YEAR_WEEKS = 52
"""The twelve months before a round: its 52 weeks."""


@dataclass(frozen=True)
class History:
    """Each person's past before one round, by employee number."""

    year: list[dt.date]
    """The Mondays of the 52 weeks before the round."""
    units: dict[str, set[str]] = field(default_factory=dict)
    """The codes of the units each person worked at before the round."""
    lent: dict[str, float] = field(default_factory=dict)
    """The hours each person was lent in the year before the round."""

    def past_units(self, employee_no: str) -> list[str]:
        return sorted(self.units.get(employee_no, set()))

    def lent_last_year(self, employee_no: str) -> float:
        return self.lent.get(employee_no, 0.0)

    def capacity_last_year(self, profile: VolunteerProfile) -> float:
        """Hours the person could have been lent in the year before the round."""
        return lendable_hours(profile, self.year)


def history_before(session: Session, start: dt.date) -> History:
    """Everyone's past before a round that starts on `start`."""
    year = week_starts(start - dt.timedelta(weeks=YEAR_WEEKS), YEAR_WEEKS)
    units: dict[str, set[str]] = defaultdict(set)
    lent: dict[str, float] = defaultdict(float)
    for work in past_work(session, before=start):
        units[work.employee_no].add(work.unit)
        if work.week >= year[0]:
            lent[work.employee_no] += work.hours
    return History(year, dict(units), dict(lent))


def lendable_hours(profile: VolunteerProfile, weeks: Sequence[dt.date]) -> float:
    """The hours `profile` could be lent in `weeks` from the week it was made, each week's
    capacity as a round counts it."""
    made = monday_of(profile.created_at.date())
    counted = [week for week in weeks if week >= made]
    if not counted:
        return 0.0
    person = profile.person
    staff = StaffInput(
        id=person.employee_no,
        home_unit=person.home_unit.code,
        skills=[],
        normal_hours=profile.normal_hours,
        home_load=[home_load_in(profile, week) for week in counted],
        available=[available_in(profile, week) for week in counted],
        away_days=list(profile.away_days),
        daily_hours=profile.daily_hours,
    )
    return sum(staff.capacity(index) for index in range(len(counted)))
