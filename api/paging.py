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
"""The default of the `page_max_limit` setting (`JOBBANK_PAGE_MAX_LIMIT`)."""


def paging_up_to(most: int) -> Provide:
    """The `paging` dependency with `limit` capped at `most`; the cap is in the OpenAPI schema
    and a larger `limit` is refused with 400 naming the cap."""

    def paging(limit: int = DEFAULT_LIMIT, offset: int = 0) -> LimitOffset:
        return LimitOffset(limit=limit, offset=offset)

    # Set here rather than written in the signature: the cap is the app's setting.
    paging.__annotations__ = {
        "limit": Annotated[
            int, QueryParameter(ge=1, le=most, description=f"Rows per page, at most {most}.")
        ],
        "offset": Annotated[int, QueryParameter(ge=0)],
        "return": LimitOffset,
    }
    return Provide(paging, sync_to_thread=False)


provide_paging = paging_up_to(MAX_LIMIT)
"""Register as the `paging` dependency; handlers then take `paging: LimitOffset`."""


def page_of(
    rows: Sequence[S], total: int, paging: LimitOffset, shape: Callable[[S], T]
) -> OffsetPagination[T]:
    """A page of `rows` (already limited) shaped for the response."""
    return OffsetPagination(
        items=[shape(row) for row in rows], limit=paging.limit, offset=paging.offset, total=total
    )
