"""Every message the pages show has its Danish, and the two languages are picked as promised."""

from __future__ import annotations

import re
from functools import cache
from pathlib import Path

import pytest
from babel.messages.catalog import Catalog
from babel.messages.extract import extract_from_dir
from babel.messages.pofile import read_po
from jinja2 import Environment

from api.pages.i18n import LOCALE_DIR, PAGE_LANGUAGE, install, translations

PAGES = Path(__file__).resolve().parents[2] / "api" / "pages"
PO_FILE = LOCALE_DIR / "da" / "LC_MESSAGES" / "messages.po"
PLACEHOLDER = re.compile(r"%\((\w+)\)s")


@cache
def _found() -> tuple[str | tuple[str, ...], ...]:
    return tuple(
        m
        for _file, _line, m, _comments, _context in extract_from_dir(
            str(PAGES),
            method_map=[("**.html", "jinja2.ext:babel_extract"), ("**.py", "python")],
            keywords={
                "_": None,
                "gettext": None,
                "translate": (2,),
                "_n": (1, 2),
                "ngettext": (1, 2),
                "translate_plural": (2, 3),
            },
        )
    )


def _messages() -> set[str]:
    return {m for m in _found() if isinstance(m, str)}


def _plurals() -> set[tuple[str, str]]:
    """Each counted message as (singular, plural)."""
    return {(m[0], m[1]) for m in _found() if isinstance(m, tuple)}


def _forms(danish: Catalog, singular: str) -> tuple[str, ...]:
    """The Danish forms of a counted message; none when it is missing or not counted."""
    found = danish.get(singular)
    return tuple(found.string) if found and isinstance(found.string, tuple | list) else ()


def _danish() -> Catalog:
    with PO_FILE.open("rb") as source:
        return read_po(source, locale="da")


def test_every_message_of_the_pages_has_danish() -> None:
    messages = _messages()
    assert "Log in" in messages and "week %(number)s (%(day)s)" in messages
    danish = _danish()
    missing = sorted(m for m in messages if not ((found := danish.get(m)) and found.string))
    assert missing == [], f"add these to {PO_FILE}: {missing}"


def test_every_counted_message_has_each_danish_plural_form() -> None:
    plurals = _plurals()
    assert ("%(num)s message", "%(num)s messages") in plurals
    danish = _danish()
    assert danish.num_plurals == 2
    for singular, plural in sorted(plurals):
        found = danish.get(singular)
        assert found is not None and found.pluralizable, f"add {singular!r} as a plural"
        assert found.id == (singular, plural), f"{singular!r}: the English plural differs"
        forms = _forms(danish, singular)
        assert len(forms) == 2 and all(forms), f"{singular!r}: a form is missing"
        english = set(PLACEHOLDER.findall(plural))
        for form in forms:
            assert set(PLACEHOLDER.findall(form)) <= english, f"{form!r}: unknown placeholder"
        assert english - {"num"} <= set(PLACEHOLDER.findall(forms[1])), plural


def _counted(language: str, source: str, n: float) -> str:
    environment = Environment(autoescape=True)
    install(environment)
    return environment.from_string(source).render({PAGE_LANGUAGE: language, "n": n})


@pytest.mark.parametrize(
    ("language", "n", "shown"),
    [
        ("da", 1, "1 besked"),
        ("da", 2, "2 beskeder"),
        ("da", 0, "0 beskeder"),
        ("en", 1, "1 message"),
        ("en", 2, "2 messages"),
        ("en", 0, "0 messages"),
    ],
)
def test_one_and_two_read_right(language: str, n: int, shown: str) -> None:
    assert _counted(language, '{{ _n("%(num)s message", "%(num)s messages", n) }}', n) == shown


@pytest.mark.parametrize(
    ("language", "n", "shown"),
    [("da", 1, "1 time"), ("da", 1.5, "1,5 timer"), ("en", 1, "1 hour"), ("en", 7.5, "7.5 hours")],
)
def test_hours_count_too_even_in_halves(language: str, n: float, shown: str) -> None:
    source = '{{ _n("%(num)s hour", "%(num)s hours", n, num=n | hours) }}'
    assert _counted(language, source, n) == shown


def test_every_counted_message_picks_its_form_for_one_and_two() -> None:
    english, danish, forms = translations("en"), translations("da"), _danish()
    for singular, plural in sorted(_plurals()):
        assert english.ngettext(singular, plural, 1) == singular
        assert english.ngettext(singular, plural, 2) == plural
        one, many = _forms(forms, singular)
        assert danish.ngettext(singular, plural, 1) == one
        assert danish.ngettext(singular, plural, 2) == many
