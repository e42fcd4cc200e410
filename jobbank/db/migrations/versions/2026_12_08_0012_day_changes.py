"""what changes to a published plan did to each day (issue 23)

`day_change`: one day of an assignment-week a change set or a direct assignment added, moved
or took away, with the day before and after (the round contract's `WorkDay`, null where there
was none). The calendar counts them into each day's SEQUENCE and cancels the days taken away;
changes made before this migration are not known by day, so their days keep the SEQUENCE their
weeks give them.

Revision ID: 0012
Revises: 0011
Create Date: 2026-12-08
"""

from collections.abc import Sequence

import sqlalchemy as sa
from advanced_alchemy.types import DateTimeUTC, JsonB
from alembic import op

revision: str = "0012"
down_revision: str | None = "0011"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

ID = sa.BigInteger().with_variant(sa.Integer(), "sqlite")


def upgrade() -> None:
    op.create_table(
        "day_change",
        sa.Column("round_id", ID, nullable=False),
        sa.Column("change_set_id", ID, nullable=True),
        sa.Column("person_id", ID, nullable=False),
        sa.Column("need_id", ID, nullable=False),
        sa.Column("date", sa.Date(), nullable=False),
        sa.Column("day_before", JsonB, nullable=True),
        sa.Column("day_after", JsonB, nullable=True),
        sa.Column("changed_by_id", ID, nullable=True),
        sa.Column("id", ID, nullable=False),
        sa.Column("created_at", DateTimeUTC(timezone=True), nullable=False),
        sa.Column("updated_at", DateTimeUTC(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["round_id"],
            ["allocation_round.id"],
            name=op.f("fk_day_change_round_id_allocation_round"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["change_set_id"],
            ["change_set.id"],
            name=op.f("fk_day_change_change_set_id_change_set"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["person_id"],
            ["person.id"],
            name=op.f("fk_day_change_person_id_person"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["need_id"], ["need.id"], name=op.f("fk_day_change_need_id_need"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["changed_by_id"],
            ["user_account.id"],
            name=op.f("fk_day_change_changed_by_id_user_account"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_day_change")),
    )
    with op.batch_alter_table("day_change", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_day_change_round_id"), ["round_id"], unique=False)
        batch_op.create_index(
            batch_op.f("ix_day_change_change_set_id"), ["change_set_id"], unique=False
        )
        batch_op.create_index(batch_op.f("ix_day_change_person_id"), ["person_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_day_change_need_id"), ["need_id"], unique=False)


def downgrade() -> None:
    op.drop_table("day_change")
