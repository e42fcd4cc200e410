""" "Why me": the reasons a person was chosen for a deployment, in plain words.

People lent out were anxious about unknown work. The reasons come from what the solver was
given (the round's stored input snapshot) and what the plan holds now: the skill the unit
asks for that the person has, their free hours each week (normal hours less what the home
unit still needs), a home load lower than most other volunteers' (said only when true), the
unit's need and its priority, how much of the home week remains, and which home tasks pause
(the home leader's checklist items about it, where the checklist has such items).

Every sentence is written in Danish and English here, once, for the API and the page alike.
The risk-group flag is never a reason told.
"""

from __future__ import annotations

import datetime as dt
import statistics
from collections import defaultdict
from dataclasses import dataclass, field

from sqlalchemy import select
from sqlalchemy.orm import Session

from jobbank.core.access import Actor
from jobbank.db.models import (
    AllocationRound,
    Assignment,
    Audience,
    Checklist,
    ChecklistItem,
    Deployment,
    Need,
    Skill,
)
from jobbank.deployments.reach import deployment_in_reach
from jobbank.deployments.records import PlannedWeek, planned_weeks
from solver.contract import RoundInput, Staff, parse_round_input


@dataclass(frozen=True)
class Words:
    """One sentence in both languages."""

    da: str
    en: str

    def in_(self, language: str) -> str:
        return self.da if language == "da" else self.en


@dataclass(frozen=True)
class Reason:
    """One reason, named by `code` (`skill`, `free_hours`, `low_home_load`, `need`,
    `home_week`, `pauses`)."""

    code: str
    words: Words


@dataclass(frozen=True)
class WeekReason:
    """One planned week: the person's free hours, what the plan lends, what stays at home."""

    week: dt.date
    normal_hours: float
    home_load: float
    free_hours: float
    lent_here: float
    lent_in_all: float
    wanted: float
    """Hours the unit's needs the person works on want that week."""

    @property
    def home_hours_left(self) -> float:
        return max(0.0, self.normal_hours - self.lent_in_all)


@dataclass(frozen=True)
class PauseItem:
    """A home leader's checklist item about pausing home tasks."""

    title: Words
    done: bool


@dataclass(frozen=True)
class WhyChosen:
    deployment_id: int
    unit: str
    reasons: list[Reason]
    weeks: list[WeekReason]
    priority: int | None
    pauses: list[PauseItem] = field(default_factory=list)


PRIORITY_WORDS = {
    1: Words("lav", "low"),
    2: Words("ret lav", "fairly low"),
    3: Words("middel", "medium"),
    4: Words("høj", "high"),
    5: Words("kritisk", "critical"),
}
PAUSE_WORDS = ("pause",)
"""A home leader's item is about pausing home tasks when its title says so (da and en)."""


def why_chosen(session: Session, actor: Actor, deployment_id: int) -> WhyChosen:
    """The reasons, for the person, both leaders and HR (404 for anyone else)."""
    deployment = deployment_in_reach(session, actor, deployment_id)
    rnd = session.get_one(AllocationRound, deployment.round_id)
    weeks = planned_weeks(session, deployment)
    snapshot = parse_round_input(rnd.input_snapshot) if rnd.input_snapshot else None
    staff = _staff(snapshot, deployment.person.employee_no)
    needs = _needs_planned(session, deployment)
    week_rows = _weeks(session, rnd, deployment, snapshot, staff, needs, weeks)
    pauses = _pauses(session, deployment)
    reasons = [
        *_skill(session, snapshot, staff, needs),
        *_free_hours(week_rows),
        *_low_home_load(snapshot, staff, rnd, week_rows),
        *_need(snapshot, needs, deployment, week_rows),
        *_home_week(week_rows),
        *_pause_reason(pauses),
    ]
    return WhyChosen(
        deployment_id=deployment.id,
        unit=deployment.unit.name,
        reasons=reasons,
        weeks=week_rows,
        priority=_priority(snapshot, needs),
        pauses=pauses,
    )


def _staff(snapshot: RoundInput | None, employee_no: str) -> Staff | None:
    if snapshot is None:
        return None
    return next((s for s in snapshot.staff if s.id == employee_no), None)


def _needs_planned(session: Session, deployment: Deployment) -> list[str]:
    """The references of the unit's needs the person is planned on, in the round."""
    return list(
        session.scalars(
            select(Need.ref)
            .join(Assignment, Assignment.need_id == Need.id)
            .where(
                Assignment.round_id == deployment.round_id,
                Assignment.person_id == deployment.person_id,
                Need.unit_id == deployment.unit_id,
                Assignment.hours > 0,
            )
            .distinct()
            .order_by(Need.ref)
        ).all()
    )


def _week_index(rnd: AllocationRound, week: dt.date) -> int:
    return (week - rnd.start).days // 7


def _weeks(
    session: Session,
    rnd: AllocationRound,
    deployment: Deployment,
    snapshot: RoundInput | None,
    staff: Staff | None,
    needs: list[str],
    weeks: list[PlannedWeek],
) -> list[WeekReason]:
    lent_in_all: dict[dt.date, float] = defaultdict(float)
    for week, hours in session.execute(
        select(Assignment.week, Assignment.hours).where(
            Assignment.round_id == deployment.round_id,
            Assignment.person_id == deployment.person_id,
        )
    ).tuples():
        lent_in_all[week] += hours
    wanted_of = {n.id: n for n in snapshot.needs} if snapshot else {}
    rows = []
    for planned in weeks:
        w = _week_index(rnd, planned.week)
        in_round = staff is not None and 0 <= w < len(staff.home_load)
        normal = staff.normal_hours if staff else 0.0
        load = staff.home_load[w] if in_round and staff else 0.0
        free = staff.capacity(w) if in_round and staff else 0.0
        wanted = sum(
            wanted_of[ref].hours[w]
            for ref in needs
            if ref in wanted_of and 0 <= w < len(wanted_of[ref].hours)
        )
        rows.append(
            WeekReason(
                week=planned.week,
                normal_hours=normal,
                home_load=load,
                free_hours=free,
                lent_here=planned.hours,
                lent_in_all=lent_in_all[planned.week],
                wanted=wanted,
            )
        )
    return rows


def _skill(
    session: Session, snapshot: RoundInput | None, staff: Staff | None, needs: list[str]
) -> list[Reason]:
    if snapshot is None or staff is None:
        return []
    asked = {n.skill for n in snapshot.needs if n.id in needs}
    matched = sorted(asked & set(staff.skills))
    if not matched:
        return []
    labels = session.scalars(select(Skill).where(Skill.code.in_(matched))).all()
    da = ", ".join(s.label_da for s in labels) or ", ".join(matched)
    en = ", ".join(s.label_en for s in labels) or ", ".join(matched)
    return [
        Reason(
            "skill",
            Words(
                f"Afdelingen beder om {da.lower()}, og det kan du: det står i din profil.",
                f"The unit asks for {en.lower()}, and you can do that: it is in your profile.",
            ),
        )
    ]


def _h(hours: float, language: str = "en") -> str:
    text = f"{hours:g}"
    return text.replace(".", ",") if language == "da" else text


def _free_hours(rows: list[WeekReason]) -> list[Reason]:
    if not rows or not any(r.normal_hours for r in rows):
        return []
    least, most = min(r.free_hours for r in rows), max(r.free_hours for r in rows)
    span_da = _h(least, "da") if least == most else f"{_h(least, 'da')}–{_h(most, 'da')}"
    span_en = _h(least) if least == most else f"{_h(least)}–{_h(most)}"
    return [
        Reason(
            "free_hours",
            Words(
                f"Du havde tid: {span_da} timer om ugen, når din hjemmeafdeling har fået de "
                "timer, den selv har brug for. Du er ikke lånt ud ud over det.",
                f"You had time: {span_en} hours a week once your home unit has the hours it "
                "needs itself. You are not lent beyond that.",
            ),
        )
    ]


def _low_home_load(
    snapshot: RoundInput | None, staff: Staff | None, rnd: AllocationRound, rows: list[WeekReason]
) -> list[Reason]:
    """Said only when the person's home load share is below the other volunteers' median."""
    if snapshot is None or staff is None or not rows or staff.normal_hours <= 0:
        return []
    weeks = [_week_index(rnd, r.week) for r in rows]
    weeks = [w for w in weeks if 0 <= w < snapshot.weeks]
    if not weeks:
        return []

    def share(s: Staff) -> float:
        return statistics.fmean(s.home_load[w] for w in weeks) / s.normal_hours

    others = [share(s) for s in snapshot.staff if s.id != staff.id and s.normal_hours > 0]
    if not others:
        return []
    mine, typical = share(staff), statistics.median(others)
    if mine >= typical:
        return []
    return [
        Reason(
            "low_home_load",
            Words(
                f"Din hjemmeafdeling har brug for en mindre del af din tid end de fleste andres "
                f"(du: {round(mine * 100)} %, de fleste andre: {round(typical * 100)} %), så "
                "dit udlån tager mindst fra den.",
                f"Your home unit needs a smaller share of your time than most others' do "
                f"(you: {round(mine * 100)} %, most others: {round(typical * 100)} %), so "
                "lending you takes least from it.",
            ),
        )
    ]


def _priority(snapshot: RoundInput | None, needs: list[str]) -> int | None:
    if snapshot is None:
        return None
    found = [n.priority for n in snapshot.needs if n.id in needs]
    return max(found) if found else None


def _need(
    snapshot: RoundInput | None, needs: list[str], deployment: Deployment, rows: list[WeekReason]
) -> list[Reason]:
    priority = _priority(snapshot, needs)
    if priority is None or not rows:
        return []
    words = PRIORITY_WORDS[priority]
    most = max(r.wanted for r in rows)
    unit = deployment.unit.name
    return [
        Reason(
            "need",
            Words(
                f"{unit} mangler hænder: op til {_h(most, 'da')} timer om ugen. Behovet har "
                f"prioritet {priority} af 5 ({words.da}).",
                f"{unit} is short of hands: up to {_h(most)} hours a week. The need has "
                f"priority {priority} of 5 ({words.en}).",
            ),
        )
    ]


def _home_week(rows: list[WeekReason]) -> list[Reason]:
    if not rows or not any(r.normal_hours for r in rows):
        return []
    least = min(r.home_hours_left for r in rows)
    return [
        Reason(
            "home_week",
            Words(
                f"Du beholder mindst {_h(least, 'da')} timer om ugen til din egen afdeling; "
                "se hver uge nedenfor.",
                f"You keep at least {_h(least)} hours a week for your own unit; see each week "
                "below.",
            ),
        )
    ]


def _pauses(session: Session, deployment: Deployment) -> list[PauseItem]:
    items = session.scalars(
        select(ChecklistItem)
        .join(Checklist, Checklist.id == ChecklistItem.checklist_id)
        .where(
            Checklist.round_id == deployment.round_id,
            Checklist.person_id == deployment.person_id,
            Checklist.unit_id == deployment.unit_id,
            ChecklistItem.audience == Audience.SENDING_LEADER,
        )
        .order_by(ChecklistItem.due_on, ChecklistItem.id)
    ).all()
    return [
        PauseItem(Words(item.title_da, item.title_en), item.done_at is not None)
        for item in items
        if any(word in (item.title_da + item.title_en).lower() for word in PAUSE_WORDS)
    ]


def _pause_reason(pauses: list[PauseItem]) -> list[Reason]:
    if not pauses:
        return []
    done = all(p.done for p in pauses)
    return [
        Reason(
            "pauses",
            Words(
                "Din leder aftaler med dig, hvilke hjemmeopgaver der sættes på pause"
                + (" – det er gjort." if done else " – det er ikke gjort endnu."),
                "Your leader agrees with you which home tasks pause"
                + (": that is done." if done else ": not done yet."),
            ),
        )
    ]


__all__ = ["PauseItem", "Reason", "WeekReason", "WhyChosen", "Words", "why_chosen"]
