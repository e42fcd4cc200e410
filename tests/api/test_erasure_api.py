"""Erasure over HTTP and on HR's person page, and the risk-group flag kept out of every output
that leaves the app (calendar, spreadsheets, report, messages) and cleared on opting out.

Bo (e2, borgerservice, risk group) works n3 at Solgården in the published round of
`tests/api/published_round.py`, with messages announcing it and a calendar feed."""

from __future__ import annotations

import io
import json
from collections.abc import Callable
from typing import Any

import openpyxl
import pytest
from litestar import Litestar
from sqlalchemy import select

from jobbank.db.models import (
    AllocationRound,
    Assignment,
    AuditEntry,
    AuthSession,
    CalendarFeed,
    OutboxMessage,
    UserAccount,
    VolunteerProfile,
)
from jobbank.imports.staff import FIELDS as STAFF_IMPORT_FIELDS
from jobbank.notifications import announce_round
from tests import lookups
from tests.api.conftest import Client
from tests.api.published_round import Ids, factory, first_round

BO = ("Bo Nielsen", "bo@x.example", "e2")


@pytest.fixture
def ids(app: Litestar) -> Ids:
    """The published round, announced: messages to Anne, Bo and their leaders."""
    found = first_round(app)
    with factory(app)() as session, session.begin():
        announce_round(session, session.get_one(AllocationRound, found.round_id))
    return found


def feed_path(client: Client) -> str:
    made = client.post("/api/me/calendar-feed")
    assert made.status_code == 201, made.text
    return "/" + str(made.json()["url"]).split("://", 1)[1].split("/", 1)[1]


def stored_text(app: Litestar, round_id: int) -> str:
    """Everything that could still name Bo: the round, the audit log, all messages."""
    with factory(app)() as session:
        rnd = session.get_one(AllocationRound, round_id)
        entries = session.scalars(select(AuditEntry)).all()
        messages = session.scalars(select(OutboxMessage)).all()
        return json.dumps(
            [
                rnd.input_snapshot,
                rnd.result,
                [[e.before, e.after] for e in entries],
                [[m.subject, m.body, m.to_address] for m in messages],
            ],
            ensure_ascii=False,
        )


def test_hr_erases_a_person_everywhere_and_keeps_the_assignments(
    app: Litestar, as_user: Callable[[str], Client], anonymous: Client, ids: Ids
) -> None:
    bo, hr = as_user("bo"), as_user("hr")
    feed = feed_path(bo)
    assert hr.get(f"/api/rounds/{ids.round_id}/input").status_code == 200  # names e2: audited
    assert any(name in stored_text(app, ids.round_id) for name in BO)

    erased = hr.post(f"/api/people/{ids.bo}/erase")

    assert erased.status_code == 200, erased.text
    assert erased.json()["pseudonym"] == f"Slettet person {ids.bo}"
    assert erased.json()["rounds"] == 1 and erased.json()["feeds_deleted"] == 1
    person = hr.get(f"/api/people/{ids.bo}").json()
    assert (person["employee_no"], person["name"], person["email"], person["phone"]) == (
        f"erased-{ids.bo}",
        f"Slettet person {ids.bo}",
        "",
        "",
    )
    stored = stored_text(app, ids.round_id)
    assert not [name for name in BO if name in stored], "the identity is still stored"
    assert f'"erased-{ids.bo}"' in stored and "Slettet person" in stored
    assert bo.get("/api/me/volunteer").status_code == 401  # the session is gone
    assert anonymous.get(feed).status_code == 404
    with factory(app)() as session:
        assert session.scalar(select(VolunteerProfile).filter_by(person_id=ids.bo)) is None
        assert session.scalars(select(OutboxMessage).filter_by(person_id=ids.bo)).all() == []
        assert session.scalars(select(CalendarFeed).filter_by(person_id=ids.bo)).all() == []
        account = session.scalars(select(UserAccount).filter_by(person_id=ids.bo)).one()
        assert (account.username, account.is_active, account.roles) == (
            f"erased-{ids.bo}",
            False,
            set(),
        )
        assert session.scalars(select(AuthSession).filter_by(user_id=account.id)).all() == []
        kept = session.scalars(select(Assignment).filter_by(person_id=ids.bo)).all()
        assert sorted(a.hours for a in kept) == [8.0, 8.0]
        staff = session.get_one(AllocationRound, ids.round_id).input_snapshot or {}
        entry = next(s for s in staff["staff"] if s["id"] == f"erased-{ids.bo}")
        assert entry["risk_group"] is False and entry["name"] == f"Slettet person {ids.bo}"
        erase = session.scalars(select(AuditEntry).filter_by(action="erase")).one()
        assert (erase.entity, erase.entity_id) == ("person", str(ids.bo))
    used = hr.get(f"/api/rounds/{ids.round_id}/report").json()["people"]
    assert (used["used"], used["lent_hours"]) == (2, 40.0)  # Bo's hours count, as the pseudonym's
    assert "Bo Nielsen" not in hr.get(f"/api/rounds/{ids.round_id}/export/persons.csv").text


def test_erasure_is_refused_for_a_units_only_leader_a_second_time_and_outside_hr(
    app: Litestar, as_user: Callable[[str], Client], ids: Ids
) -> None:
    hr = as_user("hr")
    with factory(app)() as session:
        frida = lookups.person(session, "e6").id

    only_leader = hr.post(f"/api/people/{frida}/erase")

    assert only_leader.status_code == 409 and "solgaarden" in only_leader.text
    assert hr.get(f"/api/people/{frida}").json()["name"] == "Frida Leder"
    for user in ("leder_bs", "bo", "anne"):  # Bo's home leader, Bo, a colleague: not HR
        assert as_user(user).post(f"/api/people/{ids.bo}/erase").status_code == 404
    assert hr.get(f"/api/people/{ids.bo}").json()["name"] == "Bo Nielsen"
    assert hr.post(f"/api/people/{ids.bo}/erase").status_code == 200
    assert hr.post(f"/api/people/{ids.bo}/erase").status_code == 409


def test_the_person_page_erases_only_after_confirmation(
    app: Litestar, as_user: Callable[[str], Client], ids: Ids
) -> None:
    hr = as_user("hr")
    assert f"/admin/people/{ids.bo}/erase" in hr.get(f"/admin/people/{ids.bo}").text
    page = hr.get(f"/admin/people/{ids.bo}/erase")
    assert page.status_code == 200 and 'name="confirm"' in page.text

    unticked = hr.post(f"/admin/people/{ids.bo}/erase", data={})
    assert unticked.status_code == 422 and 'role="alert"' in unticked.text
    assert hr.get(f"/api/people/{ids.bo}").json()["name"] == "Bo Nielsen"

    done = hr.post(f"/admin/people/{ids.bo}/erase", data={"confirm": "on"}, follow_redirects=False)
    assert done.status_code == 303
    assert done.headers["location"] == f"/admin/people/{ids.bo}/erase"
    after = hr.get(f"/admin/people/{ids.bo}/erase")
    assert 'name="confirm"' not in after.text and f"Slettet person {ids.bo}" in after.text


# --- the risk-group flag ------------------------------------------------------------------------


def _no_risk_flag(what: str, text: str) -> None:
    lowered = text.lower()
    assert "risk" not in lowered and "risiko" not in lowered, f"{what} speaks of the risk group"


def _xlsx_text(content: bytes) -> str:
    book = openpyxl.load_workbook(io.BytesIO(content), read_only=True)
    cells: list[Any] = [
        cell
        for sheet in book.worksheets
        for row in sheet.iter_rows(values_only=True)
        for cell in row
    ]
    return " ".join(str(cell) for cell in cells if cell is not None)


def test_the_risk_group_flag_leaves_in_no_calendar_spreadsheet_report_or_message(
    app: Litestar, as_user: Callable[[str], Client], anonymous: Client, ids: Ids
) -> None:
    hr, bo, leader = as_user("hr"), as_user("bo"), as_user("leder_sol")
    outputs = {
        "calendar feed": anonymous.get(feed_path(bo)).text,
        "Bo's messages": bo.get("/api/me/messages").text,
        "all messages": hr.get("/api/messages").text,
        "report": hr.get(f"/api/rounds/{ids.round_id}/report").text,
        "report over time": hr.get("/api/reports/over-time").text,
        "receiving leader's view of Bo": leader.get(f"/api/people/{ids.bo}").text,
    }
    for view in ("persons", "needs", "unfilled"):
        csv = hr.get(f"/api/rounds/{ids.round_id}/export/{view}.csv")
        xlsx = hr.get(f"/api/rounds/{ids.round_id}/export/{view}.xlsx")
        assert csv.status_code == xlsx.status_code == 200, csv.text
        outputs[f"{view}.csv"] = csv.text
        outputs[f"{view}.xlsx"] = _xlsx_text(xlsx.content)
    assert "Bo Nielsen" in outputs["persons.csv"]  # Bo is in them: the scan sees his rows

    for what, text in outputs.items():
        _no_risk_flag(what, text)
    assert not any("risk" in field for field in STAFF_IMPORT_FIELDS)  # imports cannot set it


def test_opting_out_clears_the_risk_group_flag_and_the_log_says_so_without_the_value(
    app: Litestar, as_user: Callable[[str], Client], ids: Ids
) -> None:
    bo, hr = as_user("bo"), as_user("hr")
    profile = bo.get("/api/me/volunteer").json()
    edit = {key: profile[key] for key in ("normal_hours", "skills", "shifts")} | {
        key: [ref["id"] for ref in profile[key]] for key in ("avoid_units", "preferred_areas")
    }

    out = bo.put(
        "/api/me/volunteer", json={**edit, "opted_in": False, "version": profile["version"]}
    )

    assert out.status_code == 200, out.text
    assert hr.get(f"/api/volunteers/{profile['id']}").json()["risk_group"] is False
    with factory(app)() as session:
        entry = session.scalars(
            select(AuditEntry)
            .filter_by(entity="volunteer_profile", entity_id=str(profile["id"]), action="update")
            .order_by(AuditEntry.id.desc())
        ).first()
    assert entry is not None and entry.after is not None
    assert entry.after["opted_in"] is False and entry.after["risk_group"] not in (True, False)
