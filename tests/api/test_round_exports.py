"""A round's plan as CSV and XLSX: read back, every file says what the round's proposal view
says (per person, per need, unfilled with reasons); and `jobbank export round` writes the same."""

from __future__ import annotations

import csv
import datetime as dt
import io
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from litestar import Litestar
from openpyxl import load_workbook

from jobbank.cli.main import main
from jobbank.rounds import create_round, round_input, store_result
from solver import SolveOptions, solve
from tests import lookups
from tests.api.conftest import Client
from tests.api.published_round import THIS_MONDAY, factory

PERSONS = ["employee_no", "name", "home_unit", "week", "iso_week", "need_ref", "unit_code"]
NEEDS = ["need_ref", "unit_code", "unit_name", "area", "skill", "shift", "priority", "week"]
UNFILLED = ["need_ref", "unit_code", "unit_name", "skill", "priority", "week", "iso_week"]


@pytest.fixture
def solved(app: Litestar) -> int:
    """A round the solver planned for real (tiny: two volunteers, two needs): Anne covers
    part of n1; Bo's risk group and n2's evening shift leave need-weeks open, with reasons."""
    with factory(app)() as session, session.begin():
        rnd = create_round(session, start=THIS_MONDAY, weeks=4, name="Eksport")
        result = solve(round_input(session, rnd), SolveOptions(time_limit=1, workers=1))
        store_result(session, rnd, result)
        return rnd.id


def proposal(client: Client, round_id: int) -> dict[str, Any]:
    response = client.get(f"/api/rounds/{round_id}/proposal")
    assert response.status_code == 200, response.text
    body: dict[str, Any] = response.json()
    assert body["assignments"] and body["unfilled"], "the round should have both"
    return body


def csv_rows(client: Client, round_id: int, view: str) -> list[dict[str, str]]:
    response = client.get(f"/api/rounds/{round_id}/export/{view}.csv")
    assert response.status_code == 200, response.text
    assert response.headers["content-type"] == "text/csv; charset=utf-8"
    assert response.headers["content-disposition"] == (
        f'attachment; filename="round-{round_id}-{view}.csv"'
    )
    assert response.content.startswith(b"\xef\xbb\xbf")  # the BOM Danish Excel needs
    text = response.content.decode("utf-8-sig")
    return list(csv.DictReader(io.StringIO(text), delimiter=";"))


def xlsx_rows(client: Client, round_id: int, view: str) -> list[dict[str, Any]]:
    response = client.get(f"/api/rounds/{round_id}/export/{view}.xlsx")
    assert response.status_code == 200, response.text
    sheet = load_workbook(io.BytesIO(response.content))[view]
    header, *rows = [list(row) for row in sheet.iter_rows(values_only=True)]
    return [dict(zip(map(str, header), row, strict=True)) for row in rows]


def hours_in_csv(hours: float) -> str:
    return f"{hours:g}".replace(".", ",")


def day(value: Any) -> str:
    """A week as the XLSX holds it (a date-time cell) or as text, as an ISO date."""
    return value.date().isoformat() if isinstance(value, dt.datetime) else str(value)


def test_per_person_and_per_need_are_the_proposal_as_csv_and_xlsx(
    as_user: Callable[[str], Client], solved: int
) -> None:
    hr = as_user("hr")
    planned = proposal(hr, solved)["assignments"]
    by_person = sorted(planned, key=lambda a: (a["name"], a["employee_no"], a["week"]))
    by_need = sorted(planned, key=lambda a: (a["need_ref"], a["week"], a["name"]))
    expected_person = [
        (a["employee_no"], a["name"], a["week"], a["need_ref"], a["unit_code"], a["hours"])
        for a in by_person
    ]
    expected_need = [
        (a["need_ref"], a["unit_name"], a["week"], a["employee_no"], a["hours"]) for a in by_need
    ]

    persons = csv_rows(hr, solved, "persons")
    assert list(persons[0])[: len(PERSONS)] == PERSONS
    assert [
        (r["employee_no"], r["name"], r["week"], r["need_ref"], r["unit_code"], r["hours"])
        for r in persons
    ] == [(*row[:5], hours_in_csv(row[5])) for row in expected_person]
    sheet = xlsx_rows(hr, solved, "persons")
    assert [
        (r["employee_no"], r["name"], day(r["week"]), r["need_ref"], r["unit_code"], r["hours"])
        for r in sheet
    ] == expected_person

    needs = csv_rows(hr, solved, "needs")
    assert list(needs[0])[: len(NEEDS)] == NEEDS
    assert [
        (r["need_ref"], r["unit_name"], r["week"], r["employee_no"], r["hours"]) for r in needs
    ] == [(*row[:4], hours_in_csv(row[4])) for row in expected_need]
    sheet = xlsx_rows(hr, solved, "needs")
    assert [
        (r["need_ref"], r["unit_name"], day(r["week"]), r["employee_no"], r["hours"]) for r in sheet
    ] == expected_need
    assert all(row["pinned"] is False for row in sheet)


def test_unfilled_need_weeks_carry_their_reasons(
    as_user: Callable[[str], Client], solved: int
) -> None:
    hr = as_user("hr")
    expected = [
        (
            u["need_ref"],
            u["unit_code"],
            u["week"],
            u["hours"],
            ", ".join(r["code"] for r in u["reasons"]),
            " | ".join(r["message"] for r in u["reasons"]),
        )
        for u in proposal(hr, solved)["unfilled"]
    ]
    assert any(codes for *_, codes, _ in expected), "the solver gives reasons"

    rows = csv_rows(hr, solved, "unfilled")
    assert list(rows[0])[: len(UNFILLED)] == UNFILLED
    assert [
        (
            r["need_ref"],
            r["unit_code"],
            r["week"],
            r["open_hours"],
            r["reason_codes"],
            r["reasons"],
        )
        for r in rows
    ] == [(*row[:3], hours_in_csv(row[3]), *row[4:]) for row in expected]
    sheet = xlsx_rows(hr, solved, "unfilled")
    assert [
        (
            r["need_ref"],
            r["unit_code"],
            day(r["week"]),
            r["open_hours"],
            r["reason_codes"],
            r["reasons"],
        )
        for r in sheet
    ] == expected


def test_no_export_names_the_risk_group(as_user: Callable[[str], Client], solved: int) -> None:
    hr = as_user("hr")
    for view in ("persons", "needs", "unfilled"):
        text = hr.get(f"/api/rounds/{solved}/export/{view}.csv").content.decode("utf-8-sig")
        assert "risk_group" not in text and "true;" not in text.split("\n")[0]
        sheet = xlsx_rows(hr, solved, view)
        assert sheet and all("risk_group" not in row for row in sheet)


def test_unknown_exports_are_not_found_and_an_unsolved_round_has_none(
    app: Litestar, as_user: Callable[[str], Client], solved: int
) -> None:
    hr = as_user("hr")
    for name in ("people.csv", "persons.pdf", "persons", "persons.csv.xlsx"):
        assert hr.get(f"/api/rounds/{solved}/export/{name}").status_code == 404, name
    assert hr.get("/api/rounds/999999/export/persons.csv").status_code == 404
    for user in ("leder_sol", "anne"):
        assert as_user(user).get(f"/api/rounds/{solved}/export/persons.csv").status_code == 404
    with factory(app)() as session, session.begin():
        draft = create_round(session, start=THIS_MONDAY + dt.timedelta(weeks=8), weeks=1).id
    unsolved = hr.get(f"/api/rounds/{draft}/export/unfilled.xlsx")
    assert unsolved.status_code == 409 and "solve it first" in unsolved.json()["detail"]


def test_the_command_line_writes_the_same_files(
    world_url: str,
    as_user: Callable[[str], Client],
    solved: int,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("DATABASE_URL", world_url)
    hr = as_user("hr")
    runner = CliRunner()
    csv_file, xlsx_file = tmp_path / "needs.csv", tmp_path / "unfilled.xlsx"

    command = ["export", "round", str(solved)]
    made = runner.invoke(main, [*command, "--view", "needs", "-o", str(csv_file)])
    assert made.exit_code == 0, made.output
    assert csv_file.read_bytes() == hr.get(f"/api/rounds/{solved}/export/needs.csv").content
    made = runner.invoke(
        main, [*command, "--view", "unfilled", "--format", "xlsx", "-o", str(xlsx_file)]
    )
    assert made.exit_code == 0, made.output
    sheet = load_workbook(xlsx_file)["unfilled"]
    assert [list(row) for row in sheet.iter_rows(values_only=True)][1:] == [
        list(row.values()) for row in xlsx_rows(hr, solved, "unfilled")
    ]

    missing = runner.invoke(main, ["export", "round", "999999", "-o", str(tmp_path / "x.csv")])
    assert missing.exit_code == 2 and "round 999999: no such round" in missing.output
    assert not (tmp_path / "x.csv").exists()


def test_a_name_stored_with_a_control_character_or_a_formula_downloads(
    app: Litestar, as_user: Callable[[str], Client], solved: int
) -> None:
    """Text stored before Jobbank refused such characters at entry still exports: as text."""
    with factory(app)() as session, session.begin():
        anne = lookups.person(session, "e1")
        anne.name = '=HYPERLINK("http://x.example","Anne")\x01'
    hr = as_user("hr")
    names = {row["name"] for row in xlsx_rows(hr, solved, "persons")}
    assert names == {'\'=HYPERLINK("http://x.example","Anne")\ufffd'}
    assert {row["name"] for row in csv_rows(hr, solved, "persons")} == names
