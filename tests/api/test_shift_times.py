"""A need's shift times: posted and changed through the API and the unit leader's form, kept
as the round contract's, refused naming the field (in Danish and English on the page)."""

from __future__ import annotations

from collections.abc import Callable

from sqlalchemy import Engine, select
from sqlalchemy.orm import Session

from jobbank.db.models import AuditEntry, Need
from tests.api.conftest import Client
from tests.api.pages.forms import Page, page_of
from tests.api.pages.test_form_errors import need_form
from tests.api.test_needs import a_need
from tests.lookups import need_id

Login = Callable[[str], Client]
WEEKDAYS_EARLY = {"days": ["mon", "tue", "wed", "thu", "fri"], "start": "07:00", "end": "15:00"}
SATURDAY_NIGHT = {"days": ["sat"], "start": "22:00", "end": "06:00"}


def shifts(answer: dict[str, object]) -> list[dict[str, object]]:
    """The shift times of a need as the API answers them, times as HH:MM."""
    found = answer["shift_times"]
    assert isinstance(found, list)
    return [shift | {"start": shift["start"][:5], "end": shift["end"][:5]} for shift in found]


def stored(world: Engine, ref: str) -> list[dict[str, object]]:
    with Session(world) as session:
        need = session.scalars(select(Need).where(Need.ref == ref)).one()
        return need.shift_times


def test_a_leader_posts_and_changes_a_needs_shift_times(as_user: Login, world: Engine) -> None:
    frida = as_user("leder_sol")

    posted = frida.post(
        "/api/needs", json=a_need(world, shift_times=[WEEKDAYS_EARLY, SATURDAY_NIGHT])
    )

    assert posted.status_code == 201, posted.text
    need = posted.json()
    assert shifts(need) == [WEEKDAYS_EARLY, SATURDAY_NIGHT]
    assert stored(world, need["ref"]) == [WEEKDAYS_EARLY, SATURDAY_NIGHT]

    changed = frida.patch(
        f"/api/needs/{need['id']}",
        json={
            "shift_times": [{"days": ["sun", "sat"], "start": "08:00", "end": "14:30"}],
            "version": need["version"],
        },
    )

    assert changed.status_code == 200, changed.text
    weekend = {"days": ["sat", "sun"], "start": "08:00", "end": "14:30"}  # in week order
    assert shifts(changed.json()) == [weekend]
    with Session(world) as session:
        entry = session.scalars(
            select(AuditEntry)
            .where(AuditEntry.entity == "need", AuditEntry.entity_id == str(need["id"]))
            .order_by(AuditEntry.id.desc())
        ).first()
    assert entry is not None and entry.after == {"shift_times": [weekend]}

    by_the_week = frida.patch(
        f"/api/needs/{need['id']}", json={"shift_times": [], "version": changed.json()["version"]}
    )
    assert by_the_week.status_code == 200 and by_the_week.json()["shift_times"] == []


def test_wrong_shift_times_are_refused_naming_each_field(as_user: Login, world: Engine) -> None:
    frida = as_user("leder_sol")
    wrong = [
        {"days": ["mon", "tue"], "start": "07:15", "end": "15:00"},
        {"days": ["tue"], "start": "06:00", "end": "22:00"},
        {"days": [], "start": "07:00", "end": "12:00"},
    ]

    refused = frida.post("/api/needs", json=a_need(world, shift_times=wrong))

    assert refused.status_code == 422, refused.text
    assert [(e["field"], e["code"]) for e in refused.json()["errors"]] == [
        ("shift_times[0].start", "not_on_half_hour"),
        ("shift_times[1].days", "weekday_twice"),
        ("shift_times[1].end", "shift_too_long"),
        ("shift_times[2].days", "no_weekday"),
    ]


def test_a_block_longer_than_every_shift_is_refused(as_user: Login, world: Engine) -> None:
    frida = as_user("leder_sol")
    short = {"days": ["mon"], "start": "07:00", "end": "10:00"}

    refused = frida.post("/api/needs", json=a_need(world, min_block=4, shift_times=[short]))

    assert refused.status_code == 422, refused.text
    assert [(e["field"], e["code"]) for e in refused.json()["errors"]] == [
        ("min_block", "block_longer_than_shift")
    ]


def test_the_leaders_form_posts_weekdays_and_times(as_user: Login, world: Engine) -> None:
    frida = as_user("leder_sol")
    form = need_form(
        world,
        description="Morgenvagt",
        shift_form="one",
        shift_start="07:00",
        shift_end="15:00",
    ) | {"shift_days": ["mon", "wed"]}

    saved = frida.post("/needs", data=form, follow_redirects=False)

    assert saved.status_code == 303, saved.text
    ref = saved.headers["location"].split("saved=")[1]
    assert stored(world, ref) == [{"days": ["mon", "wed"], "start": "07:00", "end": "15:00"}]
    edit = Page(frida.get(f"/needs/{need_id(world, ref)}/edit").text)
    ticked = [
        e.attrs["value"]
        for e in edit.elements
        if e.attrs.get("name") == "shift_days" and "checked" in e.attrs
    ]
    assert ticked == ["mon", "wed"]
    assert edit["shift_start"].attrs["value"] == "07:00"


def test_the_form_tells_a_wrong_shift_in_the_readers_language(
    as_user: Login, world: Engine
) -> None:
    frida = as_user("leder_sol")
    form = need_form(world, shift_form="one", shift_start="06:00", shift_end="21:00") | {
        "shift_days": "mon"
    }

    danish = page_of(frida.post("/needs", data=form, follow_redirects=False), 422)
    frida.post("/language", data={"language": "en", "next": "/"})
    english = page_of(frida.post("/needs", data=form, follow_redirects=False), 422)

    assert danish["shift_times"].attrs["aria-invalid"] == "true"
    assert danish["shift_times-error"].text.strip() == "En vagt er højst 13 timer."
    assert english["shift_times-error"].text.strip() == "A shift is at most 13 hours."


def test_a_need_with_several_shifts_keeps_them_through_the_form(
    as_user: Login, world: Engine
) -> None:
    frida = as_user("leder_sol")
    need = frida.post(
        "/api/needs", json=a_need(world, shift_times=[WEEKDAYS_EARLY, SATURDAY_NIGHT])
    ).json()
    edit = Page(frida.get(f"/needs/{need['id']}/edit").text)
    assert "shift_start" not in edit.by_id  # shown, not offered to change

    form = need_form(world, hours="12", version=str(need["version"]))
    saved = frida.post(f"/needs/{need['id']}", data=form, follow_redirects=False)

    assert saved.status_code == 303, saved.text
    assert stored(world, need["ref"]) == [WEEKDAYS_EARLY, SATURDAY_NIGHT]


def test_the_needs_list_shows_each_shift(as_user: Login, world: Engine) -> None:
    frida = as_user("leder_sol")
    need = frida.post(
        "/api/needs", json=a_need(world, shift_times=[WEEKDAYS_EARLY, SATURDAY_NIGHT])
    ).json()

    row = " ".join(Page(frida.get("/needs").text)[f"need-{need['ref']}"].text.split())

    assert "man, tir, ons, tor, fre 07:00–15:00" in row and "lør 22:00–06:00" in row
