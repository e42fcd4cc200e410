"""The authorization matrix (`tests/api/matrix_cases.py`) run against the app: every endpoint,
as every user of the world and as nobody, on SQLite and PostgreSQL.

One test per user runs the whole matrix in the table's order on a fresh copy of the world,
and lists every cell that differs: the status, an empty or non-empty page, the risk-group
flag where it must not be (or missing where HR must see it; a page's form fields named
after it are no flag, unless ticked), a password hash anywhere, and
a 404 about an existing object that reads differently from the 404 about a missing one.
Cells marked as known bugs make the user's test an expected failure while they all still
differ (and nothing else does), and a failure once one of them is right.
Another test fails when the app has a route the matrix does not cover.
"""

from __future__ import annotations

import datetime as dt
import itertools
import re
from collections import defaultdict
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from httpx import Response
from litestar import Litestar
from litestar.routes import HTTPRoute
from sqlalchemy import Select, select
from sqlalchemy.orm import Session

from api.app import create_app
from jobbank import sessions
from jobbank.core.settings import Settings
from jobbank.db.models import (
    Assignment,
    Audience,
    AuthKind,
    ChangeSet,
    ChangeSetStatus,
    Checklist,
    ChecklistItem,
    ChecklistTemplate,
    ChecklistTemplateItem,
    Deployment,
    EventKind,
    Need,
    Person,
    PlanEvent,
    SolveJob,
    SolveStatus,
    UserAccount,
    VolunteerProfile,
)
from solver.contract import Assignment as Planned
from solver.contract import RepairResult
from tests.api.conftest import Client
from tests.api.matrix_cases import BODIES, CASES, COLUMNS, Case, Expect, Form, Id
from tests.api.published_round import THIS_MONDAY, factory, first_round, propose

WorldIds = dict[str, int | str]
"""The ids (and the caller's username) that fill the matrix's `{name}`s and `Id(name)`s."""

MISSING = 999_999
"""An id no row of the world has."""

UNTESTED_PATHS = re.compile(r"^/(health|schema)")
"""Routes with nothing to authorize: liveness and the OpenAPI documents (`/schema/…`)."""


# --- the world's ids ---------------------------------------------------------------------


def build_world(app: Litestar) -> WorldIds:
    """Publish the round of `published_round`, give it a finished solve job, propose another
    and give every user an API token; return the ids the matrix speaks of."""
    published = first_round(app)
    proposal = propose(app, Planned(staff="e1", need="n1", week=0, hours=12))
    with factory(app)() as session, session.begin():
        session.add(
            SolveJob(
                round_id=published.round_id,
                status=SolveStatus.DONE,
                progress=[{"objective": 12.0, "bound": 12.0, "elapsed": 0.1}],
                message="done",
                finished_at=dt.datetime.now(dt.UTC),
            )
        )
        users = session.scalars(select(UserAccount)).all()
        tokens = {
            user.username: sessions.open_session(session, user, kind=AuthKind.TOKEN).row.id
            for user in users
        }
        anne = _one(session, Person, employee_no="e1")
        carla = _one(session, Person, employee_no="e3")
        n1, n2 = _one(session, Need, ref="n1"), _one(session, Need, ref="n2")
        carla_profile = _one(session, VolunteerProfile, person_id=carla.id)
        template = _first(session, select(ChecklistTemplate.id).order_by(ChecklistTemplate.id))
        ids: WorldIds = {
            "area": published.social_area,
            "area2": anne.home_unit.area_id,
            "sol": published.solgaarden,
            "bs": published.borgerservice,
            "hp": published.hjemmeplejen,
            "nurse": n1.skill_id,
            "p_anne": anne.id,
            "p_carla": carla.id,
            "u_anne": _one(session, UserAccount, username="anne").id,
            "v_anne": _one(session, VolunteerProfile, person_id=anne.id).id,
            "v_bo": _one(session, VolunteerProfile, person_id=published.bo).id,
            "v_carla": carla_profile.id,
            "ver_carla": carla_profile.version,
            "n_sol": n1.id,
            "n_hp": n2.id,
            "ver_n_hp": n2.version,
            "round": published.round_id,
            "a_anne": _assignment(session, published.round_id, anne.id),
            "proposal": proposal,
            "a_prop": _assignment(session, proposal, anne.id),
            "cl_anne": _checklist(session, anne.id),
            "cl_bo": _checklist(session, published.bo),
            "dep_anne": _one(session, Deployment, person_id=anne.id).id,
            "dep_bo": _one(session, Deployment, person_id=published.bo).id,
            "i_emp": _item(session, anne.id, Audience.EMPLOYEE),
            "i_recv": _item(session, anne.id, Audience.RECEIVING_LEADER),
            "i_send": _item(session, anne.id, Audience.SENDING_LEADER),
            "i_staff": _item(session, anne.id, Audience.PERMANENT_STAFF),
            "i_bo": _item(session, published.bo, Audience.EMPLOYEE),
            "tpl": template,
            "tpl_item": _first(
                session,
                select(ChecklistTemplateItem.id).where(
                    ChecklistTemplateItem.template_id == template
                ),
            ),
        }
        ids |= _events(session, published.round_id, anne.id)
        ids |= {f"person:{user.username}": user.person_id or 0 for user in users}
        ids |= {f"token:{name}": token for name, token in tokens.items()}
    return ids


def _events(session: Session, round_id: int, anne: int) -> WorldIds:
    """An open absence of Anne's on the published round, and one a change set repaired for
    (`cs`, applied: applying it again changes nothing)."""
    repaired = ChangeSet(
        round_id=round_id,
        plan_revision=0,
        status=ChangeSetStatus.APPLIED,
        result=RepairResult(status="optimal").model_dump(mode="json"),
    )
    session.add(repaired)
    session.flush()
    found: WorldIds = {"cs": repaired.id, "monday": THIS_MONDAY.isoformat()}
    for name, change_set_id in (("ev_anne", None), ("ev_applied", repaired.id)):
        event = PlanEvent(
            round_id=round_id,
            kind=EventKind.ABSENCE,
            person_id=anne,
            first_day=THIS_MONDAY,
            last_day=THIS_MONDAY,
            reason="Influenza",
            change_set_id=change_set_id,
        )
        session.add(event)
        session.flush()
        found[name] = event.id
    return found


def as_seen_by(world: WorldIds, user: str) -> WorldIds:
    """The world's ids with the caller's own: their username, person and tokens. Nobody
    (`anon`) logs in as Carla and is given Anne's person."""
    username = "carla" if user == "anon" else user
    other = "bo" if username == "anne" else "anne"
    return world | {
        "username": username,
        "p_own": world[f"person:{'anne' if user == 'anon' else user}"],
        "tok_own": world[f"token:{username}"],
        "tok_other": world[f"token:{other}"],
    }


def _one(session: Session, model: type[Any], **where: object) -> Any:
    return session.scalars(select(model).filter_by(**where)).one()


def _first(session: Session, query: Select[tuple[int]]) -> int:
    found = session.scalars(query.limit(1)).first()
    assert found is not None, f"the world lacks {query}"
    return found


def _assignment(session: Session, round_id: int, person_id: int) -> int:
    query = select(Assignment.id).where(
        Assignment.round_id == round_id, Assignment.person_id == person_id
    )
    return _first(session, query.order_by(Assignment.week))


def _checklist(session: Session, person_id: int) -> int:
    return _first(session, select(Checklist.id).where(Checklist.person_id == person_id))


def _item(session: Session, person_id: int, audience: Audience) -> int:
    query = (
        select(ChecklistItem.id)
        .join(Checklist)
        .where(Checklist.person_id == person_id, ChecklistItem.audience == audience)
        .order_by(ChecklistItem.id)
    )
    return _first(session, query)


# --- sending a row and judging the answer --------------------------------------------------


def filled(value: Any, ids: WorldIds) -> Any:
    """A body with each `Id(name)` replaced by the world's value."""
    if isinstance(value, Id):
        return ids[value.name]
    if isinstance(value, dict):
        return {key: filled(item, ids) for key, item in value.items()}
    if isinstance(value, list):
        return [filled(item, ids) for item in value]
    return value


def send(client: Client, case: Case, ids: WorldIds) -> Response:
    """The row's request as this client, redirects not followed (a 303 is an answer here)."""
    url = case.path.format_map(ids)
    body = BODIES[case.body] if case.body else None
    if isinstance(body, Form):
        return client.request(
            case.method, url, data=filled(body.fields, ids), follow_redirects=False
        )
    return client.request(case.method, url, json=filled(body, ids), follow_redirects=False)


def judged(client: Client, case: Case, user: str, ids: WorldIds) -> list[str]:
    """Send the row as `user`; what differs from its cell. A 404 for a row that names objects
    must read the same as the 404 for objects that do not exist, or it tells them apart."""
    response = send(client, case, ids)
    found = mismatches(case.expect[user], user, response)
    if response.status_code == 404 and ("{" in case.path or case.body):
        missing: WorldIds = {name: MISSING for name, value in ids.items() if isinstance(value, int)}
        ghost = send(client, case, ids | missing)
        if _shape(ghost) != _shape(response):
            found.append(f"LEAK: 404 {response.text[:80]} but for missing ids {ghost.text[:80]}")
    return [f"{user:9} {case}: {problem}" for problem in found]


def _shape(response: Response) -> tuple[int, str]:
    """An answer with its numbers blotted out, so answers about different ids compare."""
    return response.status_code, re.sub(r"\d+", "#", response.text)


def mismatches(expect: Expect, user: str, response: Response) -> list[str]:
    """How the answer differs from the cell: status, page, leaks of health data or hashes."""
    got, text, total = response.status_code, response.text, _page_total(response)
    found = []
    if got != expect.status:
        found.append(f"expected {expect}, got {got}: {text[:160]}")
    elif got == 200 and total is not None:
        if expect.empty and total:
            found.append(f"expected an empty page (E), got {total} items: {text[:160]}")
        if not expect.empty and not total:
            found.append("expected a page with items (200), got an empty one (E)")
    carries_health = _carries_health(response)
    if expect.health and 200 <= got < 300 and not carries_health:
        found.append("expected the risk-group flag (HR), it is missing")
    if carries_health and not (expect.health and user == "hr"):
        found.append(f"LEAK: risk_group in the answer: {text[:160]}")
    if "password_hash" in text or "$argon2" in text:
        found.append("LEAK: a password hash in the answer")
    return found


def _carries_health(response: Response) -> bool:
    """Whether the answer holds the risk-group flag: a `risk_group` anywhere, but on a page
    the names of form fields (the profile form's boxes to declare it), unless one is ticked."""
    text = response.text
    if response.headers.get("content-type", "").startswith("text/html"):
        boxes = re.findall(r"<input\b[^>]*risk_group[^>]*>", text)
        if any(re.search(r"\bchecked\b", box) for box in boxes):
            return True
        text = re.sub(r'\b(?:id|name|for|aria-describedby)="[^"]*"', "", text)
    return "risk_group" in text.lower()


def _page_total(response: Response) -> int | None:
    """A paginated list's `total`, or None for any other answer."""
    if not response.headers.get("content-type", "").startswith("application/json"):
        return None
    body = response.json()
    if isinstance(body, dict) and {"items", "total"} <= body.keys():
        return int(body["total"])
    return None


# --- the tests -----------------------------------------------------------------------------


@pytest.fixture
def world(app: Litestar) -> WorldIds:
    return build_world(app)


@pytest.mark.parametrize("user", COLUMNS)
def test_every_endpoint_answers_each_user_as_the_matrix_says(
    user: str,
    world: WorldIds,
    open_clients: Callable[[], Client],
    as_user: Callable[[str], Client],
) -> None:
    client = open_clients() if user == "anon" else as_user(user)
    run_matrix(client, user, as_seen_by(world, user), CASES)


def run_matrix(client: Client, user: str, ids: WorldIds, cases: list[Case]) -> None:
    """Send every case as `user`, in order, and fail with every cell that differs (an
    expected failure while only known bugs differ)."""
    found: list[str] = []
    known: list[str] = []
    fixed: list[str] = []
    for case in cases:
        differs = judged(client, case, user, ids)
        if not case.expect[user].known_bug:
            found += differs
        elif differs:
            known += differs
        else:
            fixed.append(f"{user:9} {case}: answers {case.expect[user]} now; drop its x")
    if found or fixed:
        problems = found + fixed
        pytest.fail(
            f"{len(problems)} cells differ from the matrix:\n" + "\n".join(problems),
            pytrace=False,
        )
    if known:
        pytest.xfail(f"{len(known)} known bugs (cells marked x):\n" + "\n".join(known))


# --- every route is in the matrix ------------------------------------------------------------


@pytest.fixture
def bare_app(tmp_path: Path) -> Litestar:
    """The app's routes, without a database behind them."""
    return create_app(Settings(data_dir=tmp_path, secret_key="matrix-" + "x" * 32))


def served_routes(app: Litestar) -> set[tuple[str, str]]:
    """Every (method, route path) the app serves, e.g. ("GET", "/api/needs/{need_id:int}"),
    but liveness and the OpenAPI documents."""
    return {
        (method, route.path)
        for route in app.routes
        if isinstance(route, HTTPRoute) and not UNTESTED_PATHS.match(route.path)
        for method in route.methods
        if method not in ("HEAD", "OPTIONS")
    }


def route_of(case: Case, routes: set[tuple[str, str]]) -> list[tuple[str, str]]:
    """The routes a row's request reaches (exactly one, for a well-made row)."""
    path = case.path.split("?")[0].format_map(defaultdict(lambda: "1"))
    return [
        (method, route)
        for method, route in routes
        if method == case.method and re.fullmatch(_pattern(route), path)
    ]


def _pattern(route: str) -> str:
    """`/api/needs/{need_id:int}` as a regular expression of the paths it serves."""
    kinds = {"int": r"\d+", "path": r".+"}
    parts = re.split(r"\{\w+:(\w+)\}", route)  # text, kind, text, kind, …, text
    return "".join(
        kinds.get(part, "[^/]+") if odd else re.escape(part)
        for odd, part in zip(itertools.cycle((False, True)), parts, strict=False)
    )


def test_the_matrix_covers_every_route(bare_app: Litestar) -> None:
    routes = served_routes(bare_app)
    reached = [(case, route_of(case, routes)) for case in CASES]
    stray = [str(case) for case, found in reached if len(found) != 1]
    assert not stray, f"rows that reach no route, or several: {stray}"
    missing = routes - {found[0] for _, found in reached}
    assert not missing, f"routes the matrix does not cover: {sorted(missing)}"
