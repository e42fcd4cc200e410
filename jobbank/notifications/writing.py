"""Writing a message: a person's language, the templates, and the outbox row."""

from __future__ import annotations

import datetime as dt
from functools import cache
from pathlib import Path
from typing import Any

from babel.dates import format_date
from babel.numbers import format_decimal
from jinja2 import Environment, FileSystemLoader, StrictUndefined
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from jobbank.db.models import (
    MessageKind,
    MessageStatus,
    OutboxMessage,
    Person,
)

LANGUAGES = ("da", "en")
TEMPLATES = Path(__file__).parent / "templates"


# --- writing a message -----------------------------------------------------------------------


def language_of(person: Person) -> str:
    return person.language if person.language in LANGUAGES else "da"


WEEKDAY_DATE = {"da": "EEEE d. MMMM", "en": "EEEE d MMMM"}
"""A day of work as messages name it: `tirsdag 17. marts`, `Tuesday 17 March`."""


@cache
def _templates(language: str) -> Environment:
    """Plain-text Jinja templates of one language, with its week, date and hour formats."""
    environment = Environment(
        loader=FileSystemLoader(TEMPLATES / language),
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
        autoescape=False,
    )
    environment.filters.update(
        week=lambda monday: week_label(language, monday),
        date=lambda day: format_date(day, format="long", locale=language),
        hours=lambda hours: format_decimal(hours, format="#,##0.#", locale=language),
        weekday=lambda day: format_date(day, format=WEEKDAY_DATE[language], locale=language),
        clock=lambda time: time.isoformat("minutes"),
    )
    return environment


def week_label(language: str, monday: dt.date) -> str:
    """`uge 12 (16. mar.)` / `week 12 (16 Mar)`, as the pages name a week."""
    word = "uge" if language == "da" else "week"
    day = format_date(monday, format="d MMM", locale=language)
    return f"{word} {monday.isocalendar().week} ({day})"


def render(template: str, language: str, **context: Any) -> tuple[str, str]:
    """The subject and body of a message: the template's `subject` variable and its text."""
    module = _templates(language).get_template(f"{template}.txt").make_module(context)
    subject = " ".join(str(module.__dict__["subject"]).split())  # the template's {% set %}
    return subject, str(module).strip() + "\n"


def add_message(
    session: Session,
    person: Person,
    kind: MessageKind,
    dedupe_key: str,
    *,
    template: str | None = None,
    **context: Any,
) -> bool:
    """Put a message to `person` in the outbox, in their language, written by `template`
    (by default the one named after its kind); False if this event has told them already
    (same `dedupe_key`). Without an e-mail address it is only shown on their page."""
    language = language_of(person)
    subject, body = render(template or kind.value, language, person=person, **context)
    address = person.email.strip()
    now = dt.datetime.now(dt.UTC)
    values = {
        "person_id": person.id,
        "kind": kind,
        "dedupe_key": dedupe_key[:200],
        "language": language,
        "to_address": address,
        "subject": subject[:300],
        "body": body,
        "status": MessageStatus.PENDING if address else MessageStatus.NOT_SENT,
        "attempts": 0,
        "last_error": "" if address else "no e-mail address",
        "created_at": now,
        "updated_at": now,
    }
    # One INSERT that skips a key already there, so two processes announcing the same event
    # (two sweeps, a retried publish) can never make two messages, nor fail on each other.
    insert = postgresql.insert if session.get_bind().dialect.name == "postgresql" else sqlite.insert
    statement = insert(OutboxMessage).values(values).on_conflict_do_nothing()
    return session.execute(statement.returning(OutboxMessage.id)).first() is not None
