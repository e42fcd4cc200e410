"""One way to page every list: `?limit=&offset=`, answered as `{items, total, limit, offset}`."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Annotated, TypeVar

from advanced_alchemy.filters import LimitOffset
from litestar.di import Provide
from litestar.pagination import OffsetPagination
from litestar.params import QueryParameter

T = TypeVar("T")
S = TypeVar("S")

DEFAULT_LIMIT = 50
MAX_LIMIT = 500


def _paging(
    limit: Annotated[int, QueryParameter(ge=1, le=MAX_LIMIT)] = DEFAULT_LIMIT,
    offset: Annotated[int, QueryParameter(ge=0)] = 0,
) -> LimitOffset:
    return LimitOffset(limit=limit, offset=offset)


provide_paging = Provide(_paging, sync_to_thread=False)
"""Register as the `paging` dependency; handlers then take `paging: LimitOffset`."""


def page_of(
    rows: Sequence[S], total: int, paging: LimitOffset, shape: Callable[[S], T]
) -> OffsetPagination[T]:
    """A page of `rows` (already limited) shaped for the response."""
    return OffsetPagination(
        items=[shape(row) for row in rows], limit=paging.limit, offset=paging.offset, total=total
    )
