"""The repair of a published plan: only what events touch is re-planned, the gaps are filled
with the least disturbance, moves only when HR allows them and they buy higher priority."""

from __future__ import annotations

from typing import Any

import numpy as np
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from solver import SolveOptions, greedy_plan, solve
from solver.contract import (
    Assignment,
    ChangeKind,
    NeedWeek,
    RepairInput,
    RepairResult,
    RoundInput,
    RoundResult,
    StaffWeek,
)
from solver.repair import repair
from solver.repair_model import (
    END_COST,
    GROW_COST,
    SHRINK_COST,
    disturbance_of,
    most_disturbance,
)
from tests.solver.builders import a_need, a_round, a_staff, an_assignment
from tests.solver.checker import violations, weighted_coverage
from tests.solver.test_properties import rounds

QUICK = SolveOptions(time_limit=5, workers=1)


def with_facts(round_input: RoundInput, **changes: Any) -> RoundInput:
    """The round with some staff or need fields changed: `anne={"available": [...]}`."""
    data = round_input.model_dump(mode="json")
    for row in [*data["staff"], *data["needs"]]:
        row.update(changes.get(row["id"], {}))
    return RoundInput.model_validate(data)


def plan(*entries: tuple[str, str, int, float]) -> list[Assignment]:
    return [Assignment(staff=s, need=n, week=w, hours=h) for s, n, w, h in entries]


def run(round_input: RoundInput, published: list[Assignment], **fields: Any) -> RepairResult:
    result = repair(RepairInput(round=round_input, published=published, **fields), QUICK)
    assert violations(round_input, as_round_result(result)) == []
    return result


def as_round_result(result: RepairResult) -> RoundResult:
    return RoundResult(status="feasible", assignments=result.assignments)


def changed(result: RepairResult) -> set[tuple[str, str, int, float, float]]:
    return {(c.staff, c.need, c.week, c.hours_before, c.hours_after) for c in result.changes}


def two_weeks_at_the_ward() -> RoundInput:
    return a_round(
        staff=[
            a_staff("anne", normal_hours=20),
            a_staff("bo", normal_hours=20),
            a_staff("cy", normal_hours=20),
        ],
        needs=[a_need("n1", hours=20, priority=4), a_need("n2", unit="school", hours=20)],
        weeks=2,
    )


PUBLISHED = plan(
    ("anne", "n1", 0, 20), ("anne", "n1", 1, 20), ("bo", "n2", 0, 20), ("bo", "n2", 1, 20)
)


def test_an_absence_is_filled_by_someone_free_and_nothing_else_changes() -> None:
    now = with_facts(two_weeks_at_the_ward(), anne={"available": [True, False]})
    result = run(now, PUBLISHED, touched_staff=[StaffWeek(staff="anne", week=1)])
    assert changed(result) == {("anne", "n1", 1, 20, 0), ("cy", "n1", 1, 0, 20)}
    assert result.newly_lent == ["cy"]
    assert result.losing == []
    assert result.touched == [NeedWeek(need="n1", week=1)]
    assert (result.coverage.before, result.coverage.after) == (20 * 4, 20 * 8 + 20 * 4)


def test_without_moves_a_gap_nobody_free_can_fill_stays_open_with_its_reason() -> None:
    alone = a_round(
        staff=[a_staff("anne", normal_hours=20), a_staff("bo", normal_hours=20)],
        needs=[a_need("n1", hours=20, priority=4), a_need("n2", unit="school", hours=20)],
    )
    now = with_facts(alone, anne={"available": False})
    published = plan(("anne", "n1", 0, 20), ("bo", "n2", 0, 20))
    result = run(now, published, touched_staff=[StaffWeek(staff="anne", week=0)])
    assert changed(result) == {("anne", "n1", 0, 20, 0)}
    assert result.losing == ["anne"]
    assert [(u.need, u.hours) for u in result.unfilled] == [("n1", 20)]
    assert result.unfilled[0].reasons


def test_a_move_is_made_when_allowed_and_it_buys_higher_priority() -> None:
    alone = a_round(
        staff=[a_staff("anne", normal_hours=20), a_staff("bo", normal_hours=20)],
        needs=[a_need("n1", hours=20, priority=4), a_need("n2", unit="school", hours=20)],
    )
    now = with_facts(alone, anne={"available": False})
    published = plan(("anne", "n1", 0, 20), ("bo", "n2", 0, 20))
    result = run(now, published, touched_staff=[StaffWeek(staff="anne", week=0)], max_moves=1)
    assert changed(result) == {
        ("anne", "n1", 0, 20, 0),
        ("bo", "n2", 0, 20, 0),
        ("bo", "n1", 0, 0, 20),
    }
    assert result.metrics.people_moved == 1


def test_nobody_is_moved_for_a_need_of_the_same_priority() -> None:
    alike = a_round(
        staff=[a_staff("anne", normal_hours=20), a_staff("bo", normal_hours=20)],
        needs=[a_need("n1", hours=20), a_need("n2", unit="school", hours=20)],
    )
    now = with_facts(alike, anne={"available": False})
    published = plan(("anne", "n1", 0, 20), ("bo", "n2", 0, 20))
    result = run(now, published, touched_staff=[StaffWeek(staff="anne", week=0)], max_moves=5)
    assert changed(result) == {("anne", "n1", 0, 20, 0)}
    assert result.metrics.people_moved == 0


def test_a_shrunk_need_loses_hours_and_a_closed_one_ends() -> None:
    now = with_facts(two_weeks_at_the_ward(), n1={"hours": [12, 0]})
    result = run(
        now,
        PUBLISHED,
        touched_needs=[NeedWeek(need="n1", week=0), NeedWeek(need="n1", week=1)],
    )
    assert changed(result) == {("anne", "n1", 0, 20, 12), ("anne", "n1", 1, 20, 0)}
    kinds = {c.kind for c in result.changes}
    assert kinds == {ChangeKind.CHANGED, ChangeKind.ENDED}


def test_a_grown_need_is_topped_up_by_the_person_already_there_before_a_new_face() -> None:
    roomy = a_round(
        staff=[a_staff("anne", normal_hours=37), a_staff("cy", normal_hours=37)],
        needs=[a_need("n1", hours=20)],
    )
    now = with_facts(roomy, n1={"hours": 30})
    result = run(now, plan(("anne", "n1", 0, 20)), touched_needs=[NeedWeek(need="n1", week=0)])
    assert changed(result) == {("anne", "n1", 0, 20, 30)}


def test_a_need_the_events_do_not_touch_is_left_open_as_published() -> None:
    """Re-planning touched need-weeks only: an old gap elsewhere is not the repair's business."""
    now = with_facts(two_weeks_at_the_ward(), anne={"available": [True, False]})
    published = [a for a in PUBLISHED if a.need != "n2"]
    result = run(now, published, touched_staff=[StaffWeek(staff="anne", week=1)])
    assert {c.need for c in result.changes} == {"n1"}


def test_an_excluded_person_is_given_no_new_hours() -> None:
    now = with_facts(two_weeks_at_the_ward(), anne={"available": [True, False]})
    result = run(now, PUBLISHED, touched_staff=[StaffWeek(staff="anne", week=1)], excluded=["cy"])
    assert changed(result) == {("anne", "n1", 1, 20, 0)}


def test_a_pin_hr_adds_holds() -> None:
    data = two_weeks_at_the_ward().model_dump(mode="json")
    data["staff"][0]["available"] = [True, False]
    data["staff"].append(a_staff("dan", normal_hours=20))
    data["pinned"] = [an_assignment("dan", "n1", 1, 8)]
    now = RoundInput.model_validate(data)
    result = run(now, PUBLISHED, touched_staff=[StaffWeek(staff="anne", week=1)])
    assert ("dan", "n1", 1, 0, 8) in changed(result)
    assert ("cy", "n1", 1, 0, 12) in changed(result)


def test_a_pin_that_breaks_a_rule_makes_the_repair_infeasible_and_says_why() -> None:
    data = two_weeks_at_the_ward().model_dump(mode="json")
    data["pinned"] = [an_assignment("anne", "n1", 0, 30)]
    result = repair(RepairInput(round=RoundInput.model_validate(data), published=PUBLISHED))
    assert result.status == "infeasible"
    assert "rule 3" in result.messages[0]


def test_published_hours_today_s_facts_forbid_are_trimmed_even_if_no_event_names_them() -> None:
    now = with_facts(two_weeks_at_the_ward(), anne={"home_load": [0, 8]})
    result = run(now, PUBLISHED)
    hours = {(a.staff, a.need, a.week): a.hours for a in result.assignments}
    assert 0 < hours[("anne", "n1", 1)] <= 12
    assert hours[("anne", "n1", 1)] + hours[("cy", "n1", 1)] == 20


# --- properties -------------------------------------------------------------------------------


@st.composite
def repairs(draw: st.DrawFn) -> RepairInput:
    """A published plan (the greedy's), then events: people away or busier at home, needs
    grown, shrunk or closed, in random weeks."""
    original = draw(rounds(max_staff=5, max_needs=4, max_weeks=2))
    published = greedy_plan(original).assignments
    data = original.model_dump(mode="json")
    data["pinned"] = []
    touched_staff, touched_needs = [], []
    for person in data["staff"]:
        for week in range(original.weeks):
            event = draw(st.sampled_from(["none", "none", "away", "busier"]))
            if event == "away":
                person["available"][week] = False
            elif event == "busier":
                person["home_load"][week] = min(
                    person["normal_hours"], person["home_load"][week] + 8
                )
            if event != "none":
                touched_staff.append(StaffWeek(staff=person["id"], week=week))
    for need in data["needs"]:
        for week in range(original.weeks):
            if draw(st.integers(0, 3)) == 0:
                need["hours"][week] = draw(st.sampled_from([0, 4, 12.5, 30]))
                touched_needs.append(NeedWeek(need=need["id"], week=week))
    return RepairInput(
        round=RoundInput.model_validate(data),
        published=published,
        touched_staff=touched_staff,
        touched_needs=touched_needs,
        max_moves=draw(st.sampled_from([0, 0, 1, 3])),
    )


PROPERTIES = settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@PROPERTIES
@given(repairs())
def test_every_repair_keeps_the_hard_rules_and_covers_at_least_the_gaps_left_open(
    repair_input: RepairInput,
) -> None:
    result = repair(repair_input, QUICK)
    assert result.status in ("optimal", "feasible")
    assert violations(repair_input.round, as_round_result(result)) == []
    assert result.coverage.after >= result.coverage.before
    assert result.coverage.after <= result.coverage.bound + 1e-9
    covered = weighted_coverage(repair_input.round, as_round_result(result))
    assert covered >= result.coverage.before


@PROPERTIES
@given(repairs())
def test_without_moves_nothing_outside_the_touched_need_weeks_changes(
    repair_input: RepairInput,
) -> None:
    result = repair(repair_input.model_copy(update={"max_moves": 0}), QUICK)
    touched = {(t.need, t.week) for t in result.touched}
    assert all((c.need, c.week) in touched for c in result.changes)
    given_needs = {(t.need, t.week) for t in repair_input.touched_needs}
    assert given_needs <= touched


def test_a_person_left_with_less_than_a_block_ends_rather_than_keeping_a_sliver() -> None:
    now = with_facts(two_weeks_at_the_ward(), anne={"home_load": [0, 17]})
    result = run(now, PUBLISHED, touched_staff=[StaffWeek(staff="anne", week=1)])
    assert changed(result) == {("anne", "n1", 1, 20, 0), ("cy", "n1", 1, 0, 20)}


def test_disturbance_weighs_an_end_above_a_cut_above_an_addition() -> None:
    published = np.array([8, 8, 8, 0, 0])
    after = np.array([0, 4, 12, 8, 0])
    assert disturbance_of(after, published) == END_COST + SHRINK_COST + GROW_COST + GROW_COST
    assert END_COST > SHRINK_COST > GROW_COST
    assert most_disturbance(published) == 3 * END_COST + 2 * GROW_COST


def test_the_moves_rule_moves_no_more_people_than_allowed() -> None:
    crowded = a_round(
        staff=[
            a_staff("anne", normal_hours=20),
            a_staff("bo", normal_hours=10),
            a_staff("cy", normal_hours=10),
        ],
        needs=[
            a_need("n1", hours=20, priority=5),
            a_need("n2", unit="school", hours=10, min_block=10),
            a_need("n3", unit="lab", hours=10, min_block=10),
        ],
    )
    now = with_facts(crowded, anne={"available": False})
    published = plan(("anne", "n1", 0, 20), ("bo", "n2", 0, 10), ("cy", "n3", 0, 10))
    touched = [StaffWeek(staff="anne", week=0)]
    one = run(now, published, touched_staff=touched, max_moves=1)
    two = run(now, published, touched_staff=touched, max_moves=2)
    assert (one.metrics.people_moved, two.metrics.people_moved) == (1, 2)
    assert one.coverage.after < two.coverage.after


def test_a_repair_keeps_the_days_it_does_not_touch_and_gives_days_to_what_it_moves() -> None:
    weekdays = [{"days": ["mon", "tue", "wed", "thu", "fri"], "start": "07:00", "end": "15:00"}]
    ward = a_round(
        staff=[a_staff("anne", normal_hours=20), a_staff("bo", normal_hours=20)],
        needs=[
            a_need("n1", hours=15, priority=4, shift_times=weekdays),
            a_need("n2", unit="school", hours=15, shift_times=weekdays),
        ],
        weeks=2,
    )
    published = solve(ward, QUICK).assignments
    assert all(a.days for a in published)
    now = with_facts(ward, anne={"available": [True, False]})
    result = run(now, published, touched_staff=[StaffWeek(staff="anne", week=1)])
    untouched = [a for a in published if (a.staff, a.week) != ("anne", 1)]
    assert all(a in result.assignments for a in untouched)


def test_a_repair_brings_no_more_new_people_than_the_unit_can_introduce() -> None:
    # The ward introduces one new person a week. Anne is away in week 1: of bo and cy, who
    # could fill her 37 hours together, only one may come new.
    round_input = a_round(
        staff=[a_staff("anne"), a_staff("bo", normal_hours=20), a_staff("cy", normal_hours=20)],
        needs=[a_need("n1", hours=[37, 37])],
        weeks=2,
        intro_capacity={"ward": 1},
    )
    published = plan(("anne", "n1", 0, 37), ("anne", "n1", 1, 37))
    away = with_facts(round_input, anne={"available": [True, False]})
    result = run(away, published, touched_staff=[StaffWeek(staff="anne", week=1)])
    week_1 = {a.staff for a in result.assignments if a.week == 1}
    assert len(week_1) == 1
    assert sum(a.hours for a in result.assignments if a.week == 1) == 20


def learner_beside_anne(*holders: str) -> tuple[RoundInput, list[Assignment]]:
    """Anne, a nurse, published at n1 with leo learning beside her; other `holders` free;
    anne is now away."""
    learning = a_round(
        staff=[
            *(a_staff(h, normal_hours=20) for h in ("anne", *holders)),
            a_staff("leo", skills=["cook"], learn_skills=["nurse"], normal_hours=20),
        ],
        needs=[a_need("n1", hours=20, learner_share=0)],
    )
    published = [
        *plan(("anne", "n1", 0, 20)),
        Assignment(staff="leo", need="n1", week=0, hours=20, learner=True),
    ]
    return with_facts(learning, anne={"available": False}), published


def test_a_learner_stays_beside_the_holder_who_fills_an_absence() -> None:
    now, published = learner_beside_anne("bo")
    result = run(now, published, touched_staff=[StaffWeek(staff="anne", week=0)])
    assert changed(result) == {("anne", "n1", 0, 20, 0), ("bo", "n1", 0, 0, 20)}
    assert [(a.staff, a.learner) for a in result.assignments if a.staff == "leo"] == [("leo", True)]


def test_a_learner_whose_holder_is_gone_goes_too() -> None:
    now, published = learner_beside_anne()
    result = run(now, published, touched_staff=[StaffWeek(staff="anne", week=0)])
    assert result.assignments == []
    ended = {c.staff: c.learner for c in result.changes}
    assert ended == {"anne": False, "leo": True}
