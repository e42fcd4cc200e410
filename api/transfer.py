"""How answers travel: compressed, and kept in no cache, since nearly all of them hold
personal data (names, contacts, hours, where people are lent).

Static files (the pages' scripts and styles, Swagger UI's) may be cached: their routers carry
the `CACHEABLE` opt. A stream of server-sent events carries `STREAMS` and goes uncompressed, so
that each event reaches the browser when it is sent, not when a compressed block fills.
"""

from __future__ import annotations

from typing import Any

from litestar.config.compression import CompressionConfig
from litestar.datastructures import MutableScopeHeaders
from litestar.types import Message, Scope

CACHEABLE = "cacheable"
"""Route opt: the answer holds no personal data and may be cached (static files)."""
STREAMS = "streams"
"""Route opt: the answer is a stream of events, sent uncompressed."""
NO_STORE = "no-store"
GZIP_LEVEL = 6
"""zlib's default: most of level 9's saving for a fraction of its CPU."""


def compression() -> CompressionConfig:
    """gzip for answers of 500 bytes or more, to clients that accept it."""
    return CompressionConfig(
        backend="gzip", gzip_compress_level=GZIP_LEVEL, exclude_opt_key=STREAMS
    )


async def no_store(message: Message, scope: Scope) -> None:
    """A `before_send` hook: `Cache-Control: no-store` on every answer that does not say
    otherwise, unless its route is `CACHEABLE`."""
    if message["type"] != "http.response.start" or _opt(scope).get(CACHEABLE):
        return
    headers = MutableScopeHeaders.from_message(message)
    if "cache-control" not in headers:
        headers["cache-control"] = NO_STORE


def _opt(scope: Scope) -> dict[str, Any]:
    handler = scope.get("route_handler")
    return getattr(handler, "opt", None) or {}
