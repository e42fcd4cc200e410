"""A published round's message tells the days of each week that has them, with their times,
in the person's language (and the receiving leader's message the same)."""

from __future__ import annotations

import datetime as dt

from babel.dates import format_date

from jobbank.db import transaction
from solver.contract import Assignment as Planned
from solver.contract import WorkDay
from tests.api.published_round import THIS_MONDAY
from tests.jobbank.notifications.conftest import Factory, messages, publish
from tests.lookups import person

TUESDAY = THIS_MONDAY + dt.timedelta(days=1)
SATURDAY = THIS_MONDAY + dt.timedelta(days=5)
ANNE_BY_DAY = Planned(
    staff="e1",
    need="n1",
    week=0,
    hours=15,
    days=(
        WorkDay(date=TUESDAY, start="07:00", end="14:00", hours=7),
        WorkDay(date=SATURDAY, start="22:00", end="06:00", hours=8),
    ),
)


def test_the_message_tells_each_day_and_its_times(factory: Factory) -> None:
    with transaction(factory) as session:
        person(session, "e1").language = "en"
    publish(factory, ANNE_BY_DAY, Planned(staff="e1", need="n1", week=1, hours=12))

    told = dict(messages(factory))

    anne, frida = told["e1"].body, told["e6"].body
    tuesday = format_date(TUESDAY, format="EEEE d MMMM", locale="en")
    assert f"{tuesday}: 07:00–14:00" in anne
    assert f"{format_date(SATURDAY, format='EEEE d MMMM', locale='en')}: 22:00–06:00" in anne
    assert "12 hours" in anne  # the next week, by the week alone
    assert f"{format_date(TUESDAY, format='EEEE d. MMMM', locale='da')}: 07:00–14:00" in frida
