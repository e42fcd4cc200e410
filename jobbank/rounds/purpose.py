"""Why a round is planned and what it may trade: HR chooses the round's purpose (a crisis or
rotation in normal times) and the share of weighted coverage the plan may give up for fewer
introductions, while the round is a draft.

The round's snapshot is changed with them, so the next solve plans by what HR chose; once a
round has been solved its proposal was planned by the choice before, and once published its
people were told, so neither changes any more."""

from __future__ import annotations

from sqlalchemy.orm import Session

from jobbank.core import audit
from jobbank.core.access import Actor
from jobbank.core.bounds import check
from jobbank.db.models import AllocationRound, RoundStatus
from jobbank.rounds.jobs import Liveness, cannot_tell, round_to_change
from jobbank.rounds.status import ENTITY, refuse
from solver.bounds import CoverageTrade
from solver.contract import Purpose, Rules


def coverage_trade_of(rnd: AllocationRound) -> float:
    """The share of weighted coverage the round may trade for fewer introductions."""
    return Rules.model_validate(rnd.rules).coverage_trade


def choose_purpose(
    session: Session,
    actor: Actor,
    round_id: int,
    *,
    purpose: Purpose,
    coverage_trade: float,
    alive: Liveness = cannot_tell,
) -> AllocationRound:
    """Set the draft round's purpose and coverage trade (0 … 0.05), in its rules and its
    snapshot alike; a round no longer a draft refuses (409), a trade beyond its bound names
    `coverage_trade` (422)."""
    rnd = round_to_change(session, actor, round_id, alive=alive)
    if rnd.status is not RoundStatus.DRAFT:
        refuse(rnd, "its purpose and coverage trade are chosen while it is a draft")
    check("coverage_trade", CoverageTrade, coverage_trade)
    before = {"purpose": rnd.purpose.value, "coverage_trade": coverage_trade_of(rnd)}
    rules = Rules.model_validate(rnd.rules).model_copy(update={"coverage_trade": coverage_trade})
    rnd.purpose = purpose
    rnd.rules = rules.model_dump(mode="json")
    if rnd.input_snapshot is not None:
        rnd.input_snapshot = {**rnd.input_snapshot, "purpose": purpose.value, "rules": rnd.rules}
    after = {"purpose": purpose.value, "coverage_trade": coverage_trade}
    old, new = audit.changed(before, after)
    if new:
        audit.record(
            session,
            user_id=actor.user_id,
            action="choose_purpose",
            entity=ENTITY,
            entity_id=rnd.id,
            before=old,
            after=new,
        )
    session.flush()
    return rnd
