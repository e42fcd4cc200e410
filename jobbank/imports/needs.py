"""Needs from a sheet the units fill in, matched by their reference (`ref`).

A row creates or updates a need with the needs service's own checks (weeks are Mondays, the
last not before the first, hours in half hours, priority 1–5, a minimum block above 0). An
updated need keeps its status, contact person and the week overrides that still fall in its
span. Optional columns the file lacks (or leaves empty) keep the stored value, or take the
default for a new need. `shift_times` reads `mon-fri 07:00-15:00; sat 22:00-06:00`; `none`
plans the need by the week alone. `accepts_learners` is a yes or no, `learner_share` the share
of a learner's hour that counts as covered, from 0 to 1 (`0,5`).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any, TypeVar

from sqlalchemy import select
from sqlalchemy.orm import Session

from jobbank.core import audit
from jobbank.core.access import Actor
from jobbank.core.bounds import check
from jobbank.core.days import check_shift_times, stored_shift_times
from jobbank.core.texts import Code, Description, clean
from jobbank.core.weeks import require_monday
from jobbank.db.models import Need, NeedStatus, Skill, Unit
from jobbank.imports.rows import (
    CHOICE,
    FLAG,
    LOOKUP,
    SHIFT_TIMES,
    RowReader,
    day,
    flag,
    number,
    whole_number,
)
from jobbank.imports.shift_times import shift_times_of_text
from jobbank.needs import (
    ENTITY,
    audited,
    check_learner_share,
    check_min_block,
    check_priority,
    check_span,
)
from jobbank.organisation import clean_text
from solver.bounds import BlockHours, Day, LearnerShare, NeedHours, Priority
from solver.contract import DEFAULT_MIN_BLOCK, Shift, ShiftTime

FIELDS = (
    "ref",
    "unit",
    "skill",
    "hours",
    "first_week",
    "last_week",
    "shift",
    "priority",
    "exposed",
    "min_block",
    "description",
    "shift_times",
    "accepts_learners",
    "learner_share",
)
REQUIRED = ("ref", "unit", "skill", "hours", "first_week", "last_week")
COLUMNS: dict[str, Any] = {
    "ref": Code,
    "unit": LOOKUP,
    "skill": LOOKUP,
    "hours": NeedHours,
    "first_week": Day,
    "last_week": Day,
    "shift": CHOICE,
    "priority": Priority,
    "exposed": FLAG,
    "min_block": BlockHours,
    "description": Description,
    "shift_times": SHIFT_TIMES,
    "accepts_learners": FLAG,
    "learner_share": LearnerShare,
}
"""What each column holds: its bound or text policy (`solver.bounds`, `jobbank.core.texts`),
or a code looked up, a choice or a yes/no."""
KEY = "ref"
DEFAULT_PRIORITY = 3
K = TypeVar("K", Unit, Skill)


@dataclass(frozen=True)
class NeedRow:
    """A checked row; None for an optional value the file does not give."""

    ref: str
    unit: Unit
    skill: Skill
    hours: float
    first_week: dt.date
    last_week: dt.date
    shift: Shift | None
    priority: int | None
    exposed: bool | None
    min_block: float | None
    description: str | None
    shift_times: list[ShiftTime] | None
    accepts_learners: bool | None = None
    learner_share: float | None = None


class NeedImport:
    kind: str = "needs"
    fields: tuple[str, ...] = FIELDS
    columns: dict[str, Any] = COLUMNS
    required: tuple[str, ...] = REQUIRED
    key: str = KEY

    def __init__(self, session: Session) -> None:
        self.session = session
        self.units = {unit.code: unit for unit in session.scalars(select(Unit))}
        self.skills = {skill.code: skill for skill in session.scalars(select(Skill))}

    def check(self, reader: RowReader) -> NeedRow | None:
        ref = reader.text("ref", required=True)
        if ref is not None:
            ref = reader.checked("ref", clean_text, "ref", ref, Need.ref)
        unit = self._known(reader, "unit", self.units, "unit code")
        skill = self._known(reader, "skill", self.skills, "skill")
        hours = reader.parsed("hours", number, required=True)
        if hours is not None:
            hours = reader.checked("hours", check, "hours", COLUMNS["hours"], hours)
        first = self._week(reader, "first_week")
        last = self._week(reader, "last_week")
        if first is not None and last is not None:
            reader.checked("last_week", check_span, Need(first_week=first, last_week=last))
        shift = reader.parsed("shift", _shift)
        priority = reader.parsed("priority", whole_number)
        if priority is not None:
            priority = reader.checked("priority", check_priority, priority)
        min_block = reader.parsed("min_block", number)
        if min_block is not None:
            min_block = reader.checked("min_block", check_min_block, min_block)
        description = reader.text("description") or None
        if description is not None:
            description = reader.checked(
                "description", clean, "description", COLUMNS["description"], description
            )
        exposed = reader.parsed("exposed", flag)
        shifts = reader.parsed("shift_times", shift_times_of_text)
        shift_times = (
            reader.checked("shift_times", check_shift_times, "shift_times", shifts)
            if shifts is not None
            else None
        )
        accepts_learners = reader.parsed("accepts_learners", flag)
        learner_share = reader.parsed("learner_share", number)
        if learner_share is not None:
            learner_share = reader.checked("learner_share", check_learner_share, learner_share)
        if reader.problems:
            return None
        if not (ref and unit and skill and first and last) or hours is None:
            return None
        return NeedRow(
            ref,
            unit,
            skill,
            hours,
            first,
            last,
            shift,
            priority,
            exposed,
            min_block,
            description,
            shift_times,
            accepts_learners,
            learner_share,
        )

    def _known(self, reader: RowReader, field: str, known: dict[str, K], what: str) -> K | None:
        code = reader.text(field, required=True)
        if code is None:
            return None
        if code not in known:
            reader.problem(field, f"unknown {what} {code!r}")
            return None
        return known[code]

    def _week(self, reader: RowReader, field: str) -> dt.date | None:
        week = reader.parsed(field, day, required=True)
        if week is None:
            return None
        return reader.checked(field, require_monday, field, week)

    def store(self, actor: Actor, row: NeedRow) -> str:
        """Create or update the need; 'created', 'updated' or 'unchanged'."""
        session = self.session
        need = session.scalar(select(Need).where(Need.ref == row.ref))
        before = audited(need) if need is not None else None
        with session.no_autoflush:
            if need is None:
                need = Need(
                    ref=row.ref, status=NeedStatus.OPEN, created_by_id=actor.user_id or None
                )
                need.shift, need.priority, need.exposed = Shift.DAY, DEFAULT_PRIORITY, False
                need.min_block, need.description, need.weeks = DEFAULT_MIN_BLOCK, "", []
                need.accepts_learners, need.learner_share = False, 0.0
                session.add(need)
            self._fill(need, row)
        after = audited(need)
        old, new = audit.changed(before or {}, after)
        if before is not None and not new:
            return "unchanged"
        if before is not None:
            # Week overrides alone do not update the row; touching it moves its version.
            need.updated_at = dt.datetime.now(dt.UTC)
        session.flush()
        audit.record(
            session,
            user_id=actor.user_id or None,
            action="import",
            entity=ENTITY,
            entity_id=need.id,
            before=old if before is not None else None,
            after=new,
        )
        return "created" if before is None else "updated"

    def _fill(self, need: Need, row: NeedRow) -> None:
        need.unit, need.skill, need.hours = row.unit, row.skill, row.hours
        need.first_week, need.last_week = row.first_week, row.last_week
        if row.shift is not None:
            need.shift = row.shift
        if row.priority is not None:
            need.priority = row.priority
        if row.exposed is not None:
            need.exposed = row.exposed
        if row.min_block is not None:
            need.min_block = row.min_block
        if row.description is not None:
            need.description = row.description
        if row.shift_times is not None:
            need.shift_times = stored_shift_times(row.shift_times)
        if row.accepts_learners is not None:
            need.accepts_learners = row.accepts_learners
        if row.learner_share is not None:
            need.learner_share = row.learner_share
        kept = [week for week in need.weeks if need.first_week <= week.week <= need.last_week]
        if len(kept) != len(need.weeks):
            need.weeks = kept


def _shift(text: str) -> Shift:
    try:
        return Shift(text.strip().lower())
    except ValueError:
        shifts = ", ".join(shift.value for shift in Shift)
        raise ValueError(f"must be one of {shifts}, got {text!r}") from None
