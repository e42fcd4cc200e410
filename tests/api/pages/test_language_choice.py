"""The chosen language belongs to the person, not the browser: chosen once, it follows them to
every browser they log in from; the cookie only serves pages before log-in."""

from __future__ import annotations

from collections.abc import Callable

from litestar import Litestar
from sqlalchemy import select

from jobbank.db.models import Person
from tests.api.conftest import Client
from tests.api.published_round import factory


def _language_of(app: Litestar, employee_no: str) -> str:
    with factory(app)() as session:
        return session.scalars(select(Person.language).filter_by(employee_no=employee_no)).one()


def test_a_chosen_language_follows_the_person_to_another_browser(
    app: Litestar, as_user: Callable[[str], Client]
) -> None:
    laptop = as_user("anne")
    assert laptop.post("/language", data={"language": "en", "next": "/"}).status_code == 200
    assert _language_of(app, "e1") == "en"
    phone = as_user("anne")
    assert '<html lang="en">' in phone.get("/").text
    assert '<html lang="da">' in as_user("bo").get("/").text  # nobody else's


def test_a_logged_in_persons_language_wins_over_the_browsers_cookie(
    app: Litestar, as_user: Callable[[str], Client]
) -> None:
    anne = as_user("anne")
    anne.cookies.set("jobbank_lang", "en")
    assert '<html lang="da">' in anne.get("/").text


def test_pages_before_log_in_follow_the_browsers_cookie(anonymous: Client) -> None:
    assert '<html lang="da">' in anonymous.get("/login").text
    anonymous.post("/language", data={"language": "en", "next": "/login"})
    assert '<html lang="en">' in anonymous.get("/login").text
