"""A published round's facts as they are now: its input snapshot with every event folded in,
and what the open events touch, which is what a repair re-plans.

Each event changes the snapshot the way the solver understands a person's week:

- an absence lowers capacity by the absent weekdays (Monday–Friday) × normal hours / 5, by
  raising the home load (up to the normal hours); a whole absent working week makes the
  person unavailable that week; its dates become the person's absent dates, so the repair
  places their days around them (an absence on Tuesday moves Tuesday);
- a home recall sets the home load of its weeks;
- a need change sets the need's hours from its first week on (0 closes it);
- an urgent need joins the round's needs, named by its reference as the snapshot names needs;
- a withdrawal makes the person unavailable from its week on, the first week only for the
  weekdays left from its first day (like an absence);
- a decline (a person turning down a new deployment) adds the unit of its need to the
  person's avoided units, a hard rule for the whole round, and touches the person's weeks
  from its first day on: the repair ends their hours there and fills them from others.

A pin (HR's "keep this") yields to an event: a person's pins in a week they can no longer keep
them, and a need's pins in a week it no longer wants their hours, are dropped.

Events fold in order, applied and open alike (an applied event is still a fact); only the
open ones touch anything. Days before today do not matter for a repair: a week wholly past
(its Sunday before `today`) is touched by nothing, though its facts still change.
"""

from __future__ import annotations

import datetime as dt
import math
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from jobbank.db.models import AllocationRound, EventKind, Need, PlanEvent
from jobbank.rounds.snapshot import _need_input as need_input
from jobbank.rounds.snapshot import round_input
from solver.contract import Need as NeedInput
from solver.contract import NeedWeek, RoundInput, StaffWeek

WORKING_DAYS = 5
"""Monday to Friday: the days an absence takes hours from."""


@dataclass(frozen=True)
class EventFact:
    """One event as the folding reads it: staff and needs named as the snapshot names them."""

    id: int
    kind: EventKind
    first_day: dt.date
    last_day: dt.date | None = None
    staff: str | None = None
    need: str | None = None
    hours: float | None = None
    open: bool = True
    new_need: NeedInput | None = None
    """The need an urgent need event posted, as the contract has it."""


@dataclass(frozen=True)
class Facts:
    """The round's facts now, and what its open events touch (week indexes of the round)."""

    round_input: RoundInput
    touched_needs: list[NeedWeek]
    touched_staff: list[StaffWeek]
    event_ids: list[int]
    """The open events, in the order they were reported."""


def current_facts(session: Session, rnd: AllocationRound, *, today: dt.date | None = None) -> Facts:
    """The round's stored snapshot (with its pins) with every event of the round folded in."""
    events = session.scalars(
        select(PlanEvent).where(PlanEvent.round_id == rnd.id).order_by(PlanEvent.id)
    ).all()
    return fold(round_input(session, rnd), [event_fact(rnd, e) for e in events], today=today)


def event_fact(rnd: AllocationRound, event: PlanEvent) -> EventFact:
    """What the folding needs of a stored event."""
    need: Need | None = event.need
    return EventFact(
        id=event.id,
        kind=event.kind,
        first_day=event.first_day,
        last_day=event.last_day,
        staff=event.person.employee_no if event.person is not None else None,
        need=need.ref if need is not None else None,
        hours=event.hours,
        open=event.change_set_id is None,
        new_need=(
            need_input(need, [rnd.start + dt.timedelta(weeks=w) for w in range(rnd.weeks)])
            if need is not None and event.kind is EventKind.URGENT_NEED
            else None
        ),
    )


def fold(
    snapshot: RoundInput, events: Sequence[EventFact], *, today: dt.date | None = None
) -> Facts:
    """`snapshot` with `events` folded in, in order; the result is validated as a whole."""
    facts = _Folding(snapshot, today or dt.date.today())
    for event in events:
        facts.fold(event)
    return facts.result([e.id for e in events if e.open])


class _Folding:
    """The snapshot as plain data while events change it."""

    def __init__(self, snapshot: RoundInput, today: dt.date) -> None:
        self.snapshot = snapshot
        self.data: dict[str, Any] = snapshot.model_dump(mode="python")
        self.staff = {row["id"]: row for row in self.data["staff"]}
        self.needs = {row["id"]: row for row in self.data["needs"]}
        self.first_live_week = max(0, _week_of(snapshot.start, today))
        """Weeks before this one are wholly past."""
        self.staff_weeks: set[tuple[str, int]] = set()
        self.need_weeks: set[tuple[str, int]] = set()
        self.touched_staff: set[tuple[str, int]] = set()
        self.touched_needs: set[tuple[str, int]] = set()
        self.declined: set[tuple[str, str]] = set()
        """(staff, unit) pairs a decline rules out."""

    @property
    def weeks(self) -> int:
        return self.snapshot.weeks

    def fold(self, event: EventFact) -> None:
        if event.kind is EventKind.URGENT_NEED:
            self._add_need(event)
        if event.kind in (EventKind.NEED_CHANGE, EventKind.URGENT_NEED):
            self._need_weeks(event)
            return
        staff = self.staff.get(event.staff or "")
        if staff is None:
            return  # someone the round does not plan: nothing of theirs to change
        if event.kind is EventKind.DECLINE:
            weeks = self._decline(event, staff)
        else:
            weeks = self._staff_weeks(event, staff)
        self.staff_weeks |= {(staff["id"], w) for w in weeks}
        if event.open:
            self.touched_staff |= {(staff["id"], w) for w in weeks if self._live(w)}

    def _staff_weeks(self, event: EventFact, staff: dict[str, Any]) -> list[int]:
        """Change the person's weeks the event covers; return those weeks."""
        last = event.last_day
        if event.kind is EventKind.WITHDRAWAL or last is None:
            last = self.snapshot.week_start(self.weeks - 1) + dt.timedelta(days=6)
        changed = []
        for week in self._weeks_between(event.first_day, last):
            if event.kind is EventKind.HOME_RECALL:
                staff["home_load"][week] = min(float(event.hours or 0), staff["normal_hours"])
            else:
                monday = self.snapshot.week_start(week)
                _add_absent_dates(staff, monday, event.first_day, last)
                days = _absent_weekdays(monday, event.first_day, last)
                if not days:
                    continue  # only a weekend: no working day lost
                self._absent(staff, week, days)
            changed.append(week)
        return changed

    def _decline(self, event: EventFact, staff: dict[str, Any]) -> list[int]:
        """Rule the need's unit out for the person; return their weeks from the first day."""
        need = self.needs.get(event.need or "")
        if need is None:
            return []
        if need["unit"] not in staff["avoid_units"]:
            staff["avoid_units"].append(need["unit"])
        self.declined.add((staff["id"], need["unit"]))
        start = max(0, _week_of(self.snapshot.start, event.first_day))
        return list(range(start, self.weeks))

    def _absent(self, staff: dict[str, Any], week: int, days: int) -> None:
        """`days` working days of `week` away: the whole week unavailable, or less capacity."""
        if days >= WORKING_DAYS:
            staff["available"][week] = False
            return
        normal = staff["normal_hours"]
        lost = _half_hours_up(days * normal / WORKING_DAYS)
        staff["home_load"][week] = min(normal, staff["home_load"][week] + lost)

    def _add_need(self, event: EventFact) -> None:
        new = event.new_need
        if new is None or new.id in self.needs:
            return
        row = new.model_dump(mode="python")
        self.data["needs"].append(row)
        self.needs[row["id"]] = row

    def _need_weeks(self, event: EventFact) -> None:
        need = self.needs.get(event.need or "")
        if need is None:
            return
        start = max(0, _week_of(self.snapshot.start, event.first_day))
        weeks = list(range(start, self.weeks))
        if event.kind is EventKind.NEED_CHANGE:
            for week in weeks:
                need["hours"][week] = float(event.hours or 0)
        else:
            weeks = [w for w in weeks if need["hours"][w] > 0]
        self.need_weeks |= {(need["id"], w) for w in weeks}
        if event.open:
            self.touched_needs |= {(need["id"], w) for w in weeks if self._live(w)}

    def _weeks_between(self, first: dt.date, last: dt.date) -> list[int]:
        start = max(0, _week_of(self.snapshot.start, first))
        end = min(self.weeks - 1, _week_of(self.snapshot.start, last))
        return list(range(start, end + 1))

    def _live(self, week: int) -> bool:
        return week >= self.first_live_week

    def result(self, open_ids: list[int]) -> Facts:
        self.data["pinned"] = self._pins_kept()
        return Facts(
            round_input=RoundInput.model_validate(self.data),
            touched_needs=[NeedWeek(need=n, week=w) for n, w in sorted(self.touched_needs)],
            touched_staff=[StaffWeek(staff=s, week=w) for s, w in sorted(self.touched_staff)],
            event_ids=open_ids,
        )

    def _pins_kept(self) -> list[dict[str, Any]]:
        """The pins the events leave keepable: a person's pins in a week they changed are kept
        only while they fit the capacity left, a need's only while it wants those hours."""
        pins: list[dict[str, Any]] = self.data["pinned"]
        by_staff: dict[tuple[str, int], float] = defaultdict(float)
        by_need: dict[tuple[str, int], float] = defaultdict(float)
        for pin in pins:
            by_staff[pin["staff"], pin["week"]] += pin["hours"]
            by_need[pin["need"], pin["week"]] += pin["hours"]
        return [pin for pin in pins if self._keeps(pin, by_staff, by_need)]

    def _keeps(
        self,
        pin: dict[str, Any],
        by_staff: dict[tuple[str, int], float],
        by_need: dict[tuple[str, int], float],
    ) -> bool:
        staff_week, need_week = (pin["staff"], pin["week"]), (pin["need"], pin["week"])
        if (pin["staff"], self.needs[pin["need"]]["unit"]) in self.declined:
            return False
        if staff_week in self.staff_weeks:
            staff = self.staff[pin["staff"]]
            if by_staff[staff_week] > _capacity(staff, pin["week"]):
                return False
        if need_week in self.need_weeks:
            return by_need[need_week] <= float(self.needs[pin["need"]]["hours"][pin["week"]])
        return True


def _capacity(staff: dict[str, Any], week: int) -> float:
    if not staff["available"][week]:
        return 0.0
    return max(0.0, float(staff["normal_hours"]) - float(staff["home_load"][week]))


def _week_of(start: dt.date, day: dt.date) -> int:
    return (day - start).days // 7


def _absent_weekdays(monday: dt.date, first: dt.date, last: dt.date) -> int:
    """Working days of the week from `monday` that lie within `first` … `last`."""
    days: Iterable[dt.date] = (monday + dt.timedelta(days=d) for d in range(WORKING_DAYS))
    return sum(1 for day in days if first <= day <= last)


def _add_absent_dates(
    staff: dict[str, Any], monday: dt.date, first: dt.date, last: dt.date
) -> None:
    """The days of the week from `monday` within `first` … `last` join the person's absent
    dates, so the day stage puts nothing on them (a withdrawal's too: it ends the days)."""
    week = (monday + dt.timedelta(days=d) for d in range(7))
    absent = staff.setdefault("absent_dates", [])
    absent += [day for day in week if first <= day <= last and day not in absent]


def _half_hours_up(hours: float) -> float:
    """Hours lost, rounded up to the half hour the contract counts in (a partly absent half
    hour cannot be worked)."""
    return math.ceil(hours * 2 - 1e-9) / 2


__all__ = ["EventFact", "Facts", "current_facts", "event_fact", "fold"]
