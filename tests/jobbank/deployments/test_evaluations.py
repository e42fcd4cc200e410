"""A deployment's evaluation: who writes and reads which side, from when, replacing, the
audit, the front page's prompt, and what later rounds' snapshots make of it."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from litestar import Litestar
from pydantic import ValidationError
from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from jobbank.core.access import Actor, actor_for
from jobbank.core.errors import Conflict, NotFound
from jobbank.db.models import (
    Assignment,
    AuditEntry,
    Deployment,
    Evaluation,
    EvaluationSide,
    UserAccount,
)
from jobbank.deployments.evaluations import (
    NOT_YET_OPEN,
    EvaluationAnswer,
    awaited_evaluations,
    evaluations_of,
    write_evaluation,
)
from jobbank.deployments.wishes import wishes_before
from jobbank.rounds import create_round
from solver.contract import Assignment as Planned
from tests.api.published_round import THIS_MONDAY, factory, first_round, publish

STAFF, RECEIVING = EvaluationSide.STAFF, EvaluationSide.RECEIVING
WEEK = dt.timedelta(weeks=1)
NEXT_MONDAY = THIS_MONDAY + WEEK


def actor(session: Session, username: str) -> Actor:
    return actor_for(session.scalars(select(UserAccount).filter_by(username=username)).one())


def answer(**changes: Any) -> EvaluationAnswer:
    return EvaluationAnswer.model_validate(
        {"again": True, "score": 4, "helped": ["introduction"], "comment": "Godt hold"} | changes
    )


def deployment_of(session: Session, round_id: int, employee_no: str) -> Deployment:
    return next(
        d
        for d in session.scalars(select(Deployment).filter_by(round_id=round_id)).all()
        if d.person.employee_no == employee_no
    )


def anne_at_solgaarden(app: Litestar) -> int:
    """Anne's deployment in the published round: weeks 0 and 1, so open from next Monday."""
    ids = first_round(app)
    with factory(app)() as session:
        return deployment_of(session, ids.round_id, "e1").id


def test_each_side_writes_its_own_from_the_last_planned_week(app: Litestar) -> None:
    deployment_id = anne_at_solgaarden(app)
    with factory(app)() as session, session.begin():
        with pytest.raises(Conflict) as early:
            write_evaluation(
                session, actor(session, "anne"), deployment_id, STAFF, answer(), today=THIS_MONDAY
            )
        assert early.value.code == NOT_YET_OPEN
        assert early.value.params == {"opens": NEXT_MONDAY.isoformat()}
        write_evaluation(
            session, actor(session, "anne"), deployment_id, STAFF, answer(), today=NEXT_MONDAY
        )
        write_evaluation(
            session,
            actor(session, "leder_sol"),
            deployment_id,
            RECEIVING,
            answer(again=False, score=2, helped=[], missing=["equipment", "feedback"]),
            today=NEXT_MONDAY,
        )
    with factory(app)() as session:
        rows = session.scalars(select(Evaluation).order_by(Evaluation.id)).all()
        assert [(r.side, r.again, r.score, r.missing) for r in rows] == [
            (STAFF, True, 4, []),
            (RECEIVING, False, 2, ["equipment", "feedback"]),
        ]


@pytest.mark.parametrize(
    ("username", "side"),
    [("hr", STAFF), ("leder_sol", STAFF), ("leder_bs", STAFF), ("anne", RECEIVING),
     ("hr", RECEIVING), ("leder_bs", RECEIVING), ("bo", STAFF), ("leder_hp", RECEIVING)],
)  # fmt: skip
def test_only_the_person_and_the_receiving_leader_write(
    app: Litestar, username: str, side: EvaluationSide
) -> None:
    deployment_id = anne_at_solgaarden(app)
    with factory(app)() as session, pytest.raises(NotFound):
        write_evaluation(
            session, actor(session, username), deployment_id, side, answer(), today=NEXT_MONDAY
        )


def test_who_reads_which_side(app: Litestar) -> None:
    deployment_id = anne_at_solgaarden(app)
    with factory(app)() as session, session.begin():
        for username, side in (("anne", STAFF), ("leder_sol", RECEIVING)):
            write_evaluation(
                session, actor(session, username), deployment_id, side, answer(), today=NEXT_MONDAY
            )
    with factory(app)() as session:

        def read(username: str) -> list[EvaluationSide]:
            view = evaluations_of(session, actor(session, username), deployment_id)
            return [row.side for row in view.evaluations]

        assert read("anne") == [STAFF]
        assert read("leder_sol") == [RECEIVING]
        assert read("hr") == [STAFF, RECEIVING]
        assert read("leder_bs") == []  # the home unit's leader reads neither
        for outsider in ("bo", "leder_hp"):
            with pytest.raises(NotFound):
                read(outsider)


def test_writing_again_replaces_the_side_and_a_stale_version_is_refused(app: Litestar) -> None:
    deployment_id = anne_at_solgaarden(app)
    with factory(app)() as session, session.begin():
        anne = actor(session, "anne")
        first = write_evaluation(session, anne, deployment_id, STAFF, answer(), today=NEXT_MONDAY)
        version = first.version
        again = write_evaluation(
            session, anne, deployment_id, STAFF, answer(score=5, version=version), today=NEXT_MONDAY
        )
        assert (again.id, again.score) == (first.id, 5)
        with pytest.raises(Conflict) as stale:
            write_evaluation(
                session, anne, deployment_id, STAFF, answer(version=version), today=NEXT_MONDAY
            )
        assert stale.value.code == "stale_version"
    with factory(app)() as session:
        assert len(session.scalars(select(Evaluation)).all()) == 1
        entries = session.scalars(select(AuditEntry).filter_by(entity="evaluation")).all()
        assert [e.action for e in entries] == ["evaluate", "evaluate"]
        assert entries[1].before is not None and entries[1].before["score"] == 4
        assert all("comment" not in (e.after or {}) for e in entries)
        assert "Godt hold" not in repr([(e.before, e.after) for e in entries])


def test_a_deployment_the_plan_ended_may_be_evaluated_at_once(app: Litestar) -> None:
    deployment_id = anne_at_solgaarden(app)
    with factory(app)() as session, session.begin():
        deployment = session.get_one(Deployment, deployment_id)
        session.execute(
            delete(Assignment).where(
                Assignment.round_id == deployment.round_id,
                Assignment.person_id == deployment.person_id,
            )
        )
    with factory(app)() as session, session.begin():
        row = write_evaluation(
            session, actor(session, "anne"), deployment_id, STAFF, answer(), today=THIS_MONDAY
        )
        assert row.id is not None


def test_the_front_page_prompts_for_open_unevaluated_deployments(app: Litestar) -> None:
    deployment_id = anne_at_solgaarden(app)
    with factory(app)() as session, session.begin():
        anne, frida = actor(session, "anne"), actor(session, "leder_sol")
        assert awaited_evaluations(session, anne, today=THIS_MONDAY) == []
        awaited = awaited_evaluations(session, anne, today=NEXT_MONDAY)
        assert [(a.deployment.id, a.side) for a in awaited] == [(deployment_id, STAFF)]
        assert {a.side for a in awaited_evaluations(session, frida, today=NEXT_MONDAY)} == {
            RECEIVING
        }
        assert awaited_evaluations(session, actor(session, "leder_bs"), today=NEXT_MONDAY) == []
        write_evaluation(session, anne, deployment_id, STAFF, answer(), today=NEXT_MONDAY)
        assert awaited_evaluations(session, anne, today=NEXT_MONDAY) == []


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"score": 0}, "score"),
        ({"score": 6}, "score"),
        ({"helped": ["cake"]}, "helped"),
        ({"missing": ["team_welcome"]}, "missing"),
        ({"comment": "x" * 2001}, "comment"),
        ({"again": None}, "again"),
    ],
)
def test_a_bad_answer_is_refused_naming_the_field(changes: dict[str, Any], field: str) -> None:
    with pytest.raises(ValidationError) as refused:
        answer(**changes)
    assert refused.value.errors()[0]["loc"][0] == field


def test_codes_ticked_twice_count_once_in_list_order() -> None:
    written = answer(helped=["team_welcome", "introduction", "team_welcome"])
    assert [str(code) for code in written.helped] == ["introduction", "team_welcome"]


# --- what later rounds make of it ------------------------------------------------------


def evaluate(
    app: Litestar, round_id: int, *, staff: dict[str, Any], receiving: dict[str, Any]
) -> None:
    with factory(app)() as session, session.begin():
        deployment = deployment_of(session, round_id, "e1")
        for username, side, changes in (
            ("anne", STAFF, staff),
            ("leder_sol", RECEIVING, receiving),
        ):
            write_evaluation(
                session, actor(session, username), deployment.id, side, answer(**changes),
                today=THIS_MONDAY + 4 * WEEK,
            )  # fmt: skip


def test_the_next_rounds_snapshot_carries_the_wishes(app: Litestar) -> None:
    ids = first_round(app)
    evaluate(app, ids.round_id, staff={"score": 5}, receiving={"again": True})
    with factory(app)() as session, session.begin():
        rnd = create_round(session, start=THIS_MONDAY + 4 * WEEK, weeks=2)
        snapshot = rnd.input_snapshot
        assert snapshot is not None
        staff = {s["id"]: s for s in snapshot["staff"]}
        units = {u["id"]: u for u in snapshot["units"]}
        assert staff["e1"]["rated_units"] == ["solgaarden"]
        assert units["solgaarden"]["welcome_back"] == ["e1"]
        assert staff["e2"]["rated_units"] == []
        # A round that starts before the evaluated one does not see it.
        assert wishes_before(session, THIS_MONDAY) == wishes_before(session, THIS_MONDAY - WEEK)
        assert wishes_before(session, THIS_MONDAY).rated_units == {}


@pytest.mark.parametrize(
    ("staff", "receiving", "rated", "welcome"),
    [
        ({"score": 3}, {"again": True}, {}, {"solgaarden": {"e1"}}),
        ({"again": False, "score": 5}, {"again": False}, {}, {}),
        ({"score": 4}, {"again": False, "score": 5}, {"e1": {"solgaarden"}}, {}),
    ],
)
def test_only_again_with_a_good_score_rates_a_unit_well(
    app: Litestar,
    staff: dict[str, Any],
    receiving: dict[str, Any],
    rated: dict[str, set[str]],
    welcome: dict[str, set[str]],
) -> None:
    ids = first_round(app)
    evaluate(app, ids.round_id, staff=staff, receiving=receiving)
    with factory(app)() as session:
        wishes = wishes_before(session, THIS_MONDAY + 4 * WEEK)
        assert (wishes.rated_units, wishes.welcome_back) == (rated, welcome)


def test_the_latest_rounds_evaluation_of_a_pair_stands(app: Litestar) -> None:
    ids = first_round(app)
    evaluate(app, ids.round_id, staff={"score": 5}, receiving={"again": True})
    later = publish(
        app, Planned(staff="e1", need="n1", week=0, hours=12), start=THIS_MONDAY + 2 * WEEK
    )
    evaluate(app, later, staff={"again": False}, receiving={"again": False})
    with factory(app)() as session:
        wishes = wishes_before(session, THIS_MONDAY + 4 * WEEK)
        assert (wishes.rated_units, wishes.welcome_back) == ({}, {})
        earlier = wishes_before(session, THIS_MONDAY + WEEK)
        assert earlier.rated_units == {"e1": {"solgaarden"}}
