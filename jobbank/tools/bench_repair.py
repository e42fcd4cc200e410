"""`jobbank bench --repair`: repairing a published plan, against re-solving the round.

Per size and seed, in a fresh process: generate the round (`fixtures.generator`), solve it
(the published plan), then for each scenario change its facts, repair the plan with moves
off (`solver.repair`), and re-solve the whole round with the published plan as `previous`
(what HR could do without repairs). Scenarios:

- absence: the person lent in three weeks with the most hours is away in those weeks;
- outbreak: 30 lent people away for one to three of their weeks, and 20 needs changed at
  once (10 grown by half, 5 halved, 5 closed from the second week);
- outbreak, 10 moves: the same, with HR allowing up to 10 people moved to higher priority.

Columns:

- events: absences and need changes in the scenario;
- touched: need-weeks the repair re-planned; rows: assignment-weeks it could change;
- repair s: the repair's wall time (facts to change set, in the measuring process), within
  the repair's own limit of 10 s (or the bench's time limit, if lower);
- vs re-solve: the repair's weighted coverage of the touched weeks / the re-solve's;
- of bound: the repair's weighted coverage of the touched weeks / their flow bound;
- changes, disturbed: assignment-weeks changed and people whose plan changed, by the repair;
- moved: people moved from outside the touched need-weeks (0 with moves off);
- outside: changes outside the touched need-weeks (with moves off, always 0);
- re-solve s, re-solve disturbed: the same for the full re-solve.
"""

from __future__ import annotations

import random
import time
from collections import defaultdict
from collections.abc import Callable
from dataclasses import asdict, dataclass
from typing import TYPE_CHECKING, Any

from jobbank.tools.bench import (
    SIZES,
    Columns,
    in_fresh_process,
    measure_sizes,
)

if TYPE_CHECKING:
    from solver import SolveOptions
    from solver.contract import Assignment, RepairInput, RoundInput

SCENARIOS = ("absence", "outbreak", "outbreak, 10 moves")
OUTBREAK_MOVES = 10
OUTBREAK_ABSENCES, OUTBREAK_NEED_CHANGES = 30, 20

REPAIR_COLUMNS: Columns = (
    ("size", "{:<7}"),
    ("seed", "{:>5}"),
    ("scenario", "{:<18}"),
    ("events", "{:>6}"),
    ("touched", "{:>8}"),
    ("rows", "{:>6}"),
    ("repair_seconds", "{:>9.2f}"),
    ("vs_resolve", "{:>11.4f}"),
    ("of_bound", "{:>9.4f}"),
    ("changes", "{:>8}"),
    ("disturbed", "{:>10}"),
    ("moved", "{:>6}"),
    ("outside", "{:>8}"),
    ("resolve_seconds", "{:>11.2f}"),
    ("resolve_disturbed", "{:>18}"),
)
REPAIR_HEADINGS = {
    "repair_seconds": "repair s",
    "vs_resolve": "vs re-solve",
    "of_bound": "of bound",
    "resolve_seconds": "re-solve s",
    "resolve_disturbed": "re-solve disturbed",
}


@dataclass(frozen=True)
class RepairRow:
    """One scenario's measurements."""

    size: str
    seed: int
    scenario: str
    events: int
    touched: int
    rows: int
    repair_seconds: float
    vs_resolve: float
    of_bound: float
    changes: int
    disturbed: int
    moved: int
    outside: int
    resolve_seconds: float
    resolve_disturbed: int


def run_repair_bench(
    sizes: list[str],
    *,
    seeds: list[int],
    time_limit: float | None = None,
    workers: int = 2,
    out: Callable[[str], None] = print,
) -> list[RepairRow]:
    """Measure each size and seed in a fresh process, printing rows as they arrive."""

    def measured(size: str, seed: int, limit: float) -> list[RepairRow]:
        found: list[dict[str, Any]] = in_fresh_process(measure_repairs, size, seed, limit, workers)
        return [RepairRow(**values) for values in found]

    return measure_sizes(
        sizes,
        seeds,
        measured,
        time_limit=time_limit,
        out=out,
        columns=REPAIR_COLUMNS,
        headings=REPAIR_HEADINGS,
    )


def measure_repairs(size: str, seed: int, time_limit: float, workers: int) -> list[dict[str, Any]]:
    """Publish one generated round, then repair and re-solve each scenario (in this process)."""
    from fixtures.generator import generate_round
    from solver import SolveOptions, solve

    staff, needs, weeks = SIZES[size]
    round_input = generate_round(staff=staff, needs=needs, weeks=weeks, seed=seed)
    options = SolveOptions(time_limit=time_limit, workers=workers, seed=seed)
    published = solve(round_input, options).assignments
    rows = []
    for scenario in SCENARIOS:
        repair_input = EVENTS[scenario](round_input, published, random.Random(seed))
        rows.append(asdict(_measure(size, seed, scenario, repair_input, options)))
    return rows


def _measure(
    size: str, seed: int, scenario: str, repair_input: RepairInput, options: SolveOptions
) -> RepairRow:
    from solver import SolveOptions, solve
    from solver.repair import REPAIR_TIME_LIMIT, repair

    limit = min(REPAIR_TIME_LIMIT, options.time_limit)
    started = time.monotonic()
    result = repair(repair_input, SolveOptions(time_limit=limit, workers=options.workers))
    repair_seconds = time.monotonic() - started
    previous = repair_input.round.model_copy(update={"previous": repair_input.published})
    started = time.monotonic()
    again = solve(previous, options)
    resolve_seconds = time.monotonic() - started
    weeks = set(result.coverage.weeks)
    weights = {n.id: 1 << (n.priority - 1) for n in repair_input.round.needs}
    resolved = sum(weights[a.need] * a.hours for a in again.assignments if a.week in weeks)
    touched = {(t.need, t.week) for t in result.touched}
    bound = result.coverage.bound
    return RepairRow(
        size=size,
        seed=seed,
        scenario=scenario,
        events=len({t.staff for t in repair_input.touched_staff})
        + len({t.need for t in repair_input.touched_needs}),
        touched=len(touched),
        rows=result.metrics.model_rows,
        repair_seconds=repair_seconds,
        vs_resolve=result.coverage.after / resolved if resolved else 1.0,
        of_bound=result.coverage.after / bound if bound else 1.0,
        changes=len(result.changes),
        disturbed=result.metrics.people_disturbed,
        moved=result.metrics.people_moved,
        outside=sum(1 for c in result.changes if (c.need, c.week) not in touched),
        resolve_seconds=resolve_seconds,
        resolve_disturbed=len(_disturbed(repair_input.published, again.assignments)),
    )


def _disturbed(before: list[Assignment], after: list[Assignment]) -> set[str]:
    """People whose (need, week, hours) differ between two plans."""
    mine: dict[str, set[tuple[str, int, float]]] = defaultdict(set)
    theirs: dict[str, set[tuple[str, int, float]]] = defaultdict(set)
    for a in before:
        mine[a.staff].add((a.need, a.week, a.hours))
    for a in after:
        theirs[a.staff].add((a.need, a.week, a.hours))
    return {s for s in mine.keys() | theirs.keys() if mine[s] != theirs[s]}


def _lent_weeks(published: list[Assignment]) -> dict[str, dict[int, float]]:
    weeks: dict[str, dict[int, float]] = defaultdict(lambda: defaultdict(float))
    for a in published:
        weeks[a.staff][a.week] += a.hours
    return weeks


def one_absence(
    round_input: RoundInput, published: list[Assignment], rng: random.Random
) -> RepairInput:
    """The person lent in three weeks with the most hours is away in those weeks."""
    from solver.contract import RepairInput, StaffWeek

    lent = _lent_weeks(published)
    three = [s for s, weeks in lent.items() if len(weeks) == 3] or list(lent)
    person = max(sorted(three), key=lambda s: sum(lent[s].values()))
    away = {person: sorted(lent[person])}
    return RepairInput(
        round=_with_absences(round_input, away),
        published=published,
        touched_staff=[StaffWeek(staff=person, week=w) for w in away[person]],
    )


def outbreak(
    round_input: RoundInput, published: list[Assignment], rng: random.Random
) -> RepairInput:
    """30 lent people away for one to three of their weeks, 20 needs changed at once."""
    from solver.contract import NeedWeek, RepairInput, StaffWeek

    lent = _lent_weeks(published)
    people = rng.sample(sorted(lent), min(OUTBREAK_ABSENCES, len(lent)))
    away = {s: sorted(rng.sample(sorted(lent[s]), rng.randint(1, len(lent[s])))) for s in people}
    away = {s: weeks[:3] for s, weeks in away.items()}
    changed = rng.sample(range(len(round_input.needs)), OUTBREAK_NEED_CHANGES)
    data = _with_absences(round_input, away).model_dump(mode="json")
    touched_needs = []
    for rank, n in enumerate(changed):
        need = data["needs"][n]
        for week in range(round_input.weeks):
            hours = need["hours"][week]
            if rank < 10:
                hours = min(168.0, round(hours * 1.5 * 2) / 2)
            elif rank < 15:
                hours = round(hours / 2 * 2) / 2
            elif week >= 1:
                hours = 0.0
            if hours != need["hours"][week]:
                need["hours"][week] = hours
                touched_needs.append(NeedWeek(need=need["id"], week=week))
    from solver.contract import RoundInput as Facts

    return RepairInput(
        round=Facts.model_validate(data),
        published=published,
        touched_staff=[StaffWeek(staff=s, week=w) for s, weeks in away.items() for w in weeks],
        touched_needs=touched_needs,
    )


def _with_absences(round_input: RoundInput, away: dict[str, list[int]]) -> RoundInput:
    from solver.contract import RoundInput as Facts

    data = round_input.model_dump(mode="json")
    for person in data["staff"]:
        for week in away.get(person["id"], []):
            person["available"][week] = False
    return Facts.model_validate(data)


EVENTS: dict[str, Callable[[RoundInput, list[Assignment], random.Random], RepairInput]] = {
    "absence": one_absence,
    "outbreak": outbreak,
    "outbreak, 10 moves": lambda r, p, rng: outbreak(r, p, rng).model_copy(
        update={"max_moves": OUTBREAK_MOVES}
    ),
}
