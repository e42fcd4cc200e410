"""Allocation rounds (HR only): create, solve in a worker with progress as server-sent events,
cancel, read the proposal, pin and unpin, publish, export the contract's JSON."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import AsyncIterator, Callable
from functools import partial
from typing import Any

import anyio
import anyio.to_thread
from litestar import Controller, Response, delete, get, post, put
from litestar.pagination import OffsetPagination
from litestar.params import FromPath, FromQuery, JSONBody
from litestar.response import ServerSentEvent, ServerSentEventMessage
from litestar.status_codes import HTTP_202_ACCEPTED
from pydantic import BaseModel, ConfigDict, Field
from sqlalchemy.orm import Session

from api.auth import current_actor, hr_only
from api.db_session import connection_threads
from api.deps import DB, AnyRequest, Id, Paging, job_runner
from api.openapi_docs import READ_CAN_CONFLICT
from api.paging import page_of
from api.transfer import STREAMS
from jobbank import rounds, solving
from jobbank.core.texts import Name
from jobbank.db.models import AllocationRound, Assignment, RoundStatus, SolveJob, SolveStatus
from jobbank.rounds import RoundCounts, UnfilledNeedWeek
from jobbank.runtime.solves import cancel_solving, look_at_job, start_solving
from jobbank.solving import JobView, SolveRequest
from solver.bounds import BlockHours, CoverageTrade, Day, RoundWeeks, RowId
from solver.contract import MAX_WEEKS, Purpose, Rules, StopReason, WorkDay

POLL_SECONDS = 0.5
"""How often the progress stream looks at the job's row."""


# --- bodies and answers ----------------------------------------------------------------


class NewRound(BaseModel):
    model_config = ConfigDict(extra="forbid")

    name: Name = Field("", description="Defaults to the ISO week it starts in, e.g. `2027-W11`.")
    start: Day = Field(description="The Monday of the round's first week.")
    weeks: RoundWeeks = Field(description=f"How many weeks the round covers, 1–{MAX_WEEKS}.")
    purpose: Purpose = Field(
        Purpose.CRISIS,
        description="crisis: coverage, then continuity; rotation: coverage, then new "
        "experience and fairness over the last twelve months.",
    )
    rules: Rules | None = None


class PurposeChoice(BaseModel):
    model_config = ConfigDict(extra="forbid")

    purpose: Purpose = Field(
        description="crisis: coverage, then continuity; rotation: coverage, then new "
        "experience and fairness over the last twelve months."
    )
    coverage_trade: CoverageTrade = Field(
        0.0,
        description="The share of weighted coverage the plan may give up for fewer "
        "introductions, 0 … 0.05 (0.005 is half a per cent).",
    )


class NewPin(BaseModel):
    model_config = ConfigDict(extra="forbid")

    person_id: RowId
    need_id: RowId
    week: Day = Field(description="The Monday of the week.")
    hours: BlockHours = Field(description="More than 0, at most 48, a multiple of 0.5.")


class ProgressOut(BaseModel):
    objective: float
    bound: float
    elapsed: float


class SolveJobOut(BaseModel):
    id: int
    round_id: int
    status: SolveStatus
    options: dict[str, Any]
    message: str
    cancel_requested: bool
    latest_progress: ProgressOut | None
    progress_entries: int
    running_seconds: float = Field(
        description="Seconds since a worker started the job, as of this answer (until it "
        "finished); 0 while it waits. Progress entries' `elapsed` say when each plan was found."
    )
    requested_by_id: int | None
    created_at: dt.datetime
    started_at: dt.datetime | None
    heartbeat_at: dt.datetime | None
    finished_at: dt.datetime | None

    @classmethod
    def of(cls, job: SolveJob) -> SolveJobOut:
        return cls(
            id=job.id,
            round_id=job.round_id,
            status=job.status,
            options=job.options,
            message=job.message,
            cancel_requested=job.cancel_requested,
            latest_progress=ProgressOut(**job.progress[-1]) if job.progress else None,
            progress_entries=len(job.progress),
            running_seconds=round(job.running_seconds(), 1),
            requested_by_id=job.requested_by_id,
            created_at=job.created_at,
            started_at=job.started_at,
            heartbeat_at=job.heartbeat_at,
            finished_at=job.finished_at,
        )


class MetricsOut(BaseModel):
    result_status: str
    weighted_coverage: float
    upper_bound: float
    share: float = Field(description="Weighted coverage as a share of the upper bound.")
    covered_hours: float
    wanted_hours: float
    introductions: int
    introduction_hours: float = Field(
        description="Hours the receiving units spend introducing the plan's new people."
    )
    coverage_traded: float = Field(
        description="The share of weighted coverage given up for fewer introductions."
    )
    new_experiences: int = Field(
        description="(person, unit) pairs of units the person never worked at before."
    )
    learners_placed: int = Field(description="(person, need) pairs of a learner.")
    changed_vs_previous: int
    max_utilisation: float
    solve_seconds: float
    stop_reason: StopReason | None = Field(
        None,
        description="Why the solve stopped: bound_reached, proven_optimal, stalled (nothing "
        "better for the no-improvement window) or time_limit; absent for older results.",
    )
    messages: list[str]

    @classmethod
    def of(cls, rnd: AllocationRound) -> MetricsOut | None:
        result = rounds.round_result(rnd)
        if result is None:
            return None
        m = result.metrics
        return cls(
            result_status=result.status,
            share=m.share_of_bound,
            messages=result.messages,
            **m.model_dump(),
        )


class CountsOut(BaseModel):
    staff: int
    needs: int
    assignments: int
    pinned: int
    unfilled: int

    @classmethod
    def of(cls, counts: RoundCounts) -> CountsOut:
        return cls(**counts._asdict())


class RoundOut(BaseModel):
    id: int
    name: str
    start: dt.date
    end: dt.date = Field(description="The Monday of the last week.")
    weeks: int
    status: RoundStatus
    status_message: str = Field(
        description="Why the last solve ended without a new plan: it failed (its worker was "
        "killed, crashed or passed its deadline), was cancelled, or found the round infeasible. "
        "Empty after a solve that gave a plan, and while one runs."
    )
    previous_round_id: int | None
    created_at: dt.datetime
    published_at: dt.datetime | None

    @classmethod
    def fields_of(cls, rnd: AllocationRound) -> dict[str, Any]:
        return {
            "id": rnd.id,
            "name": rnd.name,
            "start": rnd.start,
            "end": rnd.end,
            "weeks": rnd.weeks,
            "status": rnd.status,
            "status_message": rnd.status_message,
            "previous_round_id": rnd.previous_round_id,
            "created_at": rnd.created_at,
            "published_at": rnd.published_at,
        }

    @classmethod
    def of(cls, rnd: AllocationRound) -> RoundOut:
        return cls(**cls.fields_of(rnd))


class RoundDetail(RoundOut):
    purpose: Purpose
    rules: dict[str, Any] = Field(
        description="The round contract's rules: `max_units_per_week` and `coverage_trade` "
        "(a rule left out has the contract's default)."
    )
    created_by_id: int | None
    published_by_id: int | None
    version: int
    metrics: MetricsOut | None
    counts: CountsOut
    latest_job: SolveJobOut | None

    @classmethod
    def read(cls, session: Session, rnd: AllocationRound, job: SolveJob | None) -> RoundDetail:
        return cls(
            **cls.fields_of(rnd),
            purpose=rnd.purpose,
            rules=rnd.rules,
            created_by_id=rnd.created_by_id,
            published_by_id=rnd.published_by_id,
            version=rnd.version,
            metrics=MetricsOut.of(rnd),
            counts=CountsOut.of(rounds.round_counts(session, rnd)),
            latest_job=SolveJobOut.of(job) if job is not None else None,
        )


class PlannedAssignment(BaseModel):
    id: int
    person_id: int
    employee_no: str
    name: str
    need_id: int
    need_ref: str
    unit_id: int
    unit_code: str
    unit_name: str
    week: dt.date
    hours: float
    pinned: bool
    learner: bool = Field(
        description="The person learns the need's skill beside someone who has it; their "
        "hours count at the need's learner share."
    )
    days: list[WorkDay] = Field(
        description="The days of the week its hours are worked, with their local times; "
        "empty when its need is planned by the week alone."
    )

    @classmethod
    def of(cls, row: Assignment) -> PlannedAssignment:
        return cls(
            id=row.id,
            person_id=row.person_id,
            employee_no=row.person.employee_no,
            name=row.person.name,
            need_id=row.need_id,
            need_ref=row.need.ref,
            unit_id=row.need.unit_id,
            unit_code=row.need.unit.code,
            unit_name=row.need.unit.name,
            week=row.week,
            hours=row.hours,
            pinned=row.pinned,
            learner=row.learner,
            days=list(row.work_days),
        )


class ReasonOut(BaseModel):
    code: str
    message: str


class UnfilledOut(BaseModel):
    need_id: int | None
    need_ref: str
    unit_id: int | None
    unit_code: str | None
    week: dt.date
    hours: float
    reasons: list[ReasonOut]

    @classmethod
    def of(cls, row: UnfilledNeedWeek) -> UnfilledOut:
        need = row.need
        return cls(
            need_id=need.id if need else None,
            need_ref=row.need_ref,
            unit_id=need.unit_id if need else None,
            unit_code=need.unit.code if need else None,
            week=row.week,
            hours=row.hours,
            reasons=[ReasonOut(code=r.code.value, message=r.message) for r in row.reasons],
        )


class ProposalOut(BaseModel):
    round_id: int
    round_status: RoundStatus
    metrics: MetricsOut | None = Field(description="None until the round has been solved.")
    assignments: list[PlannedAssignment]
    unfilled: list[UnfilledOut]


# --- the controller ----------------------------------------------------------------------


def _download(content: Any, filename: str) -> Response[Any]:
    return Response(content, headers={"Content-Disposition": f'attachment; filename="{filename}"'})


class RoundController(Controller):
    path = "/api/rounds"
    tags = ("rounds",)
    guards = (hr_only,)

    @post("/", sync_to_thread=True)
    def create_round(
        self, db_session: DB, data: JSONBody[NewRound], request: AnyRequest
    ) -> RoundDetail:
        """Create a draft round over whole weeks from today's approved volunteers and open
        needs; it starts from the latest published round's plan."""
        actor = current_actor(request)
        rounds.require_hr(actor)
        rnd = rounds.create_round(
            db_session,
            start=data.start,
            weeks=data.weeks,
            name=data.name.strip(),
            purpose=data.purpose,
            rules=data.rules,
            by=actor.user_id,
            max_size=request.app.state["settings"].round_max_size,
        )
        db_session.flush()
        return RoundDetail.read(db_session, rnd, None)

    @get("/", sync_to_thread=True)
    def list_rounds(
        self,
        db_session: DB,
        paging: Paging,
        request: AnyRequest,
        status: FromQuery[RoundStatus | None] = None,
    ) -> OffsetPagination[RoundOut]:
        """Rounds, newest horizon first; `?status=` keeps those in one status."""
        rows, total = rounds.find_rounds(db_session, current_actor(request), paging, status=status)
        return page_of(rows, total, paging, RoundOut.of)

    @get("/{round_id:int}", sync_to_thread=True)
    def get_round(self, db_session: DB, round_id: FromPath[Id], request: AnyRequest) -> RoundDetail:
        """A round: its status and why, the result's metrics, counts and the latest solve job."""
        actor = current_actor(request)
        job = solving.job_of_round(db_session, actor, round_id, alive=job_runner(request).is_alive)
        return RoundDetail.read(db_session, rounds.get_round(db_session, round_id), job)

    @put("/{round_id:int}/purpose", sync_to_thread=True)
    def choose_purpose(
        self,
        db_session: DB,
        round_id: FromPath[Id],
        data: JSONBody[PurposeChoice],
        request: AnyRequest,
    ) -> RoundDetail:
        """Choose why the draft round is planned and how much coverage it may trade for fewer
        introductions; the next solve plans by them. 409 once it has been solved."""
        rnd = rounds.choose_purpose(
            db_session,
            current_actor(request),
            round_id,
            purpose=data.purpose,
            coverage_trade=data.coverage_trade,
            alive=job_runner(request).is_alive,
        )
        return RoundDetail.read(db_session, rnd, rounds.latest_job(db_session, rnd.id))

    @post("/{round_id:int}/solve", sync_to_thread=True, status_code=HTTP_202_ACCEPTED)
    def solve(
        self,
        db_session: DB,
        round_id: FromPath[Id],
        request: AnyRequest,
        data: JSONBody[SolveRequest | None] = None,
    ) -> SolveJobOut:
        """Solve the round in a worker process; answers at once with the queued job. Follow it
        at `/progress`. Pins are kept. 409 while a solve runs or once published."""
        job = start_solving(
            db_session,
            current_actor(request),
            round_id,
            data or SolveRequest(),
            job_runner(request),
            max_time_limit=request.app.state["settings"].solve_max_seconds,
        )
        return SolveJobOut.of(job)

    @post("/{round_id:int}/solve/cancel", sync_to_thread=True, status_code=200)
    def cancel_solve(
        self, db_session: DB, round_id: FromPath[Id], request: AnyRequest
    ) -> SolveJobOut:
        """Cancel the running solve; the round goes back to the status it had."""
        job = cancel_solving(db_session, current_actor(request), round_id, job_runner(request))
        return SolveJobOut.of(job)

    @get("/{round_id:int}/progress", opt={STREAMS: True})
    async def progress(self, round_id: FromPath[Id], request: AnyRequest) -> ServerSentEvent:
        """Server-sent events of the latest solve: `progress` with {objective, bound, elapsed}
        for each improvement, then one `done`, `failed` or `cancelled` with the final status
        and message. A job that already ended replays its progress and ends at once."""
        watch = partial(
            look_at_job,
            request.app.state["session_factory"],
            current_actor(request),
            round_id,
            alive=job_runner(request).is_alive,
        )
        first = await anyio.to_thread.run_sync(watch, None, limiter=connection_threads())
        seen = _last_event_id(request)
        return ServerSentEvent(_progress_events(watch, first, seen))

    @get("/{round_id:int}/proposal", sync_to_thread=True)
    def proposal(
        self,
        db_session: DB,
        round_id: FromPath[Id],
        request: AnyRequest,
        need_id: FromQuery[int | None] = None,
        person_id: FromQuery[int | None] = None,
        unit_id: FromQuery[int | None] = None,
    ) -> ProposalOut:
        """The round's plan with names, the result's metrics and the unfilled need-weeks with
        reasons. `?need_id=`, `?person_id=`, `?unit_id=` narrow it (a person has no unfilled
        need-weeks, so `person_id` leaves those out)."""
        rnd = rounds.round_for(db_session, current_actor(request), round_id)
        rows = rounds.plan_rows(
            db_session, rnd, need_id=need_id, person_id=person_id, unit_id=unit_id
        )
        unfilled = (
            []
            if person_id is not None
            else rounds.unfilled_need_weeks(db_session, rnd, need_id=need_id, unit_id=unit_id)
        )
        return ProposalOut(
            round_id=rnd.id,
            round_status=rnd.status,
            metrics=MetricsOut.of(rnd),
            assignments=[PlannedAssignment.of(row) for row in rows],
            unfilled=[UnfilledOut.of(row) for row in unfilled],
        )

    @post("/{round_id:int}/pins", sync_to_thread=True)
    def pin(
        self, db_session: DB, round_id: FromPath[Id], data: JSONBody[NewPin], request: AnyRequest
    ) -> PlannedAssignment:
        """Pin a person to a need for one week with exact hours; the next solve keeps it.
        Pinning an assignment of the proposal pins it in place."""
        row = rounds.pin_assignment(
            db_session,
            current_actor(request),
            round_id,
            person_id=data.person_id,
            need_id=data.need_id,
            week=data.week,
            hours=data.hours,
            alive=job_runner(request).is_alive,
        )
        return PlannedAssignment.of(row)

    @delete("/{round_id:int}/pins/{assignment_id:int}", sync_to_thread=True)
    def unpin(
        self,
        db_session: DB,
        round_id: FromPath[Id],
        assignment_id: FromPath[Id],
        request: AnyRequest,
    ) -> None:
        """Unpin an assignment; the next solve decides it again."""
        rounds.unpin_assignment(
            db_session,
            current_actor(request),
            round_id,
            assignment_id,
            alive=job_runner(request).is_alive,
        )

    @post("/{round_id:int}/publish", sync_to_thread=True, status_code=200)
    def publish(self, db_session: DB, round_id: FromPath[Id], request: AnyRequest) -> RoundDetail:
        """Publish a proposed round and create its onboarding checklists. Publishing again
        changes nothing and answers the same round."""
        actor = current_actor(request)
        rnd = rounds.publish_round(db_session, actor, round_id, alive=job_runner(request).is_alive)
        return RoundDetail.read(db_session, rnd, rounds.latest_job(db_session, rnd.id))

    @get("/{round_id:int}/input", sync_to_thread=True)
    def export_input(
        self, db_session: DB, round_id: FromPath[Id], request: AnyRequest
    ) -> Response[Any]:
        """The round's `RoundInput` JSON, with its current pins, as a download. It holds
        risk-group flags; the read is audited."""
        snapshot = rounds.export_input(db_session, current_actor(request), round_id)
        return _download(snapshot.model_dump(mode="json"), f"round-{round_id}-input.json")

    @get("/{round_id:int}/result", sync_to_thread=True, opt={READ_CAN_CONFLICT: True})
    def export_result(
        self, db_session: DB, round_id: FromPath[Id], request: AnyRequest
    ) -> Response[Any]:
        """The round's last `RoundResult` JSON as a download; 409 before it was solved."""
        result = rounds.export_result(db_session, current_actor(request), round_id)
        return _download(result.model_dump(mode="json"), f"round-{round_id}-result.json")


# --- the progress stream ---------------------------------------------------------------


def _last_event_id(request: AnyRequest) -> int:
    """How many progress entries a reconnecting client has already seen."""
    try:
        return int(request.headers.get("last-event-id", "-1")) + 1
    except ValueError:
        return 0


async def _progress_events(
    watch: Callable[[int | None], JobView], job: JobView, seen: int
) -> AsyncIterator[ServerSentEventMessage]:
    """Each progress entry the client has not seen, polled from the job's row; then the end."""
    while True:
        for number, entry in enumerate(job.progress[seen:], start=seen):
            yield ServerSentEventMessage(event="progress", data=json.dumps(entry), id=number)
        seen = max(seen, len(job.progress))
        if job.status not in rounds.ACTIVE_JOB:
            final = {
                "job_id": job.id,
                "status": job.status.value,
                "message": job.message,
                "round_status": job.round_status.value,
            }
            yield ServerSentEventMessage(event=job.status.value, data=json.dumps(final))
            return
        await anyio.sleep(POLL_SECONDS)
        job = await anyio.to_thread.run_sync(watch, job.id, limiter=connection_threads())
