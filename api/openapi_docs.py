"""What the OpenAPI schema says beyond the handlers' types, in one place: each operation's
problem-details answers, which shapes allow no other fields, and the media types of files.

Which statuses apply follows from how the operation is reached: any request can be malformed
(400) or well-formed but not allowed (422); one taking a JSON body refuses another media type
(415); a guarded one needs a log-in (401) and answers 404 for what is out of reach, as does one
with an id in its path; a change can clash (409) and, from a logged-in browser, needs the CSRF
token (403). An operation adds its own with `responses=problems(...)`. An unguarded one needs
no token: it says `security: []`.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from litestar.enums import RequestEncodingType
from litestar.handlers import HTTPRouteHandler
from litestar.openapi.datastructures import ResponseSpec
from litestar.openapi.spec import (
    OpenAPIMediaType,
    OpenAPIResponse,
    OpenAPIType,
    Operation,
    SecurityRequirement,
)
from litestar.openapi.spec import Schema as SchemaObject
from litestar.params import BodyKwarg
from litestar.plugins import ReceiveRoutePlugin
from litestar.plugins.pydantic import PydanticSchemaPlugin
from litestar.routes import BaseRoute, HTTPRoute
from litestar.typing import FieldDefinition
from pydantic import BaseModel, Field

if TYPE_CHECKING:
    from litestar._openapi.schema_generation import SchemaCreator

PROBLEM_MEDIA_TYPE = "application/problem+json"
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})


class FieldProblem(BaseModel):
    field: str | None = Field(None, description="The field, row or column at fault.")
    code: str | None = Field(
        None,
        description="A stable code of the refusal (`required`, `too_long`, `taken`, "
        "`stale_version`, …); the words of `message` may change.",
    )
    message: str


class Problem(BaseModel):
    """An error as problem details (RFC 9457); `detail` names the field or row at fault."""

    title: str
    status: int
    detail: str
    code: str = Field(
        description="A stable code for programs: `field_invalid`, `body_unreadable`, "
        "`unsupported_media_type`, `not_logged_in`, `not_found`, `stale_version`, "
        "`invalid_input`, … (one per kind of problem; the words of `detail` may change)."
    )
    errors: list[FieldProblem] | None = Field(None, description="Each field at fault.")


WHY = {
    400: "Malformed: the body is not readable JSON (`body_unreadable`), or a field or "
    'parameter has the wrong type (`field_invalid`: `true` or `"5"` where a number belongs).',
    401: "Not logged in (an unsafe request without any log-in too), or wrong credentials.",
    403: "A logged-in browser's request without the CSRF token (bearer-token requests need none).",
    404: "No such thing within your reach.",
    409: "The row changed meanwhile (stale `version`) or its state forbids this.",
    413: "The request body is larger than the configured limit.",
    415: "The body is not sent as JSON (`Content-Type: application/json`).",
    422: "Well-formed, but not allowed: against a rule of the domain or out of range; "
    "`detail` names the field.",
    429: "Too many failed log-ins; try again after `Retry-After` seconds.",
}


def problems(*statuses: int) -> dict[int, ResponseSpec]:
    """OpenAPI responses for these problem-details statuses."""
    return {
        status: ResponseSpec(
            data_container=Problem,
            description=WHY[status],
            media_type=PROBLEM_MEDIA_TYPE,
            generate_examples=False,
        )
        for status in statuses
    }


READ_CAN_CONFLICT = "read_can_conflict"
"""Route opt of a read the round's state can refuse (409), e.g. a published plan's shortlist."""


def statuses_of(handler: HTTPRouteHandler, path_has_ids: bool, csrf_exempt_key: str) -> list[int]:
    """The problem statuses `handler` can answer with, from its guards, path and methods."""
    statuses = [400, 422]
    guarded = bool(handler.resolve_guards())
    if guarded:
        statuses.append(401)
    if guarded or path_has_ids:
        statuses.append(404)
    if _takes_json(handler):
        statuses.append(415)
    if handler.opt.get(READ_CAN_CONFLICT) and handler.http_methods <= SAFE_METHODS:
        statuses.append(409)
    if not handler.http_methods <= SAFE_METHODS:
        statuses.extend((409, 413))
        if not handler.opt.get(csrf_exempt_key):
            statuses.append(403)
    return sorted(statuses)


def _takes_json(handler: HTTPRouteHandler) -> bool:
    """Whether the handler reads a JSON body (`data`, JSON unless it says another media type)."""
    body = handler.parsed_fn_signature.parameters.get("data")
    kwarg = body.kwarg_definition if body is not None else None
    return body is not None and (
        not isinstance(kwarg, BodyKwarg) or kwarg.media_type == RequestEncodingType.JSON
    )


class ProblemResponses(ReceiveRoutePlugin):
    """Adds the problem responses to every HTTP operation in the schema as it is registered;
    what a handler declares itself wins. `csrf_exempt_key`: the route opt that skips CSRF."""

    def __init__(self, csrf_exempt_key: str) -> None:
        self.csrf_exempt_key = csrf_exempt_key

    def receive_route(self, route: BaseRoute) -> None:
        if not isinstance(route, HTTPRoute):
            return
        for handler in route.route_handlers:
            if not handler.resolve_include_in_schema():
                continue
            if not handler.resolve_guards():
                handler.operation_class = without_log_in(handler.operation_class)
            own: Mapping[int, ResponseSpec] = handler.responses or {}
            handler.responses = {
                **problems(
                    *statuses_of(handler, bool(route.path_parameters), self.csrf_exempt_key)
                ),
                **own,
            }


def without_log_in(base: type[Operation]) -> type[Operation]:
    """`base`, saying `security: []`: the operation needs no token, whatever the app-wide
    requirement (Litestar leaves an empty list out, which would inherit the bearer token)."""

    @dataclass
    class NoLogIn(base):  # type: ignore[valid-type,misc]
        def __post_init__(self) -> None:
            getattr(super(), "__post_init__", lambda: None)()
            no_token: list[SecurityRequirement] = []
            self.security = no_token

    return NoLogIn


class ClosedShapes(PydanticSchemaPlugin):
    """Pydantic's schemas, plus `additionalProperties: false` for a shape that forbids other
    fields: a reader can then tell apart the shapes of a union (Litestar leaves it out)."""

    @classmethod
    def for_pydantic_model(
        cls, field_definition: FieldDefinition, schema_creator: SchemaCreator
    ) -> SchemaObject:
        schema = super().for_pydantic_model(field_definition, schema_creator)
        model = field_definition.annotation
        if model.model_config.get("extra") == "forbid":
            schema.additional_properties = False
        stated = model.model_json_schema(mode="validation").get("properties", {})
        for name, prop in (schema.properties or {}).items():
            if isinstance(prop, SchemaObject) and name in stated:
                _state_bounds(prop, stated[name])
        return schema


BOUND_KEYS = {
    "minimum": "minimum",
    "maximum": "maximum",
    "exclusiveMinimum": "exclusive_minimum",
    "exclusiveMaximum": "exclusive_maximum",
    "multipleOf": "multiple_of",
    "minLength": "min_length",
    "maxLength": "max_length",
}


def _state_bounds(target: SchemaObject, source: Mapping[str, Any]) -> None:
    """Copy the bounds pydantic states (`jobbank.core.bounds`, `jobbank.core.texts`) where Litestar
    leaves them out: on a branch of an optional field (`int | None`), on the items of a list,
    on the members of a union."""
    for key, attribute in BOUND_KEYS.items():
        if key in source and getattr(target, attribute) is None:
            setattr(target, attribute, source[key])
    if isinstance(target.items, SchemaObject) and isinstance(source.get("items"), Mapping):
        _state_bounds(target.items, source["items"])
    branches = [b for b in (target.one_of or target.any_of or []) if isinstance(b, SchemaObject)]
    stated = source.get("anyOf") or source.get("oneOf") or []
    for branch in branches:
        kind = branch.type.value if isinstance(branch.type, OpenAPIType) else None
        same = [b for b in stated if b.get("type") == kind]
        if kind and kind != "null" and len(same) == 1:
            _state_bounds(branch, same[0])


def downloads(*media_types: str) -> type[Operation]:
    """For `operation_class=`: an operation whose success answer is a file of one of these
    media types (Litestar would document the handler's default, JSON)."""

    @dataclass
    class Download(Operation):
        def __post_init__(self) -> None:
            ok = (self.responses or {}).get("200")
            if isinstance(ok, OpenAPIResponse):
                file = SchemaObject(type=OpenAPIType.STRING)
                ok.content = {
                    media_type: OpenAPIMediaType(schema=file) for media_type in media_types
                }

    return Download
