"""sign-on with the municipality's own accounts (OpenID Connect)

`sign_on_attempt` keeps each log-in through the provider single-use: the hash of its state,
the browser that left, the nonce and the PKCE verifier. `auth_session.signed_on` marks the
sessions it opened, whose log-out also ends the provider's session.

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-07
"""

from collections.abc import Sequence

import sqlalchemy as sa
from advanced_alchemy.types import DateTimeUTC
from alembic import op

revision: str = "0010"
down_revision: str | None = "0009"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

ID = sa.BigInteger().with_variant(sa.Integer(), "sqlite")


def upgrade() -> None:
    op.create_table(
        "sign_on_attempt",
        sa.Column("id", ID, nullable=False),
        sa.Column("state_hash", sa.String(length=64), nullable=False),
        sa.Column("browser_hash", sa.String(length=64), nullable=False),
        sa.Column("nonce", sa.String(length=100), nullable=False),
        sa.Column("code_verifier", sa.String(length=128), nullable=False),
        sa.Column("redirect_url", sa.String(length=500), nullable=False),
        sa.Column("expires_at", DateTimeUTC(timezone=True), nullable=False),
        sa.Column("used_at", DateTimeUTC(timezone=True), nullable=True),
        sa.Column("created_at", DateTimeUTC(timezone=True), nullable=False),
        sa.Column("updated_at", DateTimeUTC(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_sign_on_attempt")),
        sa.UniqueConstraint("state_hash", name=op.f("uq_sign_on_attempt_state_hash")),
    )
    with op.batch_alter_table("sign_on_attempt", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_sign_on_attempt_expires_at"), ["expires_at"], unique=False
        )
    op.add_column(
        "auth_session",
        sa.Column("signed_on", sa.Boolean(), server_default="0", nullable=False),
    )


def downgrade() -> None:
    with op.batch_alter_table("auth_session", schema=None) as batch_op:
        batch_op.drop_column("signed_on")
    op.drop_table("sign_on_attempt")
