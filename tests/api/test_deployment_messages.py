"""A deployment's thread through the API and its page: the lent person and both units'
leaders read and write it, nobody else reaches it (HR included), a refused body names the
field and writes nothing, and neither answers nor page speak of health.

Bo (borgerservice, risk group) is lent to Solgården: leder_bs (Erik) leads his home unit,
leder_sol (Frida) the receiving one."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

import pytest
from litestar import Litestar
from sqlalchemy import Engine, func, select
from sqlalchemy.orm import Session

from jobbank.core.access import actor_for
from jobbank.db.models import (
    Deployment,
    DeploymentMessage,
    MessageKind,
    OutboxMessage,
    UserAccount,
)
from jobbank.live_plan import events
from jobbank.live_plan.events import AbsenceReport
from tests.api.conftest import Client
from tests.api.published_round import THIS_MONDAY, factory, first_round
from tests.language_words import danish_phrases, english_phrases, phrases_in, visible_text

pytestmark = pytest.mark.filterwarnings("ignore::DeprecationWarning")


@pytest.fixture
def bo_deployment(app: Litestar) -> int:
    """Bo's deployment, after he reported an absence with a reason only HR may read."""
    ids = first_round(app)
    with factory(app)() as session, session.begin():
        bo = actor_for(session.scalars(select(UserAccount).filter_by(username="bo")).one())
        first = THIS_MONDAY + dt.timedelta(weeks=1)
        sick = AbsenceReport(person_id=ids.bo, first_day=first, last_day=first, reason="Feber")
        events.report_absence(session, bo, ids.round_id, sick)
        return session.scalars(select(Deployment.id).filter_by(person_id=ids.bo)).one()


def counts(world: Engine) -> tuple[int, int]:
    with Session(world) as session:
        messages = session.scalar(select(func.count(DeploymentMessage.id)))
        told = session.scalar(
            select(func.count(OutboxMessage.id)).where(
                OutboxMessage.kind == MessageKind.THREAD_MESSAGE
            )
        )
        return messages or 0, told or 0


def test_the_person_asks_a_leader_answers_and_all_three_read_both(
    as_user: Callable[[str], Client], bo_deployment: int, world: Engine
) -> None:
    path = f"/api/deployments/{bo_deployment}/messages"
    asked = as_user("bo").post(path, json={"body": "Hvor parkerer jeg?"})
    assert asked.status_code == 201, asked.text
    assert asked.json()["author"]["name"] == "Bo Nielsen"
    assert asked.json()["body"] == "Hvor parkerer jeg?"
    answered = as_user("leder_sol").post(path, json={"body": "Behind the building."})
    assert answered.status_code == 201, answered.text
    assert answered.json()["author"]["name"] == "Frida Leder"
    for username in ("bo", "leder_sol", "leder_bs"):
        page = as_user(username).get(path).json()
        assert page["total"] == 2
        assert [m["body"] for m in page["items"]] == ["Hvor parkerer jeg?", "Behind the building."]
    assert counts(world) == (2, 4)  # each post told the two other parties


@pytest.mark.parametrize("username", ["hr", "leder_hp", "anne", "carla"])
def test_everyone_else_gets_404_and_writes_nothing(
    as_user: Callable[[str], Client], bo_deployment: int, world: Engine, username: str
) -> None:
    client = as_user(username)
    path = f"/api/deployments/{bo_deployment}/messages"
    assert client.get(path).status_code == 404
    assert client.post(path, json={"body": "Hej"}).status_code == 404
    assert client.get(f"/deployment/{bo_deployment}/thread").status_code == 404
    form = client.post(f"/deployment/{bo_deployment}/thread", data={"body": "Hej"})
    assert form.status_code == 404
    assert counts(world) == (0, 0)


@pytest.mark.parametrize(
    ("body", "code"),
    [({"body": "x" * 1_000_000}, "too_long"), ({"body": "   "}, "required"), ({}, None)],
)
def test_a_refused_body_answers_422_naming_the_field(
    as_user: Callable[[str], Client],
    bo_deployment: int,
    world: Engine,
    body: dict[str, str],
    code: str | None,
) -> None:
    answer = as_user("bo").post(f"/api/deployments/{bo_deployment}/messages", json=body)
    if code is None:  # no body at all: the shape's own refusal
        assert answer.status_code == 400, answer.text
        assert "body" in answer.text
    else:
        assert answer.status_code == 422, answer.text
        [error] = answer.json()["errors"]
        assert (error["field"], error["code"]) == ("body", code)
    assert counts(world) == (0, 0)


def test_the_page_shows_the_thread_and_takes_a_message(
    as_user: Callable[[str], Client], bo_deployment: int, world: Engine
) -> None:
    bo = as_user("bo")
    page = f"/deployment/{bo_deployment}/thread"
    sent = bo.post(page, data={"body": "Hvornår starter jeg?"}, follow_redirects=False)
    assert sent.status_code == 303
    assert sent.headers["location"].startswith(page + "#message-")
    shown = bo.get(page)
    assert shown.status_code == 200
    text = visible_text(shown.text)
    assert "Hvornår starter jeg?" in text
    assert "Skriv ikke om helbred her; HR læser årsager til fravær et andet sted." in text
    assert f'href="/deployment/{bo_deployment}"' in shown.text
    for name in ("Bo Nielsen", "Erik Leder", "Frida Leder"):
        assert name in text
    assert phrases_in(text, english_phrases()) == []
    english = as_user("leder_bs")
    english.post("/language", data={"language": "en"})
    shown = visible_text(english.get(page).text)
    assert "Hvornår starter jeg?" in shown  # people's own words, in the language they wrote
    shown = shown.replace("Hvornår starter jeg?", "")
    assert "Do not write about health here; HR reads absence reasons elsewhere." in shown
    assert "leader of Borgerservice, the home unit" in shown
    assert phrases_in(shown, danish_phrases()) == []
    assert counts(world) == (1, 2)


@pytest.mark.parametrize(
    ("body", "said"),
    [("x" * 1_000_000, "4000"), ("", "Udfyld dette felt.")],
)
def test_the_page_refuses_a_body_beside_the_field_and_keeps_nothing(
    as_user: Callable[[str], Client], bo_deployment: int, world: Engine, body: str, said: str
) -> None:
    answer = as_user("bo").post(f"/deployment/{bo_deployment}/thread", data={"body": body})
    assert answer.status_code == 422
    assert 'id="thread-body-error"' in answer.text
    assert said in answer.text
    assert counts(world) == (0, 0)


def test_neither_answers_nor_page_nor_messages_speak_of_health(
    as_user: Callable[[str], Client], bo_deployment: int, world: Engine
) -> None:
    path = f"/api/deployments/{bo_deployment}/messages"
    for username, body in (("bo", "Jeg kommer."), ("leder_sol", "Fint."), ("leder_bs", "Godt.")):
        assert as_user(username).post(path, json={"body": body}).status_code == 201
    for username in ("bo", "leder_sol", "leder_bs"):
        client = as_user(username)
        for text in (
            client.get(path).text,
            client.get(f"/deployment/{bo_deployment}/thread").text,
            client.get("/api/me/messages").text,
            client.get("/messages").text,
        ):
            lowered = text.lower()
            assert "feber" not in lowered
            assert "risk" not in lowered and "risiko" not in lowered
