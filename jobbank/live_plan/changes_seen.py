"""What changed since you last looked: the changes to published plans that concern the reader,
the new ones marked, and a way to mark them seen.

Staff read the changes to their own assignments, unit leaders those of the people coming to
their units and of their own people lent out, HR all. Each log-in keeps the highest change
id it has seen (`ChangesSeen`): a change with a higher id is new to them. Marking changes
seen is reading, not a change to the plan, so it is not audited (as a feed's last read).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from advanced_alchemy.filters import LimitOffset
from sqlalchemy import ColumnElement, false, func, or_, select, true, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from jobbank.assignments.ended import CHANGE_LINES
from jobbank.core.access import Actor
from jobbank.db.models import AssignmentChange, Need, Person
from jobbank.db.models.live_plan import ChangesSeen
from solver.contract import change_kind


@dataclass(frozen=True)
class SeenChange:
    """One assignment-week a change added, changed or ended, as the reader sees it."""

    id: int
    round_id: int
    round_name: str
    person_id: int
    person: str
    home_unit: str
    unit_id: int
    unit: str
    skill_da: str
    skill_en: str
    week: dt.date
    hours_before: float
    hours_after: float
    changed_at: dt.datetime
    new: bool

    @property
    def kind(self) -> str:
        """`added`, `changed` or `ended`, as `AssignmentChange.kind`."""
        return change_kind(self.hours_before, self.hours_after).value


@dataclass(frozen=True)
class ChangesToRead:
    """A page of the reader's changes, newest first, and how many there are and are new."""

    changes: list[SeenChange]
    total: int
    new: int
    seen_through_id: int

    @property
    def newest_id(self) -> int:
        """The id to mark seen through: the newest change shown (0: none)."""
        return max((change.id for change in self.changes), default=0)


def changes_in_reach(actor: Actor) -> ColumnElement[bool]:
    """The changes the reader sees (needs `Need` and `Person` joined to the change)."""
    if actor.is_hr:
        return true()
    ways: list[ColumnElement[bool]] = []
    if actor.person_id is not None:
        ways.append(AssignmentChange.person_id == actor.person_id)
    if actor.is_leader:
        led = sorted(actor.led_unit_ids)
        ways += [Need.unit_id.in_(led), Person.home_unit_id.in_(led)]
    return or_(*ways) if ways else false()


def seen_through(session: Session, actor: Actor) -> int:
    """The highest change id the reader has seen (0: none yet)."""
    found = session.scalar(
        select(ChangesSeen.seen_through_id).where(ChangesSeen.user_id == actor.user_id)
    )
    return found or 0


def changes_to_read(session: Session, actor: Actor, paging: LimitOffset) -> ChangesToRead:
    """The reader's changes, newest first, each marked new if they have not seen it. Every
    front page asks, and most people have no change: that costs one query."""
    rows = session.execute(
        CHANGE_LINES.where(changes_in_reach(actor))
        .order_by(AssignmentChange.id.desc())
        .limit(paging.limit)
        .offset(paging.offset)
    ).all()
    if not rows and paging.offset == 0:
        return ChangesToRead([], 0, 0, 0)
    through = seen_through(session, actor)
    reached = (
        select(AssignmentChange.id)
        .join(Need, Need.id == AssignmentChange.need_id)
        .join(Person, Person.id == AssignmentChange.person_id)
        .where(changes_in_reach(actor))
        .subquery()
    )
    total, new = session.execute(
        select(func.count(), func.count().filter(reached.c.id > through)).select_from(reached)
    ).one()
    changes = [
        SeenChange(
            id=row.id,
            round_id=row.round_id,
            round_name=row.round_name,
            person_id=row.person_id,
            person=row.person,
            home_unit=row.home_unit,
            unit_id=row.unit_id,
            unit=row.unit,
            skill_da=row.label_da,
            skill_en=row.label_en,
            week=row.week,
            hours_before=row.hours_before,
            hours_after=row.hours_after,
            changed_at=row.created_at,
            new=row.id > through,
        )
        for row in rows
    ]
    return ChangesToRead(changes, total or 0, new or 0, through)


def mark_changes_seen(session: Session, actor: Actor, through_id: int) -> int:
    """Mark every change up to `through_id` (the newest the reader was shown) seen; returns
    how far the reader has now seen. Never goes back, nor past the newest change there is."""
    newest = session.scalar(select(func.max(AssignmentChange.id))) or 0
    through = min(through_id, newest)
    now = dt.datetime.now(dt.UTC)
    insert = postgresql.insert if session.get_bind().dialect.name == "postgresql" else sqlite.insert
    session.execute(
        insert(ChangesSeen)
        .values(user_id=actor.user_id, seen_through_id=0, created_at=now, updated_at=now)
        .on_conflict_do_nothing(index_elements=["user_id"])
    )
    session.execute(
        update(ChangesSeen)
        .where(ChangesSeen.user_id == actor.user_id, ChangesSeen.seen_through_id < through)
        .values(seen_through_id=through, updated_at=now)
    )
    return max(through, seen_through(session, actor))
