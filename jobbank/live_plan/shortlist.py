"""The urgent call: who could take one need-week of a published plan at once, and HR
assigning one of them directly, checked against the rules (`solver.shortlist`).

A direct assignment is made only for someone on the shortlist, within the hours they can
give: the shortlist already holds only people every hard rule allows. Taking someone from a
lower-priority need ends that assignment in the same transaction, as the shortlist said.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from jobbank.core import audit
from jobbank.core.access import Actor
from jobbank.core.errors import InvalidInput, Problems
from jobbank.core.weeks import require_hours, week_index
from jobbank.db.models import AllocationRound, AssignmentChange, Need, Person
from jobbank.live_plan.change_sets import change_plan, current_plan, mark_stale, published_round
from jobbank.live_plan.direct_days import days_for
from jobbank.live_plan.effects import FollowUp, follow_changes
from jobbank.live_plan.facts import current_facts
from jobbank.rounds.pins import require_round_week
from solver.bounds import MAX_NORMAL_HOURS
from solver.contract import Assignment as PlannedAssignment
from solver.contract import Candidate, Change, RoundInput
from solver.shortlist import MAX_SHORTLIST, shortlist

ENTITY = "assignment"


@dataclass(frozen=True)
class Shortlisted:
    """A candidate, with the person the page links to."""

    person: Person
    candidate: Candidate


def shortlist_for(
    session: Session,
    actor: Actor,
    round_id: int,
    need_id: int,
    week: dt.date,
    limit: int = 10,
) -> list[Shortlisted]:
    """Up to `limit` people who could take `need_id` in `week` now, best first."""
    rnd = published_round(session, actor, round_id, lock=False)
    return _shortlist(session, rnd, current_facts(session, rnd).round_input, need_id, week, limit)


def _shortlist(
    session: Session,
    rnd: AllocationRound,
    facts: RoundInput,
    need_id: int,
    week: dt.date,
    limit: int,
) -> list[Shortlisted]:
    need, index = _need_week(session, rnd, need_id, week, {n.id for n in facts.needs})
    if not 1 <= limit <= MAX_SHORTLIST:
        raise InvalidInput(
            "limit",
            f"must be 1–{MAX_SHORTLIST}, got {limit}",
            code="outside_range",
            params={"least": 1, "most": MAX_SHORTLIST},
        )
    candidates = shortlist(facts, current_plan(session, rnd), need.ref, index, limit)
    people = {
        p.employee_no: p
        for p in session.scalars(
            select(Person).where(Person.employee_no.in_({c.staff for c in candidates}))
        )
    }
    return [Shortlisted(people[c.staff], c) for c in candidates if c.staff in people]


def _need_week(
    session: Session, rnd: AllocationRound, need_id: int, week: dt.date, refs: set[str]
) -> tuple[Need, int]:
    problems = Problems()
    need = session.get(Need, need_id)
    if need is None or need.ref not in refs:
        problems.add(
            InvalidInput(
                "need_id",
                f"no need {need_id} in this round",
                code="not_in_round",
                params={"id": need_id},
            )
        )
    index = problems.check(require_round_week, rnd, week)
    problems.refuse()
    assert need is not None
    assert index is not None
    return need, index


def assign_directly(
    session: Session,
    actor: Actor,
    round_id: int,
    *,
    person_id: int,
    need_id: int,
    week: dt.date,
    hours: float,
) -> list[AssignmentChange]:
    """Give one shortlisted person `hours` of a need-week now; what they leave open elsewhere
    (as the shortlist said) ends in the same transaction."""
    rnd = published_round(session, actor, round_id, lock=True)
    require_hours("hours", hours, most=MAX_NORMAL_HOURS)
    facts = current_facts(session, rnd).round_input
    found = _shortlist(session, rnd, facts, need_id, week, MAX_SHORTLIST)
    shortlisted = {s.person.id: s for s in found}
    chosen = shortlisted.get(person_id)
    if chosen is None:
        raise InvalidInput(
            "person_id",
            f"person {person_id} cannot take this need-week now (not on its shortlist)",
            code="not_on_shortlist",
        )
    candidate = chosen.candidate
    if hours > candidate.hours:
        raise InvalidInput(
            "hours",
            f"must be at most {candidate.hours:g}, the hours they can give",
            code="more_than_offered",
            params={"most": candidate.hours},
        )
    need = session.get(Need, need_id)
    assert need is not None
    index = week_index(rnd.start, week)
    wanted = next(n.hours[index] for n in facts.needs if n.id == need.ref)
    block = min(need.min_block, wanted)
    if hours <= 0 or hours < block:
        raise InvalidInput(
            "hours",
            f"must be at least {block:g}, the need's smallest block",
            code="below_least",
            params={"ge": block},
        )
    changes = [
        Change(
            staff=candidate.staff,
            need=left.need,
            week=index,
            hours_before=left.hours,
            hours_after=0,
        )
        for left in candidate.leaves_open
    ]
    changes.append(
        Change(staff=candidate.staff, need=need.ref, week=index, hours_before=0, hours_after=hours)
    )
    added = _on_days(session, rnd, facts, candidate, need.ref, index, hours)
    rows = change_plan(session, rnd, changes, [added], change_set_id=None, by=actor.user_id)
    mark_stale(session, rnd.id)
    follow_up: FollowUp = follow_changes(session, rnd, rows, by=actor.user_id)
    audit.record(
        session,
        user_id=actor.user_id,
        action="assign_directly",
        entity=ENTITY,
        entity_id=f"{rnd.id}:{person_id}:{need_id}:{week.isoformat()}",
        after={
            "hours": hours,
            "days": [day.model_dump(mode="json") for day in added.days],
            "ended": [left.need for left in candidate.leaves_open],
            "plan_revision": rnd.plan_revision,
            **follow_up.audit_fields(),
        },
    )
    return rows


def _on_days(
    session: Session,
    rnd: AllocationRound,
    facts: RoundInput,
    candidate: Candidate,
    need_ref: str,
    week: int,
    hours: float,
) -> PlannedAssignment:
    """The new assignment-week with its days, placed around the plan as it will stand (what
    the person leaves open gone); refused when the days cannot hold the hours."""
    left = {(candidate.staff, open_.need) for open_ in candidate.leaves_open}
    plan = [
        a for a in current_plan(session, rnd) if a.week != week or (a.staff, a.need) not in left
    ]
    added = PlannedAssignment(staff=candidate.staff, need=need_ref, week=week, hours=hours)
    return added.model_copy(update={"days": days_for(facts, plan, added)})
