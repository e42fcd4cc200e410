"""The pages that report changes to a published plan: staff report their own absence from
their phone, leaders for their people and needs, HR reads every change (with why) on the
round page; a refusal answers the form again naming the field, with nothing kept."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

import pytest
from litestar import Litestar
from sqlalchemy import Engine, func, select
from sqlalchemy.orm import Session

from jobbank.db.models import Need, PlanEvent
from tests.api.conftest import Client
from tests.api.pages.forms import Page
from tests.api.published_round import THIS_MONDAY, first_round

pytestmark = pytest.mark.filterwarnings("ignore::DeprecationWarning")


def day(week: int, weekday: int = 0) -> str:
    return (THIS_MONDAY + dt.timedelta(weeks=week, days=weekday)).isoformat()


def events_in(world: Engine) -> int:
    with Session(world) as session:
        return session.scalar(select(func.count(PlanEvent.id))) or 0


def test_staff_report_sick_and_hr_reads_why_on_the_round_page(
    app: Litestar, as_user: Callable[[str], Client], world: Engine
) -> None:
    ids = first_round(app)
    anne = as_user("anne")
    page = Page(anne.get("/plan-changes").text)
    assert "report-absence" in page.by_id and "report-for-people" not in page.by_id

    sent = anne.post(
        f"/plan-changes/{ids.round_id}/absences",
        data={
            "person_id": str(ids.anne),
            "first_day": day(1),
            "last_day": day(1, 2),
            "reason": "Influenza",
        },
        follow_redirects=True,
    )

    assert sent.status_code == 200
    assert Page(sent.text)["saved"].text.strip()
    hr_page = as_user("hr").get(f"/rounds/{ids.round_id}").text
    assert "Influenza" in Page(hr_page)["plan-events"].text
    leader_page = as_user("leder_bs").get("/plan-changes").text
    assert "Anne Jensen" in leader_page and "Influenza" not in leader_page
    receiving = as_user("leder_sol")  # Anne is lent to Solgården, in both languages
    for language in ("da", "en"):
        receiving.post("/language", data={"language": language, "next": "/"})
        shown = receiving.get("/plan-changes").text
        assert f'<html lang="{language}">' in shown
        assert "Anne Jensen" in Page(shown)["events"].text and "Influenza" not in shown


def test_a_refused_report_names_the_field_and_keeps_nothing(
    app: Litestar, as_user: Callable[[str], Client], world: Engine
) -> None:
    ids = first_round(app)
    refused = as_user("anne").post(
        f"/plan-changes/{ids.round_id}/absences",
        data={"person_id": str(ids.anne), "first_day": day(2), "last_day": day(1), "reason": ""},
    )
    assert refused.status_code == 422
    error = Page(refused.text)["absences-last_day-error"].text
    assert error.strip() == "Sidste dag kan ikke ligge før første dag."  # Danish by default
    missing = as_user("anne").post(
        f"/plan-changes/{ids.round_id}/withdrawals",
        data={"person_id": str(ids.anne), "first_day": ""},
    )
    assert missing.status_code == 422
    assert Page(missing.text)["withdrawals-first_day-error"].text.strip()
    assert events_in(world) == 0


def test_leaders_report_for_their_people_and_needs(
    app: Litestar, as_user: Callable[[str], Client], world: Engine
) -> None:
    ids = first_round(app)
    erik, frida = as_user("leder_bs"), as_user("leder_sol")
    with Session(world) as session:
        n1 = session.scalars(select(Need.id).where(Need.ref == "n1")).one()
    assert "report-for-people" in Page(erik.get("/plan-changes").text).by_id
    assert "report-for-needs" in Page(frida.get("/plan-changes").text).by_id

    recalled = erik.post(
        f"/plan-changes/{ids.round_id}/home-recalls",
        data={"person_id": str(ids.bo), "first_day": day(1), "last_day": day(2), "hours": "30"},
        follow_redirects=False,
    )
    changed = frida.post(
        f"/plan-changes/{ids.round_id}/need-changes",
        data={"need_id": str(n1), "first_day": day(2), "hours": "0"},
        follow_redirects=False,
    )
    urgent = frida.post(
        f"/plan-changes/{ids.round_id}/urgent-needs",
        data={"unit_id": str(ids.solgaarden), "skill": "nurse", "hours": "12", "priority": "5"},
        follow_redirects=False,
    )

    assert [r.status_code for r in (recalled, changed, urgent)] == [303, 303, 303]
    assert events_in(world) == 3
    too_many = erik.post(
        f"/plan-changes/{ids.round_id}/home-recalls",
        data={"person_id": str(ids.bo), "first_day": day(1), "last_day": day(1), "hours": "45"},
    )
    assert too_many.status_code == 422
    assert Page(too_many.text)["home-recalls-hours-error"].text.strip()


def test_staff_take_back_their_open_absence(
    app: Litestar, as_user: Callable[[str], Client], world: Engine
) -> None:
    ids = first_round(app)
    anne = as_user("anne")
    anne.post(
        f"/plan-changes/{ids.round_id}/absences",
        data={"person_id": str(ids.anne), "first_day": day(1), "last_day": day(1)},
    )
    with Session(world) as session:
        event_id = session.scalars(select(PlanEvent.id)).one()

    taken_back = anne.post(
        f"/plan-changes/{ids.round_id}/events/{event_id}/cancel", follow_redirects=False
    )

    assert taken_back.status_code == 303
    assert events_in(world) == 0
