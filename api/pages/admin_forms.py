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
from api.pages.forms import STALE, TEXT_KINDS
from api.pages.i18n import translate
from jobbank.core.access import Actor
from jobbank.core.errors import Conflict, InvalidInput, NotFound

Form = dict[str, Any]
"""A sent form: one value as text, a repeated field (ticked boxes) as a list."""
PER_PAGE = 50


def _(message: str) -> str:
    """Marks a message for the Danish catalogue; `translate` turns it into the caller's words."""
    return message


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
        raise InvalidInput(field, f"{value!r} is not a whole number") from None


def version_of(form: Form) -> int:
    """The version the page was drawn from; a missing one counts as stale."""
    value = text(form, "version")
    return int(value) if value.isdigit() else 0


_KINDS = (
    ("must not be empty", _("Fill in this field.")),
    ("must match", _("Use only lower-case letters, digits, _ and -.")),
    ("characters, got", _("This is too long.")),
    ("is not an e-mail address", _("Write an e-mail address, e.g. name@example.dk.")),
    ("must be one of da, en", _("Choose Danish or English.")),
    ("no unit", _("Choose a unit from the list.")),
    ("no area", _("Choose an area from the list.")),
    ("must be given", _("Choose one from the list.")),
    ("no person", _("No person has this employee number.")),
    ("characters (JOBBANK_PASSWORD_MIN_LENGTH)", _("Use at least 12 characters.")),
    ("must not be the username", _("Choose a password that is not the username.")),
    ("give at least one role", _("Choose at least one role.")),
    ("role from yourself", _("You cannot take the HR coordinator role from yourself.")),
    ("your own log-in", _("You cannot switch off your own log-in.")),
    ("already has a log-in", _("This person already has a log-in.")),
    ("not both", _("Choose an area or a unit, not both.")),
    ("give an area or a unit", _("Choose an area or a unit.")),
    ("days, got", _("Write a whole number of days from -60 to 120.")),
    *TEXT_KINDS,
    ("not a whole number", _("Write a whole number.")),
)
_TAKEN = {
    "employee_no": _("Another person already has this employee number."),
    "username": _("Another log-in already has this username."),
    "code": _("Another unit already has this code."),
}


def explain(language: str, message: str) -> str:
    """The service's message as a short sentence in the caller's language."""
    for fragment, sentence in _KINDS:
        if fragment in message:
            return translate(language, sentence)
    return translate(language, _("Check this field: %(detail)s")) % {"detail": message}


@dataclass
class Refusal:
    """Why a form was not saved: each field's error, and the answer's status."""

    errors: dict[str, str]
    status: int


def refusal(language: str, error: InvalidInput | Conflict) -> Refusal:
    """The service's refusal as an error at its field: 409 for a stale version, else 422 (a
    wrong value, or one another row holds: the field is named before the colon)."""
    if isinstance(error, InvalidInput):
        errors: dict[str, str] = {}
        for problem in error.problems:  # every wrong field at once, the first of each
            field = problem.field.split("[", 1)[0].split(".", 1)[0]
            errors.setdefault(field, explain(language, problem.message))
        return Refusal(errors, 422)
    message = str(error)
    if "out of date" in message:
        return Refusal({"version": translate(language, STALE)}, 409)
    field, _colon, detail = message.partition(": ")
    sentence = _TAKEN.get(field)
    if "is taken" in detail and sentence:
        return Refusal({field: translate(language, sentence)}, 422)
    return Refusal({field: explain(language, detail)}, 422)


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
