"""`jobbank serve --demo` as a newcomer runs it: a real server process on loopback with a
fresh data folder, for the quick-start and browser tests."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import httpx
import pytest

STARTUP_SECONDS = 90


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@contextmanager
def demo_server(
    folder: Path, *, port: int | None = None, env: dict[str, str] | None = None
) -> Iterator[str]:
    """Serve the demo from `folder/data` (SQLite, whatever `DATABASE_URL` says) until the
    block ends; yields the base URL once `/health` answers. The log is `folder/serve.log`.
    `env` adds settings (the sign-on's, say) to the environment the server runs in."""
    port = port or free_port()
    env = {k: v for k, v in os.environ.items() if k != "DATABASE_URL"} | (env or {})
    env["JOBBANK_DATA_DIR"] = str(folder / "data")
    log = folder / "serve.log"
    with log.open("w") as out:
        server = subprocess.Popen(
            [sys.executable, "-m", "jobbank", "serve", "--demo", "--port", str(port)],
            stdout=out,
            stderr=subprocess.STDOUT,
            env=env,
            cwd=folder,
        )
    base = f"http://localhost:{port}"
    try:
        _await_health(server, base, log)
        yield base
    finally:
        server.terminate()
        server.wait(timeout=20)


def _await_health(server: subprocess.Popen[bytes], base: str, log: Path) -> None:
    deadline = time.monotonic() + STARTUP_SECONDS
    while time.monotonic() < deadline:
        assert server.poll() is None, f"server stopped:\n{log.read_text()}"
        try:
            if httpx.get(f"{base}/health", timeout=2).status_code == 200:
                return
        except httpx.TransportError:
            time.sleep(0.3)
    pytest.fail(f"server did not answer /health in {STARTUP_SECONDS} s:\n{log.read_text()}")
