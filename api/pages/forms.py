"""What the leaders' and staff's forms (needs, volunteering) share: the services' refusals
told next to the field in the caller's words, and the answer to a copy someone else changed
meanwhile (HR's administration forms answer that the same way).
"""

from __future__ import annotations

from api.pages.i18n import translate
from jobbank.core.errors import InvalidInput


def _(message: str) -> str:
    """Marks a message for the Danish catalogue; `translate` turns it into the caller's words."""
    return message


STALE = _(
    "Someone else changed this meanwhile. Reload the page to see their change, "
    "then make yours again."
)

TEXT_KINDS = (
    ("control characters", _("Remove the hidden control characters from the text.")),
    ("line breaks or tabs", _("Write this on one line.")),
    ("reorder text", _("Remove the characters that change the direction of the text.")),
    ("visible character", _("Write some visible text.")),
    ("valid Unicode text", _("Write ordinary text.")),
)
"""The text policy's refusals (`jobbank.core.texts`), for every form."""

_KINDS = (
    *TEXT_KINDS,
    ("characters, got", _("This is too long.")),
    ("must lie in the years", _("Choose a week in the years 2000–2099.")),
    ("not a number", _("Write a number, e.g. 7.5.")),
    ("is required", _("Fill in this field.")),
    ("multiple of 0.5", _("Write hours in half hours, e.g. 7.5.")),
    ("must be 0 or more", _("Hours cannot be negative.")),
    ("must be at most", _("That is more hours than allowed here.")),
    ("must be more than 0", _("Must be more than 0 hours.")),
    ("must be 1", _("Choose a priority from 1 to 5.")),
    ("is before first_week", _("The last week cannot be before the first week.")),
    ("not a Monday", _("Choose a week from the list.")),
    ("unknown skill", _("Choose a skill from the list.")),
    ("neither works at nor leads", _("The contact person must work at or lead the unit.")),
    ("choose at least one shift", _("Choose at least one shift type.")),
    ("declare and withdraw", _("Tick only one of the two.")),
    ("your own volunteering", _("An HR coordinator decides this for your own volunteering.")),
)


def explain(language: str, error: InvalidInput) -> str:
    """The service's message as a short sentence in the caller's language."""
    if error.field == "priority":  # a bound's words say the number, the list says the rest
        return translate(language, _("Choose a priority from 1 to 5."))
    for fragment, message in _KINDS:
        if fragment in error.message:
            return translate(language, message)
    return translate(language, _("Check this field: %(detail)s")) % {"detail": error.message}


def field_of(error: InvalidInput) -> str:
    """`weeks[2].hours` → `weeks`: the form field the error belongs to."""
    return error.field.split("[", 1)[0].split(".", 1)[0]


def explained(language: str, error: InvalidInput) -> dict[str, str]:
    """Each refused field's error in the caller's words (the first, should one have several)."""
    errors: dict[str, str] = {}
    for problem in error.problems:
        errors.setdefault(field_of(problem), explain(language, problem))
    return errors
