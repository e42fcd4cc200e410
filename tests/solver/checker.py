"""An independent check of hard rules 1–11 and day rules a–e on a result, written from the
design alone (it shares no code with the solver), and the plain arithmetic of term 1."""

from __future__ import annotations

import datetime as dt
import math
from collections import defaultdict
from dataclasses import dataclass
from fractions import Fraction

from solver.contract import Assignment, Need, RoundInput, RoundResult, Staff, WorkDay

MOST_HOURS_A_DAY = 13.0
"""Nobody works more than 13 hours a day (11 hours' rest)."""
LEAST_REST = dt.timedelta(hours=11)
WEEKDAY_NAMES = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")


def violations(round_input: RoundInput, result: RoundResult) -> list[str]:
    """Every way `result` breaks a hard rule of the design; empty when it keeps them all."""
    staff = {s.id: s for s in round_input.staff}
    needs = {n.id: n for n in round_input.needs}
    found: list[str] = []
    per_staff_week: dict[tuple[str, int], float] = defaultdict(float)
    per_need_week: dict[tuple[str, int], float] = defaultdict(float)
    learner_hours: dict[tuple[str, int], float] = defaultdict(float)
    units: dict[tuple[str, int], set[str]] = defaultdict(set)
    seen: set[tuple[str, str, int]] = set()
    for a in result.assignments:
        s, n, w = staff[a.staff], needs[a.need], a.week
        where = f"{a.staff}->{a.need} week {w}"
        if (a.staff, a.need, w) in seen:
            found.append(f"{where}: listed twice")
        seen.add((a.staff, a.need, w))
        learns = n.skill not in s.skills
        if learns and not (n.accepts_learners and n.skill in s.learn_skills):
            found.append(f"{where}: rule 1 skill (nor a learner of it, rule 11)")
        if a.learner != learns:
            found.append(f"{where}: marked learner={a.learner}, but the skill says {learns}")
        if n.shift not in s.shifts:
            found.append(f"{where}: rule 2 shift")
        if n.unit == s.home_unit or n.unit in s.avoid_units:
            found.append(f"{where}: rule 5 lending")
        if s.risk_group and n.exposed:
            found.append(f"{where}: rule 6 protection")
        if a.hours * 2 != int(a.hours * 2) or a.hours <= 0:
            found.append(f"{where}: hours {a.hours} not a positive multiple of 0.5")
        if a.hours < min(n.min_block, n.hours[w]):
            found.append(f"{where}: rule 7 sliver of {a.hours} h")
        per_staff_week[(a.staff, w)] += a.hours
        (learner_hours if learns else per_need_week)[(a.need, w)] += a.hours
        units[(a.staff, w)].add(n.unit)
    for (sid, w), total in per_staff_week.items():
        s = staff[sid]
        cap = _capacity(s, w)
        if total > cap:
            found.append(f"{sid} week {w}: rule 3 capacity {total} > {cap}")
        if len(units[(sid, w)]) > round_input.rules.max_units_per_week:
            found.append(f"{sid} week {w}: rule 8 spread over {len(units[(sid, w)])} units")
    for (nid, w), learned in learner_hours.items():
        if learned > per_need_week[(nid, w)]:
            found.append(f"{nid} week {w}: rule 11 learners {learned} h > holders")
    for nid, w in set(per_need_week) | set(learner_hours):
        total = _covered(needs[nid], per_need_week[(nid, w)], learner_hours[(nid, w)])
        if total > needs[nid].hours[w]:
            found.append(f"{nid} week {w}: rule 4 need {total} > {needs[nid].hours[w]}")
    planned = {(a.staff, a.need, a.week): a for a in result.assignments}
    for p in round_input.pinned:
        kept = planned.get((p.staff, p.need, p.week))
        if kept is None or kept.hours != p.hours:
            found.append(f"pin {p.staff}->{p.need} week {p.week}: rule 9 not kept")
        elif p.days and _day_times(p.days) != _day_times(kept.days):
            found.append(f"pin {p.staff}->{p.need} week {p.week}: rule 9 days not kept")
    return (
        found + introduction_violations(round_input, result) + day_violations(round_input, result)
    )


def _covered(need: Need, holders: float, learners: float) -> float:
    """Hours a need-week's holders and learners cover: a learner's hour counts at the need's
    share (in hundredths), the learners' part rounded down to whole half-hours."""
    learned = Fraction(round(need.learner_share * 100), 100) * Fraction(learners)
    return holders + math.floor(learned * 2) / 2


def introduction_violations(round_input: RoundInput, result: RoundResult) -> list[str]:
    """Rule 10: a unit with an `intro_capacity` gets at most that many new people a week; a
    person is new unless they worked there in an earlier round or an earlier week."""
    capacity = {u.id: u.intro_capacity for u in round_input.units}
    unit_of = {n.id: n.unit for n in round_input.needs}
    worked_before = {(s.id, u) for s in round_input.staff for u in s.past_units}
    at: dict[tuple[str, int], set[str]] = defaultdict(set)
    for a in result.assignments:
        at[(unit_of[a.need], a.week)].add(a.staff)
    found = []
    for (unit, week), people in sorted(at.items()):
        most = capacity[unit]
        new = {
            p
            for p in people
            if (p, unit) not in worked_before
            and not any(p in at.get((unit, earlier), set()) for earlier in range(week))
        }
        if most is not None and len(new) > most:
            found.append(f"{unit} week {week}: rule 10 introductions {len(new)} > {most}")
    return found


def _capacity(person: Staff, week: int) -> float:
    """Rule 3: normal hours less home load, at most a day's hours on each away day."""
    if not person.available[week]:
        return 0.0
    days = hours_a_day(person) * len(set(person.away_days))
    return max(0.0, min(person.normal_hours - person.home_load[week], days))


def hours_a_day(person: Staff) -> float:
    """The person's daily hours, or a fifth of their normal hours rounded up to a half hour
    (at most 13)."""
    if person.daily_hours is not None:
        return person.daily_hours
    return min(MOST_HOURS_A_DAY, math.ceil(person.normal_hours * 2 / 5) / 2)


def _day_times(days: tuple[WorkDay, ...]) -> set[tuple[dt.date, dt.time, dt.time, float]]:
    return {(d.date, d.start, d.end, d.hours) for d in days}


@dataclass(frozen=True)
class _WorkedDay:
    """A day a person works at a need, as a span of clock time."""

    need: str
    date: dt.date
    begins: dt.datetime
    ends: dt.datetime


def day_violations(round_input: RoundInput, result: RoundResult) -> list[str]:
    """Every way `result` breaks day rules a–e or puts days where they do not belong."""
    staff = {s.id: s for s in round_input.staff}
    needs = {n.id: n for n in round_input.needs}
    found: list[str] = []
    worked: dict[str, list[_WorkedDay]] = defaultdict(list)
    for a in result.assignments:
        person, need = staff[a.staff], needs[a.need]
        found += _assignment_day_violations(round_input, a, person, need)
        worked[a.staff] += [
            _WorkedDay(a.need, d.date, *_span(d.date, d.start, d.hours)) for d in a.days
        ]
    for sid, days in worked.items():
        found += _one_place_a_day(sid, days, hours_a_day(staff[sid]))
        found += _rest_between_days(sid, days)
    return found


def _assignment_day_violations(
    round_input: RoundInput, a: Assignment, person: Staff, need: Need
) -> list[str]:
    """The checks one assignment's days can fail alone: where they may be, their times and
    hours (rules a, b and e)."""
    where = f"{a.staff}->{a.need} week {a.week}"
    if not need.shift_times:
        return [f"{where}: has days but the need has no shift times"] if a.days else []
    if not a.days:
        return [f"{where}: the need has shift times but the assignment has no days"]
    found = []
    total = sum(d.hours for d in a.days)
    if total != a.hours:
        found.append(f"{where}: the days add up to {total:g} h, not {a.hours:g} h")
    monday = round_input.start + dt.timedelta(weeks=a.week)
    dates = [d.date for d in a.days]
    found += [f"{where} {d}: named twice" for d in sorted(set(dates)) if dates.count(d) > 1]
    for day in a.days:
        found += [f"{where} {day.date}: {p}" for p in _day_problems(day, monday, a, person, need)]
    return found


def _day_problems(
    day: WorkDay, monday: dt.date, a: Assignment, person: Staff, need: Need
) -> list[str]:
    problems = []
    if not monday <= day.date < monday + dt.timedelta(days=7):
        problems.append(f"not in the week of {monday}")
    weekday = WEEKDAY_NAMES[day.date.weekday()]
    shifts = [s for s in need.shift_times if weekday in s.days]
    if not shifts:
        problems.append(f"day rule a: the need has no shift on {weekday}")
    if weekday not in person.away_days:
        problems.append(f"day rule a: {weekday} is not among the person's away days")
    if day.date in person.absent_dates:
        problems.append("day rule a: the person is absent that day")
    _, ends = _span(day.date, day.start, day.hours)
    if ends.time() != day.end:
        problems.append(f"ends {day.end:%H:%M}, not {day.hours:g} h after {day.start:%H:%M}")
    if day.hours > hours_a_day(person):
        problems.append(f"day rule b: {day.hours:g} h > the person's {hours_a_day(person):g} h")
    for shift in shifts:
        if day.start != shift.start:
            problems.append(f"starts {day.start:%H:%M}, not at the shift's {shift.start:%H:%M}")
        length = _shift_hours(shift.start, shift.end)
        if day.hours > length:
            problems.append(f"day rule b: {day.hours:g} h > the shift's {length:g} h")
    if day.hours < min(need.min_block, a.hours):
        problems.append(f"day rule e: {day.hours:g} h < min(min_block, the week's {a.hours:g} h)")
    return problems


def _one_place_a_day(sid: str, days: list[_WorkedDay], most: float) -> list[str]:
    """Day rule c (one need a day) and rule b (the person's hours a day, over all needs)."""
    by_date: dict[dt.date, list[_WorkedDay]] = defaultdict(list)
    for day in days:
        by_date[day.date].append(day)
    found = []
    for date, on_date in sorted(by_date.items()):
        names = "/".join(sorted(d.need for d in on_date))
        if len(on_date) > 1:
            found.append(f"{sid}->{names} {date}: day rule c: {len(on_date)} places on one day")
        hours = sum((d.ends - d.begins).total_seconds() / 3600 for d in on_date)
        if len(on_date) > 1 and hours > most:
            found.append(f"{sid}->{names} {date}: day rule b: {hours:g} h in a day > {most:g} h")
    return found


def _rest_between_days(sid: str, days: list[_WorkedDay]) -> list[str]:
    """Day rule d: at least 11 hours from the end of one day's work to the next day's start."""
    found = []
    for earlier in days:
        for later in days:
            if later.date - earlier.date != dt.timedelta(days=1):
                continue
            rest = later.begins - earlier.ends
            if rest < LEAST_REST:
                found.append(
                    f"{sid}->{later.need} {later.date}: day rule d rest: "
                    f"{rest.total_seconds() / 3600:.1f} h between the end of {earlier.need} on "
                    f"{earlier.date} ({earlier.ends:%a %H:%M}) and the start at "
                    f"{later.begins:%H:%M}"
                )
    return found


def _span(date: dt.date, start: dt.time, hours: float) -> tuple[dt.datetime, dt.datetime]:
    """When a day's work begins and ends: it is worked from its start, `hours` long."""
    begins = dt.datetime.combine(date, start)
    return begins, begins + dt.timedelta(hours=hours)


def _shift_hours(start: dt.time, end: dt.time) -> float:
    """A shift whose end is not after its start ends the next day."""
    today = dt.date(2000, 1, 3)
    begins, ends = dt.datetime.combine(today, start), dt.datetime.combine(today, end)
    if ends <= begins:
        ends += dt.timedelta(days=1)
    return (ends - begins).total_seconds() / 3600


def weighted_coverage(round_input: RoundInput, result: RoundResult) -> float:
    """Term 1 recomputed from the assignments: Σ 2^(priority−1) · hours covered, learners'
    hours at their need's share."""
    needs = {n.id: n for n in round_input.needs}
    holders: dict[tuple[str, int], float] = defaultdict(float)
    learners: dict[tuple[str, int], float] = defaultdict(float)
    for a in result.assignments:
        (learners if a.learner else holders)[(a.need, a.week)] += a.hours
    return float(
        sum(
            2 ** (needs[n].priority - 1) * _covered(needs[n], holders[(n, w)], learners[(n, w)])
            for n, w in set(holders) | set(learners)
        )
    )
