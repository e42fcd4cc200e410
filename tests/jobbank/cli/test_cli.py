"""The `jobbank` command as a user runs it: help, schema, seed, rounds, users, solve."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from jobbank.cli.main import main
from tests.builders import a_municipality
from tests.solver.test_contract import DESIGN_EXAMPLE

COMMANDS = [
    [],
    ["serve"],
    ["db"],
    ["db", "upgrade"],
    ["seed"],
    ["solve"],
    ["repair"],
    ["bench"],
    ["schema"],
    ["user"],
    ["user", "add"],
    ["round"],
    ["round", "create"],
    ["round", "export"],
    ["round", "store-result"],
]


def run(*args: str) -> Result:
    return CliRunner().invoke(main, list(args), catch_exceptions=False)


@pytest.mark.parametrize("command", COMMANDS, ids=lambda c: " ".join(c) or "jobbank")
def test_every_command_explains_itself(command: list[str]) -> None:
    result = run(*command, "--help")
    assert result.exit_code == 0
    assert "Usage: " in result.output
    first_line_of_help = result.output.split("\n\n")[1].strip()
    assert len(first_line_of_help) > 15


def test_schema_writes_both_json_schemas(tmp_path: Path) -> None:
    assert run("schema", str(tmp_path)).exit_code == 0
    round_input = json.loads((tmp_path / "round-input.schema.json").read_text())
    round_result = json.loads((tmp_path / "round-result.schema.json").read_text())
    assert round_input["title"] == "RoundInput" and "staff" in round_input["properties"]
    assert round_result["title"] == "RoundResult" and "unfilled" in round_result["properties"]


def test_solve_refuses_invalid_input_naming_field_and_id(tmp_path: Path) -> None:
    data = json.loads(json.dumps(DESIGN_EXAMPLE))
    data["needs"][0]["priority"] = 9
    data["staff"][0]["home_unit"] = "atlantis"
    path = tmp_path / "round.json"
    path.write_text(json.dumps(data))
    result = CliRunner().invoke(main, ["solve", str(path)])
    assert result.exit_code == 2
    assert "need n17: priority: must be at most 5, got 9" in result.output
    assert "Traceback" not in result.output


def test_solve_refuses_a_file_that_is_not_json(tmp_path: Path) -> None:
    path = tmp_path / "round.json"
    path.write_text("{not json")
    result = CliRunner().invoke(main, ["solve", str(path)])
    assert result.exit_code == 2
    assert "not valid JSON (line 1, column 2" in result.output


def test_solve_stops_on_the_stall_window_it_is_given(tmp_path: Path) -> None:
    path = tmp_path / "round.json"
    path.write_text(json.dumps(DESIGN_EXAMPLE))
    out = tmp_path / "result.json"
    solved = run("solve", str(path), "--stall-seconds", "2", "--time-limit", "5", "--out", str(out))
    assert solved.exit_code == 0, solved.output
    assert "stopped: " in solved.output
    reason = json.loads(out.read_text())["metrics"]["stop_reason"]
    assert reason in ("bound_reached", "proven_optimal")


def test_solve_refuses_a_stall_window_out_of_bounds(tmp_path: Path) -> None:
    path = tmp_path / "round.json"
    path.write_text(json.dumps(DESIGN_EXAMPLE))
    refused = CliRunner().invoke(main, ["solve", str(path), "--stall-seconds", "0.1"])
    assert refused.exit_code == 2
    assert "--stall-seconds" in refused.output and "must be 1–600 seconds" in refused.output


def test_solve_dumps_its_model_and_takes_cp_sat_parameters(tmp_path: Path) -> None:
    path = tmp_path / "round.json"
    path.write_text(json.dumps(DESIGN_EXAMPLE))
    model = tmp_path / "model.txt"
    solved = run(
        "solve",
        str(path),
        "--params",
        "num_workers:1 random_seed:7",
        "--dump-model",
        str(model),
        "--time-limit",
        "5",
        "--out",
        str(tmp_path / "result.json"),
    )
    assert solved.exit_code == 0, solved.output
    assert model.stat().st_size > 0
    assert "variables {" in model.read_text()  # a CpModelProto in text format


def test_solve_refuses_parameters_cp_sat_cannot_read_naming_the_option(tmp_path: Path) -> None:
    path = tmp_path / "round.json"
    path.write_text(json.dumps(DESIGN_EXAMPLE))
    model = tmp_path / "model.txt"
    args = ["solve", str(path), "--params", "no_such_setting:3", "--dump-model", str(model)]
    refused = CliRunner().invoke(main, args)
    assert refused.exit_code == 2
    assert "--params" in refused.output and "'no_such_setting'" in refused.output
    assert "Traceback" not in refused.output
    assert not model.exists()


def test_seed_then_create_export_and_store_a_round(data_dir: Path, tmp_path: Path) -> None:
    fixture = tmp_path / "testrup.json"
    fixture.write_text(a_municipality().model_dump_json())
    seeded = run("seed", str(fixture), "--today", "2026-03-18")
    assert seeded.exit_code == 0, seeded.output
    assert "Loaded Testrup Kommune: 2 areas, 3 units, 2 skills, 4 people" in seeded.output
    with sqlite3.connect(data_dir / "jobbank.db") as database:  # the planner is told, too
        analysed = {row[0] for row in database.execute("SELECT tbl FROM sqlite_stat1")}
    assert {"person", "unit"} <= analysed

    created = run("round", "create", "--start", "2026-03-16", "--weeks", "4")
    assert created.exit_code == 0, created.output
    assert "Created round 1" in created.output and "2 volunteers, 2 needs" in created.output

    out = tmp_path / "round.json"
    assert run("round", "export", "1", "--out", str(out)).exit_code == 0
    exported = json.loads(out.read_text())
    assert [s["id"] for s in exported["staff"]] == ["e1", "e2"]

    result_file = tmp_path / "result.json"
    result_file.write_text(
        json.dumps(
            {
                "status": "feasible",
                "assignments": [{"staff": "e1", "need": "n1", "week": 0, "hours": 17}],
            }
        )
    )
    stored = run("round", "store-result", "1", str(result_file))
    assert stored.exit_code == 0, stored.output
    back = run("round", "export", "1", "--result")
    assert json.loads(back.output)["assignments"] == [
        {"staff": "e1", "need": "n1", "week": 0, "hours": 17.0, "days": [], "learner": False}
    ]


def test_seed_twice_is_refused_without_writing(data_dir: Path, tmp_path: Path) -> None:
    fixture = tmp_path / "testrup.json"
    fixture.write_text(a_municipality().model_dump_json())
    assert run("seed", str(fixture)).exit_code == 0
    again = CliRunner().invoke(main, ["seed", str(fixture)])
    assert again.exit_code == 2
    assert "already holds data" in again.output


def test_seed_names_bad_rows_of_a_fixture_file(data_dir: Path, tmp_path: Path) -> None:
    data = json.loads(a_municipality().model_dump_json())
    data["units"][0]["area"] = "Atlantis"
    data["needs"][1]["priority"] = 7
    fixture = tmp_path / "bad.json"
    fixture.write_text(json.dumps(data))
    result = CliRunner().invoke(main, ["seed", str(fixture)])
    assert result.exit_code == 2
    assert "needs.1.priority" in result.output
    fixture.write_text(json.dumps(data | {"needs": []}))
    result = CliRunner().invoke(main, ["seed", str(fixture)])
    assert "unit solgaarden: area: unknown area 'Atlantis'" in result.output


def test_user_add_creates_a_log_in(data_dir: Path) -> None:
    assert run("db", "upgrade").exit_code == 0
    added = run("user", "add", "hr1", "--role", "hr_coordinator", "--password", "a good long one")
    assert added.exit_code == 0, added.output
    again = CliRunner().invoke(
        main, ["user", "add", "hr1", "--role", "staff", "--password", "a good long one"]
    )
    assert again.exit_code == 2
    assert "username: 'hr1' is taken" in again.output
    short = CliRunner().invoke(main, ["user", "add", "x", "--role", "staff", "--password", "short"])
    assert "password: must be at least 12 characters" in short.output


def test_repair_re_plans_an_absence_and_writes_the_change_set(tmp_path: Path) -> None:
    round_path, result_path = tmp_path / "round.json", tmp_path / "result.json"
    round_path.write_text(json.dumps(DESIGN_EXAMPLE))
    assert (
        run("solve", str(round_path), "--time-limit", "5", "--out", str(result_path)).exit_code == 0
    )
    published = json.loads(result_path.read_text())["assignments"]
    lent = published[0]
    facts = json.loads(json.dumps(DESIGN_EXAMPLE))
    facts["pinned"] = []  # an absence overrides a pin: the caller drops it
    weeks = facts["weeks"]
    for person in facts["staff"]:
        if person["id"] == lent["staff"]:
            person["available"] = [week != lent["week"] for week in range(weeks)]
    repair_path, change_set = tmp_path / "repair.json", tmp_path / "change-set.json"
    repair_path.write_text(
        json.dumps(
            {
                "round": facts,
                "published": published,
                "touched_staff": [{"staff": lent["staff"], "week": lent["week"]}],
            }
        )
    )
    repaired = run("repair", str(repair_path), "--time-limit", "5", "--out", str(change_set))
    assert repaired.exit_code == 0, repaired.output
    changes = json.loads(change_set.read_text())["changes"]
    ended = {"staff": lent["staff"], "need": lent["need"], "week": lent["week"]}
    assert any({k: c[k] for k in ended} == ended and c["hours_after"] == 0 for c in changes)


def test_repair_refuses_invalid_input_naming_the_field(tmp_path: Path) -> None:
    path = tmp_path / "repair.json"
    path.write_text(json.dumps({"round": DESIGN_EXAMPLE, "published": [], "max_moves": 1000}))
    refused = CliRunner().invoke(main, ["repair", str(path)])
    assert refused.exit_code == 2
    assert "max_moves" in refused.output and "Traceback" not in refused.output
