"""Who reaches rounds (HR alone), and a round's status: locking it for a change to its life,
refusing a step its status does not allow.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import NoReturn

from advanced_alchemy.filters import LimitOffset
from advanced_alchemy.repository import SQLAlchemySyncRepository
from sqlalchemy import ColumnElement, select, text
from sqlalchemy.orm import Session, defer

from jobbank.core.access import Actor
from jobbank.core.errors import Conflict, NotFound
from jobbank.db.models import AllocationRound, RoundStatus


def get_round(session: Session, round_id: int, *, for_update: bool = False) -> AllocationRound:
    rnd = session.get(AllocationRound, round_id, with_for_update=for_update)
    if rnd is None:
        raise NotFound(f"round {round_id}: no such round")
    return rnd


ENTITY = "round"


CHANGEABLE = (RoundStatus.DRAFT, RoundStatus.PROPOSED)
"""A round may be pinned or solved in these states; not while solving, not once published."""


class RoundRepository(SQLAlchemySyncRepository[AllocationRound]):
    model_type = AllocationRound


def require_hr(actor: Actor, round_id: int | None = None) -> None:
    """Rounds are HR's work; to anyone else they do not exist."""
    actor.require(actor.is_hr, f"round {round_id}" if round_id is not None else "rounds")


def find_rounds(
    session: Session, actor: Actor, paging: LimitOffset, *, status: RoundStatus | None = None
) -> tuple[Sequence[AllocationRound], int]:
    """A page of rounds, newest horizon first, optionally in one status; without their
    snapshots and results, which a list does not show."""
    require_hr(actor)
    filters: list[LimitOffset | ColumnElement[bool]] = [paging]
    if status is not None:
        filters.append(AllocationRound.status == status)
    return RoundRepository(session=session).get_many_and_count(
        *filters,
        load=[defer(AllocationRound.input_snapshot), defer(AllocationRound.result)],
        order_by=[(AllocationRound.start, True), (AllocationRound.id, True)],
    )


def round_for(session: Session, actor: Actor, round_id: int) -> AllocationRound:
    """A round, for HR."""
    require_hr(actor, round_id)
    return get_round(session, round_id)


def lock_round(session: Session, round_id: int) -> AllocationRound:
    """The round, freshly read and locked until the transaction ends, so that changes to its
    life queue up: SELECT … FOR UPDATE, or on SQLite the database's write lock, which a no-op
    UPDATE takes (SQLite knows no row locks)."""
    if session.get_bind().dialect.name == "sqlite":
        session.execute(
            text("UPDATE allocation_round SET status = status WHERE id = :id"), {"id": round_id}
        )
    else:
        locked = select(AllocationRound.id).where(AllocationRound.id == round_id)
        session.execute(locked.with_for_update())
    # Then read afresh, holding the lock. (Loading the entity FOR UPDATE would instead check
    # the copy this session read before against the row, and fail if anyone changed it since:
    # exactly what the lock is here to wait for.)
    rnd = session.get(AllocationRound, round_id, populate_existing=True)
    if rnd is None:
        raise NotFound(f"round {round_id}: no such round")
    return rnd


def refuse(rnd: AllocationRound, why: str) -> NoReturn:
    """409 for a step the round's status does not allow, saying what it is and why not."""
    raise Conflict(
        f"round {rnd.id}: is {rnd.status.value}; {why}",
        code="round_status",
        params={"status": rnd.status.value},
    )


def status_without_solve(rnd: AllocationRound) -> RoundStatus:
    """What a round is when no solve runs: proposed when it holds a plan, else a draft
    (`store_result` decides the same way, so this is the status it had before solving)."""
    if rnd.result is not None and rnd.result.get("status") != "infeasible":
        return RoundStatus.PROPOSED
    return RoundStatus.DRAFT
