"""Every refusal raised on purpose carries a stable code, and every code has its sentence in
English and Danish (`api/pages/refusals.py`), so that rewording a message breaks no page."""

from __future__ import annotations

import ast
import importlib
import re
from functools import cache
from pathlib import Path

import pytest
from babel.messages.pofile import read_po

from api.pages.i18n import LOCALE_DIR
from api.pages.refusals import FIELDS, SENTENCES, VARIANTS, sentence, sentences, words_of
from jobbank.core import texts
from jobbank.core.bounds import BOUND_CODES, INVALID_VALUE, check
from jobbank.core.errors import STALE_VERSION, Conflict, InvalidFields, InvalidInput, NotFound
from jobbank.sessions import TooManyAttempts, WrongCredentials
from solver.bounds import Priority

ROOT = Path(__file__).resolve().parent.parent
REFUSALS = {"InvalidInput", "Conflict"}
PLACEHOLDER = re.compile(r"%\((\w+)\)s")


def _sources() -> list[Path]:
    return sorted(path for room in ("jobbank", "api") for path in (ROOT / room).rglob("*.py"))


def _module_of(path: Path) -> str:
    parts = path.relative_to(ROOT).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _called(node: ast.Call) -> str:
    func = node.func
    return func.id if isinstance(func, ast.Name) else getattr(func, "attr", "")


def _codes_in(expression: ast.expr, module: str) -> set[str]:
    """The codes an expression names: its strings, and its constants as the module holds them
    (a code passed on, `first.code`, or derived, `bound_code(error)`, is counted where made)."""
    if isinstance(expression, ast.IfExp):  # one code or the other, not the test between them
        return _codes_in(expression.body, module) | _codes_in(expression.orelse, module)
    found: set[str] = set()
    for node in ast.walk(expression):
        value = node.value if isinstance(node, ast.Constant) else None
        if isinstance(node, ast.Name):
            value = getattr(importlib.import_module(module), node.id, None)
        if isinstance(value, str):
            found.add(value)
    return found


@cache
def _raised() -> tuple[tuple[str, ...], frozenset[str]]:
    """The refusals built without a code (as `path:line`), and every code the others name."""
    uncoded: list[str] = []
    codes: set[str] = set()
    for path in _sources():
        tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
        for node in ast.walk(tree):
            if not isinstance(node, ast.Call) or _called(node) not in REFUSALS:
                continue
            given = [k.value for k in node.keywords if k.arg == "code"]
            if not given:
                uncoded.append(f"{path.relative_to(ROOT)}:{node.lineno}")
            for expression in given:
                codes |= _codes_in(expression, _module_of(path))
    return tuple(uncoded), frozenset(codes)


def _text_policy_kinds() -> set[str]:
    """The kinds the text policy refuses with (the second argument of each `_refuse`)."""
    tree = ast.parse(Path(texts.__file__).read_text(encoding="utf-8"))
    return {
        str(node.args[1].value)
        for node in ast.walk(tree)
        if isinstance(node, ast.Call)
        and _called(node) == "_refuse"
        and len(node.args) > 1
        and isinstance(node.args[1], ast.Constant)
    }


def every_code() -> set[str]:
    codes = set(_raised()[1]) | set(BOUND_CODES.values()) | _text_policy_kinds()
    classes = (NotFound, WrongCredentials, TooManyAttempts)
    return codes | {INVALID_VALUE, STALE_VERSION} | {cls.code for cls in classes}


@cache
def danish() -> dict[str, str]:
    with (LOCALE_DIR / "da" / "LC_MESSAGES" / "messages.po").open("rb") as source:
        catalogue = read_po(source, locale="da")
    return {str(m.id): str(m.string) for m in catalogue if isinstance(m.id, str) and m.string}


def test_every_refusal_raised_on_purpose_carries_a_code() -> None:
    uncoded, codes = _raised()
    assert uncoded == ()
    assert {"taken", "stale_version", "not_a_monday", "contact_not_at_unit"} <= codes
    assert all(re.fullmatch(r"[a-z][a-z_]*[a-z]", code) for code in every_code())


def test_the_walk_finds_a_refusal_without_a_code() -> None:
    tree = ast.parse('raise InvalidInput("name", "must not be empty")\nraise errors.Conflict("x")')
    calls = [node for node in ast.walk(tree) if isinstance(node, ast.Call)]
    assert [_called(call) for call in calls] == ["InvalidInput", "Conflict"]
    assert all(not call.keywords for call in calls)


def test_every_code_has_words_in_english_and_danish() -> None:
    assert every_code() - set(SENTENCES) == set()
    for words in [*SENTENCES.values(), *VARIANTS.values(), *FIELDS.values()]:
        assert words in danish(), words
        placeholders = set(PLACEHOLDER.findall(words))
        assert set(PLACEHOLDER.findall(danish()[words])) == placeholders, words


def test_a_sentence_takes_its_values_from_the_refusal() -> None:
    short = InvalidInput("password", "must be at least 14 characters", code="password_too_short")
    short.params = {"least": 14}
    assert sentence("da", short) == "Brug mindst 14 tegn."
    assert sentence("en", short) == "Use at least 14 characters."
    beyond = InvalidInput("rounds", "must be at most 26", code="above_most", params={"le": 26.0})
    assert sentence("da", beyond) == "Må højst være 26."


def test_a_sentence_is_told_by_what_is_taken_or_by_the_field() -> None:
    unit = Conflict("code: 'ny' is taken", code="taken", field="code", params={"what": "unit"})
    skill = Conflict("code: 'ny' is taken", code="taken", field="code", params={"what": "skill"})
    assert sentence("da", unit) == "En anden enhed har allerede denne kode."
    assert sentence("en", skill) == "Another skill already has this code."
    hours = InvalidInput("weeks[1].hours", "must be at most 168", code="above_most")
    assert words_of(hours) == "That is more hours than allowed here."
    with pytest.raises(InvalidInput) as priority:
        check("priority", Priority, 9)
    assert priority.value.code == "above_most"
    assert sentence("en", priority.value) == "Choose a priority from 1 to 5."


def test_the_words_of_a_message_do_not_decide_the_sentence() -> None:
    reworded = InvalidInput("name", "cannot be left out", code="required")
    assert sentence("en", reworded) == "Fill in this field."
    both = InvalidFields([reworded, InvalidInput("name", "again", code="too_long")])
    assert sentences("da", both) == {"name": "Udfyld dette felt."}


def test_bounds_and_the_text_policy_derive_their_codes() -> None:
    with pytest.raises(InvalidInput) as long:
        texts.clean("name", texts.Name, "x" * 201)
    assert (long.value.code, long.value.params) == ("too_long", {"max_length": 200, "length": 201})
    with pytest.raises(InvalidInput) as turned:
        texts.clean("name", texts.Name, "Nina \u202eyN")
    assert turned.value.code == "reordering_characters"
    assert turned.value.message == "must not hold characters that reorder text (U+202E)"
