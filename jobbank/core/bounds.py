"""Checks of values that enter Jobbank against their real-world bounds (`solver.bounds`).

The API's shapes use the bound types (so the OpenAPI schema states them and a value beyond one
answers 422 naming the field); the services check page forms and import cells against the same
types with `check`, which raises `InvalidInput` naming the field, and build form values into
shapes with `shaped` and `shaped_within`. A refusal's words are `describe`'s; its code comes
from the pydantic error type (`BOUND_CODES`), or the text policy's own kind.
"""

from __future__ import annotations

from typing import Any, TypeVar

from pydantic import BaseModel, TypeAdapter, ValidationError, create_model
from pydantic_core import ErrorDetails

from jobbank.core.errors import InvalidFields, InvalidInput, Problems
from solver.bounds import OUT_OF_BOUNDS, describe

T = TypeVar("T")

BOUND_CODES = {
    "greater_than": "must_exceed",
    "greater_than_equal": "below_least",
    "less_than": "must_be_below",
    "less_than_equal": "above_most",
    "multiple_of": "not_a_multiple",
    "finite_number": "not_finite",
    OUT_OF_BOUNDS: "outside_years",
    "string_too_long": "too_long",
    "string_unicode": "not_unicode",
}
"""The code of each pydantic error type a bound or text column refuses with."""
INVALID_VALUE = "invalid_value"
"""The code of any other error pydantic finds (a value of the wrong type)."""


def bound_code(error: ErrorDetails) -> str:
    """The stable code of a bound's refusal (or a text policy's, whose context names its kind)."""
    kind = (error.get("ctx") or {}).get("kind")
    return str(kind) if kind else BOUND_CODES.get(error["type"], INVALID_VALUE)


def bound_params(error: ErrorDetails) -> dict[str, Any]:
    """The values a bound's sentence needs: its limit (`le`, `max_length`, …) and, for a text,
    how long the one given is."""
    params = {name: value for name, value in (error.get("ctx") or {}).items() if name != "kind"}
    if error["type"] == "string_too_long" and isinstance(error.get("input"), str):
        params["length"] = len(error["input"])
    return params


def refused(field: str, error: ErrorDetails) -> InvalidInput:
    """`error` of pydantic as the refusal of `field`: `describe`'s words, the bound's code."""
    return InvalidInput(field, describe(error), code=bound_code(error), params=bound_params(error))


_ADAPTERS: dict[int, TypeAdapter[Any]] = {}


def check(field: str, kind: Any, value: T) -> T:
    """`value` if it lies within the bound `kind` (one of the types above), else
    `InvalidInput` naming `field` in the words of `describe`."""
    adapter = _ADAPTERS.get(id(kind))
    if adapter is None:
        adapter = _ADAPTERS.setdefault(id(kind), TypeAdapter(kind))
    try:
        adapter.validate_python(value, strict=True)
    except ValidationError as exc:
        raise refused(field, exc.errors(include_url=False)[0]) from None
    return value


M = TypeVar("M", bound=BaseModel)


def shaped(shape: type[M], **values: Any) -> M:
    """`shape` built from values a page form parsed, or `InvalidInput` naming each field
    beyond its bound (the API answers the same problem as 422)."""
    try:
        return shape(**values)
    except ValidationError as exc:
        problems = [
            refused(".".join(str(part) for part in error["loc"]) or shape.__name__, error)
            for error in exc.errors(include_url=False)
        ]
    raise problems[0] if len(problems) == 1 else InvalidFields(problems)


def shaped_within(shape: type[M], problems: Problems, **values: Any) -> M | None:
    """`shape` built from values a page form parsed, for a form that tells every wrong field
    at once: each field beyond its bound is kept in `problems` and left unset (None), so the
    service still checks the others. Only for shapes whose services read None as "leave it
    as it is" (patches and edits); the caller refuses what `problems` holds. None when the
    rest cannot be shaped either (a refusal of the whole shape, not of a field)."""
    try:
        return shaped(shape, **values)
    except InvalidInput as error:
        problems.add(error)
        refused = {problem.field.split(".", 1)[0].split("[", 1)[0] for problem in error.problems}
    unset: dict[str, Any] = {name: (Any, None) for name in refused if name in shape.model_fields}
    partial = create_model(shape.__name__, __base__=shape, **unset)
    within = {name: value for name, value in values.items() if name not in refused}
    try:
        return partial(**within)
    except ValidationError:
        return None
