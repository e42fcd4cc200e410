"""Faults (issue 8): a server killed in the middle of publishing a round and of an import, then
started again. Real `jobbank serve` processes on loopback, on SQLite and PostgreSQL, real
signals, no mocks. (Solver workers killed, frozen or past their deadline:
`test_solver_worker_faults.py`.)

Each operation first runs without a fault, timed; that server is SIGKILLed just after its
answer, so the run also shows that what was committed survives a crash. Then the operation is
sent again on a fresh copy of the same database and the server is killed at `KILL_AT` shares of
that time. After each restart the database must hold, table by table, exactly the rows it held
before the request (nothing happened) or exactly the rows the run without a fault left (all of
it happened), and pass the backend's integrity checks.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from dataclasses import dataclass

import httpx
from sqlalchemy import func, select, text
from sqlalchemy.orm import Session

from jobbank import db
from jobbank.db.models import AllocationRound, AuditEntry, Base, Checklist, OutboxMessage, Person
from tests.jobbank.runtime.conftest import IMPORT_ROWS, Server, Template

KILL_AT = (0.3, 0.6, 0.9)
"""When to kill the server, as shares of the operation's time without a fault."""

Counts = dict[str, int]


def table_counts(url: str) -> Counts:
    """Rows in each of the app's tables."""
    engine = db.make_engine(url)
    with engine.connect() as connection:
        counts = {
            table.name: int(
                connection.execute(select(func.count()).select_from(table)).scalar_one()
            )
            for table in Base.metadata.sorted_tables
        }
    engine.dispose()
    return counts


def check_integrity(url: str) -> None:
    """SQLite: `integrity_check` and `foreign_key_check`. PostgreSQL: amcheck verifies every
    B-tree index against its table (every row indexed, the index well-formed)."""
    engine = db.make_engine(url)
    with engine.connect() as connection:
        if engine.dialect.name == "sqlite":
            assert connection.exec_driver_sql("PRAGMA integrity_check").scalars().all() == ["ok"]
            assert connection.exec_driver_sql("PRAGMA foreign_key_check").all() == []
        else:
            connection.exec_driver_sql("CREATE EXTENSION IF NOT EXISTS amcheck")
            checked = connection.execute(
                text(
                    "SELECT count(bt_index_check(c.oid, true)) FROM pg_index i "
                    "JOIN pg_class c ON c.oid = i.indexrelid JOIN pg_am a ON a.oid = c.relam "
                    "WHERE a.amname = 'btree' AND c.relnamespace = 'public'::regnamespace"
                )
            ).scalar_one()
            assert checked > 10
            connection.commit()
    engine.dispose()


# --- a crash in the middle of an operation ----------------------------------------------------

Send = Callable[[httpx.Client], httpx.Response]


@dataclass
class Run:
    """One run of the operation: the rows before and after, and how it ended."""

    before: Counts
    after: Counts
    seconds: float
    """Until the kill."""
    answered_after: float | None
    """Seconds until the answer, when it came before the kill."""


def run_and_kill(server: Server, send: Send, kill_after: float | None) -> Run:
    """Send the operation, SIGKILL the server `kill_after` seconds later (or once it answered,
    when None), start it again and count the rows it finds."""
    before = table_counts(server.url)
    answers: list[httpx.Response | Exception] = []
    answered_after: list[float] = []

    def call() -> None:
        with server.client() as client:
            try:
                answers.append(send(client))
                answered_after.append(time.monotonic() - started)
            except httpx.TransportError as cut:  # the server died under the request
                answers.append(cut)

    started = time.monotonic()
    caller = threading.Thread(target=call)
    caller.start()
    caller.join(kill_after)
    seconds = time.monotonic() - started
    server.kill()
    caller.join(30)
    answer = answers[0]
    if kill_after is None:
        assert isinstance(answer, httpx.Response) and answer.status_code == 200, answer
    server.start()  # the database must open again after the crash
    check_integrity(server.url)
    return Run(before, table_counts(server.url), seconds, next(iter(answered_after), None))


Check = Callable[[Run, Server, Counts], None]
"""A test's own look at the database after a run: (the run, its restarted server, the rows the
whole operation writes per table)."""


def crash_runs(
    template: Template, serve: Callable[[str], Server], send: Send, check: Check
) -> tuple[Run, Server]:
    """The operation once without a fault, then killed at each of `KILL_AT`; `check` after
    each. A server whose crash left nothing written serves the next run: its database is as it
    was. Returns the run without a fault and the last server, restarted after its crash."""
    server = serve(template.copy())
    server.log_in()
    whole = run_and_kill(server, send, None)
    assert whole.seconds > 1, "the operation must take long enough to be killed in the middle"
    written = {t: whole.after[t] - whole.before[t] for t in whole.after}
    check(whole, server, written)
    duration = whole.seconds
    for share in KILL_AT:
        if table_counts(server.url) != whole.before:
            server = serve(template.copy())
            server.log_in()
        run = run_and_kill(server, send, duration * share)
        complete = {t: run.before[t] + written[t] for t in run.before}
        assert run.after in (run.before, complete), (share, _difference(run, complete))
        check(run, server, written)
        print(  # shown with `pytest -s`
            f"{template.backend}: killed at {run.seconds:.1f} of {duration:.1f} s: "
            f"{'nothing' if run.after == run.before else 'all'} was written"
            + (f" (it had answered after {run.answered_after:.1f} s)" if run.answered_after else "")
        )
        if run.answered_after is not None:  # a busy machine slowed the first run: aim earlier
            duration = min(duration, run.answered_after)
    return whole, server


def _difference(run: Run, complete: Counts) -> dict[str, tuple[int, int, int]]:
    """Per table that differs: (before, after the crash, after the whole operation)."""
    return {
        t: (run.before[t], run.after[t], complete[t])
        for t in run.after
        if run.after[t] not in (run.before[t], complete[t])
    }


def test_a_publish_killed_at_any_moment_is_all_there_or_not_at_all(
    template: Template, serve: Callable[[str], Server]
) -> None:
    round_id = template.round_id

    def publish(client: httpx.Client) -> httpx.Response:
        return client.post(f"/api/rounds/{round_id}/publish")

    def check(run: Run, server: Server, written: Counts) -> None:
        assert written["checklist"] > 100 and written["outbox_message"] > 100
        assert written["assignment"] == written["person"] == 0
        published = run.after != run.before
        state = _round_state(server.url, round_id)
        assert state == (
            ("published", True, written["checklist"], written["outbox_message"], 1)
            if published
            else ("proposed", False, 0, 0, 0)
        )
        with server.client() as client:  # the token from before the crash still holds
            assert client.get(f"/api/rounds/{round_id}").json()["status"] == state[0]

    whole, server = crash_runs(template, serve, publish, check)
    with server.client() as client:  # publishing after the crash works, once
        for _ in range(2):
            again = client.post(f"/api/rounds/{round_id}/publish")
            assert again.status_code == 200 and again.json()["status"] == "published"
    assert table_counts(server.url) == whole.after


def _round_state(url: str, round_id: int) -> tuple[str, bool, int, int, int]:
    """Status, published or not, checklists, messages and publish audit entries of the round."""
    engine = db.make_engine(url)
    with Session(engine) as session:
        rnd = session.get_one(AllocationRound, round_id)
        checklists = session.scalar(
            select(func.count(Checklist.id)).where(Checklist.round_id == round_id)
        )
        messages = session.scalar(
            select(func.count(OutboxMessage.id)).where(
                OutboxMessage.dedupe_key.startswith(f"round:{round_id}:")
            )
        )
        published = session.scalar(
            select(func.count(AuditEntry.id)).where(
                AuditEntry.action == "publish",
                AuditEntry.entity == "round",
                AuditEntry.entity_id == str(round_id),
            )
        )
        published_at = rnd.published_at is not None
        state = (rnd.status.value, published_at, checklists or 0, messages or 0, published or 0)
    engine.dispose()
    return state


def test_an_import_killed_at_any_moment_is_all_there_or_not_at_all(
    template: Template, serve: Callable[[str], Server]
) -> None:
    staff_file = _staff_file(template)

    def import_staff(client: httpx.Client) -> httpx.Response:
        return client.post("/api/imports/staff", files={"file": ("staff.csv", staff_file)})

    def check(run: Run, server: Server, written: Counts) -> None:
        assert written["person"] == written["volunteer_profile"] == IMPORT_ROWS
        assert written["audit_entry"] >= IMPORT_ROWS and written["need"] == 0
        assert _imported(server.url) == (0 if run.after == run.before else IMPORT_ROWS)

    whole, server = crash_runs(template, serve, import_staff, check)
    imported = _imported(server.url)
    with server.client() as client:  # the same file imports after the crash
        again = client.post("/api/imports/staff", files={"file": ("staff.csv", staff_file)})
    assert again.status_code == 200, again.text
    assert again.json()["created"] == IMPORT_ROWS - imported
    assert table_counts(server.url) == whole.after


def _staff_file(template: Template) -> bytes:
    """`IMPORT_ROWS` new staff in the HR system's layout, on the template's units and skills."""
    lines = ["employee_no;name;email;home_unit;skills;normal_hours;phone;language;opted_in"]
    for i in range(IMPORT_ROWS):
        unit = template.units[i % len(template.units)]
        skills = ", ".join(dict.fromkeys([template.skills[i % len(template.skills)], "it"]))
        lines.append(
            f"imp{i:05d};Importeret Person {i};imp{i:05d}@import.example;{unit};{skills};"
            f"{30 + i % 8};;da;ja"
        )
    return "\n".join(lines).encode()


def _imported(url: str) -> int:
    engine = db.make_engine(url)
    with Session(engine) as session:
        count = session.scalar(
            select(func.count(Person.id)).where(Person.employee_no.startswith("imp"))
        )
    engine.dispose()
    return int(count or 0)
