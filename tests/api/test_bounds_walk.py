"""Every number, date and text a write route takes keeps its bound, read from the API's own
OpenAPI schema, so a field added later is walked too.

For each write operation, the walk finds every numeric field of the request body (also inside
lists of objects and on the non-null branch of an optional field, where Litestar puts the
constraints) and every numeric query parameter. Each must state both bounds in the schema;
just beyond either it answers 422 naming the field as sent (`weeks[0].hours`), and at the
bound itself it is not refused for that field. Dates must lie in 2000–2099 and every text
field refuses control characters, characters that reorder text and invisible-only text.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

import pytest

from solver.bounds import FIRST_DAY, LAST_DAY
from tests.api.conftest import Client

WRITES = ("post", "put", "patch", "delete")
NOT_HUMAN_TEXT = frozenset({"password", "current_password", "new_password"})
"""Secrets are compared byte for byte, never shown: they keep every character typed."""
LOG_INS = frozenset({"POST /api/auth/login", "POST /api/auth/token"})
"""A log-in's username is only compared with the stored ones (which keep the policy)."""
A_MONDAY = "2030-01-07"
BOUND_WORDS = re.compile(r"must be (at least|at most|more than|less than|a multiple|a finite)")
BAD_TEXTS = {
    "a control character": "Anne\x01Berg",
    "a bidi override": "Anne \u202egreB",
    "only invisible characters": "\u200b\u200b",
}


@dataclass(frozen=True)
class Field:
    """One value a write operation takes: where it goes and its schema."""

    operation: str
    method: str
    path: str
    place: str  # "body" or "query"
    name: tuple[str | int, ...]  # the way into the body, e.g. ("weeks", 0, "hours")
    schema: dict[str, Any]

    @property
    def sent_as(self) -> str:
        text = ""
        for part in self.name:
            text += f"[{part}]" if isinstance(part, int) else (f".{part}" if text else part)
        return text

    def __str__(self) -> str:
        return f"{self.operation} {self.sent_as}"


class Schema:
    """The served OpenAPI document, with `$ref`s followed and nullable branches set aside."""

    def __init__(self, document: dict[str, Any]) -> None:
        self.document = document

    def resolve(self, schema: dict[str, Any]) -> dict[str, Any]:
        """The schema a `$ref` names, or the one an `allOf` of one wraps with a description
        beside it (how an enum field with its own description is written)."""
        while "$ref" in schema or len(schema.get("allOf", [])) == 1:
            if "$ref" in schema:
                schema = self.document["components"]["schemas"][schema["$ref"].split("/")[-1]]
            else:
                beside = {k: v for k, v in schema.items() if k != "allOf"}
                schema = self.resolve(schema["allOf"][0]) | beside
        return schema

    def branches(self, schema: dict[str, Any]) -> list[dict[str, Any]]:
        """The non-null shapes a value may take, each carrying the constraints Litestar left
        beside the `oneOf` rather than on the branch."""
        schema = self.resolve(schema)
        options = schema.get("oneOf") or schema.get("anyOf")
        if not options:
            return [schema]
        beside = {k: v for k, v in schema.items() if k not in ("oneOf", "anyOf")}
        found = []
        for option in options:
            option = self.resolve(option)
            if option.get("type") != "null":
                found += [beside | branch for branch in self.branches(option)]
        return found

    def body_of(self, operation: dict[str, Any]) -> dict[str, Any] | None:
        content = operation.get("requestBody", {}).get("content", {})
        if "application/json" not in content:
            return None
        [shape] = self.branches(content["application/json"]["schema"])
        return shape

    def example(self, schema: dict[str, Any]) -> Any:
        """A value the schema accepts: the body every probe starts from."""
        shape = self.branches(schema)[0]
        kind = shape.get("type")
        if "enum" in shape:
            return shape["enum"][0]
        if kind == "object":
            required = shape.get("required", [])
            return {k: self.example(v) for k, v in shape["properties"].items() if k in required}
        if kind == "array":
            return []
        if kind == "boolean":
            return True
        if kind == "integer":  # the schema states bounds as floats (1.0); JSON is strict
            return int(_lowest(shape))
        if kind == "number":
            return _lowest(shape)
        if shape.get("format") == "date":
            return A_MONDAY
        return "x"

    def fields(
        self, operation: str, method: str, path: str, shape: dict[str, Any], at: tuple[Any, ...]
    ) -> Iterator[Field]:
        for name, schema in shape.get("properties", {}).items():
            for branch in self.branches(schema):
                here = (*at, name)
                if branch.get("type") == "object" and "properties" in branch:
                    yield from self.fields(operation, method, path, branch, here)
                elif branch.get("type") == "array":
                    for item in self.branches(branch.get("items", {})):
                        if item.get("type") == "object" and "properties" in item:
                            yield from self.fields(operation, method, path, item, (*here, 0))
                        else:
                            yield Field(operation, method, path, "body", (*here, 0), item)
                else:
                    yield Field(operation, method, path, "body", here, branch)

    def walk(self) -> Iterator[Field]:
        for path, operations in self.document["paths"].items():
            for method, operation in operations.items():
                if method not in WRITES:
                    continue
                name = f"{method.upper()} {path}"
                shape = self.body_of(operation)
                if shape is not None:
                    yield from self.fields(name, method, path, shape, ())
                for parameter in operation.get("parameters", []):
                    if parameter["in"] == "query":
                        for branch in self.branches(parameter["schema"]):
                            yield Field(name, method, path, "query", (parameter["name"],), branch)


def _lowest(shape: dict[str, Any]) -> float:
    step = shape.get("multipleOf", 1)
    if "minimum" in shape:
        return shape["minimum"]  # type: ignore[no-any-return]
    return shape["exclusiveMinimum"] + step  # type: ignore[no-any-return]


def _highest(shape: dict[str, Any]) -> float:
    step = shape.get("multipleOf", 1)
    if "maximum" in shape:
        return shape["maximum"]  # type: ignore[no-any-return]
    return shape["exclusiveMaximum"] - step  # type: ignore[no-any-return]


def _numeric(field: Field) -> bool:
    return field.schema.get("type") in ("integer", "number") and "enum" not in field.schema


def _text(field: Field) -> bool:
    shape = field.schema
    return (
        shape.get("type") == "string"
        and "enum" not in shape
        and "format" not in shape
        and field.name[-1] not in NOT_HUMAN_TEXT
        and not (field.operation in LOG_INS and field.name == ("username",))
        and not (isinstance(field.name[-1], int) and field.name[-2] in NOT_HUMAN_TEXT)
    )


@pytest.fixture
def hr(as_user: Callable[[str], Client]) -> Client:
    return as_user("hr")


@pytest.fixture
def schema(hr: Client) -> Schema:
    return Schema(hr.get("/schema/openapi.json").json())


def _send(hr: Client, schema: Schema, field: Field, value: Any) -> Any:
    """The operation with `value` at `field` and every other required value acceptable."""
    operation = schema.document["paths"][field.path][field.method]
    path = field.path
    for parameter in operation.get("parameters", []):
        if parameter["in"] == "path":  # an id is 1, a week a Monday
            date = parameter.get("schema", {}).get("format") == "date"
            path = path.replace(f"{{{parameter['name']}}}", str(A_MONDAY) if date else "1")
    body = None
    shape = schema.body_of(operation)
    if shape is not None:
        body = schema.example(shape)
    params: dict[str, Any] = {}
    if field.place == "query":
        params[field.sent_as] = value
    else:
        assert body is not None
        _put(schema, body, shape, field.name, value)
    return hr.request(field.method.upper(), path, json=body, params=params)


def _put(
    schema: Schema, body: dict[str, Any], shape: Any, name: tuple[Any, ...], value: Any
) -> None:
    """Set `value` at `name` inside `body`, building the objects and lists on the way."""
    head, *rest = name
    if not rest:
        body[head] = value
        return
    branch = next(b for b in schema.branches(shape["properties"][head]) if b.get("type"))
    if branch.get("type") == "array" and rest == [0]:  # a list of numbers or texts
        body[head] = [value]
    elif branch.get("type") == "array":
        [item] = [b for b in schema.branches(branch["items"]) if b.get("type") == "object"]
        body[head] = [schema.example(item)]
        _put(schema, body[head][0], item, tuple(rest[1:]), value)
    else:
        body[head] = schema.example(branch)
        _put(schema, body[head], branch, tuple(rest), value)


def _bound_refusals(answer: Any, field: Field) -> list[str]:
    """The refusals of `field` for its bound (a service may refuse a row that is not there)."""
    return [r for r in _refusals(answer, field) if BOUND_WORDS.match(r)]


def _refusals(answer: Any, field: Field) -> list[str]:
    errors = answer.json().get("errors") or []
    return [e["message"] for e in errors if e.get("field") == field.sent_as]


def _beyond(field: Field) -> list[float]:
    shape, step = field.schema, field.schema.get("multipleOf", 1)
    low = shape["minimum"] - step if "minimum" in shape else shape["exclusiveMinimum"]
    high = shape["maximum"] + step if "maximum" in shape else shape["exclusiveMaximum"]
    return [_typed(field, low), _typed(field, high)]


def _typed(field: Field, value: float) -> float:
    return int(value) if field.schema.get("type") == "integer" else value


def test_the_walk_finds_the_fields_the_issue_names(schema: Schema) -> None:
    found = {str(field) for field in schema.walk()}
    assert "POST /api/needs hours" in found
    assert "POST /api/needs weeks[0].hours" in found
    assert "PATCH /api/needs/{need_id} priority" in found  # an optional field
    assert "DELETE /api/checklists/items/{item_id}/done version" in found  # a query parameter
    assert "PUT /api/me/volunteer normal_hours" in found
    assert "POST /api/areas name" in found


def test_every_number_a_write_route_takes_states_both_bounds(schema: Schema) -> None:
    unbounded = [
        str(field)
        for field in schema.walk()
        if _numeric(field)
        and not (
            {"minimum", "exclusiveMinimum"} & field.schema.keys()
            and {"maximum", "exclusiveMaximum"} & field.schema.keys()
        )
    ]
    assert unbounded == []


def test_just_beyond_a_bound_answers_422_naming_the_field_and_at_it_passes(
    hr: Client, schema: Schema
) -> None:
    wrong = []
    numbers = [field for field in schema.walk() if _numeric(field)]
    assert len(numbers) > 40
    for field in numbers:
        for value in _beyond(field):
            answer = _send(hr, schema, field, value)
            if answer.status_code != 422 or not _refusals(answer, field):
                wrong.append(f"{field} = {value}: {answer.status_code} {answer.text[:200]}")
        for value in (_typed(field, _lowest(field.schema)), _typed(field, _highest(field.schema))):
            answer = _send(hr, schema, field, value)
            if answer.status_code >= 500 or _bound_refusals(answer, field):
                wrong.append(f"{field} = {value} refused: {answer.status_code} {answer.text[:200]}")
    assert wrong == []


def test_dates_a_write_route_takes_lie_in_this_century(hr: Client, schema: Schema) -> None:
    wrong = []
    dates = [f for f in schema.walk() if f.schema.get("format") == "date"]
    assert len(dates) > 8
    too_early = (FIRST_DAY - dt.timedelta(days=FIRST_DAY.weekday() + 7)).isoformat()
    too_late = (LAST_DAY + dt.timedelta(days=7 - LAST_DAY.weekday())).isoformat()
    for field in dates:
        for value in (too_early, too_late):
            answer = _send(hr, schema, field, value)
            refusals = _refusals(answer, field)
            if answer.status_code != 422 or not any("2000–2099" in r for r in refusals):
                wrong.append(f"{field} = {value}: {answer.status_code} {answer.text[:200]}")
    assert wrong == []


def test_every_text_a_write_route_takes_keeps_the_text_policy(hr: Client, schema: Schema) -> None:
    wrong = []
    texts = [field for field in schema.walk() if _text(field)]
    assert len(texts) > 25
    for field in texts:
        if "maxLength" not in field.schema:
            wrong.append(f"{field}: no most length")
        for kind, value in BAD_TEXTS.items():
            answer = _send(hr, schema, field, value)
            if answer.status_code != 422 or not _refusals(answer, field):
                wrong.append(f"{field} with {kind}: {answer.status_code} {answer.text[:200]}")
    assert wrong == []
