"""`jobbank report` as an operator runs it: text tables, CSV sections, over time, mistakes."""

from __future__ import annotations

import csv
import io
from pathlib import Path

import pytest
from click.testing import CliRunner, Result
from sqlalchemy.orm import Session

from jobbank import db
from jobbank.cli.main import main
from jobbank.core.settings import load_settings
from jobbank.report import RoundReport, report_of
from jobbank.rounds import get_round
from jobbank.seeding import load_municipality
from solver.contract import Assignment as Planned
from tests.builders import a_municipality
from tests.jobbank.test_report import MONDAY, PUBLISHED_AT, TODAY, a_round


def run(*args: str) -> Result:
    return CliRunner().invoke(main, list(args))


@pytest.fixture
def round_ids(data_dir: Path) -> tuple[int, int]:
    """A fresh SQLite database with the test municipality, one published round (Anne at
    Solgården) and one proposal."""
    url = load_settings().url
    db.upgrade(url)
    engine = db.make_engine(url)
    with Session(engine) as session, session.begin():
        load_municipality(session, a_municipality(), today=MONDAY)
        published = a_round(
            session, Planned(staff="e1", need="n1", week=0, hours=12), published_at=PUBLISHED_AT
        )
        proposal = a_round(
            session, Planned(staff="e2", need="n1", week=1, hours=8), published_at=None
        )
        ids = (published.id, proposal.id)
    engine.dispose()
    return ids


def sections(text: str) -> dict[str, list[dict[str, str]]]:
    """The CSV's tables by section name, each row as a dict of its header."""
    tables: dict[str, list[dict[str, str]]] = {}
    header: list[str] = []
    for row in csv.reader(io.StringIO(text)):
        if not row:
            continue
        if row[0] == "section":
            header = row
            tables.setdefault("", [])
            continue
        tables.setdefault(row[0], []).append(dict(zip(header, row, strict=True)))
    tables.pop("", None)
    return tables


def expected(round_id: int) -> RoundReport:
    engine = db.make_engine(load_settings().url)
    with Session(engine) as session:
        found = report_of(session, get_round(session, round_id), today=TODAY)
    engine.dispose()
    return found


def test_text_report_shows_each_table(round_ids: tuple[int, int]) -> None:
    published, _ = round_ids
    result = run("report", str(published), "--today", TODAY.isoformat())
    assert result.exit_code == 0, result.output
    for title in (
        "Hours by area",
        "Hours by priority",
        "Hours by week",
        "Hours lent and received per unit",
        "Volunteers never used",
        "Checklist items per audience",
    ):
        assert title in result.output
    assert "Bo Nielsen" in result.output  # approved, in the round, given nothing
    assert "risk" not in result.output.lower()


def test_csv_report_holds_the_same_figures(round_ids: tuple[int, int], tmp_path: Path) -> None:
    published, _ = round_ids
    out = tmp_path / "report.csv"
    result = run(
        "report", str(published), "--format", "csv", "-o", str(out), "--today", TODAY.isoformat()
    )
    assert result.exit_code == 0, result.output
    tables = sections(out.read_text(encoding="utf-8"))
    report = expected(published)
    assert {
        r["area"]: (float(r["wanted_hours"]), float(r["covered_hours"])) for r in tables["by_area"]
    } == {c.area: (c.wanted_hours, c.covered_hours) for c in report.by_area}
    assert [r["employee_no"] for r in tables["never_used"]] == [
        p.employee_no for p in report.people.never_used_people
    ]
    assert {r["audience"]: int(r["done"]) for r in tables["checklists"]} == {
        c.audience.value: c.done for c in report.checklists
    }
    figures = {r["figure"]: r["value"] for r in tables["round"]}
    assert float(figures["covered_hours"]) == 12
    # Anne, from Borgerservice (Administration), at Solgården (Social og Sundhed).
    experience = [figures[k] for k in ("new_experiences", "new_areas", "learners_placed")]
    assert experience == ["1", "1", "0"]


def test_over_time_lists_only_published_rounds(round_ids: tuple[int, int]) -> None:
    published, _proposal = round_ids
    result = run("report", "--over-time", "--format", "csv")
    assert result.exit_code == 0, result.output
    rows = sections(result.output)["over_time"]
    assert [int(r["round_id"]) for r in rows] == [published]
    assert [(r["new_experiences"], r["new_experiences_so_far"]) for r in rows] == [("1", "1")]
    quarters = sections(result.output)["experience_by_quarter"]
    assert [(r["rounds"], r["new_experiences"], r["new_areas"]) for r in quarters] == [
        ("1", "1", "1")
    ]
    later = run("report", "--over-time", "--format", "csv", "--from", "2030-01-07")
    assert "over_time" not in sections(later.output)


@pytest.mark.parametrize(
    "args",
    [["report"], ["report", "1", "--over-time"], ["report", "1", "--from", "2026-01-05"]],
    ids=["neither", "both", "dates-without-over-time"],
)
def test_report_refuses_unclear_requests(round_ids: tuple[int, int], args: list[str]) -> None:
    result = run(*args)
    assert result.exit_code == 2 and "error:" in result.output


def test_report_of_a_missing_round_says_so(round_ids: tuple[int, int]) -> None:
    result = run("report", "987654")
    assert result.exit_code == 2 and "round 987654" in result.output


def test_report_explains_itself() -> None:
    result = run("report", "--help")
    assert result.exit_code == 0 and "--over-time" in result.output and "CSV" in result.output
