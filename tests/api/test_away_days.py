"""A volunteer's away days and daily hours: their home-unit leader (or HR) sets them through
the API and the approvals page, the volunteer reads them on their profile, and wrong values
are refused naming the field, in both languages."""

from __future__ import annotations

from collections.abc import Callable

from sqlalchemy import Engine
from sqlalchemy.orm import Session

from jobbank.db.models import EVERY_DAY, VolunteerProfile
from tests.api.conftest import Client
from tests.api.pages.forms import Page, page_of
from tests.api.test_volunteer_approvals import in_english
from tests.api.test_volunteers import audit_rows
from tests.lookups import profile_id

Login = Callable[[str], Client]


def days_of(world: Engine, employee_no: str) -> tuple[list[str], float | None, int]:
    with Session(world) as session:
        profile = session.get_one(VolunteerProfile, profile_id(world, employee_no))
        return profile.away_days, profile.daily_hours, profile.version


def test_the_home_leader_sets_the_days_and_the_volunteer_reads_them(
    as_user: Login, world: Engine
) -> None:
    erik, anne = as_user("leder_bs"), as_user("anne")
    before = anne.get("/api/me/volunteer").json()
    assert (before["away_days"], before["daily_hours"]) == (EVERY_DAY, None)
    assert before["hours_a_day"] == 7.5  # 37 hours a week: a fifth, rounded up to a half hour
    _, _, version = days_of(world, "e1")

    answer = erik.put(
        f"/api/volunteers/{profile_id(world, 'e1')}/days",
        json={"away_days": ["thu", "mon"], "daily_hours": 6, "version": version},
    )

    assert answer.status_code == 200, answer.text
    assert days_of(world, "e1")[:2] == (["mon", "thu"], 6)
    mine = anne.get("/api/me/volunteer").json()
    assert (mine["away_days"], mine["daily_hours"], mine["hours_a_day"]) == (["mon", "thu"], 6, 6)
    profile = Page(anne.get("/volunteering/profile").text)
    assert profile["away-days"].text.strip() == "man, tor"
    assert profile["hours-a-day"].text.strip() == "6"


def test_wrong_days_and_hours_are_refused_naming_the_field(as_user: Login, world: Engine) -> None:
    erik = as_user("leder_bs")
    _, _, version = days_of(world, "e1")
    path = f"/api/volunteers/{profile_id(world, 'e1')}/days"

    twice = erik.put(path, json={"away_days": ["mon", "mon"], "version": version})
    too_long = erik.put(path, json={"away_days": ["mon"], "daily_hours": 14, "version": version})

    assert twice.status_code == 422, twice.text
    assert [(e["field"], e["code"]) for e in twice.json()["errors"]] == [
        ("away_days[1]", "weekday_twice")
    ]
    assert too_long.status_code == 422, too_long.text
    assert [(e["field"], e["code"]) for e in too_long.json()["errors"]] == [
        ("daily_hours", "above_most")
    ]
    assert days_of(world, "e1")[:2] == (EVERY_DAY, None)


def test_the_volunteer_cannot_set_their_own_days(as_user: Login, world: Engine) -> None:
    anne = as_user("anne")
    _, _, version = days_of(world, "e1")
    answer = anne.put(
        f"/api/volunteers/{profile_id(world, 'e1')}/days",
        json={"away_days": [], "version": version},
    )
    assert answer.status_code == 404


def test_the_approvals_page_saves_the_days(as_user: Login, world: Engine) -> None:
    erik = as_user("leder_bs")
    _, _, version = days_of(world, "e1")
    anne = profile_id(world, "e1")
    form = {"away_days": ["tue", "wed"], "daily_hours": "7,5", "version": str(version)}

    saved = erik.post(f"/volunteering/approvals/{anne}/days", data=form, follow_redirects=False)

    assert saved.status_code == 303, saved.text
    assert days_of(world, "e1")[:2] == (["tue", "wed"], 7.5)
    page = Page(erik.get("/volunteering/approvals").text)
    assert "checked" in page[f"away-tue-{anne}"].attrs
    assert "checked" not in page[f"away-mon-{anne}"].attrs
    assert page[f"daily-hours-{anne}"].attrs["value"] == "7,5"

    _, _, version = days_of(world, "e1")
    emptied = {"daily_hours": "", "version": str(version)}  # nothing ticked: stays home
    again = erik.post(f"/volunteering/approvals/{anne}/days", data=emptied, follow_redirects=False)
    assert again.status_code == 303, again.text
    assert days_of(world, "e1")[:2] == ([], None)


def test_the_approvals_page_tells_wrong_hours_in_both_languages(
    as_user: Login, world: Engine
) -> None:
    erik = as_user("leder_bs")
    _, _, version = days_of(world, "e1")
    anne = profile_id(world, "e1")
    form = {"away_days": "mon", "daily_hours": "14", "version": str(version)}
    path = f"/volunteering/approvals/{anne}/days"

    danish = page_of(erik.post(path, data=form, follow_redirects=False), 422)
    in_english(erik)
    english = page_of(erik.post(path, data=form, follow_redirects=False), 422)

    assert danish[f"daily-hours-{anne}"].attrs["aria-invalid"] == "true"
    assert danish[f"daily-hours-{anne}-error"].text.strip() == "Højst 13 timer om dagen."
    assert english[f"daily-hours-{anne}-error"].text.strip() == "At most 13 hours a day."
    assert "checked" in english[f"away-mon-{anne}"].attrs  # what was sent, shown again
    assert days_of(world, "e1")[:2] == (EVERY_DAY, None)


def test_hr_changes_the_days_in_the_profile_patch_checked_and_audited_as_the_days_route(
    as_user: Login, world: Engine
) -> None:
    hr = as_user("hr")
    path = f"/api/volunteers/{profile_id(world, 'e1')}"
    _, _, version = days_of(world, "e1")

    wrong = hr.patch(
        path,
        json={
            "away_days": ["mon", "mon"],
            "daily_hours": 14,
            "normal_hours": 30,
            "version": version,
        },
    )
    assert wrong.status_code == 422, wrong.text
    assert days_of(world, "e1")[:2] == (EVERY_DAY, None)
    twice = hr.patch(
        path, json={"away_days": ["tue", "tue"], "normal_hours": 30, "version": version}
    )
    assert [(e["field"], e["code"]) for e in twice.json()["errors"]] == [
        ("away_days[1]", "weekday_twice")
    ]

    changed = hr.patch(
        path,
        json={
            "away_days": ["thu", "mon"],
            "daily_hours": 6,
            "normal_hours": 30,
            "version": version,
        },
    )

    assert changed.status_code == 200, changed.text
    assert (changed.json()["away_days"], changed.json()["hours_a_day"]) == (["mon", "thu"], 6)
    assert days_of(world, "e1")[:2] == (["mon", "thu"], 6)
    (entry,) = audit_rows(world, "update")
    assert entry.before == {"away_days": EVERY_DAY, "daily_hours": None, "normal_hours": 37}
    assert entry.after == {"away_days": ["mon", "thu"], "daily_hours": 6, "normal_hours": 30}

    _, _, version = days_of(world, "e1")
    kept = hr.patch(path, json={"daily_hours": None, "version": version})
    assert kept.status_code == 200, kept.text
    assert days_of(world, "e1")[:2] == (["mon", "thu"], None)  # null: the default again
    _, _, version = days_of(world, "e1")
    untouched = hr.patch(path, json={"opted_in": True, "version": version})
    assert untouched.status_code == 200, untouched.text
    assert days_of(world, "e1")[:2] == (["mon", "thu"], None)
