"""A direct assignment to a need with shift times gets its days, placed by the solver's day
stage around the person's other days; where the days cannot hold the hours it is refused,
naming the day rule, in Danish and English."""

from __future__ import annotations

import datetime as dt

import pytest
from litestar import Litestar
from sqlalchemy import select

from api.pages.refusals import sentence
from jobbank.core.errors import InvalidInput
from jobbank.db.models import Assignment, AssignmentChange, DayChange, Need
from jobbank.live_plan.shortlist import assign_directly, shortlist_for
from solver.contract import Weekday
from solver.day_rules import DayRule
from tests.api.published_round import THIS_MONDAY, factory, first_round_on_evenings
from tests.jobbank.live_plan.test_change_sets import actor

pytestmark = pytest.mark.filterwarnings("ignore::DeprecationWarning")
WEEK_2 = THIS_MONDAY + dt.timedelta(weeks=2)


def test_a_direct_assignment_to_evenings_is_saved_with_its_evenings(app: Litestar) -> None:
    ids = first_round_on_evenings(app)
    with factory(app)() as session, session.begin():
        n3 = session.scalars(select(Need.id).filter_by(ref="n3")).one()

        assign_directly(
            session, actor(session, "hr"), ids.round_id, person_id=ids.bo, need_id=n3,
            week=WEEK_2, hours=8,
        )  # fmt: skip

        row = session.scalars(
            select(Assignment).filter_by(round_id=ids.round_id, person_id=ids.bo, week=WEEK_2)
        ).one()
        days = row.work_days
        assert sum(d.hours for d in days) == 8 and len(days) == 2  # two whole evenings
        assert all(d.date.weekday() < 5 for d in days)
        assert {(d.start.isoformat("minutes"), d.end.isoformat("minutes")) for d in days} == {
            ("17:00", "21:00")
        }
        added = session.scalars(select(DayChange).filter_by(person_id=ids.bo)).all()
        assert sorted(c.date for c in added) == [d.date for d in days]
        assert all(c.day_before is None and c.day_after is not None for c in added)


def test_the_shortlist_offers_what_the_persons_evenings_hold(app: Litestar) -> None:
    """Bo may be away on Monday and Saturday, and the need is on weekday evenings: one
    evening of 4 hours is all he is offered for, more is refused and nothing is saved."""
    ids = first_round_on_evenings(app, bo_away_days=[Weekday.MON, Weekday.SAT])
    with factory(app)() as session, session.begin():
        n3 = session.scalars(select(Need.id).filter_by(ref="n3")).one()
        hr = actor(session, "hr")
        changes_before = len(session.scalars(select(AssignmentChange)).all())
        offer = {
            found.person.id: found.candidate.hours
            for found in shortlist_for(session, hr, ids.round_id, need_id=n3, week=WEEK_2)
        }

        with pytest.raises(InvalidInput) as refused:
            assign_directly(
                session, hr, ids.round_id, person_id=ids.bo, need_id=n3, week=WEEK_2, hours=7.5
            )
        assert len(session.scalars(select(AssignmentChange)).all()) == changes_before
        assign_directly(
            session, hr, ids.round_id, person_id=ids.bo, need_id=n3, week=WEEK_2, hours=4
        )
        row = session.scalars(
            select(Assignment).filter_by(round_id=ids.round_id, person_id=ids.bo, week=WEEK_2)
        ).one()

    assert offer[ids.bo] == 4
    assert (refused.value.field, refused.value.code) == ("hours", "more_than_offered")
    assert [(d.date.weekday(), d.hours) for d in row.work_days] == [(0, 4)]


def test_every_day_rule_has_its_own_words_for_a_direct_assignment() -> None:
    def refused(rule: DayRule) -> InvalidInput:
        return InvalidInput(
            "hours", "…", code="days_cannot_hold", params={"most": 4, "what": rule.value}
        )

    english = {sentence("en", refused(rule)) for rule in DayRule}
    danish = {sentence("da", refused(rule)) for rule in DayRule}
    assert len(english) == len(danish) == len(DayRule)
    assert all(words.endswith("at most 4 of these hours fit.") for words in english)
    assert all(words.endswith("højst 4 af disse timer kan være der.") for words in danish)
