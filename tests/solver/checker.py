"""An independent check of hard rules 1–9 on a result, written from the design alone
(it shares no code with the solver), and the plain arithmetic of term 1."""

from __future__ import annotations

from collections import defaultdict

from solver.contract import RoundInput, RoundResult


def violations(round_input: RoundInput, result: RoundResult) -> list[str]:
    """Every way `result` breaks a hard rule of the design; empty when it keeps them all."""
    staff = {s.id: s for s in round_input.staff}
    needs = {n.id: n for n in round_input.needs}
    found: list[str] = []
    per_staff_week: dict[tuple[str, int], float] = defaultdict(float)
    per_need_week: dict[tuple[str, int], float] = defaultdict(float)
    units: dict[tuple[str, int], set[str]] = defaultdict(set)
    seen: set[tuple[str, str, int]] = set()
    for a in result.assignments:
        s, n, w = staff[a.staff], needs[a.need], a.week
        where = f"{a.staff}->{a.need} week {w}"
        if (a.staff, a.need, w) in seen:
            found.append(f"{where}: listed twice")
        seen.add((a.staff, a.need, w))
        if n.skill not in s.skills:
            found.append(f"{where}: rule 1 skill")
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
        per_need_week[(a.need, w)] += a.hours
        units[(a.staff, w)].add(n.unit)
    for (sid, w), total in per_staff_week.items():
        s = staff[sid]
        cap = max(0.0, s.normal_hours - s.home_load[w]) if s.available[w] else 0.0
        if total > cap:
            found.append(f"{sid} week {w}: rule 3 capacity {total} > {cap}")
        if len(units[(sid, w)]) > round_input.rules.max_units_per_week:
            found.append(f"{sid} week {w}: rule 8 spread over {len(units[(sid, w)])} units")
    for (nid, w), total in per_need_week.items():
        if total > needs[nid].hours[w]:
            found.append(f"{nid} week {w}: rule 4 need {total} > {needs[nid].hours[w]}")
    planned = {(a.staff, a.need, a.week): a.hours for a in result.assignments}
    for p in round_input.pinned:
        if planned.get((p.staff, p.need, p.week)) != p.hours:
            found.append(f"pin {p.staff}->{p.need} week {p.week}: rule 9 not kept")
    return found


def weighted_coverage(round_input: RoundInput, result: RoundResult) -> float:
    """Term 1 recomputed from the assignments: Σ 2^(priority−1) · hours."""
    priority = {n.id: n.priority for n in round_input.needs}
    return float(sum(2 ** (priority[a.need] - 1) * a.hours for a in result.assignments))
