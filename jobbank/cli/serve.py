"""`jobbank serve`: the web app and API, with `--demo` on a sample municipality."""

from __future__ import annotations

import datetime as dt
from typing import Any

import click

from jobbank import db
from jobbank.cli.common import open_session, refresh_statistics
from jobbank.core.roles import Role
from jobbank.core.settings import Settings, load_settings

APP_FACTORY = "api.app:create_app"
"""The app by its import string: uvicorn imports it in each of its processes, this one never."""


@click.command()
@click.option("--host", default="127.0.0.1", show_default=True, help="Address to listen on.")
@click.option("--port", default=8000, show_default=True, type=int, help="Port to listen on.")
@click.option(
    "--demo",
    is_flag=True,
    help="Migrate the database and, if it is empty, load the sample municipality and demo users.",
)
@click.option("--reload", is_flag=True, help="Restart when the code changes (development).")
@click.option(
    "--workers",
    type=click.IntRange(min=1),
    default=1,
    show_default=True,
    help="App processes sharing the port: one per CPU core and one more keeps every core busy "
    "while the others wait on the database.",
)
def serve(host: str, port: int, demo: bool, reload: bool, workers: int) -> None:
    """Run the web app and API (OpenAPI at /schema, health at /health)."""
    import uvicorn

    settings = load_settings()
    if demo:
        _prepare_demo(settings)
    url = f"http://{'localhost' if host in ('127.0.0.1', '0.0.0.0') else host}:{port}"
    click.echo(f"Jobbank is at {url}  (API schema: {url}/schema, health: {url}/health)")
    uvicorn.run(
        APP_FACTORY,
        factory=True,
        host=host,
        port=port,
        reload=reload,
        workers=None if reload else workers,
    )


def _prepare_demo(settings: Settings) -> None:
    from fixtures import sample_municipality
    from jobbank.seeding import load_municipality

    db.upgrade(settings.url)
    engine = db.make_engine(settings.url)
    fresh = db.is_empty(engine)
    engine.dispose()
    municipality = sample_municipality()
    if fresh:
        with open_session(settings) as session:
            load_municipality(session, municipality, today=dt.date.today())
        refresh_statistics(settings)
        click.echo(f"Loaded the sample municipality {municipality.name} into {settings.url}")
    click.echo("Demo log-ins (username / password / roles):")
    for user in _demo_users_to_show(municipality.users):
        click.echo(f"  {user.username:<24} {user.password:<20} {', '.join(user.roles)}")


def _demo_users_to_show(users: list[Any]) -> list[Any]:
    """One or two log-ins per role is what a newcomer needs to look around."""
    shown: list[Any] = []
    for role in (Role.HR_COORDINATOR, Role.UNIT_LEADER, Role.STAFF):
        shown += [u for u in users if role in u.roles and u not in shown][:2]
    return shown
