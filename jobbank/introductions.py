"""Introductions a unit can manage: how many people new to it a unit can introduce a week
(rule 10 of the round contract; none set: no limit) and the hours introducing one costs it
(what a round weighs against coverage when HR lets it trade some).

A unit's leaders set their own unit's, HR any unit's; to anyone else the unit's settings do
not exist. The values are checked against the contract's bounds (`solver.bounds`), changed
with the unit's version like its other fields, and audited as a change of the unit.
"""

from __future__ import annotations

from sqlalchemy.orm import Session

from jobbank.core.access import Actor
from jobbank.core.bounds import check
from jobbank.core.errors import Problems, check_version
from jobbank.db.models import Unit
from jobbank.organisation import UnitService, change_row, get_unit
from solver.bounds import IntroductionsAWeek, IntroHours

INTRODUCTION_FIELDS = ("intro_capacity", "intro_hours")


def unit_to_introduce(session: Session, actor: Actor, unit_id: int) -> Unit:
    """A unit whose introductions the caller sets: one they lead, or any for HR."""
    actor.require(actor.is_hr or actor.leads(unit_id), f"unit {unit_id}")
    return get_unit(session, unit_id)


def set_introductions(
    session: Session,
    actor: Actor,
    unit_id: int,
    version: int,
    *,
    intro_capacity: int | None,
    intro_hours: float,
) -> Unit:
    """Set how many new people the unit can introduce a week (None: no limit; 0 … 50) and
    the hours one introduction costs it (0 … 40 in half hours); each wrong value is refused
    naming its field, both at once."""
    unit = unit_to_introduce(session, actor, unit_id)
    check_version(f"unit {unit.code}", unit.version, version)
    problems = Problems()
    if intro_capacity is not None:
        problems.check(check, "intro_capacity", IntroductionsAWeek, intro_capacity)
    problems.check(check, "intro_hours", IntroHours, intro_hours)
    problems.refuse()
    changes = {"intro_capacity": intro_capacity, "intro_hours": float(intro_hours)}
    return change_row(session, actor, UnitService(session), unit, changes)
