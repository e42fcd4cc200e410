"""The front pages after a change to a published plan: each role sees what changed since they
last looked (in Danish or English), can mark it seen, and staff see an ended deployment as
ended. Nothing on them tells the risk-group flag or why a change was made."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable

from sqlalchemy import select

from jobbank.db import transaction
from jobbank.db.models import ChecklistItem
from tests.api.conftest import Client
from tests.jobbank.notifications.conftest import Factory
from tests.jobbank.plan_effects.test_changes_seen import changed_world
from tests.jobbank.plan_effects.test_effects import SECRET_WORDS, bo_falls_ill
from tests.lookups import person

SECTION = re.compile(r'<section[^>]*id="plan-changes".*?</section>', re.S)


def page(client: Client, path: str = "/") -> str:
    response = client.get(path)
    assert response.status_code == 200, response.text
    return response.text


def changes_section(html: str) -> str:
    found = SECTION.search(html)
    assert found is not None, "no section of what changed"
    return found.group(0)


def test_staff_see_their_changes_and_their_ended_deployment(
    factory: Factory, as_user: Callable[[str], Client]
) -> None:
    round_id = changed_world(factory)
    bo_falls_ill(factory, round_id)

    home = page(as_user("bo"))

    section = changes_section(home)
    assert "Hvad er ændret, siden du sidst kiggede" in section
    assert "2 nye ændringer" in section
    assert "udgår (var 8 timer)" in section and "ny, 8 timer" in section
    assert "Anne Jensen" not in section  # only his own
    ended = re.search(r'<article class="card deployment ended".*?</article>', home, re.S)
    assert ended is not None and "Hjemmeplejen" in ended.group(0)
    assert "Udgået" in ended.group(0)
    lowered = home.lower()
    assert "risiko" not in lowered and "risk group" not in lowered
    assert all(word not in lowered for word in SECRET_WORDS)


def test_marking_the_changes_seen_keeps_them_but_not_as_new(
    factory: Factory, as_user: Callable[[str], Client]
) -> None:
    changed_world(factory)
    bo = as_user("bo")
    through = re.search(r'name="through" value="(\d+)"', page(bo))
    assert through is not None

    answer = bo.post(
        "/changes/seen", data={"through": through.group(1), "back": "/"}, follow_redirects=False
    )

    assert answer.status_code == 303 and answer.headers["location"] == "/"
    section = changes_section(page(bo))
    assert "Intet nyt" in section and "udgår (var 8 timer)" in section
    assert 'name="through"' not in section


def test_leaders_and_hr_see_theirs_in_their_language(
    factory: Factory, as_user: Callable[[str], Client]
) -> None:
    changed_world(factory)
    with transaction(factory) as session:
        person(session, "e7").language = "en"  # Gustav reads English

    frida = changes_section(page(as_user("leder_sol")))
    gustav = changes_section(page(as_user("leder_hp")))
    dashboard = changes_section(page(as_user("hr"), "/dashboard"))

    assert "Anne Jensen" in frida and "Bo Nielsen" in frida and "Hjemmeplejen" not in frida
    assert "What changed since you last looked" in gustav
    assert "ended (was 8 hours)" in gustav and "Solgården" not in gustav
    assert "3 nye ændringer" in dashboard and 'value="/dashboard"' in dashboard


def test_nobody_touched_sees_no_section(factory: Factory, as_user: Callable[[str], Client]) -> None:
    changed_world(factory)
    assert 'id="plan-changes"' not in page(as_user("carla"))


def test_the_api_lists_the_changes_and_marks_them_seen(
    factory: Factory, as_user: Callable[[str], Client]
) -> None:
    changed_world(factory)
    frida = as_user("leder_sol")

    listed = frida.get("/api/me/changes").json()
    newest = listed["items"][0]["id"]
    marked = frida.post("/api/me/changes/seen", json={"through": newest})
    again = frida.get("/api/me/changes").json()

    assert listed["total"] == 2 and [c["new"] for c in listed["items"]] == [True, True]
    assert [c["kind"] for c in listed["items"]] == ["changed", "added"]
    assert marked.status_code == 200 and marked.json() == {"seen_through": newest}
    assert [c["new"] for c in again["items"]] == [False, False]
    assert "risk_group" not in str(listed)
    assert frida.post("/api/me/changes/seen", json={"through": 0}).status_code == 422


def test_a_closed_checklist_is_shown_closed_and_not_overdue(
    factory: Factory, as_user: Callable[[str], Client]
) -> None:
    round_id = changed_world(factory)
    with transaction(factory) as session:  # weeks later: every item is past its due date
        for item in session.scalars(select(ChecklistItem)):
            item.due_on -= dt.timedelta(weeks=6)

    found = as_user("hr").get("/api/checklists", params={"round_id": round_id}).json()["items"]

    by_unit = {(c["person"]["name"], c["unit"]["name"]): c for c in found}
    closed = by_unit[("Bo Nielsen", "Hjemmeplejen")]
    still = by_unit[("Bo Nielsen", "Plejecenter Solgården")]
    assert closed["closed_at"] is not None and closed["items"]
    assert not any(item["overdue"] for item in closed["items"])
    assert still["closed_at"] is None and any(item["overdue"] for item in still["items"])


ENDED_SECTION = re.compile(r'<section[^>]*id="ended".*?</section>', re.S)


def ended_on(client: Client, direction: str) -> str:
    """The section of ended deployments on a leader's page `direction`, or "" without one."""
    found = ENDED_SECTION.search(page(client, f"/deployments/{direction}"))
    return found.group(0) if found is not None else ""


def test_leaders_see_the_ended_deployments_of_their_people_and_of_those_coming(
    factory: Factory, as_user: Callable[[str], Client]
) -> None:
    changed_world(factory)  # Bo's week at Hjemmeplejen ended; he went to Solgården instead
    with transaction(factory) as session:
        person(session, "e7").language = "en"  # Gustav reads English

    erik = ended_on(as_user("leder_bs"), "outgoing")  # Bo's home leader
    gustav = ended_on(as_user("leder_hp"), "incoming")  # Bo was to come to Hjemmeplejen

    assert "Bo Nielsen · Hjemmeplejen" in erik and "Udgået" in erik
    assert "udgår (var 8 timer)" in erik and "Hjemmeenhed: Borgerservice" in erik
    assert "Bo Nielsen · Hjemmeplejen" in gustav and "Ended" in gustav
    assert "ended (was 8 hours)" in gustav and "Home unit: Borgerservice" in gustav
    assert ended_on(as_user("leder_sol"), "incoming") == ""  # Bo was added there, Anne changed
    assert ended_on(as_user("leder_bs"), "incoming") == ""
    assert ended_on(as_user("leder_hp"), "outgoing") == ""
    for html in (erik, gustav):
        lowered = html.lower()
        assert "risiko" not in lowered and "risk" not in lowered
        assert all(word not in lowered for word in SECRET_WORDS)
