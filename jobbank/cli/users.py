"""`jobbank user add`: log-ins and their roles."""

from __future__ import annotations

import click

from jobbank.cli.common import fail, open_session
from jobbank.core.roles import Role
from jobbank.core.settings import load_settings


@click.group()
def user() -> None:
    """User accounts: log-ins and their roles."""


@user.command(name="add")
@click.argument("username")
@click.option(
    "--role",
    "roles",
    multiple=True,
    required=True,
    type=click.Choice([r.value for r in Role]),
    help="A role to grant; repeat for several.",
)
@click.option("--person", help="Employee number of the person this log-in belongs to.")
@click.password_option(help="The password (asked for when not given).")
def add_user(username: str, roles: tuple[str, ...], person: str | None, password: str) -> None:
    """Create a log-in, e.g. the first HR coordinator."""
    from sqlalchemy import select

    from jobbank.accounts import add_user as create
    from jobbank.db.models import Person

    with open_session(load_settings()) as session:
        owner = None
        if person:
            owner = session.scalar(select(Person).where(Person.employee_no == person))
            if owner is None:
                fail(f"person: no person with employee number {person!r}")
        create(session, username=username, password=password, roles=map(Role, roles), person=owner)
    click.echo(f"Created user {username} ({', '.join(roles)}).")
