"""The pages for rotation rounds and introductions: HR chooses a draft round's purpose and
coverage trade (a percentage) on its page; a unit's leader sets its introductions on the
unit's page; a need's form takes learners and their share (a percentage); staff tick the
skills they want to learn. Each saves through the service the API uses and tells a wrong
value at its field in the reader's words."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

from litestar import Litestar
from sqlalchemy import Engine, select
from sqlalchemy.orm import Session

from jobbank.db.models import Need, Unit
from jobbank.rounds import create_round, store_result
from solver.contract import Assignment, Metrics, Purpose, RoundResult, Rules
from tests.api.conftest import Client
from tests.api.pages.forms import page_of, post
from tests.api.pages.test_form_errors import marked, need_form
from tests.api.published_round import THIS_MONDAY, factory, first_round
from tests.language_words import visible_text
from tests.lookups import unit_id

Login = Callable[[str], Client]


def _in(language: str, client: Client) -> Client:
    assert client.post("/language", data={"language": language, "next": "/"}).status_code == 200
    return client


def _text(html: str) -> str:
    return " ".join(visible_text(html).split())


def _draft(app: Litestar) -> int:
    with factory(app)() as session, session.begin():
        return create_round(session, start=THIS_MONDAY + dt.timedelta(weeks=1), weeks=2).id


# --- a round's purpose ------------------------------------------------------------------------


def test_hr_makes_a_draft_round_a_rotation_trading_half_a_per_cent(
    app: Litestar, as_user: Login
) -> None:
    round_id = _draft(app)
    hr = _in("da", as_user("hr"))
    before = _text(hr.get(f"/rounds/{round_id}").text)
    assert "Formål Krise" in before and "højst 0 % for færre introduktioner" in before

    saved = post(
        hr, f"/rounds/{round_id}/purpose", {"purpose": "rotation", "coverage_trade": "0,5"}
    )

    assert saved.status_code == 303
    after = _text(hr.get(f"/rounds/{round_id}").text)
    assert "Formål Rotation" in after
    assert "Dækning, den må opgive højst 0,5 % for færre introduktioner" in after
    assert hr.get(f"/api/rounds/{round_id}/input").json()["rules"]["coverage_trade"] == 0.005


def test_a_trade_beyond_five_per_cent_is_told_at_its_field(app: Litestar, as_user: Login) -> None:
    round_id = _draft(app)
    hr = _in("da", as_user("hr"))

    refused = post(
        hr, f"/rounds/{round_id}/purpose", {"purpose": "rotation", "coverage_trade": "7"}
    )

    page = page_of(refused, 422)
    assert marked(page, "coverage_trade") == "Skriv en procentdel fra 0 til 5."
    assert hr.get(f"/api/rounds/{round_id}").json()["purpose"] == "crisis"


def test_a_learner_in_the_proposal_is_marked_as_learning(app: Litestar, as_user: Login) -> None:
    learning = Assignment(staff="e1", need="n1", week=0, hours=4, learner=True)
    with factory(app)() as session, session.begin():
        rnd = create_round(session, start=THIS_MONDAY, weeks=2)
        store_result(session, rnd, RoundResult(status="feasible", assignments=[learning]))
        round_id = rnd.id
    hr = as_user("hr")

    assert "Anne Jensen under oplæring" in _text(_in("da", hr).get(f"/rounds/{round_id}").text)
    assert "Anne Jensen learning the skill" in _text(_in("en", hr).get(f"/rounds/{round_id}").text)
    [planned] = hr.get(f"/api/rounds/{round_id}/proposal").json()["assignments"]
    assert planned["learner"] is True


def test_a_rotation_proposal_shows_what_introductions_cost_and_what_was_gained(
    app: Litestar, as_user: Login
) -> None:
    result = RoundResult(
        status="feasible",
        assignments=[Assignment(staff="e1", need="n1", week=0, hours=12)],
        metrics=Metrics(
            introductions=3,
            introduction_hours=13.5,
            coverage_traded=0.004,
            new_experiences=2,
            learners_placed=1,
        ),
    )
    with factory(app)() as session, session.begin():
        rnd = create_round(
            session,
            start=THIS_MONDAY,
            weeks=2,
            purpose=Purpose.ROTATION,
            rules=Rules(coverage_trade=0.005),
        )
        store_result(session, rnd, result)
        round_id = rnd.id

    danish = _text(_in("da", as_user("hr")).get(f"/rounds/{round_id}").text)

    assert "13,5 timer, de modtagende enheder bruger på introduktion" in danish
    assert "0,4 % af den vægtede dækning opgivet for færre introduktioner (højst 0,5 %)" in danish
    assert "2 personer sendt til enheder, der er nye for dem" in danish
    assert "1 placeret under oplæring" in danish


def test_a_crisis_proposal_without_a_trade_shows_none_of_it(app: Litestar, as_user: Login) -> None:
    result = RoundResult(
        status="feasible", assignments=[Assignment(staff="e1", need="n1", week=0, hours=12)]
    )
    with factory(app)() as session, session.begin():
        rnd = create_round(session, start=THIS_MONDAY, weeks=2)
        store_result(session, rnd, result)
        round_id = rnd.id

    page = as_user("hr").get(f"/rounds/{round_id}").text

    for part in ("introduction-hours", "coverage-traded", "new-experiences", "learners-placed"):
        assert f'id="{part}"' not in page


def test_a_published_round_shows_its_purpose_but_no_form_and_refuses_a_change(
    app: Litestar, as_user: Login
) -> None:
    published = first_round(app).round_id
    hr = _in("en", as_user("hr"))
    page = hr.get(f"/rounds/{published}").text
    assert 'id="purpose"' not in page and "Purpose Crisis" in _text(page)

    refused = post(hr, f"/rounds/{published}/purpose", {"purpose": "rotation"})

    assert refused.status_code == 409


def test_nobody_but_hr_reaches_a_rounds_purpose_form(app: Litestar, as_user: Login) -> None:
    round_id = _draft(app)
    for user in ("leder_sol", "anne"):
        refused = post(as_user(user), f"/rounds/{round_id}/purpose", {"purpose": "nonsense"})
        assert refused.status_code == 404


# --- a unit's introductions -----------------------------------------------------------------


def test_a_leader_sets_their_units_introductions_on_its_page(as_user: Login, world: Engine) -> None:
    frida = _in("en", as_user("leder_sol"))
    solgaarden = unit_id(world, "solgaarden")
    assert f'href="/units/{solgaarden}#introductions"' in frida.get("/").text
    page = page_of(frida.get(f"/units/{solgaarden}"), 200)
    version = page.hidden("version")

    saved = post(
        frida,
        f"/units/{solgaarden}/introductions",
        {"intro_capacity": "2", "intro_hours": "4,5", "version": version},
    )

    assert saved.status_code == 303
    again = page_of(frida.get(saved.headers["location"]), 200)
    assert again["intro_capacity"].attrs["value"] == "2"
    assert again["intro_hours"].attrs["value"] == "4.5"
    with Session(world) as session:
        unit = session.scalars(select(Unit).where(Unit.code == "solgaarden")).one()
        assert (unit.intro_capacity, unit.intro_hours) == (2, 4.5)


def test_wrong_introductions_are_told_at_their_fields_and_nothing_is_kept(
    as_user: Login, world: Engine
) -> None:
    frida = _in("da", as_user("leder_sol"))
    solgaarden = unit_id(world, "solgaarden")
    version = page_of(frida.get(f"/units/{solgaarden}"), 200).hidden("version")

    refused = post(
        frida,
        f"/units/{solgaarden}/introductions",
        {"intro_capacity": "to", "intro_hours": "41", "version": version},
    )

    page = page_of(refused, 422)
    assert marked(page, "intro_capacity").startswith("Skriv et helt antal personer fra 0 til 50")
    assert marked(page, "intro_hours") == "Skriv timer fra 0 til 40 i halve timer, fx 4,5."
    with Session(world) as session:
        unit = session.scalars(select(Unit).where(Unit.code == "solgaarden")).one()
        assert (unit.intro_capacity, unit.intro_hours) == (None, 0.0)


def test_a_units_page_is_its_leaders_and_hrs_only(as_user: Login, world: Engine) -> None:
    solgaarden = unit_id(world, "solgaarden")
    assert as_user("hr").get(f"/units/{solgaarden}").status_code == 200
    for user in ("leder_hp", "anne"):
        assert as_user(user).get(f"/units/{solgaarden}").status_code == 404
        assert post(as_user(user), f"/units/{solgaarden}/introductions", {}).status_code == 404


# --- a need's learners ----------------------------------------------------------------------


def test_a_need_takes_learners_at_a_share_typed_in_per_cent(as_user: Login, world: Engine) -> None:
    frida = _in("da", as_user("leder_sol"))
    form = need_form(world, accepts_learners="on", learner_share="50")

    saved = post(frida, "/needs", form)

    assert saved.status_code == 303
    ref = saved.headers["location"].split("saved=")[1]
    with Session(world) as session:
        need = session.scalars(select(Need).where(Need.ref == ref)).one()
        assert (need.accepts_learners, need.learner_share) == (True, 0.5)
        need_id = need.id
    edit = page_of(frida.get(f"/needs/{need_id}/edit"), 200)
    assert edit["learner_share"].attrs["value"] == "50"
    assert "checked" in edit["accepts_learners"].attrs
    refused = page_of(post(frida, "/needs", form | {"learner_share": "150"}), 422)
    assert marked(refused, "learner_share") == "Skriv en procentdel fra 0 til 100."


# --- skills to learn ------------------------------------------------------------------------


def test_staff_tick_skills_to_learn_but_not_one_they_have(as_user: Login) -> None:
    anne = _in("da", as_user("anne"))  # a nurse
    form = {"opted_in": "on", "normal_hours": "37", "skills": "nurse", "shifts": "day"}
    version = page_of(anne.get("/volunteering/profile"), 200).hidden("version")

    held = post(anne, "/volunteering/profile", form | {"learn_skills": "nurse", "version": version})
    refused = page_of(held, 422)
    assert marked(refused, "learn_skills") == (
        "Du har allerede denne kompetence; vælg kun kompetencer, du gerne vil lære."
    )
    saved = post(
        anne, "/volunteering/profile", form | {"learn_skills": "cleaning", "version": version}
    )

    assert saved.status_code == 303
    assert anne.get("/api/me/volunteer").json()["learn_skills"] == ["cleaning"]
    page = page_of(anne.get("/volunteering/profile"), 200)
    assert "checked" in page["learn-cleaning"].attrs and "checked" not in page["learn-nurse"].attrs
