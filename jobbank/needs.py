"""Needs posted by units under pressure: hours per week over a span of weeks."""

from __future__ import annotations

import datetime as dt

from jobbank.models import Need


def hours_in(need: Need, week: dt.date) -> float:
    """Hours wanted in `week`: 0 outside the need's span, else the week's value or the default."""
    if not need.first_week <= week <= need.last_week:
        return 0.0
    override = next((row for row in need.weeks if row.week == week), None)
    return override.hours if override is not None else need.hours
