"""A macro imported without the page's context cannot know the reader's language: its `_()`
fell back to Danish, so the English round pages showed Danish status words. Every import of
a template therefore carries the context."""

from __future__ import annotations

import re
from pathlib import Path

TEMPLATES = Path(__file__).resolve().parents[3] / "api" / "pages" / "templates"
IMPORT = re.compile(r"{%-?\s*(?:from|import)\s[^%]*%}")


def test_every_template_import_carries_the_context() -> None:
    imports = [
        (path.relative_to(TEMPLATES).as_posix(), statement)
        for path in sorted(TEMPLATES.rglob("*.html"))
        for statement in IMPORT.findall(path.read_text(encoding="utf-8"))
    ]
    assert imports, "the pages import macros"
    assert [found for found in imports if "with context" not in found[1]] == []
