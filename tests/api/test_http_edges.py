"""The API's edge as a caller meets it: bodies it cannot read, loose values, stable error codes
in the caller's words, caching and compression, and what the documentation promises (401
without a log-in, `/health` without a token, `Allow` on 405, a leader's reach to the people
lent to their unit).

Malformed (unreadable, wrong type) answers 400; well-formed but not allowed answers 422.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from collections.abc import Callable
from typing import Any

import pytest
from litestar import Litestar

from api.auth import CSRF_HEADER
from jobbank.db.models import Area, Person, Skill, SolveJob, SolveStatus, Unit, UserAccount
from tests.api.conftest import Client
from tests.api.published_round import factory, first_round
from tests.builders import PASSWORD

Login = Callable[[str], Client]
JSON = {"content-type": "application/json"}


def problem_of(response: Any, status: int, code: str) -> dict[str, Any]:
    """The problem details of `response`, checked to have this status and code."""
    assert response.status_code == status, response.text
    assert response.headers["content-type"] == "application/problem+json"
    body: dict[str, Any] = response.json()
    assert body["code"] == code, body
    return body


def fields_of(body: dict[str, Any]) -> list[str]:
    return [error["field"] for error in body.get("errors") or []]


# --- 1. bodies that cannot be read -----------------------------------------------------------


UNREADABLE = {
    "nested too deeply": b"[" * 100_000 + b"]" * 100_000,
    "an object nested too deeply": b'{"username":' + b"[" * 5000 + b"]" * 5000 + b"}",
    "not UTF-8": b'{"username": "\xff\xfe", "password": "x"}',
    "not JSON": b"{username: hr}",
    "cut short": b'{"username": "hr", "pass',
    "NaN": b'{"username": "hr", "password": "x", "expires_in_days": NaN}',
    "Infinity": b'{"username": "hr", "password": "x", "expires_in_days": Infinity}',
    "a number beyond any float": b'{"username": "hr", "password": "x", "expires_in_days": 1e999}',
}


@pytest.mark.parametrize("body", UNREADABLE.values(), ids=UNREADABLE.keys())
def test_an_unreadable_body_answers_400_also_where_no_log_in_is_needed(
    anonymous: Client, body: bytes
) -> None:
    for path in ["/api/auth/login", "/api/auth/token"]:
        answer = problem_of(
            anonymous.post(path, content=body, headers=JSON), 400, "body_unreadable"
        )
        assert answer["detail"].startswith("request body: not readable JSON")


def test_json_sent_as_another_media_type_answers_415_naming_the_problem(
    anonymous: Client, as_user: Login
) -> None:
    credentials = json.dumps({"username": "hr", "password": PASSWORD})
    for media_type in ["text/plain", "application/x-www-form-urlencoded"]:
        sent = anonymous.post(
            "/api/auth/token", content=credentials, headers={"content-type": media_type}
        )
        answer = problem_of(sent, 415, "unsupported_media_type")
        assert media_type in answer["detail"] and "application/json" in answer["detail"]
    hr = as_user("hr")
    patch = hr.patch(
        "/api/needs/1", content=json.dumps({"version": 1}), headers={"content-type": "text/plain"}
    )
    problem_of(patch, 415, "unsupported_media_type")
    # JSON by another name is JSON
    token = anonymous.post(
        "/api/auth/token", content=credentials, headers={"content-type": "application/vnd+json"}
    )
    assert token.status_code == 201, token.text


# --- 2. loose values, refused in the caller's words -------------------------------------------


@pytest.mark.parametrize(
    "loose", [True, "30", 30.5], ids=["a boolean", "a numeric string", "a fraction"]
)
def test_a_loose_value_where_a_whole_number_belongs_is_refused_naming_the_field(
    anonymous: Client, loose: Any
) -> None:
    sent = anonymous.post(
        "/api/auth/token",
        json={"username": "hr", "password": PASSWORD, "expires_in_days": loose},
    )
    assert fields_of(problem_of(sent, 400, "field_invalid")) == ["expires_in_days"]


def test_loose_values_in_a_need_are_refused_field_by_field(as_user: Login) -> None:
    hr = as_user("hr")
    need = hr.get("/api/needs/1").json()
    sent = hr.patch(
        "/api/needs/1",
        json={"version": need["version"], "hours": "5", "priority": True, "exposed": 1},
    )
    body = problem_of(sent, 400, "field_invalid")
    assert sorted(fields_of(body)) == ["exposed", "hours", "priority"]
    assert hr.get("/api/needs/1").json()["hours"] == need["hours"]  # nothing written
    # well-formed values, dates as ISO text included, still pass
    ok = hr.patch(
        "/api/needs/1",
        json={"version": need["version"], "hours": 5, "last_week": need["last_week"]},
    )
    assert ok.status_code == 200, ok.text
    assert ok.json()["hours"] == 5


def test_a_loose_value_inside_a_list_is_named_as_sent(as_user: Login) -> None:
    hr = as_user("hr")
    need = hr.get("/api/needs/1").json()
    sent = hr.patch(
        "/api/needs/1",
        json={"version": need["version"], "weeks": [{"week": need["first_week"], "hours": "5"}]},
    )
    assert fields_of(problem_of(sent, 400, "field_invalid")) == ["weeks[0].hours"]


def test_well_formed_but_not_allowed_is_422_naming_the_field(as_user: Login) -> None:
    hr = as_user("hr")
    need = hr.get("/api/needs/1").json()
    tuesday = dt.date.fromisoformat(need["first_week"]) + dt.timedelta(days=1)
    sent = hr.patch(
        "/api/needs/1", json={"version": need["version"], "first_week": tuesday.isoformat()}
    )
    assert fields_of(problem_of(sent, 422, "invalid_input")) == ["first_week"]


def test_a_query_parameter_is_named_as_the_caller_sent_it(as_user: Login) -> None:
    hr = as_user("hr")
    sent = hr.get("/api/reports/over-time", params={"from": "soon", "to": "2026-01-05"})
    body = problem_of(sent, 400, "field_invalid")
    assert fields_of(body) == ["from"]
    assert body["detail"].startswith("from: ")
    bad_status = problem_of(hr.get("/api/needs", params={"status": "bogus"}), 400, "field_invalid")
    assert fields_of(bad_status) == ["status"]
    assert "NeedStatus" not in bad_status["detail"]
    # a form field the body lacks is named, not the handler's name for the body (`data`)
    no_file = hr.post("/api/imports/needs", files={"mapping": ("map.toml", b"")})
    assert fields_of(problem_of(no_file, 400, "field_invalid")) == ["file"]


def test_every_problem_carries_a_stable_code(anonymous: Client, as_user: Login) -> None:
    hr = as_user("hr")
    need = hr.get("/api/needs/1").json()
    problem_of(anonymous.get("/api/me"), 401, "not_logged_in")
    problem_of(hr.get("/api/needs/999999"), 404, "not_found")
    problem_of(hr.get("/api/nowhere"), 404, "not_found")
    problem_of(hr.delete("/api/needs/1"), 405, "method_not_allowed")
    stale = hr.patch("/api/needs/1", json={"version": need["version"] + 7, "hours": 4})
    assert problem_of(stale, 409, "conflict")["detail"].startswith("need n1: version")
    wrong = anonymous.post("/api/auth/token", json={"username": "hr", "password": "wrong" * 3})
    problem_of(wrong, 401, "not_logged_in")


# --- 3. caching and compression ----------------------------------------------------------------


def test_personal_answers_are_kept_in_no_cache_while_static_files_may_be(
    as_user: Login,
) -> None:
    hr = as_user("hr")
    for path in ["/api/me", "/api/people/1", "/api/needs", "/", "/needs", "/api/nowhere"]:
        assert hr.get(path).headers.get("cache-control") == "no-store", path
    assert hr.get("/api/needs/999999").headers.get("cache-control") == "no-store"
    for path in ["/static/jobbank.css", "/schema/assets/swagger-ui.css"]:
        static = hr.get(path)
        assert static.status_code == 200, path
        assert "no-store" not in static.headers.get("cache-control", ""), path


def test_answers_are_compressed_but_the_progress_stream_is_not(
    app: Litestar, as_user: Login
) -> None:
    published = first_round(app)
    with factory(app)() as session, session.begin():
        progress = [{"objective": i, "bound": 100.0, "elapsed": i / 10} for i in range(60)]
        session.add(
            SolveJob(
                round_id=published.round_id,
                status=SolveStatus.DONE,
                progress=progress,
                message="done",
                finished_at=dt.datetime.now(dt.UTC),
            )
        )
    hr = as_user("hr")
    hr.headers["accept-encoding"] = "gzip"
    for path in ["/api/needs", "/api/people", "/"]:
        answer = hr.get(path)
        assert answer.status_code == 200, path
        assert answer.headers.get("content-encoding") == "gzip", path
    stream = hr.get(f"/api/rounds/{published.round_id}/progress")
    assert stream.status_code == 200
    assert stream.headers["content-type"].startswith("text/event-stream")
    assert "content-encoding" not in stream.headers
    assert stream.text.count("event: progress") == len(progress)


# --- 4. the API as its documentation says --------------------------------------------------------


def test_an_unsafe_request_without_a_log_in_answers_401_as_documented(
    anonymous: Client,
) -> None:
    del anonymous.headers[CSRF_HEADER]  # a client that never logged in sends no CSRF token
    problem_of(anonymous.post("/api/needs", json={}), 401, "not_logged_in")
    problem_of(anonymous.patch("/api/needs/1", json={"version": 1}), 401, "not_logged_in")
    problem_of(anonymous.delete("/api/auth/tokens/1"), 401, "not_logged_in")
    # logging in is not guarded: it keeps its CSRF check (no log-in CSRF)
    login = anonymous.post("/api/auth/login", json={"username": "hr", "password": PASSWORD})
    problem_of(login, 403, "csrf_token_invalid")


def test_a_browser_with_a_log_in_still_needs_the_csrf_token(as_user: Login) -> None:
    hr = as_user("hr")
    del hr.headers[CSRF_HEADER]
    problem_of(hr.post("/api/needs/1/close", json={"version": 1}), 403, "csrf_token_invalid")


def test_the_schema_says_what_needs_no_token_and_what_may_answer_415(anonymous: Client) -> None:
    schema = anonymous.get("/schema/openapi.json").json()
    paths = schema["paths"]
    assert paths["/health"]["get"]["security"] == []
    assert paths["/api/auth/login"]["post"]["security"] == []
    assert paths["/api/auth/token"]["post"]["security"] == []
    assert "security" not in paths["/api/needs"]["get"]  # the app-wide bearer token
    assert schema["security"] == [{"BearerToken": []}]
    assert "415" in paths["/api/needs"]["post"]["responses"]
    assert "415" in paths["/api/needs/{need_id}"]["patch"]["responses"]
    assert "415" not in paths["/api/needs"]["get"]["responses"]
    problem = schema["components"]["schemas"]["Problem"]
    assert "code" in problem["required"]
    assert anonymous.get("/health").status_code == 200


def test_405_names_the_methods_there_are(as_user: Login) -> None:
    hr = as_user("hr")
    for method, path, allowed in [
        ("DELETE", "/api/needs/1", {"GET", "PATCH"}),
        ("PUT", "/api/needs", {"GET", "POST"}),
        ("DELETE", "/needs", {"GET", "POST"}),
    ]:
        answer = hr.request(method, path)
        problem_of(answer, 405, "method_not_allowed")
        assert allowed <= {m.strip() for m in answer.headers["allow"].split(",")}, path


def test_a_leader_reaches_the_people_lent_to_their_unit(app: Litestar, as_user: Login) -> None:
    """SECURITY.md: a leader sees the people lent to the units they lead (contact, never
    the risk-group flag); a leader with no part in the round does not."""
    published = first_round(app)  # Anne and Bo (borgerservice) are lent to Solgården
    receiving = as_user("leder_sol").get(f"/api/people/{published.anne}")
    assert receiving.status_code == 200, receiving.text
    assert receiving.json()["name"] and "risk_group" not in receiving.text
    assert as_user("leder_bs").get(f"/api/people/{published.anne}").status_code == 200
    problem_of(as_user("leder_hp").get(f"/api/people/{published.anne}"), 404, "not_found")
    problem_of(as_user("carla").get(f"/api/people/{published.anne}"), 404, "not_found")


def _request_bodies(schema: dict[str, Any]) -> dict[str, dict[str, Any]]:
    """The component schemas that requests send (and the shapes they hold), by name."""
    components: dict[str, dict[str, Any]] = schema["components"]["schemas"]
    found: set[str] = set()
    todo = [
        name
        for operation in _operations(schema)
        for content in operation.get("requestBody", {}).get("content", {}).values()
        for name in re.findall(r"#/components/schemas/([\w.-]+)", json.dumps(content))
    ]
    while todo:
        name = todo.pop()
        if name not in found:
            found.add(name)
            todo.extend(re.findall(r"#/components/schemas/([\w.-]+)", json.dumps(components[name])))
    return {name: components[name] for name in found}


def _operations(schema: dict[str, Any]) -> list[dict[str, Any]]:
    return [operation for path in schema["paths"].values() for operation in path.values()]


def test_the_schema_states_mondays_lengths_and_required_versions(
    anonymous: Client, as_user: Login
) -> None:
    bodies = _request_bodies(anonymous.get("/schema/openapi.json").json())
    dates = {
        f"{name}.{field}": prop.get("description", "")
        for name, shape in bodies.items()
        for field, prop in shape.get("properties", {}).items()
        if '"format": "date"' in json.dumps(prop)
    }
    assert "NeedPatch.first_week" in dates and "NewRound.start" in dates
    # a week is named by its Monday; a day (an absence's first day) says it is a day
    weeks = {name: said for name, said in dates.items() if not name.endswith("_day")}
    days = {name: said for name, said in dates.items() if name.endswith("_day")}
    assert all("Monday" in said for said in weeks.values()), weeks
    assert "AbsenceReport.first_day" in days
    assert all(" day" in said for said in days.values()), days
    for name, field, length in [
        ("NewPerson", "name", Person.name.type.length),
        ("PersonChanges", "employee_no", Person.employee_no.type.length),
        ("NewUnit", "code", Unit.code.type.length),
        ("UnitChanges", "address", Unit.address.type.length),
        ("NewSkill", "label_da", Skill.label_da.type.length),
        ("AreaChanges", "name", Area.name.type.length),
        ("NewUser", "username", UserAccount.username.type.length),
    ]:
        assert bodies[name]["properties"][field]["maxLength"] == length, (name, field)
    for name in ["NeedPatch", "PersonChanges", "UnitChanges", "UserChanges", "VersionOf"]:
        assert "version" in bodies[name]["required"], name
    # the length the schema states is the one the service holds to (a rule: 422)
    hr = as_user("hr")
    person = hr.get("/api/people/1").json()
    too_long = "x" * (Person.name.type.length + 1)
    sent = hr.patch("/api/people/1", json={"version": person["version"], "name": too_long})
    assert fields_of(problem_of(sent, 422, "invalid_input")) == ["name"]


def test_every_query_parameter_is_named_as_the_schema_names_it(
    anonymous: Client, as_user: Login
) -> None:
    """A wrong value in any query parameter of any operation is refused naming that parameter
    as the schema (and the caller) spell it, never a handler's own name or a Python type."""
    hr = as_user("hr")
    schema = anonymous.get("/schema/openapi.json").json()
    tried = []
    for path, operations in schema["paths"].items():
        for method, operation in operations.items():
            for parameter in operation.get("parameters", []):
                if parameter["in"] != "query" or _takes_any_text(parameter["schema"]):
                    continue
                url = re.sub(r"{\w+}", "1", path)
                others = {
                    other["name"]: _a_valid_value(other["schema"])
                    for other in operation.get("parameters", [])
                    if other["in"] == "query" and other.get("required") and other is not parameter
                }
                params = others | {parameter["name"]: "x!"}
                sent = hr.request(method.upper(), url, params=params)
                body = problem_of(sent, 400, "field_invalid")
                assert parameter["name"] in fields_of(body), (method, path, body)
                assert "data" not in fields_of(body), (method, path, body)
                assert not re.search(r"<|Enum|\w+\.\w+:", body["detail"]), body["detail"]
                tried.append(parameter["name"])
    assert {"from", "to", "limit", "status", "unit_id", "week"} <= set(tried)


def _a_valid_value(schema: dict[str, Any]) -> str:
    """A value a required parameter of this schema takes, so another one's refusal is seen."""
    option = (schema.get("oneOf") or schema.get("anyOf") or [schema])[0]
    if option.get("format") == "date":
        return "2026-03-16"
    return "1" if option.get("type") in ("integer", "number") else "x"


def _takes_any_text(schema: dict[str, Any]) -> bool:
    """Whether a parameter of this schema takes any text (nothing to refuse)."""
    options = schema.get("oneOf", [schema])
    return any(
        option.get("type") == "string" and not option.get("enum") and not option.get("format")
        for option in options
    )
