"""The authorization matrix: every endpoint, as each user of the test world and as nobody.

Read a row as: this request, sent by the column's user, answers this status. The users are
those of `tests/api/world.py` (hr, leder_sol, leder_bs, leder_hp, anne, bo, carla) and `anon`,
a browser that has not logged in. The expectations come from the roles table of the design:
what is out of a user's reach answers 404 (never 403), and nobody logged in answers 401 (the
web pages send them to the log-in page instead: 303). A body is named by its key in
`BODIES`: JSON, or a `Form` for the pages.

The world also holds a published round (`tests/api/published_round.py`): Anne (borgerservice)
and Bo (borgerservice, risk group) are lent to Solgården, with their checklists; the round
has a finished solve job. So Frida (leder_sol) receives them, Erik (leder_bs) sends them,
and Gustav (leder_hp) and Carla have no part in it. A second round over the same weeks is
only proposed (Anne on n1): nobody but HR's round pages may show it.

`{name}` in a path is an id looked up at test time (`WorldIds` in the test module):
  area, area2        Social og Sundhed, Administration
  sol, bs, hp        the units Solgården, Borgerservice, Hjemmeplejen
  nurse              the skill
  p_anne, p_carla    people; p_own is the caller's own person (anon: Anne's)
  u_anne             Anne's log-in
  v_anne, v_bo, v_carla   volunteer profiles; ver_carla the version of Carla's
  n_sol, n_hp        needs n1 (Solgården) and n2 (Hjemmeplejen); ver_n_hp the version of n2
  round, a_anne      the published round, and one of Anne's assignments in it
  proposal, a_prop   the proposed round, and Anne's assignment in it
  ev_anne, ev_applied  an open absence of Anne's on the published round, and one a change
                     set repaired for already
  cs                 that change set, applied
  monday             this week's Monday (a date, not an id)
  cl_anne, cl_bo     their checklists
  dep_anne, dep_bo   their deployments (at Solgården, from Borgerservice): they began this
                     week (too late to decline) and their last week is next week
  i_emp, i_recv, i_send, i_staff   items of Anne's checklist for the employee, the receiving
                     leader, the sending leader and the permanent staff
  i_bo               an employee item of Bo's checklist
  tpl, tpl_item      the default checklist template and one of its items
  tok_own, tok_other the caller's API token and someone else's (anon: Carla's and Anne's)

Changes that whoever may act could really make are sent with a stale `version` (0): the
user who may act gets 409 and everybody else 404, whatever order the rows run in; a page's
form with a value the service refuses (an unknown skill, too many hours, a bad date) answers
422 to the user who may act and 404 to the rest. A solve is asked only of the published
round, which refuses it, so no solver runs. Cheap,
isolated changes (creating rows, ticking an item, approving Carla, pinning in the proposal)
are made for real. Rows run top to bottom
in each test, so a change that alters what a later row sees comes after it, and the
session ends last.

Codes:
  200   on a list: a page with at least one item
  E     200 with an empty page: the list shows this caller nothing
  200h  200 carrying the risk-group flag (HR's views of volunteers and the round's input);
        every other answer must not carry it, nor a password hash
  …x    a known bug: the design's answer, which the app does not give yet. The user's test
        is an expected failure (xfail, strict) while every such cell still differs and
        nothing else does; it fails once one of them is right, so the `x` goes with the fix.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import re
from typing import Any

from api.pages.volunteering import PLANNED_WEEKS
from tests.api.published_round import THIS_MONDAY
from tests.api.world import USERS
from tests.builders import PASSWORD

COLUMNS = (*USERS, "anon")
"""The matrix's columns: one per user of the world, then nobody."""


@dataclasses.dataclass(frozen=True)
class Id:
    """In a body: the id (or name) `name` of the test's world, filled in at test time."""

    name: str


@dataclasses.dataclass(frozen=True)
class Expect:
    """What one user gets: a status, and for 200 whether the page is empty and whether the
    answer carries the risk-group flag; `known_bug` when the app does not answer so yet."""

    status: int
    empty: bool = False
    health: bool = False
    known_bug: bool = False

    @classmethod
    def parse(cls, code: str) -> Expect:
        found = re.fullmatch(r"(\d{3}|E)(h?)(x?)", code)
        if found is None:
            raise ValueError(f"matrix: unknown code {code!r}")
        empty, known_bug = found[1] == "E", bool(found[3])
        status = 200 if empty else int(found[1])
        return cls(status, empty=empty, health=bool(found[2]), known_bug=known_bug)

    def __str__(self) -> str:
        code = "E" if self.empty else f"{self.status}{'h' if self.health else ''}"
        return code + ("x" if self.known_bug else "")


@dataclasses.dataclass(frozen=True)
class Case:
    """One row: a request and what each column's user gets."""

    method: str
    path: str
    body: str | None
    expect: dict[str, Expect]

    def __str__(self) -> str:
        return f"{self.method} {self.path}" + (f" [{self.body}]" if self.body else "")


MONDAY = THIS_MONDAY.isoformat()
STALE_VERSION = 99_999
"""A version no row has reached: within the bound of versions, so the change is refused as
stale (409) by the service rather than by the shape."""


@dataclasses.dataclass(frozen=True)
class Form:
    """A body sent as an HTML form (the pages), not as JSON."""

    fields: dict[str, Any]


NEED_FORM = {
    "skill": "nurse",
    "hours": "8",
    "shift": "day",
    "priority": "3",
    "first_week": MONDAY,
    "last_week": MONDAY,
    "description": "Matrix",
}
"""A need as the needs page's form sends it, but for the unit (and a version, for an edit)."""

BODIES: dict[str, dict[str, Any] | Form] = {
    "stale": {"version": STALE_VERSION},
    "no_change": {},
    "own_login": {"username": Id("username"), "password": PASSWORD},
    "wrong_login": {"username": Id("username"), "password": "not the password"},
    "token_spec": {"label": "a script", "expires_in_days": 7},
    "wrong_password_change": {"current_password": "not it", "new_password": "a long new password"},
    "new_area": {"name": "Matrix area"},
    "taken_area": {"name": "Social og Sundhed"},
    "new_unit": {"code": "matrix", "name": "Matrix unit", "area_id": Id("area")},
    "stale_leaders": {"version": STALE_VERSION, "person_ids": []},
    "stale_intro": {"version": STALE_VERSION, "intro_capacity": 2, "intro_hours": 4},
    "new_skill": {"code": "matrix", "label_da": "Matrix", "label_en": "Matrix"},
    "taken_skill": {"code": "cleaning"},
    "new_person": {"employee_no": "e99", "name": "Mads Matrix", "home_unit_id": Id("bs")},
    "new_user": {"username": "matrix", "password": "a long matrix password", "roles": ["staff"]},
    "stale_offer": {
        "normal_hours": 37,
        "skills": ["nurse"],
        "risk_group": True,
        "version": STALE_VERSION,
    },
    "stale_approval": {"decision": "approved", "version": STALE_VERSION},
    "carla_version": {"version": Id("ver_carla")},
    "approve_carla": {"decision": "approved", "version": Id("ver_carla")},
    "n_hp_version": {"version": Id("ver_n_hp")},
    "stale_load": {"home_load": 0, "weeks": [], "version": STALE_VERSION},
    "stale_days": {"away_days": ["mon", "tue"], "daily_hours": 7.5, "version": STALE_VERSION},
    "need_sol": {
        "unit_id": Id("sol"),
        "skill": "nurse",
        "hours": 8,
        "first_week": MONDAY,
        "last_week": MONDAY,
        "description": "Matrix",
    },
    "need_hp": {
        "unit_id": Id("hp"),
        "skill": "cleaning",
        "hours": 8,
        "first_week": MONDAY,
        "last_week": MONDAY,
        "description": "Matrix",
    },
    "new_round": {"start": (THIS_MONDAY + dt.timedelta(weeks=8)).isoformat(), "weeks": 1},
    "quick_solve": {"time_limit": 1, "workers": 1},
    "rotation": {"purpose": "rotation", "coverage_trade": 0.005},
    "pin": {"person_id": Id("p_anne"), "need_id": Id("n_sol"), "week": MONDAY, "hours": 4},
    "new_template": {"name": "Matrix", "area_id": Id("area")},
    "absence_anne": {"person_id": Id("p_anne"), "first_day": MONDAY, "last_day": MONDAY},
    "absence_back": {
        "person_id": Id("p_anne"),
        "first_day": (THIS_MONDAY + dt.timedelta(days=2)).isoformat(),
        "last_day": MONDAY,
    },
    "recall_anne": {
        "person_id": Id("p_anne"),
        "first_day": MONDAY,
        "last_day": MONDAY,
        "hours": 4,
    },
    "change_n_sol": {"need_id": Id("n_sol"), "first_day": MONDAY, "hours": 10},
    "urgent_sol": {"unit_id": Id("sol"), "skill": "nurse", "hours": 8},
    "withdraw_anne": {"person_id": Id("p_anne"), "first_day": MONDAY},
    "evaluation": {"again": True, "score": 4, "helped": ["introduction"]},
    "evaluation_form": Form({"side": "staff", "again": "yes", "score": "4"}),
    "receiving_evaluation_form": Form({"side": "receiving", "again": "yes", "score": "4"}),
    "decline": {"answer": "declined", "reason": "timing", "note": "Matrix"},
    "confirm": {"answer": "confirmed"},
    "decline_form": Form({"answer": "declined", "reason": "timing", "note": "Matrix"}),
    "confirm_form": Form({"answer": "confirmed"}),
    "repair_none": {"max_moves": 0},
    "direct_anne": {"person_id": Id("p_anne"), "need_id": Id("n_sol"), "week": MONDAY, "hours": 4},
    "repair_form": Form({"moves": "none"}),
    "assign_anne_form": Form(
        {"person_id": Id("p_anne"), "need_id": Id("n_sol"), "week": MONDAY, "hours": "4"}
    ),
    "absence_form": Form({"person_id": Id("p_anne"), "first_day": MONDAY, "last_day": MONDAY}),
    "own_login_form": Form({"username": Id("username"), "password": PASSWORD}),
    "bad_login_form": Form({"username": Id("username"), "password": "not the password"}),
    "language_form": Form({"language": "en"}),
    "seen_form": Form({"through": 1}),
    "seen": {"through": 1},
    "stale_tick": Form({"done": True, "version": STALE_VERSION}),
    "new_tpl_item": {
        "audience": "employee",
        "title_da": "Matrix",
        "title_en": "Matrix",
        "due_day": 0,
    },
    "stale_form": Form({"version": STALE_VERSION}),
    "pulse": {"meaningful": 4, "pressed": 2, "comment": "Matrix"},
    "pulse_form": Form({"week": MONDAY, "meaningful": "9", "pressed": "2"}),
    "stale_hours": {"hours": 4, "version": STALE_VERSION},
    "stale_hours_form": Form({"hours": "4", "version": STALE_VERSION}),
    "bad_sol_need": Form(NEED_FORM | {"unit_id": Id("sol"), "skill": "no-such-skill"}),
    "bad_hp_need": Form(NEED_FORM | {"unit_id": Id("hp"), "skill": "no-such-skill"}),
    "unparsed_need": Form({"unit_id": Id("sol"), "hours": "many"}),
    "stale_need": Form(NEED_FORM | {"unit_id": Id("sol"), "version": STALE_VERSION}),
    "stale_decision": Form({"decision": "approved", "version": STALE_VERSION}),
    "stale_load_form": Form(
        {"home_load": "0", "version": STALE_VERSION}
        | {f"week-{THIS_MONDAY + dt.timedelta(weeks=i)}": "0" for i in range(PLANNED_WEEKS)}
    ),
    "stale_days_form": Form(
        {"away_days": ["mon", "tue"], "daily_hours": "7,5", "version": STALE_VERSION}
    ),
    "bad_profile": Form({"opted_in": "on", "normal_hours": "999"}),
    "bad_round": Form({"name": "Matrix", "start": "not a date", "weeks": "1"}),
    "solve_form": Form({"time_limit": "1"}),
    "purpose_form": Form({"purpose": "rotation", "coverage_trade": "0,5"}),
    "back_form": Form({"back": "view=person"}),
    "bad_skill": Form({"code": "Not A Code", "label_da": "Matrix", "label_en": "Matrix"}),
    "bad_person_form": Form({"employee_no": "e99", "name": "Matrix", "home_unit_id": ""}),
    "bad_user_form": Form({"employee_no": "e99", "username": "matrix", "password": "short"}),
    "bad_unit_form": Form({"code": "Not A Code", "name": "Matrix", "area_id": Id("area")}),
    "bad_template_form": Form({"name": "Matrix"}),
    "thread_message": {"body": "Matrix"},
    "thread_form": Form({"body": "Matrix"}),
    "empty_thread_form": Form({"body": ""}),
    "stale_tpl_item_form": Form(
        {"audience": "employee", "title_da": "M", "title_en": "M", "due_day": "0"}
        | {"anchor": "start", "version": STALE_VERSION}
    ),
}

MATRIX = """
# method path                                          body              hr  sol   bs   hp anne   bo carla anon
# --- who you are; log-in and tokens -------------------------------------------------------------------------
GET    /api/me                                         -                200  200  200  200  200  200  200  401
POST   /api/me/password                                wrong_password_change 422 422 422 422 422 422 422 401
GET    /api/auth/tokens                                -                200  200  200  200  200  200  200  401
POST   /api/auth/login                                 wrong_login      401  401  401  401  401  401  401  401
POST   /api/auth/token                                 own_login        201  201  201  201  201  201  201  201
POST   /api/auth/tokens                                token_spec       201  201  201  201  201  201  201  401
DELETE /api/auth/tokens/{tok_other}                    -                404  404  404  404  404  404  404  401
DELETE /api/auth/tokens/{tok_own}                      -                204  204  204  204  204  204  204  401
# --- organisation: everyone reads, HR manages ---------------------------------------------------------------
GET    /api/areas                                      -                200  200  200  200  200  200  200  401
GET    /api/areas/{area}                               -                200  200  200  200  200  200  200  401
POST   /api/areas                                      new_area         201  404  404  404  404  404  404  401
PATCH  /api/areas/{area2}                              taken_area       409  404  404  404  404  404  404  401
DELETE /api/areas/{area}                               -                409  404  404  404  404  404  404  401
GET    /api/units                                      -                200  200  200  200  200  200  200  401
GET    /api/units/{sol}                                -                200  200  200  200  200  200  200  401
POST   /api/units                                      new_unit         201  404  404  404  404  404  404  401
PATCH  /api/units/{sol}                                stale            409  404  404  404  404  404  404  401
PUT    /api/units/{sol}/leaders                        stale_leaders    409  404  404  404  404  404  404  401
PUT    /api/units/{sol}/introductions                  stale_intro      409  409  404  404  404  404  404  401
PUT    /api/units/{hp}/introductions                   stale_intro      409  404  404  409  404  404  404  401
DELETE /api/units/{sol}                                -                409  404  404  404  404  404  404  401
GET    /api/skills                                     -                200  200  200  200  200  200  200  401
GET    /api/skills/{nurse}                             -                200  200  200  200  200  200  200  401
POST   /api/skills                                     new_skill        201  404  404  404  404  404  404  401
PATCH  /api/skills/{nurse}                             taken_skill      409  404  404  404  404  404  404  401
DELETE /api/skills/{nurse}                             -                409  404  404  404  404  404  404  401
# --- people: HR all, leaders those of their home units, anyone themselves -----------------------------------
GET    /api/people                                     -                200  200  200  200  404  404  404  401
GET    /api/people?unit_id={hp}                        -                200    E    E  200  404  404  404  401
GET    /api/people/{p_own}                             -                200  200  200  200  200  200  200  401
GET    /api/people/{p_anne}                            -                200  200  200  404  200  404  404  401
GET    /api/people/{p_carla}                           -                200  404  404  200  404  404  200  401
GET    /api/people/{p_own}/personal-data               -                200  200  200  200  200  200  200  401
GET    /api/people/{p_anne}/personal-data              -                200  404  404  404  200  404  404  401
GET    /api/me/personal-data                           -                200  200  200  200  200  200  200  401
POST   /api/people                                     new_person       201  404  404  404  404  404  404  401
PATCH  /api/people/{p_anne}                            stale            409  404  404  404  404  404  404  401
GET    /api/users                                      -                200  404  404  404  404  404  404  401
GET    /api/users/{u_anne}                             -                200  404  404  404  404  404  404  401
POST   /api/users                                      new_user         201  404  404  404  404  404  404  401
PATCH  /api/users/{u_anne}                             stale            409  404  404  404  404  404  404  401
# --- volunteers: staff their own, home-unit leaders theirs, HR all with the risk group ----------------------
GET    /api/me/volunteer                               -                404  404  404  404  200  200  200  401
PUT    /api/me/volunteer                               stale_offer      404  404  200  404  409  409  409  401
GET    /api/volunteers                                 -               200h    E  200  200  404  404  404  401
GET    /api/volunteers?unit_id={hp}                    -               200h    E    E  200  404  404  404  401
GET    /api/volunteers/{v_anne}                        -               200h  404  200  404  404  404  404  401
GET    /api/volunteers/{v_bo}                          -               200h  404  200  404  404  404  404  401
GET    /api/volunteers/{v_carla}                       -               200h  404  404  200  404  404  404  401
POST   /api/volunteers/{v_anne}/approval               stale_approval   409  404  409  404  404  404  404  401
POST   /api/volunteers/{v_carla}/approval              stale_approval   409  404  404  409  404  404  404  401
PUT    /api/volunteers/{v_bo}/home-load                stale_load       409  404  409  404  404  404  404  401
PUT    /api/volunteers/{v_carla}/home-load             stale_load       409  404  404  409  404  404  404  401
PUT    /api/volunteers/{v_bo}/days                     stale_days       409  404  409  404  404  404  404  401
PUT    /api/volunteers/{v_carla}/days                  stale_days       409  404  404  409  404  404  404  401
PATCH  /api/volunteers/{v_bo}                          stale_days       409  404  404  404  404  404  404  401
PATCH  /api/volunteers/{v_carla}                       carla_version   200h  404  404  404  404  404  404  401
POST   /api/volunteers/{v_carla}/approval              approve_carla   200h  404  404  200  404  404  404  401
# --- needs: leaders those of the units they lead, HR all ----------------------------------------------------
GET    /api/needs                                      -                200  200    E  200  404  404  404  401
GET    /api/needs?unit_id={hp}                         -                200    E    E  200  404  404  404  401
GET    /api/needs/{n_sol}                              -                200  200  404  404  404  404  404  401
GET    /api/needs/{n_hp}                               -                200  404  404  200  404  404  404  401
POST   /api/needs                                      need_sol         201  201  404  404  404  404  404  401
POST   /api/needs                                      need_hp          201  404  404  201  404  404  404  401
PATCH  /api/needs/{n_sol}                              stale            409  409  404  404  404  404  404  401
PATCH  /api/needs/{n_hp}                               stale            409  404  404  409  404  404  404  401
POST   /api/needs/{n_sol}/close                        stale            409  409  404  404  404  404  404  401
POST   /api/needs/{n_hp}/close                         stale            409  404  404  409  404  404  404  401
POST   /api/needs/{n_sol}/reopen                       stale            409  409  404  404  404  404  404  401
POST   /api/needs/{n_hp}/reopen                        stale            409  404  404  409  404  404  404  401
PATCH  /api/needs/{n_hp}                               n_hp_version     200  404  404  200  404  404  404  401
# --- rounds: HR only; the published round refuses changes (409), the proposal takes a pin -------------------
GET    /api/rounds                                     -                200  404  404  404  404  404  404  401
POST   /api/rounds                                     new_round        201  404  404  404  404  404  404  401
GET    /api/rounds/{round}                             -                200  404  404  404  404  404  404  401
POST   /api/rounds/{round}/solve                       quick_solve      409  404  404  404  404  404  404  401
PUT    /api/rounds/{round}/purpose                     rotation         409  404  404  404  404  404  404  401
PUT    /api/rounds/{proposal}/purpose                  rotation         409  404  404  404  404  404  404  401
POST   /api/rounds/{round}/solve/cancel                -                409  404  404  404  404  404  404  401
GET    /api/rounds/{round}/progress                    -                200  404  404  404  404  404  404  401
GET    /api/rounds/{round}/proposal                    -                200  404  404  404  404  404  404  401
POST   /api/rounds/{round}/pins                        pin              409  404  404  404  404  404  404  401
DELETE /api/rounds/{round}/pins/{a_anne}               -                409  404  404  404  404  404  404  401
POST   /api/rounds/{round}/publish                     -                200  404  404  404  404  404  404  401
GET    /api/rounds/{round}/input                       -               200h  404  404  404  404  404  404  401
GET    /api/rounds/{round}/result                      -                200  404  404  404  404  404  404  401
GET    /api/rounds/{round}/export/persons.csv          -                200  404  404  404  404  404  404  401
GET    /api/rounds/{round}/export/unfilled.xlsx        -                200  404  404  404  404  404  404  401
GET    /api/rounds/{round}/export/days.csv             -                200  404  404  404  404  404  404  401
GET    /api/rounds/{round}/export/people.csv           -                404  404  404  404  404  404  404  401
GET    /api/rounds/{proposal}/proposal                 -                200  404  404  404  404  404  404  401
POST   /api/rounds/{proposal}/solve/cancel             -                409  404  404  404  404  404  404  401
POST   /api/rounds/{proposal}/pins                     pin              201  404  404  404  404  404  404  401
DELETE /api/rounds/{proposal}/pins/{a_prop}            -                204  404  404  404  404  404  404  401
# --- events on the published plan: the person, their home leader or HR; a need's receiving leader or HR -----
POST   /api/rounds/{round}/events/absences             absence_anne     201  404  201  404  201  404  404  401
POST   /api/rounds/{round}/events/absences             absence_back     422  404  422  404  422  404  404  401
POST   /api/rounds/{round}/events/home-recalls         recall_anne      201  404  201  404  404  404  404  401
POST   /api/rounds/{round}/events/need-changes         change_n_sol     201  201  404  404  404  404  404  401
POST   /api/rounds/{round}/events/urgent-needs         urgent_sol       201  201  404  404  404  404  404  401
POST   /api/rounds/{round}/events/withdrawals          withdraw_anne    201  404  404  404  201  404  404  401
GET    /api/rounds/{round}/events                      -                200  200  200    E  200    E    E  401
GET    /api/rounds/{proposal}/events                   -                  E  404  404  404  404  404  404  401
POST   /api/rounds/{proposal}/events/absences          absence_anne     409  404  404  404  404  404  404  401
DELETE /api/rounds/{round}/events/{ev_applied}         -                409  404  409  404  409  404  404  401
DELETE /api/rounds/{round}/events/{ev_anne}            -                204  404  204  404  204  404  404  401
GET    /plan-changes                                   -                200  200  200  200  200  200  200  303
POST   /plan-changes/{round}/absences                  absence_form     303  404  303  404  303  404  404  303
POST   /plan-changes/{round}/events/{ev_applied}/cancel  -              409  404  409  404  409  404  404  303
# --- repairing the published plan: HR alone; the world's change set is applied already (again: 200) -------
POST   /api/rounds/{round}/change-sets                 repair_none      201  404  404  404  404  404  404  401
POST   /api/rounds/{proposal}/change-sets              repair_none      409  404  404  404  404  404  404  401
GET    /api/rounds/{round}/change-sets                 -                200  404  404  404  404  404  404  401
GET    /api/rounds/{round}/change-sets/{cs}            -                200  404  404  404  404  404  404  401
POST   /api/rounds/{round}/change-sets/{cs}/apply      -                200  404  404  404  404  404  404  401
GET    /api/rounds/{round}/shortlist?need_id={n_sol}&week={monday} -   200  404  404  404  404  404  404  401
POST   /api/rounds/{round}/direct-assignments          direct_anne      422  404  404  404  404  404  404  401
POST   /rounds/{round}/change-sets                     repair_form      303  404  404  404  404  404  404  303
GET    /rounds/{round}/change-sets/{cs}                -                200  404  404  404  404  404  404  303
POST   /rounds/{round}/change-sets/{cs}/apply          -                303  404  404  404  404  404  404  303
GET    /rounds/{round}/shortlist?need_id={n_sol}&week={monday} -       200  404  404  404  404  404  404  303
POST   /rounds/{round}/shortlist                       assign_anne_form 422  404  404  404  404  404  404  303
# --- assignments of published rounds: own, incoming and lent-out, HR all ------------------------------------
GET    /api/assignments                                -                200  200  200    E  200  200    E  401
GET    /api/assignments?person_id={p_anne}             -                200  200  200    E  200    E    E  401
GET    /api/assignments?unit_id={sol}                  -                200  200  200    E  200  200    E  401
GET    /api/me/assignments                             -                  E    E    E    E  200  200    E  401
GET    /api/assignments?round_id={proposal}            -                  E    E    E    E    E    E    E  401
GET    /api/me/assignments?round_id={proposal}         -                  E    E    E    E    E    E    E  401
GET    /api/assignments/{a_anne}.ics                   -                200  200  200  404  200  404  404  401
GET    /api/assignments/{a_prop}.ics                   -                404  404  404  404  404  404  404  401
# --- deployments: the person answers (declining comes too late: it began), both leaders and HR read -------
GET    /api/deployments                                -                200  200  200    E  200  200    E  401
GET    /api/deployments/unconfirmed                    -                200  404  404  404  404  404  404  401
GET    /api/deployments/{dep_anne}                       -                200  200  200  404  200  404  404  401
GET    /api/deployments/{dep_anne}/why                   -                200  200  200  404  200  404  404  401
GET    /deployment/{dep_anne}                            -                200  200  200  404  200  404  404  303
GET    /deployment/{dep_anne}/why                        -                200  200  200  404  200  404  404  303
POST   /api/deployments/{dep_anne}/answer                decline          404  404  404  404  409  404  404  401
POST   /deployment/{dep_anne}/answer                     decline_form     404  404  404  404  409  404  404  303
POST   /api/deployments/{dep_anne}/answer                confirm          404  404  404  404  200  404  404  401
POST   /deployment/{dep_anne}/answer                     confirm_form     404  404  404  404  303  404  404  303
# --- calendar feed: everyone's own address, made (shown once) and revoked; the feed itself needs no log-in --
GET    /api/me/calendar-feed                           -                200  200  200  200  200  200  200  401
POST   /api/me/calendar-feed                           -                201  201  201  201  201  201  201  401
DELETE /api/me/calendar-feed                           -                204  204  204  204  204  204  204  401
GET    /calendar/no-such-token.ics                     -                404  404  404  404  404  404  404  404
# --- checklists: each audience its own items ----------------------------------------------------------------
GET    /api/checklists                                 -                200  200  200    E  200  200    E  401
GET    /api/checklists/overdue                         -                200  200  200    E  200  200    E  401
GET    /api/checklists/{cl_anne}                       -                200  200  200  404  200  404  404  401
GET    /api/checklists/{cl_bo}                         -                200  200  200  404  404  200  404  401
GET    /api/checklists?round_id={proposal}             -                  E    E    E    E    E    E    E  401
POST   /api/checklists/items/{i_emp}/done              stale            409  404  404  404  409  404  404  401
POST   /api/checklists/items/{i_recv}/done             stale            409  409  404  404  404  404  404  401
POST   /api/checklists/items/{i_send}/done             stale            409  404  409  404  404  404  404  401
POST   /api/checklists/items/{i_staff}/done            stale            409  409  404  404  404  404  404  401
POST   /api/checklists/items/{i_bo}/done               stale            409  404  404  404  404  409  404  401
DELETE /api/checklists/items/{i_emp}/done?version=99   -                409  404  404  404  409  404  404  401
DELETE /api/checklists/items/{i_recv}/done?version=99  -                409  409  404  404  404  404  404  401
DELETE /api/checklists/items/{i_send}/done?version=99  -                409  404  409  404  404  404  404  401
DELETE /api/checklists/items/{i_staff}/done?version=99 -                409  409  404  404  404  404  404  401
DELETE /api/checklists/items/{i_bo}/done?version=99    -                409  404  404  404  404  409  404  401
POST   /api/checklists/items/{i_emp}/done              -                200  404  404  404  200  404  404  401
POST   /api/checklists/items/{i_recv}/done             -                200  200  404  404  404  404  404  401
POST   /api/checklists/items/{i_send}/done             -                200  404  200  404  404  404  404  401
DELETE /api/checklists/items/{i_emp}/done              -                200  404  404  404  200  404  404  401
# --- checklist templates and the audit log: HR only ---------------------------------------------------------
GET    /api/checklist-templates                        -                200  404  404  404  404  404  404  401
POST   /api/checklist-templates                        new_template     201  404  404  404  404  404  404  401
GET    /api/checklist-templates/{tpl}                  -                200  404  404  404  404  404  404  401
PATCH  /api/checklist-templates/{tpl}                  stale            409  404  404  404  404  404  404  401
DELETE /api/checklist-templates/{tpl}                  -                409  404  404  404  404  404  404  401
POST   /api/checklist-templates/{tpl}/items            new_tpl_item     201  404  404  404  404  404  404  401
PATCH  /api/checklist-templates/{tpl}/items/{tpl_item} no_change        200  404  404  404  404  404  404  401
# HR's template pages for one item, before the item is deleted below; a stale page's version is 409
GET    /admin/checklists/{tpl}/items/{tpl_item}        -                200  404  404  404  404  404  404  303
POST   /admin/checklists/{tpl}/items/{tpl_item}        stale_tpl_item_form 409 404 404 404  404  404  404  303
POST   /admin/checklists/{tpl}/items/{tpl_item}/move   stale_form       409  404  404  404  404  404  404  303
POST   /admin/checklists/{tpl}/items/{tpl_item}/delete stale_form       409  404  404  404  404  404  404  303
DELETE /api/checklist-templates/{tpl}/items/{tpl_item} -                204  404  404  404  404  404  404  401
GET    /api/audit                                      -                200  404  404  404  404  404  404  401
# --- web pages: a log-in page for nobody, the home page and its ticks for everyone else ---------------------
GET    /                                               -                200  200  200  200  200  200  200  303
GET    /login                                          -                303  303  303  303  303  303  303  200
POST   /login                                          bad_login_form   400  400  400  400  400  400  400  400
POST   /language                                       language_form    303  303  303  303  303  303  303  303
POST   /changes/seen                                   seen_form        303  303  303  303  303  303  303  303
GET    /static/htmx.min.js                             -                200  200  200  200  200  200  200  200
POST   /checklist-items/{i_emp}                        stale_tick       409  404  404  404  409  404  404  303
POST   /checklist-items/{i_recv}                       stale_tick       409  409  404  404  404  404  404  303
POST   /checklist-items/{i_send}                       stale_tick       409  404  409  404  404  404  404  303
POST   /checklist-items/{i_staff}                      stale_tick       409  409  404  404  404  404  404  303
POST   /checklist-items/{i_bo}                         stale_tick       409  404  404  404  404  409  404  303
# --- HR's pages: dashboard and rounds; the published round refuses changes, the proposal takes a pin ------
GET    /dashboard                                      -                200  404  404  404  404  404  404  303
GET    /rounds                                         -                200  404  404  404  404  404  404  303
POST   /rounds                                         bad_round        422  404  404  404  404  404  404  303
GET    /rounds/{round}                                 -                200  404  404  404  404  404  404  303
GET    /rounds/{proposal}                              -                200  404  404  404  404  404  404  303
POST   /rounds/{round}/solve                           solve_form       409  404  404  404  404  404  404  303
POST   /rounds/{round}/purpose                         purpose_form     409  404  404  404  404  404  404  303
POST   /rounds/{proposal}/purpose                      purpose_form     409  404  404  404  404  404  404  303
POST   /rounds/{proposal}/cancel                       -                409  404  404  404  404  404  404  303
POST   /rounds/{round}/assignments/{a_anne}/pin        back_form        409  404  404  404  404  404  404  303
POST   /rounds/{round}/assignments/{a_anne}/unpin      back_form        409  404  404  404  404  404  404  303
POST   /rounds/{proposal}/assignments/{a_anne}/pin     back_form        404  404  404  404  404  404  404  303
POST   /rounds/{proposal}/assignments/{a_anne}/unpin   back_form        404  404  404  404  404  404  404  303
POST   /rounds/{proposal}/assignments/{a_prop}/pin     back_form        303  404  404  404  404  404  404  303
POST   /rounds/{proposal}/assignments/{a_prop}/unpin   back_form        303  404  404  404  404  404  404  303
GET    /rounds/{round}/publish                         -                200  404  404  404  404  404  404  303
POST   /rounds/{round}/publish                         -                303  404  404  404  404  404  404  303
# --- HR's admin pages: the audit log, the skills catalogue (nurse is in use: 409) and the units ------------
GET    /admin/audit                                    -                200  404  404  404  404  404  404  303
GET    /admin/skills                                   -                200  404  404  404  404  404  404  303
POST   /admin/skills                                   bad_skill        422  404  404  404  404  404  404  303
POST   /admin/skills/{nurse}/delete                    -                409  404  404  404  404  404  404  303
GET    /admin/units                                    -                200  404  404  404  404  404  404  303
# people, log-ins, units and checklist templates: a refused form is 422, a stale version 409
GET    /admin/people                                   -                200  404  404  404  404  404  404  303
GET    /admin/people?q=e1&unit_id={bs}&page=2          -                200  404  404  404  404  404  404  303
GET    /admin/people/new                               -                200  404  404  404  404  404  404  303
POST   /admin/people                                   bad_person_form  422  404  404  404  404  404  404  303
GET    /admin/people/{p_anne}                          -                200  404  404  404  404  404  404  303
POST   /admin/people/{p_anne}                          stale_form       409  404  404  404  404  404  404  303
POST   /admin/people/validate                          bad_person_form  200  404  404  404  404  404  404  303
POST   /admin/people/{p_anne}/validate                 bad_person_form  200  404  404  404  404  404  404  303
GET    /admin/users                                    -                200  404  404  404  404  404  404  303
GET    /admin/users/new                                -                200  404  404  404  404  404  404  303
POST   /admin/users                                    bad_user_form    422  404  404  404  404  404  404  303
GET    /admin/users/{u_anne}                           -                200  404  404  404  404  404  404  303
POST   /admin/users/{u_anne}/roles                     stale_form       409  404  404  404  404  404  404  303
POST   /admin/users/{u_anne}/active                    stale_form       409  404  404  404  404  404  404  303
GET    /admin/units/new                                -                200  404  404  404  404  404  404  303
POST   /admin/units                                    bad_unit_form    422  404  404  404  404  404  404  303
GET    /admin/units/{sol}                              -                200  404  404  404  404  404  404  303
POST   /admin/units/{sol}                              stale_form       409  404  404  404  404  404  404  303
POST   /admin/units/validate                           bad_unit_form    200  404  404  404  404  404  404  303
POST   /admin/units/{sol}/validate                     bad_unit_form    200  404  404  404  404  404  404  303
GET    /admin/checklists                               -                200  404  404  404  404  404  404  303
POST   /admin/checklists                               bad_template_form 422 404  404  404  404  404  404  303
GET    /admin/checklists/{tpl}                         -                200  404  404  404  404  404  404  303
POST   /admin/checklists/{tpl}                         stale_form       409  404  404  404  404  404  404  303
POST   /admin/checklists/{tpl}/delete                  -                409  404  404  404  404  404  404  303
POST   /admin/checklists/{tpl}/items                   stale_tpl_item_form 409 404 404 404  404  404  404  303
# --- leaders' pages: the needs and pages of the units they lead, their home units' volunteers (HR all) ---------
GET    /needs                                          -                404  200  200  200  404  404  404  303
GET    /deployments/incoming                           -                404  200  200  200  404  404  404  303
GET    /deployments/outgoing                           -                404  200  200  200  404  404  404  303
GET    /deployments/incoming/week                      -                404  200  200  200  404  404  404  303
GET    /deployments/outgoing/week                      -                404  200  200  200  404  404  404  303
GET    /needs/new                                      -                404  200  200  200  404  404  404  303
GET    /needs/{n_sol}/edit                             -                404  200  404  404  404  404  404  303
GET    /needs/{n_hp}/edit                              -                404  404  404  200  404  404  404  303
POST   /needs/validate                                 unparsed_need    404  200  404  404  404  404  404  303
POST   /needs/validate                                 bad_sol_need    404   200  404  404  404  404  404  303
POST   /needs                                          bad_sol_need     404  422  404  404  404  404  404  303
POST   /needs                                          bad_hp_need      404  404  404  422  404  404  404  303
POST   /needs/{n_sol}/validate                         stale_need       404  200  404  404  404  404  404  303
POST   /needs/{n_hp}/validate                          stale_need       404  404  404  200  404  404  404  303
POST   /needs/{n_sol}                                  stale_need       404  409  404  404  404  404  404  303
POST   /needs/{n_hp}                                   stale_need       404  404  404  409  404  404  404  303
POST   /needs/{n_sol}/close                            stale_form       404  409  404  404  404  404  404  303
POST   /needs/{n_hp}/close                             stale_form       404  404  404  409  404  404  404  303
POST   /needs/{n_sol}/reopen                           stale_form       404  409  404  404  404  404  404  303
POST   /needs/{n_hp}/reopen                            stale_form       404  404  404  409  404  404  404  303
GET    /units/{sol}                                    -                200  200  404  404  404  404  404  303
GET    /units/{hp}                                     -                200  404  404  200  404  404  404  303
POST   /units/{sol}/introductions                      stale_form       409  409  404  404  404  404  404  303
POST   /units/{hp}/introductions                       stale_form       409  404  404  409  404  404  404  303
GET    /volunteering/approvals                         -                200  200  200  200  404  404  404  303
POST   /volunteering/approvals/{v_anne}/decision       stale_decision   409  404  409  404  404  404  404  303
POST   /volunteering/approvals/{v_carla}/decision      stale_decision   409  404  404  409  404  404  404  303
POST   /volunteering/approvals/{v_bo}/home-load        stale_load_form  409  404  409  404  404  404  404  303
POST   /volunteering/approvals/{v_carla}/home-load     stale_load_form  409  404  404  409  404  404  404  303
POST   /volunteering/approvals/{v_bo}/days             stale_days_form  409  404  409  404  404  404  404  303
POST   /volunteering/approvals/{v_carla}/days          stale_days_form  409  404  404  409  404  404  404  303
# --- staff's page: their own volunteer profile --------------------------------------------------------------
# known bug (x): non-staff get an empty profile form (200) whose saving answers 404
GET    /volunteering/profile                           -               404  404   200 404   200  200  200  303
POST   /volunteering/profile                           bad_profile      404  404  422  404  422  422  422  303
# --- messages: everyone their own (this world has none yet), HR anyone's ---------------------------------
GET    /api/me/messages                                -                  E    E    E    E    E    E    E  401
GET    /api/me/changes                                 -                  E    E    E    E    E    E    E  401
POST   /api/me/changes/seen                            seen             200  200  200  200  200  200  200  401
GET    /api/messages                                   -                  E  404  404  404  404  404  404  401
GET    /api/messages?person_id={p_anne}                -                  E  404  404  404  404  404  404  401
GET    /messages                                       -                200  200  200  200  200  200  200  303
GET    /admin/messages                                 -                200  404  404  404  404  404  404  303
GET    /admin/messages?person={p_anne}                 -                200  404  404  404  404  404  404  303
# --- the calendar feed on the home page: a new address is shown on its own page, revoking goes home -------
POST   /calendar-feed                                  -                200  200  200  200  200  200  200  303
POST   /calendar-feed/revoke                           -                303  303  303  303  303  303  303  303
# --- imports (HR): without a file the API answers 400, the page asks for one (422) -----------------------
POST   /api/imports/staff                              -                400  404  404  404  404  404  404  401
POST   /api/imports/needs                              -                400  404  404  404  404  404  404  401
GET    /admin/imports                                  -                200  404  404  404  404  404  404  303
POST   /admin/imports                                  -                422  404  404  404  404  404  404  303
# --- worked hours: the person enters, the receiving leader (or HR) signs off, the home leader reads --------
GET    /api/deployments/{dep_anne}/worked-weeks        -                200  200  200  404  200  404  404  401
GET    /api/deployments/{dep_bo}/worked-weeks          -                200  200  200  404  404  200  404  401
PUT    /api/deployments/{dep_anne}/worked-weeks/{monday} stale_hours    409  409  404  404  409  404  404  401
POST   /api/deployments/{dep_anne}/worked-weeks/{monday}/confirm stale  409  409  404  404  404  404  404  401
GET    /deployment/{dep_anne}/hours                    -                200  200  200  404  200  404  404  303
POST   /deployment/{dep_anne}/hours/{monday}           stale_hours_form 409  409  404  404  409  404  404  303
POST   /deployment/{dep_anne}/hours/{monday}/confirm   stale_form       409  409  404  404  404  404  404  303
# --- the impact report: HR only, as JSON and as pages ---------------------------------------------------
GET    /api/rounds/{round}/report                      -                200  404  404  404  404  404  404  401
GET    /api/rounds/{proposal}/report                   -                200  404  404  404  404  404  404  401
GET    /api/reports/over-time                          -                200  404  404  404  404  404  404  401
GET    /api/reports/evaluations                        -                200  404  404  404  404  404  404  401
GET    /reports                                        -                200  404  404  404  404  404  404  303
GET    /reports/rounds/{round}                         -                200  404  404  404  404  404  404  303
# --- evaluations: the person writes the staff side, a receiving leader the receiving side, HR reads
# both, the home leader neither; Anne's deployment is not over yet, so its writers get 409
GET    /api/deployments/{dep_anne}/evaluations           -                200  200  200  404  200  404  404  401
PUT    /api/deployments/{dep_anne}/evaluations/staff     evaluation       404  404  404  404  409  404  404  401
PUT    /api/deployments/{dep_anne}/evaluations/receiving evaluation       404  409  404  404  404  404  404  401
GET    /deployment/{dep_anne}/evaluation                 -                200  200  200  404  200  404  404  303
POST   /deployment/{dep_anne}/evaluation                 evaluation_form  404  404  404  404  409  404  404  303
POST   /deployment/{dep_anne}/evaluation                 receiving_evaluation_form 404 409 404 404 404 404 404 303
GET    /evaluations/awaited                            -                200  200  200  200  200  200  200  303
# --- the weekly pulse: the lent person's own (a week not planned is 422); per unit for receiving leaders and HR
PUT    /api/deployments/{dep_anne}/pulse/2030-01-07    pulse            404  404  404  404  422  404  404  401
PUT    /api/deployments/{dep_anne}/pulse/{monday}      pulse            404  404  404  404  200  404  404  401
GET    /api/deployments/{dep_anne}/pulse               -                404  404  404  404  200  404  404  401
GET    /api/pulse/units                                -                200  200  404  404  404  404  404  401
GET    /api/pulse/flags                                -                200  200  404  404  404  404  404  401
GET    /deployment/{dep_anne}/pulse                    -                404  404  404  404  200  404  404  303
POST   /deployment/{dep_anne}/pulse                    pulse_form       404  404  404  404  422  404  404  303
GET    /pulse                                          -                200  200  404  404  404  404  404  303
# --- erasure (privacy): the page refuses an unticked confirmation; HR really erases Carla, once ------------
GET    /admin/people/{p_carla}/erase                   -                200  404  404  404  404  404  404  303
POST   /admin/people/{p_carla}/erase                   stale_form       422  404  404  404  404  404  404  303
POST   /api/people/{p_carla}/erase                     -                200  404  404  404  404  404  404  401
POST   /api/people/{p_carla}/erase                     -                409  404  404  404  404  404  404  401
# --- a deployment's thread: the person and the leaders of both units; nobody else, HR neither ------------
POST   /api/deployments/{dep_anne}/messages              thread_message   404  201  201  404  201  404  404  401
GET    /api/deployments/{dep_anne}/messages              -                404  200  200  404  200  404  404  401
GET    /api/deployments/{dep_bo}/messages                -                404    E    E  404  404    E  404  401
GET    /deployment/{dep_anne}/thread                     -                404  200  200  404  200  404  404  303
POST   /deployment/{dep_anne}/thread                     thread_form      404  303  303  404  303  404  404  303
POST   /deployment/{dep_bo}/thread                       empty_thread_form 404 422 422  404  404  422  404  303
# --- sign-on is off in the test world: its pages are not there for anyone (tests/sign_on has it on)
GET    /login/sso                                      -                404  404  404  404  404  404  404  404
GET    /login/sso/callback                             -                404  404  404  404  404  404  404  404
# --- last: the session ends, and a log-in starts a new one (API, then pages) --------------------------------
POST   /api/auth/logout                                -                200  200  200  200  200  200  200  401
POST   /api/auth/login                                 own_login        200  200  200  200  200  200  200  200
POST   /logout                                         -                303  303  303  303  303  303  303  303
POST   /login                                          own_login_form   303  303  303  303  303  303  303  303
"""  # noqa: E501 (a table reads better than wrapped rows)


def parse(table: str) -> list[Case]:
    """The rows of `table`: method, path, body name (`-` for none), one code per column."""
    cases = []
    for line in table.splitlines():
        if not line.strip() or line.startswith("#"):
            continue
        method, path, body, *codes = line.split()
        if len(codes) != len(COLUMNS):
            raise ValueError(f"matrix: {line!r} has {len(codes)} codes, not {len(COLUMNS)}")
        if body != "-" and body not in BODIES:
            raise ValueError(f"matrix: {line!r} names no body in BODIES")
        expect = {user: Expect.parse(code) for user, code in zip(COLUMNS, codes, strict=True)}
        cases.append(Case(method, path, None if body == "-" else body, expect))
    return cases


CASES = parse(MATRIX)
