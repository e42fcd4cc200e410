"""A deployment's thread: the lent person and the leaders of both units write to each other,
each message is told to the other parties through the outbox, and nobody else reaches it.

Bo (borgerservice, risk group) is lent to Solgården: Erik leads his home unit, Frida the
receiving one. Bo has reported an absence ("Feber"); neither that reason nor the risk group
may ever appear in the thread's messages."""

from __future__ import annotations

import datetime as dt

import pytest
from litestar import Litestar
from sqlalchemy import select
from sqlalchemy.orm import Session

from jobbank.core.access import Actor, actor_for
from jobbank.core.errors import InvalidInput, NotFound
from jobbank.db.models import (
    AuditEntry,
    Deployment,
    DeploymentMessage,
    MessageKind,
    OutboxMessage,
    Person,
    UserAccount,
)
from jobbank.deployments import Side, threads
from jobbank.live_plan import events
from jobbank.live_plan.events import AbsenceReport
from tests.api.published_round import THIS_MONDAY, Ids, factory, first_round

pytestmark = pytest.mark.filterwarnings("ignore::DeprecationWarning")

OUTSIDERS = ("hr", "leder_hp", "anne", "carla")
"""HR, a leader of neither unit, and staff who are not Bo."""


def actor(session: Session, username: str) -> Actor:
    return actor_for(session.scalars(select(UserAccount).filter_by(username=username)).one())


def deployment_of(session: Session, person_id: int) -> int:
    return session.scalars(select(Deployment.id).filter_by(person_id=person_id)).one()


@pytest.fixture
def ids(app: Litestar) -> Ids:
    ids = first_round(app)
    with factory(app)() as session, session.begin():
        sick = AbsenceReport(
            person_id=ids.bo,
            first_day=THIS_MONDAY + dt.timedelta(weeks=1),
            last_day=THIS_MONDAY + dt.timedelta(weeks=1, days=4),
            reason="Feber",
        )
        events.report_absence(session, actor(session, "bo"), ids.round_id, sick)
        erik = session.scalars(select(Person).filter_by(employee_no="e5")).one()
        erik.language = "en"
    return ids


def thread_mail(session: Session) -> list[OutboxMessage]:
    return list(
        session.scalars(
            select(OutboxMessage)
            .where(OutboxMessage.kind == MessageKind.THREAD_MESSAGE)
            .order_by(OutboxMessage.id)
        )
    )


def names_of(session: Session, messages: list[OutboxMessage]) -> list[str]:
    return [session.get_one(Person, m.person_id).name for m in messages]


def test_the_person_writes_and_both_leaders_are_told_in_their_language(
    app: Litestar, ids: Ids
) -> None:
    with factory(app)() as session, session.begin():
        deployment = deployment_of(session, ids.bo)
        written = threads.post_message(
            session, actor(session, "bo"), deployment, "  Hvornår møder jeg ind på mandag?\n"
        )
        assert written.body == "Hvornår møder jeg ind på mandag?"
        assert written.author is not None and written.author.name == "Bo Nielsen"
    with factory(app)() as session:
        told = thread_mail(session)
        assert sorted(names_of(session, told)) == ["Erik Leder", "Frida Leder"]
        by_name = dict(zip(names_of(session, told), told, strict=True))
        erik, frida = by_name["Erik Leder"], by_name["Frida Leder"]
        assert erik.language == "en" and frida.language == "da"
        assert (
            erik.subject
            == "Bo Nielsen wrote about Bo Nielsen's deployment at Plejecenter Solgården"
        )
        assert "Hvornår møder jeg ind på mandag?" in erik.body
        assert f"/deployment/{deployment}/thread" in erik.body
        assert (
            frida.subject == "Bo Nielsen har skrevet om Bo Nielsens udlån til Plejecenter Solgården"
        )
        assert "Læs tråden og svar i Jobbanken" in frida.body


def test_a_leader_answers_and_the_person_and_the_other_leader_are_told(
    app: Litestar, ids: Ids
) -> None:
    with factory(app)() as session, session.begin():
        deployment = deployment_of(session, ids.bo)
        threads.post_message(session, actor(session, "bo"), deployment, "Hvor parkerer jeg?")
        frida = actor(session, "leder_sol")
        answer = threads.post_message(session, frida, deployment, "Bag bygningen.")
        assert answer.author_id == frida.person_id  # a leader writes as their person
    with factory(app)() as session:
        told = thread_mail(session)
        assert names_of(session, told[2:]) == ["Bo Nielsen", "Erik Leder"]
        to_bo = told[2]
        assert to_bo.subject == "Frida Leder har skrevet om dit udlån til Plejecenter Solgården"
        for username in ("bo", "leder_sol", "leder_bs"):
            messages, total = threads.list_messages(session, actor(session, username), deployment)
            assert [m.body for m in messages] == ["Hvor parkerer jeg?", "Bag bygningen."]
            assert total == 2


def test_nobody_else_reaches_the_thread_not_even_hr(app: Litestar, ids: Ids) -> None:
    with factory(app)() as session:
        deployment = deployment_of(session, ids.bo)
        for username in OUTSIDERS:
            someone = actor(session, username)
            with pytest.raises(NotFound):
                threads.list_messages(session, someone, deployment)
            with pytest.raises(NotFound):
                threads.thread_of(session, someone, deployment)
            with pytest.raises(NotFound):
                threads.post_message(session, someone, deployment, "Hej")
        with pytest.raises(NotFound):
            threads.list_messages(session, actor(session, "bo"), 999_999)


def test_the_thread_names_who_takes_part(app: Litestar, ids: Ids) -> None:
    with factory(app)() as session:
        thread = threads.thread_of(
            session, actor(session, "leder_bs"), deployment_of(session, ids.bo)
        )
        assert [(p.person.name, p.sides) for p in thread.participants] == [
            ("Bo Nielsen", {Side.PERSON}),
            ("Erik Leder", {Side.HOME_LEADER}),
            ("Frida Leder", {Side.RECEIVING_LEADER}),
        ]


@pytest.mark.parametrize(
    ("body", "code"),
    [
        ("", "required"),
        (" \n\t ", "required"),
        ("x" * 1_000_000, "too_long"),
        ("a\x00b", "control_characters"),
    ],
)
def test_a_refused_body_names_the_field_and_writes_nothing(
    app: Litestar, ids: Ids, body: str, code: str
) -> None:
    with factory(app)() as session:
        deployment = deployment_of(session, ids.bo)
        with pytest.raises(InvalidInput) as refused:
            threads.post_message(session, actor(session, "bo"), deployment, body)
        assert (refused.value.field, refused.value.code) == ("body", code)
        session.rollback()
        assert session.scalars(select(DeploymentMessage)).all() == []
        assert thread_mail(session) == []


def test_the_longest_body_is_kept_whole(app: Litestar, ids: Ids) -> None:
    with factory(app)() as session, session.begin():
        deployment = deployment_of(session, ids.bo)
        written = threads.post_message(session, actor(session, "bo"), deployment, "y" * 4000)
        assert len(written.body) == 4000


def test_the_audit_log_says_who_wrote_where_never_what(app: Litestar, ids: Ids) -> None:
    with factory(app)() as session, session.begin():
        deployment = deployment_of(session, ids.bo)
        message = threads.post_message(session, actor(session, "bo"), deployment, "Hemmelig tekst")
    with factory(app)() as session:
        entry = session.scalars(select(AuditEntry).filter_by(entity="deployment_message")).one()
        assert entry.entity_id == str(message.id)
        assert entry.after == {"deployment_id": deployment, "author_id": ids.bo}
        assert "Hemmelig" not in str(entry.before) + str(entry.after)


def test_no_thread_message_speaks_of_the_risk_group_or_an_absence_reason(
    app: Litestar, ids: Ids
) -> None:
    with factory(app)() as session, session.begin():
        deployment = deployment_of(session, ids.bo)
        threads.post_message(session, actor(session, "bo"), deployment, "Jeg kommer mandag.")
        threads.post_message(session, actor(session, "leder_sol"), deployment, "Velkommen.")
        threads.post_message(session, actor(session, "leder_bs"), deployment, "Godt.")
    with factory(app)() as session:
        told = thread_mail(session)
        assert len(told) == 6  # two others for each of three posts
        for message in told:
            text = (message.subject + message.body).lower()
            assert "feber" not in text
            assert "risk" not in text and "risiko" not in text


def test_a_leader_of_both_units_takes_part_once_and_is_told_once(app: Litestar, ids: Ids) -> None:
    with factory(app)() as session, session.begin():
        erik = session.scalars(select(Person).filter_by(employee_no="e5")).one()
        assert erik in session.get_one(Person, ids.bo).home_unit.leaders
        erik.leads.append(session.get_one(Deployment, deployment_of(session, ids.bo)).unit)
    with factory(app)() as session, session.begin():
        deployment = deployment_of(session, ids.bo)
        thread = threads.thread_of(session, actor(session, "leder_bs"), deployment)
        assert [(p.person.name, p.sides) for p in thread.participants] == [
            ("Bo Nielsen", {Side.PERSON}),
            ("Erik Leder", {Side.HOME_LEADER, Side.RECEIVING_LEADER}),
            ("Frida Leder", {Side.RECEIVING_LEADER}),
        ]
        threads.post_message(session, actor(session, "bo"), deployment, "Hej begge.")
    with factory(app)() as session:
        assert sorted(names_of(session, thread_mail(session))) == ["Erik Leder", "Frida Leder"]
