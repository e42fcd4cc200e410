"""HR's impact report: the published rounds over time, and one round's report, each figure as
an SVG chart and as a table with the same numbers. The figures come from `jobbank.report`."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from litestar import get
from litestar.params import FromPath, FromQuery
from litestar.response import Template

from api.auth import current_actor
from api.deps import DB, AnyRequest
from api.pages.charts import BarChart, grouped_bars
from api.pages.i18n import language_of, translate
from jobbank import report
from jobbank.core.errors import InvalidInput
from jobbank.report import ReportOverTime, RoundReport
from jobbank.rounds import require_hr


@dataclass(frozen=True)
class Measure:
    """One bar of a chart with several measures per group (e.g. wanted and covered hours)."""

    key: Any
    """The group: a round's figures, a unit's code, …"""
    series: str
    value: float


def _over_time_charts(figures: ReportOverTime, language: str) -> dict[str, BarChart]:
    rounds = figures.rounds
    wanted, covered = translate(language, "Wanted hours"), translate(language, "Covered hours")
    used, idle = translate(language, "Used"), translate(language, "Never used")
    hours = [Measure(r, wanted, r.wanted_hours) for r in rounds]
    hours += [Measure(r, covered, r.covered_hours) for r in rounds]
    people = [Measure(r, used, r.people_used) for r in rounds]
    people += [Measure(r, idle, r.people_never_used) for r in rounds]
    return {
        "hours": _measures_chart(hours, rounds, [wanted, covered]),
        "people": _measures_chart(people, rounds, [used, idle]),
    }


def _measures_chart(
    measures: list[Measure], groups: list[Any], series: list[str], *, label_chars: int = 0
) -> BarChart:
    """Bars of hours or people, one group per `groups` entry, one bar per `series`."""
    return grouped_bars(
        measures,
        group=lambda m: m.key,
        series=lambda m: m.series,
        value=lambda m: m.value,
        percent=False,
        groups=groups,
        series_order=series,
        label_chars=label_chars,
    )


def _round_charts(found: RoundReport, language: str) -> dict[str, BarChart]:
    lent, received = translate(language, "Lent"), translate(language, "Received")
    flows = [Measure(u, lent, u.lent_hours) for u in found.units]
    flows += [Measure(u, received, u.received_hours) for u in found.units]
    longest = max((len(u.unit_name) for u in found.units), default=0)
    everything = translate(language, "All areas")
    return {
        "area_week": grouped_bars(
            found.by_area_week,
            group=lambda c: c.week,
            series=lambda c: c.area,
            value=lambda c: c.share,
        ),
        "priority": grouped_bars(
            found.by_priority,
            group=lambda c: c.priority,
            series=lambda _c: everything,
            value=lambda c: c.share,
            groups=sorted((c.priority for c in found.by_priority), reverse=True),
        ),
        "units": _measures_chart(flows, found.units, [lent, received], label_chars=longest),
    }


def _day(field: str, text: str) -> dt.date | None:
    """A date from the filter form; empty means no limit."""
    if not text.strip():
        return None
    try:
        return dt.date.fromisoformat(text.strip())
    except ValueError:
        raise InvalidInput(field, "not a date", code="not_a_date") from None


@get("/reports", sync_to_thread=True)
def reports_over_time(
    db_session: DB, request: AnyRequest, start: FromQuery[str] = "", end: FromQuery[str] = ""
) -> Template:
    """The key figures of every published round by date, optionally of those meeting a span;
    a bad date is told next to its field."""
    actor = current_actor(request)
    require_hr(actor)
    errors: dict[str, str] = {}
    try:
        figures = report.report_over_time(
            db_session, actor, start=_day("start", start), end=_day("end", end)
        )
    except InvalidInput as bad:
        errors[bad.field] = bad.message
        figures = report.report_over_time(db_session, actor)
    return Template(
        "reports.html",
        context={
            "actor": actor,
            "figures": figures,
            "charts": _over_time_charts(figures, language_of(request)),
            "evaluations": report.evaluation_report(
                db_session, actor, start=figures.start, end=figures.end
            ),
            "form": {"start": start, "end": end},
            "errors": errors,
        },
        status_code=422 if errors else 200,
    )


@get("/reports/rounds/{round_id:int}", sync_to_thread=True)
def round_report_page(db_session: DB, round_id: FromPath[int], request: AnyRequest) -> Template:
    """One round's impact report, for HR."""
    actor = current_actor(request)
    found = report.round_report(db_session, actor, round_id)
    return Template(
        "reports_round.html",
        context={
            "actor": actor,
            "report": found,
            "charts": _round_charts(found, language_of(request)),
        },
    )


ROUTES = [reports_over_time, round_report_page]
