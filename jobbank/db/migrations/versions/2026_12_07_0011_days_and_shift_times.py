"""days and shift times in the plan (issue 23)

A need's `shift_times` (the weekdays it wants people on, with the shift's times, as the round
contract's JSON), a volunteer's `away_days` (the weekdays their home leader lets them be away)
and `daily_hours`, and each assignment-week's days (`assignment_day`: date, start, end,
hours). What was stored before plans as it did: no shift times (the week alone), every day
away, daily hours from the normal hours, assignments without days.

Revision ID: 0011
Revises: 0010
Create Date: 2026-12-07
"""

import json
from collections.abc import Sequence

import sqlalchemy as sa
from advanced_alchemy.types import DateTimeUTC, JsonB
from alembic import op

revision: str = "0011"
down_revision: str | None = "0010"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

ID = sa.BigInteger().with_variant(sa.Integer(), "sqlite")
EVERY_DAY = ["mon", "tue", "wed", "thu", "fri", "sat", "sun"]


def upgrade() -> None:
    op.add_column("need", sa.Column("shift_times", JsonB, server_default="[]", nullable=False))
    op.add_column(
        "volunteer_profile",
        sa.Column("away_days", JsonB, server_default=json.dumps(EVERY_DAY), nullable=False),
    )
    op.add_column("volunteer_profile", sa.Column("daily_hours", sa.Float(), nullable=True))
    op.create_table(
        "assignment_day",
        sa.Column("assignment_id", ID, nullable=False),
        sa.Column("date", sa.Date(), nullable=False),
        sa.Column("start_time", sa.Time(), nullable=False),
        sa.Column("end_time", sa.Time(), nullable=False),
        sa.Column("hours", sa.Float(), nullable=False),
        sa.Column("id", ID, nullable=False),
        sa.Column("created_at", DateTimeUTC(timezone=True), nullable=False),
        sa.Column("updated_at", DateTimeUTC(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["assignment_id"],
            ["assignment.id"],
            name=op.f("fk_assignment_day_assignment_id_assignment"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_assignment_day")),
        sa.UniqueConstraint("assignment_id", "date", name=op.f("uq_assignment_day_assignment_id")),
    )
    with op.batch_alter_table("assignment_day", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_assignment_day_assignment_id"), ["assignment_id"], unique=False
        )
        batch_op.create_index(batch_op.f("ix_assignment_day_date"), ["date"], unique=False)


def downgrade() -> None:
    op.drop_table("assignment_day")
    with op.batch_alter_table("volunteer_profile", schema=None) as batch_op:
        batch_op.drop_column("daily_hours")
        batch_op.drop_column("away_days")
    with op.batch_alter_table("need", schema=None) as batch_op:
        batch_op.drop_column("shift_times")
