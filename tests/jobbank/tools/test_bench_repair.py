"""`jobbank bench --repair` on the small size: every scenario measured, the repair within the
rules it states (nothing changed outside what the events touch when moves are off)."""

from __future__ import annotations

import pytest

from jobbank.tools.bench_repair import SCENARIOS, run_repair_bench


def test_each_scenario_is_repaired_and_compared_with_a_re_solve() -> None:
    lines: list[str] = []
    rows = run_repair_bench(["small"], seeds=[1], time_limit=2, workers=1, out=lines.append)
    assert [r.scenario for r in rows] == list(SCENARIOS)
    assert len(lines) == 1 + len(SCENARIOS)
    for row in rows:
        assert row.touched > 0 and row.changes > 0
        assert 0 < row.of_bound <= 1
        assert row.vs_resolve > 0.9
        assert row.resolve_disturbed > 0
    assert [r.events for r in rows] == [1, 50, 50]
    assert all(r.outside == 0 and r.moved == 0 for r in rows if "moves" not in r.scenario)


def test_an_unknown_size_is_refused() -> None:
    with pytest.raises(ValueError, match="unknown size 'huge'"):
        run_repair_bench(["huge"], seeds=[1], out=lambda _: None)
