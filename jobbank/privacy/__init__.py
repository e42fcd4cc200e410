"""Access, erasure and retention: a person takes their data away, personal data leaves
Jobbank, the facts of who-worked-where stay.

A person's data (`personal_data`; HR, the person, or `jobbank person export`) is everything
Jobbank holds about them as one JSON document: who they are, their log-in, volunteer profile
(without the risk-group flag, which staff declare but never read back), assignments, the
events on published plans about them with their reasons, the changes made to their
assignments and their days there, how far they have read those changes, their messages and
calendar feeds (never a feed's secret address), and their deployments with what was said and
worked in them (their answer, pulse, the thread messages they wrote, hours, both sides'
evaluations). The export itself is audited.

Erasing a person (HR, or `jobbank person erase`) replaces their identity everywhere with a
pseudonym — `Slettet person 12` / `erased-12`, from the row's id, which tells nothing — in one
transaction: the person row, the round snapshots and results that name them, the audit log
and other people's messages, the change sets that moved them. What only serves them goes:
volunteer profile (with its weeks, skills and the risk-group flag), calendar feeds, their own
messages, the reasons of events on a plan about them, their log-in's sessions, tokens and
how far they read the plan's changes, the words they wrote about their deployments (decline
notes, pulse comments, thread messages) and the comments of their deployments' evaluations
(`voice`); the log-in itself stays, switched off and renamed, so
the audit log still says that *a* user did something. Assignments stay: they are the fact
that hours were worked, now of the pseudonym, and so do the changes made to them on a
published plan (`AssignmentChange`). In rounds not yet published the erased person is
unpinned and marked unavailable in the snapshot, so the next solve plans without them.

The risk-group flag is needed in round snapshots (rule 6, protection), so every snapshot holds
it; that is why exporting a round's input is a health read, and why erasure and retention
clear it there too. A person "leaves the job bank" by opting out (`jobbank.volunteers` then
clears the flag, audited) or by being erased.

Retention (`JOBBANK_RETENTION_DAYS`, `jobbank retention apply`) does the same for whole
rounds whose last week ended long ago: their snapshots, results and change sets keep the
plan, but name staff by round-local pseudonyms (`anon-1`, …) without names or risk-group
flags; their checklists forget who ticked the items and their plan events why; their
deployments keep answers, scores and hours but lose decline notes, comments and threads; old
messages are deleted.
"""

from __future__ import annotations

from jobbank.privacy.erasure import (
    ERASED,
    PERSONAL_FIELDS,
    Erasure,
    erase_person,
    erased_name,
    erased_number,
    find_person,
)
from jobbank.privacy.personal_data import PersonalData, personal_data
from jobbank.privacy.retention import Retention, apply_retention, plan_retention

__all__ = [
    "ERASED",
    "PERSONAL_FIELDS",
    "Erasure",
    "PersonalData",
    "Retention",
    "apply_retention",
    "erase_person",
    "erased_name",
    "erased_number",
    "find_person",
    "personal_data",
    "plan_retention",
]
