"""A change to the published plan, read on a phone: the lent employee sees what changed since
they last looked at the top of their page, in Danish or English, and marks it seen."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from sqlalchemy import delete, select

from jobbank.core.settings import Settings
from jobbank.db import make_engine, make_session_factory, transaction
from jobbank.db.models import AllocationRound, Assignment, AssignmentChange, Person
from jobbank.db.models.live_plan import ChangesSeen
from tests.browser.conftest import Demo, choose_language, log_in
from tests.browser.pw import Page, expect

pytestmark = pytest.mark.xdist_group("browser")
PHONE_WIDTH = 390


@pytest.fixture
def anne_works_less(demo: Demo) -> Iterator[None]:
    """Anne's second week at Solgården goes from 12 to 8 hours, as applying a change set
    would write it; put back afterwards, as the other browser tests know the demo."""
    engine = make_engine(Settings(data_dir=demo.data_dir).url)
    factory = make_session_factory(engine)
    try:
        with transaction(factory) as session:
            anne = session.scalars(select(Person).filter_by(employee_no="e1001")).one()
            rnd = session.scalars(select(AllocationRound).order_by(AllocationRound.id)).first()
            assert rnd is not None
            row = session.scalars(
                select(Assignment)
                .filter_by(round_id=rnd.id, person_id=anne.id)
                .order_by(Assignment.week.desc())
            ).first()
            assert row is not None and row.hours == 12
            row.hours = 8
            session.add(
                AssignmentChange(
                    round_id=rnd.id,
                    person_id=anne.id,
                    need_id=row.need_id,
                    week=row.week,
                    hours_before=12,
                    hours_after=8,
                )
            )
            rnd.plan_revision += 1
            row_id = row.id
        yield
    finally:
        with transaction(factory) as session:
            session.execute(delete(AssignmentChange))
            session.execute(delete(ChangesSeen))
            session.get_one(Assignment, row_id).hours = 12
        engine.dispose()


def test_the_employee_reads_what_changed_on_a_phone_and_marks_it_seen(
    page: Page, anne_works_less: None
) -> None:
    page.set_viewport_size({"width": PHONE_WIDTH, "height": 844})
    log_in(page, "anne")

    section = page.locator("#plan-changes")
    expect(section.get_by_role("heading")).to_have_text("Hvad er ændret, siden du sidst kiggede")
    expect(section).to_contain_text("1 ny ændring")
    expect(section.locator("li.new")).to_contain_text("12 → 8 timer")
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= PHONE_WIDTH, f"the page is {width} px wide on a phone"

    choose_language(page, "English")
    expect(section.get_by_role("heading")).to_have_text("What changed since you last looked")
    expect(section.locator("li.new")).to_contain_text("12 → 8 hours")
    section.get_by_role("button", name="Mark as seen").click()
    page.wait_for_url("**/")
    expect(section).to_contain_text("Nothing new since you last looked")
    expect(section.locator("li.new")).to_have_count(0)
    choose_language(page, "Dansk")
