""" "Why me" tells the person, both leaders and HR the reasons from the round's input."""

from __future__ import annotations

import pytest
from litestar import Litestar
from sqlalchemy import select
from sqlalchemy.orm import Session

from jobbank.core.access import Actor, actor_for
from jobbank.core.errors import NotFound
from jobbank.db.models import Deployment, Person, UserAccount
from jobbank.deployments.why import why_chosen
from tests.api.published_round import factory, first_round

pytestmark = pytest.mark.filterwarnings("ignore::DeprecationWarning")


def actor(session: Session, username: str) -> Actor:
    return actor_for(session.scalars(select(UserAccount).filter_by(username=username)).one())


def annes(session: Session, round_id: int) -> Deployment:
    return session.scalars(
        select(Deployment)
        .join(Person, Person.id == Deployment.person_id)
        .where(Deployment.round_id == round_id, Person.employee_no == "e1")
    ).one()


def test_the_reasons_name_the_skill_the_free_hours_the_need_and_the_home_week(
    app: Litestar,
) -> None:
    ids = first_round(app)
    with factory(app)() as session:
        why = why_chosen(session, actor(session, "anne"), annes(session, ids.round_id).id)
        codes = [reason.code for reason in why.reasons]
        assert codes[:2] == ["skill", "free_hours"]
        assert {"need", "home_week"} <= set(codes)
        skill = next(r for r in why.reasons if r.code == "skill")
        assert "sygeplejerske" in skill.words.da and "nurse" in skill.words.en
        need = next(r for r in why.reasons if r.code == "need")
        assert "prioritet 5 af 5 (kritisk)" in need.words.da
        assert [w.lent_here for w in why.weeks] == [12.0, 12.0]
        assert all(w.free_hours == w.normal_hours - w.home_load for w in why.weeks)
        assert not any("risk" in r.words.en.lower() for r in why.reasons)


def test_a_low_home_load_is_said_only_when_true(app: Litestar) -> None:
    ids = first_round(app)
    with factory(app)() as session:
        why = why_chosen(session, actor(session, "hr"), annes(session, ids.round_id).id)
        low = [r for r in why.reasons if r.code == "low_home_load"]
        # Anne's home unit keeps 20 of her hours these weeks, Bo's none: hers is not lower.
        assert low == []


def test_both_leaders_and_hr_read_it_and_others_do_not(app: Litestar) -> None:
    ids = first_round(app)
    with factory(app)() as session:
        anne = annes(session, ids.round_id).id
        for reader in ("hr", "leder_sol", "leder_bs"):
            assert why_chosen(session, actor(session, reader), anne).deployment_id == anne
        for other in ("leder_hp", "bo", "carla"):
            with pytest.raises(NotFound):
                why_chosen(session, actor(session, other), anne)
