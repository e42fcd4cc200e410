"""One policy for all text people type (names, labels, addresses, descriptions), defined once.

Text is normalised to Unicode NFC and stripped of surrounding whitespace. Refused, naming the
field: control characters (newline and tab only in multi-line text), characters that reorder
text (bidirectional overrides, embeddings and isolates, which can make a name read as
another), unpaired surrogates, and text made only of invisible characters. Each kind of text
has a most length. The API's shapes use the named types below; the services clean what pages,
imports and the command line bring with `clean`, so every entrance keeps the same policy.
"""

from __future__ import annotations

import unicodedata
from typing import Annotated, Any, TypeAlias

from pydantic import AfterValidator, Field, TypeAdapter, ValidationError
from pydantic_core import PydanticCustomError

from jobbank.core.bounds import refused

TEXT_POLICY = "text_policy"
"""The pydantic error type of text refused by the policy."""

BIDI_CONTROLS = frozenset("\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069")
"""Embeddings, overrides and isolates (LRE … RLO, LRI … PDI)."""
INVISIBLE = frozenset("\u115f\u1160\u3164\uffa0\u2800\u180e")
"""Characters that show nothing though Unicode calls them letters or symbols (fillers)."""
MULTILINE_ALLOWED = frozenset("\n\t")


def _refuse(message: str, kind: str, **values: Any) -> PydanticCustomError:
    """The policy's refusal; its `kind` is the refusal's code (`jobbank.core.bounds`)."""
    return PydanticCustomError(TEXT_POLICY, message, {"kind": kind, **values})


def _shows_nothing(char: str) -> bool:
    return char in INVISIBLE or unicodedata.category(char) in {"Cf", "Zs", "Zl", "Zp", "Cc", "Mn"}


def _cleaned(text: str, *, multiline: bool) -> str:
    text = unicodedata.normalize("NFC", text).strip()
    if multiline:
        text = text.replace("\r\n", "\n").replace("\r", "\n")
    for char in text:
        category = unicodedata.category(char)
        if category == "Cc" and not (multiline and char in MULTILINE_ALLOWED):
            breaks = char in "\n\r\t"
            words = "line breaks or tabs" if breaks else "control characters"
            raise _refuse(
                f"must not hold {words} (U+{{code}})",
                "line_breaks" if breaks else "control_characters",
                code=f"{ord(char):04X}",
            )
        if char in BIDI_CONTROLS:
            raise _refuse(
                "must not hold characters that reorder text (U+{code})",
                "reordering_characters",
                code=f"{ord(char):04X}",
            )
        if category == "Cs":
            raise _refuse("is not valid Unicode text (an unpaired surrogate)", "not_unicode")
    if text and all(_shows_nothing(char) for char in text):
        raise _refuse("must hold a visible character, not only invisible ones", "invisible_only")
    return text


def _line(text: str) -> str:
    return _cleaned(text, multiline=False)


def _multiline(text: str) -> str:
    return _cleaned(text, multiline=True)


def _text(most: int) -> Any:
    return Field(max_length=most)


Line: TypeAlias = Annotated[str, AfterValidator(_line)]
"""One line of text whose most length is its column's (see `organisation.clean_text`)."""
Name: TypeAlias = Annotated[str, _text(200), AfterValidator(_line)]
"""A name of a person, unit, area, round or template; a skill's label."""
Code: TypeAlias = Annotated[str, _text(100), AfterValidator(_line)]
"""A short id people type: a unit or skill code, an employee number."""
Title: TypeAlias = Annotated[str, _text(300), AfterValidator(_line)]
"""A checklist item's title."""
Address: TypeAlias = Annotated[str, _text(300), AfterValidator(_line)]
Phone: TypeAlias = Annotated[str, _text(50), AfterValidator(_line)]
Email: TypeAlias = Annotated[str, _text(254), AfterValidator(_line)]
Label: TypeAlias = Annotated[str, _text(100), AfterValidator(_line)]
"""What a token is for, and other short notes."""
Description: TypeAlias = Annotated[str, _text(4000), AfterValidator(_multiline)]
"""Free text over several lines: a need's tasks; a message in a deployment's thread."""
Comment: TypeAlias = Annotated[str, _text(2000), AfterValidator(_multiline)]
"""A person's short comment: on a weekly pulse, a decline, an evaluation."""

_ADAPTERS: dict[int, TypeAdapter[str]] = {}


def clean(field: str, kind: Any, value: str) -> str:
    """`value` cleaned by the policy of `kind` (one of the types above), or `InvalidInput`
    naming `field`."""
    adapter = _ADAPTERS.get(id(kind))
    if adapter is None:
        adapter = _ADAPTERS.setdefault(id(kind), TypeAdapter(kind))
    try:
        return adapter.validate_python(value, strict=True)
    except ValidationError as exc:
        raise refused(field, exc.errors(include_url=False)[0]) from None
