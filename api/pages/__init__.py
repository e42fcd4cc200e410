"""The web pages: server-rendered Jinja templates, HTMX for partial updates, no build step.

Everything a page needs is served from here (`/static`), nothing from outside the server.
Pages call jobbank's services with the caller's `Actor`, never the HTTP API.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from litestar import Router
from litestar.exceptions import NotAuthorizedException
from litestar.plugins.htmx import HTMXPlugin
from litestar.plugins.jinja import JinjaTemplateEngine
from litestar.static_files import create_static_files_router
from litestar.template.config import TemplateConfig

from api.pages import (
    admin,
    calendar,
    dashboard,
    deployment,
    errors,
    evaluation,
    home,
    i18n,
    imports,
    login,
    messages,
    needs,
    numbers,
    plan_changes,
    plan_events,
    pulse,
    repairs,
    reports,
    rounds,
    sign_on,
    thread,
    units,
    volunteering,
    week_grid,
    worked,
)
from api.transfer import CACHEABLE

HERE = Path(__file__).parent


def template_config() -> TemplateConfig[JinjaTemplateEngine]:
    def configure(engine: JinjaTemplateEngine) -> None:
        i18n.install(engine.engine)
        numbers.install(engine.engine)
        engine.engine.auto_reload = False  # templates change with a release, not while it runs
        # Compiled now rather than by the first requests, which queued behind them.
        for name in engine.engine.list_templates(extensions=["html"]):
            engine.engine.get_template(name)

    return TemplateConfig(
        directory=HERE / "templates", engine=JinjaTemplateEngine, engine_callback=configure
    )


def routes() -> list[Any]:
    """The pages, which send a caller who is not logged in to the log-in page, and `/static`."""
    pages = Router(
        path="/",
        route_handlers=[
            login.log_in_page,
            login.log_in_from_form,
            login.log_out,
            sign_on.sign_on_start,
            sign_on.sign_on_callback,
            i18n.choose_language,
            home.home,
            home.tick_item,
            home.deployments_page,
            *week_grid.ROUTES,
            *rounds.ROUTES,
            *dashboard.ROUTES,
            *needs.ROUTES,
            *volunteering.ROUTES,
            *admin.ROUTES,
            *messages.ROUTES,
            *imports.ROUTES,
            *calendar.ROUTES,
            *reports.ROUTES,
            *plan_events.ROUTES,
            *plan_changes.ROUTES,
            *repairs.ROUTES,
            *pulse.ROUTES,
            *thread.ROUTES,
            *worked.ROUTES,
            *evaluation.ROUTES,
            *deployment.ROUTES,
            *units.ROUTES,
        ],
        exception_handlers={**errors.HANDLERS, NotAuthorizedException: login.to_log_in},
        include_in_schema=False,
    )
    static = create_static_files_router(
        path="/static",
        directories=[HERE / "static"],
        include_in_schema=False,
        opt={CACHEABLE: True},
    )
    return [pages, static]


def plugins() -> list[Any]:
    return [HTMXPlugin()]
