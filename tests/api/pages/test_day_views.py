"""Days on the pages. Leaders' weeks by day: the receiving leader sees who is here which day
and when, the home leader who of their people is away which day and where; weeks planned by
the week alone are listed apart; in Danish and English; nobody else reaches them. The lent
person sees their days under each week of their deployment."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

from litestar import Litestar

from solver.contract import Assignment as Planned
from solver.contract import WorkDay
from tests.api.conftest import Client
from tests.api.pages.forms import Page
from tests.api.published_round import THIS_MONDAY, add_need_n3, publish
from tests.api.test_volunteer_approvals import in_english

Login = Callable[[str], Client]
TUESDAY, SATURDAY = THIS_MONDAY + dt.timedelta(days=1), THIS_MONDAY + dt.timedelta(days=5)


def days_published(app: Litestar) -> None:
    """Anne at Solgården (n1) Tuesday early and Saturday night this week; Bo (n3) by the week."""
    add_need_n3(app)
    anne = Planned(
        staff="e1",
        need="n1",
        week=0,
        hours=15,
        days=(
            WorkDay(date=TUESDAY, start="07:00", end="14:00", hours=7),
            WorkDay(date=SATURDAY, start="22:00", end="06:00", hours=8),
        ),
    )
    publish(app, anne, Planned(staff="e2", need="n3", week=0, hours=8))


def day_text(page: Page, day: dt.date) -> str:
    return " ".join(page[f"day-{day.isoformat()}"].text.split())


def test_the_receiving_leader_sees_who_is_here_each_day(as_user: Login, app: Litestar) -> None:
    days_published(app)
    frida = as_user("leder_sol")

    answer = frida.get("/deployments/incoming/week")

    assert answer.status_code == 200, answer.text
    page = Page(answer.text)
    assert "Anne Jensen 07:00–14:00" in day_text(page, TUESDAY)
    assert "fra Borgerservice" in day_text(page, TUESDAY)
    assert "Anne Jensen 22:00–06:00" in day_text(page, SATURDAY)
    assert day_text(page, THIS_MONDAY).endswith("Ingen")
    assert "Bo Nielsen 8 timer denne uge" in " ".join(page["by-the-week"].text.split())

    in_english(frida)
    english = Page(frida.get(f"/deployments/incoming/week?week={TUESDAY.isoformat()}").text)
    assert "Tuesday" in day_text(english, TUESDAY)
    assert "from Borgerservice" in day_text(english, TUESDAY)
    assert "Bo Nielsen 8 hours this week" in " ".join(english["by-the-week"].text.split())


def test_the_home_leader_sees_who_is_away_and_where(as_user: Login, app: Litestar) -> None:
    days_published(app)
    erik = as_user("leder_bs")

    page = Page(erik.get("/deployments/outgoing/week").text)

    assert "Anne Jensen 07:00–14:00" in day_text(page, TUESDAY)
    assert "hos Plejecenter Solgården" in day_text(page, TUESDAY)
    next_week = Page(
        erik.get(f"/deployments/outgoing/week?week={(THIS_MONDAY + dt.timedelta(weeks=1))}").text
    )
    assert "by-the-week" not in next_week.by_id
    assert all(
        day_text(next_week, THIS_MONDAY + dt.timedelta(weeks=1, days=n)).endswith("Ingen")
        for n in range(7)
    )


def test_only_leaders_reach_the_week(as_user: Login, app: Litestar) -> None:
    days_published(app)
    gustav = Page(as_user("leder_hp").get("/deployments/incoming/week").text)
    assert all(
        day_text(gustav, THIS_MONDAY + dt.timedelta(days=n)).endswith("Ingen") for n in range(7)
    )
    assert as_user("anne").get("/deployments/incoming/week").status_code == 404
    assert as_user("hr").get("/deployments/outgoing/week").status_code == 404


def test_the_lent_person_sees_their_days_under_each_week(as_user: Login, app: Litestar) -> None:
    days_published(app)
    anne = as_user("anne")

    front = " ".join(anne.get("/").text.split())

    assert "07:00–14:00 (7 timer)" in front
    assert "22:00–06:00 (8 timer)" in front
    in_english(anne)
    english = " ".join(anne.get("/").text.split())
    assert "Tuesday" in english and "07:00–14:00 (7 hours)" in english
    assert 'class="work-day"' in anne.get("/").text
    assert 'class="work-day"' not in as_user("bo").get("/").text  # Bo's week has no days
