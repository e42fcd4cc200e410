"""`jobbank load` end to end on a small sample: a real server, every request kind, both phases.

Only what the tool reports is checked, never how fast: figures on a shared machine mean
nothing, and the load section of docs/benchmarks.md says how they are measured.
"""

from __future__ import annotations

import gc

import pytest

from jobbank.tools.collector import freeze_what_exists
from jobbank.tools.load import KINDS, SOLVING, STEADY, WARM_UP, run_load
from tests.conftest import BACKENDS, in_a_thread_of_its_own, postgres_server_url

RATE, SECONDS = 20.0, 3.0


@pytest.mark.parametrize("backend", BACKENDS)
def test_a_short_run_answers_every_request_kind_in_both_phases(backend: str) -> None:
    if backend == "sqlite":
        database = "sqlite"
    else:
        server = postgres_server_url()
        if server is None:
            pytest.skip("PostgreSQL tests need JOBBANK_TEST_POSTGRES_URL")
        database = server
    lines: list[str] = []
    frozen: dict[str, int] = {}
    gc.unfreeze()  # what an app started earlier in this process froze

    def out(line: str) -> None:
        lines.append(line)
        frozen[line.split(":")[0]] = gc.get_freeze_count()

    report = in_a_thread_of_its_own(  # the tool runs its own event loop
        lambda: run_load(
            database=database,
            staff=200,
            needs=150,
            rate=RATE,
            seconds=SECONDS,
            warm_up=1,
            during_solve=True,
            # Two app processes on SQLite: a file shared by processes, the riskier of the two.
            workers=2 if backend == "sqlite" else 1,
            out=out,
        )
    )

    rows = {(row.phase, row.kind): row for row in report.rows}
    for phase in (STEADY, SOLVING):
        assert all((phase, kind) in rows for kind in (*KINDS, "reads", "writes")), rows.keys()
        everything = rows[phase, "all"]
        assert everything.requests == RATE * SECONDS
        assert everything.errors == 0
        assert sum(rows[phase, kind].requests for kind in KINDS) == everything.requests
    assert rows[WARM_UP, "all"].requests == RATE * 1  # shown apart from the measured phases
    assert report.solve_ran_throughout is True
    assert report.server_errors == 0
    assert any(line.startswith("while solving  reads") for line in lines), lines
    assert backend in report.database
    # The phases before the solving one were frozen out of the client's collector as they
    # began; the run lets go of them at the end.
    assert frozen[SOLVING] > 0
    assert gc.get_freeze_count() == 0


def test_freezing_leaves_what_exists_out_of_the_collector_s_passes() -> None:
    """What `jobbank load` does as each phase begins (and the app at startup): the client's
    own collector pauses would otherwise count as the server's latency."""
    left_behind = [[index] for index in range(50_000)]  # as the seeding leaves its objects
    try:
        freeze_what_exists()
        assert gc.get_freeze_count() >= len(left_behind)
    finally:
        gc.unfreeze()
