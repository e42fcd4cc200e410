"""The outbox against a real SMTP server: aiosmtpd on loopback, started by these tests.

The world is the API tests' (`tests/api/world.py`): Anne and Bo (borgerservice, led by Erik)
volunteer, Carla (hjemmeplejen, led by Gustav) waits for approval, Frida leads Solgården and
Dorte is the HR coordinator. Rounds are published through `publish_round`, as HR does.
"""

from __future__ import annotations

import asyncio
import datetime as dt
from collections.abc import Iterator
from email import message_from_bytes, policy
from email.message import EmailMessage
from pathlib import Path
from typing import Any

import pytest
from aiosmtpd.controller import Controller
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from jobbank import db
from jobbank.core.settings import Settings
from jobbank.db import transaction
from jobbank.db.models import ChecklistItem, OutboxMessage, Person
from jobbank.rounds import create_round, publish_round, store_result
from solver.contract import Assignment as Planned
from solver.contract import RoundResult
from tests.api.conftest import seeded_template, world_url  # noqa: F401 (the API tests' world)
from tests.api.published_round import THIS_MONDAY
from tests.lookups import actor
from tests.servers import free_port

Factory = sessionmaker[Session]


# --- a real mail server ----------------------------------------------------------------------


class Inbox:
    """An aiosmtpd handler that keeps what it is sent, or refuses it with `refusal`."""

    def __init__(self, refusal: str | None = None, delay: float = 0.0) -> None:
        self.refusal = refusal
        self.delay = delay
        self.mails: list[tuple[list[str], EmailMessage]] = []
        self.refused = 0

    async def handle_DATA(self, _server: Any, _session: Any, envelope: Any) -> str:  # noqa: N802
        if self.delay:
            await asyncio.sleep(self.delay)
        if self.refusal is not None:
            self.refused += 1
            return self.refusal
        mail = message_from_bytes(envelope.content, policy=policy.default)
        assert isinstance(mail, EmailMessage)
        self.mails.append((list(envelope.rcpt_tos), mail))
        return "250 Message accepted for delivery"

    def to(self, address: str) -> list[EmailMessage]:
        return [mail for recipients, mail in self.mails if address in recipients]


@pytest.fixture
def mail_server() -> Iterator[tuple[Inbox, int]]:
    inbox, port = Inbox(), free_port()
    controller = Controller(inbox, hostname="127.0.0.1", port=port)
    controller.start()
    yield inbox, port
    controller.stop()


def settings_for(port: int | None, tmp_path: Path, **changes: Any) -> Settings:
    """Settings that send to the test's server on `port` (None: no mail server)."""
    settings = Settings(data_dir=tmp_path / "data", secret_key="test-secret-" + "x" * 32)
    smtp_url = f"smtp://127.0.0.1:{port}" if port is not None else ""
    return settings.model_copy(
        update={"smtp_url": smtp_url, "smtp_from": "Jobbank <jobbank@x.example>"} | changes
    )


# --- the world ---------------------------------------------------------------------------


@pytest.fixture
def factory(world_url: str) -> Iterator[Factory]:  # noqa: F811
    engine = db.make_engine(world_url)
    yield db.make_session_factory(engine)
    engine.dispose()


def publish(factory: Factory, *planned: Planned) -> int:
    """A four-week round from this week with these assignments, published by HR."""
    with transaction(factory) as session:
        rnd = create_round(session, start=THIS_MONDAY, weeks=4)
        store_result(session, rnd, RoundResult(status="feasible", assignments=list(planned)))
        publish_round(session, actor(session, "hr"), rnd.id)
        return rnd.id


def weeks_later(factory: Factory) -> None:
    """As if the checklists had been created weeks ago: their first items are past due."""
    with transaction(factory) as session:
        for item in session.scalars(select(ChecklistItem)):
            item.due_on -= dt.timedelta(weeks=3)


ANNE_AT_SOLGAARDEN = (
    Planned(staff="e1", need="n1", week=0, hours=12),
    Planned(staff="e1", need="n1", week=1, hours=12),
)
BO_AT_HJEMMEPLEJEN = Planned(staff="e2", need="n2", week=1, hours=8)


def messages(factory: Factory, **where: Any) -> list[tuple[str, OutboxMessage]]:
    """(employee number, message) of the outbox, oldest first."""
    with factory() as session:
        rows = session.execute(
            select(Person.employee_no, OutboxMessage)
            .join(Person, Person.id == OutboxMessage.person_id)
            .where(*(getattr(OutboxMessage, name) == value for name, value in where.items()))
            .order_by(OutboxMessage.id)
        ).tuples()
        return list(rows)
