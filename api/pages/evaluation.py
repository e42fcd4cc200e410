"""A deployment's evaluation page (`/deployment/{id}/evaluation`), made for a phone: the lent
person and the receiving leader each fill in their side once the last planned week has begun;
HR reads both. And the front page's prompt for the evaluations someone still owes
(`/evaluations/awaited`, loaded into the front page by HTMX)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from litestar import get, post
from litestar.params import FromPath, FromQuery, URLEncodedBody
from litestar.response import Redirect, Template

from api.auth import current_actor
from api.deps import DB, AnyRequest, Id
from api.pages.i18n import language_of, translate
from api.pages.refusals import STALE, sentence, sentences
from jobbank.core.access import Actor
from jobbank.core.bounds import shaped
from jobbank.core.errors import Conflict, InvalidInput
from jobbank.db.models import Evaluation, EvaluationSide
from jobbank.deployments.evaluations import (
    EvaluationAnswer,
    EvaluationsView,
    Helped,
    Missing,
    awaited_evaluations,
    evaluations_of,
    write_evaluation,
)

Form = dict[str, Any]
YES, NO = "yes", "no"


def _many(form: Form, name: str) -> list[str]:
    """A field's values: a form sends one value as text and several as a list."""
    value = form.get(name, [])
    return [value] if isinstance(value, str) else list(value)


def _one(form: Form, name: str) -> str:
    values = _many(form, name)
    return values[0].strip() if values else ""


@dataclass(frozen=True)
class SideForm:
    """One side's form as the page shows it: as stored, or as sent when it was refused."""

    side: EvaluationSide
    again: str = ""
    score: str = ""
    helped: frozenset[str] = frozenset()
    missing: frozenset[str] = frozenset()
    comment: str = ""
    version: str = ""
    errors: dict[str, str] = field(default_factory=dict)

    @classmethod
    def of(cls, side: EvaluationSide, row: Evaluation | None) -> SideForm:
        if row is None:
            return cls(side)
        return cls(
            side,
            again=YES if row.again else NO,
            score=str(row.score),
            helped=frozenset(row.helped),
            missing=frozenset(row.missing),
            comment=row.comment,
            version=str(row.version),
        )

    @classmethod
    def sent(cls, side: EvaluationSide, form: Form, errors: dict[str, str]) -> SideForm:
        return cls(
            side,
            again=_one(form, "again"),
            score=_one(form, "score"),
            helped=frozenset(_many(form, "helped")),
            missing=frozenset(_many(form, "missing")),
            comment=str(form.get("comment", "")),
            version=_one(form, "version"),
            errors=errors,
        )


def _answer_of(form: Form) -> EvaluationAnswer:
    """The form as the answer's shape; each wrong field refused by name."""
    again = _one(form, "again")
    version = _one(form, "version")
    return shaped(
        EvaluationAnswer,
        again={YES: True, NO: False}.get(again),
        score=_one(form, "score") or None,
        helped=_many(form, "helped"),
        missing=_many(form, "missing"),
        comment=str(form.get("comment", "")),
        version=int(version) if version.isdigit() else None,
    )


def _side_of(form: Form) -> EvaluationSide:
    try:
        return EvaluationSide(_one(form, "side"))
    except ValueError:
        raise InvalidInput("side", "choose staff or receiving", code="not_a_choice") from None


def _page(
    view: EvaluationsView,
    actor: Actor,
    *,
    sent: SideForm | None = None,
    saved: bool = False,
    status_code: int = 200,
) -> Template:
    written = {row.side: row for row in view.evaluations}
    forms = [
        sent if sent is not None and sent.side is side else SideForm.of(side, written.get(side))
        for side in EvaluationSide
        if side in view.writable
    ]
    return Template(
        "evaluation/page.html",
        context={
            "actor": actor,
            "view": view,
            "deployment": view.deployment,
            "forms": forms,
            "read_only": [row for row in view.evaluations if row.side not in view.writable],
            "helped": list(Helped),
            "missing": list(Missing),
            "saved": saved,
        },
        status_code=status_code,
    )


@get("/deployment/{deployment_id:int}/evaluation", sync_to_thread=True)
def evaluation_page(
    db_session: DB, request: AnyRequest, deployment_id: FromPath[Id], saved: FromQuery[bool] = False
) -> Template:
    """The evaluation of a deployment in your reach: your side's form, the sides you read."""
    actor = current_actor(request)
    return _page(evaluations_of(db_session, actor, deployment_id), actor, saved=saved)


@post("/deployment/{deployment_id:int}/evaluation", sync_to_thread=True, status_code=303)
def save_evaluation(
    db_session: DB, request: AnyRequest, deployment_id: FromPath[Id], data: URLEncodedBody[Form]
) -> Template | Redirect:
    """Save your side; a refused field is told next to it, nothing is kept."""
    actor = current_actor(request)
    language = language_of(request)
    evaluations_of(db_session, actor, deployment_id)  # out of reach: 404 before any value
    side = EvaluationSide.STAFF
    try:
        side = _side_of(data)
        write_evaluation(db_session, actor, deployment_id, side, _answer_of(data))
    except InvalidInput as error:
        errors, status = sentences(language, error), 422
    except Conflict as error:
        told = translate(language, STALE) if error.code == "stale_version" else None
        errors, status = {"version": told or sentence(language, error)}, 409
    else:
        return Redirect(f"/deployment/{deployment_id}/evaluation?saved=true", status_code=303)
    db_session.rollback()
    view = evaluations_of(db_session, actor, deployment_id)
    return _page(view, actor, sent=SideForm.sent(side, data, errors), status_code=status)


@get("/evaluations/awaited", sync_to_thread=True)
def awaited_part(db_session: DB, request: AnyRequest) -> Template:
    """The front page's prompt: the ended deployments the caller has yet to evaluate (an empty
    answer when none)."""
    return Template(
        "evaluation/awaited.html",
        context={"awaited": awaited_evaluations(db_session, current_actor(request))},
    )


ROUTES = [evaluation_page, save_evaluation, awaited_part]
