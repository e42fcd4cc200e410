"""Onboarding checklists, so lent staff arrive to real work and a prepared team.

The default template is written from what the municipalities' evaluation reported: lent
staff felt superfluous, leaders spent much effort introducing them, and the people sent
were pressed by their own tasks at the same time.
"""

from __future__ import annotations

from typing import NamedTuple

from sqlalchemy import select
from sqlalchemy.orm import Session

from jobbank.models import Audience, ChecklistTemplate, ChecklistTemplateItem, DueAnchor

DEFAULT_TEMPLATE_NAME = "Standard: udlån via Jobbanken"


class TemplateItem(NamedTuple):
    audience: Audience
    title_da: str
    title_en: str
    due_day: int
    anchor: DueAnchor = DueAnchor.START


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
        "Byd velkommen og giv en introduktion på første dag",
        "Welcome and introduce the employee on day one",
        0,
    ),
    TemplateItem(
        _R,
        "Instruér i hygiejne og brug af værnemidler",
        "Give instruction in hygiene and protective equipment",
        0,
    ),
    TemplateItem(
        _R,
        "Følg op med medarbejderen efter første uge",
        "Check in with the employee after the first week",
        7,
    ),
    TemplateItem(
        _R,
        "Hold en kort evaluering ved afslutningen",
        "Hold a short evaluation at the end",
        0,
        DueAnchor.END,
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
    ),
    TemplateItem(
        _P,
        "Tag imod den nye kollega og vis rundt",
        "Welcome the new colleague and show them around",
        0,
    ),
    TemplateItem(
        _P, "Aftal hvordan I fordeler opgaverne sammen", "Agree how you share the tasks", 1
    ),
)


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
            )
            for position, item in enumerate(DEFAULT_ITEMS)
        ],
    )
    session.add(template)
    session.flush()
    return template
