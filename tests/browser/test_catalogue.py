"""Every message the pages show has its Danish, and the two languages are picked as promised."""

from __future__ import annotations

from pathlib import Path

from babel.messages.extract import extract_from_dir
from babel.messages.pofile import read_po

from api.pages.i18n import LOCALE_DIR, translations

PAGES = Path(__file__).resolve().parents[2] / "api" / "pages"


def _messages() -> set[str]:
    found = extract_from_dir(
        str(PAGES),
        method_map=[("**.html", "jinja2.ext:babel_extract"), ("**.py", "python")],
        keywords={"_": None, "gettext": None, "translate": (2,)},
    )
    # A plural message comes as a tuple of its forms; the pages use none, so keep strings.
    return {m for _file, _line, m, _comments, _context in found if isinstance(m, str)}


def test_every_message_of_the_pages_has_danish() -> None:
    messages = _messages()
    assert "Log in" in messages and "week %(number)s (%(day)s)" in messages
    po_file = LOCALE_DIR / "da" / "LC_MESSAGES" / "messages.po"
    with po_file.open("rb") as source:
        danish = read_po(source, locale="da")
    missing = sorted(m for m in messages if not ((found := danish.get(m)) and found.string))
    assert missing == [], f"add these to {po_file}: {missing}"


def test_english_is_the_templates_own_words() -> None:
    assert translations("en").gettext("Log in") == "Log in"
    assert translations("da").gettext("Log in") == "Log ind"
