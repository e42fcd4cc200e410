"""Messages to people (the outbox): what a published round, a change to its plan, a wanted
approval or an overdue checklist item means for each person concerned, in their own language.

Each message is written in the same transaction as the change it tells of (a transactional
outbox), so nothing is announced that did not happen and nothing that happened goes untold;
`jobbank.runtime.mail` sends them later. A `dedupe_key` per event and person makes every event
produce at most one message, however often it is announced.

The risk-group flag never appears in a message: messages reach leaders and the mail server.
"""

from jobbank.notifications.approvals import ask_for_approval, hr_coordinators
from jobbank.notifications.overdue import digest_key, sweep_overdue
from jobbank.notifications.plan_changes import tell_plan_changes
from jobbank.notifications.publishing import announce_round
from jobbank.notifications.reading import find_messages, my_messages
from jobbank.notifications.writing import LANGUAGES, add_message, language_of, render, week_label

__all__ = [
    "LANGUAGES",
    "add_message",
    "announce_round",
    "ask_for_approval",
    "digest_key",
    "find_messages",
    "hr_coordinators",
    "language_of",
    "my_messages",
    "render",
    "sweep_overdue",
    "tell_plan_changes",
    "week_label",
]
