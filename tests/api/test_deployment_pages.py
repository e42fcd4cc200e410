"""A leader's home shows the ten soonest deployments each way and links to all of them, twenty
a page; only leaders have these pages."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable

import pytest
from litestar import Litestar

from jobbank.contract import Assignment as Planned
from tests.api.conftest import Client
from tests.api.published_round import THIS_MONDAY, Ids, add_need, first_round, publish

LATER_ROUNDS = 20
"""One-week rounds after the first: with its two deployments, 22 come to Solgården."""
CARD = 'class="card deployment"'


@pytest.fixture
def ids(app: Litestar) -> Ids:
    first = first_round(app)
    add_need(app, "n-long", hours=30, weeks=3 + LATER_ROUNDS)
    for week in range(2, 2 + LATER_ROUNDS):
        publish(
            app,
            Planned(staff="e1", need="n-long", week=0, hours=float(week)),
            start=THIS_MONDAY + dt.timedelta(weeks=week),
            weeks=1,
        )
    return first


def html_of(client: Client, path: str) -> str:
    response = client.get(path)
    assert response.status_code == 200, response.text
    return response.text


def test_the_leaders_home_shows_the_ten_soonest_and_links_to_all(
    as_user: Callable[[str], Client], ids: Ids
) -> None:
    home = html_of(as_user("leder_sol"), "/")
    assert home.count(CARD) == 10
    assert re.search(
        r'<a href="/deployments/incoming">Alle 22, der kommer til mine enheder</a>', home
    )
    assert "/deployments/outgoing" not in home  # nobody is lent out from Solgården


def test_all_deployments_come_twenty_a_page_soonest_first_with_the_checklists(
    as_user: Callable[[str], Client], ids: Ids
) -> None:
    leader = as_user("leder_sol")
    first = html_of(leader, "/deployments/incoming")
    assert first.count(CARD) == 20
    assert "22 i alt, de første først. Side 1 af 2." in first
    assert 'href="/deployments/incoming?page=2" rel="next"' in first
    assert 'class="checklist-item' in first  # the receiving leader's items to tick
    second = html_of(leader, "/deployments/incoming?page=2")
    assert second.count(CARD) == 2
    assert 'href="/deployments/incoming?page=1" rel="prev"' in second
    # Soonest first: the last page holds the two latest rounds' weeks, at 20 and 21 hours.
    hours = re.findall(r'<td class="num">(\d+)</td>', second)
    assert hours == ["20", "21"]


def test_the_sending_leader_sees_their_lent_out_staff_the_same_way(
    as_user: Callable[[str], Client], ids: Ids
) -> None:
    leader = as_user("leder_bs")  # Anne and Bo belong to Borgerservice
    assert re.search(r"Alle 22, der er udlånt fra mine enheder", html_of(leader, "/"))
    assert html_of(leader, "/deployments/outgoing?page=2").count(CARD) == 2


def test_staff_have_no_such_page_and_a_wrong_direction_is_named(
    as_user: Callable[[str], Client], ids: Ids
) -> None:
    assert as_user("anne").get("/deployments/incoming").status_code == 404
    wrong = as_user("leder_sol").get("/deployments/sideways")
    assert wrong.status_code == 400
    assert "direction" in wrong.text
