"""The outbox against a real SMTP server: aiosmtpd on loopback, started by these tests.

The world is the API tests' (`tests/api/world.py`): Anne and Bo (borgerservice, led by Erik)
volunteer, Carla (hjemmeplejen, led by Gustav) waits for approval, Frida leads Solgården and
Dorte is the HR coordinator. Rounds are published through `publish_round`, as HR does.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import socket
import threading
import time
from collections.abc import Iterator
from email import message_from_bytes, policy
from email.message import EmailMessage
from pathlib import Path
from typing import Any

import pytest
from advanced_alchemy.filters import LimitOffset
from aiosmtpd.controller import Controller
from click.testing import CliRunner
from litestar.testing import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from api.app import create_app
from jobbank import db
from jobbank.cli.main import main
from jobbank.core.settings import Settings
from jobbank.db import transaction
from jobbank.db.models import (
    ChecklistItem,
    MessageKind,
    MessageStatus,
    OutboxMessage,
    Person,
)
from jobbank.notifications import add_message, announce_round, my_messages, sweep_overdue
from jobbank.rounds import create_round, get_round, publish_round, store_result
from jobbank.runtime import mail
from jobbank.runtime.mail import SendReport, send_outbox
from jobbank.volunteers import ProfileEdit, own_profile, save_own_profile
from solver.contract import Assignment as Planned
from solver.contract import RoundResult
from tests.api.conftest import seeded_template, world_url  # noqa: F401 (the API tests' world)
from tests.api.published_round import THIS_MONDAY
from tests.lookups import actor, person, unit

Factory = sessionmaker[Session]
ALL = LimitOffset(limit=100, offset=0)


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


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


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


# --- publishing a round ---------------------------------------------------------------------


def test_publishing_mails_each_person_their_part_in_their_language(
    factory: Factory, mail_server: tuple[Inbox, int], tmp_path: Path
) -> None:
    inbox, port = mail_server
    with transaction(factory) as session:
        person(session, "e1").language = "en"
    publish(factory, *ANNE_AT_SOLGAARDEN, BO_AT_HJEMMEPLEJEN)

    report = send_outbox(factory, settings_for(port, tmp_path))

    assert report.sent == 4
    assert sorted(to for recipients, _ in inbox.mails for to in recipients) == [
        "anne@x.example",
        "bo@x.example",
        "frida@x.example",
        "gustav@x.example",
    ]
    (anne,) = inbox.to("anne@x.example")
    assert anne["Subject"].startswith("Your assignments in the job bank")
    assert anne["From"] == "Jobbank <jobbank@x.example>"
    body = anne.get_content()
    assert "Plejecenter Solgården" in body and "12 hours" in body
    assert "Contact: Frida Leder, phone 55 55 55 55" in body
    (bo,) = inbox.to("bo@x.example")
    assert bo["Subject"].startswith("Dine opgaver i Jobbanken")
    assert "Hjemmeplejen" in bo.get_content() and "8 timer" in bo.get_content()
    (frida,) = inbox.to("frida@x.example")
    assert frida["Subject"].startswith("Hvem kommer til jer")
    assert "Anne Jensen" in frida.get_content() and "Bo Nielsen" not in frida.get_content()
    (gustav,) = inbox.to("gustav@x.example")
    assert "Bo Nielsen" in gustav.get_content() and "Anne Jensen" not in gustav.get_content()
    for _, sent in inbox.mails:  # Bo is in a risk group; no message may say so
        assert "risiko" not in sent.get_content().lower()
        assert "risk" not in sent.get_content().lower()
    statuses = {m.status for _, m in messages(factory)}
    assert statuses == {MessageStatus.SENT}


def test_a_later_round_tells_what_changed_also_to_who_lost_everything(factory: Factory) -> None:
    publish(factory, *ANNE_AT_SOLGAARDEN, BO_AT_HJEMMEPLEJEN)
    first = len(messages(factory))
    publish(
        factory,
        Planned(staff="e1", need="n1", week=0, hours=12),
        Planned(staff="e1", need="n1", week=1, hours=8),
    )

    later = dict(messages(factory)[first:])
    assert sorted(later) == ["e1", "e2", "e6"]  # Anne, Bo and Frida; Gustav gets nobody now
    assert later["e1"].kind is MessageKind.ASSIGNMENT_CHANGED
    assert "Plejecenter Solgården: 12 → 8 timer" in later["e1"].body
    assert later["e2"].kind is MessageKind.ASSIGNMENT_CHANGED
    assert "udgår (var 8 timer)" in later["e2"].body
    assert "Du har ikke længere opgaver" in later["e2"].body
    assert later["e6"].kind is MessageKind.ROUND_PUBLISHED


def test_an_unchanged_plan_is_told_as_published(factory: Factory) -> None:
    publish(factory, *ANNE_AT_SOLGAARDEN)
    first = len(messages(factory))
    publish(factory, *ANNE_AT_SOLGAARDEN)
    later = dict(messages(factory)[first:])
    assert later["e1"].kind is MessageKind.ROUND_PUBLISHED


def test_each_event_makes_at_most_one_message(factory: Factory) -> None:
    round_id = publish(factory, *ANNE_AT_SOLGAARDEN, BO_AT_HJEMMEPLEJEN)
    count = len(messages(factory))
    with transaction(factory) as session:
        publish_round(session, actor(session, "hr"), round_id)  # published already: no-op
        assert announce_round(session, get_round(session, round_id)) == 0
    assert len(messages(factory)) == count == 4


# --- sending ---------------------------------------------------------------------------------


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
    world_url: str,  # noqa: F811
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


# --- overdue checklist items and approvals ----------------------------------------------------


def test_the_sweep_sends_each_person_one_digest_a_day_of_their_newly_overdue_items(
    factory: Factory,
) -> None:
    publish(factory, *ANNE_AT_SOLGAARDEN, BO_AT_HJEMMEPLEJEN)
    later = THIS_MONDAY + dt.timedelta(days=60)
    with transaction(factory) as session:
        assert sweep_overdue(session, today=THIS_MONDAY - dt.timedelta(days=10)) == 0
        items = session.scalars(select(ChecklistItem).order_by(ChecklistItem.id)).all()
        items[0].done_at = dt.datetime.now(dt.UTC)  # ticked: not overdue
        ticked = items[0].id
        hjemmeplejen = unit(session, "hjemmeplejen")
        hjemmeplejen.leaders = []  # nobody leads it: HR is told instead
        open_items = len(items) - 1
    before = len(messages(factory))

    with transaction(factory) as session:
        assert sweep_overdue(session, today=later) == 5  # one digest per person concerned
        assert sweep_overdue(session, today=later) == 0

    overdue = messages(factory, kind=MessageKind.CHECKLIST_OVERDUE)
    assert len(overdue) == len(messages(factory)) - before == 5
    by_person = dict(overdue)
    assert sorted(by_person) == ["e1", "e2", "e4", "e5", "e6"]  # not Gustav (e7)
    told = sum(m.body.count("\n  - ") for m in by_person.values())
    assert told == open_items  # every open item in exactly one digest: each has one audience
    assert "Dit udlån til Plejecenter Solgården:" in by_person["e1"].body
    assert "Dit udlån til Hjemmeplejen:" in by_person["e2"].body
    assert "Anne Jensens udlån til Plejecenter Solgården:" in by_person["e6"].body
    assert "Bo Nielsens udlån til Hjemmeplejen:" in by_person["e4"].body
    erik = by_person["e5"]  # the sending leader's items, of both his people
    assert erik.subject == "Tjeklister: 6 punkter over tid"
    for name in ("Anne Jensens udlån til Plejecenter Solgården", "Bo Nielsens udlån til Hjemm"):
        assert name in erik.body
    assert erik.body.count("  - Tal med medarbejderen om udlånet før start (senest ") == 2

    # Unticked later that day, an item waits for the next day's digest, which tells only it.
    with transaction(factory) as session:
        session.get_one(ChecklistItem, ticked).done_at = None
    with transaction(factory) as session:
        assert sweep_overdue(session, today=later) == 0
        assert sweep_overdue(session, today=later + dt.timedelta(days=1)) == 1
        assert sweep_overdue(session, today=later + dt.timedelta(days=2)) == 0
        reminded = session.scalars(select(ChecklistItem.reminded_on)).all()
    assert set(reminded) == {later, later + dt.timedelta(days=1)}
    _, frida = messages(factory, kind=MessageKind.CHECKLIST_OVERDUE)[-1]
    assert frida.subject == "Tjeklister: 1 punkt over tid"
    assert frida.body.count("\n  - ") == 1


def test_a_reminder_leaves_the_item_as_its_readers_saw_it(factory: Factory) -> None:
    """A page open since before the sweep still ticks: the reminder moved no version."""
    publish(factory, *ANNE_AT_SOLGAARDEN)
    with factory() as session:
        versions = dict(
            session.execute(select(ChecklistItem.id, ChecklistItem.version)).tuples().all()
        )
    with transaction(factory) as session:
        assert sweep_overdue(session, today=THIS_MONDAY + dt.timedelta(days=60)) > 0
    with factory() as session:
        after = dict(
            session.execute(select(ChecklistItem.id, ChecklistItem.version)).tuples().all()
        )
    assert after == versions


def test_a_new_volunteer_asks_their_home_leaders_for_approval(factory: Factory) -> None:
    with transaction(factory) as session:
        carla = actor(session, "carla")
        version = own_profile(session, carla).version
        out = save_own_profile(
            session, carla, ProfileEdit(opted_in=False, normal_hours=37, version=version)
        )
        assert messages_in(session) == []  # opting out asks nobody
        save_own_profile(
            session, carla, ProfileEdit(opted_in=True, normal_hours=37, version=out.version)
        )
        assert messages_in(session) == [("e7", MessageKind.APPROVAL_WANTED)]  # Gustav
        # Erik leads his own home unit: HR decides on him
        erik = actor(session, "leder_bs")
        profile = save_own_profile(session, erik, ProfileEdit(normal_hours=37))
        save_own_profile(
            session, erik, ProfileEdit(normal_hours=30, version=profile.version)
        )  # a correction asks nobody again
        assert messages_in(session)[1:] == [("e4", MessageKind.APPROVAL_WANTED)]
    (_, to_gustav), _ = messages(factory)
    assert to_gustav.subject == "Carla Hansen vil gerne udlånes via Jobbanken"


def messages_in(session: Session) -> list[tuple[str, MessageKind]]:
    rows = session.execute(
        select(Person.employee_no, OutboxMessage.kind)
        .join(Person, Person.id == OutboxMessage.person_id)
        .order_by(OutboxMessage.id)
    ).tuples()
    return list(rows)


# --- the command line and the app's loop ---------------------------------------------------------


def test_the_outbox_commands_sweep_and_send(
    world_url: str,  # noqa: F811
    factory: Factory,
    mail_server: tuple[Inbox, int],
    tmp_path: Path,
) -> None:
    inbox, port = mail_server
    publish(factory, *ANNE_AT_SOLGAARDEN)
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
    world_url: str,  # noqa: F811
    factory: Factory,
    mail_server: tuple[Inbox, int],
    tmp_path: Path,
) -> None:
    inbox, port = mail_server
    publish(factory, *ANNE_AT_SOLGAARDEN)
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
