"""Liveness and database reachability, for load balancers and the quick start."""

from __future__ import annotations

from litestar import Response, get
from litestar.status_codes import HTTP_200_OK, HTTP_503_SERVICE_UNAVAILABLE
from pydantic import BaseModel

from api.deps import DB
from jobbank.db import ping


class Health(BaseModel):
    status: str
    database: str


@get(
    "/health",
    status_code=HTTP_200_OK,
    sync_to_thread=True,
    summary="Is the service up and its database reachable?",
)
def health(db_session: DB) -> Response[Health]:
    if not ping(db_session):
        return Response(
            Health(status="unavailable", database="unreachable"),
            status_code=HTTP_503_SERVICE_UNAVAILABLE,
        )
    return Response(Health(status="ok", database="ok"))
