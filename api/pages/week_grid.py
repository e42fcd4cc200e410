"""Leaders' week by day, for a phone: the receiving leader's (who is here which day, and
when) and the home leader's (who of their people is away which day, and where)."""

from __future__ import annotations

import datetime as dt

from litestar import Response, get
from litestar.params import FromPath, FromQuery
from litestar.plugins.htmx import HTMXRequest
from litestar.response import Template

from api.auth import current_actor
from api.deps import DB
from api.pages.rendering import rendered
from jobbank.assignments import Direction, week_grid
from jobbank.core.errors import InvalidInput
from jobbank.core.weeks import monday_of


def _week(text: str | None) -> dt.date:
    """The week asked for (any day of it), else this one."""
    if not text:
        return monday_of(dt.date.today())
    try:
        return monday_of(dt.date.fromisoformat(text))
    except ValueError:
        raise InvalidInput("week", f"{text!r} is not a date", code="not_a_date") from None


@get("/deployments/{direction:str}/week", sync_to_thread=True)
def week_page(
    db_session: DB,
    request: HTMXRequest,
    direction: FromPath[Direction],
    week: FromQuery[str | None] = None,
) -> Response[bytes]:
    """The week of the units you lead, day by day: who comes (`incoming`) or who of your
    people is away (`outgoing`), with their times; a week at a time, to page through."""
    actor = current_actor(request)
    monday = _week(week)
    grid = week_grid(db_session, actor, direction, monday)
    path = f"/deployments/{direction.value}/week"
    page = Template(
        "week_grid.html",
        context={
            "actor": actor,
            "grid": grid,
            "previous": f"{path}?week={(monday - dt.timedelta(weeks=1)).isoformat()}",
            "next": f"{path}?week={(monday + dt.timedelta(weeks=1)).isoformat()}",
        },
    )
    return rendered(request, page)


ROUTES = [week_page]
