"""What a round reads of a profile: whether it may be planned, and its hours week by week."""

from __future__ import annotations

import datetime as dt

from jobbank.db.models import ApprovalStatus, VolunteerProfile, VolunteerWeek


def is_plannable(profile: VolunteerProfile) -> bool:
    """Only opted-in volunteers approved by their home-unit leader go into a round."""
    return profile.opted_in and profile.approval is ApprovalStatus.APPROVED


def home_load_in(profile: VolunteerProfile, week: dt.date) -> float:
    """Hours the home unit keeps in `week`: that week's own value, else the profile's default."""
    override = _week_row(profile, week)
    return override.home_load if override is not None else profile.home_load


def available_in(profile: VolunteerProfile, week: dt.date) -> bool:
    override = _week_row(profile, week)
    return override.available if override is not None else True


def _week_row(profile: VolunteerProfile, week: dt.date) -> VolunteerWeek | None:
    return next((row for row in profile.weeks if row.week == week), None)
