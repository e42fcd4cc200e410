"""`jobbank outbox sweep` and `jobbank outbox send`: the app's outbox round, by hand or cron."""

from __future__ import annotations

import datetime as dt

import click

from jobbank import db
from jobbank.core.settings import load_settings
from jobbank.deployments.reminders import remind_unconfirmed
from jobbank.notifications import sweep_overdue
from jobbank.runtime.mail import send_outbox


@click.group()
def outbox() -> None:
    """Messages to people: overdue checklist items, sending by SMTP (SMTP_URL)."""


@outbox.command()
@click.option(
    "--today",
    type=click.DateTime(formats=["%Y-%m-%d"]),
    help="Items due before this day are overdue (default: today).",
)
def sweep(today: dt.datetime | None) -> None:
    """Write each person one digest of the checklist items newly overdue for them, and remind
    those who have not answered a deployment starting within three days."""
    settings = load_settings()
    engine = db.make_engine(settings.url)
    try:
        with db.transaction(db.make_session_factory(engine)) as session:
            day = today.date() if today else None
            written = sweep_overdue(session, today=day)
            reminded = remind_unconfirmed(session, today=day)
    finally:
        engine.dispose()
    click.echo(f"{written} new digests of overdue checklist items.")
    click.echo(f"{reminded} reminders of unanswered deployments starting soon.")


@outbox.command()
def send() -> None:
    """Send the messages that are due; without SMTP_URL they are only shown on people's pages."""
    settings = load_settings()
    engine = db.make_engine(settings.url)
    try:
        report = send_outbox(db.make_session_factory(engine), settings)
    finally:
        engine.dispose()
    click.echo(
        f"sent {report.sent}, to retry {report.retrying}, failed {report.failed}, "
        f"not sent (no mail server) {report.not_sent}"
    )
