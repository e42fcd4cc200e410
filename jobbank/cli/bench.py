"""`jobbank bench`: the solver on generated instances, one municipality at a time or ten in
parts on the queue; `jobbank.tools.bench` and its kin (`bench_days`, `bench_repair`,
`bench_rotation`) do the work (imported only when it runs)."""

from __future__ import annotations

import functools

import click

MAX_BENCH_SEEDS = 100


@click.command()
@click.option(
    "--size",
    "sizes",
    multiple=True,
    type=click.Choice(["small", "medium", "large", "full"]),
    help="Instance size; repeat for several (default: small, medium and large; medium with "
    "--repair, --purpose rotation and --introductions; with --pool regional one of small or "
    "full, default full).",
)
@click.option("--seed", type=int, default=1, show_default=True, help="Generator seed.")
@click.option(
    "--seeds",
    metavar="LIST|COUNT",
    help="Several generator seeds, each size once per seed, then the spread (min, median, "
    "max): a list (1,2,3) or a count (5 means 1–5). Replaces --seed.",
)
@click.option(
    "--time-limit",
    type=click.FloatRange(min=1),
    help="Solver seconds per instance, or per part with --pool regional (default per size).",
)
@click.option(
    "--workers",
    type=click.IntRange(min=1),
    help="Solver threads (default 2; 1 per part with --pool regional).",
)
@click.option(
    "--pool",
    type=click.Choice(["single", "regional"]),
    default="single",
    show_default=True,
    help="single: one municipality's round per size; regional: ten municipalities solved in "
    "parts on the queue by one worker and by two.",
)
@click.option(
    "--database",
    metavar="URL",
    help="With --pool regional (required): a PostgreSQL server; a new database is made on it "
    "for the queue and dropped afterwards.",
)
@click.option(
    "--parts",
    type=click.IntRange(min=1),
    help="With --pool regional: parts to split into (default one per municipality).",
)
@click.option(
    "--repair",
    is_flag=True,
    help="Repair a published plan after events (one absence; an outbreak of 30 absences and "
    "20 need changes) against re-solving the round; default size medium.",
)
@click.option(
    "--days",
    is_flag=True,
    help="Rounds with days (needs' weekdays and shift times, staff's away days and hours a "
    "day), each also solved without them to show what the day rules cost, against the "
    "targets of issue 23.",
)
@click.option(
    "--purpose",
    type=click.Choice(["crisis", "rotation"]),
    default="crisis",
    show_default=True,
    help="crisis: the rounds above; rotation: rotation rounds (people's earlier units and "
    "last year's lent hours, skills to learn, needs that take learners), reporting new "
    "experiences, learners placed and introductions beside coverage, against the crisis "
    "round's targets; default size medium.",
)
@click.option(
    "--introductions",
    is_flag=True,
    help="Each round solved four times: without introduction settings, with rule 10 (each "
    "unit introduces 2–4 new people a week by head count, 4 hours each), with rule 10 at a "
    "crisis setting (one a week per full-time post asked for, 2–50), and with no limit "
    "but coverage_trade 0.005; reporting coverage, introductions, introductions per person "
    "used and covered hours per introduction. A crisis round unless --purpose rotation; "
    "default size medium.",
)
def bench(
    sizes: tuple[str, ...],
    seed: int,
    seeds: str | None,
    time_limit: float | None,
    workers: int | None,
    pool: str,
    database: str | None,
    parts: int | None,
    repair: bool,
    days: bool,
    purpose: str,
    introductions: bool,
) -> None:
    """Benchmark the solver on generated instances against the bound and a greedy plan."""
    if days and (repair or pool == "regional"):
        raise click.BadParameter(
            "--days runs single rounds; leave out --repair and --pool regional",
            param_hint="--days",
        )
    if introductions or purpose == "rotation":
        _bench_rotation(
            sizes,
            bench_seeds(seeds) if seeds else [seed],
            time_limit,
            workers,
            purpose=purpose,
            introductions=introductions,
            elsewhere=days or repair or pool == "regional",
        )
        return
    if repair:
        _bench_repair(sizes, [seed] if not seeds else bench_seeds(seeds), time_limit, workers)
        return
    if pool == "regional":
        _bench_regional(sizes, seed, time_limit, workers, database, parts)
        return
    if "full" in sizes:
        raise click.BadParameter("full is a size of --pool regional only", param_hint="--size")
    from jobbank.tools.bench import run_bench
    from jobbank.tools.bench_days import run_day_bench

    chosen = list(sizes) or ["small", "medium", "large"]
    (run_day_bench if days else run_bench)(
        chosen,
        seeds=bench_seeds(seeds) if seeds else [seed],
        time_limit=time_limit,
        workers=workers or 2,
        out=click.echo,
    )


def bench_seeds(text: str) -> list[int]:
    """`--seeds`: a comma-separated list of seeds, or a count n meaning seeds 1 to n."""
    parts = [p.strip() for p in text.split(",")]
    if not all(p.isdigit() for p in parts):
        raise click.BadParameter(
            f"a list of seeds (1,2,3) or a count, got {text!r}", param_hint="--seeds"
        )
    numbers = [int(p) for p in parts]
    chosen = list(range(1, numbers[0] + 1)) if len(numbers) == 1 else numbers
    if not 1 <= len(chosen) <= MAX_BENCH_SEEDS:
        raise click.BadParameter(
            f"between 1 and {MAX_BENCH_SEEDS} seeds, got {len(chosen)}", param_hint="--seeds"
        )
    return chosen


def _bench_repair(
    sizes: tuple[str, ...], seeds: list[int], time_limit: float | None, workers: int | None
) -> None:
    from jobbank.tools.bench_repair import run_repair_bench

    if "full" in sizes:
        raise click.BadParameter("full is a size of --pool regional only", param_hint="--size")
    run_repair_bench(
        list(sizes) or ["medium"],
        seeds=seeds,
        time_limit=time_limit,
        workers=workers or 2,
        out=click.echo,
    )


def _bench_rotation(
    sizes: tuple[str, ...],
    seeds: list[int],
    time_limit: float | None,
    workers: int | None,
    *,
    purpose: str,
    introductions: bool,
    elsewhere: bool,
) -> None:
    from jobbank.tools.bench_rotation import run_introduction_bench, run_rotation_bench

    hint = "--introductions" if introductions else "--purpose"
    if elsewhere:
        raise click.BadParameter(
            f"{hint} runs single rounds by the week; leave out --days, --repair and "
            "--pool regional",
            param_hint=hint,
        )
    if "full" in sizes:
        raise click.BadParameter("full is a size of --pool regional only", param_hint="--size")
    run = (
        functools.partial(run_introduction_bench, purpose=purpose)
        if introductions
        else run_rotation_bench
    )
    run(
        list(sizes) or ["medium"],
        seeds=seeds,
        time_limit=time_limit,
        workers=workers or 2,
        out=click.echo,
    )


def _bench_regional(
    sizes: tuple[str, ...],
    seed: int,
    time_limit: float | None,
    workers: int | None,
    database: str | None,
    parts: int | None,
) -> None:
    from jobbank.tools.bench import run_regional_bench

    if len(sizes) > 1:
        raise click.BadParameter("give one size with --pool regional", param_hint="--size")
    if not database:
        raise click.BadParameter(
            "--pool regional needs a PostgreSQL server", param_hint="--database"
        )
    try:
        run_regional_bench(
            database,
            size=sizes[0] if sizes else "full",
            seed=seed,
            time_limit=time_limit,
            solver_threads=workers or 1,
            parts=parts,
            out=click.echo,
        )
    except ValueError as exc:
        raise click.UsageError(str(exc)) from exc
