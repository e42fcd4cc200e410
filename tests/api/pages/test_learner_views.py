"""A learner's assignment on the pages: the lent person reads on their deployment card that
they come as a learner, beside a colleague who has the skill, in Danish and English; HR's
round page marks the row. Someone who comes with the skill reads no such line."""

from __future__ import annotations

from collections.abc import Callable

from litestar import Litestar

from solver.contract import Assignment as Planned
from tests.api.conftest import Client
from tests.api.published_round import add_need_n3, publish
from tests.api.test_volunteer_approvals import in_english

Login = Callable[[str], Client]


def learner_published(app: Litestar) -> int:
    """Anne learns at Solgården (n1) beside the plan's holder; Bo works n3 with the skill."""
    add_need_n3(app)
    return publish(
        app,
        Planned(staff="e1", need="n1", week=0, hours=8, learner=True),
        Planned(staff="e2", need="n3", week=0, hours=8),
    )


def card_text(client: Client) -> str:
    return " ".join(client.get("/").text.split())


def test_a_learner_reads_that_she_comes_to_learn_in_danish_and_english(
    as_user: Login, app: Litestar
) -> None:
    learner_published(app)
    anne = as_user("anne")

    assert "under oplæring, side om side med en kollega, der har kompetencen" in card_text(anne)
    in_english(anne)
    assert "as a learner, beside a colleague who has the skill" in card_text(anne)
    bo = as_user("bo")
    assert "side om side" not in card_text(bo)


def test_hr_sees_the_learner_row_on_the_round_page(as_user: Login, app: Litestar) -> None:
    round_id = learner_published(app)
    page = as_user("hr").get(f"/rounds/{round_id}").text
    assert 'class="learner">under oplæring<' in page
