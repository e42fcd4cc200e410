"""The impact report counts the changes to a published plan: events, hours moved, people
disturbed; on the report's page, in its API and in its export."""

from __future__ import annotations

from collections.abc import Callable

from litestar.testing import TestClient

from jobbank.cli.report import as_csv, over_time_tables, round_tables
from jobbank.report import over_time, report_of
from jobbank.rounds import get_round
from tests.jobbank.notifications.conftest import (
    ANNE_AT_SOLGAARDEN,
    BO_AT_HJEMMEPLEJEN,
    Factory,
    publish,
)
from tests.jobbank.plan_effects.changing import Edit, change_plan
from tests.jobbank.plan_effects.test_effects import BO_MOVES_TO_SOLGAARDEN, bo_falls_ill

Client = TestClient  # type: ignore[type-arg]


def _changed_round(factory: Factory) -> int:
    """Bo falls ill and moves (8 hours ended, 8 added); Anne's week 1 drops from 12 to 6."""
    round_id = publish(factory, *ANNE_AT_SOLGAARDEN, BO_AT_HJEMMEPLEJEN)
    bo_falls_ill(factory, round_id)
    change_plan(factory, round_id, *BO_MOVES_TO_SOLGAARDEN)
    change_plan(factory, round_id, Edit("e1", "n1", 1, 6))
    return round_id


def test_the_report_counts_events_hours_moved_and_people_disturbed(factory: Factory) -> None:
    round_id = _changed_round(factory)

    with factory() as session:
        report = report_of(session, get_round(session, round_id))
        figures = over_time(session).rounds

    assert report.changes.events == 1
    assert report.changes.hours_moved == 8 + 8 + 6
    assert report.changes.people_disturbed == 2
    (row,) = [row for row in figures if row.round_id == round_id]
    assert (row.plan_events, row.hours_moved, row.people_disturbed) == (1, 22, 2)
    exported = as_csv([*round_tables(report), *over_time_tables(over_time(session))])
    assert "people_disturbed,2" in exported and "hours_moved" in exported


def test_an_unchanged_round_reports_no_changes(factory: Factory) -> None:
    round_id = publish(factory, *ANNE_AT_SOLGAARDEN)
    with factory() as session:
        changes = report_of(session, get_round(session, round_id)).changes
    assert (changes.events, changes.hours_moved, changes.people_disturbed) == (0, 0, 0)


def test_the_report_page_and_api_show_the_changes(
    factory: Factory, as_user: Callable[[str], Client]
) -> None:
    round_id = _changed_round(factory)
    hr = as_user("hr")

    answer = hr.get(f"/api/rounds/{round_id}/report").json()
    page = hr.get(f"/reports/rounds/{round_id}", headers={"Accept-Language": "da"}).text
    over_time_page = hr.get("/reports").text

    assert answer["changes"] == {"events": 1, "hours_moved": 22.0, "people_disturbed": 2}
    assert 'id="plan-changes"' in page and "personer berørt" in page
    assert "Ændringer efter offentliggørelsen" in page
    assert "Berørte personer" in over_time_page or "People disturbed" in over_time_page
