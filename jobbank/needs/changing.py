"""Changing needs: post, edit, close and reopen; every wrong field is refused at once."""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Sequence
from typing import Any

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from jobbank.core import audit
from jobbank.core.access import Actor
from jobbank.core.bounds import check
from jobbank.core.days import ShiftTimeBody, check_shift_times, shift_times_of, stored_shift_times
from jobbank.core.errors import Conflict, InvalidInput, Problems, check_version
from jobbank.core.texts import Description, clean
from jobbank.core.weeks import require_monday
from jobbank.db.models import Need, NeedStatus, NeedWeek, Skill
from jobbank.needs.bodies import NeedDraft, NeedPatch, WeekHours
from jobbank.needs.contacts import contact_at
from jobbank.needs.reading import ENTITY, get_need, unit_within_reach
from solver.bounds import BlockHours, LearnerShare, NeedHours, Priority
from solver.bounds import WeekHours as WeekHours_


def post_need(session: Session, actor: Actor, draft: NeedDraft) -> Need:
    """A new open need; its reference is `n` and its id (`n17`)."""
    unit = unit_within_reach(session, actor, draft.unit_id)
    problems = Problems()  # every wrong field is told at once
    need = Need(
        ref=f"new-{uuid.uuid4().hex}",
        unit=unit,
        skill=problems.check(_skill, session, draft.skill),
        hours=problems.check(check, "hours", NeedHours, draft.hours),
        first_week=problems.check(require_monday, "first_week", draft.first_week),
        last_week=problems.check(require_monday, "last_week", draft.last_week),
        shift=draft.shift,
        priority=problems.check(check_priority, draft.priority),
        exposed=draft.exposed,
        min_block=problems.check(check_min_block, draft.min_block),
        accepts_learners=draft.accepts_learners,
        learner_share=problems.check(check_learner_share, draft.learner_share),
        description=problems.check(clean, "description", Description, draft.description),
        status=NeedStatus.OPEN,
        created_by_id=actor.user_id,
    )
    _check_weeks(problems, need, draft.weeks)
    need.shift_times = problems.check(_shift_times, draft.shift_times) or []
    _check_block_fits_a_shift(problems, need)
    need.contact_person = problems.check(contact_at, session, unit, draft.contact_person_id)
    problems.refuse()
    session.add(need)
    session.flush()
    _name(session, need)
    audit.record(
        session,
        user_id=actor.user_id,
        action="create",
        entity=ENTITY,
        entity_id=need.id,
        after=audited(need),
    )
    return need


def edit_need(session: Session, actor: Actor, need_id: int, patch: NeedPatch) -> Need:
    """Change a need's fields; the result must still be a valid need as a whole."""
    need = get_need(session, actor, need_id)
    check_version(f"need {need.ref}", need.version, patch.version)
    before = audited(need)
    with session.no_autoflush:  # one UPDATE, one new version
        _apply(session, need, patch)
    return _saved(session, actor, need, "update", before)


def _apply(session: Session, need: Need, patch: NeedPatch) -> None:
    """Apply the patch; every wrong field is refused at once (`InvalidFields`)."""
    problems = Problems()
    if patch.skill is not None:
        problems.put(need, "skill", _skill, session, patch.skill)
    if patch.hours is not None:
        problems.put(need, "hours", check, "hours", NeedHours, patch.hours)
    if patch.first_week is not None:
        problems.put(need, "first_week", require_monday, "first_week", patch.first_week)
    if patch.last_week is not None:
        problems.put(need, "last_week", require_monday, "last_week", patch.last_week)
    if patch.shift is not None:
        need.shift = patch.shift
    if patch.priority is not None:
        problems.put(need, "priority", check_priority, patch.priority)
    if patch.exposed is not None:
        need.exposed = patch.exposed
    if patch.min_block is not None:
        problems.put(need, "min_block", check_min_block, patch.min_block)
    if patch.accepts_learners is not None:
        need.accepts_learners = patch.accepts_learners
    if patch.learner_share is not None:
        problems.put(need, "learner_share", check_learner_share, patch.learner_share)
    if patch.description is not None:
        problems.put(need, "description", clean, "description", Description, patch.description)
    if "contact_person_id" in patch.model_fields_set:
        found = problems.check(contact_at, session, need.unit, patch.contact_person_id)
        if not problems.at("contact_person_id"):
            need.contact_person = found
    _check_weeks(problems, need, patch.weeks)
    if patch.shift_times is not None:
        problems.put(need, "shift_times", _shift_times, patch.shift_times)
    _check_block_fits_a_shift(problems, need)
    problems.refuse()


def _shift_times(shifts: Sequence[ShiftTimeBody]) -> list[dict[str, Any]]:
    return stored_shift_times(check_shift_times("shift_times", shifts))


def _check_block_fits_a_shift(problems: Problems, need: Need) -> None:
    """A person works at least `min_block` hours a day at a need with shift times (or the
    week's hours, if fewer): some shift must be that long."""
    if problems.at("min_block", "shift_times") or not need.shift_times or need.min_block is None:
        return
    longest = max(shift.hours for shift in shift_times_of(need.shift_times))
    if need.min_block > longest:
        problems.add(
            InvalidInput(
                "min_block",
                f"{need.min_block:g} hours is longer than the longest shift ({longest:g} hours); "
                "a person works at least this much on each day",
                code="block_longer_than_shift",
                params={"most": longest},
            )
        )


def _check_weeks(problems: Problems, need: Need, weeks: Sequence[WeekHours] | None) -> None:
    """The span, then the week overrides inside it (only once the span itself is right);
    without `weeks` a shorter span drops the overrides it no longer covers."""
    if problems.at("first_week", "last_week") or None in (need.first_week, need.last_week):
        return  # a span not known or not right is told already
    problems.check(check_span, need)
    if problems.at("last_week"):
        return
    if weeks is None:
        need.weeks = [row for row in need.weeks if need.first_week <= row.week <= need.last_week]
        return
    rows = problems.check(_week_rows, weeks, need)
    if rows is not None:
        need.weeks = rows


def check_new_need(session: Session, actor: Actor, unit_id: int, fields: NeedPatch) -> None:
    """Refuse at once every wrong field among those given of a need not posted yet (a form
    whose other fields could not even be read); nothing is kept."""
    unit = unit_within_reach(session, actor, unit_id)
    with session.no_autoflush:
        _apply(session, Need(unit=unit, weeks=[]), fields)


def close_need(session: Session, actor: Actor, need_id: int, version: int) -> Need:
    """Close an open need: it drops out of future rounds."""
    return _set_status(session, actor, need_id, version, NeedStatus.CLOSED)


def reopen_need(session: Session, actor: Actor, need_id: int, version: int) -> Need:
    """Open a closed need again: future rounds plan it."""
    return _set_status(session, actor, need_id, version, NeedStatus.OPEN)


def _set_status(
    session: Session, actor: Actor, need_id: int, version: int, status: NeedStatus
) -> Need:
    need = get_need(session, actor, need_id)
    check_version(f"need {need.ref}", need.version, version)
    if need.status is status:
        raise Conflict(
            f"need {need.ref}: is already {status.value}",
            code="already_so",
            params={"status": status.value},
        )
    before = audited(need)
    need.status = status
    action = "close" if status is NeedStatus.CLOSED else "reopen"
    return _saved(session, actor, need, action, before)


def _name(session: Session, need: Need) -> None:
    """Give a new need its reference `n<id>` (with a suffix should a loaded fixture hold it).

    Written past the ORM so that a new need starts at version 1.
    """
    ref, suffix = f"n{need.id}", 1
    while session.scalar(select(Need.id).where(Need.ref == ref)) is not None:
        suffix += 1
        ref = f"n{need.id}-{suffix}"
    session.execute(update(Need).where(Need.id == need.id).values(ref=ref))


def _skill(session: Session, code: str) -> Skill:
    skill = session.scalar(select(Skill).where(Skill.code == code))
    if skill is None:
        raise InvalidInput(
            "skill", f"unknown skill {code!r}", code="unknown_skill", params={"skill": code}
        )
    return skill


def check_priority(priority: int) -> int:
    return check("priority", Priority, priority)


def check_min_block(hours: float) -> float:
    return check("min_block", BlockHours, hours)


def check_learner_share(share: float) -> float:
    """The share of a learner's hour that counts as covered: 0 … 1."""
    return check("learner_share", LearnerShare, share)


def check_span(need: Need) -> None:
    if need.last_week < need.first_week:
        raise InvalidInput(
            "last_week",
            f"{need.last_week.isoformat()} is before first_week {need.first_week.isoformat()}",
            code="ends_before_start",
        )


def _week_rows(weeks: Sequence[WeekHours], need: Need) -> list[NeedWeek]:
    """Week overrides, each a Monday inside the need's span, listed once, in half hours."""
    seen: set[dt.date] = set()
    for index, wanted in enumerate(weeks):
        field, week = f"weeks[{index}]", wanted.week
        require_monday(f"{field}.week", week)
        if not need.first_week <= week <= need.last_week:
            raise InvalidInput(
                f"{field}.week",
                f"{week.isoformat()} is outside the need's weeks "
                f"{need.first_week.isoformat()}–{need.last_week.isoformat()}",
                code="outside_span",
                params={"first": need.first_week.isoformat(), "last": need.last_week.isoformat()},
            )
        if week in seen:
            raise InvalidInput(
                f"{field}.week", f"{week.isoformat()} is listed twice", code="listed_twice"
            )
        seen.add(week)
        check(f"{field}.hours", WeekHours_, wanted.hours)
    existing = {row.week: row for row in need.weeks}
    kept = [existing.get(wanted.week) or NeedWeek(week=wanted.week) for wanted in weeks]
    for row, wanted in zip(kept, weeks, strict=True):
        row.hours = wanted.hours
    return kept


def audited(need: Need) -> dict[str, Any]:
    return {
        "ref": need.ref,
        "unit": need.unit.code,
        "skill": need.skill.code,
        "hours": need.hours,
        "weeks": {row.week.isoformat(): row.hours for row in need.weeks},
        "first_week": need.first_week.isoformat(),
        "last_week": need.last_week.isoformat(),
        "shift": need.shift.value,
        "priority": need.priority,
        "exposed": need.exposed,
        "min_block": need.min_block,
        "accepts_learners": need.accepts_learners,
        "learner_share": need.learner_share,
        "shift_times": need.shift_times,
        "description": need.description,
        "status": need.status.value,
        "contact_person_id": need.contact_person.id if need.contact_person else None,
    }


def _saved(session: Session, actor: Actor, need: Need, action: str, before: dict[str, Any]) -> Need:
    """Write the change with its audit entry and flush, so the answer carries the new version."""
    old, new = audit.changed(before, audited(need))
    if new:
        # Week overrides alone do not update the row; touching it bumps the version for them too.
        need.updated_at = dt.datetime.now(dt.UTC)
        audit.record(
            session,
            user_id=actor.user_id,
            action=action,
            entity=ENTITY,
            entity_id=need.id,
            before=old,
            after=new,
        )
    session.flush()
    return need
