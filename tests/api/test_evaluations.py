"""A deployment's evaluation through the API and its page: each side writes its own once the
last planned week has begun, replaces it with its version, and bad input is refused by field
with nothing written."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

import pytest
from litestar import Litestar
from sqlalchemy import Engine, select
from sqlalchemy.orm import Session

from jobbank.db.models import AuditEntry, Deployment, Evaluation
from solver.contract import Assignment as Planned
from tests.api.conftest import Client
from tests.api.published_round import THIS_MONDAY, factory, first_round, publish

LAST_WEEK = THIS_MONDAY - dt.timedelta(weeks=1)
GOOD = {"again": True, "score": 5, "helped": ["clear_tasks", "introduction"], "comment": "Tak"}


def ended_deployment(app: Litestar) -> int:
    """Anne at Solgården last week and this week: open for evaluation today."""
    round_id = publish(
        app,
        Planned(staff="e1", need="n1", week=1, hours=12),
        start=LAST_WEEK,
    )
    with factory(app)() as session:
        return session.scalars(select(Deployment.id).filter_by(round_id=round_id)).one()


def path(deployment_id: int, side: str = "") -> str:
    return f"/api/deployments/{deployment_id}/evaluations" + (f"/{side}" if side else "")


def test_both_sides_write_and_each_reads_its_own(
    app: Litestar, as_user: Callable[[str], Client]
) -> None:
    deployment_id = ended_deployment(app)
    anne, frida, hr, erik = (as_user(u) for u in ("anne", "leder_sol", "hr", "leder_bs"))
    written = anne.put(path(deployment_id, "staff"), json=GOOD)
    assert written.status_code == 200, written.text
    assert written.json()["helped"] == ["introduction", "clear_tasks"]
    assert (
        frida.put(path(deployment_id, "receiving"), json=GOOD | {"again": False}).status_code == 200
    )
    seen = anne.get(path(deployment_id)).json()
    assert seen["open"] is True
    assert seen["writable"] == ["staff"]
    assert [e["side"] for e in seen["evaluations"]] == ["staff"]
    assert [e["side"] for e in hr.get(path(deployment_id)).json()["evaluations"]] == [
        "staff",
        "receiving",
    ]
    assert erik.get(path(deployment_id)).json()["evaluations"] == []


def test_writing_again_replaces_with_the_version_seen(
    app: Litestar, as_user: Callable[[str], Client], world: Engine
) -> None:
    deployment_id = ended_deployment(app)
    anne = as_user("anne")
    first = anne.put(path(deployment_id, "staff"), json=GOOD).json()
    second = anne.put(
        path(deployment_id, "staff"), json=GOOD | {"score": 3, "version": first["version"]}
    )
    assert second.status_code == 200, second.text
    stale = anne.put(path(deployment_id, "staff"), json=GOOD | {"version": first["version"]})
    assert stale.status_code == 409
    assert stale.json()["errors"][0]["code"] == "stale_version"
    with Session(world) as session:
        assert [e.score for e in session.scalars(select(Evaluation)).all()] == [3]
        entries = session.scalars(select(AuditEntry).filter_by(entity="evaluation")).all()
        assert len(entries) == 2
        assert all("comment" not in (e.after or {}) for e in entries)


def test_before_the_last_week_begins_it_is_refused_with_its_code(
    app: Litestar, as_user: Callable[[str], Client]
) -> None:
    first_round(app)
    with factory(app)() as session:
        deployment_id = session.scalars(
            select(Deployment.id).join(Deployment.person).filter_by(employee_no="e1")
        ).one()
    refused = as_user("anne").put(path(deployment_id, "staff"), json=GOOD)
    assert refused.status_code == 409
    assert refused.json()["errors"][0]["code"] == "evaluation_not_yet_open"
    seen = as_user("anne").get(path(deployment_id)).json()
    assert (seen["open"], seen["opens_on"]) == (False, str(THIS_MONDAY + dt.timedelta(weeks=1)))


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"score": 0}, "score"),
        ({"score": 6}, "score"),
        ({"helped": ["cake"]}, "helped"),
        ({"missing": ["introduction"] * 6}, "missing"),
        ({"comment": "x" * 1_000_000}, "comment"),
        ({"again": "perhaps"}, "again"),
        ({"side_note": 1}, "side_note"),
    ],
)
def test_bad_input_is_refused_naming_the_field_and_nothing_is_written(
    app: Litestar,
    as_user: Callable[[str], Client],
    world: Engine,
    change: dict[str, Any],
    field: str,
) -> None:
    deployment_id = ended_deployment(app)
    refused = as_user("anne").put(path(deployment_id, "staff"), json=GOOD | change)
    assert refused.status_code in (400, 413, 422), refused.text
    if refused.status_code == 422:
        assert field in refused.text
    with Session(world) as session:
        assert session.scalars(select(Evaluation)).all() == []


def test_an_unknown_side_is_refused(app: Litestar, as_user: Callable[[str], Client]) -> None:
    deployment_id = ended_deployment(app)
    assert as_user("anne").put(path(deployment_id, "home"), json=GOOD).status_code in (400, 404)


# --- the page ------------------------------------------------------------------------


def test_the_page_saves_a_side_and_shows_it_in_danish(
    app: Litestar, as_user: Callable[[str], Client]
) -> None:
    deployment_id = ended_deployment(app)
    anne = as_user("anne")
    page = anne.get(f"/deployment/{deployment_id}/evaluation")
    assert page.status_code == 200
    assert "Ville du tage afsted igen?" in page.text
    assert f'href="/deployment/{deployment_id}"' in page.text
    saved = anne.post(
        f"/deployment/{deployment_id}/evaluation",
        data={"side": "staff", "again": "yes", "score": "4", "helped": ["team_welcome"]},
        follow_redirects=False,
    )
    assert saved.status_code == 303
    again = anne.get(saved.headers["location"])
    assert 'id="evaluation-saved"' in again.text
    assert 'value="team_welcome" checked' in again.text


def test_the_page_tells_each_wrong_field(app: Litestar, as_user: Callable[[str], Client]) -> None:
    deployment_id = ended_deployment(app)
    refused = as_user("anne").post(
        f"/deployment/{deployment_id}/evaluation",
        data={"side": "staff", "score": "9", "comment": "x" * 2001},
    )
    assert refused.status_code == 422
    assert "Vælg ja eller nej." in refused.text or "Choose yes or no." in refused.text
    assert (
        'id="staff-score-error" class="field-error">Vælg en karakter fra 1 til 5.' in refused.text
    )
    assert 'id="staff-comment-error" class="field-error"><' not in refused.text


def test_the_front_page_prompts_for_the_evaluation_owed(
    app: Litestar, as_user: Callable[[str], Client]
) -> None:
    deployment_id = ended_deployment(app)
    anne = as_user("anne")
    assert 'hx-get="/evaluations/awaited"' in anne.get("/").text
    prompt = anne.get("/evaluations/awaited").text
    assert f'href="/deployment/{deployment_id}/evaluation"' in prompt
    anne.put(path(deployment_id, "staff"), json=GOOD)
    assert "href" not in anne.get("/evaluations/awaited").text
    assert (
        f"/deployment/{deployment_id}/evaluation"
        in as_user("leder_sol").get("/evaluations/awaited").text
    )


# --- the impact report ------------------------------------------------------------------


def test_the_report_sums_the_evaluations_per_round_and_unit(
    app: Litestar, as_user: Callable[[str], Client]
) -> None:
    deployment_id = ended_deployment(app)
    as_user("anne").put(path(deployment_id, "staff"), json=GOOD)
    as_user("leder_sol").put(
        path(deployment_id, "receiving"),
        json={"again": False, "score": 2, "missing": ["equipment", "feedback"], "comment": "Svært"},
    )
    hr = as_user("hr")
    found = hr.get("/api/reports/evaluations").json()
    (evaluated,) = [r for r in found["rounds"] if r["staff"]["count"]]
    assert evaluated["start"] == LAST_WEEK.isoformat()
    assert evaluated["staff"] | {"helped": None} == {
        "count": 1,
        "again_share": 1.0,
        "mean_score": 5.0,
        "helped": None,
        "missing": [],
    }
    assert [c["code"] for c in evaluated["staff"]["helped"]] == ["clear_tasks", "introduction"]
    assert evaluated["receiving"]["again_share"] == 0.0
    (unit,) = found["units"]
    assert (unit["code"], unit["receiving"]["mean_score"]) == ("solgaarden", 2.0)
    assert "Svært" not in str(found) and "Tak" not in str(found)
    page = hr.get("/reports")
    assert page.status_code == 200
    assert 'id="evaluations-per-unit"' in page.text
    assert "Udstyr (1)" in page.text
    assert as_user("leder_sol").get("/api/reports/evaluations").status_code == 404
