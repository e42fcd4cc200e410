"""Imports over HTTP and on HR's page: an upload in, the report out, all or nothing stored."""

from __future__ import annotations

import datetime as dt
import io
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from litestar import Litestar
from openpyxl import Workbook
from sqlalchemy import select
from sqlalchemy.orm import Session

from api.app import create_app
from jobbank import db
from jobbank.core.settings import Settings
from jobbank.db.models import AuditEntry, Need, Person
from tests.api.conftest import Client, browser
from tests.builders import PASSWORD
from tests.lookups import rows_of

Login = Callable[[str], Client]
MONDAY = dt.date(2027, 1, 4)
STAFF = (
    "\ufeffemployee_no;name;email;home_unit;skills;normal_hours\r\n"
    "e10;Ida Holm;ida@x.example;borgerservice;nurse, cleaning;30,5\r\n"
    "e11;Jens Lund;jens@x.example;hjemmeplejen;cleaning;37\r\n"
).encode()
BAD_STAFF = (
    b"employee_no;name;email;home_unit;skills;normal_hours\r\n"
    b"e10;Ida Holm;ida@x.example;borgerservice;nurse;37\r\n"
    b"e11;Jens Lund;jens@x.example;atlantis;cleaning;37\r\n"
)
NEEDS = (
    "ref,unit,skill,hours,first_week,last_week,priority\n"
    f"x1,solgaarden,nurse,12,{MONDAY},{MONDAY + dt.timedelta(weeks=1)},4\n"
).encode()


def people(url: str, *employee_nos: str) -> list[str]:
    """The employee numbers of these that the database holds."""
    found = rows_of(url, Person, Person.employee_no.in_(employee_nos))
    return sorted(person.employee_no for person in found)


def normal_hours(url: str, employee_no: str) -> float | None:
    engine = db.make_engine(url)
    try:
        with Session(engine) as session:
            found = session.scalars(select(Person).where(Person.employee_no == employee_no)).one()
            return found.volunteer.normal_hours if found.volunteer else None
    finally:
        engine.dispose()


def upload(
    client: Client,
    kind: str,
    content: bytes,
    name: str = "file.csv",
    mapping: bytes | None = None,
    **params: Any,
) -> Any:
    files: dict[str, Any] = {"file": (name, content, "application/octet-stream")}
    if mapping is not None:
        files["mapping"] = ("mapping.toml", mapping, "application/toml")
    return client.post(f"/api/imports/{kind}", files=files, params=params)


# --- the API --------------------------------------------------------------------------------------


def test_hr_imports_staff_and_again_changes_nothing(as_user: Login, world_url: str) -> None:
    hr = as_user("hr")
    first = upload(hr, "staff", STAFF)
    assert first.status_code == 200, first.text
    report = first.json()
    assert (report["created"], report["updated"], report["unchanged"]) == (2, 0, 0)
    assert report["valid"] and report["written"] and report["problems"] == []
    assert normal_hours(world_url, "e10") == 30.5
    again = upload(hr, "staff", STAFF).json()
    assert (again["created"], again["updated"], again["unchanged"]) == (0, 0, 2)
    logged = rows_of(world_url, AuditEntry, AuditEntry.action == "import")
    assert len(logged) == 2


def test_an_invalid_file_answers_422_naming_row_and_column(as_user: Login, world_url: str) -> None:
    response = upload(as_user("hr"), "staff", BAD_STAFF)
    assert response.status_code == 422
    problem = response.json()
    assert problem["errors"] == [
        {"row": 3, "column": "home_unit", "message": "unknown unit code 'atlantis'"}
    ]
    assert "nothing imported" in problem["detail"]
    assert problem["report"]["refused"] is True
    assert people(world_url, "e10", "e11") == []


def test_skip_invalid_and_dry_run(as_user: Login, world_url: str) -> None:
    hr = as_user("hr")
    trial = upload(hr, "staff", BAD_STAFF, skip_invalid=True, dry_run=True)
    assert trial.status_code == 200, trial.text
    assert trial.json()["skipped"] == [3] and trial.json()["created"] == 1
    assert people(world_url, "e10") == []
    real = upload(hr, "staff", BAD_STAFF, skip_invalid="true")
    assert real.status_code == 200
    assert real.json()["written"] and real.json()["skipped"] == [3]
    assert people(world_url, "e10", "e11") == ["e10"]


def test_needs_from_xlsx_and_a_mapping(as_user: Login, world_url: str) -> None:
    hr = as_user("hr")
    assert upload(hr, "needs", NEEDS).status_code == 200
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.append(["Behov", "Enhed", "Faglighed", "Timer", "Fra", "Til"])
    sheet.append(["x2", "Solgården", "Sygeplejerske", 7.5, MONDAY, MONDAY])
    buffer = io.BytesIO()
    book.save(buffer)
    mapping = (
        '[columns]\nBehov = "ref"\nEnhed = "unit"\nFaglighed = "skill"\nTimer = "hours"\n'
        'Fra = "first_week"\nTil = "last_week"\n'
        '[values.unit]\n"Solgården" = "solgaarden"\n[values.skill]\nSygeplejerske = "nurse"\n'
    ).encode()
    response = upload(hr, "needs", buffer.getvalue(), "behov.xlsx", mapping=mapping)
    assert response.status_code == 200, response.text
    [x1, x2] = sorted(rows_of(world_url, Need, Need.ref.in_(["x1", "x2"])), key=lambda n: n.ref)
    assert (x1.priority, x2.hours, x2.first_week) == (4, 7.5, MONDAY)


def test_a_bad_mapping_and_an_unreadable_file_are_refused(as_user: Login) -> None:
    hr = as_user("hr")
    wrong = upload(hr, "staff", STAFF, mapping=b'[columns]\nNr = "shoe_size"\n')
    assert wrong.status_code == 422 and "shoe_size" in wrong.json()["detail"]
    broken = upload(hr, "staff", b"PK\x03\x04 not a zip", "staff.xlsx")
    assert broken.status_code == 422 and "cannot be read as XLSX" in broken.json()["detail"]
    assert upload(hr, "staff", b"").status_code in (400, 422)


@pytest.mark.parametrize("who", ["leder_sol", "leder_bs", "anne"])
def test_only_hr_imports(as_user: Login, who: str, world_url: str) -> None:
    assert upload(as_user(who), "staff", STAFF).status_code == 404
    assert upload(as_user(who), "needs", NEEDS).status_code == 404
    assert people(world_url, "e10") == []


def test_nobody_imports_without_logging_in(anonymous: Client) -> None:
    assert upload(anonymous, "staff", STAFF).status_code == 401


@pytest.fixture
def small_limits_client(world_url: str, tmp_path: Path) -> Iterator[Client]:
    """HR on an app whose imports take at most 200 bytes and 1 row."""
    settings = Settings(
        data_dir=tmp_path / "data",
        secret_key="test-secret-" + "x" * 32,
        import_max_bytes=200,
        import_max_rows=1,
    )
    settings.database_url = world_url
    app: Litestar = create_app(settings)
    client = browser(app)
    assert client.post("/api/auth/login", json={"username": "hr", "password": PASSWORD}).is_success
    yield client
    client.__exit__(None, None, None)


def test_files_over_the_configured_limits_are_refused(small_limits_client: Client) -> None:
    too_big = upload(small_limits_client, "staff", STAFF + b"#" * 200)
    assert too_big.status_code == 422
    assert "JOBBANK_IMPORT_MAX_BYTES" in too_big.json()["detail"]
    too_long = upload(small_limits_client, "staff", STAFF)
    assert too_long.status_code == 422
    assert "JOBBANK_IMPORT_MAX_ROWS" in too_long.json()["detail"]


# --- HR's page ----------------------------------------------------------------------------------


def page_upload(client: Client, kind: str, content: bytes | None, **fields: str) -> Any:
    """The form as a browser sends it; no content is a file input left empty (no name)."""
    name = "upload.csv" if content is not None else ""
    files = {"file": (name, content or b"", "application/octet-stream")}
    return client.post("/admin/imports", data={"kind": kind, **fields}, files=files)


def test_the_page_shows_the_form_to_hr_only(as_user: Login) -> None:
    page = as_user("hr").get("/admin/imports")
    assert page.status_code == 200
    assert 'enctype="multipart/form-data"' in page.text and 'name="file"' in page.text
    assert 'href="/admin/imports"' in page.text  # in HR's navigation
    assert as_user("leder_sol").get("/admin/imports").status_code == 404


def test_the_page_shows_each_problem_then_the_result(as_user: Login, world_url: str) -> None:
    hr = as_user("hr")
    refused = page_upload(hr, "staff", BAD_STAFF)
    assert refused.status_code == 422
    assert 'id="import-problems"' in refused.text
    assert "<td>3</td><td>home_unit</td><td>unknown unit code &#39;atlantis&#39;</td>" in (
        refused.text
    )
    assert people(world_url, "e10") == []
    done = page_upload(hr, "staff", STAFF)
    assert done.status_code == 200
    assert "Importeret: 2 oprettet, 0 opdateret, 0 uændret." in done.text
    assert len(people(world_url, "e10", "e11")) == 2
    skipped = page_upload(hr, "staff", BAD_STAFF, skip_invalid="on", dry_run="on")
    assert skipped.status_code == 200 and "Oversprungne rækker: 3" in skipped.text


def test_the_page_asks_for_a_file_and_names_a_refused_one(as_user: Login) -> None:
    hr = as_user("hr")
    missing = page_upload(hr, "staff", None)
    assert missing.status_code == 422 and "Vælg en CSV- eller XLSX-fil." in missing.text
    unknown_kind = page_upload(hr, "shoes", STAFF)
    assert unknown_kind.status_code == 422 and "Vælg medarbejdere eller behov." in unknown_kind.text
    broken = page_upload(hr, "staff", b"PK\x03\x04 not a zip")
    assert broken.status_code == 422 and "cannot be read as XLSX" in broken.text


def test_a_form_field_that_is_not_utf8_is_a_bad_request(as_user: Login) -> None:
    """Found by fuzzing: a mapping sent as a plain form field in another encoding was a 500."""
    not_utf8 = {"file": ("staff.csv", STAFF, "text/csv"), "mapping": (None, b"Nr = \x97", None)}
    answer = as_user("hr").post("/api/imports/staff", files=not_utf8)
    assert answer.status_code == 400, answer.text
    assert "UTF-8" in answer.json()["detail"]
