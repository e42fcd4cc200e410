"""The database: every table Jobbank keeps, as typed SQLAlchemy 2 models.

Rows that users edit carry a `version` column: SQLAlchemy checks it on every UPDATE, so
two people saving the same row cannot silently overwrite each other (optimistic locking).
Weeks are stored as the date of their Monday; hours as floats (multiples of 0.5 are exact).
"""

from __future__ import annotations

from jobbank.db.models.accounts import (
    AuditEntry,
    AuthKind,
    AuthSession,
    SignOnAttempt,
    UserAccount,
    UserRole,
)
from jobbank.db.models.base import Base, stored_enum
from jobbank.db.models.checklists import (
    Audience,
    Checklist,
    ChecklistItem,
    ChecklistTemplate,
    ChecklistTemplateItem,
    DueAnchor,
    TickableFrom,
)
from jobbank.db.models.deployments import (
    DeclineReason,
    Deployment,
    DeploymentAnswer,
    DeploymentMessage,
    Evaluation,
    EvaluationSide,
    PulseAnswer,
    WorkedWeek,
)
from jobbank.db.models.live_plan import (
    AssignmentChange,
    ChangeSet,
    ChangeSetStatus,
    DayChange,
    EventKind,
    PlanEvent,
)
from jobbank.db.models.needs import Need, NeedStatus, NeedWeek
from jobbank.db.models.organisation import Area, Person, Skill, Unit, unit_leader
from jobbank.db.models.outbox import CalendarFeed, MessageKind, MessageStatus, OutboxMessage
from jobbank.db.models.rounds import (
    AllocationRound,
    Assignment,
    AssignmentDay,
    RoundStatus,
    SolveJob,
    SolveStatus,
)
from jobbank.db.models.volunteers import (
    EVERY_DAY,
    ApprovalStatus,
    VolunteerProfile,
    VolunteerWeek,
    volunteer_avoided_unit,
    volunteer_learn_skill,
    volunteer_preferred_area,
    volunteer_skill,
)

__all__ = [
    "EVERY_DAY",
    "AllocationRound",
    "ApprovalStatus",
    "Area",
    "Assignment",
    "AssignmentChange",
    "AssignmentDay",
    "Audience",
    "AuditEntry",
    "AuthKind",
    "AuthSession",
    "Base",
    "CalendarFeed",
    "ChangeSet",
    "ChangeSetStatus",
    "Checklist",
    "ChecklistItem",
    "ChecklistTemplate",
    "ChecklistTemplateItem",
    "DayChange",
    "DeclineReason",
    "Deployment",
    "DeploymentAnswer",
    "DeploymentMessage",
    "DueAnchor",
    "Evaluation",
    "EvaluationSide",
    "EventKind",
    "MessageKind",
    "MessageStatus",
    "Need",
    "NeedStatus",
    "NeedWeek",
    "OutboxMessage",
    "Person",
    "PlanEvent",
    "PulseAnswer",
    "RoundStatus",
    "SignOnAttempt",
    "Skill",
    "SolveJob",
    "SolveStatus",
    "TickableFrom",
    "Unit",
    "UserAccount",
    "UserRole",
    "VolunteerProfile",
    "VolunteerWeek",
    "WorkedWeek",
    "stored_enum",
    "unit_leader",
    "volunteer_avoided_unit",
    "volunteer_learn_skill",
    "volunteer_preferred_area",
    "volunteer_skill",
]
