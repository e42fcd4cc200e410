"""Telling those a change to a published plan touches what changed for them: the person, the
leaders of their home unit and the leaders of the receiving unit; nobody else.

Each recipient gets one message per change set, in their own language, listing the
assignment-weeks added, changed or ended that concern them. The message is told from the
`AssignmentChange` rows only: never the events behind them (an absence's reason may name an
illness), never the risk-group flag.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass

from sqlalchemy.orm import Session

from jobbank.db.models import AllocationRound, AssignmentChange, MessageKind, Person
from jobbank.notifications.writing import add_message


@dataclass(frozen=True)
class ChangeLine:
    """One assignment-week as a message lists it."""

    person_id: int
    person: str
    unit: str
    skill_da: str
    skill_en: str
    week: dt.date
    before: float
    after: float
    kind: str
    """`added`, `changed` or `ended`."""

    @classmethod
    def of(cls, change: AssignmentChange) -> ChangeLine:
        need = change.need
        return cls(
            person_id=change.person_id,
            person=change.person.name,
            unit=need.unit.name,
            skill_da=need.skill.label_da,
            skill_en=need.skill.label_en,
            week=change.week,
            before=change.hours_before,
            after=change.hours_after,
            kind=change.kind,
        )


def tell_plan_changes(
    session: Session, rnd: AllocationRound, changes: Sequence[AssignmentChange]
) -> int:
    """One message to each person the changes concern, listing their part; returns how many
    new messages were written (telling the same changes twice writes none)."""
    if not changes:
        return 0
    session.flush()  # the changes' ids name this change set in the messages' keys
    first = min(change.id for change in changes)
    recipients: dict[int, Person] = {}
    lines_of: dict[int, dict[int, ChangeLine]] = defaultdict(dict)
    for change in changes:
        line = ChangeLine.of(change)
        for recipient in _concerned(change):
            recipients[recipient.id] = recipient
            lines_of[recipient.id][change.id] = line
    written = 0
    for recipient_id, recipient in sorted(recipients.items()):
        lines = sorted(
            lines_of[recipient_id].values(),
            key=lambda line: (line.person, line.week, line.unit),
        )
        written += add_message(
            session,
            recipient,
            MessageKind.ASSIGNMENT_CHANGED,
            f"round:{rnd.id}:changes:{first}:person:{recipient_id}",
            template="plan_changed",
            round=rnd,
            own=[line for line in lines if line.person_id == recipient_id],
            others=[line for line in lines if line.person_id != recipient_id],
        )
    return written


def _concerned(change: AssignmentChange) -> list[Person]:
    """The person, their home unit's leaders and the receiving unit's leaders."""
    person = change.person
    return [person, *person.home_unit.leaders, *change.need.unit.leaders]
