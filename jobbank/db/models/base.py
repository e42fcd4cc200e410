"""The base of every table, and how enums are stored."""

from __future__ import annotations

from enum import StrEnum

from advanced_alchemy.base import BigIntAuditBase
from sqlalchemy import Enum


def stored_enum(enum: type[StrEnum], name: str) -> Enum:
    """Store an enum by its value, as a plain string with a CHECK, readable in SQL."""
    return Enum(enum, name=name, native_enum=False, length=32, values_callable=_values)


def _values(enum: type[StrEnum]) -> list[str]:
    return [member.value for member in enum]


class Base(BigIntAuditBase):
    """Every table has a big-integer id and created/updated timestamps."""

    __abstract__ = True
