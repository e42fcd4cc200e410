"""Migration 0006 lightens a default template left as it shipped: the same items the new
default template ships with, flags and all."""

from __future__ import annotations

import datetime as dt

import pytest
import sqlalchemy as sa

from jobbank import db
from jobbank.checklists import DEFAULT_ITEMS

AS_SHIPPED = (
    ("receiving_leader", "Udpeg en fast kontaktperson for den udlånte medarbejder",
     "Name a contact person for the lent employee", -5, "start"),
    ("receiving_leader", "Forbered konkrete opgaver, der passer til medarbejderens kompetencer",
     "Prepare concrete tasks that fit the employee's skills", -3, "start"),
    ("receiving_leader",
     "Fortæl det faste personale, hvem der kommer, og hvordan I arbejder sammen",
     "Tell the permanent staff who is coming and how you will work together", -2, "start"),
    ("receiving_leader", "Byd velkommen og giv en introduktion på første dag",
     "Welcome and introduce the employee on day one", 0, "start"),
    ("receiving_leader", "Instruér i hygiejne og brug af værnemidler",
     "Give instruction in hygiene and protective equipment", 0, "start"),
    ("receiving_leader", "Følg op med medarbejderen efter første uge",
     "Check in with the employee after the first week", 7, "start"),
    ("receiving_leader", "Hold en kort evaluering ved afslutningen",
     "Hold a short evaluation at the end", 0, "end"),
    ("sending_leader", "Tal med medarbejderen om udlånet før start",
     "Talk with the employee about the deployment before the start", -5, "start"),
    ("sending_leader", "Aftal hvilke hjemmeopgaver der sættes på pause eller overdrages",
     "Agree which home tasks pause or are handed over", -3, "start"),
    ("sending_leader", "Hold kontakten med medarbejderen undervejs",
     "Keep in touch with the employee during the deployment", 7, "start"),
    ("employee", "Læs om enheden og aftal første dag med kontaktpersonen",
     "Read about the unit and agree the first day with the contact person", -1, "start"),
    ("employee", "Gennemgå instruktionen i hygiejne og værnemidler",
     "Complete the hygiene and protective-equipment instruction", 0, "start"),
    ("employee", "Giv en kort evaluering af udlånet",
     "Give a short evaluation of the deployment", 0, "end"),
    ("permanent_staff", "Tag imod den nye kollega og vis rundt",
     "Welcome the new colleague and show them around", 0, "start"),
    ("permanent_staff", "Aftal hvordan I fordeler opgaverne sammen",
     "Agree how you share the tasks", 1, "start"),
)  # fmt: skip
"""The default template's items before migration 0006."""


@pytest.mark.parametrize("backend", ["sqlite", "postgresql"])
def test_the_shipped_default_template_becomes_the_new_one(
    backend: str, fresh_database_url: object
) -> None:
    url: str = fresh_database_url(backend)  # type: ignore[operator]
    db.upgrade(url, "0005")
    engine = db.make_engine(url)
    now = dt.datetime.now(dt.UTC)
    stamps = {"created_at": now, "updated_at": now}
    with engine.begin() as connection:
        template = sa.table(
            "checklist_template",
            *(sa.column(name) for name in ("id", "name", "version", "created_at", "updated_at")),
        )
        connection.execute(template.insert().values(id=1, name="Standard", version=1, **stamps))
        columns = ("template_id", "position", "audience", "title_da", "title_en", "due_day")
        items = sa.table(
            "checklist_template_item",
            *(sa.column(name) for name in (*columns, "anchor", "created_at", "updated_at")),
        )
        for position, (audience, da, en, day, anchor) in enumerate(AS_SHIPPED):
            row = dict(zip(columns, (1, position, audience, da, en, day), strict=True))
            connection.execute(items.insert().values(anchor=anchor, **row, **stamps))
    engine.dispose()

    db.upgrade(url)

    engine = db.make_engine(url)
    with engine.connect() as connection:
        rows = connection.execute(
            sa.text(
                "SELECT audience, title_da, title_en, due_day, anchor, tickable_from,"
                " skip_if_need_has_contact FROM checklist_template_item ORDER BY position"
            )
        ).all()
    engine.dispose()
    assert [(*row[:6], bool(row[6])) for row in rows] == [
        (
            item.audience.value,
            item.title_da,
            item.title_en,
            item.due_day,
            item.anchor.value,
            item.tickable_from.value,
            item.skip_if_need_has_contact,
        )
        for item in DEFAULT_ITEMS
    ]
