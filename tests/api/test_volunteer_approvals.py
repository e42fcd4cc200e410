"""HR decides every unit's waiting volunteers (those of units without a leader included), the
counts on HR's pages lead there, and every page counts volunteers the same way, saying what."""

from __future__ import annotations

from collections.abc import Callable

from litestar import Litestar
from sqlalchemy import Engine, delete
from sqlalchemy.orm import Session

from jobbank.db.models import ApprovalStatus, VolunteerProfile, unit_leader
from solver.contract import Assignment as Planned
from tests.api.conftest import Client
from tests.api.pages.forms import Page, page_of
from tests.api.published_round import first_round, publish
from tests.lookups import profile_id, unit_id

Login = Callable[[str], Client]


def without_leader(world: Engine, code: str) -> int:
    """Take every leader from the unit `code` (most units of a real municipality have none)."""
    unit = unit_id(world, code)
    with Session(world) as session, session.begin():
        session.execute(delete(unit_leader).where(unit_leader.c.unit_id == unit))
    return unit


def approval_of(world: Engine, employee_no: str) -> ApprovalStatus:
    with Session(world) as session:
        profile = session.get_one(VolunteerProfile, profile_id(world, employee_no))
        return profile.approval


def in_english(client: Client) -> None:
    """Choose English the way a person does: kept on the person, it wins over the cookie."""
    answer = client.post("/language", data={"language": "en", "next": "/"}, follow_redirects=False)
    assert answer.status_code == 303, answer.text


def counts_of(page: Page) -> dict[str, str]:
    """The volunteer counts a page shows: each count's words, and its number."""
    counts = {}
    for kind in ("waiting", "approved", "lent"):
        number, words = page[f"volunteer-count-{kind}"].text.split(maxsplit=1)
        counts[" ".join(words.split())] = number
    return counts


def test_hr_approves_a_waiting_volunteer_of_a_unit_without_a_leader(
    as_user: Login, world: Engine
) -> None:
    without_leader(world, "hjemmeplejen")  # Carla's home unit
    hr = as_user("hr")
    in_english(hr)
    page = page_of(hr.get("/volunteering/approvals"), 200)
    carla = profile_id(world, "e3")
    card = page[f"volunteer-{carla}"]
    assert "Carla Hansen" in card.text and "HR decides" in card.text
    assert "Hjemmeplejen" in page["units-without-leader"].text
    form = {"decision": "approved", "version": "1", "status": "waiting", "unit": ""}
    answer = hr.post(f"/volunteering/approvals/{carla}/decision", data=form, follow_redirects=False)
    assert answer.status_code == 303, answer.text
    assert answer.headers["location"].startswith("/volunteering/approvals?status=waiting")
    assert approval_of(world, "e3") is ApprovalStatus.APPROVED
    after = page_of(hr.get(answer.headers["location"]), 200)
    assert f"volunteer-{carla}" not in after.by_id  # no longer waiting


def test_hr_filters_the_approvals_by_unit_and_status(as_user: Login, world: Engine) -> None:
    hr = as_user("hr")
    unit = unit_id(world, "borgerservice")
    page = page_of(hr.get("/volunteering/approvals", params={"unit": unit, "status": "all"}), 200)
    shown = {e.attrs["id"] for e in page.elements if e.attrs.get("id", "").startswith("volunteer-")}
    expected = {f"volunteer-{profile_id(world, no)}" for no in ("e1", "e2")}
    assert expected <= shown and f"volunteer-{profile_id(world, 'e3')}" not in shown
    waiting = page_of(hr.get("/volunteering/approvals", params={"unit": unit}), 200)
    assert not any(
        e.attrs.get("id", "").startswith("volunteer-") and e.tag == "section"
        for e in waiting.elements
    )


def test_a_leader_still_decides_only_their_own_units_and_not_themselves(
    as_user: Login, world: Engine
) -> None:
    gustav = as_user("leder_hp")
    page = page_of(gustav.get("/volunteering/approvals"), 200)
    sections = {e.attrs["id"] for e in page.elements if e.tag == "section"}
    assert sections == {f"volunteer-{profile_id(world, 'e3')}"}
    assert page_of(as_user("anne").get("/volunteering/approvals"), 404)


def test_the_counts_on_hrs_pages_link_to_the_approvals(as_user: Login, world: Engine) -> None:
    hr = as_user("hr")
    in_english(hr)
    for path in ("/", "/dashboard"):
        html = hr.get(path).text
        assert 'href="/volunteering/approvals?status=waiting"' in html, path
    hjemmeplejen = unit_id(world, "hjemmeplejen")
    units = page_of(hr.get("/admin/units"), 200)
    links = [
        e.attrs["href"]
        for e in units.elements
        if e.tag == "a" and "approvals" in e.attrs.get("href", "")
    ]
    assert f"/volunteering/approvals?unit={hjemmeplejen}&status=waiting" in links
    assert "Awaiting approval" in hr.get("/admin/units").text


def test_every_page_counts_volunteers_alike_and_says_what_it_counts(as_user: Login) -> None:
    hr = as_user("hr")
    in_english(hr)
    counts = [
        counts_of(page_of(hr.get(path), 200))
        for path in ("/", "/dashboard", "/volunteering/approvals")
    ]
    assert counts[0] == counts[1] == counts[2]
    assert counts[0] == {
        "awaiting approval": "1",
        "approved and opted in: planned in the next round": "2",
        "lent out by a published round, this week or later": "0",
    }


def test_the_lent_count_counts_people_a_published_round_lends_out(
    app: Litestar, as_user: Login
) -> None:
    first_round(app)  # Anne and Bo, this week and next
    hr = as_user("hr")
    page = page_of(hr.get("/dashboard"), 200)
    assert page["volunteer-count-lent"].text.split()[0] == "2"
    publish(app, Planned(staff="e2", need="n3", week=0, hours=8))  # planned again: Bo alone
    page = page_of(hr.get("/dashboard"), 200)
    assert page["volunteer-count-lent"].text.split()[0] == "1"


def test_the_hours_kept_form_tells_every_wrong_week_at_once(as_user: Login, world: Engine) -> None:
    gustav = as_user("leder_hp")
    carla = profile_id(world, "e3")
    page = page_of(gustav.get("/volunteering/approvals"), 200)
    weeks = [e.attrs["name"] for e in page.elements if e.attrs.get("name", "").startswith("week-")]
    form = {"home_load": "10", "version": "1"} | dict.fromkeys(weeks, "10")
    form |= {weeks[1]: "lots", weeks[3]: "2.25"}
    answer = gustav.post(f"/volunteering/approvals/{carla}/home-load", data=form)
    refused = page_of(answer, 422)
    for name in (weeks[1], weeks[3]):
        field = refused[f"{name}-{carla}"]
        assert field.attrs.get("aria-invalid") == "true", name
        assert refused[f"{name}-{carla}-error"].text.strip(), name
    links = [e.attrs["href"] for e in refused.elements if e.tag == "a"]
    assert f"#{weeks[1]}-{carla}" in links and f"#{weeks[3]}-{carla}" in links


def test_a_rounds_counts_say_they_are_the_volunteers_approved_when_it_was_made(
    app: Litestar, as_user: Login
) -> None:
    round_id = first_round(app).round_id
    hr = as_user("hr")
    in_english(hr)
    detail = hr.get(f"/rounds/{round_id}").text
    assert "2 approved volunteers and 3 open needs, as they stood when the round was made" in detail
    report = hr.get(f"/reports/rounds/{round_id}").text
    assert "of the round's 2 approved volunteers used" in report
