"""Schemathesis fuzzes every operation of the API's own OpenAPI schema, as each role.

The schema is the one the app serves at `GET /schema/openapi.json`. For each backend and each
caller (HR, a unit leader, a staff member by bearer token; an anonymous browser), one test
sends a fixed number of derandomized examples per operation, valid ones and invalid ones, to
the app in-process and checks every answer: no 5xx, the status code documented, the content
type documented, the body conforming to the documented schema. A failure names each operation
and example at fault, so one run reports everything it found.

The world is the seeded one of `world.py` plus a published round (with assignments and
checklists) and a proposed one; about half of the examples put ids of seeded rows in the
path, so that bodies reach real rows. Operations run in a fixed order on one database per
test, which makes a run reproducible: reads first, then writes, then deletes, and last the
operations that end the caller's own log-in (log-out, revoking a token).

Nothing is excluded. The progress stream (SSE) is read before any write, while no solve runs,
so it replays and ends at once. HR's examples publish the proposed round before they reach
`solve`, so no solve starts as the schema stands; one that did would run in a worker that
the app's job runner stops when the test client closes, and the test checks that no child
process outlives the client.

Examples per operation and caller: 4 valid and 2 invalid, about half of them on seeded ids.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import re
from collections.abc import Callable, Iterator
from typing import Any

import psutil
import pytest
import schemathesis
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st
from hypothesis.errors import Unsatisfiable
from litestar import Litestar
from litestar.testing import TestClient
from schemathesis import GenerationMode
from schemathesis.checks import not_a_server_error
from schemathesis.errors import FailureGroup
from schemathesis.schemas import APIOperation
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from api.auth import CSRF_COOKIE, CSRF_HEADER
from tests.api.published_round import THIS_MONDAY, first_round, propose
from tests.builders import PASSWORD

EXAMPLES = {GenerationMode.POSITIVE: 4, GenerationMode.NEGATIVE: 2}
"""Examples per operation and role: valid requests, then requests that break the schema."""

CALLERS = {"hr": "hr", "unit leader": "leder_sol", "staff": "anne", "anonymous": None}
CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_schema_conformance,
]
SEEDED_IDS = {"round_id": 2, "file": "persons.csv", "assignment": "1.ics", "feed": "none.ics"}
"""Path values of seeded rows; any other id is 1, which every seeded table has (round 2 is the
proposed one)."""
ENDS_OWN_LOG_IN = {"POST /api/auth/logout", "DELETE /api/auth/tokens/{token_id}"}
BASE_URL = "https://testserver.local"

Operation = APIOperation[Any, Any, Any, Any]
Send = Callable[[schemathesis.Case[Any]], Any]


@pytest.mark.parametrize("caller", CALLERS)
def test_every_operation_keeps_its_contract(app: Litestar, caller: str) -> None:
    _seed_rounds(app)
    before = _children()
    with TestClient(app, base_url=BASE_URL) as client:
        _authenticate(client, CALLERS[caller])
        served = client.get("/schema/openapi.json")
        assert served.status_code == 200
        schema = schemathesis.openapi.from_dict(served.json())
        found = [
            failure
            for operation in _in_order(schema)
            for failure in _fuzz(operation, lambda case: _send(client, case))
        ]
    assert not _children() - before, "a solve worker outlived the app"
    assert not found, f"{len(found)} operation(s) broke the contract:\n\n" + "\n\n".join(found)


def _seed_rounds(app: Litestar) -> None:
    """A published round and, after it, a proposed one HR may solve."""
    first_round(app)
    propose(app, start=THIS_MONDAY + dt.timedelta(weeks=4))


def _authenticate(client: TestClient[Litestar], username: str | None) -> None:
    """A bearer token for `username`; no log-in: an anonymous browser with its CSRF cookie."""
    if username is None:
        client.get("/health")
        client.headers[CSRF_HEADER] = client.cookies[CSRF_COOKIE]
        return
    response = client.post(
        "/api/auth/token", json={"username": username, "password": PASSWORD, "label": "fuzz"}
    )
    assert response.status_code == 201, response.text
    client.headers["Authorization"] = f"Bearer {response.json()['token']}"


def _in_order(schema: Any) -> Iterator[Operation]:
    """Reads, then writes, then deletes, then the operations that end the caller's log-in."""
    operations = [result.ok() for result in schema.get_all_operations()]
    rank = {"GET": 0, "POST": 1, "PUT": 1, "PATCH": 1, "DELETE": 2}

    def key(operation: Operation) -> tuple[int, str]:
        last = 3 if operation.label in ENDS_OWN_LOG_IN else rank.get(operation.method.upper(), 1)
        return last, operation.label

    return iter(sorted(operations, key=key))


def _fuzz(operation: Operation, send: Send) -> list[str]:
    """Every failure of this operation's examples, one text each (no shrinking: first found)."""
    found: list[str] = []
    for mode, examples in EXAMPLES.items():

        @settings(
            max_examples=examples,
            derandomize=True,
            database=None,
            deadline=None,
            phases=[Phase.explicit, Phase.generate],
            suppress_health_check=list(HealthCheck),
        )
        @given(case=_cases(operation, mode))
        def examples_hold(case: schemathesis.Case[Any]) -> None:
            case.validate_response(send(case), checks=CHECKS)

        try:
            examples_hold()
        except Unsatisfiable:
            # Nothing to break: an operation that needs no token and whose every input is valid
            # (`/health`, a calendar feed's secret) has no invalid example to send.
            if mode is not GenerationMode.NEGATIVE:
                found.append(f"--- {operation.label} ({mode.value}) ---\nno valid example")
        except (FailureGroup, Exception) as failure:  # every operation is tried, whatever fails
            found.append(f"--- {operation.label} ({mode.value}) ---\n{failure}")
    return found


def _cases(operation: Operation, mode: GenerationMode) -> st.SearchStrategy[Any]:
    """Generated cases, and as many again on seeded rows: the ids in the path are real ones."""
    generated = operation.as_strategy(generation_mode=mode)
    names = re.findall(r"{(\w+)}", operation.path)
    if not names:
        return generated
    real = {name: SEEDED_IDS.get(name, 1) for name in names}
    return st.one_of(generated, operation.as_strategy(generation_mode=mode, path_parameters=real))


def _send(client: TestClient[Litestar], case: schemathesis.Case[Any]) -> Any:
    """The case as the test client's request (Schemathesis speaks `requests`, it httpx), with
    the caller's own credentials instead of a generated `Authorization` header."""
    request = case.as_transport_kwargs(base_url=BASE_URL)
    request["headers"].pop("Authorization", None)
    body = request.pop("data", None)
    if isinstance(body, str | bytes):
        request["content"] = body
    elif body is not None:  # form fields: as text, like `requests` sends them
        request["data"] = {name: _as_text(value) for name, value in body.items()}
    request.pop("cookies", None)
    if request.get("files"):
        request["files"] = _as_files(request["files"])
    built = client.build_request(**request)
    built.read()  # a multipart body is a stream; the checks read it again
    return client.send(built)


def _as_files(files: Any) -> list[tuple[str, Any]]:
    """File parts as httpx takes them: an invalid example may hold a number or None where a
    file goes, which `requests` sends as text but httpx cannot read; send it as text too."""
    pairs = files.items() if isinstance(files, dict) else files
    return [(name, _as_upload(value)) for name, value in pairs]


def _as_upload(value: Any) -> Any:
    if isinstance(value, tuple):
        return (value[0], _as_upload(value[1]), *value[2:])
    if isinstance(value, str | bytes) or hasattr(value, "read"):
        return value
    return str(value).encode()


def _as_text(value: Any) -> Any:
    if isinstance(value, list):
        return [_as_text(item) for item in value]
    return value if isinstance(value, str | bytes) else str(value)


def _children() -> set[int]:
    """This process's live child processes (a solve worker is one)."""
    alive = []
    for child in psutil.Process().children(recursive=True):
        with contextlib.suppress(psutil.NoSuchProcess):
            if child.status() != psutil.STATUS_ZOMBIE:
                alive.append(child.pid)
    return set(alive)
