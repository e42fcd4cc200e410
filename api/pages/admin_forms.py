"""What HR's administration forms share: who may see them, how a sent form is read, and the
services' refusals told next to the field in the caller's words.

The services check every value and name the field; these pages only parse text into the
types the services take, so a rule lives in one place.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from litestar.plugins.htmx import HTMXTemplate
from litestar.response import Template

from api.auth import current_actor
from api.deps import AnyRequest
from api.pages.refusals import form_field, sentence, sentences
from jobbank.core.access import Actor
from jobbank.core.errors import STALE_VERSION, Conflict, InvalidInput, NotFound

Form = dict[str, Any]
"""A sent form: one value as text, a repeated field (ticked boxes) as a list."""
PER_PAGE = 50


def hr_only(request: AnyRequest) -> Actor:
    """The caller, if an HR coordinator; to anyone else these pages are not there."""
    actor = current_actor(request)
    if not actor.is_hr:
        raise NotFound("admin: not found")
    return actor


def text(form: Form, name: str) -> str:
    value = form.get(name, "")
    return (value[-1] if value else "") if isinstance(value, list) else str(value)


def many(form: Form, name: str) -> list[str]:
    """A field's values: a form sends one value as text and several as a list."""
    value = form.get(name, [])
    return [value] if isinstance(value, str) else list(value)


def whole(field: str, value: str, *, required: bool = True) -> int | None:
    """A whole number typed or chosen; empty is None unless `required`."""
    value = value.strip()
    if not value and not required:
        return None
    try:
        return int(value)
    except ValueError:
        raise InvalidInput(
            field, f"{value!r} is not a whole number", code="not_a_whole_number"
        ) from None


def version_of(form: Form) -> int:
    """The version the page was drawn from; a missing one counts as stale."""
    value = text(form, "version")
    return int(value) if value.isdigit() else 0


@dataclass
class Refusal:
    """Why a form was not saved: each field's error, and the answer's status."""

    errors: dict[str, str]
    status: int


def refusal(language: str, error: InvalidInput | Conflict) -> Refusal:
    """The service's refusal as an error at its field (every wrong field at once, the first of
    each): 409 for a stale version, else 422 (a wrong value, or one another row holds)."""
    if isinstance(error, InvalidInput):
        return Refusal(sentences(language, error), 422)
    status = 409 if error.code == STALE_VERSION else 422
    return Refusal({form_field(error): sentence(language, error)}, status)


def each_field(
    language: str, check: Callable[[Mapping[str, Any]], object], fields: Mapping[str, Any]
) -> Refusal | None:
    """Every field's refusal at once, by checking each field alone with the service's own
    check (which saves nothing); None when each field is right on its own."""
    errors: dict[str, str] = {}
    for name, value in fields.items():
        try:
            check({name: value})
        except (InvalidInput, Conflict) as error:
            errors |= refusal(language, error).errors
    return Refusal(errors, 422) if errors else None


def field_errors(
    form_id: str,
    fields: tuple[str, ...],
    refused: Refusal | None,
    *,
    typed: Form | None = None,
) -> Template:
    """Each field's error (or none), swapped into the form out of band as HR types. With
    `typed` (a new row's form), a field still empty is not told yet: saving tells it."""
    errors = refused.errors if refused else {}
    if typed is not None:
        errors = {name: error for name, error in errors.items() if text(typed, name).strip()}
    return HTMXTemplate(
        template_name="admin/_errors.html",
        context={"form_id": form_id, "fields": fields, "errors": errors},
    )
