"""HR's admin pages for people, through their forms: what is saved, what is refused and told at
the field (422) and a stale copy (409). On SQLite and PostgreSQL, like every API test."""

from __future__ import annotations

import re

import pytest

from jobbank.db.models import Person
from tests.api.pages.forms import Login, audit, error_at, ids, page_of, person_named, post
from tests.lookups import rows_of


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
