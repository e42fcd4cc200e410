"""Repairing a published plan through the API: a change set built for an open absence, read,
applied once (twice changes nothing), refused with 409 when the plan changed since; bad
settings refused naming the field with nothing written; the shortlist and a direct
assignment; nobody but HR reaches any of it."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

import pytest
from litestar import Litestar
from sqlalchemy import Engine, func, select
from sqlalchemy.orm import Session

from jobbank.db.models import Assignment, AssignmentChange, ChangeSet, Need, PlanEvent
from solver.contract import Weekday
from tests.api.conftest import Client
from tests.api.published_round import THIS_MONDAY, Ids, first_round, first_round_on_evenings

pytestmark = pytest.mark.filterwarnings("ignore::DeprecationWarning")


def day(week: int, weekday: int = 0) -> str:
    return (THIS_MONDAY + dt.timedelta(weeks=week, days=weekday)).isoformat()


def anne_is_sick_next_week(hr: Client, ids: Ids) -> None:
    answer = hr.post(
        f"/api/rounds/{ids.round_id}/events/absences",
        json={"person_id": ids.anne, "first_day": day(1), "last_day": day(1, 4)},
    )
    assert answer.status_code == 201, answer.text


def change_sets(round_id: int) -> str:
    return f"/api/rounds/{round_id}/change-sets"


def count(world: Engine, column: Any) -> int:
    with Session(world) as session:
        return session.scalar(select(func.count(column))) or 0


def n1(world: Engine) -> int:
    with Session(world) as session:
        return session.scalars(select(Need.id).filter_by(ref="n1")).one()


def test_hr_builds_reads_and_applies_a_change_set_once(
    app: Litestar, as_user: Callable[[str], Client], world: Engine
) -> None:
    ids = first_round(app)
    hr = as_user("hr")
    anne_is_sick_next_week(hr, ids)

    built = hr.post(change_sets(ids.round_id), json={"max_moves": 0})
    assert built.status_code == 201, built.text
    body = built.json()
    assert body["status"] == "proposed"
    ended = [c for c in body["changes"] if c["kind"] == "ended"]
    assert {(c["person"]["name"], c["need_ref"], c["week"], c["hours_before"]) for c in ended} == {
        ("Anne Jensen", "n1", day(1), 12.0)
    }
    assert ended[0]["unit"] == "Plejecenter Solgården"
    assert [e["kind"] for e in body["events"]] == ["absence"]
    assert "reason" not in body["events"][0]
    assert day(1) in body["coverage"]["weeks"]
    assert "risk_group" not in built.text
    assert count(world, AssignmentChange.id) == 0  # nothing changes until it is applied

    read = hr.get(f"{change_sets(ids.round_id)}/{body['id']}")
    assert read.status_code == 200 and read.json()["changes"] == body["changes"]
    latest = hr.get(change_sets(ids.round_id))
    assert [cs["id"] for cs in latest.json()] == [body["id"]]

    applied = hr.post(f"{change_sets(ids.round_id)}/{body['id']}/apply")
    assert applied.status_code == 200, applied.text
    assert applied.json()["status"] == "applied"
    assert applied.json()["applied_by"] == "Dorte Leder"
    changes = count(world, AssignmentChange.id)
    assert changes == len(body["changes"])
    again = hr.post(f"{change_sets(ids.round_id)}/{body['id']}/apply")
    assert again.status_code == 200 and again.json()["status"] == "applied"
    assert count(world, AssignmentChange.id) == changes
    with Session(world) as session:
        anne_next_week = session.scalars(
            select(Assignment).where(
                Assignment.person_id == ids.anne,
                Assignment.week == THIS_MONDAY + dt.timedelta(weeks=1),
            )
        ).all()
        assert anne_next_week == []
        assert session.scalars(select(PlanEvent.change_set_id)).all() == [body["id"]]


def test_a_change_set_built_before_the_plan_changed_is_refused_with_409(
    app: Litestar, as_user: Callable[[str], Client], world: Engine
) -> None:
    ids = first_round(app)
    hr = as_user("hr")
    anne_is_sick_next_week(hr, ids)
    first = hr.post(change_sets(ids.round_id), json={}).json()
    second = hr.post(change_sets(ids.round_id), json={}).json()
    assert hr.post(f"{change_sets(ids.round_id)}/{second['id']}/apply").status_code == 200
    changes = count(world, AssignmentChange.id)

    refused = hr.post(f"{change_sets(ids.round_id)}/{first['id']}/apply")
    assert refused.status_code == 409
    assert [e["code"] for e in refused.json()["errors"]] == ["change_set_stale"]
    assert count(world, AssignmentChange.id) == changes
    listed = {cs["id"]: cs["status"] for cs in hr.get(change_sets(ids.round_id)).json()}
    assert listed == {first["id"]: "stale", second["id"]: "applied"}


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"max_moves": 101}, "max_moves"),
        ({"max_moves": -1}, "max_moves"),
        ({"excluded": [999_999]}, "excluded[0]"),
        (
            {"pins": [{"person_id": 1, "need_id": 1, "week": "2031-01-06", "hours": 4}]},
            "pins[0].week",
        ),
        ({"pins": [{"person_id": 1, "need_id": 1, "week": day(0), "hours": 49}]}, "pins[0].hours"),
        ({"excluded": list(range(1, 202))}, "excluded"),  # a list too long to read: 400
    ],
)
def test_bad_settings_are_refused_naming_the_field_and_nothing_is_written(
    app: Litestar,
    as_user: Callable[[str], Client],
    world: Engine,
    body: dict[str, Any],
    field: str,
) -> None:
    ids = first_round(app)
    hr = as_user("hr")
    anne_is_sick_next_week(hr, ids)
    answer = hr.post(change_sets(ids.round_id), json=body)
    assert answer.status_code == (400 if field == "excluded" else 422), answer.text
    assert field in {e["field"] for e in answer.json()["errors"]}
    assert count(world, ChangeSet.id) == 0


def test_the_shortlist_and_a_direct_assignment_over_http(
    app: Litestar, as_user: Callable[[str], Client], world: Engine
) -> None:
    ids = first_round(app)
    hr = as_user("hr")
    url = f"/api/rounds/{ids.round_id}"
    with Session(world) as session:
        n3 = session.scalars(select(Need.id).filter_by(ref="n3")).one()
    listed = hr.get(f"{url}/shortlist", params={"need_id": n3, "week": day(2)})
    assert listed.status_code == 200, listed.text
    bo = next(c for c in listed.json() if c["person"]["id"] == ids.bo)
    assert bo["introduced"] is True and bo["hours"] == 8
    assert "risk_group" not in listed.text

    bad_week = hr.get(f"{url}/shortlist", params={"need_id": n3, "week": day(9)})
    assert bad_week.status_code == 422
    assert bad_week.json()["errors"][0]["field"] == "week"

    too_much = {"person_id": ids.bo, "need_id": n3, "week": day(2), "hours": 10}
    refused = hr.post(f"{url}/direct-assignments", json=too_much)
    assert refused.status_code == 422
    assert (refused.json()["errors"][0]["field"], refused.json()["errors"][0]["code"]) == (
        "hours",
        "more_than_offered",
    )
    assert count(world, AssignmentChange.id) == 0
    made = hr.post(f"{url}/direct-assignments", json=too_much | {"hours": 8})
    assert made.status_code == 201, made.text
    assert [(c["kind"], c["hours_after"]) for c in made.json()] == [("added", 8.0)]


@pytest.mark.parametrize("username", ["leder_sol", "leder_bs", "anne", "bo"])
def test_nobody_but_hr_reaches_the_repair(
    app: Litestar, as_user: Callable[[str], Client], world: Engine, username: str
) -> None:
    ids = first_round(app)
    client = as_user(username)
    url = f"/api/rounds/{ids.round_id}"
    assert client.post(f"{url}/change-sets", json={}).status_code == 404
    assert client.get(f"{url}/change-sets").status_code == 404
    week = {"need_id": n1(world), "week": day(1)}
    assert client.get(f"{url}/shortlist", params=week).status_code == 404
    body = week | {"person_id": ids.bo, "hours": 4}
    assert client.post(f"{url}/direct-assignments", json=body).status_code == 404


def test_a_direct_assignment_over_http_gets_its_days_or_is_refused_by_the_day_rules(
    app: Litestar, as_user: Callable[[str], Client], world: Engine
) -> None:
    ids = first_round_on_evenings(app, bo_away_days=[Weekday.MON, Weekday.TUE, Weekday.SAT])
    hr = as_user("hr")
    url = f"/api/rounds/{ids.round_id}/direct-assignments"
    with Session(world) as session:
        n3 = session.scalars(select(Need.id).filter_by(ref="n3")).one()
    bo_in_week_2 = {"person_id": ids.bo, "need_id": n3, "week": day(2)}

    # Monday's and Tuesday's evenings hold 8 hours, but 7.5 of them leave one evening short
    # of n3's block of 4 (day rule e).
    refused = hr.post(url, json=bo_in_week_2 | {"hours": 7.5})
    assert refused.status_code == 422, refused.text
    (error,) = refused.json()["errors"]
    assert (error["field"], error["code"]) == ("hours", "days_cannot_hold")
    assert "hold 4 of the 7.5 hours (day rule day_block)" in error["message"]
    assert count(world, AssignmentChange.id) == 0

    made = hr.post(url, json=bo_in_week_2 | {"hours": 4})
    assert made.status_code == 201, made.text
    with Session(world) as session:
        row = session.scalars(
            select(Assignment).filter_by(
                person_id=ids.bo, need_id=n3, week=THIS_MONDAY + dt.timedelta(weeks=2)
            )
        ).one()
        (evening,) = row.work_days
    assert evening.date.weekday() in (0, 1) and evening.hours == 4
    assert (evening.start, evening.end) == (dt.time(17), dt.time(21))
