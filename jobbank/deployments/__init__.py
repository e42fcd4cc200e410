"""The lent employee's voice, and what really happened.

A deployment is one person's time at one receiving unit in one published round
(`records`). Its person confirms or declines it; during it they answer a weekly pulse and
talk with both leaders in its thread; the receiving leader confirms the hours worked; at its
end both sides evaluate it. `reach` says who plays which part in it.
"""

from __future__ import annotations

from jobbank.deployments.reach import Side, deployment_in_reach, deployments_in_reach, sides_of
from jobbank.deployments.records import (
    PlannedWeek,
    open_deployments,
    planned_weeks,
    planned_weeks_of,
)

__all__ = [
    "PlannedWeek",
    "Side",
    "deployment_in_reach",
    "deployments_in_reach",
    "open_deployments",
    "planned_weeks",
    "planned_weeks_of",
    "sides_of",
]
