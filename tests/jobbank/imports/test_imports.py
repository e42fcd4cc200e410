"""Imports of staff and needs from CSV and XLSX files, on both databases.

The small test municipality (`a_municipality`) has the units solgaarden, hjemmeplejen and
borgerservice, the skills nurse and cleaning, and the people e1–e4; its HR log-in imports.
"""

from __future__ import annotations

import datetime as dt
import io
import json
from pathlib import Path

import pytest
from click.testing import CliRunner
from openpyxl import Workbook
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from fixtures.samples import (
    MAPPING_EXAMPLE,
    NEEDS_CSV,
    OTHER_LAYOUT_CSV,
    STAFF_CSV,
    STAFF_XLSX,
    write_staff_xlsx,
)
from jobbank.cli.main import main
from jobbank.core.access import Actor, actor_for
from jobbank.core.errors import InvalidInput, NotFound
from jobbank.db.models import (
    ApprovalStatus,
    AuditEntry,
    Need,
    NeedStatus,
    NeedWeek,
    Person,
)
from jobbank.imports import ColumnMapping, ImportReport, Kind, Limits, import_file, read_mapping
from jobbank.seeding import load_municipality
from tests import lookups
from tests.builders import a_municipality

MONDAY = dt.date(2027, 1, 4)
LIMITS = Limits(max_bytes=1_000_000, max_rows=100)
STAFF_HEADER = "employee_no;name;email;home_unit;skills;normal_hours"
NEEDS_HEADER = "ref,unit,skill,hours,first_week,last_week,shift,priority,exposed,min_block"


@pytest.fixture
def hr(session: Session) -> Actor:
    load_municipality(session, a_municipality(), today=MONDAY)
    return lookups.actor(session, "hr")


def csv_bytes(*lines: str, bom: bool = False) -> bytes:
    return ("\ufeff" if bom else "").encode() + "\r\n".join(lines).encode() + b"\r\n"


def run(
    session: Session,
    actor: Actor,
    kind: Kind,
    content: bytes,
    *,
    name: str = "file.csv",
    mapping: ColumnMapping | None = None,
    skip_invalid: bool = False,
    dry_run: bool = False,
    limits: Limits = LIMITS,
) -> ImportReport:
    return import_file(
        session,
        actor,
        kind,
        name,
        content,
        limits=limits,
        mapping=mapping,
        skip_invalid=skip_invalid,
        dry_run=dry_run,
    )


def person(session: Session, employee_no: str) -> Person | None:
    return session.scalar(select(Person).where(Person.employee_no == employee_no))


def need(session: Session, ref: str) -> Need | None:
    return session.scalar(select(Need).where(Need.ref == ref))


def imports_logged(session: Session) -> list[AuditEntry]:
    return list(session.scalars(select(AuditEntry).where(AuditEntry.action == "import")))


def problems(report: ImportReport) -> set[tuple[int, str, str]]:
    """(row, column, the start of the message) of each problem."""
    return {(p.row, p.column, p.message) for p in report.problems}


def has_problem(report: ImportReport, row: int, column: str, words: str) -> bool:
    return any(r == row and c == column and words in m for r, c, m in problems(report))


STAFF = csv_bytes(
    STAFF_HEADER + ";phone;language;opted_in",
    "e10;Ida Holm;ida@x.example;borgerservice;nurse, cleaning;37;12 34 56 78;en;ja",
    "e11;Jens Lund;jens@x.example;hjemmeplejen;cleaning;30,5;;da;nej",
    bom=True,
)


# --- staff -------------------------------------------------------------------------------------


def test_staff_are_created_with_a_profile_awaiting_approval(session: Session, hr: Actor) -> None:
    report = run(session, hr, "staff", STAFF)
    assert report.valid and report.written
    assert (report.rows, report.created, report.updated, report.unchanged) == (2, 2, 0, 0)
    ida = person(session, "e10")
    assert ida is not None and ida.volunteer is not None
    assert (ida.name, ida.email, ida.phone, ida.language) == (
        "Ida Holm",
        "ida@x.example",
        "12 34 56 78",
        "en",
    )
    assert ida.home_unit.code == "borgerservice"
    assert sorted(s.code for s in ida.volunteer.skills) == ["cleaning", "nurse"]
    assert ida.volunteer.approval is ApprovalStatus.PENDING and ida.volunteer.opted_in
    jens = person(session, "e11")
    assert jens is not None and jens.volunteer is not None
    assert jens.volunteer.normal_hours == 30.5  # decimal comma
    assert not jens.volunteer.opted_in
    logged = imports_logged(session)
    assert sorted(e.entity_id for e in logged) == sorted([str(ida.id), str(jens.id)])
    assert all(e.entity == "person" and e.user_id == hr.user_id for e in logged)
    assert not any("risk_group" in (e.after or {}) for e in logged)


def test_importing_the_same_file_again_changes_nothing(session: Session, hr: Actor) -> None:
    run(session, hr, "staff", STAFF)
    ida = person(session, "e10")
    assert ida is not None and ida.volunteer is not None
    versions = (ida.version, ida.volunteer.version)
    again = run(session, hr, "staff", STAFF)
    assert (again.created, again.updated, again.unchanged) == (0, 0, 2)
    session.expire_all()
    ida = person(session, "e10")
    assert ida is not None and ida.volunteer is not None
    assert (ida.version, ida.volunteer.version) == versions
    assert len(imports_logged(session)) == 2


def test_an_update_keeps_approval_home_load_and_risk_group(session: Session, hr: Actor) -> None:
    anne = person(session, "e1")
    assert anne is not None and anne.volunteer is not None
    before = (anne.volunteer.approval, anne.volunteer.home_load, anne.volunteer.risk_group)
    content = csv_bytes(
        STAFF_HEADER, "e1;Anne Jensen-Holm;anne@x.example;borgerservice;nurse;32", bom=False
    )
    report = run(session, hr, "staff", content)
    assert (report.created, report.updated) == (0, 1)
    assert anne.name == "Anne Jensen-Holm" and anne.volunteer.normal_hours == 32
    assert (anne.volunteer.approval, anne.volunteer.home_load, anne.volunteer.risk_group) == before
    [entry] = imports_logged(session)
    assert entry.before is not None and entry.after is not None
    assert entry.before["name"] == "Anne Jensen" and entry.after["name"] == "Anne Jensen-Holm"
    assert entry.after["normal_hours"] == 32 and "email" not in entry.after


def test_every_wrong_staff_cell_is_named_by_row_and_column(session: Session, hr: Actor) -> None:
    content = csv_bytes(
        STAFF_HEADER + ";language;opted_in",
        "e20;A;a@x.example;atlantis;nurse;37;da;ja",  # row 2: unknown unit
        "e21;;not-an-address;solgaarden;nurse, magic;12.3;xx;maybe",  # row 3: five problems
        "e22;C;c@x.example;solgaarden;nurse;many;da;ja",  # row 4: hours not a number
        "e20;D;d@x.example;solgaarden;nurse;200;da;ja",  # row 5: duplicate, too many hours
        "e24;E;e@x.example;;nurse;37;da;ja",  # row 6: home unit missing
    )
    report = run(session, hr, "staff", content)
    assert not report.valid and report.refused and not report.written
    assert has_problem(report, 2, "home_unit", "unknown unit code 'atlantis'")
    assert has_problem(report, 3, "name", "missing field")
    assert has_problem(report, 3, "email", "not an e-mail address")
    assert has_problem(report, 3, "skills", "unknown skill 'magic'")
    assert has_problem(report, 3, "normal_hours", "multiple of 0.5")
    assert has_problem(report, 3, "language", "must be one of da, en")
    assert has_problem(report, 3, "opted_in", "not yes or no")
    assert has_problem(report, 4, "normal_hours", "not a number: 'many'")
    assert has_problem(report, 5, "employee_no", "duplicate employee number 'e20' (also in row 2)")
    assert has_problem(report, 5, "normal_hours", "at most 48")
    assert has_problem(report, 6, "home_unit", "missing field")
    assert len(report.problems) == 11


def test_a_missing_column_refuses_the_file_even_when_skipping(session: Session, hr: Actor) -> None:
    content = csv_bytes("employee_no;name;email;skills;normal_hours", "e30;A;a@x.example;nurse;37")
    report = run(session, hr, "staff", content, skip_invalid=True)
    assert report.refused and not report.written
    assert has_problem(report, 1, "home_unit", "missing column")
    assert person(session, "e30") is None


def test_one_bad_row_stores_nothing(session: Session, hr: Actor) -> None:
    people_before = session.scalar(select(func.count(Person.id)))
    content = csv_bytes(
        STAFF_HEADER,
        "e1;Anne Changed;anne@x.example;borgerservice;nurse;37",
        "e40;Good Row;good@x.example;solgaarden;nurse;37",
        "e41;Bad Row;bad@x.example;solgaarden;nurse;-4",
    )
    report = run(session, hr, "staff", content)
    assert report.refused
    assert has_problem(report, 4, "normal_hours", "must be more than 0, got -4")
    assert session.scalar(select(func.count(Person.id))) == people_before
    anne = person(session, "e1")
    assert anne is not None and anne.name == "Anne Jensen"
    assert imports_logged(session) == []


def test_skip_invalid_stores_the_valid_rows_and_names_the_skipped(
    session: Session, hr: Actor
) -> None:
    content = csv_bytes(
        STAFF_HEADER,
        "e40;Good Row;good@x.example;solgaarden;nurse;37",
        "e41;Bad Row;bad@x.example;solgaarden;nurse;-4",
        "e42;Also Bad;also@x.example;nowhere;nurse;37",
    )
    report = run(session, hr, "staff", content, skip_invalid=True)
    assert report.written and not report.refused
    assert report.skipped == [3, 4] and report.created == 1
    assert person(session, "e40") is not None
    assert person(session, "e41") is None and person(session, "e42") is None


def test_a_dry_run_counts_but_stores_nothing(session: Session, hr: Actor) -> None:
    report = run(session, hr, "staff", STAFF, dry_run=True)
    assert (report.created, report.written, report.dry_run) == (2, False, True)
    assert person(session, "e10") is None
    assert imports_logged(session) == []
    assert "would create 2" in report.summary()


def test_staff_in_an_xlsx_file(session: Session, hr: Actor) -> None:
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.append(["employee_no", "name", "email", "home_unit", "skills", "normal_hours"])
    sheet.append([1234, "Ida Holm", "ida@x.example", "borgerservice", "nurse", 22.5])
    sheet.append([None, None, None, None, None, None])  # an empty row is no row
    sheet.append(["e51", "Ole Bech", "ole@x.example", "hjemmeplejen", "cleaning", 37])
    buffer = io.BytesIO()
    book.save(buffer)
    report = run(session, hr, "staff", buffer.getvalue(), name="export.xlsx")
    assert report.valid and report.created == 2 and report.rows == 2
    ida = person(session, "1234")
    assert ida is not None and ida.volunteer is not None and ida.volunteer.normal_hours == 22.5


def test_a_mapping_reads_another_layout(session: Session, hr: Actor) -> None:
    content = csv_bytes(
        "Medarbejdernr.,Navn,Mail,Afdeling,Faglighed,Timer",
        '77,Ida Holm,ida@x.example,Borgerservice,"Sygeplejerske | rengøring",37',
    )
    mapping = read_mapping(
        "layout.toml",
        """
        [columns]
        "Medarbejdernr." = "employee_no"
        "navn" = "name"
        "Mail" = "email"
        "Afdeling" = "home_unit"
        "Faglighed" = "skills"
        "Timer" = "normal_hours"
        [values.home_unit]
        "Borgerservice" = "borgerservice"
        [values.skills]
        "Sygeplejerske" = "nurse"
        "Rengøring" = "cleaning"
        """.encode(),
    )
    report = run(session, hr, "staff", content, mapping=mapping)
    assert report.valid, report.problems
    ida = person(session, "77")
    assert ida is not None and ida.volunteer is not None
    assert sorted(s.code for s in ida.volunteer.skills) == ["cleaning", "nurse"]
    bad = csv_bytes("Medarbejdernr.,Navn,Mail,Afdeling,Faglighed,Timer", "78,B,b@x.example,X,,37")
    report = run(session, hr, "staff", bad, mapping=mapping)
    assert has_problem(report, 2, "Afdeling", "unknown unit code 'X'")  # the file's own header


def test_a_json_mapping_and_a_mapping_onto_unknown_fields(session: Session, hr: Actor) -> None:
    as_json = json.dumps({"columns": {"Nr": "employee_no"}, "options": {"delimiter": ";"}})
    assert read_mapping("m.json", as_json.encode()).columns == {"Nr": "employee_no"}
    wrong = read_mapping("m.toml", b'[columns]\n"Nr" = "shoe_size"\n')
    with pytest.raises(InvalidInput, match="unknown field 'shoe_size'"):
        run(session, hr, "staff", STAFF, mapping=wrong)
    with pytest.raises(InvalidInput, match="mapping"):
        read_mapping("m.toml", b"[columns\n")


def test_files_over_the_limits_are_refused(session: Session, hr: Actor) -> None:
    with pytest.raises(InvalidInput, match="JOBBANK_IMPORT_MAX_BYTES") as too_big:
        run(session, hr, "staff", STAFF, limits=Limits(max_bytes=50, max_rows=100))
    assert too_big.value.field == "file"
    with pytest.raises(InvalidInput, match="more than 1 rows"):
        run(session, hr, "staff", STAFF, limits=Limits(max_bytes=10_000, max_rows=1))
    assert person(session, "e10") is None


def test_only_hr_imports(session: Session, hr: Actor) -> None:
    anne = lookups.user(session, "anne")
    with pytest.raises(NotFound):
        run(session, actor_for(anne), "staff", STAFF)


# --- needs -------------------------------------------------------------------------------------


NEEDS = csv_bytes(
    NEEDS_HEADER + ",description",
    f'x1,solgaarden,nurse,"12,5",{MONDAY},{MONDAY + dt.timedelta(weeks=3)},evening,5,ja,4,Nights',
    f"x2,hjemmeplejen,cleaning,8,{MONDAY},{MONDAY},,,,,",
)


def test_needs_are_created_and_matched_by_reference(session: Session, hr: Actor) -> None:
    report = run(session, hr, "needs", NEEDS)
    assert report.valid and report.created == 2
    multi_line = csv_bytes(
        NEEDS_HEADER + ",description",
        f'x3,solgaarden,nurse,4,{MONDAY},{MONDAY},day,3,no,4,"Two\nlines"',
        f"x4,solgaarden,nurse,4,{MONDAY},{MONDAY},day,3,no,0,",
    )
    assert problems(run(session, hr, "needs", multi_line)) == {
        (3, "min_block", "must be more than 0, got 0")  # the spreadsheet's row, not the line
    }
    x1, x2 = need(session, "x1"), need(session, "x2")
    assert x1 is not None and x2 is not None
    assert (x1.unit.code, x1.skill.code, x1.hours, x1.shift.value) == (
        "solgaarden",
        "nurse",
        12.5,
        "evening",
    )
    assert (x1.priority, x1.exposed, x1.description) == (5, True, "Nights")
    assert x1.last_week == MONDAY + dt.timedelta(weeks=3) and x1.status is NeedStatus.OPEN
    assert (x2.shift.value, x2.priority, x2.exposed, x2.min_block) == ("day", 3, False, 4.0)
    again = run(session, hr, "needs", NEEDS)
    assert (again.created, again.updated, again.unchanged) == (0, 0, 2)
    assert len(imports_logged(session)) == 2


def test_a_changed_need_keeps_its_status_and_the_overrides_in_its_span(
    session: Session, hr: Actor
) -> None:
    run(session, hr, "needs", NEEDS)
    x1 = need(session, "x1")
    assert x1 is not None
    x1.status = NeedStatus.CLOSED
    x1.weeks = [
        NeedWeek(week=MONDAY, hours=4),
        NeedWeek(week=MONDAY + dt.timedelta(weeks=3), hours=2),
    ]
    session.flush()
    version = x1.version
    shorter = csv_bytes(
        NEEDS_HEADER, f"x1,solgaarden,nurse,20,{MONDAY},{MONDAY + dt.timedelta(weeks=1)},,,,"
    )
    report = run(session, hr, "needs", shorter)
    assert report.updated == 1
    assert x1.hours == 20 and x1.status is NeedStatus.CLOSED and x1.shift.value == "evening"
    assert [w.week for w in x1.weeks] == [MONDAY]
    assert x1.version == version + 1


def test_a_need_accepts_learners_at_a_share_and_keeps_them_when_the_columns_are_left_out(
    session: Session, hr: Actor
) -> None:
    learners = csv_bytes(
        NEEDS_HEADER + ",accepts_learners,learner_share",
        f'x1,solgaarden,nurse,8,{MONDAY},{MONDAY},day,3,no,4,ja,"0,5"',
        f"x2,solgaarden,nurse,8,{MONDAY},{MONDAY},day,3,no,4,perhaps,2",
    )
    refused = run(session, hr, "needs", learners)
    assert has_problem(refused, 3, "accepts_learners", "not yes or no")
    assert has_problem(refused, 3, "learner_share", "must be at most 1, got 2")
    assert len(refused.problems) == 2
    report = run(session, hr, "needs", csv_bytes(*learners.decode().splitlines()[:2]))
    assert report.created == 1
    x1 = need(session, "x1")
    assert x1 is not None and (x1.accepts_learners, x1.learner_share) == (True, 0.5)
    without = csv_bytes(NEEDS_HEADER, f"x1,solgaarden,nurse,10,{MONDAY},{MONDAY},day,3,no,4")
    assert run(session, hr, "needs", without).updated == 1
    assert (x1.hours, x1.accepts_learners, x1.learner_share) == (10, True, 0.5)


def test_every_wrong_need_cell_is_named_by_row_and_column(session: Session, hr: Actor) -> None:
    tuesday = MONDAY + dt.timedelta(days=1)
    content = csv_bytes(
        NEEDS_HEADER,
        f"y1,atlantis,juggling,8,{MONDAY},{MONDAY},day,3,no,4",
        f"y2,solgaarden,nurse,8,{tuesday},{MONDAY},day,3,no,4",
        f"y3,solgaarden,nurse,8,{MONDAY + dt.timedelta(weeks=1)},{MONDAY},dawn,9,perhaps,0",
        f"y4,solgaarden,nurse,8.25,someday,{MONDAY},day,2.5,no,4",
        f"y1,solgaarden,nurse,8,{MONDAY},{MONDAY},day,3,no,4",
        f",solgaarden,nurse,8,{MONDAY},,day,3,no,4",
    )
    report = run(session, hr, "needs", content)
    assert report.refused
    expected = [
        (2, "unit", "unknown unit code 'atlantis'"),
        (2, "skill", "unknown skill 'juggling'"),
        (3, "first_week", "is not a Monday"),
        (4, "last_week", "is before first_week"),
        (4, "shift", "must be one of day, evening, night, weekend"),
        (4, "priority", "must be at most 5, got 9"),
        (4, "exposed", "not yes or no"),
        (4, "min_block", "must be more than 0"),
        (5, "hours", "multiple of 0.5"),
        (5, "first_week", "not a date"),
        (5, "priority", "not a whole number"),
        (6, "ref", "duplicate need reference 'y1' (also in row 2)"),
        (7, "ref", "missing field"),
        (7, "last_week", "missing field"),
    ]
    for row, column, words in expected:
        assert has_problem(report, row, column, words), (row, column, words, report.problems)
    assert len(report.problems) == len(expected)
    assert need(session, "y1") is None


def test_needs_in_xlsx_with_date_cells_and_danish_dates(session: Session, hr: Actor) -> None:
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.append(["ref", "unit", "skill", "hours", "first_week", "last_week"])
    sheet.append(["z1", "solgaarden", "nurse", 7.5, MONDAY, dt.datetime(2027, 1, 11)])
    sheet.append(["z2", "solgaarden", "nurse", "7,5", "04-01-2027", "11.01.2027"])
    buffer = io.BytesIO()
    book.save(buffer)
    report = run(session, hr, "needs", buffer.getvalue(), name="needs.xlsx")
    assert report.valid, report.problems
    for ref in ("z1", "z2"):
        found = need(session, ref)
        assert found is not None and found.hours == 7.5
        assert (found.first_week, found.last_week) == (MONDAY, dt.date(2027, 1, 11))


# --- the sample files --------------------------------------------------------------------------


def test_the_sample_files_import_cleanly_into_the_demo_municipality(session: Session) -> None:
    from fixtures import sample_municipality

    load_municipality(session, sample_municipality(), today=MONDAY)
    hr = lookups.actor(session, "hr")
    samples: list[tuple[Kind, Path, Path | None]] = [
        ("staff", STAFF_CSV, None),
        ("needs", NEEDS_CSV, None),
        ("staff", OTHER_LAYOUT_CSV, MAPPING_EXAMPLE),
    ]
    for kind, path, mapping_path in samples:
        mapping = (
            read_mapping(mapping_path.name, mapping_path.read_bytes()) if mapping_path else None
        )
        report = run(session, hr, kind, path.read_bytes(), name=path.name, mapping=mapping)
        assert report.valid and report.created == report.rows > 0, report.lines()
        again = run(session, hr, kind, path.read_bytes(), name=path.name, mapping=mapping)
        assert again.unchanged == again.rows, again.lines()
    xlsx = run(session, hr, "staff", STAFF_XLSX.read_bytes(), name=STAFF_XLSX.name)
    assert xlsx.valid and xlsx.unchanged == xlsx.rows == 8, xlsx.lines()
    aisha = person(session, "e2003")
    assert aisha is not None and aisha.volunteer is not None
    assert aisha.volunteer.normal_hours == 30.5


def test_the_committed_xlsx_sample_is_what_the_script_writes(tmp_path: Path) -> None:
    written = write_staff_xlsx(target=tmp_path / "staff.xlsx")
    from openpyxl import load_workbook

    def cells(path: Path) -> list[tuple[object, ...]]:
        book = load_workbook(path, read_only=True)
        rows: list[tuple[object, ...]] = list(book.worksheets[0].iter_rows(values_only=True))
        book.close()
        return rows

    assert cells(written) == cells(STAFF_XLSX)


# --- the command line ---------------------------------------------------------------------------


def test_the_command_prints_the_report_and_exits_by_outcome(data_dir: Path, tmp_path: Path) -> None:
    fixture = tmp_path / "testrup.json"
    fixture.write_text(a_municipality().model_dump_json())
    runner = CliRunner()
    assert runner.invoke(main, ["seed", str(fixture)]).exit_code == 0
    good = tmp_path / "staff.csv"
    good.write_bytes(STAFF)
    first = runner.invoke(main, ["import", "staff", str(good), "--user", "hr"])
    assert first.exit_code == 0, first.output
    assert "created 2, updated 0, unchanged 0" in first.output
    second = runner.invoke(main, ["import", "staff", str(good)])
    assert second.exit_code == 0 and "unchanged 2" in second.output
    bad = tmp_path / "needs.csv"
    bad.write_bytes(csv_bytes(NEEDS_HEADER, f"q1,solgaarden,nurse,8,{MONDAY},{MONDAY},day,7,no,4"))
    refused = runner.invoke(main, ["import", "needs", str(bad)])
    assert refused.exit_code == 2
    assert "row 2, column priority: must be at most 5, got 7" in refused.output
    skipped = runner.invoke(main, ["import", "needs", str(bad), "--skip-invalid", "--dry-run"])
    assert skipped.exit_code == 1 and "skipped 1 invalid rows" in skipped.output
    not_hr = runner.invoke(main, ["import", "staff", str(good), "--user", "anne"])
    assert not_hr.exit_code == 2 and "not an active HR coordinator" in not_hr.output
