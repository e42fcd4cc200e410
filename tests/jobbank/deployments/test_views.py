"""A person's own deployments on their front page are those still running: the list does not
grow with every round they ever worked."""

from __future__ import annotations

import datetime as dt

import pytest
from litestar import Litestar
from sqlalchemy import select

from jobbank.core.access import actor_for
from jobbank.db.models import UserAccount
from jobbank.deployments.views import own_deployments
from tests.api.published_round import THIS_MONDAY, factory, first_round

pytestmark = pytest.mark.filterwarnings("ignore::DeprecationWarning")


def test_own_deployments_are_those_of_rounds_still_running(app: Litestar) -> None:
    ids = first_round(app)  # a four-week round from this Monday
    with factory(app)() as session:
        anne = actor_for(session.scalars(select(UserAccount).filter_by(username="anne")).one())
        last_week = THIS_MONDAY + dt.timedelta(weeks=3)

        running = own_deployments(session, anne, today=last_week + dt.timedelta(days=6))
        over = own_deployments(session, anne, today=last_week + dt.timedelta(days=7))

    assert [(v.deployment.round_id, v.deployment.person_id) for v in running] == [
        (ids.round_id, ids.anne)
    ]
    assert over == []
