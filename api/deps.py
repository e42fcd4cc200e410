"""Names for what handlers receive, so every signature reads the same."""

from __future__ import annotations

from typing import Annotated, Any, TypeAlias

import annotated_types
from advanced_alchemy.filters import LimitOffset
from litestar import Request
from litestar.di import NamedDependency
from litestar.params import Parameter
from sqlalchemy.orm import Session

from jobbank.runtime.jobs import JobRunner
from solver.bounds import MAX_ID

DB: TypeAlias = NamedDependency[Session]
"""The request's database session (`db_session`); committed when the response is 2xx."""
Paging: TypeAlias = NamedDependency[LimitOffset]
"""`?limit=&offset=` of a list endpoint (the `paging` dependency)."""
AnyRequest: TypeAlias = Request[Any, Any, Any]

Id: TypeAlias = Annotated[int, annotated_types.Interval(ge=1, le=MAX_ID)]
"""A row id in a path: a larger or smaller number answers 400 naming the parameter."""
SeenVersion: TypeAlias = Annotated[int | None, Parameter(ge=1, le=MAX_ID)]
"""An optional `?version=` read earlier (`solver.bounds.Version`; stated where Litestar reads
the bound of an optional parameter)."""


def job_runner(request: AnyRequest) -> JobRunner:
    """The app's solve-job runner, which the rounds' controller and pages hand to the services."""
    runner: JobRunner = request.app.state["job_runner"]
    return runner
