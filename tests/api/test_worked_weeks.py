"""Worked hours over HTTP: Anne (Borgerservice) is lent to Solgården this week and next, 12
hours each; Frida (leder_sol) receives her, Erik (leder_bs) sends her."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

import pytest
from httpx import Response
from litestar import Litestar
from sqlalchemy import select

from jobbank.db.models import AuditEntry, Deployment, WorkedWeek
from tests.api.conftest import Client
from tests.api.published_round import THIS_MONDAY, factory, first_round

NEXT_MONDAY = THIS_MONDAY + dt.timedelta(weeks=1)


@pytest.fixture
def deployment(app: Litestar) -> int:
    """Anne's deployment at Solgården."""
    ids = first_round(app)
    with factory(app)() as session:
        return session.scalars(
            select(Deployment.id).where(
                Deployment.person_id == ids.anne, Deployment.unit_id == ids.solgaarden
            )
        ).one()


def codes(response: Response) -> list[str]:
    """The refusals' codes of a problem answer."""
    return [error.get("code") for error in response.json().get("errors", [])]


def url(deployment: int, week: dt.date | None = None) -> str:
    base = f"/api/deployments/{deployment}/worked-weeks"
    return base if week is None else f"{base}/{week.isoformat()}"


def test_the_person_enters_and_the_receiving_leader_signs_off(
    as_user: Callable[[str], Client], deployment: int, app: Litestar
) -> None:
    anne, frida, erik = as_user("anne"), as_user("leder_sol"), as_user("leder_bs")
    entered = anne.put(url(deployment, THIS_MONDAY), json={"hours": 10.5})
    assert entered.status_code == 200, entered.text
    assert entered.json()["hours"] == 10.5
    assert entered.json()["confirmed_at"] is None
    assert entered.json()["entered_by"]

    read = erik.get(url(deployment)).json()
    assert [w["week"] for w in read["weeks"]] == [THIS_MONDAY.isoformat(), NEXT_MONDAY.isoformat()]
    assert read["planned_hours"] == 24
    assert read["waiting_hours"] == 10.5
    assert read["worked_hours"] == 0
    assert read["may_enter"] is False and read["may_confirm"] is False

    version = entered.json()["version"]
    confirmed = frida.post(url(deployment, THIS_MONDAY) + "/confirm", json={"version": version})
    assert confirmed.status_code == 200, confirmed.text
    assert confirmed.json()["confirmed_at"] is not None
    assert frida.get(url(deployment)).json()["worked_hours"] == 10.5

    refused = anne.put(url(deployment, THIS_MONDAY), json={"hours": 12})
    assert refused.status_code == 409
    assert codes(refused) == ["worked_hours_confirmed"]

    with factory(app)() as session:
        actions = session.scalars(
            select(AuditEntry.action).where(AuditEntry.entity == "worked_week")
        ).all()
        assert list(actions) == ["enter_worked", "confirm_worked"]


def test_the_leaders_hours_are_confirmed_at_once_and_change_the_persons(
    as_user: Callable[[str], Client], deployment: int
) -> None:
    anne, frida = as_user("anne"), as_user("leder_sol")
    anne.put(url(deployment, THIS_MONDAY), json={"hours": 12})
    changed = frida.put(url(deployment, THIS_MONDAY), json={"hours": 9})
    assert changed.status_code == 200, changed.text
    assert changed.json()["hours"] == 9
    assert changed.json()["confirmed_at"] is not None
    assert changed.json()["confirmed_by"] == changed.json()["entered_by"]
    hr = as_user("hr").put(url(deployment, THIS_MONDAY), json={"hours": 8})
    assert hr.status_code == 200
    assert hr.json()["confirmed_by"] != changed.json()["confirmed_by"]


def test_hours_above_the_plan_and_its_margin_are_refused_naming_hours(
    as_user: Callable[[str], Client], deployment: int, app: Litestar
) -> None:
    anne = as_user("anne")
    most = anne.put(url(deployment, THIS_MONDAY), json={"hours": 20})  # 12 planned + 8
    assert most.status_code == 200, most.text
    over = anne.put(url(deployment, THIS_MONDAY), json={"hours": 20.5})
    assert over.status_code == 422
    assert codes(over) == ["above_worked_margin"]
    assert over.json()["errors"][0]["field"] == "hours"
    assert "hours" in over.text and "at most 20" in over.text
    assert "one working day" in over.text
    for body in ({"hours": 48.5}, {"hours": -1}, {"hours": 7.25}, {"hours": "many"}):
        assert anne.put(url(deployment, THIS_MONDAY), json=body).status_code in {400, 422}
    with factory(app)() as session:
        assert session.scalars(select(WorkedWeek.hours)).all() == [20]


def test_a_week_not_begun_or_not_planned_is_refused_naming_week(
    as_user: Callable[[str], Client], deployment: int
) -> None:
    anne = as_user("anne")
    for week in (NEXT_MONDAY, THIS_MONDAY - dt.timedelta(weeks=1)):
        refused = anne.put(url(deployment, week), json={"hours": 4})
        assert refused.status_code == 422, refused.text
        assert codes(refused) == ["not_a_worked_week"]
        assert refused.json()["errors"][0]["field"] == "week"


def test_only_the_receiving_side_signs_off_and_others_get_404(
    as_user: Callable[[str], Client], deployment: int
) -> None:
    as_user("anne").put(url(deployment, THIS_MONDAY), json={"hours": 4})
    week = url(deployment, THIS_MONDAY)
    assert as_user("anne").post(week + "/confirm").status_code == 404
    assert as_user("leder_bs").post(week + "/confirm").status_code == 404
    assert as_user("leder_bs").put(week, json={"hours": 1}).status_code == 404
    for outsider in ("leder_hp", "bo", "carla"):
        assert as_user(outsider).get(url(deployment)).status_code == 404


def test_a_stale_version_and_an_empty_week_conflict(
    as_user: Callable[[str], Client], deployment: int
) -> None:
    frida = as_user("leder_sol")
    nothing = frida.post(url(deployment, THIS_MONDAY) + "/confirm")
    assert nothing.status_code == 409
    assert codes(nothing) == ["no_worked_hours"]
    first = frida.put(url(deployment, THIS_MONDAY), json={"hours": 4}).json()
    frida.put(url(deployment, THIS_MONDAY), json={"hours": 5, "version": first["version"]})
    stale = frida.put(url(deployment, THIS_MONDAY), json={"hours": 6, "version": first["version"]})
    assert stale.status_code == 409
    assert codes(stale) == ["stale_version"]


# --- the pages -------------------------------------------------------------------------------


def page(deployment: int, week: dt.date | None = None) -> str:
    base = f"/deployment/{deployment}/hours"
    return base if week is None else f"{base}/{week.isoformat()}"


def test_the_person_enters_hours_on_the_page_and_the_leader_is_prompted(
    as_user: Callable[[str], Client], deployment: int
) -> None:
    anne, frida = as_user("anne"), as_user("leder_sol")
    shown = anne.get(page(deployment))
    assert shown.status_code == 200
    assert f'action="{page(deployment, THIS_MONDAY)}"' in shown.text
    assert f'action="{page(deployment, NEXT_MONDAY)}"' not in shown.text  # not begun
    saved = anne.post(page(deployment, THIS_MONDAY), data={"hours": "10,5"})
    assert saved.status_code == 200  # followed the 303 back to the page
    assert "10.5" in saved.text or "10,5" in saved.text
    home = frida.get("/")
    assert 'id="hours-waiting"' in home.text
    assert page(deployment) in home.text
    confirm = f'action="{page(deployment, THIS_MONDAY)}/confirm"'
    assert confirm in frida.get(page(deployment)).text
    version = anne.get(url(deployment)).json()["weeks"][0]["version"]
    done = frida.post(page(deployment, THIS_MONDAY) + "/confirm", data={"version": version})
    assert done.status_code == 200
    assert 'id="hours-waiting"' not in frida.get("/").text


def test_the_page_tells_hours_above_the_margin_beside_the_field(
    as_user: Callable[[str], Client], deployment: int, app: Litestar
) -> None:
    anne = as_user("anne")
    refused = anne.post(page(deployment, THIS_MONDAY), data={"hours": "30"})
    assert refused.status_code == 422
    assert "Højst 20 timer" in refused.text  # Anne reads Danish
    assert 'aria-invalid="true"' in refused.text
    assert as_user("leder_bs").get(page(deployment)).status_code == 200
    assert as_user("leder_hp").get(page(deployment)).status_code == 404
    with factory(app)() as session:
        assert session.scalars(select(WorkedWeek)).all() == []
