"""The audit log: HR reads who changed what, when, with before and after; nobody else can."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any
from urllib.parse import quote

import pytest
from litestar import Litestar

from tests.api.conftest import Client
from tests.api.published_round import Ids, first_round


@pytest.fixture
def ids(app: Litestar) -> Ids:
    return first_round(app)


def entries(client: Client, query: str = "") -> list[dict[str, Any]]:
    response = client.get(f"/api/audit{query}")
    assert response.status_code == 200, response.text
    items: list[dict[str, Any]] = response.json()["items"]
    return items


def tick_first_item(client: Client) -> int:
    """Tick the caller's first checklist item; returns its id."""
    item_id: int = client.get("/api/checklists").json()["items"][0]["items"][0]["id"]
    assert client.post(f"/api/checklists/items/{item_id}/done").status_code == 200
    return item_id


def test_hr_reads_who_did_what_newest_first(as_user: Callable[[str], Client], ids: Ids) -> None:
    hr = as_user("hr")
    item_id = tick_first_item(as_user("anne"))
    newest = entries(hr)
    assert newest[0]["username"] == "anne"
    assert (newest[0]["action"], newest[0]["entity"]) == ("tick", "checklist_item")
    assert newest[0]["entity_id"] == str(item_id)
    assert newest[0]["before"] == {"done_at": None, "done_by_id": None}
    assert newest[0]["after"]["done_by_id"] == newest[0]["user_id"]
    times = [e["at"] for e in newest]
    assert times == sorted(times, reverse=True)
    assert {"create", "store_result", "seed"} <= {e["action"] for e in entries(hr, "?limit=500")}


def test_the_log_filters_by_entity_user_action_and_time(
    as_user: Callable[[str], Client], ids: Ids
) -> None:
    item_id = tick_first_item(as_user("anne"))
    hr = as_user("hr")
    anne_id = entries(hr, "?action=tick")[0]["user_id"]
    assert [e["action"] for e in entries(hr, f"?user_id={anne_id}")] == ["tick", "login"]
    by_item = entries(hr, f"?entity=checklist_item&entity_id={item_id}")
    assert [e["action"] for e in by_item] == ["tick"]
    checklists = entries(hr, "?entity=checklist&action=create")
    assert len(checklists) == 2 and all(e["username"] is None for e in checklists)
    assert entries(hr, "?entity=round&action=store_result")[0]["after"]["assignments"] == 4
    ticked_at = dt.datetime.fromisoformat(by_item[0]["at"])
    just_before = quote((ticked_at - dt.timedelta(seconds=1)).isoformat())
    just_after = quote((ticked_at + dt.timedelta(seconds=1)).isoformat())
    assert entries(hr, f"?since={just_after}") == []
    assert "tick" in {e["action"] for e in entries(hr, f"?since={just_before}")}
    assert "tick" not in {e["action"] for e in entries(hr, f"?until={just_before}")}
    assert hr.get("/api/audit?since=yesterday").status_code == 400


def test_the_log_is_paged(as_user: Callable[[str], Client], ids: Ids) -> None:
    hr = as_user("hr")
    everything = hr.get("/api/audit?limit=500").json()
    second = hr.get("/api/audit?limit=2&offset=1").json()
    assert second["total"] == everything["total"] > 3
    assert second["items"] == everything["items"][1:3]


@pytest.mark.parametrize("user", ["leder_sol", "leder_bs", "anne"])
def test_only_hr_reads_the_log(as_user: Callable[[str], Client], user: str) -> None:
    assert as_user(user).get("/api/audit").status_code == 404


def test_the_log_needs_a_log_in(anonymous: Client) -> None:
    assert anonymous.get("/api/audit").status_code == 401
