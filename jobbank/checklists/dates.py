"""When a checklist item is due and from when it can be ticked."""

from __future__ import annotations

import datetime as dt
from typing import NamedTuple

from jobbank.checklists.defaults import TemplateItem
from jobbank.db.models import AllocationRound, ChecklistTemplateItem, DueAnchor, TickableFrom


def published_day(rnd: AllocationRound) -> dt.date:
    """The local day the round was published (today, for one not yet marked published)."""
    if rnd.published_at is None:
        return dt.date.today()
    return rnd.published_at.astimezone().date()


PUBLISHING_GRACE = dt.timedelta(days=2)
"""The least time people get for an item once its round is published."""


class ItemDates(NamedTuple):
    due_on: dt.date
    tickable_from: dt.date | None
    """None: from publishing on."""


def due_dates(
    item: ChecklistTemplateItem | TemplateItem,
    published_on: dt.date,
    first_week: dt.date,
    last_week: dt.date,
) -> ItemDates:
    """When a checklist item is due and from when it can be ticked: the one place that says so.

    Counted `due_day` days from the first Monday, or from the Friday of the last week. A
    round published shortly before (or after) it starts would make such days already past,
    so no item is due before `PUBLISHING_GRACE` after publishing, except that an item due by
    the first day stays due by the first day when the round was published before it (it
    prepares the start). No item is due before the day it can be ticked, nor before the
    day of publishing.
    """
    if item.anchor is DueAnchor.END:
        due_on = last_week + dt.timedelta(days=4 + item.due_day)
    else:
        due_on = first_week + dt.timedelta(days=item.due_day)
    earliest = published_on + PUBLISHING_GRACE
    if due_on <= first_week and published_on < first_week:
        earliest = min(earliest, first_week)
    tickable_from = {
        TickableFrom.PUBLISHING: None,
        TickableFrom.START: first_week,
        TickableFrom.LAST_WEEK: last_week,
    }[item.tickable_from]
    due_on = max(due_on, earliest, tickable_from or earliest)
    return ItemDates(due_on, tickable_from)


def can_tick(tickable_from: dt.date | None, today: dt.date) -> bool:
    return tickable_from is None or tickable_from <= today
