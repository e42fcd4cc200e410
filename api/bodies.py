"""JSON request bodies, read one way for every route: declared as JSON, readable, and
typed strictly.

- A body that is not declared as JSON (`Content-Type: application/json` or `…+json`) answers
  415 `unsupported_media_type`: a client sending `text/plain` meant something else.
- A body that cannot be read (not UTF-8, not JSON, nested too deeply to decode) answers 400
  `body_unreadable`, on every route, logged in or not.
- Values must have the type the schema says: `true` is not a number and `"5"` is not one
  either (400 naming the field). Forms stay lenient, since a form sends only text.
"""

from __future__ import annotations

from typing import Any, cast

import msgspec
from litestar._signature.types import ExtendedMsgSpecValidationError
from litestar.exceptions import ClientException, SerializationException
from litestar.plugins.htmx import HTMXRequest
from litestar.plugins.pydantic import PydanticInitPlugin
from litestar.status_codes import HTTP_400_BAD_REQUEST, HTTP_415_UNSUPPORTED_MEDIA_TYPE
from litestar.types import Empty
from pydantic import BaseModel, ValidationError

BODY_UNREADABLE = "body_unreadable"
UNSUPPORTED_MEDIA_TYPE = "unsupported_media_type"


class JSONDocument(dict[str, Any]):
    """A JSON object as the client sent it: its values are validated strictly, as JSON."""


def is_json_media_type(media_type: str) -> bool:
    return media_type == "application/json" or (
        media_type.startswith("application/") and media_type.endswith("+json")
    )


class BodyProblem(ClientException):
    """A request body Jobbank cannot take; `code` is the problem's stable code."""

    def __init__(self, status: int, code: str, detail: str) -> None:
        super().__init__(detail=detail, status_code=status, extra={"code": code})


class JSONRequest(HTMXRequest):
    """The app's request: HTMX's (the pages read its headers), whose JSON body is checked as
    the module says before any handler sees it."""

    async def json(self) -> Any:
        if self._json is Empty and self._connection_state.json is Empty:
            media_type = self.content_type[0]
            if not is_json_media_type(media_type):
                raise BodyProblem(
                    HTTP_415_UNSUPPORTED_MEDIA_TYPE,
                    UNSUPPORTED_MEDIA_TYPE,
                    f"request body: sent as {media_type or 'no Content-Type'!r}; send JSON with "
                    "'Content-Type: application/json'",
                )
            document = _decoded(await self.body())
            self._json = self._connection_state.json = document
        return await super().json()


def _decoded(body: bytes) -> Any:
    """The body as JSON; an object as a `JSONDocument`."""
    try:
        value = msgspec.json.decode(body or b"null")
    except (msgspec.DecodeError, SerializationException, RecursionError) as error:
        reason = "nested too deeply" if isinstance(error, RecursionError) else str(error)
        raise BodyProblem(
            HTTP_400_BAD_REQUEST, BODY_UNREADABLE, f"request body: not readable JSON ({reason})"
        ) from None
    return JSONDocument(value) if isinstance(value, dict) else value


def _decode_model(model_type: type[BaseModel], value: Any) -> BaseModel:
    """A JSON object strictly, as JSON (`true` is no number, `"5"` no integer, an ISO date is a
    date); a form's fields leniently, as the text they are. Pydantic's errors become
    Litestar's, one per field (as Litestar's own pydantic decoder does)."""
    try:
        if isinstance(value, JSONDocument):
            return model_type.model_validate_json(msgspec.json.encode(value), strict=True)
        return model_type.model_validate(value)
    except ValidationError as error:
        errors = cast("list[dict[str, Any]]", error.errors(include_url=False))
        raise ExtendedMsgSpecValidationError(errors=errors) from error


def _is_model(annotation: Any) -> bool:
    return isinstance(annotation, type) and issubclass(annotation, BaseModel)


class StrictJSONBodies(PydanticInitPlugin):
    """Litestar's pydantic support, decoding pydantic models with `_decode_model`."""

    @classmethod
    def decoders(cls, validate_strict: bool = False) -> list[tuple[Any, Any]]:
        stock = super().decoders(validate_strict)
        return [(_is_model, _decode_model), *stock]
