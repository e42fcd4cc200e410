"""The Litestar application: wiring of settings, database sessions, log-in and routes."""

from __future__ import annotations

from typing import Any

from advanced_alchemy.extensions.litestar import SQLAlchemyPlugin, SQLAlchemySyncConfig
from litestar import Litestar
from litestar.datastructures import State
from litestar.middleware import DefineMiddleware
from litestar.openapi import OpenAPIConfig
from litestar.openapi.spec import Components, SecurityScheme

from api import errors, pages
from api.assignments import AssignmentController
from api.audit_log import AuditController
from api.auth import (
    NO_CSRF,
    ActorMiddleware,
    AuthController,
    BearerAwareCSRFMiddleware,
    change_my_password,
    csrf_config,
    me,
)
from api.bodies import JSONRequest, StrictJSONBodies
from api.calendar import MyCalendarFeedController, assignment_ics, calendar_feed
from api.checklists import ChecklistController, ChecklistTemplateController
from api.db_session import SessionEnder
from api.deployment_messages import DeploymentMessageController
from api.deployments import DeploymentController
from api.evaluations import EvaluationController
from api.exports import RoundExportController
from api.health import health
from api.imports import ImportController
from api.live_plan_events import PlanEventController
from api.live_plan_repairs import RepairController
from api.messages import MessageController, MyMessageController
from api.needs import NeedController
from api.openapi_docs import ClosedShapes, ProblemResponses
from api.organisation import AreaController, SkillController, UnitController
from api.paging import paging_up_to
from api.people import PersonController, UserController, my_personal_data
from api.plan_changes import MyChangesController
from api.pulse import DeploymentPulseController, PulseController
from api.reports import ReportController
from api.rounds import RoundController
from api.security import (
    LocalSwaggerUI,
    hide_secrets_in_access_log,
    security_headers,
    swagger_assets,
)
from api.transfer import compression, no_store
from api.volunteers import MyVolunteerController, VolunteerController
from api.worked_weeks import WorkedWeekController
from jobbank.core.settings import Settings, load_settings
from jobbank.db import make_engine, make_session_factory
from jobbank.runtime.mail import OutboxLoop
from jobbank.runtime.queue import runner_for
from jobbank.sign_on.config import SignOnSettings, load_sign_on_settings
from jobbank.sign_on.flow import SignOn
from jobbank.tools.collector import freeze_what_exists

API_VERSION = "0.2.0"


def create_app(
    settings: Settings | None = None,
    sign_on: SignOnSettings | None = None,
    **overrides: Any,
) -> Litestar:
    """A Jobbank app on the configured database (SQLite in the data directory by default);
    with the municipality's sign-on when `JOBBANK_OIDC_ISSUER` (or `sign_on`) says so."""
    settings = settings or load_settings()
    sign_on = sign_on or load_sign_on_settings()
    engine = make_engine(
        settings.url,
        pool_size=settings.db_pool_size,
        max_overflow=0,
        pool_timeout=settings.db_pool_timeout,
    )
    database = SQLAlchemySyncConfig(
        engine_instance=engine,
        session_dependency_key="db_session",
    )
    # Commits on success and on a form's redirect (303), on threads of its own (see there); the
    # session's key in the scope is only known once the config has made it unique.
    database.before_send_handler = SessionEnder(database.session_scope_key)
    runner = runner_for(settings)  # JOBBANK_SOLVE_QUEUE: a process per solve, or SAQ
    outbox = OutboxLoop(make_session_factory(engine), settings)
    hide_secrets_in_access_log()
    return Litestar(
        route_handlers=[
            health,
            me,
            change_my_password,
            AuthController,
            *_resources(),
            *pages.routes(),
            swagger_assets(),
        ],
        plugins=[
            SQLAlchemyPlugin(config=database),
            errors.plugin(settings.body_limit),
            StrictJSONBodies(),
            ProblemResponses(csrf_exempt_key=NO_CSRF),
            ClosedShapes(),
            *pages.plugins(),
        ],
        template_config=pages.template_config(),
        middleware=[
            DefineMiddleware(
                BearerAwareCSRFMiddleware, config=csrf_config(settings.session_secret())
            ),
            ActorMiddleware(database),
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
            render_plugins=[LocalSwaggerUI(path=["/", "/swagger"])],
            components=Components(
                security_schemes={
                    "BearerToken": SecurityScheme(type="http", scheme="bearer"),
                }
            ),
            security=[{"BearerToken": []}],
        ),
        dependencies={"paging": paging_up_to(settings.page_max_limit)},
        request_max_body_size=settings.body_limit,
        request_class=JSONRequest,
        compression_config=compression(),
        before_send=[security_headers(settings.behind_tls, sign_on.origin), no_store],
        state=State(
            {
                "settings": settings,
                "session_factory": make_session_factory(engine),
                "job_runner": runner,
                "sign_on": SignOn(sign_on) if sign_on.enabled else None,
            }
        ),
        # Startup's modules, routes and templates, frozen out of the collector's full passes.
        on_startup=[freeze_what_exists, outbox.start],
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
        my_personal_data,
        UserController,
        ChecklistController,
        ChecklistTemplateController,
        AssignmentController,
        AuditController,
        MyVolunteerController,
        VolunteerController,
        NeedController,
        RoundController,
        PlanEventController,
        RepairController,
        MyMessageController,
        MyChangesController,
        MessageController,
        RoundExportController,
        ReportController,
        WorkedWeekController,
        MyCalendarFeedController,
        DeploymentMessageController,
        calendar_feed,
        assignment_ics,
        ImportController,
        EvaluationController,
        DeploymentPulseController,
        PulseController,
        DeploymentController,
    ]
