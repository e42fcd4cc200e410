"""The impact report over HTTP: the JSON API and HR's pages, on the test world's published round
(Anne and Bo from Borgerservice at Solgården) and a proposal that is not published."""

from __future__ import annotations

import datetime as dt
import re
from collections import defaultdict
from collections.abc import Callable

import pytest
from litestar import Litestar
from sqlalchemy import select

from jobbank.core.weeks import week_starts
from jobbank.db.models import AllocationRound, Assignment, Need, VolunteerProfile
from jobbank.needs import hours_in
from jobbank.volunteers import is_plannable
from solver.contract import Assignment as Planned
from tests.api.conftest import Client
from tests.api.pages.forms import page_of
from tests.api.published_round import THIS_MONDAY, Ids, factory, first_round, propose, publish
from tests.api.test_volunteer_approvals import in_english
from tests.language_words import danish_phrases, phrases_in, visible_text

NOT_HR = ("leder_sol", "leder_bs", "anne")


@pytest.fixture
def world(app: Litestar) -> tuple[Ids, int]:
    """The published round, and a proposal over the same weeks."""
    published = first_round(app)
    proposal = propose(app, Planned(staff="e1", need="n1", week=3, hours=12))
    return published, proposal


def raw_figures(app: Litestar, round_id: int) -> dict[str, object]:
    """Wanted and covered hours by area and by week, people used and hours lent per home
    unit, straight from the rows."""
    with factory(app)() as session:
        rnd = session.get_one(AllocationRound, round_id)
        rows = session.scalars(select(Assignment).where(Assignment.round_id == round_id)).all()
        planned: dict[tuple[int, dt.date], float] = defaultdict(float)
        lent: dict[str, float] = defaultdict(float)
        for row in rows:
            planned[(row.need_id, row.week)] += row.hours
            lent[row.person.home_unit.code] += row.hours
        by_area: dict[str, list[float]] = defaultdict(lambda: [0.0, 0.0])
        by_week: dict[str, list[float]] = defaultdict(lambda: [0.0, 0.0])
        for need in session.scalars(select(Need)):
            for week in week_starts(rnd.start, rnd.weeks):
                wanted = hours_in(need, week)
                if wanted:
                    covered = min(wanted, planned[(need.id, week)])
                    for cell in (by_area[need.unit.area.name], by_week[week.isoformat()]):
                        cell[0] += wanted
                        cell[1] += covered
        volunteers = [p for p in session.scalars(select(VolunteerProfile)) if is_plannable(p)]
        return {
            "by_area": {k: tuple(v) for k, v in by_area.items()},
            "by_week": {k: tuple(v) for k, v in by_week.items()},
            "used": len({row.person_id for row in rows}),
            "in_round": len(volunteers),
            "lent": dict(lent),
        }


# --- the JSON API ----------------------------------------------------------------------------


def test_hr_reads_a_rounds_report_whose_figures_match_the_rows(
    app: Litestar, world: tuple[Ids, int], as_user: Callable[[str], Client]
) -> None:
    published, _ = world
    response = as_user("hr").get(f"/api/rounds/{published.round_id}/report")
    assert response.status_code == 200, response.text
    body = response.json()
    raw = raw_figures(app, published.round_id)
    by_area = {c["area"]: (c["wanted_hours"], c["covered_hours"]) for c in body["by_area"]}
    by_week = {c["week"]: (c["wanted_hours"], c["covered_hours"]) for c in body["by_week"]}
    assert by_area == raw["by_area"]
    assert by_week == raw["by_week"]
    assert body["people"]["used"] == raw["used"]
    assert body["people"]["in_round"] == raw["in_round"]
    lent = {u["unit"]: u["lent_hours"] for u in body["units"] if u["lent_hours"]}
    assert lent == raw["lent"]
    assert body["introductions"] == 2  # Anne and Bo, both new to Solgården
    assert {c["audience"] for c in body["checklists"]} == {
        "receiving_leader",
        "sending_leader",
        "employee",
        "permanent_staff",
    }
    assert "risk" not in response.text.lower()


def test_nobody_but_hr_finds_a_report(
    world: tuple[Ids, int], as_user: Callable[[str], Client], anonymous: Client
) -> None:
    published, _ = world
    for user in NOT_HR:
        assert as_user(user).get(f"/api/rounds/{published.round_id}/report").status_code == 404
        assert as_user(user).get("/api/reports/over-time").status_code == 404
    assert anonymous.get(f"/api/rounds/{published.round_id}/report").status_code == 401
    assert as_user("hr").get("/api/rounds/987654/report").status_code == 404


def test_over_time_lists_published_rounds_only_and_keeps_to_the_dates(
    app: Litestar, world: tuple[Ids, int], as_user: Callable[[str], Client]
) -> None:
    published, proposal = world
    hr = as_user("hr")
    body = hr.get("/api/reports/over-time").json()
    assert [r["round_id"] for r in body["rounds"]] == [published.round_id]
    row = body["rounds"][0]
    single = hr.get(f"/api/rounds/{published.round_id}/report").json()
    assert row["wanted_hours"] == single["total"]["wanted_hours"]
    assert row["covered_hours"] == single["total"]["covered_hours"]
    assert row["people_never_used"] == single["people"]["never_used"]
    later = (THIS_MONDAY + dt.timedelta(weeks=5)).isoformat()
    assert hr.get(f"/api/reports/over-time?from={later}").json()["rounds"] == []
    before = (THIS_MONDAY - dt.timedelta(days=1)).isoformat()
    assert hr.get(f"/api/reports/over-time?to={before}").json()["rounds"] == []
    assert hr.get(f"/api/reports/over-time?from={later}&to={before}").status_code == 422
    assert hr.get("/api/reports/over-time?from=soon").status_code == 400
    assert proposal not in [r["round_id"] for r in body["rounds"]]


# --- the pages -------------------------------------------------------------------------------


def _element(html: str, tag: str, marker: str) -> str:
    found = re.search(rf"<{tag}[^>]*{re.escape(marker)}.*?</{tag}>", html, re.S)
    assert found is not None, f"no <{tag}> with {marker}"
    return found.group(0)


def _body_rows(table: str) -> int:
    return len(re.findall(r"<tr>", table.split("<tbody>", 1)[1]))


def test_the_round_report_page_draws_each_chart_beside_its_table(
    world: tuple[Ids, int], as_user: Callable[[str], Client]
) -> None:
    published, _ = world
    response = as_user("hr").get(f"/reports/rounds/{published.round_id}")
    assert response.status_code == 200
    page = response.text
    assert "Effektrapport" in page  # Danish by default
    pairs = [("area-week-chart", "by-area-week"), ("priority-chart", "by-priority")]
    for chart, table in pairs:
        bars = _element(page, "svg", f'aria-labelledby="{chart}-title')
        assert bars.count("<rect") == _body_rows(_element(page, "table", f'id="{table}"')) > 0
    units = _element(page, "svg", 'aria-labelledby="units-chart-title')
    assert units.count("<rect") == 2 * _body_rows(_element(page, "table", 'id="units"'))
    assert "Carla" not in page  # not approved, so not in the round: never "never used"
    assert "risk" not in page.lower()


def test_the_over_time_page_and_its_date_filter(
    world: tuple[Ids, int], as_user: Callable[[str], Client]
) -> None:
    published, _ = world
    hr = as_user("hr")
    page = hr.get("/reports").text
    table = _element(page, "table", 'id="over-time"')
    assert _body_rows(table) == 1 and f'href="/reports/rounds/{published.round_id}"' in table
    assert _element(page, "svg", 'aria-labelledby="hours-chart-title').count("<rect") == 2
    bad = hr.get("/reports?start=soon")
    assert bad.status_code == 422
    assert 'aria-invalid="true"' in bad.text and "ÅÅÅÅ-MM-DD" in bad.text
    later = (THIS_MONDAY + dt.timedelta(weeks=5)).isoformat()
    assert 'id="no-rounds"' in hr.get(f"/reports?start={later}").text


def test_report_pages_are_hrs_alone(
    world: tuple[Ids, int], as_user: Callable[[str], Client]
) -> None:
    published, _ = world
    for user in NOT_HR:
        client = as_user(user)
        assert client.get("/reports").status_code == 404
        assert client.get(f"/reports/rounds/{published.round_id}").status_code == 404


def test_the_round_page_and_hr_nav_link_to_the_report(
    world: tuple[Ids, int], as_user: Callable[[str], Client]
) -> None:
    published, _ = world
    page = as_user("hr").get(f"/rounds/{published.round_id}").text
    assert f'href="/reports/rounds/{published.round_id}"' in page
    assert 'href="/reports"' in page


def test_the_dashboard_still_draws_its_chart_with_the_shared_helpers(
    world: tuple[Ids, int], as_user: Callable[[str], Client]
) -> None:
    page = as_user("hr").get("/dashboard").text
    bars = _element(page, "svg", 'aria-labelledby="chart-title')
    assert bars.count("<rect") == _body_rows(_element(page, "table", 'id="coverage-table"')) > 0


# --- new experience and learners -------------------------------------------------------------


def _counts(text: str) -> list[int]:
    return [int(number) for number in re.findall(r"\d+", text)]


def _learning_round(app: Litestar) -> int:
    """A re-plan of the same weeks, published later: Anne back at Solgården (known to her
    now), this time as a learner beside Bo."""
    return publish(
        app,
        Planned(staff="e1", need="n3", week=0, hours=8, learner=True),
        Planned(staff="e2", need="n3", week=0, hours=8),
        published=dt.datetime.combine(THIS_MONDAY, dt.time(12), dt.UTC),
    )


def test_the_round_report_page_tells_new_experience_and_learners_in_both_languages(
    app: Litestar, world: tuple[Ids, int], as_user: Callable[[str], Client]
) -> None:
    published, _ = world
    learning = _learning_round(app)
    hr = as_user("hr")
    danish = page_of(hr.get(f"/reports/rounds/{published.round_id}"), 200)
    # Anne and Bo from Borgerservice (Administration) at Solgården (Social og Sundhed).
    assert _counts(danish["experience"].text) == [2, 2, 0]
    assert "af dem i et område, der er nyt for dem" in " ".join(danish["experience"].text.split())
    in_english(hr)
    response = hr.get(f"/reports/rounds/{learning}")
    english = page_of(response, 200)
    assert _counts(english["experience"].text) == [0, 0, 1]
    words = " ".join(english["experience"].text.split())
    assert "people placed at units new to them" in words
    assert "learner placed beside a holder of the skill" in words
    assert phrases_in(visible_text(response.text), danish_phrases()) == []


def test_the_over_time_page_tells_new_experience_per_round_and_quarter(
    app: Litestar, world: tuple[Ids, int], as_user: Callable[[str], Client]
) -> None:
    published, _ = world
    learning = _learning_round(app)
    page = as_user("hr").get("/reports").text
    per_round = _element(page, "table", 'id="experience-over-time"')
    rows = re.findall(r"<tr><th scope=\"row\">.*?</tr>", per_round, re.S)
    links = [re.search(r'href="/reports/rounds/(\d+)"', row) for row in rows]
    assert [int(link.group(1)) for link in links if link] == [published.round_id, learning]
    cells = [_counts(re.sub(r"<th.*?</th>", "", row, flags=re.S)) for row in rows]
    assert cells == [[2, 2, 0, 2], [0, 0, 1, 2]]
    quarter = _element(page, "table", 'id="experience-by-quarter"')
    assert _body_rows(quarter) == 1
    assert "kvt." in quarter and _counts(quarter.split("</th>", -1)[-1]) == [2, 2, 1]
