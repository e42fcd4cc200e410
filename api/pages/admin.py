"""HR's administration pages: the audit log and the skills catalogue here; people and
log-ins, units, and checklist templates in their own modules, all routed from `ROUTES`.

To anyone but an HR coordinator these pages do not exist (the 404 page). Changes go through
jobbank's services, which check every field and write the audit entry.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlencode
from zoneinfo import ZoneInfo

from advanced_alchemy.filters import LimitOffset
from babel.dates import format_datetime
from litestar import get, post
from litestar.params import FromPath, FromQuery, URLEncodedBody
from litestar.response import Redirect, Template
from pydantic import BaseModel
from sqlalchemy.orm import Session

from api.deps import DB, AnyRequest
from api.pages import admin_checklists, admin_people, admin_units
from api.pages.admin_forms import hr_only
from api.pages.i18n import language_of, translate
from api.pages.refusals import sentence
from jobbank import organisation, people
from jobbank.core.access import Actor
from jobbank.core.audit import AuditFilter, find_entries
from jobbank.core.errors import Conflict, InvalidInput
from jobbank.db.models import AuditEntry

ENTRIES_PER_PAGE = 50
ALL = LimitOffset(limit=1000, offset=0)
LOCAL_TIME = ZoneInfo("Europe/Copenhagen")


def _(message: str) -> str:
    """Marks a message for the Danish catalogue; `translate` turns it into the caller's words."""
    return message


_hr = hr_only


# --- the audit log ---------------------------------------------------------------------------


@dataclass(frozen=True)
class Change:
    """One field of an entry: what it was and what it became (None: not there)."""

    field: str
    old: str | None
    new: str | None


@dataclass(frozen=True)
class EntryRow:
    when: str
    who: str | None
    action: str
    entity: str
    entity_id: str
    changes: list[Change]


def _shown(value: Any) -> str:
    return "–" if value is None or value == "" else str(value)


def changes_of(entry: AuditEntry) -> list[Change]:
    """The entry's fields in the order they were recorded, each as old → new."""
    before, after = entry.before or {}, entry.after or {}
    names = list(before) + [name for name in after if name not in before]
    return [
        Change(
            field=name,
            old=_shown(before[name]) if name in before else None,
            new=_shown(after[name]) if name in after else None,
        )
        for name in names
    ]


class AuditQuery(BaseModel):
    """The filter form as typed; empty means any."""

    entity: str = ""
    action: str = ""
    user: str = ""
    since: str = ""
    until: str = ""


def _day(field: str, text: str) -> dt.date | None:
    if not text.strip():
        return None
    try:
        return dt.date.fromisoformat(text.strip())
    except ValueError:
        raise InvalidInput(field, "not a date", code="not_a_date") from None


def _audit_filter(
    db: Session, actor: Actor, query: AuditQuery
) -> tuple[AuditFilter | None, dict[str, str]]:
    """The filter for `find_entries`, or None when it can match nothing, and each bad field."""
    errors: dict[str, str] = {}
    days: dict[str, dt.datetime | None] = {}
    for field in ("since", "until"):
        try:
            day = _day(field, getattr(query, field))
        except InvalidInput:
            errors[field] = _("Choose a date.")
            day = None
        if day is not None and field == "until":  # the whole day counts
            day += dt.timedelta(days=1)
        days[field] = dt.datetime.combine(day, dt.time(), LOCAL_TIME) if day else None
    user_id = None
    if query.user.strip():
        user_id = people.user_id_named(db, actor, query.user.strip())
        if user_id is None:
            errors["user"] = _("No user has this username.")
            return None, errors
    where = AuditFilter(
        entity=query.entity.strip() or None,
        action=query.action.strip() or None,
        user_id=user_id,
        since=days["since"],
        until=days["until"],
    )
    return where, errors


def _entry_row(entry: AuditEntry, who: str | None, language: str) -> EntryRow:
    return EntryRow(
        when=format_datetime(entry.at, format="medium", tzinfo=LOCAL_TIME, locale=language),
        who=who,
        action=entry.action,
        entity=entry.entity,
        entity_id=entry.entity_id,
        changes=changes_of(entry),
    )


def _page_link(query: AuditQuery, page: int) -> str:
    chosen = {name: value for name, value in query.model_dump().items() if value}
    return "/admin/audit?" + urlencode({**chosen, "page": page})


@get("/admin/audit", sync_to_thread=True)
def audit_page(
    db_session: DB,
    request: AnyRequest,
    entity: FromQuery[str] = "",
    action: FromQuery[str] = "",
    user: FromQuery[str] = "",
    since: FromQuery[str] = "",
    until: FromQuery[str] = "",
    page: FromQuery[int] = 1,
) -> Template:
    """The audit log, newest first, fifty entries a page, filtered by the form's choices."""
    actor, language = _hr(request), language_of(request)
    query = AuditQuery(entity=entity, action=action, user=user, since=since, until=until)
    where, errors = _audit_filter(db_session, actor, query)
    page = max(page, 1)
    rows: list[EntryRow] = []
    total = 0
    if where is not None:
        paging = LimitOffset(limit=ENTRIES_PER_PAGE, offset=(page - 1) * ENTRIES_PER_PAGE)
        found, total = find_entries(db_session, where, paging)
        rows = [_entry_row(entry, who, language) for entry, who in found]
    last_page = max(1, -(-total // ENTRIES_PER_PAGE))
    return Template(
        "admin_audit.html",
        context={
            "actor": actor,
            "query": query,
            "errors": {field: translate(language, text) for field, text in errors.items()},
            "entries": rows,
            "total": total,
            "page": page,
            "last_page": last_page,
            "previous": _page_link(query, page - 1) if page > 1 else None,
            "next": _page_link(query, page + 1) if page < last_page else None,
        },
    )


# --- the skills catalogue ---------------------------------------------------------------------


@dataclass(frozen=True)
class SkillRow:
    id: int
    code: str
    label_da: str
    label_en: str


class SkillForm(BaseModel):
    code: str = ""
    label_da: str = ""
    label_en: str = ""


def _skills_page(
    db: Session,
    actor: Actor,
    form: SkillForm,
    *,
    errors: dict[str, str] | None = None,
    problem: str | None = None,
    done: str | None = None,
    status: int = 200,
) -> Template:
    skills, _total = organisation.list_skills(db, ALL)
    return Template(
        "admin_skills.html",
        context={
            "actor": actor,
            "skills": [SkillRow(s.id, s.code, s.label_da, s.label_en) for s in skills],
            "form": form,
            "errors": errors or {},
            "problem": problem,
            "done": done,
        },
        status_code=status,
    )


@get("/admin/skills", sync_to_thread=True)
def skills_page(
    db_session: DB, request: AnyRequest, added: FromQuery[str] = "", deleted: FromQuery[str] = ""
) -> Template:
    """The skills catalogue by code, with a form to add a skill and a button to delete one."""
    actor, language = _hr(request), language_of(request)
    done = None
    if added:
        done = translate(language, _("Skill %(code)s is added.")) % {"code": added}
    elif deleted:
        done = translate(language, _("Skill %(code)s is deleted.")) % {"code": deleted}
    return _skills_page(db_session, actor, SkillForm(), done=done)


@post("/admin/skills", sync_to_thread=True, status_code=303)
def add_skill(
    db_session: DB, request: AnyRequest, data: URLEncodedBody[SkillForm]
) -> Template | Redirect:
    """Add a skill; a wrong or taken field is told next to it and nothing is kept."""
    actor, language = _hr(request), language_of(request)
    try:
        skill = organisation.create_skill(db_session, actor, data.model_dump())
    except (InvalidInput, Conflict) as error:
        errors = {error.field or "code": sentence(language, error)}
    else:
        return Redirect("/admin/skills?" + urlencode({"added": skill.code}), status_code=303)
    db_session.rollback()
    return _skills_page(db_session, actor, data, errors=errors, status=422)


@post("/admin/skills/{skill_id:int}/delete", sync_to_thread=True, status_code=303)
def delete_skill(
    db_session: DB, request: AnyRequest, skill_id: FromPath[int]
) -> Template | Redirect:
    """Delete a skill nobody offers and no need asks for; one in use stays, saying why."""
    actor, language = _hr(request), language_of(request)
    code = organisation.get_skill(db_session, skill_id).code
    try:
        organisation.delete_skill(db_session, actor, skill_id)
    except Conflict as conflict:
        db_session.rollback()
        problem = translate(language, _("The skill is in use and cannot be deleted: %(why)s"))
        return _skills_page(
            db_session, actor, SkillForm(), problem=problem % {"why": conflict}, status=409
        )
    return Redirect("/admin/skills?" + urlencode({"deleted": code}), status_code=303)


ROUTES = [
    audit_page,
    skills_page,
    add_skill,
    delete_skill,
    *admin_units.ROUTES,
    *admin_people.ROUTES,
    *admin_checklists.ROUTES,
]
