"""Words for a solved round: the short summary `jobbank solve` prints."""

from __future__ import annotations

from jobbank.contract import RoundInput, RoundResult

LISTED_UNFILLED = 10
"""How many unfilled need-weeks the summary lists before saying how many more there are."""


def summarize(round_input: RoundInput, result: RoundResult) -> str:
    """A few lines for a coordinator: coverage against the bound, hours, status, what stays
    unfilled and why, and how long it took."""
    m = result.metrics
    lines = [f"status: {result.status}"]
    if result.status == "infeasible":
        lines += [f"  {message}" for message in result.messages]
        return "\n".join(lines)
    lines += [
        f"weighted coverage: {m.weighted_coverage:g} of at most {m.upper_bound:g} "
        f"({m.share_of_bound:.1%} of the bound)",
        f"hours: {m.covered_hours:g} covered of {m.wanted_hours:g} wanted "
        f"({_share(m.covered_hours, m.wanted_hours)})",
        f"assignments: {len(result.assignments)}; introductions: {m.introductions}; "
        f"changed vs previous: {m.changed_vs_previous}; "
        f"highest utilisation: {m.max_utilisation:.0%}",
    ]
    if result.unfilled:
        open_hours = sum(u.hours for u in result.unfilled)
        lines.append(f"unfilled: {len(result.unfilled)} need-weeks, {open_hours:g} h")
        priority = {n.id: n.priority for n in round_input.needs}
        ranked = sorted(result.unfilled, key=lambda u: (-priority[u.need], -u.hours, u.week))
        for unfilled in ranked[:LISTED_UNFILLED]:
            week = round_input.week_start(unfilled.week).isoformat()
            lines.append(
                f"  {unfilled.need} (priority {priority[unfilled.need]}), week of {week}: "
                f"{unfilled.hours:g} h open"
            )
            lines += [f"    {r.code.value}: {r.message}" for r in unfilled.reasons]
        if len(ranked) > LISTED_UNFILLED:
            lines.append(f"  … and {len(ranked) - LISTED_UNFILLED} more unfilled need-weeks")
    else:
        lines.append("unfilled: none")
    lines.append(f"time: {m.solve_seconds:.1f} s")
    return "\n".join(lines)


def _share(part: float, whole: float) -> str:
    return f"{part / whole:.1%}" if whole else "nothing wanted"
