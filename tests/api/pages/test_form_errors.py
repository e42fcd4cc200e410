"""A refused form tells every wrong field at once: each field marked (aria-invalid, its error
named by aria-describedby), and a summary at the top linking to each; the API lists them all.
Forms that pick a week start at the first week not yet begun."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

import pytest
from sqlalchemy import Engine, func, select
from sqlalchemy.orm import Session

from jobbank.core.weeks import first_week_not_started
from jobbank.db.models import Need
from tests.api.conftest import Client
from tests.api.pages.forms import Page, page_of
from tests.api.test_needs import a_need, week
from tests.lookups import need_id, person_id, unit_id

Login = Callable[[str], Client]


def needs_in(world: Engine) -> int:
    with Session(world) as session:
        return session.scalar(select(func.count()).select_from(Need)) or 0


def need_form(world: Engine, **changes: str) -> dict[str, Any]:
    return {
        "unit_id": str(unit_id(world, "solgaarden")),
        "skill": "nurse",
        "hours": "8",
        "shift": "day",
        "priority": "3",
        "min_block": "4",
        "first_week": week(1),
        "last_week": week(2),
        "description": "Aftenkaffe",
        "contact_person_id": "",
    } | changes


def marked(page: Page, field: str) -> str:
    """The error at `field`, checking the field is marked invalid and names its error."""
    element = page[field]
    assert element.attrs.get("aria-invalid") == "true", field
    assert f"{field}-error" in element.attrs["aria-describedby"].split(), field
    return page[f"{field}-error"].text.strip()


def summary_links(page: Page) -> list[str]:
    """Where the error summary's links lead, in order."""
    inside = page["error-summary"]
    start = page.elements.index(inside)
    return [
        e.attrs["href"]
        for e in page.elements[start:]
        if e.tag == "a" and e.attrs.get("href", "").startswith("#") and e.text in inside.text
    ]


def test_a_new_need_with_three_wrong_fields_tells_all_three(as_user: Login, world: Engine) -> None:
    frida = as_user("leder_sol")
    before = needs_in(world)
    form = need_form(world, hours="lots", skill="juggling", priority="9")
    page = page_of(frida.post("/needs", data=form, follow_redirects=False), 422)
    assert marked(page, "hours") and marked(page, "skill") and marked(page, "priority")
    assert summary_links(page) == ["#skill", "#hours", "#priority"]
    assert needs_in(world) == before  # nothing is kept


def test_a_change_of_a_need_with_two_wrong_fields_tells_both(as_user: Login, world: Engine) -> None:
    frida = as_user("leder_sol")
    n1 = need_id(world, "n1")
    form = need_form(world, priority="9", min_block="0", version="1")
    page = page_of(frida.post(f"/needs/{n1}", data=form, follow_redirects=False), 422)
    assert marked(page, "priority") and marked(page, "min_block")
    assert set(summary_links(page)) == {"#priority", "#min_block"}


def test_the_check_as_one_types_tells_every_wrong_field_too(as_user: Login, world: Engine) -> None:
    frida = as_user("leder_sol")
    form = need_form(world, hours="lots", skill="juggling")
    answer = frida.post("/needs/validate", data=form)
    assert answer.status_code == 200
    errors = Page(answer.text)
    assert errors["hours-error"].text.strip() and errors["skill-error"].text.strip()


def test_the_api_lists_every_wrong_field_of_a_need(as_user: Login, world: Engine) -> None:
    """Values beyond their bounds are told together by the shape; what only the domain can
    judge (a skill not known, a contact person of another unit) is told together next."""
    frida = as_user("leder_sol")
    beyond = frida.post("/api/needs", json=a_need(world, hours=500, priority=9, min_block=0))
    assert beyond.status_code == 422, beyond.text
    assert [error["field"] for error in beyond.json()["errors"]] == [
        "hours",
        "priority",
        "min_block",
    ]
    stranger = person_id(world, "e1")
    unknown = frida.post(
        "/api/needs", json=a_need(world, skill="juggling", contact_person_id=stranger)
    )
    assert unknown.status_code == 422, unknown.text
    assert [error["field"] for error in unknown.json()["errors"]] == [
        "skill",
        "contact_person_id",
    ]


def test_the_volunteer_form_tells_every_wrong_field(as_user: Login) -> None:
    erik = as_user("leder_bs")  # staff too, with no profile yet
    form = {
        "opted_in": "on",
        "normal_hours": "many",
        "risk_group": "on",
        "risk_group_withdrawn": "on",
    }
    page = page_of(erik.post("/volunteering/profile", data=form, follow_redirects=False), 422)
    assert marked(page, "normal_hours") and marked(page, "shifts")
    assert page["risk_group-error"].text.strip()
    assert summary_links(page) == ["#shifts", "#normal_hours", "#risk_group-choice"]
    assert erik.get("/api/me/volunteer").status_code == 404  # nothing is kept


@pytest.mark.parametrize(
    ("today", "first"),
    [
        (dt.date(2026, 3, 2), dt.date(2026, 3, 9)),  # a Monday: this week has begun
        (dt.date(2026, 3, 8), dt.date(2026, 3, 9)),  # a Sunday
        (dt.date(2026, 12, 31), dt.date(2027, 1, 4)),
    ],
)
def test_the_first_week_not_started(today: dt.date, first: dt.date) -> None:
    assert first_week_not_started(today) == first


def test_the_week_pickers_start_at_the_first_week_not_started(as_user: Login) -> None:
    wanted = first_week_not_started().isoformat()
    page = Page(as_user("leder_sol").get("/needs/new").text)
    for picker in ("first_week", "last_week"):
        options = [
            e for e in page.elements[page.elements.index(page[picker]) :] if e.tag == "option"
        ]
        chosen = [e.attrs["value"] for e in options if "selected" in e.attrs]
        assert chosen[0] == wanted, picker
    rounds = Page(as_user("hr").get("/rounds").text)
    assert rounds["round-start"].attrs["value"] == wanted


def test_hrs_unit_form_sums_up_every_wrong_field_with_its_label(as_user: Login) -> None:
    hr = as_user("hr")
    form = {"name": "", "code": "Ny Enhed", "area_id": "", "address": "", "phone": ""}
    page = page_of(hr.post("/admin/units", data=form, follow_redirects=False), 422)
    summary = page["unit-error-summary"]
    links = [
        e.attrs["href"]
        for e in page.elements[page.elements.index(summary) :]
        if e.tag == "a" and e.attrs.get("href", "").startswith("#unit-")
    ]
    assert links == ["#unit-name", "#unit-code", "#unit-area_id"]
    assert "Navn: Udfyld dette felt." in " ".join(summary.text.split())
