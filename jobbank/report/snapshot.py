"""What the report reads of a round's snapshot: only the fields it sums, never the staff's
risk-group flag.
"""

from __future__ import annotations

import datetime as dt
from typing import TypeVar

from pydantic import BaseModel, ConfigDict, Field

T = TypeVar("T")


class _Read(BaseModel):
    model_config = ConfigDict(extra="ignore", frozen=True)


class UnitRead(_Read):
    id: str
    name: str = ""
    area: str = ""


class StaffRead(_Read):
    """A volunteer as the report sees them: no skills, no shifts, no risk-group flag."""

    id: str
    name: str = ""
    home_unit: str
    normal_hours: float
    home_load: list[float] | float
    available: list[bool] | bool

    def capacity(self, weeks: int) -> float:
        """Hours the person could have been lent over the round's weeks."""
        loads = per_week(self.home_load, weeks)
        available = per_week(self.available, weeks)
        return sum(
            max(0.0, self.normal_hours - load) if free else 0.0
            for load, free in zip(loads, available, strict=True)
        )


class NeedRead(_Read):
    id: str
    unit: str
    hours: list[float] | float
    priority: int = 3


class SnapshotRead(_Read):
    start: dt.date
    weeks: int
    units: list[UnitRead] = Field(default_factory=list)
    staff: list[StaffRead] = Field(default_factory=list)
    needs: list[NeedRead] = Field(default_factory=list)


def per_week(value: list[T] | T, weeks: int) -> list[T]:
    """A per-week value of the contract, which may be one value for every week."""
    return list(value) if isinstance(value, list) else [value] * weeks


class PlacedRead(_Read):
    """An assignment of the stored result as the report sees it: who, which need, learner."""

    staff: str
    need: str
    learner: bool = False


class ResultRead(_Read):
    """What the report reads of a round's stored result: its assignments' learner flags."""

    assignments: list[PlacedRead] = Field(default_factory=list)
