"""Errors on the web pages are pages in the caller's language, not JSON."""

from __future__ import annotations

from collections.abc import Callable

from tests.api.conftest import Client


def test_an_item_out_of_reach_is_a_danish_not_found_page(as_user: Callable[[str], Client]) -> None:
    response = as_user("anne").post("/checklist-items/987654", data={"done": "true"})
    assert response.status_code == 404
    assert response.headers["content-type"].startswith("text/html")
    assert "Ikke fundet" in response.text and "Tilbage til forsiden" in response.text


def test_the_api_still_answers_problem_details(as_user: Callable[[str], Client]) -> None:
    response = as_user("anne").get("/api/needs/987654")
    assert response.status_code == 404
    assert response.headers["content-type"].startswith("application/problem+json")
