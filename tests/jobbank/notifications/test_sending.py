"""Sending the outbox: messages stay visible when they cannot be mailed, a refusing server is
retried with back-off then given up, and two senders at once never send a message twice."""

from __future__ import annotations

import datetime as dt
import threading
from pathlib import Path

import pytest
from advanced_alchemy.filters import LimitOffset
from aiosmtpd.controller import Controller

from jobbank import db
from jobbank.db import transaction
from jobbank.db.models import MessageKind, MessageStatus
from jobbank.notifications import add_message, my_messages
from jobbank.runtime.mail import SendReport, send_outbox
from tests.jobbank.notifications.conftest import (
    ANNE_AT_SOLGAARDEN,
    Factory,
    Inbox,
    messages,
    publish,
    settings_for,
)
from tests.lookups import actor, person
from tests.servers import free_port

ALL = LimitOffset(limit=100, offset=0)


def test_without_a_mail_server_messages_stay_visible_as_not_sent(
    factory: Factory, tmp_path: Path
) -> None:
    publish(factory, *ANNE_AT_SOLGAARDEN)

    report = send_outbox(factory, settings_for(None, tmp_path))

    assert report.not_sent == 2
    with factory() as session:
        mine, total = my_messages(session, actor(session, "anne"), ALL)
        assert total == 1
        assert mine[0].status is MessageStatus.NOT_SENT
        assert "Plejecenter Solgården" in mine[0].body


def test_a_person_without_e_mail_is_told_on_their_page_only(
    factory: Factory, mail_server: tuple[Inbox, int], tmp_path: Path
) -> None:
    inbox, port = mail_server
    with transaction(factory) as session:
        person(session, "e1").email = ""
    publish(factory, *ANNE_AT_SOLGAARDEN)

    send_outbox(factory, settings_for(port, tmp_path))

    assert [to for recipients, _ in inbox.mails for to in recipients] == ["frida@x.example"]
    anne = [m for no, m in messages(factory) if no == "e1"]
    assert [(m.status, m.last_error) for m in anne] == [
        (MessageStatus.NOT_SENT, "no e-mail address")
    ]


@pytest.mark.parametrize("refusal", ["451 4.3.0 Try again later", "550 5.7.1 Not accepted"])
def test_a_refusing_server_is_retried_with_back_off_then_failed(
    factory: Factory, tmp_path: Path, refusal: str
) -> None:
    inbox, port = Inbox(refusal=refusal), free_port()
    controller = Controller(inbox, hostname="127.0.0.1", port=port)
    controller.start()
    try:
        publish(factory, *ANNE_AT_SOLGAARDEN)  # to Anne and to Frida
        settings = settings_for(port, tmp_path, mail_max_attempts=3, mail_retry_base_seconds=60)
        start = dt.datetime.now(dt.UTC)
        seconds = dt.timedelta(seconds=1)

        assert send_outbox(factory, settings, now=start).retrying == 2
        first = [m for _, m in messages(factory)]
        assert {(m.attempts, m.next_attempt_at) for m in first} == {(1, start + 60 * seconds)}
        assert all(refusal[:3] in m.last_error for m in first)

        assert send_outbox(factory, settings, now=start + 59 * seconds).retrying == 0
        assert send_outbox(factory, settings, now=start + 60 * seconds).retrying == 2
        second = {(m.attempts, m.next_attempt_at) for _, m in messages(factory)}
        assert second == {(2, start + 180 * seconds)}  # the wait doubled

        assert send_outbox(factory, settings, now=start + 180 * seconds).failed == 2
        last = [m for _, m in messages(factory)]
        assert {(m.status, m.attempts, m.next_attempt_at) for m in last} == {
            (MessageStatus.FAILED, 3, None)
        }
        assert send_outbox(factory, settings, now=start + 3600 * seconds) == SendReport()
        assert inbox.refused == 6 and inbox.mails == []
    finally:
        controller.stop()


def test_two_senders_at_once_never_send_a_message_twice(
    world_url: str,
    factory: Factory,
    tmp_path: Path,
) -> None:
    inbox, port = Inbox(delay=0.01), free_port()
    controller = Controller(inbox, hostname="127.0.0.1", port=port)
    controller.start()
    with transaction(factory) as session:
        anne, bo = person(session, "e1"), person(session, "e2")
        for n in range(40):
            add_message(session, anne, MessageKind.APPROVAL_WANTED, f"test:{n}", volunteer=bo)
    settings = settings_for(port, tmp_path)
    start = threading.Barrier(2)
    sent: list[int] = []

    def sender() -> None:
        engine = db.make_engine(world_url)  # each sender its own connections, as a process
        start.wait()
        sent.append(send_outbox(db.make_session_factory(engine), settings).sent)
        engine.dispose()

    try:
        threads = [threading.Thread(target=sender) for _ in range(2)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=60)
    finally:
        controller.stop()

    ids = [mail["Message-ID"] for _, mail in inbox.mails]
    assert len(ids) == len(set(ids)) == 40
    assert sum(sent) == 40
    assert {(m.status, m.attempts) for _, m in messages(factory)} == {(MessageStatus.SENT, 1)}
