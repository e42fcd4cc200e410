"""Staff's calendar feed on their home page: make a secret address (shown once, with a
webcal:// twin for calendar apps), or stop it. The feed itself is served by `api.calendar`.

With HTMX the section swaps itself; without, making an address shows it on a page of its
own (it can be shown only once, so there is no redirect) and stopping goes back home.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, replace

from litestar import post
from litestar.plugins.htmx import HTMXRequest, HTMXTemplate
from litestar.response import Redirect, Template
from sqlalchemy.orm import Session

from api.auth import current_actor
from api.calendar import feed_urls
from api.deps import DB
from jobbank import calendar
from jobbank.core.access import Actor
from jobbank.db.models import CalendarFeed

PARTIAL = "partials/calendar_feed.html"
NO_STORE = {"Cache-Control": "no-store"}
"""A page that shows a feed's secret address must not be kept by caches."""


@dataclass(frozen=True)
class FeedSection:
    """What the section shows: whether a feed is on, and its address right after making it."""

    active: bool
    created_at: dt.datetime | None = None
    last_read_at: dt.datetime | None = None
    url: str = ""
    webcal_url: str = ""
    stopped: bool = False

    @classmethod
    def of(cls, feed: CalendarFeed | None) -> FeedSection:
        if feed is None:
            return cls(active=False)
        return cls(active=True, created_at=feed.created_at, last_read_at=feed.last_read_at)


def feed_section(db: Session, actor: Actor) -> FeedSection:
    """The section as the home page shows it: the feed's state, never its address."""
    return FeedSection.of(calendar.active_feed(db, actor))


def _answer(request: HTMXRequest, section: FeedSection) -> Template:
    context = {"calendar": section}
    if request.htmx:
        return HTMXTemplate(template_name=PARTIAL, context=context, headers=NO_STORE)
    actor = current_actor(request)
    return Template("calendar_feed.html", context={**context, "actor": actor}, headers=NO_STORE)


@post("/calendar-feed", sync_to_thread=True, status_code=200)
def make_feed(db_session: DB, request: HTMXRequest) -> Template:
    """Make a new calendar address (an earlier one stops working) and show it once."""
    made = calendar.create_feed(db_session, current_actor(request))
    url, webcal = feed_urls(request, made.token)
    return _answer(request, replace(FeedSection.of(made.feed), url=url, webcal_url=webcal))


@post("/calendar-feed/revoke", sync_to_thread=True, status_code=200)
def revoke_feed(db_session: DB, request: HTMXRequest) -> Template | Redirect:
    """Stop the calendar feed: its address answers 404 from now on."""
    calendar.revoke_feed(db_session, current_actor(request))
    if not request.htmx:
        return Redirect("/#calendar-feed", status_code=303)
    return _answer(request, FeedSection(active=False, stopped=True))


ROUTES = [make_feed, revoke_feed]
