"""round snapshots within the contract's bounds

Rounds keep the input and result they were planned with as JSON. The round contract now bounds
hours (168 a week for a need, 48 for one person), and a snapshot stored before would fail to
read, so its pages and exports would fail. This brings every stored round within the bounds,
as a round created today would be:

- a person's normal hours above 48 become 48, and a home load above 48 becomes their normal
  hours (it never exceeds them); a need's smallest block above 48 becomes 48;
- a need wanting more than 168 hours in a week is left out, as a new round leaves it out,
  with its pins, its previous assignments and the result's unfilled weeks. A round not yet
  published also loses its assignments to it, in the result and stored alike (they must agree
  to publish; the next solve would replace them anyway); a published round keeps them, as
  what its people were told;
- an assignment above 48 hours (pinned, previous, in the result or in the round's stored
  assignments) becomes 48.

Each changed round gets a log line saying what changed. A round starting outside 2000–2099
cannot be repaired by a number and is named in the log, unchanged. Everything runs in the
upgrade's one transaction. The bounds are written out here: this migration must do the same
whatever the bounds become later.

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-06
"""

import copy
import datetime as dt
import logging
from collections.abc import Sequence
from typing import Any

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects.postgresql import JSONB

revision: str = "0007"
down_revision: str | None = "0006"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

HOURS_IN_WEEK = 168.0
MAX_NORMAL_HOURS = 48.0
FIRST_YEAR, LAST_YEAR = 2000, 2099

log = logging.getLogger("jobbank.db.migrations")
JSON = sa.JSON().with_variant(JSONB(), "postgresql")
ROUNDS = sa.table(
    "allocation_round",
    sa.column("id", sa.BigInteger()),
    sa.column("start", sa.Date()),
    sa.column("status", sa.String()),
    sa.column("input_snapshot", JSON),
    sa.column("result", JSON),
)
ASSIGNMENTS = sa.table(
    "assignment",
    sa.column("round_id", sa.BigInteger()),
    sa.column("need_id", sa.BigInteger()),
    sa.column("hours", sa.Float()),
)
NEEDS = sa.table("need", sa.column("id", sa.BigInteger()), sa.column("ref", sa.String()))
PUBLISHED = "published"


def upgrade() -> None:
    connection = op.get_bind()
    stored = connection.execute(
        sa.select(
            ROUNDS.c.id, ROUNDS.c.start, ROUNDS.c.status, ROUNDS.c.input_snapshot, ROUNDS.c.result
        )
        .where(sa.or_(ROUNDS.c.input_snapshot.is_not(None), ROUNDS.c.result.is_not(None)))
        .order_by(ROUNDS.c.id)
    ).all()
    for round_id, start, status, snapshot, result in stored:
        if not FIRST_YEAR <= _year(start) <= LAST_YEAR:
            log.warning(
                "round %s: starts %s, outside %s–%s; left as it is",
                round_id,
                start,
                FIRST_YEAR,
                LAST_YEAR,
            )
        published = status == PUBLISHED
        new_snapshot, new_result, dropped, changes = within_bounds(snapshot, result, published)
        if dropped and not published:
            changes += _forget_stored_assignments(connection, round_id, dropped)
        if changes:
            connection.execute(
                ROUNDS.update()
                .where(ROUNDS.c.id == round_id)
                .values(input_snapshot=new_snapshot, result=new_result)
            )
            log.warning("round %s: brought within bounds: %s", round_id, "; ".join(changes))
    _bound_stored_assignments(connection)


def _year(start: Any) -> int:
    return start.year if isinstance(start, dt.date) else int(str(start)[:4])  # SQLite: text


def _forget_stored_assignments(
    connection: sa.Connection, round_id: int, dropped: set[str]
) -> list[str]:
    needs = sa.select(NEEDS.c.id).where(NEEDS.c.ref.in_(sorted(dropped))).scalar_subquery()
    gone = connection.execute(
        ASSIGNMENTS.delete().where(
            ASSIGNMENTS.c.round_id == round_id, ASSIGNMENTS.c.need_id.in_(needs)
        )
    ).rowcount
    return [f"stored assignments: {gone} of needs left out removed"] if gone else []


def _bound_stored_assignments(connection: sa.Connection) -> None:
    """Pins and previous rounds are read from the stored assignments into new snapshots."""
    over = ASSIGNMENTS.c.hours > MAX_NORMAL_HOURS
    counts = connection.execute(
        sa.select(ASSIGNMENTS.c.round_id, sa.func.count())
        .where(over)
        .group_by(ASSIGNMENTS.c.round_id)
        .order_by(ASSIGNMENTS.c.round_id)
    ).all()
    connection.execute(ASSIGNMENTS.update().where(over).values(hours=MAX_NORMAL_HOURS))
    for round_id, count in counts:
        log.warning(
            "round %s: %s stored assignment(s) above %g hours a week now hold %g",
            round_id,
            count,
            MAX_NORMAL_HOURS,
            MAX_NORMAL_HOURS,
        )


def within_bounds(
    snapshot: dict[str, Any] | None, result: dict[str, Any] | None, published: bool
) -> tuple[dict[str, Any] | None, dict[str, Any] | None, set[str], list[str]]:
    """The round's input and result within the bounds, the needs left out, and what changed,
    in words."""
    snapshot, result = copy.deepcopy(snapshot), copy.deepcopy(result)
    changes: list[str] = []
    dropped: set[str] = set()
    if isinstance(snapshot, dict):
        for person in _rows(snapshot, "staff"):
            changes += _bound_person(person)
        dropped = {str(need.get("id")) for need in _rows(snapshot, "needs") if _unholdable(need)}
        snapshot["needs"] = [n for n in _rows(snapshot, "needs") if str(n.get("id")) not in dropped]
        changes += [
            f"need {ref}: more than {HOURS_IN_WEEK:g} hours a week, left out"
            for ref in sorted(dropped)
        ]
        for need in snapshot["needs"]:
            if _number(need.get("min_block")) > MAX_NORMAL_HOURS:
                changes.append(f"need {need.get('id')}: min_block {need['min_block']:g} → 48")
                need["min_block"] = MAX_NORMAL_HOURS
        for field in ("pinned", "previous"):
            changes += _bound_entries(snapshot, field, dropped, MAX_NORMAL_HOURS, field)
    if isinstance(result, dict):
        changes += _bound_entries(
            result,
            "assignments",
            set() if published else dropped,
            MAX_NORMAL_HOURS,
            "result assignments",
        )
        changes += _bound_entries(result, "unfilled", dropped, HOURS_IN_WEEK, "result unfilled")
    return snapshot, result, dropped, changes


def _rows(data: dict[str, Any], field: str) -> list[dict[str, Any]]:
    rows = data.get(field)
    return [row for row in rows if isinstance(row, dict)] if isinstance(rows, list) else []


def _number(value: Any) -> float:
    is_number = isinstance(value, int | float) and not isinstance(value, bool)
    return float(value) if is_number else 0.0


def _per_week(value: Any) -> list[Any]:
    return value if isinstance(value, list) else [value]


def _bound_person(person: dict[str, Any]) -> list[str]:
    changes = []
    normal = _number(person.get("normal_hours"))
    if normal > MAX_NORMAL_HOURS:
        changes.append(f"staff {person.get('id')}: normal_hours {normal:g} → 48")
        normal = person["normal_hours"] = MAX_NORMAL_HOURS
    load = person.get("home_load")
    if any(_number(hours) > MAX_NORMAL_HOURS for hours in _per_week(load)):
        bounded = [
            min(hours, normal) if _number(hours) > MAX_NORMAL_HOURS else hours
            for hours in _per_week(load)
        ]
        person["home_load"] = bounded if isinstance(load, list) else bounded[0]
        changes.append(f"staff {person.get('id')}: home_load above 48 → {normal:g}")
    return changes


def _unholdable(need: dict[str, Any]) -> bool:
    return any(_number(hours) > HOURS_IN_WEEK for hours in _per_week(need.get("hours")))


def _bound_entries(
    data: dict[str, Any], field: str, dropped: set[str], most: float, name: str
) -> list[str]:
    """Drop the entries of needs left out; entries above `most` hours hold `most`."""
    if not isinstance(data.get(field), list):
        return []
    entries = _rows(data, field)
    kept = [entry for entry in entries if str(entry.get("need")) not in dropped]
    over = [entry for entry in kept if _number(entry.get("hours")) > most]
    for entry in over:
        entry["hours"] = most
    data[field] = kept
    changes = []
    if len(kept) < len(entries):
        changes.append(f"{name}: {len(entries) - len(kept)} of needs left out removed")
    if over:
        changes.append(f"{name}: {len(over)} above {most:g} hours → {most:g}")
    return changes


def downgrade() -> None:
    """Nothing to undo: the older contract reads the bounded snapshots as they are."""
