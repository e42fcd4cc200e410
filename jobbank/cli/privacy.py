"""`jobbank person export`, `jobbank person erase` and `jobbank retention apply`: a person's
data to take away, and personal data leaving Jobbank (see `jobbank.privacy` for what each
holds, changes and keeps)."""

from __future__ import annotations

from pathlib import Path

import click

from jobbank.cli.common import fail, open_session
from jobbank.core.access import Actor
from jobbank.core.roles import Role
from jobbank.core.settings import load_settings
from jobbank.privacy import (
    apply_retention,
    erase_person,
    find_person,
    personal_data,
    plan_retention,
)

COMMAND_LINE = Actor(user_id=0, username="command line", roles=frozenset({Role.HR_COORDINATOR}))
"""Whoever runs the command acts as HR; the audit log records no user for it."""


@click.group(name="person")
def person_group() -> None:
    """People's personal data."""


@person_group.command(name="erase")
@click.argument("ref")
@click.option("--yes", is_flag=True, help="Erase without asking; it cannot be undone.")
def erase(ref: str, yes: bool) -> None:
    """Anonymise person REF (employee number or id) everywhere; assignments stay, under a
    pseudonym."""
    with open_session(load_settings()) as session:
        person = find_person(session, ref)
        if not yes:
            click.confirm(
                f"Erase {person.name} ({person.employee_no})? This cannot be undone", abort=True
            )
        done = erase_person(session, COMMAND_LINE, person.id)
    click.echo(
        f"Erased person {done.person_id}, now {done.pseudonym!r}: {done.rounds} rounds, "
        f"{done.audit_entries} audit entries, {done.messages_deleted} messages deleted, "
        f"{done.feeds_deleted} calendar feeds deleted, {done.sessions_ended} log-ins ended."
    )


@person_group.command(name="export")
@click.argument("ref")
@click.option(
    "-o",
    "--out",
    type=click.Path(dir_okay=False, path_type=Path),
    required=True,
    help="Write the JSON here.",
)
def export(ref: str, out: Path) -> None:
    """Write everything Jobbank holds about person REF (employee number or id) as JSON, for
    them to take away."""
    with open_session(load_settings()) as session:
        person = find_person(session, ref)
        data = personal_data(session, COMMAND_LINE, person.id)
    out.write_text(data.model_dump_json(indent=2), encoding="utf-8")
    click.echo(f"wrote {out}", err=True)


@click.group(name="retention")
def retention_group() -> None:
    """How long personal data of old rounds is kept (JOBBANK_RETENTION_DAYS)."""


@retention_group.command(name="apply")
@click.option("--days", type=click.IntRange(min=1), help="Instead of JOBBANK_RETENTION_DAYS.")
@click.option("--dry-run", is_flag=True, help="Say what would be erased; change nothing.")
def apply(days: int | None, dry_run: bool) -> None:
    """Erase the personal data of rounds that ended more than the retention period ago, and
    old messages. Meant to run daily (cron, a systemd timer)."""
    days = days or load_settings().retention_days
    if not days:
        fail("retention is off: set JOBBANK_RETENTION_DAYS or give --days")
    with open_session(load_settings()) as session:
        if dry_run:
            done = plan_retention(session, days=days)
        else:
            done = apply_retention(session, days=days)
    verb = "would erase" if dry_run else "erased"
    rounds = ", ".join(str(i) for i in done.round_ids) or "none"
    click.echo(
        f"Ended before {done.cutoff.isoformat()}: {verb} personal data of rounds {rounds}; "
        f"{done.checklist_items} checklist ticks, {done.messages} messages, "
        f"{done.event_reasons} event reasons, {done.words.notes} decline notes, "
        f"{done.words.comments} comments, {done.words.messages_deleted} thread messages."
    )
