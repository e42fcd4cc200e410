"""Planned and worked hours per receiving unit and week: did the plan happen?

Only weeks that have begun (their Monday on or before the report's day) count: a week still
ahead has worked nothing yet, and counting its plan would make the share look low. Worked
hours are those the receiving leader confirmed; hours a person entered that wait for the
leader's sign-off are counted apart (`jobbank.deployments.worked_totals`).
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict

from sqlalchemy.orm import Session

from jobbank.db.models import AllocationRound
from jobbank.deployments.worked_totals import worked_rows
from jobbank.report.shape import WorkedHours, WorkedUnitWeek


def worked_hours(session: Session, rnd: AllocationRound, today: dt.date) -> WorkedHours:
    """The round's planned, worked and waiting hours per unit and week begun, with totals."""
    cells: dict[tuple[dt.date, str], WorkedUnitWeek] = {}
    for row in worked_rows(session, rnd):
        if row.week > today:
            continue
        cell = cells.setdefault(
            (row.week, row.unit_code),
            WorkedUnitWeek(unit=row.unit_code, unit_name=row.unit_name, week=row.week),
        )
        cell.planned_hours += row.planned_hours
        cell.worked_hours += row.worked_hours
        cell.waiting_hours += row.waiting_hours
    by_unit_week = [cells[key] for key in sorted(cells)]
    sums: dict[str, float] = defaultdict(float)
    for cell in by_unit_week:
        sums["planned_hours"] += cell.planned_hours
        sums["worked_hours"] += cell.worked_hours
        sums["waiting_hours"] += cell.waiting_hours
    return WorkedHours(**sums, by_unit_week=by_unit_week)
