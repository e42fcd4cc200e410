"""The default checklist template, for every unit.

It is written from what the municipalities' evaluation reported: lent staff felt superfluous,
leaders spent much effort introducing them, and the people sent were pressed by their own
tasks at the same time.
"""

from __future__ import annotations

from typing import NamedTuple

from sqlalchemy import select
from sqlalchemy.orm import Session

from jobbank.db.models import (
    Audience,
    ChecklistTemplate,
    ChecklistTemplateItem,
    DueAnchor,
    TickableFrom,
)

DEFAULT_TEMPLATE_NAME = "Standard: udlån via Jobbanken"


class TemplateItem(NamedTuple):
    audience: Audience
    title_da: str
    title_en: str
    due_day: int
    anchor: DueAnchor = DueAnchor.START
    tickable_from: TickableFrom = TickableFrom.PUBLISHING
    skip_if_need_has_contact: bool = False


_R, _S, _E, _P = (
    Audience.RECEIVING_LEADER,
    Audience.SENDING_LEADER,
    Audience.EMPLOYEE,
    Audience.PERMANENT_STAFF,
)


DEFAULT_ITEMS: tuple[TemplateItem, ...] = (
    TemplateItem(
        _R,
        "Udpeg en fast kontaktperson for den udlånte medarbejder",
        "Name a contact person for the lent employee",
        -5,
        skip_if_need_has_contact=True,
    ),
    TemplateItem(
        _R,
        "Forbered konkrete opgaver, der passer til medarbejderens kompetencer",
        "Prepare concrete tasks that fit the employee's skills",
        -3,
    ),
    TemplateItem(
        _R,
        "Fortæl det faste personale, hvem der kommer, og hvordan I arbejder sammen",
        "Tell the permanent staff who is coming and how you will work together",
        -2,
    ),
    TemplateItem(
        _R,
        "Byd velkommen på første dag: vis rundt, præsentér kollegerne og instruér i hygiejne "
        "og værnemidler",
        "Welcome the employee on day one: show them around, introduce the team and give "
        "instruction in hygiene and protective equipment",
        0,
        tickable_from=TickableFrom.START,
    ),
    TemplateItem(
        _R,
        "Følg op med medarbejderen efter første uge",
        "Check in with the employee after the first week",
        7,
        tickable_from=TickableFrom.START,
    ),
    TemplateItem(
        _R,
        "Hold en kort evaluering ved afslutningen",
        "Hold a short evaluation at the end",
        0,
        DueAnchor.END,
        TickableFrom.LAST_WEEK,
    ),
    TemplateItem(
        _S,
        "Tal med medarbejderen om udlånet før start",
        "Talk with the employee about the deployment before the start",
        -5,
    ),
    TemplateItem(
        _S,
        "Aftal hvilke hjemmeopgaver der sættes på pause eller overdrages",
        "Agree which home tasks pause or are handed over",
        -3,
    ),
    TemplateItem(
        _S,
        "Hold kontakten med medarbejderen undervejs",
        "Keep in touch with the employee during the deployment",
        7,
        tickable_from=TickableFrom.START,
    ),
    TemplateItem(
        _E,
        "Læs om enheden og aftal første dag med kontaktpersonen",
        "Read about the unit and agree the first day with the contact person",
        -1,
    ),
    TemplateItem(
        _E,
        "Gennemgå instruktionen i hygiejne og værnemidler",
        "Complete the hygiene and protective-equipment instruction",
        0,
    ),
    TemplateItem(
        _E,
        "Giv en kort evaluering af udlånet",
        "Give a short evaluation of the deployment",
        0,
        DueAnchor.END,
        TickableFrom.LAST_WEEK,
    ),
    TemplateItem(
        _P, "Aftal hvordan I fordeler opgaverne sammen", "Agree how you share the tasks", 1
    ),
)
"""One item per person and due day: the receiving leader, who ticks the permanent staff's
items too, had three near-identical welcome items due on day one."""


def ensure_default_template(session: Session) -> ChecklistTemplate:
    """The template for every unit; created once, with the items above."""
    template = session.scalar(
        select(ChecklistTemplate).where(
            ChecklistTemplate.area_id.is_(None), ChecklistTemplate.unit_id.is_(None)
        )
    )
    if template is not None:
        return template
    template = ChecklistTemplate(
        name=DEFAULT_TEMPLATE_NAME,
        items=[
            ChecklistTemplateItem(
                position=position,
                audience=item.audience,
                title_da=item.title_da,
                title_en=item.title_en,
                due_day=item.due_day,
                anchor=item.anchor,
                tickable_from=item.tickable_from,
                skip_if_need_has_contact=item.skip_if_need_has_contact,
            )
            for position, item in enumerate(DEFAULT_ITEMS)
        ],
    )
    session.add(template)
    session.flush()
    return template
