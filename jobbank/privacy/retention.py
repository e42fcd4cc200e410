"""Retention: whole rounds whose last week ended long ago keep their plan but forget the
people in it (see the package's docstring)."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from typing import Any

from sqlalchemy import delete, select, update
from sqlalchemy.orm import Session

from jobbank.core import audit
from jobbank.db.models import (
    AllocationRound,
    ChangeSet,
    Checklist,
    ChecklistItem,
    MessageStatus,
    OutboxMessage,
    PlanEvent,
    RoundStatus,
)
from jobbank.privacy.replacing import replacer
from jobbank.privacy.voice import Forgotten, forget_round_words

ANONYMOUS = re.compile(r"^anon-\d+$")


@dataclass(frozen=True)
class Retention:
    """What applying retention changes (or would change, in a dry run)."""

    cutoff: dt.date
    round_ids: list[int]
    checklist_items: int
    messages: int
    event_reasons: int
    words: Forgotten
    """Decline notes, pulse and evaluation comments blanked, thread messages deleted."""


def plan_retention(session: Session, *, days: int, today: dt.date | None = None) -> Retention:
    """What is older than `days`: rounds whose last week ended before the cutoff and still
    name staff, their checklist items that still say who ticked them, the reasons of their
    plan events, and sent or given-up messages written before the cutoff."""
    cutoff = (today or dt.date.today()) - dt.timedelta(days=days)
    rounds = [rnd for rnd in _ended_rounds(session, cutoff) if _names_staff(rnd)]
    items = _ticked_items(session, cutoff)
    return Retention(
        cutoff=cutoff,
        round_ids=[rnd.id for rnd in rounds],
        checklist_items=len(session.scalars(items).all()),
        messages=len(session.scalars(_old_messages(cutoff)).all()),
        event_reasons=len(session.scalars(_given_reasons(session, cutoff)).all()),
        words=forget_round_words(session, _ended_ids(session, cutoff), dry_run=True),
    )


def apply_retention(
    session: Session, *, days: int, today: dt.date | None = None, by: int | None = None
) -> Retention:
    """Forget old rounds' personal data and old messages; one audit entry says how much."""
    plan = plan_retention(session, days=days, today=today)
    for rnd in _ended_rounds(session, plan.cutoff):
        if rnd.id in plan.round_ids:
            _anonymise_round(session, rnd)
    reasons = session.scalars(_given_reasons(session, plan.cutoff)).all()
    for event in reasons:
        event.reason = ""
    ticked = session.scalars(_ticked_items(session, plan.cutoff)).all()
    if ticked:
        session.execute(
            update(ChecklistItem)
            .where(ChecklistItem.id.in_([item.id for item in ticked]))
            .values(done_by_id=None)
            .execution_options(synchronize_session=False)
        )
    words = forget_round_words(session, _ended_ids(session, plan.cutoff), dry_run=False)
    old = session.scalars(_old_messages(plan.cutoff)).all()
    if old:
        session.execute(delete(OutboxMessage).where(OutboxMessage.id.in_([m.id for m in old])))
    if plan.round_ids or ticked or old or reasons or words:
        audit.record(
            session,
            user_id=by,
            action="retention",
            entity="round",
            after={
                "days": days,
                "cutoff": plan.cutoff.isoformat(),
                "rounds": plan.round_ids,
                "checklist_items": len(ticked),
                "messages_deleted": len(old),
                "event_reasons": len(reasons),
            }
            | words.audit_fields(),
        )
    session.flush()
    return plan


def _ended_rounds(session: Session, cutoff: dt.date) -> list[AllocationRound]:
    """Rounds whose last week (Monday + 7 days) ended before the cutoff."""
    rounds = session.scalars(
        select(AllocationRound)
        .where(AllocationRound.start < cutoff)
        .order_by(AllocationRound.id)
        .with_for_update()
    ).all()
    return [
        rnd
        for rnd in rounds
        if rnd.status is not RoundStatus.SOLVING
        and rnd.start + dt.timedelta(weeks=rnd.weeks) <= cutoff
    ]


def _ended_ids(session: Session, cutoff: dt.date) -> list[int]:
    return [rnd.id for rnd in _ended_rounds(session, cutoff)]


def _names_staff(rnd: AllocationRound) -> bool:
    staff = (rnd.input_snapshot or {}).get("staff", [])
    return any(not ANONYMOUS.match(str(s.get("id", ""))) or "name" in s for s in staff)


def _anonymise_round(session: Session, rnd: AllocationRound) -> None:
    """Staff become `anon-1`, `anon-2`, … in snapshot order, without names or risk flags;
    the result, the change sets that repaired it and every message in them use the same
    pseudonyms."""
    snapshot = dict(rnd.input_snapshot or {})
    staff = [dict(s) for s in snapshot.get("staff", [])]
    names = {str(s["id"]): f"anon-{index}" for index, s in enumerate(staff, start=1)}
    texts = dict(names)
    texts.update({str(s["name"]): names[str(s["id"])] for s in staff if s.get("name")})
    replace = replacer(texts)
    for entry in staff:
        entry.pop("name", None)
        entry["risk_group"] = False
    snapshot["staff"] = staff
    rnd.input_snapshot = replace(snapshot)
    if rnd.result is not None:
        rnd.result = replace(rnd.result)
    for change_set in session.scalars(select(ChangeSet).where(ChangeSet.round_id == rnd.id)):
        change_set.result = replace(change_set.result)


def _given_reasons(session: Session, cutoff: dt.date) -> Any:
    """Events of ended rounds that still say why (an absence's reason may name an illness)."""
    ended = [rnd.id for rnd in _ended_rounds(session, cutoff)]
    return select(PlanEvent).where(PlanEvent.round_id.in_(ended), PlanEvent.reason != "")


def _ticked_items(session: Session, cutoff: dt.date) -> Any:
    ended = [rnd.id for rnd in _ended_rounds(session, cutoff)]
    return (
        select(ChecklistItem)
        .join(Checklist, Checklist.id == ChecklistItem.checklist_id)
        .where(Checklist.round_id.in_(ended), ChecklistItem.done_by_id.is_not(None))
    )


def _old_messages(cutoff: dt.date) -> Any:
    moment = dt.datetime.combine(cutoff, dt.time(), tzinfo=dt.UTC)
    return select(OutboxMessage).where(
        OutboxMessage.created_at < moment, OutboxMessage.status != MessageStatus.PENDING
    )
