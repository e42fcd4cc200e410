"""Rendering a page on the handler's thread rather than on the event loop.

Litestar renders a returned `Template` on the event loop. A page of many cards takes tens of
milliseconds to render, and meanwhile the loop serves nobody: under load every request of the
process queued behind it (`jobbank load`: half a second at the 99th percentile). The pages
that can grow render here instead, in their synchronous handler's thread.
"""

from __future__ import annotations

from typing import Any

from litestar import MediaType, Request, Response
from litestar.exceptions import ImproperlyConfiguredException
from litestar.response import Template

from api.pages.i18n import PAGE_LANGUAGE, language_of


def rendered(request: Request[Any, Any, Any], page: Template) -> Response[bytes]:
    """`page` rendered now, with the context Litestar would give it (`request`, `csrf_input`)
    and the caller's language, looked up once."""
    engine = request.app.template_engine
    if engine is None or page.template_name is None:
        raise ImproperlyConfiguredException("pages need the template engine and a template")
    context = page.create_template_context(request)
    context[PAGE_LANGUAGE] = language_of(request)
    body = engine.get_template(page.template_name).render(**context)
    return Response(
        content=body.encode(page.encoding),
        media_type=MediaType.HTML,
        status_code=page.status_code or 200,
        headers=page.headers,
        cookies=page.cookies,
    )
