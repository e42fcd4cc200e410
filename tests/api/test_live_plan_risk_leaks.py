"""The risk-group flag leaks nowhere new: after every kind of event on a published plan and an
applied change set, no live-plan answer of the API nor any page that shows the live plan
speaks of the risk group, to any role. Bo (e2, borgerservice) is in a risk group and lent to
Solgården; he is the one who falls ill, so every answer about the change is about him. He and
both his leaders also write in his deployment's thread: neither the thread nor the messages
it sends speak of the flag."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

import pytest
from litestar import Litestar
from sqlalchemy import select
from sqlalchemy.orm import Session

from jobbank.core.access import Actor, actor_for
from jobbank.db.models import Assignment, ChangeSet, Deployment, Need, Person, UserAccount
from jobbank.deployments import threads
from jobbank.live_plan import events
from jobbank.live_plan.change_sets import apply_change_set, build_change_set
from jobbank.live_plan.events import (
    AbsenceReport,
    HomeRecallReport,
    NeedChangeReport,
    UrgentNeedReport,
    WithdrawalReport,
)
from tests.api.conftest import Client
from tests.api.published_round import THIS_MONDAY, Ids, factory, first_round
from tests.api.world import USERS

pytestmark = pytest.mark.filterwarnings("ignore::DeprecationWarning")

SAID = ("risk", "risiko")
"""How the flag would be named, in English and Danish."""


def day(week: int, weekday: int = 0) -> dt.date:
    return THIS_MONDAY + dt.timedelta(weeks=week, days=weekday)


def actor(session: Session, username: str) -> Actor:
    return actor_for(session.scalars(select(UserAccount).filter_by(username=username)).one())


def every_event_and_a_repair(app: Litestar, ids: Ids) -> int:
    """Bo falls ill next week and the plan is repaired for it; then Anne withdraws, Erik
    recalls her, Frida shrinks n1 and posts an urgent need, all left open. The round id."""
    with factory(app)() as session, session.begin():
        sick = AbsenceReport(person_id=ids.bo, first_day=day(1), last_day=day(1, 4), reason="Feber")
        events.report_absence(session, actor(session, "bo"), ids.round_id, sick)
        hr = actor(session, "hr")
        change_set = build_change_set(session, hr, ids.round_id)
        apply_change_set(session, hr, ids.round_id, change_set.id)
        anne, erik, frida = (actor(session, name) for name in ("anne", "leder_bs", "leder_sol"))
        withdrawal = WithdrawalReport(person_id=ids.anne, first_day=day(3))
        events.report_withdrawal(session, anne, ids.round_id, withdrawal)
        recall = HomeRecallReport(person_id=ids.anne, first_day=day(2), last_day=day(2), hours=10)
        events.report_home_recall(session, erik, ids.round_id, recall)
        n1 = session.scalars(select(Need).filter_by(ref="n1")).one()
        shrink = NeedChangeReport(need_id=n1.id, first_day=day(1), hours=6)
        events.report_need_change(session, frida, ids.round_id, shrink)
        urgent = UrgentNeedReport(unit_id=ids.solgaarden, skill="nurse", hours=8)
        events.report_urgent_need(session, frida, ids.round_id, urgent)
    return ids.round_id


def talk_in_bos_thread(app: Litestar) -> int:
    """Bo and both his leaders write in the thread of his deployment; its id."""
    with factory(app)() as session, session.begin():
        deployment = session.scalars(
            select(Deployment.id).join(Person).filter_by(name="Bo Nielsen")
        ).one()
        for username, body in (
            ("bo", "Hvor parkerer jeg?"),
            ("leder_sol", "Bag bygningen."),
            ("leder_bs", "Sig til, hvis du mangler noget."),
        ):
            threads.post_message(session, actor(session, username), deployment, body)
        return deployment


def answers(
    client: Client, round_id: int, assignment_ids: list[int], repairs: list[str]
) -> dict[str, str]:
    """Each live-plan answer and page this client can ask for, by path (refusals too)."""
    paths = [
        *repairs,
        f"/api/rounds/{round_id}/events",
        f"/api/rounds/{round_id}/events?open_only=true",
        "/api/me/changes",
        "/api/me/messages",
        "/api/me/personal-data",
        f"/api/rounds/{round_id}/report",
        "/api/reports/over-time",
        *(f"/api/assignments/{number}.ics" for number in assignment_ids),
        "/",
        "/dashboard",
        "/plan-changes",
        f"/plan-changes?round_id={round_id}",
        "/deployments/incoming",
        "/deployments/outgoing",
        f"/reports/rounds/{round_id}",
    ]
    return {path: client.get(path).text for path in paths}


def test_no_live_plan_answer_or_page_speaks_of_the_risk_group_to_anyone(
    app: Litestar, as_user: Callable[[str], Client]
) -> None:
    round_id = every_event_and_a_repair(app, first_round(app))
    with factory(app)() as session:
        assignment_ids = list(
            session.scalars(select(Assignment.id).where(Assignment.round_id == round_id))
        )
        change_set = session.scalars(select(ChangeSet.id)).one()
        n3 = session.scalars(select(Need.id).filter_by(ref="n3")).one()
    bo_deployment = talk_in_bos_thread(app)
    week = day(2).isoformat()
    repairs = [
        f"/api/rounds/{round_id}/change-sets",
        f"/api/rounds/{round_id}/change-sets/{change_set}",
        f"/api/rounds/{round_id}/shortlist?need_id={n3}&week={week}",
        f"/rounds/{round_id}",
        f"/rounds/{round_id}/change-sets/{change_set}",
        f"/rounds/{round_id}/shortlist?need_id={n3}&week={week}",
        f"/api/deployments/{bo_deployment}/messages",
        f"/deployment/{bo_deployment}/thread",
    ]
    seen: dict[tuple[str, str], str] = {}
    for username in USERS:
        for path, text in answers(as_user(username), round_id, assignment_ids, repairs).items():
            seen[(username, path)] = text.lower()

    assert "bo nielsen" in seen[("hr", f"/api/rounds/{round_id}/events")]  # the scan sees Bo
    assert "bo nielsen" in seen[("hr", f"/api/rounds/{round_id}/change-sets/{change_set}")]
    assert "bo nielsen" in seen[("hr", f"/rounds/{round_id}/change-sets/{change_set}")]
    assert "bo nielsen" in seen[("leder_sol", "/deployments/incoming")]
    assert "bo nielsen" in seen[("leder_sol", "/plan-changes")]  # his absence, lent there
    assert "bo nielsen" in seen[("leder_bs", "/api/me/changes")]
    assert "feber" in seen[("bo", f"/api/rounds/{round_id}/events")]
    assert "feber" in seen[("bo", "/api/me/personal-data")]  # his own data, not his flag
    assert "bag bygningen" in seen[("bo", f"/deployment/{bo_deployment}/thread")]
    assert "bag bygningen" in seen[("bo", "/api/me/messages")]  # told through the outbox
    leaks = sorted(key for key, text in seen.items() if any(word in text for word in SAID))
    assert leaks == []
