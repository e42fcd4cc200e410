"""The Litestar application: wiring of settings, database sessions, log-in and routes."""

from __future__ import annotations

from typing import Any

from advanced_alchemy.extensions.litestar import SQLAlchemyPlugin, SQLAlchemySyncConfig
from litestar import Litestar
from litestar.datastructures import State
from litestar.middleware import DefineMiddleware
from litestar.openapi import OpenAPIConfig
from litestar.openapi.plugins import ScalarRenderPlugin, SwaggerRenderPlugin
from litestar.openapi.spec import Components, SecurityScheme

from api import errors, pages
from api.assignments import AssignmentController
from api.audit_log import AuditController
from api.auth import ActorMiddleware, AuthController, BearerAwareCSRFMiddleware, csrf_config, me
from api.calendar import MyCalendarFeedController, assignment_ics, calendar_feed
from api.checklists import ChecklistController, ChecklistTemplateController
from api.exports import RoundExportController
from api.health import health
from api.imports import ImportController
from api.messages import MessageController, MyMessageController
from api.needs import NeedController
from api.organisation import AreaController, SkillController, UnitController
from api.paging import provide_paging
from api.people import PersonController, UserController
from api.reports import ReportController
from api.rounds import RoundController
from api.volunteers import MyVolunteerController, VolunteerController
from jobbank.db import make_engine, make_session_factory
from jobbank.jobs import ProcessJobRunner
from jobbank.mail import OutboxLoop
from jobbank.settings import Settings, load_settings

API_VERSION = "0.2.0"


def create_app(settings: Settings | None = None, **overrides: Any) -> Litestar:
    """A Jobbank app on the configured database (SQLite in the data directory by default)."""
    settings = settings or load_settings()
    engine = make_engine(settings.url)
    database = SQLAlchemySyncConfig(
        engine_instance=engine,
        session_dependency_key="db_session",
        # Pages answer a successful form with a redirect (303), which must commit too.
        before_send_handler="autocommit_include_redirects",
    )
    runner = ProcessJobRunner(settings.url)
    outbox = OutboxLoop(make_session_factory(engine), settings)
    return Litestar(
        route_handlers=[health, me, AuthController, *_resources(), *pages.routes()],
        plugins=[SQLAlchemyPlugin(config=database), errors.plugin(), *pages.plugins()],
        template_config=pages.template_config(),
        middleware=[
            DefineMiddleware(
                BearerAwareCSRFMiddleware, config=csrf_config(settings.session_secret())
            ),
            ActorMiddleware(),
        ],
        openapi_config=OpenAPIConfig(
            title="Jobbank",
            version=API_VERSION,
            description=(
                "A municipality's internal job bank: volunteers, needs, allocation rounds and "
                "onboarding checklists. Authenticate with `POST /api/auth/token` and send "
                "`Authorization: Bearer <token>`."
            ),
            path="/schema",
            use_handler_docstrings=True,
            render_plugins=[ScalarRenderPlugin(), SwaggerRenderPlugin(path="/swagger")],
            components=Components(
                security_schemes={
                    "BearerToken": SecurityScheme(type="http", scheme="bearer"),
                }
            ),
            security=[{"BearerToken": []}],
        ),
        dependencies={"paging": provide_paging},
        state=State(
            {
                "settings": settings,
                "session_factory": make_session_factory(engine),
                "job_runner": runner,
            }
        ),
        on_startup=[outbox.start],
        on_shutdown=[outbox.stop, runner.close],
        **overrides,
    )


def _resources() -> list[Any]:
    """The `/api` controllers, one module per resource."""
    return [
        AreaController,
        UnitController,
        SkillController,
        PersonController,
        UserController,
        ChecklistController,
        ChecklistTemplateController,
        AssignmentController,
        AuditController,
        MyVolunteerController,
        VolunteerController,
        NeedController,
        RoundController,
        MyMessageController,
        MessageController,
        RoundExportController,
        ReportController,
        MyCalendarFeedController,
        calendar_feed,
        assignment_ics,
        ImportController,
    ]
