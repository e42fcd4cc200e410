"""rotation rounds, introductions a unit can manage, and learners (issue 24)

A round's `purpose` (`crisis` or `rotation`; its coverage trade is kept in its `rules` beside
the other rules of the round contract); a unit's `intro_capacity` (how many people new to it
it can introduce a week; null: no limit) and `intro_hours` (what introducing one costs it); the
skills a volunteer wants to learn (`volunteer_learn_skill`); whether a need `accepts_learners`
and the `learner_share` of a learner's hour that counts as covered; and whether an assignment
is a `learner`'s. Every row stored before reads with the defaults, which plan as before: a
crisis round, no limit, introductions that cost nothing, nobody learning.

Revision ID: 0013
Revises: 0012
Create Date: 2026-12-09
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0013"
down_revision: str | None = "0012"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

ID = sa.BigInteger().with_variant(sa.Integer(), "sqlite")
PURPOSE = sa.Enum("crisis", "rotation", name="round_purpose", native_enum=False, length=32)


def upgrade() -> None:
    op.add_column(
        "allocation_round",
        sa.Column("purpose", PURPOSE, server_default="crisis", nullable=False),
    )
    op.add_column("unit", sa.Column("intro_capacity", sa.Integer(), nullable=True))
    op.add_column("unit", sa.Column("intro_hours", sa.Float(), server_default="0", nullable=False))
    op.add_column(
        "need",
        sa.Column("accepts_learners", sa.Boolean(), server_default=sa.false(), nullable=False),
    )
    op.add_column(
        "need", sa.Column("learner_share", sa.Float(), server_default="0", nullable=False)
    )
    op.add_column(
        "assignment",
        sa.Column("learner", sa.Boolean(), server_default=sa.false(), nullable=False),
    )
    op.create_table(
        "volunteer_learn_skill",
        sa.Column("profile_id", ID, nullable=False),
        sa.Column("skill_id", ID, nullable=False),
        sa.ForeignKeyConstraint(
            ["profile_id"],
            ["volunteer_profile.id"],
            name=op.f("fk_volunteer_learn_skill_profile_id_volunteer_profile"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["skill_id"],
            ["skill.id"],
            name=op.f("fk_volunteer_learn_skill_skill_id_skill"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("profile_id", "skill_id", name=op.f("pk_volunteer_learn_skill")),
    )


def downgrade() -> None:
    op.drop_table("volunteer_learn_skill")
    with op.batch_alter_table("assignment", schema=None) as batch_op:
        batch_op.drop_column("learner")
    with op.batch_alter_table("need", schema=None) as batch_op:
        batch_op.drop_column("learner_share")
        batch_op.drop_column("accepts_learners")
    with op.batch_alter_table("unit", schema=None) as batch_op:
        batch_op.drop_column("intro_hours")
        batch_op.drop_column("intro_capacity")
    with op.batch_alter_table("allocation_round", schema=None) as batch_op:
        batch_op.drop_column("purpose")
