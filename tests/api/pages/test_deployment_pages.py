"""A leader's home lists the ten soonest needs and deployments each way, a line each, and links
to all of them: the deployments' cards with their checklists, twenty a page. Only leaders have
these pages."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable

import pytest
from litestar import Litestar

from solver.contract import Assignment as Planned
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


def _lines(html: str, direction: str) -> list[str]:
    """The rows of the home page's table of deployments `direction`."""
    table = re.search(rf'<table id="{direction}".*?</table>', html, re.S)
    assert table is not None, f"no table of {direction} deployments"
    return re.findall(r"<tr><td>.*?</tr>", table.group(0), re.S)


def test_the_leaders_home_lists_the_ten_soonest_and_links_each_to_its_card(
    as_user: Callable[[str], Client], ids: Ids
) -> None:
    leader = as_user("leder_sol")
    home = html_of(leader, "/")
    assert CARD not in home  # the cards, with the items to tick, are on the list's pages
    lines = _lines(home, "incoming")
    assert len(lines) == 10
    assert re.search(
        r'<a href="/deployments/incoming">Tjeklister og kontakter for alle 22, der kommer til '
        r"mine enheder</a> \(de 10 første vises her\)",
        home,
    )
    assert "Ingen fra dine enheder er udlånt" in home  # nobody is lent out from Solgården
    # Soonest first; each line links to its card, all ten on the list's first page.
    assert "Anne Jensen" in lines[0] and "Bo Nielsen" in lines[1]
    anchors = [re.search(r'href="/deployments/incoming#([\w-]+)"', line) for line in lines]
    first_page = html_of(leader, "/deployments/incoming")
    for anchor in anchors:
        assert anchor is not None
        assert f'<article class="card deployment" id="{anchor.group(1)}">' in first_page
    # How far the checklists are: the receiving leader's own items and Anne's, with the
    # overdue ones (the round began this week; some items were due before it).
    assert re.search(
        r'<td>0 af \d+ udført, <span class="alert">\d+ overskredet</span></td>'
        r'<td>0 af \d+ udført, <span class="alert">\d+ overskredet</span></td>',
        lines[0],
    )


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
    home = html_of(leader, "/")
    assert "Tjeklister og kontakter for alle 22, der er udlånt fra mine enheder" in home
    assert len(_lines(home, "outgoing")) == 10
    assert html_of(leader, "/deployments/outgoing?page=2").count(CARD) == 2


def test_staff_have_no_such_page_and_a_wrong_direction_is_named(
    as_user: Callable[[str], Client], ids: Ids
) -> None:
    assert as_user("anne").get("/deployments/incoming").status_code == 404
    wrong = as_user("leder_sol").get("/deployments/sideways")
    assert wrong.status_code == 400
    assert "direction" in wrong.text


def test_the_leaders_home_lists_the_soonest_needs_and_links_to_all(
    app: Litestar, as_user: Callable[[str], Client]
) -> None:
    for number in range(12):
        add_need(app, f"n-more-{number}", hours=10, weeks=2 + number)
    home = html_of(as_user("leder_sol"), "/")
    table = re.search(r'<table id="needs">.*?</table>', home, re.S)
    assert table is not None
    assert table.group(0).count("<tr><td>") == 10
    shown = re.search(r'<a href="/needs">Alle (\d+) behov i mine enheder</a>', home)
    assert shown is not None and int(shown.group(1)) >= 12
