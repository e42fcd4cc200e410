"""the lent employee's voice: deployments, their answers, pulse, threads, worked hours and
evaluations

Each (person, receiving unit) pair of a published round is now a `deployment`, which its
person confirms or declines (a decline reports a `decline` plan event); the weekly pulse
(`pulse_answer`), the thread between the person and both leaders (`deployment_message`), the
hours really worked (`worked_week`) and the evaluations at the end (`evaluation`) belong to
it. The deployments of rounds already published are made from their plans, unanswered.

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-07
"""

from collections.abc import Sequence
from typing import Any

import sqlalchemy as sa
from advanced_alchemy.types import DateTimeUTC, JsonB
from alembic import op

revision: str = "0009"
down_revision: str | None = "0008"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

ID = sa.BigInteger().with_variant(sa.Integer(), "sqlite")


def _enum(name: str, *values: str) -> sa.Enum:
    return sa.Enum(*values, name=name, native_enum=False, length=32)


def _audit_columns() -> list[sa.Column[Any]]:
    return [
        sa.Column("id", ID, nullable=False),
        sa.Column("created_at", DateTimeUTC(timezone=True), nullable=False),
        sa.Column("updated_at", DateTimeUTC(timezone=True), nullable=False),
    ]


def _fk(table: str, column: str, target: str, ondelete: str) -> sa.ForeignKeyConstraint:
    return sa.ForeignKeyConstraint(
        [column],
        [f"{target}.id"],
        name=op.f(f"fk_{table}_{column}_{target}"),
        ondelete=ondelete,
    )


def _indexes(table: str, *columns: str) -> None:
    with op.batch_alter_table(table, schema=None) as batch_op:
        for column in columns:
            batch_op.create_index(batch_op.f(f"ix_{table}_{column}"), [column], unique=False)


def _deployment_child(table: str, *columns: sa.Column[Any], unique: tuple[str, ...]) -> None:
    """A table of rows that belong to one deployment."""
    op.create_table(
        table,
        sa.Column("deployment_id", ID, nullable=False),
        *columns,
        *_audit_columns(),
        _fk(table, "deployment_id", "deployment", "CASCADE"),
        *(
            _fk(table, c.name, "user_account", "SET NULL")
            for c in columns
            if c.name.endswith("_by_id")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f(f"pk_{table}")),
        sa.UniqueConstraint(*unique, name=op.f(f"uq_{table}_{unique[0]}")),
    )


def upgrade() -> None:
    op.create_table(
        "deployment",
        sa.Column("round_id", ID, nullable=False),
        sa.Column("person_id", ID, nullable=False),
        sa.Column("unit_id", ID, nullable=False),
        sa.Column("answer", _enum("deployment_answer", "confirmed", "declined"), nullable=True),
        sa.Column("answered_at", DateTimeUTC(timezone=True), nullable=True),
        sa.Column(
            "decline_reason",
            _enum("decline_reason", "home_tasks", "skills", "timing", "personal", "other"),
            nullable=True,
        ),
        sa.Column("decline_note", sa.Text(), nullable=False),
        sa.Column("decline_event_id", ID, nullable=True),
        sa.Column("reminded_at", DateTimeUTC(timezone=True), nullable=True),
        sa.Column("version", sa.Integer(), nullable=False),
        *_audit_columns(),
        _fk("deployment", "round_id", "allocation_round", "CASCADE"),
        _fk("deployment", "person_id", "person", "CASCADE"),
        _fk("deployment", "unit_id", "unit", "CASCADE"),
        _fk("deployment", "decline_event_id", "plan_event", "SET NULL"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_deployment")),
        sa.UniqueConstraint(
            "round_id",
            "person_id",
            "unit_id",
            name=op.f("uq_deployment_round_id"),
        ),
    )
    _indexes("deployment", "round_id", "person_id", "unit_id")

    _deployment_child(
        "pulse_answer",
        sa.Column("week", sa.Date(), nullable=False),
        sa.Column("meaningful", sa.Integer(), nullable=False),
        sa.Column("pressed", sa.Integer(), nullable=False),
        sa.Column("comment", sa.Text(), nullable=False),
        sa.Column("named", sa.Boolean(), nullable=False),
        unique=("deployment_id", "week"),
    )
    _indexes("pulse_answer", "deployment_id", "week")

    op.create_table(
        "deployment_message",
        sa.Column("deployment_id", ID, nullable=False),
        sa.Column("author_id", ID, nullable=True),
        sa.Column("body", sa.Text(), nullable=False),
        *_audit_columns(),
        _fk("deployment_message", "deployment_id", "deployment", "CASCADE"),
        _fk("deployment_message", "author_id", "person", "SET NULL"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_deployment_message")),
    )
    _indexes("deployment_message", "author_id")
    with op.batch_alter_table("deployment_message", schema=None) as batch_op:
        batch_op.create_index(
            "ix_deployment_message_thread", ["deployment_id", "created_at"], unique=False
        )

    _deployment_child(
        "worked_week",
        sa.Column("week", sa.Date(), nullable=False),
        sa.Column("hours", sa.Float(), nullable=False),
        sa.Column("entered_by_id", ID, nullable=True),
        sa.Column("confirmed_by_id", ID, nullable=True),
        sa.Column("confirmed_at", DateTimeUTC(timezone=True), nullable=True),
        sa.Column("version", sa.Integer(), nullable=False),
        unique=("deployment_id", "week"),
    )
    _indexes("worked_week", "deployment_id", "week")

    _deployment_child(
        "evaluation",
        sa.Column("side", _enum("evaluation_side", "staff", "receiving"), nullable=False),
        sa.Column("again", sa.Boolean(), nullable=False),
        sa.Column("score", sa.Integer(), nullable=False),
        sa.Column("helped", JsonB, nullable=False),
        sa.Column("missing", JsonB, nullable=False),
        sa.Column("comment", sa.Text(), nullable=False),
        sa.Column("written_by_id", ID, nullable=True),
        sa.Column("version", sa.Integer(), nullable=False),
        unique=("deployment_id", "side"),
    )
    _indexes("evaluation", "deployment_id")

    _deployments_of_published_rounds()


def _deployments_of_published_rounds() -> None:
    """One unanswered deployment per (person, receiving unit) pair a published plan holds."""
    op.execute(
        """
        INSERT INTO deployment (round_id, person_id, unit_id, decline_note, version,
                                created_at, updated_at)
        SELECT DISTINCT a.round_id, a.person_id, n.unit_id, '', 1,
               CURRENT_TIMESTAMP, CURRENT_TIMESTAMP
        FROM assignment a
        JOIN need n ON n.id = a.need_id
        JOIN allocation_round r ON r.id = a.round_id
        WHERE r.status = 'published' AND a.hours > 0
        """
    )


def downgrade() -> None:
    for table in ("evaluation", "worked_week", "deployment_message", "pulse_answer"):
        op.drop_table(table)
    op.drop_table("deployment")
