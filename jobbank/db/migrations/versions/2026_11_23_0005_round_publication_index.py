"""round publication index

An index that holds everything the assignments statement asks of a published round (its
status, when it was published, its weeks): SQLite keeps a round's megabytes of input and
result in the row before `published_at`, and read through them for every assignment week.

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-23
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0005"
down_revision: str | None = "0004"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_index(
        "ix_allocation_round_publication",
        "allocation_round",
        ["status", "published_at", "start", "weeks"],
    )


def downgrade() -> None:
    op.drop_index("ix_allocation_round_publication", table_name="allocation_round")
