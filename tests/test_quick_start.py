"""The README's first command as a newcomer runs it: `jobbank serve --demo` on a fresh folder."""

from __future__ import annotations

from pathlib import Path

import httpx

from tests.servers import demo_server


def test_demo_server_answers_health_and_serves_openapi(tmp_path: Path) -> None:
    with demo_server(tmp_path) as base:
        assert httpx.get(f"{base}/health").json() == {"status": "ok", "database": "ok"}
        schema = httpx.get(f"{base}/schema/openapi.json").json()
    assert schema["info"]["title"] == "Jobbank"
    assert "/health" in schema["paths"]
    printed = (tmp_path / "serve.log").read_text()
    assert "Loaded the sample municipality" in printed
    assert "Demo log-ins" in printed and " hr " in printed
    assert "http://localhost:" in printed
