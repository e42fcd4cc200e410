"""Needs posted by units under pressure: hours per week over a span of weeks.

A unit leader posts, edits, closes and reopens the needs of the units they lead; HR
coordinators reach every need. Closing a need takes it out of future rounds (a round
snapshots open needs only); assignments already published stay as they are.

`bodies` says what leaders send, `reading` and `changing` serve them, `contacts` says who may
meet the lent person. A need's shift times are checked where they enter
(`jobbank.core.days`) and kept as the round contract's JSON.
"""

from __future__ import annotations

from jobbank.needs.bodies import NeedDraft, NeedPatch, WeekHours
from jobbank.needs.changing import (
    audited,
    check_learner_share,
    check_min_block,
    check_new_need,
    check_priority,
    check_span,
    close_need,
    edit_need,
    post_need,
    reopen_need,
)
from jobbank.needs.contacts import contact_choices
from jobbank.needs.reading import (
    ENTITY,
    NEEDS_OF_UNITS,
    NeedLine,
    NeedService,
    get_need,
    hours_in,
    list_needs,
    needs_of_led_units,
)

__all__ = [
    "ENTITY",
    "NEEDS_OF_UNITS",
    "NeedDraft",
    "NeedLine",
    "NeedPatch",
    "NeedService",
    "WeekHours",
    "audited",
    "check_learner_share",
    "check_min_block",
    "check_new_need",
    "check_priority",
    "check_span",
    "close_need",
    "contact_choices",
    "edit_need",
    "get_need",
    "hours_in",
    "list_needs",
    "needs_of_led_units",
    "post_need",
    "reopen_need",
]
