"""Replacing the texts that identify a person inside stored data: whole values, and mentions
inside longer texts."""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any


def replacer(texts: dict[str, str]) -> Callable[[Any], Any]:
    """A function that copies JSON-like data with each text of `texts` turned into its
    replacement: whole values, and mentions inside longer texts (messages, reasons)."""
    texts = {old: new for old, new in texts.items() if old}
    mentions = [
        (re.compile(rf"(?<![\w@.-]){re.escape(old)}(?![\w@-])"), texts[old])
        for old in sorted(texts, key=len, reverse=True)
    ]

    def text(value: str) -> str:
        if value in texts:
            return texts[value]
        for pattern, new in mentions:
            value = pattern.sub(new, value)
        return value

    def walk(value: Any) -> Any:
        if isinstance(value, str):
            return text(value)
        if isinstance(value, dict):
            return {walk(key): walk(item) for key, item in value.items()}
        if isinstance(value, list):
            return [walk(item) for item in value]
        return value

    return walk
