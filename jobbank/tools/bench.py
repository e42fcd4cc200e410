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
- greedy, ratio: the greedy plan's share, and solver coverage / greedy coverage;
- stopped: why the solver stopped (`solver.stopping`).

With several seeds (`run_bench(seeds=[…])`) each size runs once per seed, and a last line per
size gives the spread of share and solve seconds over its seeds: minimum, median, maximum.

`--pool regional` measures a pool of ten municipalities that share nobody
(`fixtures.generator.generate_pool`) solved in independent parts on SAQ
(`jobbank.runtime.regional`), by one queue worker and then by two: wall seconds (split, queue,
solve, merge), split seconds, weighted coverage, bound, share of the bound, speed-up against one
worker, and the peak memory of the largest process.
"""

from __future__ import annotations

import multiprocessing
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol, TypeVar

if TYPE_CHECKING:
    from _typeshed import DataclassInstance

    from jobbank.solving import SolveRequest
    from solver.contract import RoundInput, RoundResult

SIZES = {"small": (200, 150, 4), "medium": (2000, 1500, 4), "large": (10000, 7500, 4)}

TIME_LIMITS = {"small": 9.0, "medium": 28.0, "large": 115.0}
"""Default solver time limits per size, a little below the targets' wall times."""

COLUMNS = (
    ("size", "{:<7}"),
    ("seed", "{:>5}"),
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
    ("stop_reason", "{:>14}"),
)
HEADINGS = {
    "build_seconds": "build s",
    "solve_seconds": "solve s",
    "introductions": "intros",
    "peak_mib": "peak MiB",
    "greedy_share": "greedy",
    "stop_reason": "stopped",
}


@dataclass(frozen=True)
class Target:
    """An issue's target for a size: a share of the flow bound within a wall time (2 cores),
    and for some sizes a peak memory."""

    share: float
    seconds: float
    mib: float | None = None

    def verdict(self, share: float, seconds: float, mib: float, *more: tuple[str, bool]) -> str:
        """The target in words, ✔ when all of it holds, else ✗ with the parts missed; `more`
        adds a bench's own parts, each (name, holds)."""
        missed = [
            part
            for part, holds in (
                ("share", share >= self.share),
                ("time", seconds <= self.seconds),
                ("memory", self.mib is None or mib <= self.mib),
                *more,
            )
            if not holds
        ]
        memory = f", ≤ {self.mib / 1024:g} GiB" if self.mib is not None else ""
        words = f"≥ {self.share:g} in ≤ {self.seconds:g} s{memory}"
        return f"{words} ✔" if not missed else f"{words} ✗ ({', '.join(missed)})"


CRISIS_TARGETS = {
    "small": Target(share=0.99, seconds=10),
    "medium": Target(share=0.985, seconds=30, mib=2 * 1024),
    "large": Target(share=0.975, seconds=120, mib=6 * 1024),
}
"""The crisis round's targets per size (docs/benchmarks.md)."""


@dataclass(frozen=True)
class BenchRow:
    """One size's measurements."""

    size: str
    seed: int
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
    stop_reason: str
    weighted_coverage: float
    upper_bound: float


def run_bench(
    sizes: list[str],
    *,
    seeds: Sequence[int] = (1,),
    time_limit: float | None = None,
    workers: int = 2,
    out: Callable[[str], None] = print,
) -> list[BenchRow]:
    """Measure each size once per seed, each in a fresh process, printing the table as rows
    arrive; with more than one seed, then the spread per size (`spread`)."""

    def measured(size: str, seed: int, limit: float) -> list[BenchRow]:
        return [BenchRow(**in_fresh_process(measure, size, seed, limit, workers))]

    return measure_sizes(sizes, seeds, measured, time_limit=time_limit, out=out, spread=spread_line)


Row = TypeVar("Row", bound="DataclassInstance")


def measure_sizes(
    sizes: Sequence[str],
    seeds: Sequence[int],
    measured: Callable[[str, int, float], Sequence[Row]],
    *,
    time_limit: float | None,
    out: Callable[[str], None],
    columns: Columns = COLUMNS,
    headings: dict[str, str] = HEADINGS,
    spread: Callable[[str, Sequence[Row]], str] | None = None,
    time_limits: Mapping[str, float] = TIME_LIMITS,
) -> list[Row]:
    """The benches' one driver: `measured` rows of each size once per seed (at the size's time
    limit unless `time_limit` is given), the table printed as rows arrive; with more than one
    seed and a `spread`, then its line per size."""
    unknown = [s for s in sizes if s not in SIZES]
    if unknown:
        raise ValueError(f"unknown size {unknown[0]!r}; choose from {', '.join(SIZES)}")
    if not seeds:
        raise ValueError("seeds: give at least one")
    out(header(columns, headings))
    rows: dict[str, list[Row]] = {}
    for size in sizes:
        limit = time_limit if time_limit is not None else time_limits[size]
        for seed in seeds:
            for row in measured(size, seed, limit):
                rows.setdefault(size, []).append(row)
                out(format_row(row, columns))
    if spread is not None and len(seeds) > 1:
        for size, of_size in rows.items():
            out(spread(size, of_size))
    return [row for of_size in rows.values() for row in of_size]


def in_fresh_process(function: Callable[..., Any], *args: Any) -> Any:
    """`function(*args)` in a new process of its own, so its peak memory is its own."""
    with multiprocessing.get_context("spawn").Pool(1) as pool:
        return pool.apply(function, args)


@dataclass(frozen=True)
class Spread:
    """Minimum, median and maximum of one measure over a size's seeds."""

    low: float
    median: float
    high: float

    @classmethod
    def of(cls, values: Sequence[float]) -> Spread:
        return cls(min(values), statistics.median(values), max(values))


class Measured(Protocol):
    """A row with a share of the bound and solve seconds (`BenchRow` and its kin)."""

    @property
    def share(self) -> float: ...

    @property
    def solve_seconds(self) -> float: ...


def spread_line(size: str, rows: Sequence[Measured]) -> str:
    """One line: the spread of share and of solve seconds over `rows` (one size's seeds)."""
    share = Spread.of([r.share for r in rows])
    seconds = Spread.of([r.solve_seconds for r in rows])
    return (
        f"{size} over {len(rows)} seeds: share min {share.low:.4f} median {share.median:.4f} "
        f"max {share.high:.4f}; solve s min {seconds.low:.1f} median {seconds.median:.1f} "
        f"max {seconds.high:.1f}"
    )


Columns = tuple[tuple[str, str], ...]


def header(columns: Columns = COLUMNS, headings: dict[str, str] = HEADINGS) -> str:
    widths = [len(spec.format(_sample(name))) for name, spec in columns]
    return " ".join(
        headings.get(name, name).rjust(width) if i else headings.get(name, name).ljust(width)
        for i, ((name, _), width) in enumerate(zip(columns, widths, strict=True))
    )


def format_row(row: DataclassInstance, columns: Columns = COLUMNS) -> str:
    values = asdict(row)
    return " ".join(spec.format(values[name]) for name, spec in columns)


def _sample(name: str) -> Any:
    return {"size": "", "status": "", "stop_reason": "", "target": ""}.get(name, 0)


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
            seed=seed,
            staff=staff,
            needs=needs,
            weeks=weeks,
            build_seconds=reports[0].elapsed if reports else m.solve_seconds,
            solve_seconds=m.solve_seconds,
            share=share,
            gap=1 - share,
            introductions=m.introductions,
            peak_mib=peak_mib(),
            greedy_share=greedy.metrics.share_of_bound,
            ratio=(
                m.weighted_coverage / greedy.metrics.weighted_coverage
                if greedy.metrics.weighted_coverage
                else 1.0
            ),
            status=result.status,
            stop_reason=m.stop_reason or "",
            weighted_coverage=m.weighted_coverage,
            upper_bound=m.upper_bound,
        )
    )


def peak_mib(who: int = resource.RUSAGE_SELF) -> float:
    """Peak resident memory of this process, or (`RUSAGE_CHILDREN`) of the largest process
    it or its descendants waited for."""
    peak = resource.getrusage(who).ru_maxrss
    # Linux reports KiB, macOS bytes.
    return peak / (1024 * 1024) if sys.platform == "darwin" else peak / 1024


# --- the regional pool: one round of ten municipalities, solved in parts on the queue -----


@dataclass(frozen=True)
class PoolSize:
    municipalities: int
    staff: int
    needs: int
    weeks: int
    time_limit: float
    """Default solver seconds per part."""


REGIONAL_SIZES = {
    "small": PoolSize(10, 300, 200, 2, 1.0),
    "full": PoolSize(10, 50_000, 37_500, 4, 30.0),
}
WORKER_COUNTS = (1, 2)
WORKER_START_SECONDS = 60.0

REGIONAL_COLUMNS = (
    ("workers", "{:>7}"),
    ("parts", "{:>5}"),
    ("staff", "{:>6}"),
    ("needs", "{:>6}"),
    ("weeks", "{:>5}"),
    ("wall_seconds", "{:>7.1f}"),
    ("split_seconds", "{:>7.1f}"),
    ("weighted_coverage", "{:>10.0f}"),
    ("upper_bound", "{:>10.0f}"),
    ("share", "{:>7.4f}"),
    ("speed_up", "{:>8.2f}"),
    ("peak_mib", "{:>9.0f}"),
    ("status", "{:>9}"),
)
REGIONAL_HEADINGS = {
    "wall_seconds": "wall s",
    "split_seconds": "split s",
    "weighted_coverage": "coverage",
    "upper_bound": "bound",
    "speed_up": "speed-up",
    "peak_mib": "peak MiB",
}


@dataclass(frozen=True)
class RegionalRow:
    """The pool solved by `workers` queue workers."""

    workers: int
    parts: int
    staff: int
    needs: int
    weeks: int
    wall_seconds: float
    split_seconds: float
    weighted_coverage: float
    upper_bound: float
    share: float
    speed_up: float
    peak_mib: float
    status: str


def run_regional_bench(
    database: str | None,
    *,
    size: str = "full",
    seed: int = 1,
    time_limit: float | None = None,
    solver_threads: int = 1,
    parts: int | None = None,
    out: Callable[[str], None] = print,
) -> list[RegionalRow]:
    """Solve the regional pool on SAQ in a fresh database on the PostgreSQL server at
    `database`, by one worker and then by two; print and return a row per worker count.

    Each count runs in a fresh process that starts its `jobbank worker` processes, so its
    peak memory is its own: the largest of that process (the pool, the merge) and of any
    worker or solver process it ran.
    """
    from jobbank.tools.load import fresh_database, shown_url

    if size not in REGIONAL_SIZES:
        raise ValueError(
            f"size: the regional pool comes in {', '.join(REGIONAL_SIZES)}, got {size!r}"
        )
    if not database or not database.startswith("postgres"):
        raise ValueError(
            "database: the regional pool runs on SAQ and needs a PostgreSQL server URL"
        )
    pool = REGIONAL_SIZES[size]
    limit = time_limit if time_limit is not None else pool.time_limit
    count = parts if parts is not None else pool.municipalities
    if count < 1:
        raise ValueError(f"parts: must be 1 or more, got {count}")
    rows: list[RegionalRow] = []
    context = multiprocessing.get_context("spawn")
    with tempfile.TemporaryDirectory() as folder, fresh_database(database, Path(folder)) as url:
        out(f"regional pool ({size}) on {shown_url(url)}: {limit:g} s per part, {count} parts")
        out(header(REGIONAL_COLUMNS, REGIONAL_HEADINGS))
        for workers in WORKER_COUNTS:
            task = (url, folder, size, seed, limit, solver_threads, count, workers)
            with context.Pool(1) as runner:
                measured: dict[str, Any] = runner.apply(measure_regional, task)
            first = rows[0].wall_seconds if rows else measured["wall_seconds"]
            row = RegionalRow(**measured, speed_up=first / measured["wall_seconds"])
            rows.append(row)
            out(format_row(row, REGIONAL_COLUMNS))
    return rows


def measure_regional(
    url: str,
    folder: str,
    size: str,
    seed: int,
    time_limit: float,
    solver_threads: int,
    parts: int,
    workers: int,
) -> dict[str, Any]:
    """Generate the pool, start `workers` queue workers on `url`, split the pool and solve its
    parts on them (`solve_in_parts` in its two steps, so the split is timed on its own); a
    `RegionalRow` dict but the speed-up."""
    import asyncio

    from fixtures.generator import generate_pool
    from jobbank.solving import SolveRequest
    from solver import independent_parts

    pool = REGIONAL_SIZES[size]
    round_input = generate_pool(
        municipalities=pool.municipalities,
        staff=pool.staff,
        needs=pool.needs,
        weeks=pool.weeks,
        seed=seed,
    )
    request = SolveRequest(time_limit=time_limit, workers=solver_threads, seed=seed)
    with queue_workers(url, Path(folder), workers):
        started = time.monotonic()
        pieces = independent_parts(round_input, parts=parts)
        split = time.monotonic() - started
        result = asyncio.run(_solve_on_queue(url, round_input, pieces, request))
        wall = time.monotonic() - started
    m = result.metrics
    return {
        "workers": workers,
        "parts": len(pieces),
        "staff": len(round_input.staff),
        "needs": len(round_input.needs),
        "weeks": round_input.weeks,
        "wall_seconds": wall,
        "split_seconds": split,
        "weighted_coverage": m.weighted_coverage,
        "upper_bound": m.upper_bound,
        "share": m.share_of_bound,
        "peak_mib": max(peak_mib(), peak_mib(resource.RUSAGE_CHILDREN)),
        "status": result.status,
    }


async def _solve_on_queue(
    url: str, round_input: RoundInput, pieces: list[RoundInput], request: SolveRequest
) -> RoundResult:
    from jobbank.core.settings import Settings
    from jobbank.runtime.queue import connect, open_queue, queue_url
    from jobbank.runtime.regional import PART_QUEUE_NAME, solve_parts

    queue = open_queue(queue_url(Settings(database_url=url)), name=PART_QUEUE_NAME, connections=2)
    await connect(queue)
    try:
        return await solve_parts(queue, round_input, pieces, request)
    finally:
        await queue.disconnect()


@contextmanager
def queue_workers(
    url: str, folder: Path, count: int
) -> Iterator[list[tuple[subprocess.Popen[bytes], Path]]]:
    """`count` `jobbank worker` processes on `url` until the block ends, each started (SAQ's
    round and part workers both said so) before it begins; yields each with its log."""
    import jobbank

    code = str(Path(jobbank.__file__).resolve().parent.parent)
    path = os.pathsep.join(p for p in (code, os.environ.get("PYTHONPATH", "")) if p)
    env = {k: v for k, v in os.environ.items() if not k.startswith("JOBBANK_")}
    env |= {"DATABASE_URL": url, "JOBBANK_SOLVE_QUEUE": "saq", "PYTHONPATH": path}
    env["JOBBANK_DATA_DIR"] = str(folder / "data")
    logs = [folder / f"worker-{count}-{n}.log" for n in range(count)]
    workers: list[subprocess.Popen[bytes]] = []
    try:
        for log in logs:
            with log.open("w") as sink:
                workers.append(
                    subprocess.Popen(
                        [sys.executable, "-m", "jobbank", "worker"],
                        stdout=sink,
                        stderr=subprocess.STDOUT,
                        env=env,
                    )
                )
        for worker, log in zip(workers, logs, strict=True):
            _await_started(worker, log)
        yield list(zip(workers, logs, strict=True))
    finally:
        for worker in workers:
            if worker.poll() is None:
                worker.terminate()
        for worker in workers:
            try:
                worker.wait(timeout=30)
            except subprocess.TimeoutExpired:
                worker.kill()
                worker.wait()


def _await_started(worker: subprocess.Popen[bytes], log: Path) -> None:
    deadline = time.monotonic() + WORKER_START_SECONDS
    while log.read_text().count("Worker starting") < 2:
        if worker.poll() is not None:
            raise RuntimeError(f"a queue worker stopped at its start:\n{log.read_text()}")
        if time.monotonic() > deadline:
            raise RuntimeError(f"a queue worker did not start:\n{log.read_text()}")
        time.sleep(0.2)
