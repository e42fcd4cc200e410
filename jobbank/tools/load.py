"""`jobbank load`: staff and leaders on the API and pages of a real server, also while HR solves.

The run seeds a generated sample (`jobbank.tools.load_sample`) into a fresh database — a SQLite
file in a temporary folder, or a new database on the PostgreSQL server given — starts
`jobbank serve` on a free loopback port, sends requests, stops the server and drops the
database again. Requests, a mix fixed in `MIX`:

- staff reading their assignments: `GET /api/me/assignments` and their page `GET /`;
- unit leaders posting needs: `POST /api/needs` for the unit they lead.

The client is aiohttp's at a fixed rate (an open model): request *i* is due at *i*/rate
seconds whatever the server answers, and its latency counts from that moment, so a slow
server cannot slow the client down and hide its own queueing (coordinated omission). The
client shares the machine with the server, so it must be cheap: httpx's client took a third
of what the server itself used per request, aiohttp's about a tenth. locust would add gevent
and a web UI for what is here about a hundred lines, and its users wait for each answer (a
closed model) unless paced by hand.

A warm-up phase (`--warm-up`, 10 s) comes first and is reported apart: a fresh server spends
its first seconds compiling statements and templates. With `--during-solve` a further phase of
the same load runs while HR solves the draft round through the API (the solve is cancelled
when the phase ends). Each phase is bounded by its request count and by time: answers later
than `REQUEST_TIMEOUT` count as errors.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import gc
import math
import os
import random
import secrets
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import aiohttp
import httpx
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

import jobbank
from jobbank import db
from jobbank.core.settings import normalise_database_url
from jobbank.notifications import sweep_overdue
from jobbank.tools.collector import freeze_what_exists
from jobbank.tools.load_sample import LoadSample, seed_load_sample

READ_API, READ_PAGE, WRITE_API = (
    "read: my assignments (API)",
    "read: staff page",
    "write: post need (API)",
)
MIX = ((READ_API, 0.45), (READ_PAGE, 0.45), (WRITE_API, 0.10))
"""Staff reading far outnumber leaders posting; the share of each request kind."""
KINDS = tuple(kind for kind, _ in MIX)
READS, WRITES = (READ_API, READ_PAGE), (WRITE_API,)
WARM_UP, STEADY, SOLVING = "warm-up", "steady", "while solving"

REQUEST_TIMEOUT = 10.0
HR_TIMEOUT = 120.0
"""HR's solve, status and cancel calls are not measured; they must get through an overload."""
SERVER_LOG = "serve.log"
STARTUP_SECONDS = 60.0
MAX_CONNECTIONS = 32
"""Requests in flight at once; later ones wait their turn here, their latency still counted from
when they were due. (An HTTP client's own queue of waiting requests can grow slow with its
length, until the client, not the server, is what is measured.)"""
SOLVE_LIMIT_MARGIN = 30.0
"""The solve's time limit exceeds the phase by this much, so it runs throughout."""


@dataclass(frozen=True)
class Shot:
    """One request's outcome; latency counts from when it was due, not when it was sent."""

    phase: str
    kind: str
    latency: float
    ok: bool
    answered: float
    """Seconds from the phase's start until the answer came."""


@dataclass(frozen=True)
class LoadRow:
    """Figures of one phase and request kind (or group of kinds)."""

    phase: str
    kind: str
    requests: int
    errors: int
    per_second: float
    p50_ms: float
    p99_ms: float
    max_ms: float


@dataclass(frozen=True)
class LoadReport:
    rows: list[LoadRow]
    database: str
    solve_ran_throughout: bool | None
    """None without a solve phase; False if the solve ended before its phase did."""
    server_errors: int
    """Tracebacks in the server's log: unexpected errors (500s), also those of the solve."""
    workers: int = 1
    """App processes the server ran."""


# --- the run ---------------------------------------------------------------------------------


def run_load(
    *,
    database: str = "sqlite",
    staff: int = 2000,
    needs: int = 1500,
    rate: float = 200.0,
    seconds: float = 30.0,
    warm_up: float = 10.0,
    during_solve: bool = False,
    seed: int = 1,
    workers: int = 1,
    out: Callable[[str], None] = print,
) -> LoadReport:
    """Seed, serve, load, stop; prints progress and the table through `out`."""
    from fixtures.generator import generate_round

    with (
        tempfile.TemporaryDirectory(prefix="jobbank-load-") as folder,
        fresh_database(database, Path(folder)) as url,
    ):
        out(f"seeding {staff} staff and {needs} needs into {shown_url(url)} …")
        started = time.monotonic()
        db.upgrade(url)
        engine = db.make_engine(url)
        try:
            with db.transaction(db.make_session_factory(engine)) as session:
                sample = seed_load_sample(
                    session,
                    generate_round(staff=staff, needs=needs, weeks=4, seed=seed),
                    today=dt.date.today(),
                )
                # As in a job bank that has been running: overdue items told already, rather
                # than told by the server's first sweep in the middle of the measurement.
                sweep_overdue(session)
            db.refresh_statistics(engine)
        finally:
            engine.dispose()
        out(
            f"seeded in {time.monotonic() - started:.0f} s: {len(sample.staff_tokens)} staff "
            f"with assignments, {len(sample.leaders)} unit leaders"
        )
        with _server(url, Path(folder), workers) as base:
            try:
                shots, throughout = asyncio.run(
                    _phases(base, sample, rate, (warm_up, seconds), during_solve, seed, out)
                )
            finally:
                gc.unfreeze()  # what each phase froze (`_fire`)
        log = (Path(folder) / SERVER_LOG).read_text(errors="replace")
    report = LoadReport(
        _rows(shots, {WARM_UP: warm_up, STEADY: seconds, SOLVING: seconds}),
        shown_url(url),
        throughout,
        log.count("Traceback"),
        workers,
    )
    for line in format_report(report):
        out(line)
    return report


async def _phases(
    base: str,
    sample: LoadSample,
    rate: float,
    durations: tuple[float, float],
    during_solve: bool,
    seed: int,
    out: Callable[[str], None],
) -> tuple[list[Shot], bool | None]:
    """The warm-up, the steady phase and (with `during_solve`) the phase while HR solves;
    `durations` are the warm-up's seconds and each measured phase's."""
    warm_up, seconds = durations
    async with aiohttp.ClientSession(
        base_url=base,
        connector=aiohttp.TCPConnector(limit=MAX_CONNECTIONS),
        timeout=aiohttp.ClientTimeout(total=REQUEST_TIMEOUT),
    ) as client:
        choose = _Chooser(sample, random.Random(seed))
        shots: list[Shot] = []
        if warm_up > 0:
            # A fresh server compiles its statements and templates, and the database plans
            # them, in its first seconds: shown as a phase of its own, not in the steady one.
            out(f"{WARM_UP}: {rate:g} requests/s for {warm_up:g} s …")
            shots += await _fire(client, choose, WARM_UP, rate, warm_up)
        out(f"{STEADY}: {rate:g} requests/s for {seconds:g} s …")
        shots += await _fire(client, choose, STEADY, rate, seconds)
        if not during_solve:
            return shots, None
        hr = {"Authorization": f"Bearer {sample.hr_token}"}
        round_path = f"/api/rounds/{sample.draft_round_id}"
        hr_timeout = aiohttp.ClientTimeout(total=HR_TIMEOUT)
        async with client.post(
            f"{round_path}/solve",
            json={"time_limit": seconds + SOLVE_LIMIT_MARGIN},
            headers=hr,
            timeout=hr_timeout,
            raise_for_status=True,
        ):
            pass
        out(
            f"{SOLVING}: HR solves round {sample.draft_round_id}; "
            f"{rate:g} requests/s for {seconds:g} s …"
        )
        shots += await _fire(client, choose, SOLVING, rate, seconds)
        async with client.get(round_path, headers=hr, timeout=hr_timeout) as answer:
            status = (await answer.json())["status"]
        async with client.post(f"{round_path}/solve/cancel", headers=hr, timeout=hr_timeout):
            pass
        return shots, status == "solving"


class _Chooser:
    """Picks the next request: its kind by `MIX`, then a random staff member or leader."""

    def __init__(self, sample: LoadSample, rng: random.Random) -> None:
        self.sample = sample
        self.rng = rng
        self.weeks = [sample.first_week + dt.timedelta(weeks=w) for w in range(4)]

    def __call__(self) -> Call:
        kind = self.rng.choices(KINDS, [share for _, share in MIX])[0]
        if kind == WRITE_API:
            leader = self.rng.choice(self.sample.leaders)
            first = self.rng.choice(self.weeks[:2])
            body = {
                "unit_id": leader.unit_id,
                "skill": self.rng.choice(leader.skills),
                "hours": float(self.rng.choice((8, 12, 16, 24))),
                "first_week": first.isoformat(),
                "last_week": (first + dt.timedelta(weeks=1)).isoformat(),
                "description": "Posted by the load test",
            }
            return Call(kind, "POST", "/api/needs", leader.token, body)
        token = self.rng.choice(self.sample.staff_tokens)
        return Call(kind, "GET", "/api/me/assignments" if kind == READ_API else "/", token)


@dataclass(frozen=True)
class Call:
    """One request to make, as a staff member or leader (by their token)."""

    kind: str
    method: str
    path: str
    token: str
    body: dict[str, object] | None = None


async def _fire(
    client: aiohttp.ClientSession,
    choose: _Chooser,
    phase: str,
    rate: float,
    seconds: float,
) -> list[Shot]:
    """Send `rate × seconds` requests, each at its due time (open model); wait for the answers.

    A pause of the client's own would count as the server's latency (each answer is timed from
    its request's due moment), so the phase begins by freezing what exists: the seeding's
    objects and earlier phases' answers."""
    freeze_what_exists()
    loop = asyncio.get_running_loop()
    start = loop.time()
    sent: list[tuple[asyncio.Task[Shot], Call, float]] = []
    turns = asyncio.Semaphore(MAX_CONNECTIONS)
    unsent: list[Shot] = []
    for i in range(round(rate * seconds)):
        due = start + i / rate
        if (delay := due - loop.time()) > 0:
            await asyncio.sleep(delay)
        call = choose()
        if loop.time() - due > REQUEST_TIMEOUT:  # the client itself fell that far behind
            unsent.append(Shot(phase, call.kind, loop.time() - due, False, loop.time() - start))
            continue
        shot = asyncio.create_task(_shoot(client, turns, call, phase, start, due))
        sent.append((shot, call, due))
    # Bounded in time as well as count: what has no answer by then is an error.
    await asyncio.wait([task for task, _, _ in sent], timeout=REQUEST_TIMEOUT)
    now = loop.time()
    shots = unsent
    for task, call, due in sent:
        if task.done():
            shots.append(task.result())
        else:
            task.cancel()
            shots.append(Shot(phase, call.kind, now - due, False, now - start))
    return shots


async def _shoot(
    client: aiohttp.ClientSession,
    turns: asyncio.Semaphore,
    call: Call,
    phase: str,
    start: float,
    due: float,
) -> Shot:
    try:
        async with (
            turns,
            client.request(
                call.method,
                call.path,
                json=call.body,
                headers={"Authorization": f"Bearer {call.token}"},
            ) as answer,
        ):
            await answer.read()
            ok = answer.status < 400
    except (aiohttp.ClientError, TimeoutError):
        ok = False
    now = asyncio.get_running_loop().time()
    return Shot(phase, call.kind, now - due, ok, now - start)


# --- the figures -----------------------------------------------------------------------------


def _rows(shots: list[Shot], durations: dict[str, float]) -> list[LoadRow]:
    rows = []
    for phase in dict.fromkeys(s.phase for s in shots):
        seconds = durations[phase]
        in_phase = [s for s in shots if s.phase == phase]
        groups = [(k, (k,)) for k in KINDS] + [("reads", READS), ("writes", WRITES), ("all", KINDS)]
        for name, kinds in groups:
            chosen = [s for s in in_phase if s.kind in kinds]
            if chosen:
                rows.append(_row(phase, name, chosen, seconds))
    return rows


def _row(phase: str, kind: str, shots: list[Shot], seconds: float) -> LoadRow:
    ms = sorted(s.latency * 1000 for s in shots)
    errors = sum(not s.ok for s in shots)
    return LoadRow(
        phase=phase,
        kind=kind,
        requests=len(shots),
        errors=errors,
        per_second=(len(shots) - errors) / max(seconds, max(s.answered for s in shots)),
        p50_ms=statistics.median(ms),
        p99_ms=_percentile(ms, 0.99),
        max_ms=ms[-1],
    )


def _percentile(ordered: list[float], share: float) -> float:
    """The nearest-rank percentile: at least `share` of the values are at or below it."""
    return ordered[max(0, math.ceil(len(ordered) * share) - 1)]


def format_report(report: LoadReport) -> list[str]:
    widths = (13, 28, 8, 6, 8, 8, 8, 8)
    heads = ("phase", "requests", "count", "errors", "req/s", "p50 ms", "p99 ms", "max ms")
    lines = [
        f"database: {report.database}; app processes: {report.workers}",
        "  ".join(
            h.ljust(w) if i < 2 else h.rjust(w)
            for i, (h, w) in enumerate(zip(heads, widths, strict=True))
        ),
    ]
    for r in report.rows:
        lines.append(
            f"{r.phase:<13}  {r.kind:<28}  {r.requests:>8}  {r.errors:>6}  {r.per_second:>8.1f}  "
            f"{r.p50_ms:>8.1f}  {r.p99_ms:>8.1f}  {r.max_ms:>8.1f}"
        )
    lines.append(f"errors in the server's log: {report.server_errors}")
    if report.solve_ran_throughout is not None:
        lines.append(
            "the solve ran throughout its phase"
            if report.solve_ran_throughout
            else "note: the solve ended before its phase did"
        )
    return lines


# --- database and server ---------------------------------------------------------------------


@contextmanager
def fresh_database(database: str, folder: Path) -> Iterator[str]:
    """A SQLite file in `folder`, or a new database on the PostgreSQL server at `database`
    (dropped afterwards)."""
    if database == "sqlite":
        yield f"sqlite:///{folder / 'jobbank.db'}"
        return
    server = make_url(normalise_database_url(database))
    if server.get_backend_name() != "postgresql":
        raise ValueError(f"database: give `sqlite` or a PostgreSQL URL, got {database!r}")
    name = f"jobbank_load_{secrets.token_hex(4)}"
    admin = create_engine(server, isolation_level="AUTOCOMMIT")
    try:
        with admin.connect() as connection:
            connection.execute(text(f'CREATE DATABASE "{name}"'))
        try:
            yield server.set(database=name).render_as_string(hide_password=False)
        finally:
            with admin.connect() as connection:
                connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    finally:
        admin.dispose()


@contextmanager
def _server(url: str, folder: Path, workers: int) -> Iterator[str]:
    """`jobbank serve` on a free loopback port until the block ends; yields its base URL."""
    port = _free_port()
    # The server runs the same code as this client, wherever it was imported from.
    code = str(Path(jobbank.__file__).resolve().parent.parent)
    path = os.pathsep.join(p for p in (code, os.environ.get("PYTHONPATH", "")) if p)
    env = {**os.environ, "DATABASE_URL": url, "JOBBANK_DATA_DIR": str(folder), "PYTHONPATH": path}
    log = folder / SERVER_LOG
    with log.open("w") as sink:
        server = subprocess.Popen(
            [
                *(sys.executable, "-m", "jobbank", "serve", "--host", "127.0.0.1"),
                *("--port", str(port), "--workers", str(workers)),
            ],
            stdout=sink,
            stderr=subprocess.STDOUT,
            env=env,
            cwd=folder,
        )
    base = f"http://127.0.0.1:{port}"
    try:
        _await_health(server, base, log)
        yield base
    finally:
        server.terminate()
        try:
            server.wait(timeout=20)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait()


def _free_port() -> int:
    import socket

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def _await_health(server: subprocess.Popen[bytes], base: str, log: Path) -> None:
    deadline = time.monotonic() + STARTUP_SECONDS
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise RuntimeError(f"the server stopped:\n{log.read_text()}")
        try:
            if httpx.get(f"{base}/health", timeout=2).status_code == 200:
                return
        except httpx.TransportError:
            time.sleep(0.2)
    raise RuntimeError(f"the server did not answer /health in {STARTUP_SECONDS:g} s")


def shown_url(url: str) -> str:
    return make_url(url).render_as_string(hide_password=True)
