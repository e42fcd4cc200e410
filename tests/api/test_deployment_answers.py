"""Deployments over the API: the person answers, leaders see the answer (never the decline's
note), HR sees the unanswered ones and why each person was chosen."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

import pytest
from litestar import Litestar
from litestar.testing import TestClient

from solver.contract import Assignment as Planned
from tests.api.published_round import THIS_MONDAY, add_need_n3, first_round, publish

Client = TestClient[Litestar]
pytestmark = pytest.mark.filterwarnings("ignore::DeprecationWarning")


def bo_from_next_week(app: Litestar) -> int:
    add_need_n3(app)
    return publish(
        app,
        Planned(staff="e2", need="n3", week=0, hours=8),
        start=THIS_MONDAY + dt.timedelta(weeks=1),
        weeks=2,
    )


def own_id(client: Client) -> int:
    items = client.get("/api/deployments").json()["items"]
    assert len(items) == 1
    return int(items[0]["id"])


def test_the_person_confirms_and_leaders_see_it(
    app: Litestar, as_user: Callable[[str], Client]
) -> None:
    first_round(app)
    anne = as_user("anne")
    deployment = own_id(anne)
    answered = anne.post(f"/api/deployments/{deployment}/answer", json={"answer": "confirmed"})
    assert answered.status_code == 200, answered.text
    assert answered.json()["answer"] == "confirmed"
    listed = as_user("leder_sol").get("/api/deployments").json()["items"]
    assert {(d["person"]["name"], d["answer"]) for d in listed} == {
        ("Anne Jensen", "confirmed"),
        ("Bo Nielsen", None),
    }
    one = as_user("leder_bs").get(f"/api/deployments/{deployment}").json()
    assert one["weeks"] == [
        {"week": THIS_MONDAY.isoformat(), "hours": 12.0},
        {"week": (THIS_MONDAY + dt.timedelta(weeks=1)).isoformat(), "hours": 12.0},
    ]


def test_a_decline_needs_a_reason_and_its_note_is_for_hr(
    app: Litestar, as_user: Callable[[str], Client]
) -> None:
    round_id = bo_from_next_week(app)
    bo = as_user("bo")
    deployment = own_id(bo)
    path = f"/api/deployments/{deployment}/answer"
    missing = bo.post(path, json={"answer": "declined", "note": "ryg"})
    assert missing.status_code == 422 and "reason" in missing.text
    wrong = bo.post(path, json={"answer": "declined", "reason": "bored"})
    # a value outside the list is malformed, as everywhere in the API (400 naming the field)
    assert wrong.status_code == 400
    assert [e["field"] for e in wrong.json()["errors"]] == ["reason"]
    huge = bo.post(path, json={"answer": "declined", "reason": "other", "note": "x" * 1_000_000})
    assert huge.status_code == 422
    assert [(e["field"], e["code"]) for e in huge.json()["errors"]] == [("note", "too_long")]
    declined = bo.post(path, json={"answer": "declined", "reason": "personal", "note": "ryg"})
    assert declined.status_code == 200, declined.text
    assert declined.json()["decline_note"] == "ryg"
    seen = as_user("leder_sol").get(f"/api/deployments/{deployment}").json()
    assert (seen["answer"], seen["decline_reason"], seen["decline_note"]) == (
        "declined",
        None,
        None,
    )
    hr_events = as_user("hr").get(f"/api/rounds/{round_id}/events").json()
    assert [(e["kind"], e["decline_reason"], e["reason"]) for e in hr_events] == [
        ("decline", "personal", "ryg")
    ]
    leader_events = as_user("leder_sol").get(f"/api/rounds/{round_id}/events").json()
    assert [(e["kind"], e["decline_reason"], e["reason"]) for e in leader_events] == [
        ("decline", None, None)
    ]
    again = bo.post(path, json={"answer": "confirmed"})
    assert again.status_code == 409
    assert [e["code"] for e in again.json()["errors"]] == ["deployment_declined"]


def test_hr_lists_the_unanswered_and_others_cannot(
    app: Litestar, as_user: Callable[[str], Client]
) -> None:
    first_round(app)
    hr = as_user("hr")
    found = hr.get("/api/deployments/unconfirmed", params={"within_days": 14})
    assert found.status_code == 200
    assert {d["person"]["name"] for d in found.json()} == {"Anne Jensen", "Bo Nielsen"}
    assert hr.get("/api/deployments/unconfirmed", params={"within_days": 61}).status_code == 422
    assert as_user("leder_sol").get("/api/deployments/unconfirmed").status_code == 404


def test_why_reads_in_both_languages(app: Litestar, as_user: Callable[[str], Client]) -> None:
    first_round(app)
    anne = as_user("anne")
    why = anne.get(f"/api/deployments/{own_id(anne)}/why")
    assert why.status_code == 200
    reasons = {r["code"]: r["words"] for r in why.json()["reasons"]}
    assert "Sygeplejerske".lower() in reasons["skill"]["da"]
    assert "priority 5 of 5 (critical)" in reasons["need"]["en"]
    assert as_user("carla").get(f"/api/deployments/{own_id(anne)}/why").status_code == 404


def test_the_pages_answer_and_explain(app: Litestar, as_user: Callable[[str], Client]) -> None:
    round_id = bo_from_next_week(app)
    bo = as_user("bo")
    deployment = own_id(bo)
    home = bo.get("/")
    assert f'id="answer-{deployment}"' in home.text
    hub = bo.get(f"/deployment/{deployment}")
    assert (
        hub.status_code == 200 and 'id="confirm"' in hub.text and 'id="section-pulse"' in hub.text
    )
    refused = bo.post(f"/deployment/{deployment}/answer", data={"answer": "declined"})
    assert refused.status_code == 422 and 'aria-invalid="true"' in refused.text
    sent = bo.post(
        f"/deployment/{deployment}/answer",
        data={"answer": "declined", "reason": "home_tasks", "note": "Travlt"},
        follow_redirects=False,
    )
    assert sent.status_code == 303, sent.text
    leader = as_user("leder_sol")
    seen = leader.get(f"/deployment/{deployment}")
    assert seen.status_code == 200 and "Travlt" not in seen.text
    assert 'id="section-pulse"' not in seen.text and 'id="section-thread"' in seen.text
    assert "answer declined" in leader.get("/deployments/incoming").text
    assert "Travlt" in as_user("hr").get(f"/rounds/{round_id}").text
    assert "Travlt" not in leader.get(f"/plan-changes?round_id={round_id}").text
    why = bo.get(f"/deployment/{deployment}/why")
    assert why.status_code == 200 and 'id="why-skill"' in why.text
    assert "unconfirmed" in as_user("hr").get("/").text
