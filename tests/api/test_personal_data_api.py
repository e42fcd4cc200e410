"""A person's data over HTTP: the person takes their own away, HR anyone's; with the events
on the live plan about them (and their reasons), the changes to their assignments and how far
they have read them; never the risk-group flag."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

import pytest
from litestar import Litestar

from tests.api.conftest import Client
from tests.api.published_round import THIS_MONDAY, first_round

pytestmark = pytest.mark.filterwarnings("ignore::DeprecationWarning")


def test_a_person_takes_their_data_away_and_hr_reads_anyones(
    app: Litestar, as_user: Callable[[str], Client]
) -> None:
    ids = first_round(app)
    bo = as_user("bo")
    week = THIS_MONDAY + dt.timedelta(weeks=1)
    sick = {
        "person_id": ids.bo,
        "first_day": week.isoformat(),
        "last_day": (week + dt.timedelta(days=2)).isoformat(),
        "reason": "Feber",
    }
    reported = bo.post(f"/api/rounds/{ids.round_id}/events/absences", json=sick)
    assert reported.status_code == 201, reported.text
    assert bo.post("/api/me/changes/seen", json={"through": 1}).status_code == 200

    own = bo.get("/api/me/personal-data")
    by_hr = as_user("hr").get(f"/api/people/{ids.bo}/personal-data")
    by_leader = as_user("leder_sol").get(f"/api/people/{ids.bo}/personal-data")

    assert own.status_code == by_hr.status_code == 200, own.text
    assert own.json() == by_hr.json()
    data = own.json()
    assert data["person"]["employee_no"] == "e2" and data["account"]["username"] == "bo"
    assert [(e["kind"], e["reason"], e["open"]) for e in data["plan_events"]] == [
        ("absence", "Feber", True)
    ]
    assert [(a["need"], a["hours"]) for a in data["assignments"]] == [("n3", 8.0)] * 2
    assert data["assignment_changes"] == [] and data["changes_seen_through"] == 0
    assert "risk" not in own.text.lower()
    assert by_leader.status_code == 404  # Bo is lent to Frida: she reads his days, not his data
