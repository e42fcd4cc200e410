"""Where Chromium is missing the browser tests skip, and the run ends with one line saying how
many and the command that installs it (under CI they fail instead: `tests/browser/conftest.py`)."""

from __future__ import annotations

from types import SimpleNamespace

from tests.conftest import INSTALL_CHROMIUM, browser_skip_line, browser_tests_skipped


def test_only_skipped_browser_tests_are_counted() -> None:
    reports = [
        SimpleNamespace(nodeid="tests/browser/test_pulse.py::test_x"),
        SimpleNamespace(nodeid="tests/browser/test_thread.py"),
        SimpleNamespace(nodeid="tests/jobbank/test_privacy.py::test_y[postgresql]"),
    ]
    assert browser_tests_skipped(reports) == 2


def test_the_line_says_how_many_and_the_command() -> None:
    assert browser_skip_line(0) is None
    assert browser_skip_line(1) == (
        f"1 browser test skipped: Chromium is not installed; run `{INSTALL_CHROMIUM}`."
    )
    line = browser_skip_line(95)
    assert line is not None and line.startswith("95 browser tests skipped")
