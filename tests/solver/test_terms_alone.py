"""Each objective term alone on a fixed plan: its value is what the term says, in the
solver's units (half-hours, two to the hour)."""

from __future__ import annotations

from solver.objective import (
    continuity_term,
    coverage_term,
    experience_term,
    fairness_term,
    home_load_term,
    introduction_cost_term,
    learner_coverage_term,
    learning_term,
    preference_term,
    year_fairness_term,
)
from tests.solver.builders import a_need, a_round, a_staff, an_assignment
from tests.solver.verdicts import term_value


def test_coverage_term_weighs_hours_by_priority() -> None:
    round_input = a_round(
        staff=[a_staff("anne"), a_staff("bob")],
        needs=[a_need("n1", priority=3), a_need("n2", unit="lab", priority=1)],
    )
    plan = {("anne", "n1", 0): 10, ("bob", "n2", 0): 5}
    # Σ 2^(priority−1) · half-hours: 4 · 20 + 1 · 10.
    assert term_value(coverage_term, round_input, plan) == 90


def test_home_load_term_weighs_hours_by_the_share_still_needed_at_home() -> None:
    round_input = a_round(
        staff=[a_staff("anne", home_load=[0]), a_staff("bob", normal_hours=40, home_load=[20])],
        needs=[a_need("n1", hours=[20])],
    )
    plan = {("anne", "n1", 0): 10, ("bob", "n1", 0): 8}
    # Anne has nothing left at home (level 0); bob half of his 40 hours (level 5 tenths):
    # 0 · 20 + 5 · 16.
    assert term_value(home_load_term, round_input, plan) == 80


def test_continuity_term_counts_introductions_less_previous_assignments_kept() -> None:
    round_input = a_round(
        staff=[a_staff("anne"), a_staff("bob")],
        needs=[a_need("n1", hours=[20, 20])],
        weeks=2,
        previous=[an_assignment("bob", "n1", 1, 8), an_assignment("anne", "n1", 0, 8)],
    )
    plan = {("anne", "n1", 0): 0, ("anne", "n1", 1): 10, ("bob", "n1", 0): 4, ("bob", "n1", 1): 4}
    # Two people meet n1 (anne in week 1, bob in both weeks): 2 introductions; of the
    # previous assignments bob's in week 1 is kept, anne's in week 0 is not: 2 − 1.
    assert term_value(continuity_term, round_input, plan) == 1


def test_fairness_term_counts_half_hours_beyond_each_fair_share() -> None:
    round_input = a_round(
        staff=[a_staff("anne", normal_hours=20), a_staff("bob", normal_hours=20)],
        needs=[a_need("n1", hours=[20]), a_need("n2", unit="lab", hours=[20])],
    )
    plan = {("anne", "n1", 0): 15, ("bob", "n2", 0): 5}
    # 20 of 40 hours planned: utilisation 0.5, so each one's fair share is 10 hours
    # (20 half-hours); anne has 30 half-hours, 10 beyond it, bob none.
    assert term_value(fairness_term, round_input, plan) == 10


def test_preference_term_counts_half_hours_outside_preferred_areas() -> None:
    round_input = a_round(
        staff=[a_staff("anne", preferred_areas=["Health"]), a_staff("bob")],
        needs=[a_need("n1", unit="clinic"), a_need("n2", unit="school")],
        areas={"clinic": "Health", "school": "Schools", "home": "Admin"},
    )
    plan = {("anne", "n1", 0): 5, ("anne", "n2", 0): 6, ("bob", "n2", 0): 8}
    # Only anne named areas; her 6 hours at the school are outside them. Bob named none.
    assert term_value(preference_term, round_input, plan) == 12


def test_introduction_cost_term_alone() -> None:
    # The ward spends 4 hours introducing someone new; bob worked there before.
    round_input = a_round(
        staff=[a_staff("anne"), a_staff("bob", past_units=["ward"])],
        needs=[a_need("n1", hours=[20, 20], priority=2), a_need("n2", hours=[20, 20])],
        weeks=2,
        intro_hours={"ward": 4},
    )
    # One introduction of anne over both weeks and needs, priced at the ward's weightiest
    # need she may take (n2, priority 3: weight 4): 8 half-hours x 4.
    anne = {("anne", "n1", 0): 8, ("anne", "n2", 1): 8}
    assert term_value(introduction_cost_term, round_input, anne) == 32
    assert term_value(introduction_cost_term, round_input, {("bob", "n1", 0): 8}) == 0


def test_experience_term_alone() -> None:
    # Anne worked at the ward before; the lab is in the ward's area, the school is not.
    round_input = a_round(
        staff=[a_staff("anne", past_units=["ward"])],
        needs=[a_need("n1"), a_need("n2", unit="lab"), a_need("n3", unit="school")],
        areas={"ward": "care", "lab": "care", "school": "schools"},
    )
    assert term_value(experience_term, round_input, {("anne", "n1", 0): 8}) == 2 * 16
    assert term_value(experience_term, round_input, {("anne", "n2", 0): 8}) == 16
    assert term_value(experience_term, round_input, {("anne", "n3", 0): 8}) == 0


def test_year_fairness_term_alone() -> None:
    # Both can lend 37 h this week and could lend 370 h last year; anne was lent 100 h of it.
    def person(name: str, lent: float) -> dict[str, object]:
        return {**a_staff(name), "lent_last_year": lent, "capacity_last_year": 370}

    round_input = a_round(
        staff=[person("anne", 100), person("bob", 0)],
        needs=[a_need("n1", hours=[40])],
    )
    # With 40 h planned, 140 h lent of 814 h capacity over the year: a fair share is 70 h
    # each less what they were lent, so anne has room for none of the 40, bob for all.
    to_bob = {("bob", "n1", 0): 20, ("anne", "n1", 0): 20}
    assert term_value(year_fairness_term, round_input, to_bob) > 0
    assert term_value(year_fairness_term, round_input, {("bob", "n1", 0): 37}) == 0


def test_learner_coverage_term_weighs_learner_hours_by_priority_and_share() -> None:
    round_input = a_round(
        staff=[a_staff("anne"), a_staff("leo", skills=["cook"], learn_skills=["nurse"])],
        needs=[a_need("n1", hours=[30], priority=3, learner_share=0.25)],
    )
    plan = {("anne", "n1", 0): 10, ("leo", "n1", 0): 8}
    # Only the learner's half-hours, at 4 per half-hour (priority 3) times 25 hundredths:
    # −(16 · 4 · 25); the holder's hours are term 1's.
    assert term_value(learner_coverage_term, round_input, plan) == -1600


def test_learning_term_prefers_learners_with_little_home_load() -> None:
    round_input = a_round(
        staff=[
            a_staff("anne"),
            a_staff("leo", skills=["cook"], learn_skills=["nurse"], home_load=[0]),
            a_staff(
                "lia", skills=["cook"], learn_skills=["nurse"], normal_hours=40, home_load=[20]
            ),
        ],
        needs=[a_need("n1", hours=[30], learner_share=0)],
    )
    # Leo has nothing left at home (11 per half-hour), lia half her hours (11 − 5 = 6).
    assert (
        term_value(learning_term, round_input, {("anne", "n1", 0): 10, ("leo", "n1", 0): 4}) == -88
    )
    assert (
        term_value(learning_term, round_input, {("anne", "n1", 0): 10, ("lia", "n1", 0): 4}) == -48
    )
