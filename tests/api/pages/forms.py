"""Reading HR's admin pages and posting their forms: the elements of a page by id, the error
told at a field, and the world's units, areas and people by their words."""

from __future__ import annotations

from collections.abc import Callable
from html.parser import HTMLParser
from typing import Any

from httpx import Response

from jobbank.db.models import AuditEntry
from tests.api.conftest import Client
from tests.lookups import rows_of

Login = Callable[[str], Client]


class Element:
    def __init__(self, tag: str, attrs: dict[str, str]) -> None:
        self.tag, self.attrs, self.text = tag, attrs, ""


class Page(HTMLParser):
    """The elements of a page that have an id, with their attributes and text."""

    VOID = frozenset({"input", "br", "img", "meta", "link", "hr", "source"})

    def __init__(self, html: str) -> None:
        super().__init__()
        self.by_id: dict[str, Element] = {}
        self.elements: list[Element] = []
        self.open: list[Element] = []
        self.feed(html)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        element = Element(tag, {name: value or "" for name, value in attrs})
        self.elements.append(element)
        if "id" in element.attrs:
            self.by_id[element.attrs["id"]] = element
        if tag not in self.VOID:
            self.open.append(element)

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.handle_starttag(tag, attrs)
        if tag not in self.VOID:
            self.open.pop()

    def handle_endtag(self, tag: str) -> None:
        if not any(element.tag == tag for element in self.open):
            return
        while self.open.pop().tag != tag:
            pass

    def handle_data(self, data: str) -> None:
        for element in self.open:
            element.text += data

    def __getitem__(self, element_id: str) -> Element:
        return self.by_id[element_id]

    def hidden(self, name: str) -> str:
        """The value of the first hidden field called `name`."""
        return next(
            e.attrs["value"]
            for e in self.elements
            if e.tag == "input" and e.attrs.get("name") == name and e.attrs.get("type") == "hidden"
        )


def page_of(response: Response, status: int) -> Page:
    assert response.status_code == status, response.text
    return Page(response.text)


def error_at(page: Page, form: str, field: str) -> str:
    """The error shown at a field, checking the field points at it and is marked invalid."""
    error_id = f"{form}-{field}-error"
    described = [e for e in page.elements if e.attrs.get("aria-describedby") == error_id]
    assert described, f"no field is described by #{error_id}"
    assert all(e.attrs.get("aria-invalid") == "true" for e in described if e.tag != "button")
    return page[error_id].text.strip()


def post(client: Client, path: str, form: dict[str, Any]) -> Response:
    return client.post(path, data=form, follow_redirects=False)


def ids(client: Client) -> dict[str, int]:
    units = client.get("/api/units").json()["items"]
    areas = client.get("/api/areas").json()["items"]
    found = {unit["code"]: unit["id"] for unit in units}
    found |= {area["name"]: area["id"] for area in areas}
    return found


def person_named(client: Client, q: str) -> dict[str, Any]:
    found: dict[str, Any] = client.get("/api/people", params={"q": q}).json()["items"][0]
    return found


def audit(url: str, entity: str, action: str) -> list[AuditEntry]:
    where = (AuditEntry.entity == entity, AuditEntry.action == action)
    return rows_of(url, AuditEntry, *where)
