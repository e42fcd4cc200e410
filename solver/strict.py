"""The base of every contract shape."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict


class Strict(BaseModel):
    """A contract shape: unknown fields are refused and a validated value never changes."""

    model_config = ConfigDict(extra="forbid", frozen=True)
