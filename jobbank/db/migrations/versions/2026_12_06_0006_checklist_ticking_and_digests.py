"""checklist ticking window, contact-person items, daily overdue digests

Template items say from when they can be ticked and whether a need naming a contact person
makes them superfluous; checklist items keep the day they open for ticking and the day their
overdue reminder went out (reminders now come as one digest per person per day).

The shipped default template, where HR left it as shipped, gets the new flags and loses its
near-duplicates: the receiving leader's three welcome items due on day one become one.
Items already told under the old per-item messages count as reminded.

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-06
"""

import datetime as dt
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0006"
down_revision: str | None = "0005"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

TICKABLE_FROM = sa.Enum(
    "publishing", "start", "last_week", name="tickable_from", native_enum=False, length=32
)
OLD_WELCOME = "Welcome and introduce the employee on day one"
WELCOME_DA = (
    "Byd velkommen på første dag: vis rundt, præsentér kollegerne og instruér i hygiejne og "
    "værnemidler"
)
WELCOME_EN = (
    "Welcome the employee on day one: show them around, introduce the team and give "
    "instruction in hygiene and protective equipment"
)
MERGED_INTO_WELCOME = (
    "Give instruction in hygiene and protective equipment",
    "Welcome the new colleague and show them around",
)
TICKABLE = {
    "Welcome the employee on day one: show them around, introduce the team and give "
    "instruction in hygiene and protective equipment": "start",
    "Check in with the employee after the first week": "start",
    "Keep in touch with the employee during the deployment": "start",
    "Hold a short evaluation at the end": "last_week",
    "Give a short evaluation of the deployment": "last_week",
}
CONTACT_ITEM = "Name a contact person for the lent employee"


def upgrade() -> None:
    with op.batch_alter_table("checklist_template_item", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("tickable_from", TICKABLE_FROM, nullable=False, server_default="publishing")
        )
        batch_op.add_column(
            sa.Column(
                "skip_if_need_has_contact", sa.Boolean(), nullable=False, server_default=sa.false()
            )
        )
    with op.batch_alter_table("checklist_item", schema=None) as batch_op:
        batch_op.add_column(sa.Column("tickable_from", sa.Date(), nullable=True))
        batch_op.add_column(sa.Column("reminded_on", sa.Date(), nullable=True))
    with op.batch_alter_table("checklist_template_item", schema=None) as batch_op:
        batch_op.alter_column("tickable_from", server_default=None)
        batch_op.alter_column("skip_if_need_has_contact", server_default=None)
    _lighten_default_template()
    _count_old_reminders()


def _lighten_default_template() -> None:
    connection = op.get_bind()
    default = connection.execute(
        sa.text("SELECT id FROM checklist_template WHERE area_id IS NULL AND unit_id IS NULL")
    ).scalar()
    if default is None:
        return
    items = sa.table(
        "checklist_template_item",
        sa.column("id", sa.BigInteger()),
        sa.column("template_id", sa.BigInteger()),
        sa.column("title_da", sa.String()),
        sa.column("title_en", sa.String()),
        sa.column("due_day", sa.Integer()),
        sa.column("anchor", sa.String()),
        sa.column("tickable_from", sa.String()),
        sa.column("skip_if_need_has_contact", sa.Boolean()),
    )
    ours = sa.and_(items.c.template_id == default, items.c.anchor == "start")
    welcome = connection.execute(
        items.update()
        .where(ours, items.c.title_en == OLD_WELCOME, items.c.due_day == 0)
        .values(title_da=WELCOME_DA, title_en=WELCOME_EN)
    )
    if welcome.rowcount:
        connection.execute(
            items.delete().where(
                ours, items.c.title_en.in_(MERGED_INTO_WELCOME), items.c.due_day == 0
            )
        )
    for title, tickable_from in TICKABLE.items():
        connection.execute(
            items.update()
            .where(items.c.template_id == default, items.c.title_en == title)
            .values(tickable_from=tickable_from)
        )
    connection.execute(
        items.update()
        .where(items.c.template_id == default, items.c.title_en == CONTACT_ITEM)
        .values(skip_if_need_has_contact=True)
    )


def _count_old_reminders() -> None:
    """Items some `overdue:item:<id>:to:<person>` message told of are reminded already."""
    connection = op.get_bind()
    rows = connection.execute(
        sa.text(
            "SELECT dedupe_key, created_at FROM outbox_message "
            "WHERE dedupe_key LIKE 'overdue:item:%'"
        )
    )
    first: dict[int, dt.date] = {}
    for key, created_at in rows:
        item_id = int(str(key).split(":")[2])
        day = dt.date.fromisoformat(str(created_at)[:10])  # SQLite answers text
        first[item_id] = min(first.get(item_id, day), day)
    for item_id, day in first.items():
        connection.execute(
            sa.text("UPDATE checklist_item SET reminded_on = :day WHERE id = :id"),
            {"day": day, "id": item_id},
        )


def downgrade() -> None:
    with op.batch_alter_table("checklist_item", schema=None) as batch_op:
        batch_op.drop_column("reminded_on")
        batch_op.drop_column("tickable_from")
    with op.batch_alter_table("checklist_template_item", schema=None) as batch_op:
        batch_op.drop_column("skip_if_need_has_contact")
        batch_op.drop_column("tickable_from")
