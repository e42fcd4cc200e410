"""Checklists over HTTP: each audience sees and ticks only its items; HR manages templates."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable
from typing import Any

import pytest
from litestar import Litestar

from jobbank.checklists import DEFAULT_ITEMS
from tests.api.conftest import Client
from tests.api.published_round import THIS_MONDAY, Ids, first_round

ALL = {"receiving_leader", "sending_leader", "employee", "permanent_staff"}
CONTACT_TITLE = "Name a contact person for the lent employee"
TALK_TITLE = "Talk with the employee about the deployment before the start"
EVALUATION_TITLE = "Hold a short evaluation at the end"
READ_TITLE = "Read about the unit and agree the first day with the contact person"
SHARE_TITLE = "Agree how you share the tasks"
"""The permanent staff's item, which the receiving leader ticks for the team."""


@pytest.fixture
def ids(app: Litestar) -> Ids:
    return first_round(app)


def checklists_of(client: Client, query: str = "") -> list[dict[str, Any]]:
    response = client.get(f"/api/checklists{query}")
    assert response.status_code == 200, response.text
    items: list[dict[str, Any]] = response.json()["items"]
    return items


def anne_checklist(hr: Client, ids: Ids) -> dict[str, Any]:
    [checklist] = [c for c in checklists_of(hr) if c["person"]["id"] == ids.anne]
    return checklist


def item_id(checklist: dict[str, Any], title_en: str) -> int:
    [found] = [int(i["id"]) for i in checklist["items"] if i["title_en"] == title_en]
    return found


def audiences(checklist: dict[str, Any]) -> set[str]:
    return {item["audience"] for item in checklist["items"]}


# --- who sees what -------------------------------------------------------------------


def test_hr_sees_every_checklist_with_every_item(
    as_user: Callable[[str], Client], ids: Ids
) -> None:
    found = checklists_of(as_user("hr"))
    assert {c["person"]["name"] for c in found} == {"Anne Jensen", "Bo Nielsen"}
    for checklist in found:
        assert checklist["unit"]["code"] == "solgaarden"
        assert checklist["round"]["id"] == ids.round_id
        assert checklist["starts_on"] == THIS_MONDAY.isoformat()
        assert audiences(checklist) == ALL
    # Bo's need names Dorte as his contact person: nobody need name one for him.
    items = {c["person"]["name"]: [i["title_en"] for i in c["items"]] for c in found}
    assert len(items["Anne Jensen"]) == len(DEFAULT_ITEMS)
    assert CONTACT_TITLE in items["Anne Jensen"]
    assert sorted(items["Bo Nielsen"]) == sorted(set(items["Anne Jensen"]) - {CONTACT_TITLE})
    anne = anne_checklist(as_user("hr"), ids)
    assert anne["person"] == {
        "id": ids.anne,
        "name": "Anne Jensen",
        "email": "anne@x.example",
        "phone": "",
    }


@pytest.mark.parametrize(
    ("user", "people", "seen"),
    [
        ("leder_sol", {"Anne Jensen", "Bo Nielsen"}, {"receiving_leader", "permanent_staff"}),
        ("leder_bs", {"Anne Jensen", "Bo Nielsen"}, {"sending_leader"}),
        ("anne", {"Anne Jensen"}, {"employee"}),
        ("bo", {"Bo Nielsen"}, {"employee"}),
        ("leder_hp", set(), set()),
        ("carla", set(), set()),
    ],
)
def test_each_audience_sees_only_its_own_items(
    as_user: Callable[[str], Client], ids: Ids, user: str, people: set[str], seen: set[str]
) -> None:
    found = checklists_of(as_user(user))
    assert {c["person"]["name"] for c in found} == people
    assert all(audiences(c) == seen for c in found)


def test_a_checklist_out_of_reach_answers_404(as_user: Callable[[str], Client], ids: Ids) -> None:
    anne = anne_checklist(as_user("hr"), ids)
    path = f"/api/checklists/{anne['id']}"
    for user in ("leder_hp", "bo", "carla"):
        assert as_user(user).get(path).status_code == 404, user
    mine = as_user("anne").get(path)
    assert mine.status_code == 200
    assert audiences(mine.json()) == {"employee"}
    assert as_user("hr").get("/api/checklists/999999").status_code == 404


def test_checklists_filter_by_round_unit_and_overdue_and_page(
    as_user: Callable[[str], Client], ids: Ids
) -> None:
    hr = as_user("hr")
    assert len(checklists_of(hr, f"?round_id={ids.round_id}")) == 2
    assert checklists_of(hr, f"?round_id={ids.round_id + 1}") == []
    assert len(checklists_of(hr, f"?unit_id={ids.solgaarden}")) == 2
    assert checklists_of(hr, f"?unit_id={ids.hjemmeplejen}") == []
    page = hr.get("/api/checklists?limit=1&offset=1").json()
    assert page["total"] == 2 and len(page["items"]) == 1 and page["offset"] == 1
    # the contact-person item is due five days before the start: overdue from then on
    assert len(checklists_of(hr, "?overdue=true")) == 2
    leader = as_user("leder_sol")
    for checklist in checklists_of(leader):
        for item in checklist["items"]:
            if item["due_on"] < dt.date.today().isoformat():
                leader.post(f"/api/checklists/items/{item['id']}/done", json={})
    assert checklists_of(leader, "?overdue=true") == []
    assert len(checklists_of(as_user("leder_bs"), "?overdue=true")) == 2


# --- ticking -------------------------------------------------------------------------


def test_anne_ticks_her_own_item_and_no_one_elses(
    as_user: Callable[[str], Client], ids: Ids
) -> None:
    checklist = anne_checklist(as_user("hr"), ids)
    anne = as_user("anne")
    own = item_id(checklist, READ_TITLE)
    response = anne.post(f"/api/checklists/items/{own}/done", json={"version": 1})
    assert response.status_code == 200, response.text
    [ticked] = [i for i in response.json()["items"] if i["id"] == own]
    assert ticked["done_at"] is not None and ticked["done_by"] == "anne"
    assert ticked["version"] == 2 and ticked["overdue"] is False
    for other in (CONTACT_TITLE, TALK_TITLE, SHARE_TITLE):
        path = f"/api/checklists/items/{item_id(checklist, other)}/done"
        assert anne.post(path, json={}).status_code == 404, other
    assert as_user("bo").post(f"/api/checklists/items/{own}/done").status_code == 404


def test_receiving_leader_ticks_receiving_and_permanent_staff_items(
    as_user: Callable[[str], Client], ids: Ids
) -> None:
    checklist = anne_checklist(as_user("hr"), ids)
    leader = as_user("leder_sol")
    for title in (CONTACT_TITLE, SHARE_TITLE):
        path = f"/api/checklists/items/{item_id(checklist, title)}/done"
        assert leader.post(path, json={}).status_code == 200, title
    for title in (TALK_TITLE, READ_TITLE):
        path = f"/api/checklists/items/{item_id(checklist, title)}/done"
        assert leader.post(path, json={}).status_code == 404, title
    contact = f"/api/checklists/items/{item_id(checklist, CONTACT_TITLE)}/done"
    assert as_user("leder_hp").post(contact, json={}).status_code == 404
    assert as_user("leder_bs").post(contact, json={}).status_code == 404


def test_sending_leader_ticks_the_sending_items_of_their_staff(
    as_user: Callable[[str], Client], ids: Ids
) -> None:
    checklist = anne_checklist(as_user("hr"), ids)
    talk = f"/api/checklists/items/{item_id(checklist, TALK_TITLE)}/done"
    assert as_user("leder_sol").post(talk, json={}).status_code == 404
    assert as_user("anne").post(talk, json={}).status_code == 404
    response = as_user("leder_bs").post(talk, json={})
    assert response.status_code == 200
    done = {i["title_en"]: i["done_by"] for i in response.json()["items"]}
    assert len(done) == 3 and done.pop(TALK_TITLE) == "leder_bs"
    assert set(done.values()) == {None}


def test_hr_may_tick_any_item(as_user: Callable[[str], Client], ids: Ids) -> None:
    checklist = anne_checklist(as_user("hr"), ids)
    hr = as_user("hr")
    for title in (CONTACT_TITLE, TALK_TITLE, READ_TITLE, SHARE_TITLE):
        path = f"/api/checklists/items/{item_id(checklist, title)}/done"
        assert hr.post(path, json={}).status_code == 200, title


def test_a_tick_is_version_checked_undone_and_audited(
    as_user: Callable[[str], Client], ids: Ids
) -> None:
    checklist = anne_checklist(as_user("hr"), ids)
    anne = as_user("anne")
    path = f"/api/checklists/items/{item_id(checklist, READ_TITLE)}/done"
    assert anne.post(path, json={"version": 1}).status_code == 200
    stale = anne.post(path, json={"version": 1})
    assert stale.status_code == 409
    assert "version 1 is out of date" in stale.json()["detail"]
    assert anne.delete(f"{path}?version=1").status_code == 409
    undone = anne.delete(f"{path}?version=2")
    assert undone.status_code == 200
    [item] = [i for i in undone.json()["items"] if i["title_en"] == READ_TITLE]
    assert item["done_at"] is None and item["done_by"] is None and item["version"] == 3
    entries = as_user("hr").get("/api/audit?entity=checklist_item").json()["items"]
    assert [(e["action"], e["username"]) for e in entries] == [
        ("untick", "anne"),
        ("tick", "anne"),
    ]
    assert entries[1]["before"] == {"done_at": None, "done_by_id": None}
    assert entries[1]["after"]["done_at"] is not None


def test_the_evaluation_cannot_be_ticked_before_the_last_week(
    as_user: Callable[[str], Client], ids: Ids
) -> None:
    checklist = anne_checklist(as_user("hr"), ids)
    [evaluation] = [i for i in checklist["items"] if i["title_en"] == EVALUATION_TITLE]
    last_week = THIS_MONDAY + dt.timedelta(weeks=1)  # Anne is lent this week and next
    assert evaluation["tickable_from"] == last_week.isoformat()
    assert evaluation["tickable"] is False
    for user in ("leder_sol", "hr"):
        refused = as_user(user).post(f"/api/checklists/items/{evaluation['id']}/done", json={})
        assert refused.status_code == 409, refused.text
        assert refused.json()["code"] == "checklist_item_not_yet_tickable"
        assert f"can be ticked from {last_week.isoformat()}" in refused.json()["detail"]
    again = anne_checklist(as_user("hr"), ids)
    assert [i["done_at"] for i in again["items"] if i["id"] == evaluation["id"]] == [None]
    read = [i for i in checklist["items"] if i["title_en"] == READ_TITLE]
    assert read[0]["tickable_from"] is None and read[0]["tickable"] is True


def test_the_page_offers_no_tick_before_an_item_opens_and_says_from_when(
    as_user: Callable[[str], Client], ids: Ids
) -> None:
    checklist = anne_checklist(as_user("hr"), ids)
    [evaluation] = [i for i in checklist["items"] if i["title_en"] == EVALUATION_TITLE]
    page = as_user("leder_sol").get("/deployments/incoming")
    assert page.status_code == 200
    shown = re.search(
        rf'<li class="checklist-item not-yet" id="item-{evaluation["id"]}">.*?</li>',
        page.text,
        re.S,
    )
    assert shown is not None, "the evaluation is not shown as not open yet"
    assert "<form" not in shown.group(0) and "tick-" not in shown.group(0)
    opens = dt.date.fromisoformat(evaluation["tickable_from"])
    assert f"kan markeres som udført fra {opens.day}. " in shown.group(0)
    share = item_id(checklist, SHARE_TITLE)  # open from publishing: a tick button
    assert f'id="tick-{share}"' in page.text


# --- overdue -------------------------------------------------------------------------


def overdue_of(client: Client) -> list[dict[str, Any]]:
    response = client.get("/api/checklists/overdue")
    assert response.status_code == 200, response.text
    items: list[dict[str, Any]] = response.json()["items"]
    return items


def test_overdue_items_are_listed_for_their_audience(
    as_user: Callable[[str], Client], ids: Ids
) -> None:
    contact_due = THIS_MONDAY - dt.timedelta(days=5)
    leader = overdue_of(as_user("leder_sol"))
    contact = [o for o in leader if o["title_en"] == CONTACT_TITLE]
    assert {o["person"]["name"] for o in contact} == {"Anne Jensen"}  # Bo's need names one
    assert all(o["audience"] in {"receiving_leader", "permanent_staff"} for o in leader)
    assert contact[0]["due_on"] == contact_due.isoformat()
    assert contact[0]["days_overdue"] == (dt.date.today() - contact_due).days
    assert contact[0]["unit"]["code"] == "solgaarden"
    assert {o["audience"] for o in overdue_of(as_user("leder_bs"))} == {"sending_leader"}
    assert {o["audience"] for o in overdue_of(as_user("anne"))} == {"employee"}
    assert overdue_of(as_user("leder_hp")) == []
    everything = overdue_of(as_user("hr"))
    users = ("leder_sol", "leder_bs", "anne", "bo")
    assert len(everything) == sum(len(overdue_of(as_user(u))) for u in users)
    days = [o["days_overdue"] for o in everything]
    assert days == sorted(days, reverse=True)


def test_a_ticked_item_is_no_longer_overdue(as_user: Callable[[str], Client], ids: Ids) -> None:
    leader = as_user("leder_sol")
    before = overdue_of(leader)
    first = before[0]
    assert leader.post(f"/api/checklists/items/{first['item_id']}/done").status_code == 200
    after = overdue_of(leader)
    assert first["item_id"] not in {o["item_id"] for o in after}
    assert len(after) == len(before) - 1


# --- templates -----------------------------------------------------------------------


def test_hr_lists_the_default_template(as_user: Callable[[str], Client]) -> None:
    page = as_user("hr").get("/api/checklist-templates").json()
    [default] = page["items"]
    assert default["is_default"] and default["area_id"] is None and default["unit_id"] is None
    assert [i["title_en"] for i in default["items"]] == [i.title_en for i in DEFAULT_ITEMS]


def test_hr_manages_an_area_template_and_its_items(
    as_user: Callable[[str], Client], ids: Ids
) -> None:
    hr = as_user("hr")
    area_id = ids.social_area
    made = hr.post("/api/checklist-templates", json={"name": "Plejecentre", "area_id": area_id})
    assert made.status_code == 201, made.text
    template = made.json()
    assert template["is_default"] is False and template["items"] == []
    path = f"/api/checklist-templates/{template['id']}"
    item = hr.post(
        f"{path}/items",
        json={
            "audience": "employee",
            "title_da": "Hent nøglebrik",
            "title_en": "Fetch your key tag",
            "due_day": -2,
        },
    )
    assert item.status_code == 201, item.text
    assert item.json()["position"] == 0 and item.json()["anchor"] == "start"
    item_path = f"{path}/items/{item.json()['id']}"
    changed = hr.patch(item_path, json={"due_day": 3, "anchor": "end"})
    assert changed.status_code == 200
    assert (changed.json()["due_day"], changed.json()["anchor"]) == (3, "end")
    renamed = hr.patch(path, json={"name": "Plejecentre (alle)", "version": 1})
    assert renamed.status_code == 200 and renamed.json()["version"] == 2
    assert hr.patch(path, json={"name": "Igen", "version": 1}).status_code == 409
    assert hr.get(path).json()["items"][0]["title_en"] == "Fetch your key tag"
    assert hr.get(f"/api/checklist-templates?area_id={area_id}").json()["total"] == 1
    assert hr.delete(item_path).status_code == 204
    assert hr.get(path).json()["items"] == []
    assert hr.delete(path).status_code == 204
    assert hr.get(path).status_code == 404
    actions = [
        (e["entity"], e["action"])
        for e in hr.get("/api/audit?limit=6").json()["items"]
        if e["entity"].startswith("checklist_template")
    ]
    assert actions == [
        ("checklist_template", "delete"),
        ("checklist_template_item", "delete"),
        ("checklist_template", "update"),
        ("checklist_template_item", "update"),
        ("checklist_template_item", "create"),
        ("checklist_template", "create"),
    ]


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"name": "Both", "area_id": 1, "unit_id": 1}, "unit_id"),
        ({"name": "Neither"}, "area_id"),
        ({"name": "Nowhere", "area_id": 999999}, "area_id"),
        ({"name": "  ", "unit_id": 1}, "name"),
    ],
)
def test_a_template_is_for_one_existing_area_or_unit(
    as_user: Callable[[str], Client], body: dict[str, Any], field: str
) -> None:
    response = as_user("hr").post("/api/checklist-templates", json=body)
    assert response.status_code == 422, response.text
    assert response.json()["errors"][0]["field"] == field


def test_template_items_are_checked(as_user: Callable[[str], Client], ids: Ids) -> None:
    hr = as_user("hr")
    default = hr.get("/api/checklist-templates").json()["items"][0]
    path = f"/api/checklist-templates/{default['id']}/items"
    base = {"audience": "employee", "title_da": "x", "title_en": "x"}
    too_late = hr.post(path, json=base | {"due_day": 121})
    assert too_late.status_code == 422
    assert too_late.json()["detail"] == "due_day: must be at most 120, got 121"
    assert hr.post(path, json=base | {"due_day": -61}).status_code == 422
    assert hr.post(path, json=base | {"audience": "everyone"}).status_code == 400
    added = hr.post(path, json=base | {"due_day": 120})
    assert added.status_code == 201 and added.json()["position"] == len(DEFAULT_ITEMS)
    item_path = f"{path}/{added.json()['id']}"
    assert hr.patch(item_path, json={"title_en": " "}).status_code == 422
    other = hr.post("/api/checklist-templates", json={"name": "U", "unit_id": ids.solgaarden})
    foreign = f"/api/checklist-templates/{other.json()['id']}/items/{added.json()['id']}"
    assert hr.patch(foreign, json={"due_day": 1}).status_code == 404


def test_the_default_template_cannot_be_deleted_or_narrowed(
    as_user: Callable[[str], Client], ids: Ids
) -> None:
    hr = as_user("hr")
    default = hr.get("/api/checklist-templates").json()["items"][0]
    path = f"/api/checklist-templates/{default['id']}"
    assert hr.delete(path).status_code == 409
    narrowed = hr.patch(path, json={"unit_id": ids.solgaarden})
    assert narrowed.status_code == 422
    renamed = hr.patch(path, json={"name": "Standard"})
    assert renamed.status_code == 200 and renamed.json()["is_default"]


@pytest.mark.parametrize("user", ["leder_sol", "leder_bs", "anne"])
def test_templates_do_not_exist_for_leaders_and_staff(
    as_user: Callable[[str], Client], user: str
) -> None:
    hr = as_user("hr")
    default = hr.get("/api/checklist-templates").json()["items"][0]
    client = as_user(user)
    path = f"/api/checklist-templates/{default['id']}"
    assert client.get("/api/checklist-templates").status_code == 404
    assert client.get(path).status_code == 404
    assert (
        client.post("/api/checklist-templates", json={"name": "x", "area_id": 1}).status_code == 404
    )
    assert client.patch(path, json={"name": "mine"}).status_code == 404
    assert client.delete(path).status_code == 404
    item = default["items"][0]["id"]
    assert client.delete(f"{path}/items/{item}").status_code == 404
    assert hr.get(path).json()["name"] == default["name"]


def test_checklists_need_a_log_in(anonymous: Client) -> None:
    assert anonymous.get("/api/checklists").status_code == 401
    assert anonymous.get("/api/checklists/overdue").status_code == 401
    assert anonymous.get("/api/checklist-templates").status_code == 401


def test_no_checklist_response_mentions_the_risk_group(
    as_user: Callable[[str], Client], ids: Ids
) -> None:
    for user in ("hr", "leder_sol", "leder_bs", "bo"):
        client = as_user(user)
        for path in ("/api/checklists", "/api/checklists/overdue"):
            assert "risk" not in client.get(path).text, (user, path)
