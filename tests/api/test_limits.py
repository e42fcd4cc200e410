"""The limits of the configuration, over HTTP: each refusal names the limit and the value.

Each test runs an app with small limits on a private copy of the seeded world."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from api.app import create_app
from jobbank.core.settings import IMPORT_FORM_ALLOWANCE, Settings
from jobbank.core.weeks import monday_of
from tests.api.conftest import Client, browser
from tests.builders import PASSWORD

HR = Callable[..., tuple[Client, Settings]]
MONDAY = monday_of(dt.date.today())


@pytest.fixture
def hr_with(world_url: str, tmp_path: Path) -> Iterator[HR]:
    """`hr_with(page_max_limit=20)`: HR logged in on an app with these settings."""
    opened: list[Client] = []

    def open_app(**limits: Any) -> tuple[Client, Settings]:
        settings = Settings(
            data_dir=tmp_path / "data",
            secret_key="test-secret-" + "x" * 32,
            outbox_every_seconds=0,
            **limits,
        )
        settings.database_url = world_url
        client = browser(create_app(settings))
        opened.append(client)
        login = client.post("/api/auth/login", json={"username": "hr", "password": PASSWORD})
        assert login.status_code == 200, login.text
        return client, settings

    yield open_app
    for client in reversed(opened):
        client.__exit__(None, None, None)


def staff_file(rows: int) -> bytes:
    lines = ["employee_no;name;email;home_unit;skills;normal_hours"]
    lines += [f"x{n:04};Person {n};p{n}@x.example;borgerservice;;37" for n in range(rows)]
    return ("\r\n".join(lines) + "\r\n").encode()


def upload(client: Client, content: bytes) -> Any:
    files = {"file": ("staff.csv", content, "text/csv")}
    return client.post("/api/imports/staff", files=files)


def test_a_body_over_the_limit_is_refused_with_413_naming_it(hr_with: HR) -> None:
    hr, settings = hr_with(request_max_bytes=1_000, import_max_bytes=1_000)
    limit = settings.body_limit
    assert limit == 1_000 + IMPORT_FORM_ALLOWANCE
    big = {"name": "x" * limit}
    response = hr.post("/api/areas", json=big)
    assert response.status_code == 413
    problem = response.json()
    assert "JOBBANK_REQUEST_MAX_BYTES" in problem["detail"]
    assert f"{limit:,}" in problem["detail"]
    assert (problem["limit"], problem["value"]) == ("request_max_bytes", limit)
    assert response.headers["content-type"].startswith("application/problem+json")


def test_an_import_the_import_limit_allows_is_never_refused_for_its_body(hr_with: HR) -> None:
    hr, settings = hr_with(request_max_bytes=1_000, import_max_bytes=4_000)
    content = staff_file(60)
    assert settings.request_max_bytes < len(content) <= settings.import_max_bytes
    accepted = upload(hr, content)
    assert accepted.status_code == 200, accepted.text
    assert accepted.json()["created"] == 60
    bigger = staff_file(100)
    assert len(bigger) > settings.import_max_bytes
    too_big = upload(hr, bigger)
    assert too_big.status_code == 422
    assert "JOBBANK_IMPORT_MAX_BYTES" in too_big.json()["detail"]
    assert "4,000" in too_big.json()["detail"]


def test_an_import_over_the_row_limit_is_refused_naming_it(hr_with: HR) -> None:
    hr, _ = hr_with(import_max_rows=3)
    response = upload(hr, staff_file(4))
    assert response.status_code == 422
    assert "JOBBANK_IMPORT_MAX_ROWS" in response.json()["detail"]
    assert upload(hr, staff_file(3)).status_code == 200


def test_a_round_over_the_size_limit_is_refused_at_create(hr_with: HR) -> None:
    hr, _ = hr_with(round_max_size=10)
    before = hr.get("/api/rounds").json()["total"]
    response = hr.post("/api/rounds", json={"start": MONDAY.isoformat(), "weeks": 4})
    assert response.status_code == 422
    problem = response.json()
    assert problem["errors"][0]["field"] == "size"
    found = re.search(r"(\d+) staff × (\d+) needs × (\d+) weeks = ([\d,]+)", problem["detail"])
    assert found, problem["detail"]
    staff, needs, weeks = (int(found.group(n)) for n in (1, 2, 3))
    assert weeks == 4 and staff * needs * weeks == int(found.group(4).replace(",", "")) > 10
    assert "limit of 10 (JOBBANK_ROUND_MAX_SIZE)" in problem["detail"]
    assert hr.get("/api/rounds").json()["total"] == before


def test_a_round_within_the_size_limit_is_created(hr_with: HR) -> None:
    hr, _ = hr_with(round_max_size=10)
    refused = hr.post("/api/rounds", json={"start": MONDAY.isoformat(), "weeks": 4}).json()
    found = re.search(r"= ([\d,]+)", refused["detail"])
    assert found
    size = int(found.group(1).replace(",", ""))
    hr, _ = hr_with(round_max_size=size)
    created = hr.post("/api/rounds", json={"start": MONDAY.isoformat(), "weeks": 4})
    assert created.status_code == 201, created.text


def test_a_solve_asking_for_more_time_than_allowed_is_refused(hr_with: HR) -> None:
    hr, _ = hr_with(solve_max_seconds=2)
    created = hr.post("/api/rounds", json={"start": MONDAY.isoformat(), "weeks": 1})
    assert created.status_code == 201, created.text
    round_id = created.json()["id"]
    response = hr.post(f"/api/rounds/{round_id}/solve", json={"time_limit": 3, "workers": 1})
    assert response.status_code == 422
    problem = response.json()
    assert problem["errors"][0]["field"] == "time_limit"
    assert "3 s is more than the limit of 2 s (JOBBANK_SOLVE_MAX_SECONDS)" in problem["detail"]
    assert hr.get(f"/api/rounds/{round_id}").json()["status"] == "draft"
    beyond_schema = hr.post(f"/api/rounds/{round_id}/solve", json={"time_limit": 601})
    assert beyond_schema.status_code == 422  # beyond the bound the schema states
    assert beyond_schema.json()["detail"] == "time_limit: must be at most 600, got 601"


def test_a_stall_window_out_of_bounds_is_refused_naming_it(hr_with: HR) -> None:
    hr, _ = hr_with()
    created = hr.post("/api/rounds", json={"start": MONDAY.isoformat(), "weeks": 1})
    round_id = created.json()["id"]
    for window in (0.5, 601):
        refused = hr.post(f"/api/rounds/{round_id}/solve", json={"stall_seconds": window})
        assert refused.status_code == 422, refused.text  # a number, beyond its bound
        assert refused.json()["code"] == "invalid_input"
        assert "stall_seconds" in refused.json()["detail"]
    assert hr.get(f"/api/rounds/{round_id}").json()["status"] == "draft"


def test_a_page_larger_than_the_limit_is_refused_naming_it(hr_with: HR) -> None:
    hr, _ = hr_with(page_max_limit=20)
    refused = hr.get("/api/people", params={"limit": 21})
    assert refused.status_code == 422, refused.text  # a number, beyond its bound
    assert refused.json()["code"] == "invalid_input"
    assert "limit" in refused.json()["detail"] and "20" in refused.json()["detail"]
    page = hr.get("/api/people", params={"limit": 20})
    assert page.status_code == 200 and page.json()["limit"] == 20
    schema = hr.get("/schema/openapi.json").json()
    [limit] = [
        p for p in schema["paths"]["/api/people"]["get"]["parameters"] if p["name"] == "limit"
    ]
    assert limit["schema"]["maximum"] == 20
