"""`jobbank bench --purpose rotation` and `jobbank bench --introductions`: what a plan gives
people (new experiences, learning) and what it asks of the units that receive them
(introductions), beside its coverage.

`--purpose rotation`: per size and seed, in a fresh process, generate the rotation round
(`fixtures.generator.generate_round(rotation=True)`: people's earlier units, last year's lent
hours, skills to learn, needs that take learners) and solve it, against the crisis round's
targets (`CRISIS_TARGETS`).

`--introductions`: the same round (a crisis round, or with `--purpose rotation` a rotation
round) solved four times, each in a fresh process (`VARIANTS`):

- plain: no introduction settings, as rounds were before rule 10;
- rule 10: every unit can introduce its normal-times number of new people a week (2–4 by
  head count) and spends 4 hours on each (`fixtures.generator.introductions`); coverage first;
- rule 10 crisis: as rule 10, but each unit sets its limit by what it asks for (one a week per
  full-time post asked for in the first week, 2–50);
- trade 0.005: no limit, but each introduction costs its unit 4 hours and HR lets the plan
  give up 0.5 % of weighted coverage for fewer of them (`Rules.coverage_trade`).

Columns:

- solve s: the wall time of `solve`; share: weighted coverage / its bound (rule 10 only
  removes plans, so the bound is the plain round's and the share says what the rule costs);
  where learners cover a share of a need, the bound is the tighter of the flow bound and the
  linear relaxation with learners (`solver.lp_bound`, computed after the solve, outside its
  time), and of flow gives the share of the flow bound alone;
- new exp: (person, unit) pairs of units the person never worked at before
  (`Metrics.new_experiences`); learners: (person, need) pairs worked as a learner
  (`Metrics.learners_placed`);
- intros: introductions (`Metrics.introductions`); used: people with hours in the plan;
  per vol: introductions per person used; h/intro: covered hours per introduction;
- intro h: hours the receiving units spend introducing (`Metrics.introduction_hours`);
  traded: the share of weighted coverage given up for fewer introductions
  (`Metrics.coverage_traded`);
- peak MiB, stopped: as `jobbank bench`;
- target: the crisis round's target for the size, ✔ when all of it holds.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from jobbank.tools.bench import (
    CRISIS_TARGETS,
    SIZES,
    Columns,
    in_fresh_process,
    measure_sizes,
    peak_mib,
    spread_line,
)

if TYPE_CHECKING:
    from solver.contract import RoundInput, RoundResult


@dataclass(frozen=True)
class Variant:
    """How a round's introductions are set for one solve."""

    name: str
    intro_capacity: str | None
    """Units' introduction capacity (rule 10): "normal" (by head count) or "crisis" (by the
    posts they ask for, `fixtures.generator.introductions`); None: no limit."""
    intro_hours: bool
    """Units keep their typical hours per introduction."""
    coverage_trade: float


PLAIN = Variant("plain", intro_capacity=None, intro_hours=False, coverage_trade=0.0)
RULE_10 = Variant("rule 10", intro_capacity="normal", intro_hours=True, coverage_trade=0.0)
RULE_10_CRISIS = Variant(
    "rule 10 crisis", intro_capacity="crisis", intro_hours=True, coverage_trade=0.0
)
TRADE = Variant("trade 0.005", intro_capacity=None, intro_hours=True, coverage_trade=0.005)
VARIANTS = {v.name: v for v in (PLAIN, RULE_10, RULE_10_CRISIS, TRADE)}

ROTATION_COLUMNS: Columns = (
    ("size", "{:<7}"),
    ("seed", "{:>5}"),
    ("staff", "{:>6}"),
    ("needs", "{:>6}"),
    ("weeks", "{:>5}"),
    ("solve_seconds", "{:>8.2f}"),
    ("share", "{:>7.4f}"),
    ("flow_share", "{:>7.4f}"),
    ("new_experiences", "{:>8}"),
    ("learners_placed", "{:>8}"),
    ("introductions", "{:>7}"),
    ("volunteers", "{:>6}"),
    ("per_volunteer", "{:>7.2f}"),
    ("hours_per_introduction", "{:>7.1f}"),
    ("peak_mib", "{:>9.0f}"),
    ("stop_reason", "{:>14}"),
    ("target", "  {}"),
)
INTRODUCTION_COLUMNS: Columns = (
    ("size", "{:<7}"),
    ("seed", "{:>5}"),
    ("purpose", "{:<8}"),
    ("variant", "{:<14}"),
    ("solve_seconds", "{:>8.2f}"),
    ("share", "{:>7.4f}"),
    ("coverage_traded", "{:>7.4f}"),
    ("introductions", "{:>7}"),
    ("volunteers", "{:>6}"),
    ("per_volunteer", "{:>7.2f}"),
    ("hours_per_introduction", "{:>7.1f}"),
    ("introduction_hours", "{:>8.0f}"),
    ("new_experiences", "{:>8}"),
    ("learners_placed", "{:>8}"),
    ("stop_reason", "{:>14}"),
)
HEADINGS = {
    "solve_seconds": "solve s",
    "flow_share": "of flow",
    "new_experiences": "new exp",
    "learners_placed": "learners",
    "introductions": "intros",
    "volunteers": "used",
    "per_volunteer": "per vol",
    "hours_per_introduction": "h/intro",
    "introduction_hours": "intro h",
    "coverage_traded": "traded",
    "peak_mib": "peak MiB",
    "stop_reason": "stopped",
    "target": "  target",
}


@dataclass(frozen=True)
class RotationRow:
    """One size, seed and variant: coverage, what people gain and what units spend."""

    size: str
    seed: int
    staff: int
    needs: int
    weeks: int
    purpose: str
    variant: str
    solve_seconds: float
    share: float
    flow_share: float
    weighted_coverage: float
    upper_bound: float
    coverage_traded: float
    covered_hours: float
    new_experiences: int
    learners_placed: int
    introductions: int
    volunteers: int
    per_volunteer: float
    hours_per_introduction: float
    introduction_hours: float
    peak_mib: float
    status: str
    stop_reason: str
    target: str


def run_rotation_bench(
    sizes: list[str],
    *,
    seeds: Sequence[int] = (1,),
    time_limit: float | None = None,
    workers: int = 2,
    out: Callable[[str], None] = print,
) -> list[RotationRow]:
    """Solve each size's rotation round once per seed, each in a fresh process, printing the
    table as rows arrive; with more than one seed, then the spread per size."""
    return _run(sizes, "rotation", [PLAIN], seeds, time_limit, workers, out, ROTATION_COLUMNS)


def run_introduction_bench(
    sizes: list[str],
    *,
    purpose: str = "crisis",
    seeds: Sequence[int] = (1,),
    time_limit: float | None = None,
    workers: int = 2,
    out: Callable[[str], None] = print,
) -> list[RotationRow]:
    """Solve each size's round of `purpose` once per seed and variant (`VARIANTS`), each in a
    fresh process, printing the table as rows arrive; with more than one seed, then the
    spread per size and variant."""
    variants = list(VARIANTS.values())
    return _run(sizes, purpose, variants, seeds, time_limit, workers, out, INTRODUCTION_COLUMNS)


def _run(
    sizes: list[str],
    purpose: str,
    variants: Sequence[Variant],
    seeds: Sequence[int],
    time_limit: float | None,
    workers: int,
    out: Callable[[str], None],
    columns: Columns,
) -> list[RotationRow]:
    def measured(size: str, seed: int, limit: float) -> list[RotationRow]:
        return [
            RotationRow(
                **in_fresh_process(measure_round, size, seed, limit, workers, purpose, v.name)
            )
            for v in variants
        ]

    return measure_sizes(
        sizes,
        seeds,
        measured,
        time_limit=time_limit,
        out=out,
        columns=columns,
        headings=HEADINGS,
        spread=spread_by_variant,
    )


def spread_by_variant(size: str, rows: Sequence[RotationRow]) -> str:
    """A spread line (`spread_line`) per variant of one size's rows, in their order."""
    variants = list(dict.fromkeys(r.variant for r in rows))
    if len(variants) == 1:
        return spread_line(size, rows)
    return "\n".join(
        spread_line(f"{size} {v}", [r for r in rows if r.variant == v]) for v in variants
    )


def variant_round(size: str, seed: int, purpose: str, variant: Variant) -> RoundInput:
    """The size's generated round of `purpose` (crisis or rotation), with the introduction
    settings of `variant`."""
    from fixtures.generator import generate_round
    from fixtures.generator.introductions import with_introductions

    staff, needs, weeks = SIZES[size]
    round_input = generate_round(
        staff=staff, needs=needs, weeks=weeks, seed=seed, rotation=purpose == "rotation"
    )
    round_input = with_introductions(round_input, crisis=variant.intro_capacity == "crisis")
    units = [
        u.model_copy(
            update={
                "intro_capacity": u.intro_capacity if variant.intro_capacity else None,
                "intro_hours": u.intro_hours if variant.intro_hours else 0.0,
            }
        )
        for u in round_input.units
    ]
    rules = round_input.rules.model_copy(update={"coverage_trade": variant.coverage_trade})
    return round_input.model_copy(update={"units": units, "rules": rules})


def measure_round(
    size: str, seed: int, time_limit: float, workers: int, purpose: str, variant: str
) -> dict[str, Any]:
    """Generate the size's round of `purpose` with `variant`'s introduction settings and
    solve it (in this process); a `RotationRow` dict."""
    from solver import SolveOptions, solve
    from solver.lp_bound import lp_upper_bound

    round_input = variant_round(size, seed, purpose, VARIANTS[variant])
    options = SolveOptions(time_limit=time_limit, workers=workers, seed=seed)
    started = time.monotonic()
    result = solve(round_input, options)
    wall = time.monotonic() - started
    mib = peak_mib()
    target = CRISIS_TARGETS.get(size)
    m = result.metrics
    figures = plan_figures(result)
    # Where learners cover a share, the linear relaxation is the tighter yardstick.
    bound = min(m.upper_bound, lp_upper_bound(round_input))
    figures["share"] = m.weighted_coverage / bound if bound else 1.0
    return {
        "size": size,
        "seed": seed,
        "staff": len(round_input.staff),
        "needs": len(round_input.needs),
        "weeks": round_input.weeks,
        "purpose": purpose,
        "variant": variant,
        "solve_seconds": wall,
        "peak_mib": mib,
        "status": result.status,
        "stop_reason": m.stop_reason or "",
        "target": target.verdict(figures["share"], wall, mib) if target else "–",
        **figures,
    }


def plan_figures(result: RoundResult) -> dict[str, Any]:
    """A plan's coverage, what it gives people and what it asks of the receiving units,
    from its metrics and assignments."""
    m = result.metrics
    volunteers = len({a.staff for a in result.assignments})
    return {
        "share": m.share_of_bound,
        "flow_share": m.share_of_bound,
        "weighted_coverage": m.weighted_coverage,
        "upper_bound": m.upper_bound,
        "coverage_traded": m.coverage_traded,
        "covered_hours": m.covered_hours,
        "new_experiences": m.new_experiences,
        "learners_placed": m.learners_placed,
        "introductions": m.introductions,
        "volunteers": volunteers,
        "per_volunteer": m.introductions / volunteers if volunteers else 0.0,
        "hours_per_introduction": m.covered_hours / m.introductions if m.introductions else 0.0,
        "introduction_hours": m.introduction_hours,
    }
