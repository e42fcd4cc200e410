"""Security headers on every response, and the OpenAPI UI served from this server.

The content security policy lets a page load scripts, styles, images, fonts and data from
this server only: no inline script, no inline `<style>`, no outside host. Pages keep their
scripts in `/static`; the Swagger UI's files come from the `swagger-ui-bundle-v2` package.
"""

from __future__ import annotations

import logging
import re
from typing import Any

from litestar import Request
from litestar.datastructures import MutableScopeHeaders
from litestar.openapi.plugins import SwaggerRenderPlugin
from litestar.router import Router
from litestar.static_files import create_static_files_router
from litestar.types import Message, Scope
from swagger_ui_bundle import swagger_ui_path

from api.transfer import CACHEABLE


def content_security_policy(sign_on_origin: str | None = None) -> str:
    """The policy; with sign-on, forms may also lead to the provider: log-out posts to
    Jobbank, which sends the browser on to end the provider's session, and browsers hold a
    form's redirects to its `form-action` too."""
    form_action = f"form-action 'self' {sign_on_origin}" if sign_on_origin else "form-action 'self'"
    return "; ".join([*_POLICY, form_action, "frame-ancestors 'none'"])


_POLICY = (
    "default-src 'self'",
    "script-src 'self'",
    "style-src 'self'",
    # data: images are inline icons (the pages' empty favicon, Swagger UI's CSS), not a host
    "img-src 'self' data:",
    "font-src 'self'",
    "connect-src 'self'",
    "object-src 'none'",
    "base-uri 'self'",
)
HEADERS = {
    "x-frame-options": "DENY",
    "x-content-type-options": "nosniff",
    "referrer-policy": "same-origin",
    "cross-origin-opener-policy": "same-origin",
}
HSTS = "max-age=31536000; includeSubDomains"
"""A year: browsers that saw the app over TLS never try it over plain HTTP again."""


def security_headers(behind_tls: bool, sign_on_origin: str | None = None) -> Any:
    """A `before_send` hook adding the headers; HSTS only over TLS (or behind a TLS proxy),
    since over plain HTTP a browser ignores it and it would lock out a plain-HTTP setup."""
    policy = content_security_policy(sign_on_origin)

    async def add_headers(message: Message, scope: Scope) -> None:
        if message["type"] != "http.response.start":
            return
        headers = MutableScopeHeaders.from_message(message)
        for name, value in (HEADERS | {"content-security-policy": policy}).items():
            if name not in headers:
                headers[name] = value
        if behind_tls or scope.get("scheme") == "https":
            headers["strict-transport-security"] = HSTS

    return add_headers


FEED_SECRET = re.compile(r"/calendar/[^/?\s\"]+")
"""A calendar feed's address is its secret; the access log keeps only that it was read."""


class HideFeedSecrets(logging.Filter):
    """Blanks the secret of calendar feed addresses in the server's access log."""

    def filter(self, record: logging.LogRecord) -> bool:
        if isinstance(record.args, tuple):
            record.args = tuple(
                FEED_SECRET.sub("/calendar/…", arg) if isinstance(arg, str) else arg
                for arg in record.args
            )
        return True


def hide_secrets_in_access_log() -> None:
    """Install `HideFeedSecrets` on uvicorn's access log, once."""
    access = logging.getLogger("uvicorn.access")
    if not any(isinstance(f, HideFeedSecrets) for f in access.filters):
        access.addFilter(HideFeedSecrets())


SWAGGER_ASSETS = "/schema/assets"


class LocalSwaggerUI(SwaggerRenderPlugin):
    """Swagger UI from this server's files, started by `/static/swagger-init.js`, which reads
    the schema from `/schema/openapi.json` (the stock page inlines a script, which the
    policy forbids, and loads the UI from a CDN)."""

    def __init__(self, path: str | list[str]) -> None:
        super().__init__(
            path=path,
            js_url=f"{SWAGGER_ASSETS}/swagger-ui-bundle.js",
            css_url=f"{SWAGGER_ASSETS}/swagger-ui.css",
            standalone_preset_js_url=f"{SWAGGER_ASSETS}/swagger-ui-standalone-preset.js",
            favicon=f'<link rel="icon" type="image/png" href="{SWAGGER_ASSETS}/favicon-32x32.png">',
            style="",
        )

    def render(self, request: Request[Any, Any, Any], openapi_schema: dict[str, Any]) -> bytes:
        title = str(openapi_schema["info"]["title"])
        return f"""<!DOCTYPE html>
<html lang="en">
<head>
  <meta charset="utf-8">
  <meta name="viewport" content="width=device-width, initial-scale=1">
  <title>{title} API</title>
  {self.favicon}
  <link rel="stylesheet" href="{self.css_url}">
  <script src="{self.js_url}" defer></script>
  <script src="{self.standalone_preset_js_url}" defer></script>
  <script src="/static/swagger-init.js" defer></script>
</head>
<body>
  <div id="swagger-container" data-spec="/schema/openapi.json"></div>
</body>
</html>
""".encode()


def swagger_assets() -> Router:
    """The Swagger UI's scripts and styles, from the installed package."""
    return create_static_files_router(
        path=SWAGGER_ASSETS, directories=[swagger_ui_path], opt={CACHEABLE: True}
    )
