"""`jobbank load` end to end on a small sample: a real server, every request kind, both phases.

Only what the tool reports is checked, never how fast: figures on a shared machine mean
nothing, and the load section of docs/benchmarks.md says how they are measured.
"""

from __future__ import annotations

import gc

import pytest

from jobbank.load import (
    KINDS,
    SOLVING,
    STEADY,
    WARM_UP,
    _collector_kept_to_new_objects,
    _freeze_what_exists,
    run_load,
)
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
            out=lines.append,
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


def test_each_phase_keeps_the_collector_off_what_existed_before_it() -> None:
    """The client's own garbage-collector pauses would count as the server's latency: what
    exists when a phase begins is frozen out of the collector's scans, and let go at the end."""
    left_behind = [[index] for index in range(50_000)]  # as the seeding leaves its objects
    with _collector_kept_to_new_objects():
        _freeze_what_exists()
        assert gc.get_freeze_count() >= len(left_behind)
    assert gc.get_freeze_count() == 0
