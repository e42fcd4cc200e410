"""Property tests over random small rounds: every plan keeps rules 1–11 (checked by an
independent checker), never beats the bound, keeps its pins, and on tiny rounds reaches the
brute-force optimum of term 1. Rounds with shift times keep day rules a–e too, and a
version-1 round plans alike read as version 1 or with version 2's defaults written out."""

from __future__ import annotations

from functools import cache
from itertools import product
from typing import Any

from hypothesis import HealthCheck, given, note, settings
from hypothesis import strategies as st

from solver import greedy_plan, upper_bound
from solver.contract import ReasonDetail, RoundInput, RoundResult
from solver.lp_bound import lp_upper_bound
from solver.round_input import VERSION_2_FIELDS
from tests.solver.builders import a_need, a_round, a_shift, a_staff, solve_quickly
from tests.solver.checker import hours_a_day, violations, weighted_coverage

UNITS = ["ward", "school", "lab"]
SKILLS = ["nurse", "teacher"]
SHIFTS = ["day", "evening"]
half_hours = st.integers(min_value=0, max_value=24).map(lambda h: h / 2)
LEARNER_SHARES = st.none() | st.sampled_from([0, 0.25, 0.5, 1])
"""A need takes no learners (none), or takes them at this share of a covered hour."""


@st.composite
def rounds(
    draw: st.DrawFn,
    max_staff: int = 5,
    max_needs: int = 4,
    max_weeks: int = 2,
    learners: bool = True,
) -> RoundInput:
    """Small rounds; with `learners`, people may want to learn a skill and needs may take
    learners (rule 11)."""
    weeks = draw(st.integers(1, max_weeks))
    staff = [
        a_staff(
            f"s{i}",
            home_unit=draw(st.sampled_from(UNITS)),
            skills=draw(st.lists(st.sampled_from(SKILLS), min_size=1, max_size=2, unique=True)),
            normal_hours=draw(st.integers(0, 16)),
            home_load=draw(st.lists(half_hours, min_size=weeks, max_size=weeks)),
            available=draw(st.lists(st.booleans(), min_size=weeks, max_size=weeks)),
            shifts=draw(st.lists(st.sampled_from(SHIFTS), min_size=1, max_size=2, unique=True)),
            risk_group=draw(st.booleans()),
            avoid_units=draw(st.lists(st.sampled_from(UNITS), max_size=1)),
            past_units=draw(st.lists(st.sampled_from(UNITS), max_size=1)),
            learn_skills=draw(st.lists(st.sampled_from(SKILLS), max_size=1)) if learners else (),
        )
        for i in range(draw(st.integers(1, max_staff)))
    ]
    needs = [
        a_need(
            f"n{j}",
            unit=draw(st.sampled_from(UNITS)),
            skill=draw(st.sampled_from(SKILLS)),
            hours=draw(st.lists(half_hours, min_size=weeks, max_size=weeks)),
            shift=draw(st.sampled_from(SHIFTS)),
            priority=draw(st.integers(1, 5)),
            exposed=draw(st.booleans()),
            min_block=draw(st.sampled_from([1, 2.5, 4])),
            learner_share=draw(LEARNER_SHARES) if learners else None,
        )
        for j in range(draw(st.integers(1, max_needs)))
    ]
    max_units = draw(st.integers(1, 2))
    limits = draw(st.dictionaries(st.sampled_from(UNITS), st.integers(0, 2)))
    round_input = a_round(
        staff=staff,
        needs=needs,
        weeks=weeks,
        max_units_per_week=max_units,
        intro_capacity=limits,
    )
    # Pins: a few entries of a plan that keeps every rule are themselves valid.
    plan = greedy_plan(round_input).assignments
    chosen = draw(st.lists(st.sampled_from(plan), max_size=2, unique=True)) if plan else []
    data = round_input.model_dump(mode="json")
    data["pinned"] = [a.model_dump(mode="json") for a in chosen]
    return RoundInput.model_validate(data)


SETTINGS = settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@SETTINGS
@given(rounds())
def test_every_plan_keeps_the_hard_rules_and_the_bound(round_input: RoundInput) -> None:
    result = solve_quickly(round_input, time_limit=3)
    assert result.status in ("optimal", "feasible")
    assert violations(round_input, result) == []
    coverage = weighted_coverage(round_input, result)
    assert abs(coverage - result.metrics.weighted_coverage) < 1e-9
    assert coverage <= upper_bound(round_input) + 1e-9
    assert result.metrics.upper_bound == upper_bound(round_input)


@SETTINGS
@given(rounds())
def test_greedy_plan_keeps_the_hard_rules(round_input: RoundInput) -> None:
    result = greedy_plan(round_input)
    assert violations(round_input, result) == []
    assert result.metrics.weighted_coverage <= result.metrics.upper_bound + 1e-9


@st.composite
def rounds_with_learners(draw: st.DrawFn) -> RoundInput:
    """Rounds where learning comes into play: holders of the nurse skill and people who
    want to learn it, needs that mostly take learners at some share, some with shift times,
    and pins drawn from a solved plan (learners among them)."""
    weeks = draw(st.integers(1, 2))
    staff = [
        a_staff(
            f"s{i}",
            home_unit=draw(st.sampled_from(UNITS)),
            skills=["nurse"] if i < holders else ["teacher"],
            learn_skills=[] if i < holders else ["nurse"],
            normal_hours=draw(st.integers(0, 74)) / 2,
            home_load=draw(st.lists(half_hours, min_size=weeks, max_size=weeks)),
            available=draw(st.lists(MOSTLY_TRUE, min_size=weeks, max_size=weeks)),
            avoid_units=draw(st.lists(st.sampled_from(UNITS), max_size=1)),
            past_units=draw(st.lists(st.sampled_from(UNITS), max_size=1)),
        )
        for holders in [draw(st.integers(1, 3))]
        for i in range(holders + draw(st.integers(1, 3)))
    ]
    needs = [
        a_need(
            f"n{j}",
            unit=draw(st.sampled_from(UNITS)),
            skill=draw(st.sampled_from(["nurse", "nurse", "teacher"])),
            hours=draw(
                st.lists(st.integers(0, 80).map(lambda h: h / 2), min_size=weeks, max_size=weeks)
            ),
            priority=draw(st.integers(1, 5)),
            min_block=draw(st.sampled_from([1, 2.5, 4])),
            shift_times=draw(st.none() | shift_patterns("day")),
            learner_share=draw(st.sampled_from([0, 0.25, 0.5, 1, None])),
        )
        for j in range(draw(st.integers(1, 3)))
    ]
    round_input = a_round(
        staff=staff,
        needs=needs,
        weeks=weeks,
        max_units_per_week=draw(st.integers(1, 2)),
        intro_capacity=draw(st.dictionaries(st.sampled_from(UNITS), st.integers(0, 3), max_size=1)),
    )
    return with_pins_from_a_valid_plan(draw, round_input)


@SETTINGS
@given(rounds_with_learners())
def test_every_plan_with_learners_keeps_the_hard_rules_and_the_bound(
    round_input: RoundInput,
) -> None:
    result = solved_within_the_rules(round_input)
    assert result.metrics.weighted_coverage <= upper_bound(round_input) + 1e-9
    assert result.metrics.weighted_coverage <= lp_upper_bound(round_input) + 1e-6
    learners = {(a.staff, a.need) for a in result.assignments if a.learner}
    assert result.metrics.learners_placed == len(learners)


@SETTINGS
@given(rounds_with_learners())
def test_greedy_plan_with_learners_keeps_the_hard_rules(round_input: RoundInput) -> None:
    note(round_input.model_dump_json(exclude_defaults=True))
    assert violations(round_input, greedy_plan(round_input)) == []


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(rounds(max_staff=3, max_needs=2, max_weeks=1, learners=False))
def test_term_one_matches_brute_force_on_tiny_rounds(round_input: RoundInput) -> None:
    result = solve_quickly(round_input, time_limit=3)
    assert weighted_coverage(round_input, result) == brute_force_coverage(round_input)


def brute_force_coverage(round_input: RoundInput) -> float:
    """Best term 1 by enumerating every person's share of every need, week by week (rule 10
    counts newcomers per week alone, exact for the one-week rounds it is used on)."""
    return sum(_best_week(round_input, w) for w in range(round_input.weeks))


def _best_week(round_input: RoundInput, week: int) -> float:
    needs = round_input.needs
    pinned = {(p.staff, p.need): p.hours for p in round_input.pinned if p.week == week}
    staff = round_input.staff
    limit = round_input.rules.max_units_per_week

    def options(person: Any) -> list[tuple[float, ...]]:
        cap = (
            max(0.0, person.normal_hours - person.home_load[week])
            if person.available[week]
            else 0.0
        )
        per_need: list[list[float]] = []
        for n in needs:
            allowed = (
                n.skill in person.skills
                and n.shift in person.shifts
                and n.unit != person.home_unit
                and n.unit not in person.avoid_units
                and not (person.risk_group and n.exposed)
            )
            smallest = min(n.min_block, n.hours[week])
            top = min(cap, n.hours[week])
            values = [0.0]
            if allowed:
                values += [h / 2 for h in range(1, int(top * 2) + 1) if h / 2 >= smallest]
            if (person.id, n.id) in pinned:
                values = [pinned[(person.id, n.id)]]
            per_need.append(values)
        return [
            combo
            for combo in product(*per_need)
            if sum(combo) <= cap
            and len({n.unit for n, h in zip(needs, combo, strict=True) if h > 0}) <= limit
        ]

    choices = [options(p) for p in staff]
    units = [u.id for u in round_input.units]

    def newcomer_at(person: Any, combo: tuple[float, ...]) -> tuple[int, ...]:
        """Per unit, 1 where the combo brings the person there new (rule 10, one week)."""
        going = {n.unit for n, h in zip(needs, combo, strict=True) if h > 0}
        return tuple(int(u in going and u not in person.past_units) for u in units)

    @cache
    def best(i: int, left: tuple[float, ...], intros: tuple[int, ...]) -> float:
        if i == len(staff):
            return 0.0
        top = -1.0
        for combo in choices[i]:
            new = newcomer_at(staff[i], combo)
            if all(h <= r for h, r in zip(combo, left, strict=True)) and all(
                n <= r for n, r in zip(new, intros, strict=True)
            ):
                gain = sum(2 ** (n.priority - 1) * h for n, h in zip(needs, combo, strict=True))
                rest = tuple(r - h for r, h in zip(left, combo, strict=True))
                still = tuple(r - n for r, n in zip(intros, new, strict=True))
                top = max(top, gain + best(i + 1, rest, still))
        return top

    limits = tuple(
        len(staff) if u.intro_capacity is None else u.intro_capacity for u in round_input.units
    )
    return best(0, tuple(n.hours[week] for n in needs), limits)


WEEKDAYS = ["mon", "tue", "wed", "thu", "fri", "sat", "sun"]
SHIFT_TIMES = {
    "day": [("07:00", "15:00"), ("08:00", "16:00"), ("07:00", "19:00"), ("09:00", "13:00")],
    "evening": [("15:00", "23:00"), ("14:00", "22:00"), ("16:00", "00:00")],
    "night": [("22:00", "06:00"), ("23:00", "07:00"), ("19:00", "07:00")],
}
"""Times a shift of each kind may have: whole days, long days, short ones, past midnight."""
DAY_SHIFTS = list(SHIFT_TIMES)


@st.composite
def shift_patterns(draw: st.DrawFn, kind: str) -> list[dict[str, Any]]:
    """Some weekdays, split into one or two shifts; the second may be of any kind (a day
    need's long Saturday, an evening need's Sunday night)."""
    days = draw(st.lists(st.sampled_from(WEEKDAYS), min_size=1, max_size=7, unique=True))
    split = draw(st.integers(1, len(days)))
    first, second = days[:split], days[split:]
    patterns = [a_shift(first, *draw(st.sampled_from(SHIFT_TIMES[kind])))]
    if second:
        other = draw(st.sampled_from(DAY_SHIFTS))
        patterns.append(a_shift(second, *draw(st.sampled_from(SHIFT_TIMES[other]))))
    return patterns


@st.composite
def rounds_with_days(
    draw: st.DrawFn, max_staff: int = 4, max_needs: int = 3, max_weeks: int = 2
) -> RoundInput:
    """Rounds whose needs mostly have shift times (some planned by the week), and whose
    staff may be away on some days only and may have their own daily hours. Most people
    could take most needs, so that days, rest and one place a day come into play."""
    weeks = draw(st.integers(1, max_weeks))
    staff = []
    for i in range(draw(st.integers(1, max_staff))):
        normal_hours = draw(st.integers(0, 74)) / 2
        home_load = st.just(0.0) | st.integers(0, int(normal_hours * 2)).map(lambda h: h / 2)
        staff.append(
            a_staff(
                f"s{i}",
                home_unit=draw(st.sampled_from(UNITS)),
                skills=draw(st.sampled_from([["nurse"], ["nurse", "teacher"], ["teacher"]])),
                normal_hours=normal_hours,
                home_load=draw(st.lists(home_load, min_size=weeks, max_size=weeks)),
                available=draw(st.lists(MOSTLY_TRUE, min_size=weeks, max_size=weeks)),
                shifts=draw(st.sampled_from(SHIFT_SETS)),
                avoid_units=draw(st.lists(st.sampled_from(UNITS), max_size=1)),
                away_days=draw(
                    st.none() | st.lists(st.sampled_from(WEEKDAYS), max_size=7, unique=True)
                ),
                daily_hours=draw(st.none() | st.integers(2, 26).map(lambda h: h / 2)),
                learn_skills=draw(st.lists(st.sampled_from(SKILLS), max_size=1)),
            )
        )
    needs = []
    for j in range(draw(st.integers(1, max_needs))):
        kind = draw(st.sampled_from(DAY_SHIFTS))
        by_day = draw(st.integers(0, 3)) > 0
        needs.append(
            a_need(
                f"n{j}",
                unit=draw(st.sampled_from(UNITS)),
                skill=draw(st.sampled_from(["nurse", "nurse", "teacher"])),
                hours=draw(
                    st.lists(
                        st.integers(0, 80).map(lambda h: h / 2), min_size=weeks, max_size=weeks
                    )
                ),
                shift=kind,
                priority=draw(st.integers(1, 5)),
                min_block=draw(st.sampled_from([1, 2.5, 4, 6])),
                shift_times=draw(shift_patterns(kind)) if by_day else None,
                learner_share=draw(LEARNER_SHARES),
            )
        )
    max_units = draw(st.integers(1, 2))
    round_input = a_round(
        staff=staff,
        needs=needs,
        weeks=weeks,
        max_units_per_week=max_units,
        intro_capacity=draw(st.dictionaries(st.sampled_from(UNITS), st.integers(0, 2))),
    )
    return with_pins_from_a_valid_plan(draw, round_input)


MOSTLY_TRUE = st.sampled_from([True, True, True, False])
SHIFT_SETS = [DAY_SHIFTS, DAY_SHIFTS, ["day", "evening"], ["evening", "night"], ["day"], ["night"]]


def with_pins_from_a_valid_plan(draw: st.DrawFn, round_input: RoundInput) -> RoundInput:
    """Up to two entries of a solved plan as pins, with or without their days, when that
    plan keeps every rule (so the pins can be kept together), and beside a pinned learner
    the holders of that need-week."""
    plan = solve_quickly(round_input, time_limit=2)
    if not plan.assignments or violations(round_input, plan):
        return round_input
    chosen = draw(st.lists(st.sampled_from(plan.assignments), max_size=2, unique=True))
    # A pinned learner needs the holders beside them pinned too (rule 11).
    learning = {(a.need, a.week) for a in chosen if a.learner}
    chosen += [
        a
        for a in plan.assignments
        if not a.learner and (a.need, a.week) in learning and a not in chosen
    ]
    data = round_input.model_dump(mode="json")
    data["pinned"] = [
        a.model_dump(mode="json", exclude={"days"} if draw(st.booleans()) else set())
        for a in chosen
    ]
    return RoundInput.model_validate(data)


@SETTINGS
@given(rounds_with_days())
def test_every_plan_with_days_keeps_the_day_rules(round_input: RoundInput) -> None:
    result = solved_within_the_rules(round_input)
    assert result.metrics.weighted_coverage <= result.metrics.upper_bound + 1e-9


def solved_within_the_rules(round_input: RoundInput) -> RoundResult:
    """The round solved: a plan keeping every hard rule, whose term 1 is what its
    assignments add up to."""
    note(round_input.model_dump_json(exclude_defaults=True))
    result = solve_quickly(round_input, time_limit=3)
    assert result.status in ("optimal", "feasible"), result.messages
    assert violations(round_input, result) == []
    assert abs(weighted_coverage(round_input, result) - result.metrics.weighted_coverage) < 1e-9
    return result


@SETTINGS
@given(rounds_with_days())
def test_greedy_plan_with_days_keeps_the_day_rules(round_input: RoundInput) -> None:
    note(round_input.model_dump_json(exclude_defaults=True))
    result = greedy_plan(round_input)
    assert violations(round_input, result) == []


@SETTINGS
@given(rounds_with_days())
def test_a_plan_proven_optimal_never_blames_the_time_limit(round_input: RoundInput) -> None:
    note(round_input.model_dump_json(exclude_defaults=True))
    result = solve_quickly(round_input, time_limit=3)
    blamed = [
        u.need
        for u in result.unfilled
        for r in u.reasons
        if r.values is not None and r.values.detail is ReasonDetail.TIME_LIMIT
    ]
    assert result.status != "optimal" or blamed == []


@SETTINGS
@given(rounds())
def test_a_version_1_round_plans_alike_with_version_2_defaults_written_out(
    round_input: RoundInput,
) -> None:
    as_version_1 = RoundInput.model_validate(version_1_snapshot(round_input))
    written_out = RoundInput.model_validate(with_version_2_defaults(as_version_1))
    assert as_version_1.schema_version == written_out.schema_version == 2
    planned = weekly_assignments(solve_quickly(as_version_1, time_limit=3))
    assert planned == weekly_assignments(solve_quickly(written_out, time_limit=3))
    assert all(days == () for *_, days in planned)


def version_1_snapshot(round_input: RoundInput) -> dict[str, Any]:
    """The round as version 1 wrote it: without version 2's fields."""
    data = round_input.model_dump(mode="json")
    data["schema_version"] = 1
    for section, fields in VERSION_2_FIELDS.items():
        for row in data[section]:
            for field in fields:
                del row[field]
    return data


def with_version_2_defaults(round_input: RoundInput) -> dict[str, Any]:
    """The round as version 2 with every default spelt out: away every day, daily hours a
    fifth of normal hours (rounded up), no shift times, pins without days."""
    data = round_input.model_dump(mode="json")
    for person, staff in zip(data["staff"], round_input.staff, strict=True):
        person["away_days"] = list(WEEKDAYS)
        person["daily_hours"] = hours_a_day(staff) or None  # 0 is no daily hours
    return data


def weekly_assignments(result: RoundResult) -> list[tuple[str, str, int, float, tuple[Any, ...]]]:
    return sorted((a.staff, a.need, a.week, a.hours, a.days) for a in result.assignments)
