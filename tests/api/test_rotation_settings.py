"""The settings of rotation rounds and introductions, through the API: HR chooses a draft
round's purpose and coverage trade; a unit's leader (or HR) sets its intro capacity and intro
hours; staff name the skills they want to learn; a need accepts learners at a share. Each is
checked against its bound naming the field, kept within its reach, and audited."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

from sqlalchemy import Engine, select
from sqlalchemy.orm import Session

from jobbank.core.weeks import monday_of
from jobbank.db.models import AuditEntry
from tests.api.conftest import Client
from tests.api.published_round import first_round
from tests.lookups import profile_id, unit_id

Login = Callable[[str], Client]
MONDAY = monday_of(dt.date.today())


def audited(world: Engine, entity: str, action: str) -> list[AuditEntry]:
    with Session(world) as session:
        query = select(AuditEntry).where(AuditEntry.entity == entity, AuditEntry.action == action)
        return list(session.scalars(query.order_by(AuditEntry.id)))


def refusals(answer: Any) -> list[tuple[str, str]]:
    return [(e["field"], e["code"]) for e in answer.json()["errors"]]


# --- a round's purpose and coverage trade ----------------------------------------------------


def test_hr_chooses_a_draft_rounds_purpose_and_trade_and_the_snapshot_follows(
    as_user: Login, world: Engine
) -> None:
    hr = as_user("hr")
    created = hr.post("/api/rounds", json={"start": MONDAY.isoformat(), "weeks": 2})
    assert created.json()["purpose"] == "crisis"
    assert created.json()["rules"]["coverage_trade"] == 0
    round_id = created.json()["id"]

    chosen = hr.put(
        f"/api/rounds/{round_id}/purpose", json={"purpose": "rotation", "coverage_trade": 0.005}
    )

    assert chosen.status_code == 200, chosen.text
    assert chosen.json()["purpose"] == "rotation"
    assert chosen.json()["rules"] == {"max_units_per_week": 2, "coverage_trade": 0.005}
    snapshot = hr.get(f"/api/rounds/{round_id}/input").json()
    assert snapshot["purpose"] == "rotation" and snapshot["rules"]["coverage_trade"] == 0.005
    [entry] = audited(world, "round", "choose_purpose")
    assert entry.before == {"purpose": "crisis", "coverage_trade": 0.0}
    assert entry.after == {"purpose": "rotation", "coverage_trade": 0.005}


def test_a_coverage_trade_beyond_five_per_cent_is_refused_naming_it(as_user: Login) -> None:
    hr = as_user("hr")
    round_id = hr.post("/api/rounds", json={"start": MONDAY.isoformat(), "weeks": 2}).json()["id"]

    too_much = hr.put(
        f"/api/rounds/{round_id}/purpose", json={"purpose": "crisis", "coverage_trade": 0.06}
    )
    unknown = hr.put(f"/api/rounds/{round_id}/purpose", json={"purpose": "holiday"})

    assert too_much.status_code == 422 and refusals(too_much) == [("coverage_trade", "above_most")]
    assert unknown.status_code == 400
    assert hr.get(f"/api/rounds/{round_id}").json()["purpose"] == "crisis"


def test_a_published_round_keeps_its_purpose(app: Any, as_user: Login, world: Engine) -> None:
    published = first_round(app).round_id
    hr = as_user("hr")

    refused = hr.put(f"/api/rounds/{published}/purpose", json={"purpose": "rotation"})

    assert refused.status_code == 409 and refused.json()["errors"][0]["code"] == "round_status"
    assert hr.get(f"/api/rounds/{published}").json()["purpose"] == "crisis"
    assert audited(world, "round", "choose_purpose") == []


def test_nobody_but_hr_reaches_a_rounds_purpose(as_user: Login) -> None:
    round_id = (
        as_user("hr").post("/api/rounds", json={"start": MONDAY.isoformat(), "weeks": 2}).json()
    )["id"]
    for user in ("leder_sol", "anne"):
        answer = as_user(user).put(f"/api/rounds/{round_id}/purpose", json={"purpose": "rotation"})
        assert answer.status_code == 404


# --- a unit's introductions ----------------------------------------------------------------


def _introductions(client: Client, unit: int, **body: Any) -> Any:
    version = client.get(f"/api/units/{unit}").json()["version"]
    return client.put(f"/api/units/{unit}/introductions", json={"version": version} | body)


def test_a_leader_sets_their_own_units_introductions_and_no_other(
    as_user: Login, world: Engine
) -> None:
    frida = as_user("leder_sol")
    solgaarden, hjemmeplejen = unit_id(world, "solgaarden"), unit_id(world, "hjemmeplejen")
    assert frida.get(f"/api/units/{solgaarden}").json()["intro_capacity"] is None

    set_ = _introductions(frida, solgaarden, intro_capacity=2, intro_hours=4.5)

    assert set_.status_code == 200, set_.text
    assert (set_.json()["intro_capacity"], set_.json()["intro_hours"]) == (2, 4.5)
    assert _introductions(frida, hjemmeplejen, intro_capacity=1).status_code == 404
    assert _introductions(as_user("anne"), solgaarden, intro_capacity=9).status_code == 404
    [entry] = audited(world, "unit", "update")
    assert entry.before == {"intro_capacity": None, "intro_hours": 0.0}
    assert entry.after == {"intro_capacity": 2, "intro_hours": 4.5}


def test_hr_sets_any_units_introductions_and_none_lifts_the_limit(
    as_user: Login, world: Engine
) -> None:
    hr = as_user("hr")
    hjemmeplejen = unit_id(world, "hjemmeplejen")
    assert _introductions(hr, hjemmeplejen, intro_capacity=0).json()["intro_capacity"] == 0

    lifted = _introductions(hr, hjemmeplejen, intro_capacity=None, intro_hours=8)

    assert (lifted.json()["intro_capacity"], lifted.json()["intro_hours"]) == (None, 8)


def test_introductions_beyond_their_bounds_or_stale_are_refused(
    as_user: Login, world: Engine
) -> None:
    frida = as_user("leder_sol")
    solgaarden = unit_id(world, "solgaarden")

    too_many = _introductions(frida, solgaarden, intro_capacity=51, intro_hours=40.5)
    quarter = _introductions(frida, solgaarden, intro_capacity=1, intro_hours=2.25)
    stale = frida.put(
        f"/api/units/{solgaarden}/introductions", json={"version": 99, "intro_capacity": 1}
    )

    assert too_many.status_code == 422
    assert refusals(too_many) == [("intro_capacity", "above_most"), ("intro_hours", "above_most")]
    assert quarter.status_code == 422 and refusals(quarter) == [("intro_hours", "not_a_multiple")]
    assert stale.status_code == 409
    assert frida.get(f"/api/units/{solgaarden}").json()["intro_capacity"] is None


# --- skills to learn ------------------------------------------------------------------------


def _offer(client: Client, **changes: Any) -> Any:
    mine = client.get("/api/me/volunteer").json()
    body = {
        "normal_hours": mine["normal_hours"],
        "skills": mine["skills"],
        "learn_skills": mine["learn_skills"],
        "shifts": mine["shifts"],
        "version": mine["version"],
    }
    return client.put("/api/me/volunteer", json=body | changes)


def test_staff_name_skills_to_learn_from_the_catalogue_but_none_they_hold(
    as_user: Login, world: Engine
) -> None:
    anne = as_user("anne")  # holds nurse
    assert anne.get("/api/me/volunteer").json()["learn_skills"] == []

    held = _offer(anne, learn_skills=["cleaning", "nurse"])
    unknown = _offer(anne, learn_skills=["juggling"])
    saved = _offer(anne, learn_skills=["cleaning"])

    assert held.status_code == 422 and refusals(held) == [("learn_skills[1]", "already_held")]
    assert unknown.status_code == 422
    assert refusals(unknown) == [("learn_skills[0]", "unknown_skill")]
    assert saved.status_code == 200 and saved.json()["learn_skills"] == ["cleaning"]
    entry = audited(world, "volunteer_profile", "update")[-1]
    assert entry.before is not None and entry.after is not None
    assert (entry.before["learn_skills"], entry.after["learn_skills"]) == ([], ["cleaning"])


def test_a_skill_the_person_comes_to_hold_is_no_longer_one_to_learn(
    as_user: Login, world: Engine
) -> None:
    anne = as_user("anne")
    assert _offer(anne, learn_skills=["cleaning"]).status_code == 200
    hr = as_user("hr")
    profile = profile_id(world, "e1")
    version = hr.get(f"/api/volunteers/{profile}").json()["version"]

    learned = hr.patch(
        f"/api/volunteers/{profile}", json={"skills": ["nurse", "cleaning"], "version": version}
    )

    assert learned.status_code == 200, learned.text
    assert learned.json()["skills"] == ["cleaning", "nurse"]
    assert learned.json()["learn_skills"] == []


# --- a need's learners ----------------------------------------------------------------------


def test_a_need_accepts_learners_at_a_share_within_0_and_1(as_user: Login, world: Engine) -> None:
    frida = as_user("leder_sol")
    need = {
        "unit_id": unit_id(world, "solgaarden"),
        "skill": "nurse",
        "hours": 20,
        "first_week": (MONDAY + dt.timedelta(weeks=1)).isoformat(),
        "last_week": (MONDAY + dt.timedelta(weeks=2)).isoformat(),
    }
    plain = frida.post("/api/needs", json=need).json()
    assert (plain["accepts_learners"], plain["learner_share"]) == (False, 0)

    posted = frida.post("/api/needs", json=need | {"accepts_learners": True, "learner_share": 0.5})
    too_much = frida.patch(
        f"/api/needs/{plain['id']}", json={"learner_share": 1.5, "version": plain["version"]}
    )
    edited = frida.patch(
        f"/api/needs/{plain['id']}",
        json={"accepts_learners": True, "learner_share": 0.25, "version": plain["version"]},
    )

    assert posted.status_code == 201, posted.text
    assert (posted.json()["accepts_learners"], posted.json()["learner_share"]) == (True, 0.5)
    assert too_much.status_code == 422 and refusals(too_much) == [("learner_share", "above_most")]
    assert edited.status_code == 200, edited.text
    assert (edited.json()["accepts_learners"], edited.json()["learner_share"]) == (True, 0.25)
