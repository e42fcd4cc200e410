"""HR sees unanswered deployments starting soon; the person is reminded once, in their
language."""

from __future__ import annotations

import datetime as dt

import pytest
from click.testing import CliRunner
from litestar import Litestar
from sqlalchemy import select
from sqlalchemy.orm import Session

from jobbank.cli.main import main
from jobbank.core.access import Actor, actor_for
from jobbank.core.errors import InvalidInput, NotFound
from jobbank.db.models import MessageKind, OutboxMessage, Person, UserAccount
from jobbank.deployments.answers import confirm, unconfirmed
from jobbank.deployments.reminders import remind_unconfirmed
from tests.api.published_round import THIS_MONDAY, factory, first_round

pytestmark = pytest.mark.filterwarnings("ignore::DeprecationWarning")
SATURDAY_BEFORE = THIS_MONDAY - dt.timedelta(days=2)


def actor(session: Session, username: str) -> Actor:
    return actor_for(session.scalars(select(UserAccount).filter_by(username=username)).one())


def test_hr_sees_the_unanswered_ones_starting_soon(app: Litestar) -> None:
    ids = first_round(app)
    with factory(app)() as session, session.begin():
        hr = actor(session, "hr")
        soon = unconfirmed(session, hr, 7, today=SATURDAY_BEFORE)
        assert {v.deployment.person_id for v in soon} == {ids.anne, ids.bo}
        confirm(
            session,
            actor(session, "anne"),
            soon[0].id if soon[0].deployment.person_id == ids.anne else soon[1].id,
        )
        assert [
            v.deployment.person_id for v in unconfirmed(session, hr, today=SATURDAY_BEFORE)
        ] == [ids.bo]
        assert unconfirmed(session, hr, 1, today=THIS_MONDAY - dt.timedelta(days=9)) == []
        for days in (0, 61):
            with pytest.raises(InvalidInput) as refused:
                unconfirmed(session, hr, days)
            assert refused.value.field == "within_days"
        with pytest.raises(NotFound):
            unconfirmed(session, actor(session, "leder_sol"), 7)


def test_a_reminder_goes_out_once_in_the_persons_language(app: Litestar) -> None:
    ids = first_round(app)
    with factory(app)() as session, session.begin():
        session.get_one(Person, ids.bo).language = "en"
        assert remind_unconfirmed(session, SATURDAY_BEFORE) == 2
        assert remind_unconfirmed(session, SATURDAY_BEFORE) == 0
        assert remind_unconfirmed(session, SATURDAY_BEFORE - dt.timedelta(days=5)) == 0
        messages = {
            m.person_id: m
            for m in session.scalars(
                select(OutboxMessage).where(OutboxMessage.kind == MessageKind.CONFIRMATION_WANTED)
            )
        }
        assert messages[ids.anne].subject.startswith("Svar venligst")
        assert messages[ids.bo].subject.startswith("Please answer")
        assert "/deployment/" in messages[ids.bo].body


def test_nothing_is_reminded_more_than_three_days_ahead(app: Litestar) -> None:
    first_round(app)
    with factory(app)() as session, session.begin():
        assert remind_unconfirmed(session, THIS_MONDAY - dt.timedelta(days=4)) == 0


def test_the_outbox_sweep_command_reminds_too(app: Litestar, world_url: str) -> None:
    first_round(app)
    env = {"DATABASE_URL": world_url}
    swept = CliRunner().invoke(
        main, ["outbox", "sweep", "--today", SATURDAY_BEFORE.isoformat()], env=env
    )
    assert swept.exit_code == 0, swept.output
    assert "2 reminders of unanswered deployments" in swept.output
