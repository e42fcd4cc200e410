"""Messages: what Jobbank told the caller (or tried to e-mail them), newest first; HR sees
anyone's, e.g. to find out why a message could not be sent."""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import urlencode
from zoneinfo import ZoneInfo

from advanced_alchemy.filters import LimitOffset
from babel.dates import format_datetime
from litestar import get
from litestar.params import FromQuery
from litestar.response import Template

from api.auth import current_actor
from api.deps import DB, AnyRequest
from api.pages.i18n import language_of, translate
from jobbank import people
from jobbank.core.errors import NotFound
from jobbank.db.models import MessageKind, MessageStatus, OutboxMessage
from jobbank.notifications import find_messages, my_messages

MESSAGES_PER_PAGE = 20
LOCAL_TIME = ZoneInfo("Europe/Copenhagen")


def _(message: str) -> str:
    """Marks a message for the Danish catalogue; `translate` turns it into the caller's words."""
    return message


KINDS = {
    MessageKind.ROUND_PUBLISHED: _("Assignments published"),
    MessageKind.ASSIGNMENT_CHANGED: _("Assignments changed"),
    MessageKind.APPROVAL_WANTED: _("Approval wanted"),
    MessageKind.CHECKLIST_OVERDUE: _("Checklist items overdue"),
    MessageKind.THREAD_MESSAGE: _("Message in a deployment's thread"),
    MessageKind.CONFIRMATION_WANTED: _("Please answer your deployment"),
}
STATUSES = {
    MessageStatus.PENDING: _("Waiting to be e-mailed"),
    MessageStatus.SENT: _("E-mailed"),
    MessageStatus.FAILED: _("Could not be e-mailed"),
    MessageStatus.NOT_SENT: _("Shown here only"),
}


@dataclass(frozen=True)
class MessageRow:
    id: int
    when: str
    kind: str
    subject: str
    body: str
    status: str
    status_code: str
    to_address: str
    notice: str
    """In plain words, why it was not e-mailed (yet), if so."""
    problem: str
    """The technical reason (the mail server's words), for HR only."""


def _notice(message: OutboxMessage) -> str:
    """What the reader needs to know about a message that was not e-mailed: never the mail
    server's words, which are for HR and the log."""
    if message.status is MessageStatus.NOT_SENT:
        if not message.to_address:
            return _("There is no e-mail address to send it to, so it is only shown here.")
        return _("Jobbank does not send e-mail at the moment, so it is only shown here.")
    if message.status is MessageStatus.FAILED:
        return _("The e-mail could not be sent. HR can see why.")
    if message.status is MessageStatus.PENDING and message.last_error:
        return _("The e-mail could not be sent yet; Jobbank will try again.")
    return ""


def _row(message: OutboxMessage, language: str, *, for_hr: bool) -> MessageRow:
    return MessageRow(
        id=message.id,
        when=format_datetime(
            message.created_at, format="medium", tzinfo=LOCAL_TIME, locale=language
        ),
        kind=translate(language, KINDS[message.kind]),
        subject=message.subject,
        body=message.body,
        status=translate(language, STATUSES[message.status]),
        status_code=message.status.value,
        to_address=message.to_address,
        notice=translate(language, notice) if (notice := _notice(message)) else "",
        problem=message.last_error if for_hr and message.status is not MessageStatus.SENT else "",
    )


def _paging(page: int) -> LimitOffset:
    return LimitOffset(limit=MESSAGES_PER_PAGE, offset=(max(page, 1) - 1) * MESSAGES_PER_PAGE)


def _links(path: str, query: dict[str, str], page: int, total: int) -> dict[str, str | None]:
    last = max(1, -(-total // MESSAGES_PER_PAGE))
    chosen = {name: value for name, value in query.items() if value}

    def link(number: int) -> str:
        return f"{path}?{urlencode(chosen | {'page': str(number)})}"

    return {
        "previous": link(page - 1) if page > 1 else None,
        "next": link(page + 1) if page < last else None,
    }


@get("/messages", sync_to_thread=True)
def messages_page(db_session: DB, request: AnyRequest, page: FromQuery[int] = 1) -> Template:
    """The caller's own messages, newest first, each with whether it was e-mailed."""
    actor, language = current_actor(request), language_of(request)
    page = max(page, 1)
    rows, total = my_messages(db_session, actor, _paging(page))
    return Template(
        "messages.html",
        context={
            "actor": actor,
            "messages": [_row(row, language, for_hr=False) for row in rows],
            "total": total,
            "whose": None,
            **_links("/messages", {}, page, total),
        },
    )


@get("/admin/messages", sync_to_thread=True)
def all_messages_page(
    db_session: DB,
    request: AnyRequest,
    person: FromQuery[int | None] = None,
    status: FromQuery[str] = "",
    page: FromQuery[int] = 1,
) -> Template:
    """HR: everyone's messages, or one person's (`?person=ID`), optionally in one status."""
    actor, language = current_actor(request), language_of(request)
    if not actor.is_hr:
        raise NotFound("messages: not found")
    whose = people.get_person(db_session, actor, person) if person is not None else None
    chosen = MessageStatus(status) if status in {s.value for s in MessageStatus} else None
    page = max(page, 1)
    rows, total = find_messages(db_session, actor, _paging(page), person_id=person, status=chosen)
    query = {"person": str(person) if person is not None else "", "status": status}
    return Template(
        "messages.html",
        context={
            "actor": actor,
            "messages": [_row(row, language, for_hr=True) for row in rows],
            "total": total,
            "whose": whose,
            "person": person,
            "status": chosen.value if chosen else "",
            "statuses": [
                (code.value, translate(language, label)) for code, label in STATUSES.items()
            ],
            **_links("/admin/messages", query, page, total),
        },
    )


ROUTES = [messages_page, all_messages_page]
