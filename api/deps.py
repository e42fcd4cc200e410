"""Names for what handlers receive, so every signature reads the same."""

from __future__ import annotations

from typing import Any, TypeAlias

from advanced_alchemy.filters import LimitOffset
from litestar import Request
from litestar.di import NamedDependency
from sqlalchemy.orm import Session

DB: TypeAlias = NamedDependency[Session]
"""The request's database session (`db_session`); committed when the response is 2xx."""
Paging: TypeAlias = NamedDependency[LimitOffset]
"""`?limit=&offset=` of a list endpoint (the `paging` dependency)."""
AnyRequest: TypeAlias = Request[Any, Any, Any]
