"""the plan after publishing: events, change sets and the history of assignment changes

A published round's facts can now change (absences, home recalls, need changes, urgent needs,
withdrawals: `plan_event`); a repair of its plan is a `change_set` built on one revision of the
plan (`allocation_round.plan_revision`), and each assignment-week it adds, changes or ends is
kept in `assignment_change`. A checklist whose deployment ended is closed (`closed_at`), not
deleted. `changes_seen` keeps how far each log-in has read those changes.

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-06
"""

from collections.abc import Sequence
from typing import Any

import sqlalchemy as sa
from advanced_alchemy.types import DateTimeUTC, JsonB
from alembic import op

revision: str = "0008"
down_revision: str | None = "0007"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

EVENT_KIND = sa.Enum(
    "absence",
    "home_recall",
    "need_change",
    "urgent_need",
    "withdrawal",
    name="event_kind",
    native_enum=False,
    length=32,
)
ID = sa.BigInteger().with_variant(sa.Integer(), "sqlite")
CHANGE_SET_STATUS = sa.Enum(
    "proposed", "applied", "stale", name="change_set_status", native_enum=False, length=32
)


def _audit_columns() -> list[sa.Column[Any]]:
    return [
        sa.Column("id", ID, nullable=False),
        sa.Column("created_at", DateTimeUTC(timezone=True), nullable=False),
        sa.Column("updated_at", DateTimeUTC(timezone=True), nullable=False),
    ]


def upgrade() -> None:
    with op.batch_alter_table("allocation_round", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("plan_revision", sa.Integer(), nullable=False, server_default="0")
        )
    with op.batch_alter_table("allocation_round", schema=None) as batch_op:
        batch_op.alter_column("plan_revision", server_default=None)
    with op.batch_alter_table("checklist", schema=None) as batch_op:
        batch_op.add_column(sa.Column("closed_at", DateTimeUTC(timezone=True), nullable=True))

    op.create_table(
        "change_set",
        sa.Column("round_id", ID, nullable=False),
        sa.Column("status", CHANGE_SET_STATUS, nullable=False),
        sa.Column("plan_revision", sa.Integer(), nullable=False),
        sa.Column("settings", JsonB, nullable=False),
        sa.Column("event_ids", JsonB, nullable=False),
        sa.Column("result", JsonB, nullable=False),
        sa.Column("created_by_id", ID, nullable=True),
        sa.Column("applied_by_id", ID, nullable=True),
        sa.Column("applied_at", DateTimeUTC(timezone=True), nullable=True),
        *_audit_columns(),
        sa.ForeignKeyConstraint(
            ["round_id"],
            ["allocation_round.id"],
            name=op.f("fk_change_set_round_id_allocation_round"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["created_by_id"],
            ["user_account.id"],
            name=op.f("fk_change_set_created_by_id_user_account"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["applied_by_id"],
            ["user_account.id"],
            name=op.f("fk_change_set_applied_by_id_user_account"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_change_set")),
    )
    with op.batch_alter_table("change_set", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_change_set_round_id"), ["round_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_change_set_status"), ["status"], unique=False)

    op.create_table(
        "plan_event",
        sa.Column("round_id", ID, nullable=False),
        sa.Column("kind", EVENT_KIND, nullable=False),
        sa.Column("person_id", ID, nullable=True),
        sa.Column("need_id", ID, nullable=True),
        sa.Column("first_day", sa.Date(), nullable=False),
        sa.Column("last_day", sa.Date(), nullable=True),
        sa.Column("hours", sa.Float(), nullable=True),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("reported_by_id", ID, nullable=True),
        sa.Column("change_set_id", ID, nullable=True),
        *_audit_columns(),
        sa.ForeignKeyConstraint(
            ["round_id"],
            ["allocation_round.id"],
            name=op.f("fk_plan_event_round_id_allocation_round"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["person_id"],
            ["person.id"],
            name=op.f("fk_plan_event_person_id_person"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["need_id"], ["need.id"], name=op.f("fk_plan_event_need_id_need"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["reported_by_id"],
            ["user_account.id"],
            name=op.f("fk_plan_event_reported_by_id_user_account"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["change_set_id"],
            ["change_set.id"],
            name=op.f("fk_plan_event_change_set_id_change_set"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_plan_event")),
    )
    with op.batch_alter_table("plan_event", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_plan_event_round_id"), ["round_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_plan_event_person_id"), ["person_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_plan_event_need_id"), ["need_id"], unique=False)
        batch_op.create_index(
            "ix_plan_event_round_applied", ["round_id", "change_set_id"], unique=False
        )

    op.create_table(
        "assignment_change",
        sa.Column("round_id", ID, nullable=False),
        sa.Column("change_set_id", ID, nullable=True),
        sa.Column("person_id", ID, nullable=False),
        sa.Column("need_id", ID, nullable=False),
        sa.Column("week", sa.Date(), nullable=False),
        sa.Column("hours_before", sa.Float(), nullable=False),
        sa.Column("hours_after", sa.Float(), nullable=False),
        sa.Column("changed_by_id", ID, nullable=True),
        *_audit_columns(),
        sa.ForeignKeyConstraint(
            ["round_id"],
            ["allocation_round.id"],
            name=op.f("fk_assignment_change_round_id_allocation_round"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["change_set_id"],
            ["change_set.id"],
            name=op.f("fk_assignment_change_change_set_id_change_set"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["person_id"],
            ["person.id"],
            name=op.f("fk_assignment_change_person_id_person"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["need_id"],
            ["need.id"],
            name=op.f("fk_assignment_change_need_id_need"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["changed_by_id"],
            ["user_account.id"],
            name=op.f("fk_assignment_change_changed_by_id_user_account"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_assignment_change")),
    )
    with op.batch_alter_table("assignment_change", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_assignment_change_round_id"), ["round_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_assignment_change_change_set_id"), ["change_set_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_assignment_change_person_id"), ["person_id"], unique=False
        )
        batch_op.create_index(batch_op.f("ix_assignment_change_need_id"), ["need_id"], unique=False)
        batch_op.create_index(
            "ix_assignment_change_key", ["round_id", "person_id", "need_id", "week"], unique=False
        )

    op.create_table(
        "changes_seen",
        sa.Column("user_id", ID, nullable=False),
        sa.Column("seen_through_id", sa.BigInteger(), nullable=False),
        *_audit_columns(),
        sa.ForeignKeyConstraint(
            ["user_id"],
            ["user_account.id"],
            name=op.f("fk_changes_seen_user_id_user_account"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_changes_seen")),
        sa.UniqueConstraint("user_id", name=op.f("uq_changes_seen_user_id")),
    )


def downgrade() -> None:
    op.drop_table("changes_seen")
    op.drop_table("assignment_change")
    op.drop_table("plan_event")
    op.drop_table("change_set")
    with op.batch_alter_table("checklist", schema=None) as batch_op:
        batch_op.drop_column("closed_at")
    with op.batch_alter_table("allocation_round", schema=None) as batch_op:
        batch_op.drop_column("plan_revision")
