"""HR's pages for repairing a published plan: the round page offers to propose changes once a
change is reported; the proposal reads as a diff (Anne's week ended, Ida's added), with who
is newly lent, the coverage and what stays open and why; pinning or leaving out a person
proposes again; applying changes the plan once, and a proposal the plan has outgrown is
refused with its sentence and a button to propose again; the shortlist assigns directly."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

import pytest
from litestar import Litestar
from sqlalchemy import Engine, func, select
from sqlalchemy.orm import Session

from jobbank.db.models import (
    ApprovalStatus,
    Assignment,
    AssignmentChange,
    ChangeSet,
    Need,
    Person,
    Skill,
    Unit,
    VolunteerProfile,
)
from tests.api.conftest import Client
from tests.api.pages.forms import Page
from tests.api.published_round import THIS_MONDAY, Ids, factory, first_round

pytestmark = pytest.mark.filterwarnings("ignore::DeprecationWarning")

NEXT_MONDAY = THIS_MONDAY + dt.timedelta(weeks=1)


def add_replacement(app: Litestar) -> None:
    """Ida (Borgerservice), an approved nurse volunteer with 20 hours to give a week and no
    risk group: she can take Anne's 12 hours at Solgården's exposed need n1 (which wants 30,
    so she is given all 20)."""
    with factory(app)() as session, session.begin():
        unit = session.scalars(select(Unit).filter_by(code="borgerservice")).one()
        nurse = session.scalars(select(Skill).filter_by(code="nurse")).one()
        ida = Person(employee_no="e8", name="Ida Vikar", email="ida@x.example", home_unit=unit)
        session.add(ida)
        session.add(
            VolunteerProfile(
                person=ida,
                normal_hours=37,
                home_load=17,
                approval=ApprovalStatus.APPROVED,
                skills=[nurse],
            )
        )


def sick_round(app: Litestar, hr: Client) -> Ids:
    """The published round, with Ida among its volunteers and Anne ill all of next week."""
    add_replacement(app)
    ids = first_round(app)
    reported = hr.post(
        f"/api/rounds/{ids.round_id}/events/absences",
        json={
            "person_id": ids.anne,
            "first_day": NEXT_MONDAY.isoformat(),
            "last_day": (NEXT_MONDAY + dt.timedelta(days=4)).isoformat(),
            "reason": "Influenza",
        },
    )
    assert reported.status_code == 201, reported.text
    return ids


def propose(hr: Client, round_id: int, **fields: str) -> str:
    """Propose changes as the round page's form does; the proposal's address."""
    sent = hr.post(
        f"/rounds/{round_id}/change-sets",
        data={"moves": "none"} | fields,
        follow_redirects=False,
    )
    assert sent.status_code == 303, sent.text
    return str(sent.headers["location"])


def count(world: Engine, column: object) -> int:
    with Session(world) as session:
        return session.scalar(select(func.count(column))) or 0  # type: ignore[call-overload]


def test_hr_proposes_reads_the_diff_and_applies_it_once(
    app: Litestar, as_user: Callable[[str], Client], world: Engine
) -> None:
    hr = as_user("hr")
    ids = sick_round(app, hr)
    round_page = Page(hr.get(f"/rounds/{ids.round_id}").text)
    assert "Foreslå ændringer" in round_page["repair"].text

    where = propose(hr, ids.round_id)
    page = Page(hr.get(where).text)
    diff = page["diff"]
    assert "Anne Jensen" in diff.text and "Ida Vikar" in diff.text
    ended = [e for e in page.elements if e.tag == "li" and e.attrs.get("class") == "ended"]
    added = [e for e in page.elements if e.tag == "li" and e.attrs.get("class") == "added"]
    assert any("Anne Jensen" in e.text and "udgår (var 12 timer)" in e.text for e in ended)
    assert any("Ida Vikar" in e.text and "ny, 20 timer" in e.text for e in added)
    assert "Ida Vikar" in page["newly-lent"].text
    assert "→" in page["coverage-hours"].text
    assert "Influenza" not in hr.get(where).text  # the reason is read where events are
    assert "risk_group" not in hr.get(where).text
    assert count(world, AssignmentChange.id) == 0

    applied = hr.post(f"{where}/apply", follow_redirects=False)
    assert applied.status_code == 303
    assert "Gennemført" in Page(hr.get(where).text)["proposal-status"].text
    changes = count(world, AssignmentChange.id)
    assert hr.post(f"{where}/apply", follow_redirects=False).status_code == 303
    assert count(world, AssignmentChange.id) == changes
    with Session(world) as session:
        ida = session.scalars(select(Person.id).filter_by(employee_no="e8")).one()
        weeks = session.scalars(select(Assignment.week).filter_by(person_id=ida)).all()
        assert weeks == [NEXT_MONDAY]

    hr.post("/language", data={"language": "en", "next": where})
    english = Page(hr.get(where).text)
    assert "Applied" in english["proposal-status"].text
    assert any(
        "Ida Vikar" in e.text and "new, 20 hours" in e.text
        for e in english.elements
        if e.tag == "li" and e.attrs.get("class") == "added"
    )


def test_a_proposal_the_plan_has_outgrown_is_refused_with_a_button_to_propose_again(
    app: Litestar, as_user: Callable[[str], Client], world: Engine
) -> None:
    hr = as_user("hr")
    ids = sick_round(app, hr)
    first = propose(hr, ids.round_id)
    second = propose(hr, ids.round_id)
    assert hr.post(f"{second}/apply", follow_redirects=False).status_code == 303
    changes = count(world, AssignmentChange.id)

    refused = hr.post(f"{first}/apply")
    assert refused.status_code == 409
    page = Page(refused.text)
    assert "Planen er ændret, siden forslaget blev lavet" in page["apply-refused"].text
    assert "Foreslå igen" in page["apply-refused"].text
    assert count(world, AssignmentChange.id) == changes
    assert "Forældet" in Page(hr.get(first).text)["proposal-status"].text


def test_leaving_a_person_out_proposes_again_and_tells_what_stays_open_and_why(
    app: Litestar, as_user: Callable[[str], Client], world: Engine
) -> None:
    hr = as_user("hr")
    ids = sick_round(app, hr)
    first = propose(hr, ids.round_id)
    with Session(world) as session:
        ida = session.scalars(select(Person.id).filter_by(employee_no="e8")).one()
    base = first.rsplit("/", 1)[1]
    again = propose(hr, ids.round_id, base=base, leave_out=str(ida))
    page = Page(hr.get(again).text)
    assert "Ida Vikar" not in page["diff"].text
    still_open = page["still-open"].text
    assert "n1" in still_open and "Find en til denne uge" in still_open
    reasons = [e for e in page.elements if e.tag == "ul" and e.attrs.get("class") == "reasons"]
    assert reasons and all(r.text.strip() for r in reasons)  # worded as a round's reasons
    [link] = [e.attrs["href"] for e in page.elements if "/shortlist?" in e.attrs.get("href", "")]
    hr.post("/language", data={"language": "en", "next": link})
    shortlist = Page(hr.get(link).text)["shortlist"].text
    assert "Ida Vikar" in shortlist and "hours free beside their plan" in shortlist
    with Session(world) as session:
        settings = session.scalars(select(ChangeSet.settings).order_by(ChangeSet.id.desc())).first()
        assert settings is not None and settings["excluded"] == [ida]

    pinned = propose(hr, ids.round_id, base=base, pin=str(ida))
    with Session(world) as session:
        settings = session.scalars(select(ChangeSet.settings).order_by(ChangeSet.id.desc())).first()
        assert settings is not None
        assert [(p["person_id"], p["week"], p["hours"]) for p in settings["pins"]] == [
            (ida, NEXT_MONDAY.isoformat(), 20)
        ]
    assert "Ida Vikar" in Page(hr.get(pinned).text)["diff"].text


def test_moves_out_of_bounds_are_refused_at_the_field_and_nothing_is_kept(
    app: Litestar, as_user: Callable[[str], Client], world: Engine
) -> None:
    hr = as_user("hr")
    ids = sick_round(app, hr)
    refused = hr.post(
        f"/rounds/{ids.round_id}/change-sets", data={"moves": "some", "max_moves": "1000"}
    )
    assert refused.status_code == 422
    assert Page(refused.text)["max-moves-error"].text.strip()
    assert count(world, ChangeSet.id) == 0


def test_the_shortlist_ranks_with_why_and_assigns_directly(
    app: Litestar, as_user: Callable[[str], Client], world: Engine
) -> None:
    hr = as_user("hr")
    ids = sick_round(app, hr)
    with Session(world) as session:
        n1 = session.scalars(select(Need.id).filter_by(ref="n1")).one()
        ida = session.scalars(select(Person.id).filter_by(employee_no="e8")).one()
    where = f"/rounds/{ids.round_id}/shortlist?need_id={n1}&week={NEXT_MONDAY.isoformat()}"
    page = Page(hr.get(where).text)
    listed = page["shortlist"].text
    assert "Ida Vikar" in listed and "timer fri ved siden af sin plan" in listed
    assert "Bo Nielsen" not in listed  # risk group, and n1 is exposed

    form = {"person_id": str(ida), "need_id": str(n1), "week": NEXT_MONDAY.isoformat()}
    too_much = hr.post(f"/rounds/{ids.round_id}/shortlist", data=form | {"hours": "30"})
    assert too_much.status_code == 422
    assert "højst" in Page(too_much.text)[f"hours-error-{ida}"].text
    assert count(world, AssignmentChange.id) == 0
    made = hr.post(
        f"/rounds/{ids.round_id}/shortlist", data=form | {"hours": "12"}, follow_redirects=False
    )
    assert made.status_code == 303
    assert "assigned" in Page(hr.get(made.headers["location"]).text).by_id
    assert count(world, AssignmentChange.id) == 1
