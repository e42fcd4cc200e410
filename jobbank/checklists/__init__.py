"""Onboarding checklists, so lent staff arrive to real work and a prepared team.

The default template is written from what the municipalities' evaluation reported: lent
staff felt superfluous, leaders spent much effort introducing them, and the people sent
were pressed by their own tasks at the same time.

`defaults` holds the default template, `templates` HR's others; `creation` makes a published
round's checklists, with dates from `dates`; `closing` closes those of deployments a change
to the plan ended; `reach` says who sees and ticks which items;
`reading`, `ticking` and `overdue` serve them.
"""

from __future__ import annotations

from jobbank.checklists.closing import follow_stays
from jobbank.checklists.creation import create_checklists, templates_for
from jobbank.checklists.dates import PUBLISHING_GRACE, ItemDates, can_tick, due_dates, published_day
from jobbank.checklists.defaults import (
    DEFAULT_ITEMS,
    DEFAULT_TEMPLATE_NAME,
    TemplateItem,
    ensure_default_template,
)
from jobbank.checklists.overdue import OverdueItem, is_overdue, overdue_in_sql, overdue_items
from jobbank.checklists.reach import (
    EMPLOYEE_AUDIENCES,
    FOLLOWED_AUDIENCES,
    RECEIVING_AUDIENCES,
    SENDING_AUDIENCES,
    Place,
    audiences_for,
    followed_audiences_for,
)
from jobbank.checklists.reading import (
    ITEMS_AT_PLACES,
    WITHOUT_DOCUMENTS,
    ChecklistView,
    ItemLine,
    PlaceItems,
    get_checklist,
    items_at,
    list_checklists,
)
from jobbank.checklists.templates import (
    ITEM_FIELDS,
    TEMPLATE_FIELDS,
    TemplateService,
    add_template_item,
    create_template,
    delete_template,
    delete_template_item,
    get_template,
    is_default,
    list_templates,
    move_template_item,
    update_template,
    update_template_item,
)
from jobbank.checklists.ticking import NOT_YET_TICKABLE, mark_done

__all__ = [
    "DEFAULT_ITEMS",
    "DEFAULT_TEMPLATE_NAME",
    "EMPLOYEE_AUDIENCES",
    "FOLLOWED_AUDIENCES",
    "ITEMS_AT_PLACES",
    "ITEM_FIELDS",
    "NOT_YET_TICKABLE",
    "PUBLISHING_GRACE",
    "RECEIVING_AUDIENCES",
    "SENDING_AUDIENCES",
    "TEMPLATE_FIELDS",
    "WITHOUT_DOCUMENTS",
    "ChecklistView",
    "ItemDates",
    "ItemLine",
    "OverdueItem",
    "Place",
    "PlaceItems",
    "TemplateItem",
    "TemplateService",
    "add_template_item",
    "audiences_for",
    "can_tick",
    "create_checklists",
    "create_template",
    "delete_template",
    "delete_template_item",
    "due_dates",
    "ensure_default_template",
    "follow_stays",
    "followed_audiences_for",
    "get_checklist",
    "get_template",
    "is_default",
    "is_overdue",
    "items_at",
    "list_checklists",
    "list_templates",
    "mark_done",
    "move_template_item",
    "overdue_in_sql",
    "overdue_items",
    "published_day",
    "templates_for",
    "update_template",
    "update_template_item",
]
