"""The README's first command as a newcomer runs it: `jobbank serve --demo` on a fresh folder."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

STARTUP_SECONDS = 90


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@pytest.fixture
def demo_server(tmp_path: Path) -> Iterator[tuple[str, Path]]:
    port = free_port()
    env = {k: v for k, v in os.environ.items() if k != "DATABASE_URL"}
    env["JOBBANK_DATA_DIR"] = str(tmp_path / "data")
    log = tmp_path / "serve.log"
    with log.open("w") as out:
        server = subprocess.Popen(
            [sys.executable, "-m", "jobbank", "serve", "--demo", "--port", str(port)],
            stdout=out,
            stderr=subprocess.STDOUT,
            env=env,
            cwd=tmp_path,
        )
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + STARTUP_SECONDS
        while time.monotonic() < deadline:
            assert server.poll() is None, f"server stopped:\n{log.read_text()}"
            try:
                if httpx.get(f"{base}/health", timeout=2).status_code == 200:
                    break
            except httpx.TransportError:
                time.sleep(0.3)
        yield base, log
    finally:
        server.terminate()
        server.wait(timeout=20)


def test_demo_server_answers_health_and_serves_openapi(demo_server: tuple[str, Path]) -> None:
    base, log = demo_server
    assert httpx.get(f"{base}/health").json() == {"status": "ok", "database": "ok"}
    schema = httpx.get(f"{base}/schema/openapi.json").json()
    assert schema["info"]["title"] == "Jobbank"
    assert "/health" in schema["paths"]
    printed = log.read_text()
    assert "Loaded the sample municipality" in printed
    assert "Demo log-ins" in printed and " hr " in printed
    assert "http://localhost:" in printed
