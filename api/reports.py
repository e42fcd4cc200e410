"""The impact report (HR only): did the job bank free or move resources? One round's report,
and the key figures of the published rounds over time. See `jobbank.report` for how each
figure is defined."""

from __future__ import annotations

import datetime as dt
from typing import Annotated

from litestar import Controller, get
from litestar.params import FromPath, QueryParameter

from api.auth import current_actor, hr_only
from api.deps import DB, AnyRequest, Id
from jobbank import report
from jobbank.report import EvaluationReport, ReportOverTime, RoundReport

DateQuery = Annotated[
    dt.date | None, QueryParameter(name="from", description="Rounds whose weeks reach this day.")
]
UntilQuery = Annotated[
    dt.date | None,
    QueryParameter(name="to", description="Rounds that start on or before this day."),
]


class ReportController(Controller):
    path = "/api"
    tags = ("reports",)
    guards = (hr_only,)

    @get("/rounds/{round_id:int}/report", sync_to_thread=True)
    def round_report(
        self, db_session: DB, round_id: FromPath[Id], request: AnyRequest
    ) -> RoundReport:
        """A round's impact report: hours wanted and covered by area, priority and week
        (wanted from the round's input, covered by its plan), volunteers used and never used,
        hours lent and received per unit with the flows between units, introductions
        (first-time placements at a unit) and checklist completion per audience."""
        return report.round_report(db_session, current_actor(request), round_id)

    @get("/reports/over-time", sync_to_thread=True)
    def over_time(
        self,
        db_session: DB,
        request: AnyRequest,
        start: DateQuery = None,
        end: UntilQuery = None,
    ) -> ReportOverTime:
        """The key figures of every published round in date order; `?from=` and `?to=` keep
        the rounds whose weeks meet that span."""
        return report.report_over_time(db_session, current_actor(request), start=start, end=end)

    @get("/reports/evaluations", sync_to_thread=True)
    def evaluations(
        self,
        db_session: DB,
        request: AnyRequest,
        start: DateQuery = None,
        end: UntilQuery = None,
    ) -> EvaluationReport:
        """The deployments' evaluations in sum, per published round in date order and per
        receiving unit: for each side how many, the share "again", the mean score and the
        most named of what helped and what was missing (counts only, never a comment)."""
        return report.evaluation_report(db_session, current_actor(request), start=start, end=end)
