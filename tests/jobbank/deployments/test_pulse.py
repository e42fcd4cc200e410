"""The weekly pulse: only the lent person answers, a begun planned week at a time; leaders and
HR read it per unit-week, with names only where given and unnamed answers only among three."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from jobbank.core.access import Actor
from jobbank.core.errors import InvalidInput, NotFound
from jobbank.core.roles import Role
from jobbank.db.models import AuditEntry, Deployment, PulseAnswer, RoundStatus
from jobbank.deployments import (
    ANONYMITY_MIN,
    answer_pulse,
    is_low,
    open_deployments,
    pulse_flags,
    pulse_of_units,
    pulse_prompts,
    pulse_sheet,
)
from jobbank.deployments.pulse import _answer_row
from jobbank.rounds import create_round, store_result
from jobbank.seeding import load_municipality
from solver.contract import Assignment as Planned
from solver.contract import RoundResult
from tests import lookups
from tests.builders import a_municipality, a_volunteer

MONDAY = dt.date(2026, 3, 16)
WEDNESDAY = MONDAY + dt.timedelta(days=2)
NEXT_MONDAY = MONDAY + dt.timedelta(weeks=1)
LENT = ("e1", "e2", "e3")
"""Anne, Bo and Carla, all lent to Solgården (need n1) in weeks 0 and 1."""


@pytest.fixture
def lent(session: Session) -> Session:
    world = a_municipality()
    carla = world.people[2].model_copy(update={"volunteer": a_volunteer()})
    world = world.model_copy(update={"people": [*world.people[:2], carla, *world.people[3:]]})
    load_municipality(session, world, today=MONDAY)
    rnd = create_round(session, start=MONDAY, weeks=4)
    planned = [Planned(staff=e, need="n1", week=w, hours=6) for e in LENT for w in (0, 1)]
    store_result(session, rnd, RoundResult(status="feasible", assignments=planned))
    rnd.status = RoundStatus.PUBLISHED
    rnd.published_at = dt.datetime.combine(MONDAY - dt.timedelta(weeks=4), dt.time(12), dt.UTC)
    open_deployments(session, rnd)
    session.flush()
    return session


def person_actor(session: Session, employee_no: str) -> Actor:
    person = lookups.person(session, employee_no)
    return Actor(
        user_id=lookups.user(session, "anne").id,  # any log-in: the audit log names one
        username=employee_no,
        roles=frozenset({Role.STAFF}),
        person_id=person.id,
        name=person.name,
    )


def leader_of(session: Session, code: str) -> Actor:
    return Actor(
        user_id=0,
        username=f"leder.{code}",
        roles=frozenset({Role.UNIT_LEADER}),
        person_id=lookups.person(session, "e4").id,
        led_unit_ids=frozenset({lookups.unit(session, code).id}),
    )


HR = Actor(user_id=0, username="hr", roles=frozenset({Role.HR_COORDINATOR}))
"""HR only reads here (the audit log needs a real log-in only for writes)."""


def deployment_of(session: Session, employee_no: str) -> int:
    person = lookups.person(session, employee_no)
    return session.scalars(select(Deployment.id).filter_by(person_id=person.id)).one()


def answer(
    session: Session,
    employee_no: str,
    *,
    meaningful: int = 4,
    pressed: int = 2,
    comment: str = "",
    named: bool = False,
    week: dt.date = MONDAY,
) -> PulseAnswer:
    return answer_pulse(
        session,
        person_actor(session, employee_no),
        deployment_of(session, employee_no),
        week,
        meaningful=meaningful,
        pressed=pressed,
        comment=comment,
        named=named,
        today=WEDNESDAY,
    )


def test_the_person_answers_a_begun_planned_week_and_answering_again_replaces_it(
    lent: Session,
) -> None:
    answer(lent, "e1", meaningful=2, pressed=5, comment="Sad hjemme og ventede")
    again = answer(lent, "e1", meaningful=4, pressed=3, named=True)
    rows = lent.scalars(select(PulseAnswer)).all()
    assert [(r.meaningful, r.pressed, r.comment, r.named) for r in rows] == [(4, 3, "", True)]
    assert again.id == rows[0].id
    entries = lent.scalars(select(AuditEntry).where(AuditEntry.entity == "pulse_answer")).all()
    assert [e.action for e in entries] == ["answer_pulse", "replace_pulse"]
    assert [sorted(e.after or {}) for e in entries] == [["deployment_id", "named", "week"]] * 2


@pytest.mark.parametrize(
    ("week", "code"),
    [(NEXT_MONDAY, "week_not_begun"), (MONDAY + dt.timedelta(weeks=3), "not_a_planned_week")],
)
def test_a_week_not_begun_or_not_planned_is_refused(
    lent: Session, week: dt.date, code: str
) -> None:
    with pytest.raises(InvalidInput) as refused:
        answer(lent, "e1", week=week)
    assert (refused.value.field, refused.value.code) == ("week", code)


@pytest.mark.parametrize(("field", "scores"), [("meaningful", (0, 3)), ("pressed", (3, 6))])
def test_a_score_outside_1_to_5_is_refused_naming_its_field(
    lent: Session, field: str, scores: tuple[int, int]
) -> None:
    with pytest.raises(InvalidInput) as refused:
        answer(lent, "e1", meaningful=scores[0], pressed=scores[1])
    assert refused.value.field == field
    assert lent.scalars(select(PulseAnswer)).all() == []


def test_a_megabyte_comment_is_refused(lent: Session) -> None:
    with pytest.raises(InvalidInput) as refused:
        answer(lent, "e1", comment="x" * 1_000_000)
    assert (refused.value.field, refused.value.code) == ("comment", "too_long")


@pytest.mark.parametrize("who", ["leader", "home_leader", "hr", "other"])
def test_nobody_but_the_person_answers_or_reads_their_pulse(lent: Session, who: str) -> None:
    caller = {
        "leader": leader_of(lent, "solgaarden"),
        "home_leader": leader_of(lent, "borgerservice"),
        "hr": HR,
        "other": person_actor(lent, "e2"),
    }[who]
    anne = deployment_of(lent, "e1")
    with pytest.raises(NotFound):
        answer_pulse(lent, caller, anne, MONDAY, meaningful=3, pressed=3, today=WEDNESDAY)
    with pytest.raises(NotFound):
        pulse_sheet(lent, caller, anne, today=WEDNESDAY)


def test_the_sheet_lists_begun_weeks_with_their_answers(lent: Session) -> None:
    answer(lent, "e1", meaningful=5, pressed=1)
    sheet = pulse_sheet(lent, person_actor(lent, "e1"), deployment_of(lent, "e1"), WEDNESDAY)
    assert sheet.weeks == [MONDAY]
    assert sheet.next_weeks == [NEXT_MONDAY]
    assert sheet.answers[MONDAY].meaningful == 5


def test_a_single_unnamed_answer_never_shows_its_scores_or_comment(lent: Session) -> None:
    answer(lent, "e1", meaningful=1, pressed=5, comment="Ingen opgaver")
    [week] = pulse_of_units(lent, leader_of(lent, "solgaarden"), today=WEDNESDAY)
    assert (week.answered, week.more_answered) == (1, 1)
    assert week.shown == []
    assert (week.meaningful_mean, week.pressed_mean, week.low) == (None, None, 0)
    assert pulse_flags(lent, HR, today=WEDNESDAY) == []


def test_a_named_answer_beside_two_unnamed_shows_only_itself(lent: Session) -> None:
    answer(lent, "e1", meaningful=5, pressed=1, named=True)
    answer(lent, "e2", meaningful=1, pressed=5, comment="Travlt hjemme")
    answer(lent, "e3", meaningful=2, pressed=4)
    [week] = pulse_of_units(lent, HR, today=WEDNESDAY)
    assert [(a.person, a.meaningful) for a in week.named] == [("Anne Jensen", 5)]
    assert week.anonymous == []
    assert (week.answered, week.more_answered, week.meaningful_mean, week.low) == (3, 2, 5.0, 0)


def test_three_unnamed_answers_show_without_names_in_an_order_of_their_own(
    lent: Session,
) -> None:
    answer(lent, "e1", meaningful=4, pressed=2, comment="Godt")
    answer(lent, "e2", meaningful=1, pressed=5, comment="Travlt hjemme")
    answer(lent, "e3", meaningful=3, pressed=3)
    [week] = pulse_of_units(lent, leader_of(lent, "solgaarden"), today=WEDNESDAY)
    assert ANONYMITY_MIN == 3
    assert [(a.meaningful, a.comment, a.person) for a in week.anonymous] == [
        (1, "Travlt hjemme", None),
        (3, "", None),
        (4, "Godt", None),
    ]
    assert all(a.deployment_id is None for a in week.anonymous)
    assert (week.meaningful_mean, week.pressed_mean, week.low, week.more_answered) == (
        2.67,
        3.33,
        1,
        0,
    )
    [flag] = pulse_flags(lent, leader_of(lent, "solgaarden"), today=WEDNESDAY)
    assert flag.person is None and flag.deployment_id is None
    assert len(flag.places) == 3  # every deployment there that week, not only who answered low


def test_a_named_low_answer_flags_its_deployment_for_the_receiving_leader_and_hr(
    lent: Session,
) -> None:
    answer(lent, "e1", meaningful=2, pressed=2, named=True)
    for reader in (leader_of(lent, "solgaarden"), HR):
        [flag] = pulse_flags(lent, reader, today=WEDNESDAY)
        assert (flag.person, flag.deployment_id) == ("Anne Jensen", deployment_of(lent, "e1"))
        assert len(flag.places) == 1
    assert pulse_flags(lent, HR, today=WEDNESDAY + dt.timedelta(weeks=2)) == []


@pytest.mark.parametrize("who", ["home_leader", "staff"])
def test_home_leaders_and_staff_read_no_pulse(lent: Session, who: str) -> None:
    answer(lent, "e1", meaningful=1, pressed=5, named=True)
    caller = leader_of(lent, "borgerservice") if who == "home_leader" else person_actor(lent, "e1")
    with pytest.raises(NotFound):
        pulse_of_units(lent, caller, today=WEDNESDAY)
    with pytest.raises(NotFound):
        pulse_flags(lent, caller, today=WEDNESDAY)


def test_a_leader_of_another_unit_asking_for_this_one_gets_not_found(lent: Session) -> None:
    with pytest.raises(NotFound):
        pulse_of_units(
            lent, leader_of(lent, "hjemmeplejen"), unit_id=lookups.unit(lent, "solgaarden").id
        )


def test_the_thresholds_of_a_low_answer() -> None:
    assert is_low(2, 1) and is_low(5, 4)
    assert not is_low(3, 3)


def test_the_prompt_asks_for_this_week_until_it_is_answered(lent: Session) -> None:
    anne = person_actor(lent, "e1")
    [prompt] = pulse_prompts(lent, anne, today=WEDNESDAY)
    assert (prompt.unit, prompt.week) == ("Plejecenter Solgården", MONDAY)
    answer(lent, "e1")
    assert pulse_prompts(lent, anne, today=WEDNESDAY) == []
    assert pulse_prompts(lent, anne, today=MONDAY + dt.timedelta(weeks=3)) == []


def test_a_second_save_racing_the_first_updates_its_row(
    lent: Session, monkeypatch: pytest.MonkeyPatch
) -> None:
    first = answer(lent, "e1", meaningful=4)
    # The second save looked before the first inserted: it finds no row, and its insert fails.
    monkeypatch.setattr(lent, "scalar", lambda *_args, **_kwargs: None)
    row, new = _answer_row(lent, first.deployment_id, MONDAY)
    assert (row.id, new) == (first.id, False)
    monkeypatch.undo()
    assert len(lent.scalars(select(PulseAnswer)).all()) == 1
