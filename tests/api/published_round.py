"""A published round built straight in the test database, for the assignment and checklist tests.

This week and next, Anne (borgerservice) works need n1 at Solgården (no contact person, so
its leader Frida is the contact) and Bo (borgerservice, risk group) works n3 at Solgården,
a day-shift need that is not exposed, whose contact person is Dorte (e4).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import NamedTuple, TypeVar

from litestar import Litestar
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from jobbank.checklists import create_checklists
from jobbank.core.days import stored_shift_times
from jobbank.core.weeks import monday_of
from jobbank.db.models import Need, Person, RoundStatus, Skill, Unit
from jobbank.deployments import open_deployments
from jobbank.rounds import create_round, store_result
from solver.contract import WEEKDAYS, RoundResult, ShiftTime, Weekday
from solver.contract import Assignment as Planned

THIS_MONDAY = monday_of(dt.date.today())
T = TypeVar("T")


class Ids(NamedTuple):
    """Ids of the rows the tests speak about."""

    round_id: int
    anne: int
    bo: int
    solgaarden: int
    borgerservice: int
    hjemmeplejen: int
    social_area: int
    """The area of Solgården and Hjemmeplejen."""


def factory(app: Litestar) -> sessionmaker[Session]:
    maker: sessionmaker[Session] = app.state["session_factory"]
    return maker


AHEAD = dt.timedelta(weeks=4)
"""How long before its start a round is published: its checklists' due dates then count from
the start alone (`jobbank.checklists.due_dates` moves no date that is this far off)."""


def publish(
    app: Litestar,
    *planned: Planned,
    start: dt.date = THIS_MONDAY,
    weeks: int = 4,
    published: dt.datetime | None = None,
) -> int:
    """Create, fill and publish a round with these assignments (by default four weeks before
    its start), with its checklists and deployments; returns its id."""
    with factory(app)() as session, session.begin():
        rnd = create_round(session, start=start, weeks=weeks)
        store_result(session, rnd, RoundResult(status="feasible", assignments=list(planned)))
        rnd.status = RoundStatus.PUBLISHED
        rnd.published_at = published or dt.datetime.combine(start - AHEAD, dt.time(12), dt.UTC)
        session.flush()
        create_checklists(session, rnd, by=None)
        open_deployments(session, rnd)
        return rnd.id


def propose(app: Litestar, *planned: Planned, start: dt.date = THIS_MONDAY) -> int:
    """A round that is only proposed: nobody but HR's round pages may see it."""
    with factory(app)() as session, session.begin():
        rnd = create_round(session, start=start, weeks=4)
        store_result(session, rnd, RoundResult(status="feasible", assignments=list(planned)))
        return rnd.id


def add_need(
    app: Litestar,
    ref: str,
    *,
    hours: float,
    weeks: int,
    description: str = "",
    contact: str | None = None,
) -> None:
    """A nurse need at Solgården from this week on; `contact` is an employee number."""
    with factory(app)() as session, session.begin():
        session.add(
            Need(
                ref=ref,
                unit=_by(session, Unit, code="solgaarden"),
                skill=_by(session, Skill, code="nurse"),
                hours=hours,
                first_week=THIS_MONDAY,
                last_week=THIS_MONDAY + dt.timedelta(weeks=weeks - 1),
                description=description,
                contact_person=_by(session, Person, employee_no=contact) if contact else None,
            )
        )


def add_need_n3(app: Litestar) -> None:
    add_need(app, "n3", hours=8, weeks=4, description="Aftenkaffe og samtale", contact="e4")


def first_round(app: Litestar) -> Ids:
    """Anne on n1 and Bo on n3 at Solgården, this week and next, published with checklists."""
    add_need_n3(app)
    return _publish_first_round(app)


EVENINGS = ShiftTime(days=list(WEEKDAYS[:5]), start="17:00", end="21:00")
"""Monday to Friday, 17:00–21:00: a shift of 4 hours, n3's smallest block."""


def first_round_on_evenings(app: Litestar, bo_away_days: Sequence[Weekday] = WEEKDAYS) -> Ids:
    """The first round, where n3 wants people on weekday evenings (`EVENINGS`) and Bo's home
    unit lets him be away on `bo_away_days`; the assignments of its first weeks have no days."""
    add_need_n3(app)
    with factory(app)() as session, session.begin():
        _by(session, Need, ref="n3").shift_times = stored_shift_times([EVENINGS])
        bo = _by(session, Person, employee_no="e2").volunteer
        assert bo is not None
        bo.away_days = [day.value for day in bo_away_days]
    return _publish_first_round(app)


def _publish_first_round(app: Litestar) -> Ids:
    round_id = publish(
        app,
        Planned(staff="e1", need="n1", week=0, hours=12),
        Planned(staff="e1", need="n1", week=1, hours=12),
        Planned(staff="e2", need="n3", week=0, hours=8),
        Planned(staff="e2", need="n3", week=1, hours=8),
    )
    with factory(app)() as session:
        return Ids(
            round_id=round_id,
            anne=_by(session, Person, employee_no="e1").id,
            bo=_by(session, Person, employee_no="e2").id,
            solgaarden=_by(session, Unit, code="solgaarden").id,
            borgerservice=_by(session, Unit, code="borgerservice").id,
            hjemmeplejen=_by(session, Unit, code="hjemmeplejen").id,
            social_area=_by(session, Unit, code="solgaarden").area_id,
        )


def _by(session: Session, model: type[T], **where: str) -> T:
    return session.scalars(select(model).filter_by(**where)).one()
