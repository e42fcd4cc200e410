"""The weekly pulse through the API: the lent person answers and reads their own; the
receiving leader and HR read it per unit-week and see the flags; nobody else reads any."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

import pytest
from litestar import Litestar
from sqlalchemy import select
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session

from jobbank.db.models import Deployment
from tests.api.conftest import Client
from tests.api.published_round import THIS_MONDAY, Ids, first_round

NEXT_MONDAY = THIS_MONDAY + dt.timedelta(weeks=1)


@pytest.fixture
def published(app: Litestar) -> Ids:
    return first_round(app)


def deployment_of(world: Engine, person_id: int) -> int:
    with Session(world) as session:
        return session.scalars(select(Deployment.id).filter_by(person_id=person_id)).one()


def pulse_path(deployment_id: int, week: dt.date | str = THIS_MONDAY) -> str:
    return f"/api/deployments/{deployment_id}/pulse/{week}"


LOW_NAMED = {"meaningful": 1, "pressed": 5, "comment": "Ingen opgaver i dag", "named": True}


def test_the_person_answers_and_reads_their_own_pulse(
    published: Ids, world: Engine, as_user: Callable[[str], Client]
) -> None:
    anne, deployment = as_user("anne"), deployment_of(world, published.anne)
    saved = anne.put(pulse_path(deployment), json={"meaningful": 4, "pressed": 2})
    assert saved.status_code == 200, saved.text
    assert saved.json() | {"week": None} == {
        "week": None,
        "meaningful": 4,
        "pressed": 2,
        "comment": "",
        "named": False,
        "low": False,
    }
    anne.put(pulse_path(deployment), json=LOW_NAMED)
    sheet = anne.get(f"/api/deployments/{deployment}/pulse").json()
    assert sheet["weeks"][0]["week"] == THIS_MONDAY.isoformat()
    assert sheet["weeks"][0]["answer"]["comment"] == "Ingen opgaver i dag"
    assert sheet["next_weeks"] == [NEXT_MONDAY.isoformat()]


@pytest.mark.parametrize("user", ["hr", "leder_sol", "leder_bs", "bo", "carla"])
def test_nobody_else_reads_or_answers_a_persons_pulse(
    published: Ids, world: Engine, as_user: Callable[[str], Client], user: str
) -> None:
    client, deployment = as_user(user), deployment_of(world, published.anne)
    assert client.get(f"/api/deployments/{deployment}/pulse").status_code == 404
    answered = client.put(pulse_path(deployment), json={"meaningful": 3, "pressed": 3})
    assert answered.status_code == 404


@pytest.mark.parametrize(
    ("body", "week", "field", "code"),
    [
        ({"meaningful": 6, "pressed": 3}, THIS_MONDAY, "meaningful", None),
        ({"meaningful": 3, "pressed": 0}, THIS_MONDAY, "pressed", None),
        ({"meaningful": 3, "pressed": 3, "comment": "x" * 2001}, THIS_MONDAY, "comment", None),
        ({"meaningful": 3, "pressed": 3}, NEXT_MONDAY, "week", "week_not_begun"),
        ({"meaningful": 3, "pressed": 3}, THIS_MONDAY - dt.timedelta(weeks=1), "week", None),
        ({"meaningful": 3, "pressed": 3}, "soon", "week", "not_a_date"),
    ],
)
def test_bad_input_is_refused_naming_the_field(
    published: Ids,
    world: Engine,
    as_user: Callable[[str], Client],
    body: dict[str, object],
    week: dt.date | str,
    field: str,
    code: str | None,
) -> None:
    anne, deployment = as_user("anne"), deployment_of(world, published.anne)
    refused = anne.put(pulse_path(deployment, week), json=body)
    assert refused.status_code == 422, refused.text
    errors = refused.json()["errors"]
    assert [e["field"] for e in errors] == [field]
    if code:
        assert errors[0]["code"] == code
    assert anne.get(f"/api/deployments/{deployment}/pulse").json()["weeks"][0]["answer"] is None


def test_a_megabyte_comment_is_refused(
    published: Ids, world: Engine, as_user: Callable[[str], Client]
) -> None:
    anne, deployment = as_user("anne"), deployment_of(world, published.anne)
    body = {"meaningful": 3, "pressed": 3, "comment": "x" * 1_000_000}
    refused = anne.put(pulse_path(deployment), json=body)
    assert refused.status_code in (413, 422), refused.text


def test_the_receiving_leader_sees_named_answers_and_counts_a_single_unnamed_one(
    published: Ids, world: Engine, as_user: Callable[[str], Client]
) -> None:
    as_user("anne").put(pulse_path(deployment_of(world, published.anne)), json=LOW_NAMED)
    unnamed = {"meaningful": 1, "pressed": 5, "comment": "Hemmeligt"}
    as_user("bo").put(pulse_path(deployment_of(world, published.bo)), json=unnamed)
    for reader in ("leder_sol", "hr"):
        answer = as_user(reader).get("/api/pulse/units")
        assert answer.status_code == 200, answer.text
        [week] = answer.json()
        assert (week["answered"], week["more_answered"], week["anonymous"]) == (2, 1, [])
        assert [a["person"] for a in week["named"]] == ["Anne Jensen"]
        assert "Hemmeligt" not in answer.text
        assert week["meaningful_mean"] == 1.0


def test_the_flag_shows_the_open_checklist_items(
    published: Ids, world: Engine, as_user: Callable[[str], Client]
) -> None:
    as_user("anne").put(pulse_path(deployment_of(world, published.anne)), json=LOW_NAMED)
    flags = as_user("leder_sol").get("/api/pulse/flags")
    assert flags.status_code == 200, flags.text
    [flag] = flags.json()
    assert flag["person"] == "Anne Jensen"
    assert flag["open_items"], "the receiving leader's open items of Anne's checklist"


@pytest.mark.parametrize("user", ["leder_bs", "leder_hp", "anne", "bo"])
def test_home_leaders_and_staff_read_no_pulse(
    published: Ids, as_user: Callable[[str], Client], user: str
) -> None:
    client = as_user(user)
    assert client.get("/api/pulse/units").status_code == 404
    assert client.get("/api/pulse/flags").status_code == 404


# --- the pages ---------------------------------------------------------------------------------


def test_the_person_answers_on_the_page_and_a_score_out_of_range_is_told_at_the_field(
    published: Ids, world: Engine, as_user: Callable[[str], Client]
) -> None:
    anne, deployment = as_user("anne"), deployment_of(world, published.anne)
    home = anne.get("/").text
    assert f'href="/deployment/{deployment}/pulse"' in home
    page = anne.get(f"/deployment/{deployment}/pulse")
    assert page.status_code == 200
    assert 'name="meaningful"' in page.text and f'href="/deployment/{deployment}"' in page.text
    form = {"week": THIS_MONDAY.isoformat(), "meaningful": "9", "pressed": "2", "comment": "Godt"}
    refused = anne.post(f"/deployment/{deployment}/pulse", data=form)
    assert refused.status_code == 422
    assert 'id="meaningful-error"' in refused.text and "Vælg et tal fra 1 til 5." in refused.text
    assert "Godt" in refused.text  # the form as typed
    saved = anne.post(
        f"/deployment/{deployment}/pulse", data=form | {"meaningful": "2", "named": "on"}
    )
    assert saved.status_code == 200 and 'id="saved"' in saved.text
    assert f'href="/deployment/{deployment}/pulse"' not in anne.get("/").text  # answered


def test_the_leader_sees_the_flag_on_the_front_page_and_the_answer_on_the_pulse_page(
    published: Ids, world: Engine, as_user: Callable[[str], Client]
) -> None:
    as_user("anne").put(pulse_path(deployment_of(world, published.anne)), json=LOW_NAMED)
    for reader in ("leder_sol", "hr"):
        client = as_user(reader)
        home = client.get("/").text
        assert 'id="pulse-flags"' in home and "Anne Jensen" in home
        assert "Punkter på tjeklisten, der stadig er åbne" in home
        page = client.get("/pulse")
        assert page.status_code == 200 and "Ingen opgaver i dag" in page.text
    for other in ("leder_bs", "anne"):
        assert as_user(other).get("/pulse").status_code == 404
        assert 'id="pulse-flags"' not in as_user(other).get("/").text
    assert (
        as_user("leder_sol")
        .get(f"/deployment/{deployment_of(world, published.anne)}/pulse")
        .status_code
        == 404
    )
