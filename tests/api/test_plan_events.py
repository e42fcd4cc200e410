"""Events on a published plan through the API: who may report what, what each reader sees
(the reason HR's alone), refusals naming the field with nothing half-written, and the round's
facts with the events folded in."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

import pytest
from litestar import Litestar
from sqlalchemy import Engine, func, select
from sqlalchemy.orm import Session

from jobbank.db.models import (
    AllocationRound,
    AuditEntry,
    ChangeSet,
    Need,
    NeedStatus,
    PlanEvent,
)
from jobbank.live_plan.facts import current_facts
from solver.contract import NeedWeek, StaffWeek
from tests.api.conftest import Client
from tests.api.published_round import THIS_MONDAY, Ids, factory, first_round, propose

pytestmark = pytest.mark.filterwarnings("ignore::DeprecationWarning")


def day(week: int, weekday: int = 0) -> str:
    return (THIS_MONDAY + dt.timedelta(weeks=week, days=weekday)).isoformat()


def events_url(round_id: int, kind: str = "") -> str:
    return f"/api/rounds/{round_id}/events" + (f"/{kind}" if kind else "")


def sick(ids: Ids, **changes: Any) -> dict[str, Any]:
    """Anne away all of next week, ill."""
    return {
        "person_id": ids.anne,
        "first_day": day(1),
        "last_day": day(1, 4),
        "reason": "Influenza",
    } | changes


def count_events(world: Engine) -> int:
    with Session(world) as session:
        return session.scalar(select(func.count(PlanEvent.id))) or 0


def test_a_staff_member_reports_their_own_absence_and_hr_alone_reads_why(
    app: Litestar, as_user: Callable[[str], Client], world: Engine
) -> None:
    ids = first_round(app)
    anne = as_user("anne")

    reported = anne.post(events_url(ids.round_id, "absences"), json=sick(ids))

    assert reported.status_code == 201, reported.text
    event = reported.json()
    assert (event["kind"], event["open"], event["reason"]) == ("absence", True, "Influenza")
    by_hr = as_user("hr").get(events_url(ids.round_id)).json()
    assert [(e["person"]["employee_no"], e["reason"]) for e in by_hr] == [("e1", "Influenza")]
    home_leader = as_user("leder_bs").get(events_url(ids.round_id))
    assert [e["reason"] for e in home_leader.json()] == [None]
    assert "Influenza" not in home_leader.text
    receiving_leader = as_user("leder_sol").get(events_url(ids.round_id))  # Anne is lent there
    assert [(e["person"]["employee_no"], e["reason"]) for e in receiving_leader.json()] == [
        ("e1", None)
    ]
    assert "Influenza" not in receiving_leader.text
    assert as_user("leder_hp").get(events_url(ids.round_id)).json() == []
    assert as_user("bo").get(events_url(ids.round_id)).json() == []
    with Session(world) as session:
        entry = session.scalars(select(AuditEntry).where(AuditEntry.entity == "plan_event")).one()
    assert entry.action == "create" and entry.after is not None
    assert entry.after["kind"] == "absence" and "Influenza" not in str(entry.after)


def test_the_home_leader_reports_for_their_people_and_nobody_else_reaches_them(
    app: Litestar, as_user: Callable[[str], Client]
) -> None:
    ids = first_round(app)
    url = events_url(ids.round_id, "absences")

    assert as_user("leder_bs").post(url, json=sick(ids, reason="")).status_code == 201
    for outsider in ("leder_sol", "leder_hp", "bo", "carla"):
        refused = as_user(outsider).post(url, json=sick(ids))
        assert refused.status_code == 404, (outsider, refused.text)
        assert refused.json()["detail"] == (
            f"round {ids.round_id}: not found, or not within your reach"
        )
    missing = as_user("hr").post(events_url(999_999, "absences"), json=sick(ids))
    assert missing.json()["detail"] == "round 999999: not found, or not within your reach"


@pytest.mark.parametrize(
    ("kind", "body", "detail"),
    [
        (
            "absences",
            {"first_day": day(2), "last_day": day(1)},
            f"last_day: {day(1)} is before the first day {day(2)}",
        ),
        (
            "absences",
            {"first_day": day(-1), "last_day": day(0)},
            f"first_day: {day(-1)} is outside the round ({day(0)} … {day(3, 6)})",
        ),
        ("absences", {"reason": "syg\u202e"}, "reason: must not hold characters"),
        ("home-recalls", {"hours": 40}, "hours: must be at most the person's normal hours 37"),
        ("home-recalls", {"hours": 7.25}, "hours: must be a multiple of 0.5"),
        ("need-changes", {"hours": 169}, "hours: must be at most 168"),
        ("withdrawals", {"first_day": day(9)}, f"first_day: {day(9)} is outside the round"),
    ],
)
def test_bad_input_is_refused_naming_the_field_and_nothing_is_written(
    app: Litestar,
    as_user: Callable[[str], Client],
    world: Engine,
    kind: str,
    body: dict[str, Any],
    detail: str,
) -> None:
    ids = first_round(app)
    with Session(world) as session:
        n1 = session.scalars(select(Need.id).where(Need.ref == "n1")).one()
    base: dict[str, dict[str, Any]] = {
        "absences": sick(ids),
        "home-recalls": {
            "person_id": ids.anne,
            "first_day": day(1),
            "last_day": day(1),
            "hours": 4,
        },
        "need-changes": {"need_id": n1, "first_day": day(1), "hours": 4},
        "withdrawals": {"person_id": ids.anne, "first_day": day(1)},
    }
    body = {key: value for key, value in (base[kind] | body).items() if key in base[kind]}

    refused = as_user("hr").post(events_url(ids.round_id, kind), json=body)

    assert refused.status_code == 422, refused.text
    assert refused.json()["detail"].startswith(detail)
    assert count_events(world) == 0


def test_a_person_the_round_does_not_plan_is_refused(
    app: Litestar, as_user: Callable[[str], Client]
) -> None:
    ids = first_round(app)
    carla_id = as_user("carla").get("/api/me").json()["person_id"]
    refused = as_user("hr").post(
        events_url(ids.round_id, "withdrawals"), json={"person_id": carla_id, "first_day": day(1)}
    )
    assert refused.status_code == 422, refused.text
    assert (
        refused.json()["detail"] == f"person_id: person e3 is not planned in round {ids.round_id}"
    )


def test_a_round_not_yet_published_takes_no_events(
    app: Litestar, as_user: Callable[[str], Client]
) -> None:
    ids = first_round(app)
    proposal = propose(app)

    refused = as_user("hr").post(events_url(proposal, "absences"), json=sick(ids))

    assert refused.status_code == 409
    assert refused.json()["errors"][0]["code"] == "round_status"
    assert as_user("anne").post(events_url(proposal, "absences"), json=sick(ids)).status_code == 404


def test_the_receiving_leader_changes_a_need_and_posts_an_urgent_one(
    app: Litestar, as_user: Callable[[str], Client], world: Engine
) -> None:
    ids = first_round(app)
    frida = as_user("leder_sol")
    with Session(world) as session:
        n1 = session.scalars(select(Need.id).where(Need.ref == "n1")).one()

    grown = frida.post(
        events_url(ids.round_id, "need-changes"),
        json={"need_id": n1, "first_day": day(2), "hours": 30},
    )
    urgent = frida.post(
        events_url(ids.round_id, "urgent-needs"),
        json={"unit_id": ids.solgaarden, "skill": "nurse", "hours": 16, "priority": 5},
    )

    assert grown.status_code == 201, grown.text
    assert urgent.status_code == 201, urgent.text
    posted = urgent.json()["need"]
    assert posted["unit_id"] == ids.solgaarden and posted["ref"].startswith("n")
    assert urgent.json()["first_day"] == dt.date.today().isoformat()
    assert (
        as_user("leder_bs")
        .post(
            events_url(ids.round_id, "need-changes"),
            json={"need_id": n1, "first_day": day(2), "hours": 0},
        )
        .status_code
        == 404
    )
    with factory(app)() as session:
        rnd = session.get_one(AllocationRound, ids.round_id)
        facts = current_facts(session, rnd, today=THIS_MONDAY)
    hours = {n.id: list(n.hours) for n in facts.round_input.needs}
    assert hours["n1"][2:] == [30, 30]
    assert hours[posted["ref"]][0] == 16
    assert NeedWeek(need="n1", week=2) in facts.touched_needs
    assert NeedWeek(need=posted["ref"], week=0) in facts.touched_needs


def test_an_absence_and_a_withdrawal_change_the_round_facts(
    app: Litestar, as_user: Callable[[str], Client]
) -> None:
    ids = first_round(app)
    assert (
        as_user("anne").post(events_url(ids.round_id, "absences"), json=sick(ids)).status_code
        == 201
    )
    withdrawn = as_user("bo").post(
        events_url(ids.round_id, "withdrawals"), json={"person_id": ids.bo, "first_day": day(2)}
    )
    assert withdrawn.status_code == 201, withdrawn.text

    with factory(app)() as session:
        rnd = session.get_one(AllocationRound, ids.round_id)
        facts = current_facts(session, rnd, today=THIS_MONDAY)
    staff = {s.id: s for s in facts.round_input.staff}
    assert list(staff["e1"].available) == [True, False, True, False]  # week 3: away already
    assert list(staff["e2"].available) == [True, True, False, False]
    assert facts.touched_staff == [
        StaffWeek(staff="e1", week=1),
        StaffWeek(staff="e2", week=2),
        StaffWeek(staff="e2", week=3),
    ]
    assert len(facts.event_ids) == 2


def test_an_open_event_is_cancelled_by_whoever_may_report_it_an_applied_one_is_not(
    app: Litestar, as_user: Callable[[str], Client], world: Engine
) -> None:
    ids = first_round(app)
    anne, erik = as_user("anne"), as_user("leder_bs")
    first = anne.post(events_url(ids.round_id, "absences"), json=sick(ids)).json()["id"]
    second = anne.post(events_url(ids.round_id, "absences"), json=sick(ids)).json()["id"]
    with factory(app)() as session, session.begin():
        repaired = ChangeSet(round_id=ids.round_id, plan_revision=0)
        session.add(repaired)
        session.flush()
        session.get_one(PlanEvent, second).change_set_id = repaired.id

    assert as_user("leder_sol").delete(events_url(ids.round_id, str(first))).status_code == 404
    assert erik.delete(events_url(ids.round_id, str(first))).status_code == 204
    refused = anne.delete(events_url(ids.round_id, str(second)))
    assert refused.status_code == 409
    assert refused.json()["errors"][0]["code"] == "event_applied"
    assert [e["id"] for e in as_user("hr").get(events_url(ids.round_id)).json()] == [second]


def test_cancelling_an_urgent_need_closes_its_need(
    app: Litestar, as_user: Callable[[str], Client], world: Engine
) -> None:
    ids = first_round(app)
    frida = as_user("leder_sol")
    urgent = frida.post(
        events_url(ids.round_id, "urgent-needs"),
        json={"unit_id": ids.solgaarden, "skill": "nurse", "hours": 8},
    ).json()

    assert frida.delete(events_url(ids.round_id, str(urgent["id"]))).status_code == 204

    with Session(world) as session:
        assert session.get_one(Need, urgent["need"]["id"]).status is NeedStatus.CLOSED
