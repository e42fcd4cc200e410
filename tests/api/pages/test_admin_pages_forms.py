"""HR's admin pages for people, log-ins, units and checklist templates, through their forms:
what is saved, what is refused and told at the field (422), a stale copy (409), and what is
not there for anyone else (404). On SQLite and PostgreSQL, like every API test."""

from __future__ import annotations

import re
from collections.abc import Callable
from html.parser import HTMLParser
from typing import Any

import pytest
from httpx import Response

from jobbank.db.models import AuditEntry, AuthSession, ChecklistTemplateItem, Person, UserAccount
from tests.api.conftest import Client
from tests.builders import PASSWORD
from tests.lookups import rows_of

Login = Callable[[str], Client]
NEW_PASSWORD = "a long enough first password"


# --- reading a page ----------------------------------------------------------------------


class Element:
    def __init__(self, tag: str, attrs: dict[str, str]) -> None:
        self.tag, self.attrs, self.text = tag, attrs, ""


class Page(HTMLParser):
    """The elements of a page that have an id, with their attributes and text."""

    VOID = frozenset({"input", "br", "img", "meta", "link", "hr", "source"})

    def __init__(self, html: str) -> None:
        super().__init__()
        self.by_id: dict[str, Element] = {}
        self.elements: list[Element] = []
        self.open: list[Element] = []
        self.feed(html)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        element = Element(tag, {name: value or "" for name, value in attrs})
        self.elements.append(element)
        if "id" in element.attrs:
            self.by_id[element.attrs["id"]] = element
        if tag not in self.VOID:
            self.open.append(element)

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.handle_starttag(tag, attrs)
        if tag not in self.VOID:
            self.open.pop()

    def handle_endtag(self, tag: str) -> None:
        if not any(element.tag == tag for element in self.open):
            return
        while self.open.pop().tag != tag:
            pass

    def handle_data(self, data: str) -> None:
        for element in self.open:
            element.text += data

    def __getitem__(self, element_id: str) -> Element:
        return self.by_id[element_id]

    def hidden(self, name: str) -> str:
        """The value of the first hidden field called `name`."""
        return next(
            e.attrs["value"]
            for e in self.elements
            if e.tag == "input" and e.attrs.get("name") == name and e.attrs.get("type") == "hidden"
        )


def page_of(response: Response, status: int) -> Page:
    assert response.status_code == status, response.text
    return Page(response.text)


def error_at(page: Page, form: str, field: str) -> str:
    """The error shown at a field, checking the field points at it and is marked invalid."""
    error_id = f"{form}-{field}-error"
    described = [e for e in page.elements if e.attrs.get("aria-describedby") == error_id]
    assert described, f"no field is described by #{error_id}"
    assert all(e.attrs.get("aria-invalid") == "true" for e in described if e.tag != "button")
    return page[error_id].text.strip()


def post(client: Client, path: str, form: dict[str, Any]) -> Response:
    return client.post(path, data=form, follow_redirects=False)


def ids(client: Client) -> dict[str, int]:
    units = client.get("/api/units").json()["items"]
    areas = client.get("/api/areas").json()["items"]
    found = {unit["code"]: unit["id"] for unit in units}
    found |= {area["name"]: area["id"] for area in areas}
    return found


def person_named(client: Client, q: str) -> dict[str, Any]:
    found: dict[str, Any] = client.get("/api/people", params={"q": q}).json()["items"][0]
    return found


def audit(url: str, entity: str, action: str) -> list[AuditEntry]:
    where = (AuditEntry.entity == entity, AuditEntry.action == action)
    return rows_of(url, AuditEntry, *where)


# --- people --------------------------------------------------------------------------------


def test_people_are_searched_by_name_or_number_filtered_by_unit_and_paged(
    as_user: Login, monkeypatch: pytest.MonkeyPatch
) -> None:
    hr = as_user("hr")
    units = ids(hr)
    by_name = page_of(hr.get("/admin/people", params={"q": "leder"}), 200)
    assert [
        e.text
        for e in by_name.elements
        if e.tag == "a" and re.fullmatch(r"/admin/people/\d+", e.attrs.get("href", ""))
    ] == ["Dorte Leder", "Erik Leder", "Frida Leder", "Gustav Leder"]
    by_number = page_of(hr.get("/admin/people", params={"q": "e6"}), 200)
    assert "Frida Leder" in by_number["people"].text
    assert "Erik Leder" not in by_number["people"].text
    at_hp = page_of(hr.get("/admin/people", params={"unit_id": units["hjemmeplejen"]}), 200)
    assert "Gustav Leder" in at_hp["people"].text and "Frida" not in at_hp["people"].text

    monkeypatch.setattr("api.pages.admin_people.PER_PAGE", 2)
    first = page_of(hr.get("/admin/people", params={"q": "leder"}), 200)
    assert first["people-count"].text.startswith("4 ")
    assert "side 1 af 2" in first["people-count"].text
    following = next(e for e in first.elements if e.attrs.get("rel") == "next").attrs["href"]
    assert following == "/admin/people?q=leder&page=2"
    second = page_of(hr.get(following), 200)
    assert "Gustav Leder" in second["people"].text and "Erik" not in second["people"].text
    assert not [e for e in second.elements if e.attrs.get("rel") == "next"]


def test_hr_adds_a_person_with_a_message_language_and_wrong_fields_are_told_at_the_field(
    as_user: Login, world_url: str
) -> None:
    hr = as_user("hr")
    bs = ids(hr)["borgerservice"]
    form = {
        "employee_no": "e1",
        "name": "Nina Ny",
        "email": "not an address",
        "phone": "",
        "language": "en",
        "home_unit_id": str(bs),
    }
    taken = page_of(post(hr, "/admin/people", form), 422)
    assert error_at(taken, "person", "employee_no") == (
        "En anden person har allerede dette medarbejdernummer."
    )
    assert error_at(taken, "person", "email").startswith("Skriv en e-mailadresse")  # all at once
    assert taken["person-name"].attrs["value"] == "Nina Ny"  # what was typed stays
    assert "aria-invalid" not in taken["person-name"].attrs

    wrong_mail = page_of(post(hr, "/admin/people", form | {"employee_no": "e50"}), 422)
    assert error_at(wrong_mail, "person", "email").startswith("Skriv en e-mailadresse")
    no_unit = {"employee_no": "e50", "email": "nina@x.example", "home_unit_id": ""}
    assert error_at(
        page_of(post(hr, "/admin/people", form | no_unit), 422), "person", "home_unit_id"
    ) == ("Vælg en fra listen.")
    french = form | {"employee_no": "e50", "email": "nina@x.example", "language": "fr"}
    assert error_at(page_of(post(hr, "/admin/people", french), 422), "person", "language") == (
        "Vælg dansk eller engelsk."
    )
    assert rows_of(world_url, Person, Person.employee_no == "e50") == []

    good = form | {"employee_no": "e50", "email": "nina@x.example"}
    saved = post(hr, "/admin/people", good)
    assert saved.status_code == 303 and saved.headers["location"].startswith("/admin/people?")
    listed = page_of(hr.get(saved.headers["location"]), 200)
    assert [e.text for e in listed.elements if e.attrs.get("class") == "notice"] == ["e50 er gemt."]
    assert "Nina Ny" in listed["people"].text
    nina = person_named(hr, "e50")
    assert (nina["name"], nina["language"], nina["home_unit"]["id"]) == ("Nina Ny", "en", bs)
    [created] = [
        e.after
        for e in audit(world_url, "person", "create")
        if (e.after or {}).get("employee_no") == "e50"
    ]
    assert created is not None and created["language"] == "en"


def test_the_person_form_is_checked_as_hr_types_and_nothing_is_saved(
    as_user: Login, world_url: str
) -> None:
    hr = as_user("hr")
    typed = {"employee_no": "e1", "name": "", "email": "nina@", "home_unit_id": ""}
    checked = page_of(post(hr, "/admin/people/validate", typed), 200)
    told = {
        name: checked[f"person-{name}-error"].text
        for name in ("employee_no", "name", "email", "home_unit_id", "language")
    }
    assert told == {
        "employee_no": "En anden person har allerede dette medarbejdernummer.",
        "name": "",  # not typed yet: saving tells it
        "email": "Skriv en e-mailadresse, fx navn@eksempel.dk.",
        "home_unit_id": "",
        "language": "",
    }
    assert checked["person-email-error"].attrs["hx-swap-oob"] == "innerHTML"
    anne = person_named(hr, "e1")
    change = {"employee_no": "e2", "name": "", "home_unit_id": str(anne["home_unit"]["id"])}
    edit = page_of(post(hr, f"/admin/people/{anne['id']}/validate", change), 200)
    assert edit["person-name-error"].text == "Udfyld dette felt."  # a change tells every field
    assert edit["person-employee_no-error"].text.startswith("En anden person")
    assert person_named(hr, "e1")["name"] == anne["name"]
    assert audit(world_url, "person", "update") == []


def test_a_person_is_changed_from_the_version_shown_and_a_stale_copy_is_409(
    as_user: Login, world_url: str
) -> None:
    hr = as_user("hr")
    anne = person_named(hr, "e1")
    shown = page_of(hr.get(f"/admin/people/{anne['id']}"), 200)
    form = {
        name: shown[f"person-{name}"].attrs["value"]
        for name in ("employee_no", "name", "email", "phone")
    }
    form |= {"home_unit_id": str(anne["home_unit"]["id"]), "language": "en"}
    form["version"] = shown.hidden("version")
    assert post(hr, f"/admin/people/{anne['id']}", form).status_code == 303
    assert person_named(hr, "e1")["language"] == "en"

    stale = page_of(post(hr, f"/admin/people/{anne['id']}", form | {"name": "Anne Anden"}), 409)
    assert stale["person-version-error"].text.startswith("En anden har ændret dette i mellemtiden.")
    assert stale["person-name"].attrs["value"] == "Anne Anden"
    assert person_named(hr, "e1")["name"] == anne["name"]
    [changed] = [e for e in audit(world_url, "person", "update") if e.entity_id == str(anne["id"])]
    assert changed.before == {"language": "da"} and changed.after == {"language": "en"}


def test_the_api_takes_and_gives_the_message_language(as_user: Login) -> None:
    hr = as_user("hr")
    bs = ids(hr)["borgerservice"]
    made = hr.post(
        "/api/people",
        json={"employee_no": "e60", "name": "Ole", "home_unit_id": bs, "language": "en"},
    )
    assert made.status_code == 201 and made.json()["language"] == "en"
    plain = hr.post("/api/people", json={"employee_no": "e61", "name": "Per", "home_unit_id": bs})
    assert plain.json()["language"] == "da"
    wrong = hr.patch(
        f"/api/people/{made.json()['id']}",
        json={"version": made.json()["version"], "language": "de"},
    )
    assert wrong.status_code == 422 and "language" in wrong.json()["detail"]


# --- log-ins -------------------------------------------------------------------------------


def test_hr_gives_a_person_a_log_in_and_wrong_fields_are_told_at_the_field(
    as_user: Login, world_url: str, open_clients: Callable[[], Client]
) -> None:
    hr = as_user("hr")
    bs = ids(hr)["borgerservice"]
    hr.post("/api/people", json={"employee_no": "e70", "name": "Lone Log", "home_unit_id": bs})
    form: dict[str, Any] = {
        "employee_no": "e70",
        "username": "lone",
        "password": "short",
        "roles": ["staff", "unit_leader"],
    }
    short = page_of(post(hr, "/admin/users", form), 422)
    assert error_at(short, "user", "password") == "Brug mindst 12 tegn."
    assert short["user-password"].attrs["value"] == ""  # a password is never sent back
    assert short["user-role-unit_leader"].attrs.get("checked") is not None

    refusals: dict[str, tuple[dict[str, Any], str]] = {
        "employee_no": ({"employee_no": "e1"}, "Personen har allerede et log-in."),
        "username": ({"username": "anne"}, "Et andet log-in har allerede dette brugernavn."),
        "roles": ({"roles": []}, "Vælg mindst én rolle."),
    }
    for field, (change, told) in refusals.items():
        refused = page_of(post(hr, "/admin/users", form | {"password": NEW_PASSWORD} | change), 422)
        assert error_at(refused, "user", field) == told, field
    unknown = page_of(post(hr, "/admin/users", form | {"employee_no": "e999"}), 422)
    assert error_at(unknown, "user", "employee_no") == "Ingen person har dette medarbejdernummer."
    assert rows_of(world_url, UserAccount, UserAccount.username == "lone") == []

    made = post(hr, "/admin/users", form | {"password": NEW_PASSWORD})
    assert made.status_code == 303
    users = hr.get(made.headers["location"])
    assert "lone" in Page(users.text)["users"].text
    assert "argon2" not in users.text and "$" not in Page(users.text)["users"].text
    lone = open_clients()
    logged_in = lone.post("/api/auth/login", json={"username": "lone", "password": NEW_PASSWORD})
    assert logged_in.status_code == 200
    assert sorted(lone.get("/api/me").json()["roles"]) == ["staff", "unit_leader"]


def test_hr_changes_roles_and_switching_a_log_in_off_ends_its_sessions(
    as_user: Login, world_url: str
) -> None:
    hr, anne = as_user("hr"), as_user("anne")
    anne_id = hr.get("/api/users", params={"q": "anne"}).json()["items"][0]["id"]
    shown = page_of(hr.get(f"/admin/users/{anne_id}"), 200)
    assert "argon2" not in hr.get(f"/admin/users/{anne_id}").text
    version = shown.hidden("version")
    roles = {"version": version, "roles": ["staff", "hr_coordinator"]}
    assert post(hr, f"/admin/users/{anne_id}/roles", roles).status_code == 303
    stale = page_of(post(hr, f"/admin/users/{anne_id}/active", {"version": version}), 409)
    assert stale["user-version-error"].text.startswith("En anden har ændret dette i mellemtiden.")
    assert anne.get("/api/me").status_code == 200

    fresh = page_of(hr.get(f"/admin/users/{anne_id}"), 200).hidden("version")
    off = post(hr, f"/admin/users/{anne_id}/active", {"version": fresh, "active": "off"})
    assert off.status_code == 303
    assert anne.get("/api/me").status_code == 401
    live = rows_of(
        world_url,
        AuthSession,
        AuthSession.user_id == anne_id,
        AuthSession.revoked_at.is_(None),
    )
    assert live == []
    shown_off = page_of(hr.get(f"/admin/users/{anne_id}"), 200)
    assert "Slå log-in'et til" in shown_off["active-form"].text
    again = {"version": shown_off.hidden("version"), "active": "on"}
    assert post(hr, f"/admin/users/{anne_id}/active", again).status_code == 303
    assert hr.get(f"/api/users/{anne_id}").json()["is_active"] is True


def test_hr_cannot_take_their_own_hr_role_or_switch_themselves_off(as_user: Login) -> None:
    hr = as_user("hr")
    own = hr.get("/api/me").json()["user_id"]
    version = page_of(hr.get(f"/admin/users/{own}"), 200).hidden("version")
    refused = page_of(
        post(hr, f"/admin/users/{own}/roles", {"version": version, "roles": "staff"}), 422
    )
    assert (
        error_at(refused, "user", "roles")
        == "Du kan ikke fratage dig selv rollen som HR-koordinator."
    )
    off = page_of(
        post(hr, f"/admin/users/{own}/active", {"version": version, "active": "off"}), 422
    )
    assert off["user-is_active-error"].text.strip() == "Du kan ikke slå dit eget log-in fra."


# --- units ---------------------------------------------------------------------------------


def test_hr_adds_a_unit_with_a_leader_and_changes_it_from_the_version_shown(
    as_user: Login, world_url: str
) -> None:
    hr = as_user("hr")
    area = ids(hr)["Social og Sundhed"]
    form: dict[str, Any] = {
        "name": "Plejecenter Ny",
        "code": "Ny Enhed",
        "area_id": str(area),
        "address": "Vej 1",
        "phone": "",
        "add_leader": "e99",
    }
    live = page_of(post(hr, "/admin/units/validate", form), 200)
    assert live["unit-add_leader-error"].text == "Ingen person har dette medarbejdernummer."
    assert live["unit-phone-error"].text == ""
    bad = page_of(post(hr, "/admin/units", form), 422)
    assert error_at(bad, "unit", "add_leader") == "Ingen person har dette medarbejdernummer."
    assert error_at(bad, "unit", "code") == "Brug kun små bogstaver, cifre, _ og -."
    bad_code = page_of(post(hr, "/admin/units", form | {"add_leader": "e5"}), 422)
    assert error_at(bad_code, "unit", "code") == "Brug kun små bogstaver, cifre, _ og -."
    taken = page_of(post(hr, "/admin/units", form | {"add_leader": "", "code": "solgaarden"}), 422)
    assert error_at(taken, "unit", "code") == "En anden enhed har allerede denne kode."

    made = post(hr, "/admin/units", form | {"code": "ny", "add_leader": "e5"})
    assert made.status_code == 303
    unit = next(u for u in hr.get("/api/units").json()["items"] if u["code"] == "ny")
    assert [leader["name"] for leader in unit["leaders"]] == ["Erik Leder"]

    shown = page_of(hr.get(f"/admin/units/{unit['id']}"), 200)
    assert shown[f"unit-leader-{unit['leaders'][0]['id']}"].attrs.get("checked") is not None
    change = {**form, "code": "ny", "add_leader": "e6", "version": shown.hidden("version")}
    change["leaders"] = [str(unit["leaders"][0]["id"])]
    assert post(hr, f"/admin/units/{unit['id']}", change).status_code == 303
    now = hr.get(f"/api/units/{unit['id']}").json()
    assert sorted(leader["name"] for leader in now["leaders"]) == ["Erik Leder", "Frida Leder"]

    stale = page_of(post(hr, f"/admin/units/{unit['id']}", change | {"name": "Stale"}), 409)
    assert stale["unit-version-error"].text.startswith("En anden har ændret dette i mellemtiden.")
    assert hr.get(f"/api/units/{unit['id']}").json()["name"] == "Plejecenter Ny"
    assert [
        e.action
        for e in rows_of(
            world_url,
            AuditEntry,
            AuditEntry.entity == "unit",
            AuditEntry.entity_id == str(unit["id"]),
        )
    ] == ["create", "set_leaders", "set_leaders"]


# --- checklist templates -------------------------------------------------------------------


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


# --- reach ---------------------------------------------------------------------------------

PAGES = (
    "/admin/people",
    "/admin/people/new",
    "/admin/users",
    "/admin/users/new",
    "/admin/units/new",
    "/admin/checklists",
)


@pytest.mark.parametrize("username", ["leder_sol", "anne"])
def test_the_pages_are_not_there_for_anyone_but_hr(as_user: Login, username: str) -> None:
    client = as_user(username)
    for path in PAGES:
        response = client.get(path)
        assert response.status_code == 404, path
        assert "Ikke fundet" in response.text
    own = client.get("/api/me").json()["person_id"]
    assert client.get(f"/admin/people/{own}").status_code == 404
    assert post(client, f"/admin/people/{own}", {"name": "Me", "version": "1"}).status_code == 404
    assert post(client, "/admin/people/validate", {"name": "Me"}).status_code == 404


def test_missing_rows_answer_the_404_page(as_user: Login) -> None:
    hr = as_user("hr")
    for path in (
        "/admin/people/999999",
        "/admin/users/999999",
        "/admin/units/999999",
        "/admin/checklists/999999",
    ):
        response = hr.get(path)
        assert response.status_code == 404 and "Ikke fundet" in response.text, path


def test_no_page_shows_a_password_hash(as_user: Login, world_url: str) -> None:
    hr = as_user("hr")
    hashes = [user.password_hash for user in rows_of(world_url, UserAccount)]
    shown = " ".join(hr.get(path).text for path in ("/admin/users", "/admin/people"))
    anne = rows_of(world_url, UserAccount, UserAccount.username == "anne")[0]
    shown += hr.get(f"/admin/users/{anne.id}").text
    assert not any(h in shown for h in hashes) and "argon2" not in shown
    assert PASSWORD not in shown
