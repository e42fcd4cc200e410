"""Text in a spreadsheet cell: read as text, never run as a formula, and always a character
XLSX can hold. Every CSV and XLSX Jobbank writes passes its text through `cell_text`.

Names, need references and reasons come from imports and forms. A spreadsheet program runs a
cell that starts with `=`, `+`, `-` or `@` (and, in some, a tab, a line break or a NUL) as a
formula, so `=HYPERLINK(…)` in a name would become a live link in HR's Excel. As OWASP advises
against CSV injection, such text starts with an apostrophe, which spreadsheets read as "this is
text"; a space before the trigger does not hide it, and the full-width forms some spreadsheets
read alike count too. Numbers are written as numbers and are not text: a negative number stays
one.

XLSX is XML, which cannot hold most control characters (nor U+FFFE, U+FFFF); openpyxl refuses
them and the whole download would fail. Text stored before Jobbank refused them at entry may
still hold some: each becomes U+FFFD, so the reader sees that something was there.
"""

from __future__ import annotations

import re

FORMULA_STARTS = frozenset("=+-@\t\r\n\x00\uff1d\uff0b\uff0d\uff20")
"""The first characters that make a spreadsheet read a cell as a formula (with the full-width
`＝＋－＠`)."""

TEXT_MARK = "'"
NOT_HELD = "\ufffd"
CELL_LIMIT = 32767
"""Excel holds at most this many characters in a cell."""

_NOT_IN_XML = re.compile("[^\t\n\r\x20-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")


def cell_text(text: str) -> str:
    """`text` as a spreadsheet cell that shows it as text: characters XLSX cannot hold become
    U+FFFD, text a spreadsheet would run as a formula starts with an apostrophe."""
    held = _NOT_IN_XML.sub(NOT_HELD, text)
    if is_formula(held):
        held = TEXT_MARK + held
    return held[:CELL_LIMIT]


def is_formula(text: str) -> bool:
    """Whether a spreadsheet would read `text` as a formula (a space before it hides nothing)."""
    return text.lstrip(" ")[:1] in FORMULA_STARTS
