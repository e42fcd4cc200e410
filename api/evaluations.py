"""A deployment's evaluation at its end: the lent person's side and the receiving leader's.
Who reads and writes which side is told in `jobbank.deployments.evaluations`."""

from __future__ import annotations

import datetime as dt

from litestar import Controller, get, put
from litestar.params import FromPath, JSONBody
from pydantic import BaseModel, Field

from api.auth import current_actor, logged_in
from api.deps import DB, AnyRequest, Id
from jobbank.db.models import Evaluation, EvaluationSide
from jobbank.deployments.evaluations import (
    EvaluationAnswer,
    EvaluationsView,
    Helped,
    Missing,
    evaluations_of,
    write_evaluation,
)


class EvaluationOut(BaseModel):
    side: EvaluationSide
    again: bool
    score: int = Field(description="How it went overall: 1 badly … 5 very well.")
    helped: list[Helped]
    missing: list[Missing]
    comment: str
    version: int

    @classmethod
    def of(cls, row: Evaluation) -> EvaluationOut:
        return cls(
            side=row.side,
            again=row.again,
            score=row.score,
            helped=[Helped(code) for code in row.helped],
            missing=[Missing(code) for code in row.missing],
            comment=row.comment,
            version=row.version,
        )


class EvaluationsOut(BaseModel):
    """The sides of a deployment's evaluation you may read, and which you may write."""

    deployment_id: int
    opens_on: dt.date | None = Field(
        description="The Monday of the last planned week, from which it may be evaluated; "
        "null once a change to the plan ended the deployment."
    )
    open: bool = Field(description="It may be evaluated today.")
    writable: list[EvaluationSide] = Field(description="The sides you write.")
    evaluations: list[EvaluationOut]

    @classmethod
    def of(cls, view: EvaluationsView) -> EvaluationsOut:
        return cls(
            deployment_id=view.deployment.id,
            opens_on=view.opens_on,
            open=view.open,
            writable=sorted(view.writable),
            evaluations=[EvaluationOut.of(row) for row in view.evaluations],
        )


class EvaluationController(Controller):
    path = "/api/deployments/{deployment_id:int}/evaluations"
    tags = ("deployments",)
    guards = [logged_in]  # noqa: RUF012

    @get("/", sync_to_thread=True)
    def list_evaluations(
        self, db_session: DB, request: AnyRequest, deployment_id: FromPath[Id]
    ) -> EvaluationsOut:
        """A deployment's evaluations as you may read them: the lent person reads their own
        side, the receiving unit's leaders theirs, HR both, the home unit's leader neither
        (404 outside the deployment's reach)."""
        view = evaluations_of(db_session, current_actor(request), deployment_id)
        return EvaluationsOut.of(view)

    @put("/{side:str}", sync_to_thread=True)
    def write(
        self,
        db_session: DB,
        request: AnyRequest,
        deployment_id: FromPath[Id],
        side: FromPath[EvaluationSide],
        data: JSONBody[EvaluationAnswer],
    ) -> EvaluationOut:
        """Write or replace one side's evaluation: `staff` by the lent person only,
        `receiving` by a leader of the receiving unit only (404 for anyone else). Before the
        deployment's last planned week begins it answers 409 whose `errors` name the code
        `evaluation_not_yet_open`; a stale `version` 409 naming `stale_version`."""
        actor = current_actor(request)
        row = write_evaluation(db_session, actor, deployment_id, side, data)
        return EvaluationOut.of(row)
