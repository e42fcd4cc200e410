"""Assignments in calendar apps: your secret feed address, the feed itself (read by calendar
apps without a log-in, the token being the key) and a single assignment as an .ics file."""

from __future__ import annotations

import datetime as dt

from icalendar import Calendar
from litestar import Controller, Response, delete, get, post
from litestar.datastructures import CacheControlHeader
from litestar.params import FromPath
from pydantic import BaseModel, Field

from api.auth import current_actor, logged_in
from api.deps import DB, AnyRequest
from api.openapi_docs import downloads
from jobbank import calendar
from jobbank.core.errors import NotFound
from jobbank.db.models import CalendarFeed

ICS = ".ics"
ICS_MEDIA_TYPE = "text/calendar"  # Litestar adds "; charset=utf-8"


class FeedStatus(BaseModel):
    """Whether you have a working feed address; the address itself is only shown when made."""

    active: bool
    created_at: dt.datetime | None = None
    last_read_at: dt.datetime | None = Field(
        None, description="When a calendar app last fetched the feed (to the minute)."
    )

    @classmethod
    def of(cls, feed: CalendarFeed | None) -> FeedStatus:
        if feed is None:
            return cls(active=False)
        return cls(active=True, created_at=feed.created_at, last_read_at=feed.last_read_at)


class NewFeedOut(FeedStatus):
    url: str = Field(description="The feed's address; shown once, keep it secret.")
    webcal_url: str = Field(description="The same address for calendar apps that subscribe.")


def feed_urls(request: AnyRequest, token: str) -> tuple[str, str]:
    """The feed's https (or http) address on this server, and its webcal:// twin."""
    url = f"{str(request.base_url).rstrip('/')}/calendar/{token}{ICS}"
    return url, "webcal://" + url.split("://", 1)[1]


def ics_file(document: Calendar, filename: str | None = None) -> Response[bytes]:
    """An iCalendar document; with a file name, as a download."""
    headers = {"Content-Disposition": f'attachment; filename="{filename}"'} if filename else {}
    return Response(document.to_ical(), media_type=ICS_MEDIA_TYPE, headers=headers)


def _without_suffix(name: str, what: str) -> str:
    """`abc.ics` -> `abc`; anything else is not found (the route takes the whole segment)."""
    if not name.endswith(ICS):
        raise NotFound(f"{what}: not found")
    return name.removesuffix(ICS)


class MyCalendarFeedController(Controller):
    path = "/api/me/calendar-feed"
    tags = ("calendar",)
    guards = [logged_in]  # noqa: RUF012

    @get("/", sync_to_thread=True)
    def feed_status(self, db_session: DB, request: AnyRequest) -> FeedStatus:
        """Whether your calendar feed is on, when its address was made and last read."""
        return FeedStatus.of(calendar.active_feed(db_session, current_actor(request)))

    @post("/", sync_to_thread=True, cache_control=CacheControlHeader(no_store=True))
    def create_feed(self, db_session: DB, request: AnyRequest) -> NewFeedOut:
        """A new secret address of your assignments as a calendar feed (201). It is shown
        only now; an earlier address stops working."""
        made = calendar.create_feed(db_session, current_actor(request))
        url, webcal = feed_urls(request, made.token)
        return NewFeedOut(url=url, webcal_url=webcal, **FeedStatus.of(made.feed).model_dump())

    @delete("/", sync_to_thread=True)
    def revoke_feed(self, db_session: DB, request: AnyRequest) -> None:
        """Stop your calendar feed: its address answers 404 from now on."""
        calendar.revoke_feed(db_session, current_actor(request))


@get(
    "/calendar/{feed:str}",
    sync_to_thread=True,
    tags=["calendar"],
    operation_class=downloads(ICS_MEDIA_TYPE),
)
def calendar_feed(db_session: DB, feed: FromPath[str]) -> Response[bytes]:
    """A person's published assignments as an iCalendar feed, one all-day event per week,
    at `/calendar/{token}.ics`. No log-in: the secret token is the key. An unknown or
    revoked token answers 404."""
    token = _without_suffix(feed, "calendar feed")
    return ics_file(calendar.read_feed(db_session, token))


@get(
    "/api/assignments/{assignment:str}",
    sync_to_thread=True,
    guards=[logged_in],
    tags=["assignments"],
    operation_class=downloads(ICS_MEDIA_TYPE),
)
def assignment_ics(
    db_session: DB, assignment: FromPath[str], request: AnyRequest
) -> Response[bytes]:
    """`/api/assignments/{id}.ics`: an assignment (its weeks at one need of a published
    round; `id` is any of its weeks) as an iCalendar file to import. For the person, the
    leaders of their home and receiving units, and HR."""
    number = _without_suffix(assignment, f"assignment {assignment}")
    if not number.isdigit():
        raise NotFound(f"assignment {number}: not found")
    document = calendar.assignment_calendar(db_session, current_actor(request), int(number))
    return ics_file(document, f"assignment-{number}{ICS}")
