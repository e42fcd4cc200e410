"""The three kinds of users; one person may hold several roles."""

from enum import StrEnum


class Role(StrEnum):
    STAFF = "staff"
    UNIT_LEADER = "unit_leader"
    HR_COORDINATOR = "hr_coordinator"
