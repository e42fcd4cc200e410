"""The lent employee's voice, and what really happened.

A deployment is one person's time at one receiving unit in one published round
(`records`). Its person confirms or declines it; during it they answer a weekly pulse and
talk with both leaders in its thread; the receiving leader confirms the hours worked; at its
end both sides evaluate it. `reach` says who plays which part in it.
"""

from __future__ import annotations

from jobbank.deployments.pulse import (
    ANONYMITY_MIN,
    HIGH_PRESSED,
    LOW_MEANINGFUL,
    PulseScore,
    PulseSheet,
    ShownAnswer,
    UnitWeekPulse,
    answer_pulse,
    is_low,
    pulse_of_units,
    pulse_sheet,
)
from jobbank.deployments.pulse_flags import PulseFlag, PulsePrompt, pulse_flags, pulse_prompts
from jobbank.deployments.reach import Side, deployment_in_reach, deployments_in_reach, sides_of
from jobbank.deployments.records import (
    PlannedWeek,
    open_deployments,
    planned_weeks,
    planned_weeks_of,
)

__all__ = [
    "ANONYMITY_MIN",
    "HIGH_PRESSED",
    "LOW_MEANINGFUL",
    "PlannedWeek",
    "PulseFlag",
    "PulsePrompt",
    "PulseScore",
    "PulseSheet",
    "ShownAnswer",
    "Side",
    "UnitWeekPulse",
    "answer_pulse",
    "deployment_in_reach",
    "deployments_in_reach",
    "is_low",
    "open_deployments",
    "planned_weeks",
    "planned_weeks_of",
    "pulse_flags",
    "pulse_of_units",
    "pulse_prompts",
    "pulse_sheet",
    "sides_of",
]
