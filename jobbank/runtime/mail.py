"""Sending the outbox by SMTP (stdlib `smtplib`), with retries, safely from several processes.

A sender first claims a message with a conditional UPDATE that only succeeds while the row
is still due and still at the attempt count the sender read; the claim pushes
`next_attempt_at` a lease into the future, so no other sender sees it as due. The claim is
committed before the mail server is called, so no lock is held during SMTP. Whoever claimed a
message marks it sent, or due again after an exponential back-off, or failed after the last
attempt. A sender that dies mid-send leaves its claim to expire; the message is then tried
again (at least once, never twice at the same time).
"""

from __future__ import annotations

import datetime as dt
import logging
import smtplib
import ssl
import threading
import time
from collections.abc import Sequence
from dataclasses import dataclass
from email.message import EmailMessage
from email.utils import make_msgid
from urllib.parse import unquote, urlsplit

from sqlalchemy import or_, select, update
from sqlalchemy.orm import Session, sessionmaker

from jobbank.core.errors import InvalidInput
from jobbank.core.settings import Settings
from jobbank.db import transaction
from jobbank.db.models import MessageStatus, OutboxMessage
from jobbank.deployments.reminders import remind_unconfirmed
from jobbank.notifications import sweep_overdue

log = logging.getLogger(__name__)

CLAIM_LEASE = dt.timedelta(minutes=10)
"""How long a claimed message is left alone: longer than any send takes."""
BATCH = 50


@dataclass(frozen=True)
class MailServer:
    """Where and how to reach the SMTP server, read from `SMTP_URL`."""

    host: str
    port: int
    username: str
    password: str
    tls: bool
    """TLS from the start (`smtps://`)."""
    starttls: bool
    timeout: float
    sender: str


def mail_server(settings: Settings) -> MailServer | None:
    """The configured server, or None when `SMTP_URL` is empty (then nothing is sent)."""
    if not settings.smtp_url:
        return None
    url = urlsplit(settings.smtp_url)
    if url.scheme not in ("smtp", "smtps") or not url.hostname:
        raise InvalidInput(
            "SMTP_URL", "write it as smtp://user:password@host:port", code="not_an_smtp_url"
        )
    tls = url.scheme == "smtps"
    return MailServer(
        host=url.hostname,
        port=url.port or (465 if tls else 25),
        username=unquote(url.username or ""),
        password=unquote(url.password or ""),
        tls=tls,
        starttls=settings.smtp_starttls,
        timeout=settings.smtp_timeout_seconds,
        sender=settings.smtp_from,
    )


@dataclass(frozen=True)
class SendReport:
    sent: int = 0
    retrying: int = 0
    failed: int = 0
    not_sent: int = 0


def send_outbox(
    factory: sessionmaker[Session], settings: Settings, *, now: dt.datetime | None = None
) -> SendReport:
    """Send every message that is due. Without a mail server they become `not_sent`."""
    now = now or dt.datetime.now(dt.UTC)
    server = mail_server(settings)
    if server is None:
        return SendReport(not_sent=_give_up_sending(factory))
    totals = SendReport()
    while claimed := _claim(factory, now):
        report = _deliver(factory, settings, server, claimed, now)
        totals = SendReport(*(a + b for a, b in zip(_counts(totals), _counts(report), strict=True)))
        if len(claimed) < BATCH:
            break
    return totals


def _counts(report: SendReport) -> tuple[int, int, int, int]:
    return (report.sent, report.retrying, report.failed, report.not_sent)


def _give_up_sending(factory: sessionmaker[Session]) -> int:
    with transaction(factory) as session:
        result = session.execute(
            update(OutboxMessage)
            .where(OutboxMessage.status == MessageStatus.PENDING)
            .values(
                status=MessageStatus.NOT_SENT,
                last_error="no mail server is configured (SMTP_URL)",
                updated_at=dt.datetime.now(dt.UTC),
            )
        )
        return int(result.rowcount)  # type: ignore[attr-defined]


def _claim(factory: sessionmaker[Session], now: dt.datetime) -> list[int]:
    """Claim up to a batch of due messages for this sender; each claim is one conditional
    UPDATE, so of two senders reading the same row only one gets it."""
    due = (
        OutboxMessage.status == MessageStatus.PENDING,
        or_(OutboxMessage.next_attempt_at.is_(None), OutboxMessage.next_attempt_at <= now),
    )
    with transaction(factory) as session:
        candidates = session.execute(
            select(OutboxMessage.id, OutboxMessage.attempts)
            .where(*due)
            .order_by(OutboxMessage.id)
            .limit(BATCH)
        ).all()
    claimed = []
    for message_id, attempts in candidates:
        with transaction(factory) as session:
            result = session.execute(
                update(OutboxMessage)
                .where(OutboxMessage.id == message_id, OutboxMessage.attempts == attempts, *due)
                .values(
                    attempts=attempts + 1,
                    next_attempt_at=now + CLAIM_LEASE,
                    updated_at=dt.datetime.now(dt.UTC),
                )
            )
            if result.rowcount == 1:  # type: ignore[attr-defined]
                claimed.append(message_id)
    return claimed


def _deliver(
    factory: sessionmaker[Session],
    settings: Settings,
    server: MailServer,
    message_ids: Sequence[int],
    now: dt.datetime,
) -> SendReport:
    """Send the claimed messages over one connection and record how each went."""
    with factory() as session:
        messages = session.scalars(
            select(OutboxMessage)
            .where(OutboxMessage.id.in_(message_ids))
            .order_by(OutboxMessage.id)
        ).all()
    outcomes: dict[int, str | None] = {}
    try:
        with _connect(server) as smtp:
            for message in messages:
                outcomes[message.id] = _send_one(smtp, server, message)
    except (smtplib.SMTPException, OSError) as error:
        log.warning("mail server %s:%s: %s", server.host, server.port, error)
        for message in messages:
            outcomes.setdefault(message.id, _why(error))
    counts = {"sent": 0, "retrying": 0, "failed": 0}
    with transaction(factory) as session:
        for message in messages:
            counts[_record(session, settings, message, outcomes[message.id], now)] += 1
    return SendReport(**counts)


def _connect(server: MailServer) -> smtplib.SMTP:
    if server.tls:
        smtp: smtplib.SMTP = smtplib.SMTP_SSL(
            server.host, server.port, timeout=server.timeout, context=ssl.create_default_context()
        )
    else:
        smtp = smtplib.SMTP(server.host, server.port, timeout=server.timeout)
    try:
        if server.starttls:
            smtp.starttls(context=ssl.create_default_context())
        if server.username:
            smtp.login(server.username, server.password)
    except BaseException:
        smtp.close()
        raise
    return smtp


def _send_one(smtp: smtplib.SMTP, server: MailServer, message: OutboxMessage) -> str | None:
    """Send one message; None when the server took it, else why not. A refusal of one
    message leaves the connection usable for the next."""
    mail = EmailMessage()
    mail["From"] = server.sender
    mail["To"] = message.to_address
    mail["Subject"] = message.subject
    mail["Message-ID"] = make_msgid(idstring=f"jobbank-{message.id}")
    mail["Content-Language"] = message.language
    mail["Auto-Submitted"] = "auto-generated"
    mail.set_content(message.body)
    try:
        smtp.send_message(mail)
    except (smtplib.SMTPRecipientsRefused, smtplib.SMTPDataError, smtplib.SMTPSenderRefused) as e:
        return _why(e)
    return None


def _why(error: Exception) -> str:
    if isinstance(error, smtplib.SMTPRecipientsRefused):
        return "; ".join(f"{to}: {code} {text!r}" for to, (code, text) in error.recipients.items())
    if isinstance(error, smtplib.SMTPResponseException):
        text = error.smtp_error
        said = text.decode(errors="replace") if isinstance(text, bytes) else text
        return f"{error.smtp_code} {said}"
    return f"{type(error).__name__}: {error}"


def _record(
    session: Session,
    settings: Settings,
    message: OutboxMessage,
    error: str | None,
    now: dt.datetime,
) -> str:
    """Mark a claimed message sent, due again after a back-off, or failed; says which."""
    row = session.get_one(OutboxMessage, message.id)
    if error is None:
        row.status, row.sent_at, row.next_attempt_at, row.last_error = (
            MessageStatus.SENT,
            dt.datetime.now(dt.UTC),
            None,
            "",
        )
        return "sent"
    row.last_error = error[:2000]
    if row.attempts >= settings.mail_max_attempts:
        row.status, row.next_attempt_at = MessageStatus.FAILED, None
        return "failed"
    row.next_attempt_at = now + retry_delay(settings, row.attempts)
    return "retrying"


def retry_delay(settings: Settings, attempts: int) -> dt.timedelta:
    """The wait after `attempts` failed attempts: the base delay, doubled after each one."""
    return dt.timedelta(seconds=settings.mail_retry_base_seconds * 2 ** (attempts - 1))


# --- the outbox's round: sweep, then send ------------------------------------------------------


def run_outbox(
    factory: sessionmaker[Session],
    settings: Settings,
    *,
    today: dt.date | None = None,
    sweep: bool = True,
) -> tuple[int, SendReport]:
    """One round of the outbox: messages for newly overdue checklist items and reminders of
    unanswered deployments starting soon (with `sweep`), then sending."""
    swept = 0
    if sweep:
        with transaction(factory) as session:
            swept = sweep_overdue(session, today=today)
            swept += remind_unconfirmed(session, today=today)
    return swept, send_outbox(factory, settings)


class OutboxLoop:
    """Runs `run_outbox` every `outbox_every_seconds` in a background thread of the app, as
    long as the app runs, sweeping at its first round and then every
    `overdue_sweep_every_seconds`; nothing when the first setting is 0. Several app processes
    may each run one: the claims keep them from sending a message twice."""

    def __init__(self, factory: sessionmaker[Session], settings: Settings) -> None:
        self.factory = factory
        self.settings = settings
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    def start(self) -> None:
        if self.settings.outbox_every_seconds <= 0 or self._thread is not None:
            return
        self._stop.clear()
        self._thread = threading.Thread(target=self._run, name="jobbank-outbox", daemon=True)
        self._thread.start()

    def stop(self) -> None:
        self._stop.set()
        if self._thread is not None:
            self._thread.join(timeout=self.settings.smtp_timeout_seconds + 5)
            self._thread = None

    def _run(self) -> None:
        swept_at: float | None = None
        while not self._stop.is_set():
            sweep = (
                swept_at is None
                or time.monotonic() - swept_at >= self.settings.overdue_sweep_every_seconds
            )
            try:
                run_outbox(self.factory, self.settings, sweep=sweep)
                if sweep:
                    swept_at = time.monotonic()
            except Exception:  # the loop must outlive a database or mail server that is away
                log.exception("the outbox round failed; trying again later")
            self._stop.wait(self.settings.outbox_every_seconds)
