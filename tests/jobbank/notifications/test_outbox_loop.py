"""The outbox from the command line and in the app's background loop: sweeping for overdue
items and sending, the sweep only now and then."""

from __future__ import annotations

import datetime as dt
import time
from pathlib import Path

import pytest
from click.testing import CliRunner
from litestar.testing import TestClient

from api.app import create_app
from jobbank.cli.main import main
from jobbank.core.settings import Settings
from jobbank.db.models import MessageKind, MessageStatus
from jobbank.runtime import mail
from tests.api.published_round import THIS_MONDAY
from tests.jobbank.notifications.conftest import (
    ANNE_AT_SOLGAARDEN,
    Factory,
    Inbox,
    messages,
    publish,
    settings_for,
    weeks_later,
)


@pytest.fixture
def anne_published(factory: Factory, mail_server: tuple[Inbox, int]) -> tuple[Inbox, int]:
    """Anne's round published: messages to Anne and Frida wait in the outbox for the mail
    server, which this gives."""
    publish(factory, *ANNE_AT_SOLGAARDEN)
    return mail_server


def test_the_outbox_commands_sweep_and_send(
    world_url: str, factory: Factory, anne_published: tuple[Inbox, int]
) -> None:
    inbox, port = anne_published
    env = {"DATABASE_URL": world_url, "SMTP_URL": f"smtp://127.0.0.1:{port}"}
    runner = CliRunner()
    later = (THIS_MONDAY + dt.timedelta(days=60)).isoformat()

    swept = runner.invoke(main, ["outbox", "sweep", "--today", later], env=env)
    sent = runner.invoke(main, ["outbox", "send"], env=env)

    assert swept.exit_code == 0, swept.output
    count = len(messages(factory, kind=MessageKind.CHECKLIST_OVERDUE))
    assert count > 0 and f"{count} new digests" in swept.output
    assert sent.exit_code == 0, sent.output
    assert f"sent {count + 2}," in sent.output
    assert len(inbox.mails) == count + 2


def test_the_app_sweeps_and_sends_in_the_background_when_asked(
    world_url: str, factory: Factory, anne_published: tuple[Inbox, int], tmp_path: Path
) -> None:
    inbox, port = anne_published
    weeks_later(factory)  # some checklist items are overdue now
    settings = settings_for(port, tmp_path, outbox_every_seconds=0.2)
    settings.database_url = world_url

    def all_sent() -> bool:
        outbox = [m for _, m in messages(factory)]
        overdue = any(m.kind is MessageKind.CHECKLIST_OVERDUE for m in outbox)
        return overdue and {m.status for m in outbox} == {MessageStatus.SENT}

    with TestClient(create_app(settings)):
        deadline = time.monotonic() + 20
        while not all_sent() and time.monotonic() < deadline:
            time.sleep(0.1)
    assert all_sent()
    assert len(inbox.mails) == len(messages(factory))
    assert {"anne@x.example", "frida@x.example"} <= {to for tos, _ in inbox.mails for to in tos}


def test_the_background_loop_sends_every_round_but_sweeps_only_now_and_then(
    factory: Factory, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    rounds: list[bool] = []

    def counted(_factory: Factory, _settings: Settings, *, sweep: bool) -> None:
        rounds.append(sweep)

    monkeypatch.setattr(mail, "run_outbox", counted)
    settings = settings_for(
        None, tmp_path, outbox_every_seconds=0.05, overdue_sweep_every_seconds=3600
    )
    loop = mail.OutboxLoop(factory, settings)
    loop.start()
    deadline = time.monotonic() + 10
    while len(rounds) < 5 and time.monotonic() < deadline:
        time.sleep(0.05)
    loop.stop()
    assert len(rounds) >= 5
    assert rounds[0] is True and not any(rounds[1:])  # swept at once, then not for an hour
