"""`jobbank bench`: the solver on generated rounds of three sizes, against bound and greedy.

Each size runs in a fresh process (so its peak memory is its own): generate the round with
`fixtures.generator.generate_round`, solve it, then make the coordinator's greedy plan of the
same round. Columns:

- build s: seconds until the solver has its model ready — indexing, compatible triples, the
  flow bound and the starting plan (the moment of its first progress report);
- solve s: the solver's whole wall time, build included (its time limit covers both);
- share: weighted coverage / upper bound (term 1 of the objective against its flow bound);
- gap: 1 − share, the distance to that bound (the flow bound is at least as tight as
  anything CP-SAT proves on the kept candidates);
- intros: introductions, distinct (staff, need) pairs;
- peak MiB: the process's peak resident memory (generation, solve and greedy);
- greedy, ratio: the greedy plan's share, and solver coverage / greedy coverage.
"""

from __future__ import annotations

import multiprocessing
import resource
import sys
from collections.abc import Callable
from dataclasses import asdict, dataclass
from typing import Any

SIZES = {"small": (200, 150, 4), "medium": (2000, 1500, 4), "large": (10000, 7500, 4)}

TIME_LIMITS = {"small": 9.0, "medium": 28.0, "large": 115.0}
"""Default solver time limits per size, a little below the targets' wall times."""

COLUMNS = (
    ("size", "{:<7}"),
    ("staff", "{:>6}"),
    ("needs", "{:>6}"),
    ("weeks", "{:>5}"),
    ("build_seconds", "{:>8.2f}"),
    ("solve_seconds", "{:>8.2f}"),
    ("share", "{:>7.4f}"),
    ("gap", "{:>7.4f}"),
    ("introductions", "{:>7}"),
    ("peak_mib", "{:>9.0f}"),
    ("greedy_share", "{:>7.4f}"),
    ("ratio", "{:>7.4f}"),
    ("status", "{:>9}"),
)
HEADINGS = {
    "build_seconds": "build s",
    "solve_seconds": "solve s",
    "introductions": "intros",
    "peak_mib": "peak MiB",
    "greedy_share": "greedy",
}


@dataclass(frozen=True)
class BenchRow:
    """One size's measurements."""

    size: str
    staff: int
    needs: int
    weeks: int
    build_seconds: float
    solve_seconds: float
    share: float
    gap: float
    introductions: int
    peak_mib: float
    greedy_share: float
    ratio: float
    status: str
    weighted_coverage: float
    upper_bound: float


def run_bench(
    sizes: list[str],
    *,
    seed: int = 1,
    time_limit: float | None = None,
    workers: int = 2,
    out: Callable[[str], None] = print,
) -> list[BenchRow]:
    """Measure each size in a fresh process, printing the table as rows arrive."""
    unknown = [s for s in sizes if s not in SIZES]
    if unknown:
        raise ValueError(f"unknown size {unknown[0]!r}; choose from {', '.join(SIZES)}")
    out(header())
    rows = []
    context = multiprocessing.get_context("spawn")
    for size in sizes:
        limit = time_limit if time_limit is not None else TIME_LIMITS[size]
        with context.Pool(1) as pool:
            measured: dict[str, Any] = pool.apply(measure, (size, seed, limit, workers))
        row = BenchRow(**measured)
        rows.append(row)
        out(format_row(row))
    return rows


def header() -> str:
    widths = [len(spec.format(_sample(name))) for name, spec in COLUMNS]
    return " ".join(
        HEADINGS.get(name, name).rjust(width) if i else HEADINGS.get(name, name).ljust(width)
        for i, ((name, _), width) in enumerate(zip(COLUMNS, widths, strict=True))
    )


def format_row(row: BenchRow) -> str:
    values = asdict(row)
    return " ".join(spec.format(values[name]) for name, spec in COLUMNS)


def _sample(name: str) -> Any:
    return {"size": "", "status": ""}.get(name, 0)


def measure(size: str, seed: int, time_limit: float, workers: int) -> dict[str, Any]:
    """Generate, solve and greedy-plan one size (in the calling process); a `BenchRow` dict."""
    from fixtures.generator import generate_round
    from solver import Progress, SolveOptions, greedy_plan, solve

    staff, needs, weeks = SIZES[size]
    round_input = generate_round(staff=staff, needs=needs, weeks=weeks, seed=seed)
    reports: list[Progress] = []
    result = solve(
        round_input,
        SolveOptions(time_limit=time_limit, workers=workers, seed=seed, progress=reports.append),
    )
    greedy = greedy_plan(round_input)
    m = result.metrics
    share = m.share_of_bound
    return asdict(
        BenchRow(
            size=size,
            staff=staff,
            needs=needs,
            weeks=weeks,
            build_seconds=reports[0].elapsed if reports else m.solve_seconds,
            solve_seconds=m.solve_seconds,
            share=share,
            gap=1 - share,
            introductions=m.introductions,
            peak_mib=_peak_mib(),
            greedy_share=greedy.metrics.share_of_bound,
            ratio=(
                m.weighted_coverage / greedy.metrics.weighted_coverage
                if greedy.metrics.weighted_coverage
                else 1.0
            ),
            status=result.status,
            weighted_coverage=m.weighted_coverage,
            upper_bound=m.upper_bound,
        )
    )


def _peak_mib() -> float:
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    # Linux reports KiB, macOS bytes.
    return peak / (1024 * 1024) if sys.platform == "darwin" else peak / 1024
