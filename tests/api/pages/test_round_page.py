"""HR's round page: a summary first (coverage of the wanted hours and of the best possible,
each labelled), the open need-weeks by unit with reasons in the reader's language, then the
assignments; pinning keeps the reader's place and changing language keeps the filters."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from litestar import Litestar

from jobbank.db.models import AllocationRound
from jobbank.rounds import create_round, store_result
from solver.contract import (
    Assignment,
    Metrics,
    Reason,
    ReasonCode,
    ReasonDetail,
    ReasonValues,
    RoundResult,
    Unfilled,
)
from tests.api.conftest import Client
from tests.api.published_round import THIS_MONDAY, factory
from tests.language_words import danish_phrases, english_phrases, phrases_in, visible_text


def _proposal(app: Litestar) -> int:
    """Anne on n1 in the first week; n1's second week stays open: 3 nurses are away, and 2
    more are new to Solgården, which can introduce only 1 new person a week."""
    away = Reason(
        code=ReasonCode.UNAVAILABLE,
        message="3 people with the skill are away or fully busy at their home unit in the week "
        "of 2030-01-07.",
        values=ReasonValues(
            detail=ReasonDetail.EXCLUDED, people=3, skill="nurse", week_start=THIS_MONDAY
        ),
    )
    full = Reason(
        code=ReasonCode.INTRODUCTIONS,
        message="2 people who could help are new to solgaarden, which can introduce 1 new "
        "person a week; 1 is already coming.",
        values=ReasonValues(detail=ReasonDetail.INTRODUCTIONS_FULL, people=2, capacity=1, coming=1),
    )
    result = RoundResult(
        status="feasible",
        assignments=[Assignment(staff="e1", need="n1", week=0, hours=12)],
        unfilled=[Unfilled(need="n1", week=1, hours=12.5, reasons=[away, full])],
        metrics=Metrics(
            covered_hours=29.5, wanted_hours=42, weighted_coverage=998, upper_bound=1000
        ),
    )
    with factory(app)() as session, session.begin():
        rnd = create_round(session, start=THIS_MONDAY, weeks=2, name="Plan 7")
        store_result(session, rnd, result)
        return rnd.id


def _in(language: str, client: Client) -> Client:
    assert client.post("/language", data={"language": language, "next": "/"}).status_code == 200
    return client


def test_the_summary_comes_first_and_says_what_each_share_is_of(
    app: Litestar, as_user: Callable[[str], Client]
) -> None:
    round_id = _proposal(app)
    page = _in("da", as_user("hr")).get(f"/rounds/{round_id}").text
    summary, unfilled, assignments = (
        page.index('id="summary"'),
        page.index('id="unfilled"'),
        page.index('id="assignments"'),
    )
    assert summary < unfilled < assignments
    text = " ".join(visible_text(page).split())
    # 29.5 of 42 is 70.2 %, rounded down; the bound's share is labelled as such.
    assert "70 % af de ønskede timer er dækket: 29,5 af 42 timer" in text
    assert "12,5 ønskede timer forbliver udækkede" in text
    assert "99 % af det meste, nogen plan kan dække med disse frivillige" in text


def test_open_need_weeks_are_grouped_by_unit_with_reasons_in_the_readers_words(
    app: Litestar, as_user: Callable[[str], Client]
) -> None:
    round_id = _proposal(app)
    hr = as_user("hr")
    danish = " ".join(visible_text(_in("da", hr).get(f"/rounds/{round_id}").text).split())
    assert "Plejecenter Solgården · 12,5 udækkede timer" in danish
    assert "3 personer med kompetencen er fraværende" in danish
    assert (
        "2 personer, der kunne hjælpe, er nye på Plejecenter Solgården, som kan tage imod "
        "1 ny om ugen; 1 er allerede på vej." in danish
    )
    assert "Sygeplejerske" in danish
    assert "nurse" not in danish and "away or fully busy" not in danish
    assert THIS_MONDAY.isoformat() not in danish
    english = " ".join(visible_text(_in("en", hr).get(f"/rounds/{round_id}").text).split())
    assert "3 people with the skill are away or fully busy at their home unit in week" in english
    assert (
        "2 people who could help are new to Plejecenter Solgården, which can introduce 1 new "
        "person a week; 1 is already coming." in english
    )
    assert "Nurse" in english


@pytest.mark.parametrize(("language", "foreign"), [("en", danish_phrases), ("da", english_phrases)])
def test_the_round_page_holds_no_word_of_the_other_language(
    app: Litestar,
    as_user: Callable[[str], Client],
    language: str,
    foreign: Callable[[], frozenset[str]],
) -> None:
    round_id = _proposal(app)
    hr = _in(language, as_user("hr"))
    for path in (f"/rounds/{round_id}", "/rounds", "/dashboard"):  # the status words too
        page = hr.get(path).text
        assert (path, phrases_in(visible_text(page), foreign())) == (path, [])


def test_pinning_comes_back_to_the_same_filters_and_row(
    app: Litestar, as_user: Callable[[str], Client]
) -> None:
    round_id = _proposal(app)
    with factory(app)() as session:
        assignment_id = session.get_one(AllocationRound, round_id).assignments[0].id
    hr = as_user("hr")
    page = hr.get(f"/rounds/{round_id}", params={"view": "person", "need": ""}).text
    assert 'name="back" value="view=person&amp;need="' in page
    pinned = hr.post(
        f"/rounds/{round_id}/assignments/{assignment_id}/pin",
        data={"back": "view=person&need="},
        follow_redirects=False,
    )
    assert pinned.status_code == 303
    assert pinned.headers["location"] == f"/rounds/{round_id}?view=person&need=#a{assignment_id}"


def test_changing_language_keeps_the_filters(
    app: Litestar, as_user: Callable[[str], Client]
) -> None:
    round_id = _proposal(app)
    hr = as_user("hr")
    page = hr.get(f"/rounds/{round_id}", params={"view": "person"}).text
    assert f'name="next" value="/rounds/{round_id}?view=person"' in page
    back = hr.post(
        "/language",
        data={"language": "en", "next": f"/rounds/{round_id}?view=person"},
        follow_redirects=False,
    )
    assert back.headers["location"] == f"/rounds/{round_id}?view=person"


def test_a_round_that_cannot_be_planned_says_so_in_the_readers_words(
    app: Litestar, as_user: Callable[[str], Client]
) -> None:
    broken = RoundResult(status="infeasible", messages=["pinned (e1, n1, week 0): too many hours"])
    with factory(app)() as session, session.begin():
        rnd = create_round(session, start=THIS_MONDAY, weeks=2, name="Plan 8")
        store_result(session, rnd, broken)
        round_id = rnd.id
    hr = as_user("hr")
    danish = visible_text(_in("da", hr).get(f"/rounds/{round_id}").text)
    assert "Runden kan ikke planlægges, som den er" in " ".join(danish.split())
    assert phrases_in(danish, english_phrases()) == []
    page = _in("en", hr).get(f"/rounds/{round_id}").text
    assert '<p lang="en">pinned (e1, n1, week 0): too many hours</p>' in page  # the details
