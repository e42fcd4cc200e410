"""The words that give a page's language away, from the Danish catalogue: every phrase of a
message whose Danish differs from its English. A page in English must show none of the
Danish phrases, a Danish page none of the English ones."""

from __future__ import annotations

import html
import re
from functools import cache

from babel.messages.pofile import read_po

from api.pages.i18n import LOCALE_DIR

PLACEHOLDER = re.compile(r"%\([a-z_]+\)s|%s|%%")
SHORTEST = 3
"""Shorter pieces (`i`, `af`, `og`) are words of both languages or parts of names."""


def _phrases(text: str) -> set[str]:
    pieces = (piece.strip(" .,:;·…–-()\n") for piece in PLACEHOLDER.split(text))
    return {piece for piece in pieces if len(piece) >= SHORTEST}


@cache
def _catalogue() -> list[tuple[str, str]]:
    with (LOCALE_DIR / "da" / "LC_MESSAGES" / "messages.po").open("rb") as source:
        catalogue = read_po(source, locale="da")
    return [
        (str(m.id), str(m.string))
        for m in catalogue
        if m.id
        and isinstance(m.id, str)
        and isinstance(m.string, str)
        and m.string
        and m.string != m.id
    ]


@cache
def danish_phrases() -> frozenset[str]:
    english = {p for msgid, _ in _catalogue() for p in _phrases(msgid)}
    return frozenset(p for _, msgstr in _catalogue() for p in _phrases(msgstr) - english)


@cache
def english_phrases() -> frozenset[str]:
    danish = {p for _, msgstr in _catalogue() for p in _phrases(msgstr)}
    return frozenset(p for msgid, _ in _catalogue() for p in _phrases(msgid) - danish)


def visible_text(page: str) -> str:
    """A page's text as a reader sees it: no scripts, styles, tags or attributes, and nothing
    marked as another language (the language switch says `Dansk` on an English page)."""
    page = re.sub(r"<(script|style)\b.*?</\1>", " ", page, flags=re.S)
    page = re.sub(r"<(?!html\b)(\w+)\b[^>]*\blang=[^>]*>.*?</\1>", " ", page, flags=re.S)
    return html.unescape(re.sub(r"<[^>]+>", " ", page))


def phrases_in(text: str, phrases: frozenset[str]) -> list[str]:
    """The phrases `text` holds as whole words."""
    text = " ".join(text.split())
    return sorted(p for p in phrases if re.search(rf"(?<!\w){re.escape(p)}(?!\w)", text))
