"""HR's admin pages for checklist templates, through their forms: a template added, its items
added, edited, moved and removed, what is refused and told at the field (422), a stale copy
(409) and an item of another template (404). On SQLite and PostgreSQL, like every API test."""

from __future__ import annotations

from typing import Any

from jobbank.db.models import AuditEntry, ChecklistTemplateItem
from tests.api.conftest import Client
from tests.api.pages.forms import Login, error_at, ids, page_of, post
from tests.lookups import rows_of


def _template(client: Client, template_id: int) -> dict[str, Any]:
    found: dict[str, Any] = client.get(f"/api/checklist-templates/{template_id}").json()
    return found


def test_hr_adds_an_area_template_and_edits_moves_and_removes_its_items(
    as_user: Login, world_url: str
) -> None:
    hr = as_user("hr")
    world = ids(hr)
    both = {
        "name": "Plejecentre",
        "area_id": str(world["Social og Sundhed"]),
        "unit_id": str(world["solgaarden"]),
    }
    refused = page_of(post(hr, "/admin/checklists", both), 422)
    assert error_at(refused, "template", "unit_id") == "Vælg et område eller en enhed, ikke begge."
    made = post(hr, "/admin/checklists", both | {"unit_id": ""})
    assert made.status_code == 303
    path = made.headers["location"].split("?")[0]
    template_id = int(path.rsplit("/", 1)[1])
    listed = page_of(hr.get("/admin/checklists"), 200)
    assert "Område: Social og Sundhed" in listed["templates"].text
    assert "Alle enheder (standarden)" in listed["templates"].text

    item = {
        "audience": "employee",
        "title_da": "Hent nøglebrik",
        "title_en": "Fetch your key tag",
        "due_day": "-2",
        "anchor": "start",
    }
    shown = page_of(hr.get(path), 200)
    late = item | {"due_day": "365", "version": shown.hidden("version")}
    assert error_at(page_of(post(hr, f"{path}/items", late), 422), "item", "due_day") == (
        "Skriv et helt antal dage fra -60 til 120."
    )
    no_title = item | {"title_en": " ", "version": shown.hidden("version")}
    assert error_at(page_of(post(hr, f"{path}/items", no_title), 422), "item", "title_en") == (
        "Udfyld dette felt."
    )
    for title in ("Hent nøglebrik", "Mød kontaktpersonen"):
        version = page_of(hr.get(path), 200).hidden("version")
        added = post(hr, f"{path}/items", item | {"title_da": title, "version": version})
        assert added.status_code == 303
    first, second = _template(hr, template_id)["items"]
    assert [first["title_da"], second["title_da"]] == ["Hent nøglebrik", "Mød kontaktpersonen"]

    version = page_of(hr.get(path), 200).hidden("version")
    moved = post(hr, f"{path}/items/{second['id']}/move", {"by": "-1", "version": version})
    assert moved.status_code == 303
    stale_move = post(hr, f"{path}/items/{first['id']}/move", {"by": "-1", "version": version})
    assert stale_move.status_code == 409
    assert [i["title_da"] for i in _template(hr, template_id)["items"]] == [
        "Mød kontaktpersonen",
        "Hent nøglebrik",
    ]

    edit = page_of(hr.get(f"{path}/items/{first['id']}"), 200)
    assert edit["item-title_en"].attrs["value"] == "Fetch your key tag"
    change = item | {"due_day": "3", "anchor": "end", "version": edit.hidden("version")}
    assert post(hr, f"{path}/items/{first['id']}", change).status_code == 303
    stale = page_of(post(hr, f"{path}/items/{first['id']}", change | {"due_day": "4"}), 409)
    assert stale["item-version-error"].text.startswith("En anden har ændret dette i mellemtiden.")
    assert stale["item-due_day"].attrs["value"] == "4"
    changed = _template(hr, template_id)["items"][1]
    assert (changed["due_day"], changed["anchor"]) == (3, "end")

    version = page_of(hr.get(path), 200).hidden("version")
    assert post(hr, f"{path}/items/{second['id']}/delete", {"version": version}).status_code == 303
    assert [i["title_da"] for i in _template(hr, template_id)["items"]] == ["Hent nøglebrik"]
    actions = [
        e.action
        for e in rows_of(world_url, AuditEntry, AuditEntry.entity == "checklist_template_item")
    ]
    assert actions[-5:] == ["create", "create", "move", "update", "delete"]


def test_hr_marks_from_when_an_item_can_be_ticked_and_to_skip_it_for_a_named_contact(
    as_user: Login,
) -> None:
    hr = as_user("hr")
    templates = hr.get("/api/checklist-templates").json()["items"]
    default = next(t for t in templates if t["is_default"])
    path = f"/admin/checklists/{default['id']}"
    shown = page_of(hr.get(path), 200)
    assert shown["item-tickable_from"].tag == "select"
    assert "checked" not in shown["item-skip_if_need_has_contact"].attrs
    item = {
        "audience": "receiving_leader",
        "title_da": "Aftal hvem der tager imod",
        "title_en": "Agree who welcomes the employee",
        "due_day": "-3",
        "anchor": "start",
        "tickable_from": "start",
        "skip_if_need_has_contact": "on",
        "version": shown.hidden("version"),
    }
    assert post(hr, f"{path}/items", item).status_code == 303
    added = _template(hr, default["id"])["items"][-1]
    assert (added["tickable_from"], added["skip_if_need_has_contact"]) == ("start", True)
    table = page_of(hr.get(path), 200)[f"item-{added['id']}"].text
    assert "kan markeres som udført fra første dag" in table
    assert "udelades, når behovet nævner en kontaktperson" in table

    edit = page_of(hr.get(f"{path}/items/{added['id']}"), 200)
    assert "checked" in edit["item-skip_if_need_has_contact"].attrs
    unticked = {k: v for k, v in item.items() if k != "skip_if_need_has_contact"}
    change = unticked | {"tickable_from": "last_week", "version": edit.hidden("version")}
    assert post(hr, f"{path}/items/{added['id']}", change).status_code == 303
    changed = _template(hr, default["id"])["items"][-1]
    assert (changed["tickable_from"], changed["skip_if_need_has_contact"]) == ("last_week", False)
    odd = change | {
        "tickable_from": "tomorrow",
        "version": str(_template(hr, default["id"])["version"]),
    }
    refused = page_of(post(hr, f"{path}/items/{added['id']}", odd), 422)
    assert error_at(refused, "item", "tickable_from") == "Vælg en fra listen."


def test_the_default_template_cannot_be_deleted_and_items_belong_to_their_template(
    as_user: Login, world_url: str
) -> None:
    hr = as_user("hr")
    templates = hr.get("/api/checklist-templates").json()["items"]
    default = next(t for t in templates if t["is_default"])
    assert post(hr, f"/admin/checklists/{default['id']}/delete", {}).status_code == 409
    made = post(
        hr, "/admin/checklists", {"name": "Solgården", "unit_id": str(ids(hr)["solgaarden"])}
    )
    other = int(made.headers["location"].split("?")[0].rsplit("/", 1)[1])
    item = default["items"][0]["id"]
    assert hr.get(f"/admin/checklists/{other}/items/{item}").status_code == 404
    version = page_of(hr.get(f"/admin/checklists/{other}"), 200).hidden("version")
    gone = post(hr, f"/admin/checklists/{other}/items/{item}/delete", {"version": version})
    assert gone.status_code == 404
    assert rows_of(world_url, ChecklistTemplateItem, ChecklistTemplateItem.id == item) != []
    deleted = post(hr, f"/admin/checklists/{other}/delete", {})
    assert deleted.status_code == 303
    assert hr.get(f"/admin/checklists/{other}").status_code == 404
