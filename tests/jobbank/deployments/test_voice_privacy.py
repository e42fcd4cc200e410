"""What people said about their deployments is personal data: it is in their export, and
erasure and retention take the words while the numbers (answers, scores, hours) stay."""

from __future__ import annotations

import datetime as dt

import pytest
from litestar import Litestar
from sqlalchemy import select
from sqlalchemy.orm import Session

from jobbank.core.access import Actor, actor_for
from jobbank.db.models import (
    AuditEntry,
    DeclineReason,
    Deployment,
    DeploymentAnswer,
    DeploymentMessage,
    Evaluation,
    EvaluationSide,
    Person,
    PulseAnswer,
    UserAccount,
    WorkedWeek,
)
from jobbank.privacy import apply_retention, erase_person, personal_data, plan_retention
from tests.api.published_round import THIS_MONDAY, Ids, factory, first_round

pytestmark = pytest.mark.filterwarnings("ignore::DeprecationWarning")

ENDED = THIS_MONDAY + dt.timedelta(weeks=4)


def actor(session: Session, username: str) -> Actor:
    return actor_for(session.scalars(select(UserAccount).filter_by(username=username)).one())


def deployment_of(session: Session, person_id: int) -> Deployment:
    return session.scalars(select(Deployment).filter_by(person_id=person_id)).one()


def anne_and_bo_have_spoken(app: Litestar, ids: Ids) -> None:
    """Anne answered the pulse, wrote in her thread and evaluated; Solgården's leader wrote
    to her and evaluated her; Bo declined with a note and wrote about Anne in his thread."""
    with factory(app)() as session, session.begin():
        anne, bo = deployment_of(session, ids.anne), deployment_of(session, ids.bo)
        leader = session.scalars(select(Person).filter_by(employee_no="e6")).one()
        anne.answer = DeploymentAnswer.CONFIRMED
        bo.answer, bo.decline_reason = DeploymentAnswer.DECLINED, DeclineReason.PERSONAL
        bo.decline_note = "Min ryg"
        session.add_all(
            [
                PulseAnswer(
                    deployment_id=anne.id,
                    week=THIS_MONDAY,
                    meaningful=2,
                    pressed=4,
                    comment="Travlt hjemme",
                    named=True,
                ),
                DeploymentMessage(
                    deployment_id=anne.id, author_id=ids.anne, body="Hvor møder jeg?"
                ),
                DeploymentMessage(
                    deployment_id=anne.id, author_id=leader.id, body="Kl. 7, Anne Jensen"
                ),
                DeploymentMessage(
                    deployment_id=bo.id, author_id=ids.bo, body="Anne Jensen kører mig"
                ),
                WorkedWeek(deployment_id=anne.id, week=THIS_MONDAY, hours=11.5),
                Evaluation(
                    deployment_id=anne.id,
                    side=EvaluationSide.STAFF,
                    again=True,
                    score=4,
                    helped=["contact_person"],
                    missing=[],
                    comment="God modtagelse",
                ),
                Evaluation(
                    deployment_id=anne.id,
                    side=EvaluationSide.RECEIVING,
                    again=True,
                    score=5,
                    helped=[],
                    missing=[],
                    comment="Anne Jensen var god",
                ),
            ]
        )


def test_a_persons_export_holds_their_deployments_and_what_was_said_in_them(
    app: Litestar,
) -> None:
    ids = first_round(app)
    anne_and_bo_have_spoken(app, ids)
    with factory(app)() as session, session.begin():
        mine = personal_data(session, actor(session, "anne"), ids.anne).deployments

    assert [(d.unit, d.answer) for d in mine] == [("solgaarden", "confirmed")]
    (deployment,) = mine
    assert [(p.meaningful, p.pressed, p.comment) for p in deployment.pulse] == [
        (2, 4, "Travlt hjemme")
    ]
    assert [m.body for m in deployment.messages_written] == ["Hvor møder jeg?"]
    assert [(w.hours, w.confirmed) for w in deployment.worked] == [(11.5, False)]
    assert {(e.side, e.comment) for e in deployment.evaluations} == {
        ("staff", "God modtagelse"),
        ("receiving", "Anne Jensen var god"),
    }


def test_erasure_takes_the_words_and_keeps_the_numbers(app: Litestar) -> None:
    ids = first_round(app)
    anne_and_bo_have_spoken(app, ids)
    with factory(app)() as session, session.begin():
        erase_person(session, actor(session, "hr"), ids.anne)

        anne = deployment_of(session, ids.anne)
        pulse = session.scalars(select(PulseAnswer)).one()
        assert (pulse.meaningful, pulse.pressed, pulse.comment) == (2, 4, "")
        bodies = {m.body for m in session.scalars(select(DeploymentMessage))}
        pseudonym = f"Slettet person {ids.anne}"
        assert bodies == {f"Kl. 7, {pseudonym}", f"{pseudonym} kører mig"}
        evaluations = session.scalars(select(Evaluation).filter_by(deployment_id=anne.id)).all()
        assert {(e.score, e.comment) for e in evaluations} == {(4, ""), (5, "")}
        assert deployment_of(session, ids.bo).decline_note == "Min ryg"  # Bo's, not Anne's
        erased = session.scalars(select(AuditEntry).filter_by(action="erase")).one()
        assert erased.after is not None
        assert erased.after["comments"] == 3 and erased.after["thread_messages_deleted"] == 1


def test_retention_blanks_an_ended_rounds_words_and_deletes_its_threads_once(
    app: Litestar,
) -> None:
    ids = first_round(app)
    anne_and_bo_have_spoken(app, ids)
    later = ENDED + dt.timedelta(days=10)
    with factory(app)() as session, session.begin():
        assert plan_retention(session, days=30, today=later).words.comments == 0
        planned = plan_retention(session, days=5, today=later).words
        assert (planned.notes, planned.comments, planned.messages_deleted) == (1, 3, 3)

        apply_retention(session, days=5, today=later)

        assert session.scalars(select(DeploymentMessage)).all() == []
        assert {p.comment for p in session.scalars(select(PulseAnswer))} == {""}
        assert {e.comment for e in session.scalars(select(Evaluation))} == {""}
        assert {e.score for e in session.scalars(select(Evaluation))} == {4, 5}
        assert deployment_of(session, ids.bo).decline_note == ""
        assert not plan_retention(session, days=5, today=later).words
