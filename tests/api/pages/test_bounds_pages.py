"""Page forms keep the bounds and the text policy: a value beyond its bound or text against
the policy is told at its own field (422), never answered with a 500."""

from __future__ import annotations

import datetime as dt
import re

import pytest

from jobbank.core.weeks import monday_of
from tests.api.pages.forms import Login, error_at, ids, page_of, post

MONDAY = monday_of(dt.date.today()) + dt.timedelta(weeks=1)


def _field_error(html: str, field: str) -> str:
    found = re.search(rf'<p id="{field}-error" class="field-error"[^>]*>([^<]*)</p>', html)
    assert found is not None, f"no error paragraph for {field}"
    return found.group(1).strip()


def _need_form(unit_id: int, **changes: str) -> dict[str, str]:
    return {
        "unit_id": str(unit_id),
        "skill": "nurse",
        "hours": "20",
        "shift": "day",
        "priority": "3",
        "min_block": "4",
        "first_week": MONDAY.isoformat(),
        "last_week": MONDAY.isoformat(),
        "description": "",
    } | changes


@pytest.mark.parametrize(
    ("field", "value", "shown"),
    [
        ("hours", "1e30", "Det er flere timer end tilladt her."),
        ("hours", "0", "Skal være mere end 0 timer."),
        ("min_block", "100", "Det er flere timer end tilladt her."),
        ("priority", "9", "Vælg en prioritet fra 1 til 5."),
        ("first_week", "1999-12-27", "Vælg en uge i årene 2000–2099."),
        ("description", "Vask\x01op", "Fjern de skjulte styretegn fra teksten."),
    ],
)
def test_a_need_form_beyond_a_bound_is_told_at_the_field(
    as_user: Login, field: str, value: str, shown: str
) -> None:
    frida = as_user("leder_sol")
    unit = ids(frida)["solgaarden"]

    answer = post(frida, "/needs", _need_form(unit, **{field: value}))

    assert answer.status_code == 422, answer.text
    assert _field_error(answer.text, field) == shown


def test_a_profile_beyond_48_normal_hours_is_told_at_the_field(as_user: Login) -> None:
    anne = as_user("anne")
    form = {"opted_in": "on", "normal_hours": "90", "shifts": "day", "skills": "nurse"}
    answer = post(anne, "/volunteering/profile", form)
    assert answer.status_code == 422, answer.text
    assert _field_error(answer.text, "normal_hours") == "Det er flere timer end tilladt her."


@pytest.mark.parametrize(
    ("name", "shown"),
    [
        ("Nina\x01Ny", "Fjern de skjulte styretegn fra teksten."),
        ("Nina \u202eyN", "Fjern de tegn, der vender tekstens retning."),
        ("\u200b\u200b", "Skriv noget synlig tekst."),
    ],
)
def test_a_name_against_the_text_policy_is_told_at_the_field(
    as_user: Login, name: str, shown: str
) -> None:
    hr = as_user("hr")
    form = {
        "employee_no": "e50",
        "name": name,
        "email": "nina@x.example",
        "phone": "",
        "language": "da",
        "home_unit_id": str(ids(hr)["borgerservice"]),
    }
    page = page_of(post(hr, "/admin/people", form), 422)
    assert error_at(page, "person", "name") == shown
