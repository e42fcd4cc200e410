"""A leader's week, day by day: who comes to the units they lead on which day and shift (the
receiving leader's), or who of their people is away on which day and where (the home
leader's). Weeks planned by the week alone are listed apart, with their hours."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from advanced_alchemy.filters import LimitOffset
from sqlalchemy.orm import Session

from jobbank.assignments.days import work_days_in
from jobbank.assignments.reading import list_deployments
from jobbank.assignments.records import Deployment, Direction
from jobbank.core.access import Actor
from jobbank.core.errors import NotFound
from jobbank.core.weeks import require_monday

MOST_DEPLOYMENTS = LimitOffset(limit=1000, offset=0)
"""The (round, person, need) deployments a week's grid reads: more than any unit's."""


@dataclass(frozen=True)
class GridLine:
    """One person at one need that day (or that week): who, where from and to, and when."""

    deployment: Deployment
    hours: float
    start: dt.time | None = None
    end: dt.time | None = None
    """None: planned by the week alone."""


@dataclass(frozen=True)
class GridDay:
    date: dt.date
    lines: list[GridLine]


@dataclass(frozen=True)
class WeekGrid:
    direction: Direction
    week: dt.date
    days: list[GridDay]
    """Monday to Sunday, each with who is there (incoming) or away (outgoing), by start."""
    by_the_week: list[GridLine]
    """Deployments that week without days: their hours, not their days."""


def week_grid(session: Session, actor: Actor, direction: Direction, week: dt.date) -> WeekGrid:
    """The week of the units the caller leads, seen from `direction`."""
    if not actor.is_leader:
        raise NotFound("week: not found")
    require_monday("week", week)
    deployments, _ = list_deployments(session, actor, MOST_DEPLOYMENTS, direction=direction)
    that_week = [(d, hours) for d in deployments for (w, hours) in d.weeks if w == week]
    days = work_days_in(session, week, {d.person.id for d, _ in that_week})
    by_date: dict[dt.date, list[GridLine]] = {week + dt.timedelta(days=n): [] for n in range(7)}
    by_the_week = []
    for deployment, hours in that_week:
        key = (deployment.round.id, deployment.person.id, deployment.need.id)
        planned = days.get(key, ())
        for day in planned:
            line = GridLine(deployment, day.hours, day.start, day.end)
            by_date[day.date].append(line)
        if not planned:
            by_the_week.append(GridLine(deployment, hours))
    return WeekGrid(
        direction=direction,
        week=week,
        days=[
            GridDay(
                date, sorted(lines, key=lambda x: (x.start or dt.time(), x.deployment.person.name))
            )
            for date, lines in by_date.items()
        ],
        by_the_week=sorted(by_the_week, key=lambda line: line.deployment.person.name),
    )


def _by_start(line: GridLine) -> tuple[dt.time, str]:
    return (line.start or dt.time(), line.deployment.person.name)
