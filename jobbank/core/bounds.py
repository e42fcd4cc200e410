"""Checks of values that enter Jobbank against their real-world bounds (`solver.bounds`).

The API's shapes use the bound types (so the OpenAPI schema states them and a value beyond one
answers 422 naming the field); the services check page forms and import cells against the same
types with `check`, which raises `InvalidInput` naming the field, and build form values into
shapes with `shaped` and `shaped_within`.
"""

from __future__ import annotations

from typing import Any, TypeVar

from pydantic import BaseModel, TypeAdapter, ValidationError, create_model

from jobbank.core.errors import InvalidFields, InvalidInput, Problems
from solver.bounds import describe

T = TypeVar("T")

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
        raise InvalidInput(field, describe(exc.errors(include_url=False)[0])) from None
    return value


M = TypeVar("M", bound=BaseModel)


def shaped(shape: type[M], **values: Any) -> M:
    """`shape` built from values a page form parsed, or `InvalidInput` naming each field
    beyond its bound (the API answers the same problem as 422)."""
    try:
        return shape(**values)
    except ValidationError as exc:
        problems = [
            InvalidInput(
                ".".join(str(part) for part in error["loc"]) or shape.__name__, describe(error)
            )
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
