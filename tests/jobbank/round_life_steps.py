"""The rest of the round's life: leaders edit needs, HR creates rounds, pins and unpins,
solves and publishes them."""

from __future__ import annotations

import datetime as dt
from typing import NamedTuple

from hypothesis import strategies as st
from hypothesis.stateful import initialize, precondition, rule
from sqlalchemy import select
from sqlalchemy.orm import Session

from jobbank import needs, rounds
from jobbank.core.errors import Conflict, InvalidInput, NotFound
from jobbank.db import transaction
from jobbank.db.models import Assignment, MessageKind, Need, OutboxMessage, RoundStatus
from tests.jobbank.round_life import (
    PICK,
    WEEK0,
    NeedModel,
    Plans,
    RoundModel,
    first_those,
    published_row,
)
from tests.jobbank.round_life_solving import WORKER, SolveSteps

MAX_ROUNDS = 4


class HrStep(NamedTuple):
    act: str
    pick: int
    worker: str
    staff: str
    need: int
    week: int
    hours: float


class NeedChange(NamedTuple):
    pick: int
    what: str
    week: int
    hours: float


class NewRound(NamedTuple):
    offset: int
    weeks: int
    worker: str


HR_ACTS = st.sampled_from(["pin", "publish", "solve", "unpin", "pin", "cancel"])
STAFF = st.sampled_from(["e5", "e1", "e2", "e6", "e3", "e4"])
"""Approved volunteers first; e3 is not approved yet and e4 never volunteered."""
NEED_CHANGES = st.sampled_from(["hours", "week", "close", "reopen", "stale"])
NEED_HOURS = st.sampled_from([0.0, 6.0, 20.0, 30.0])

NEW_WORKER = st.sampled_from(["runs", "none"]) | WORKER
"""A new round is mostly solved at once ("none": it is not)."""

HOURS = st.sampled_from([4.0, 8.0, 12.0, 30.0])
"""Pin hours: some fit, some break capacity, need hours or the minimum block."""


class RoundSteps(SolveSteps):
    """The machine's steps on needs and rounds, HR's acts and publishing."""

    # --- needs ------------------------------------------------------------------------

    @rule(change=st.builds(NeedChange, PICK, NEED_CHANGES, st.integers(-1, 6), NEED_HOURS))
    def leader_changes_a_need(self, change: NeedChange) -> None:
        """A leader edits a need's hours or one week's hours, closes or reopens it, or sends
        an edit made to an older copy."""
        pick, what, week, hours = change
        need = self.needs[pick % len(self.needs)]
        if what in ("close", "reopen"):
            self._close_or_reopen(need, close=what == "close")
            return
        monday = WEEK0 + dt.timedelta(weeks=week)
        weeks = need.weeks | {monday: hours} if what == "week" else need.weeks
        hours = need.hours if what == "week" else hours
        patch = needs.NeedPatch.model_construct(  # as a page may build it: the service checks
            hours=hours,
            weeks=[needs.WeekHours(week=w, hours=h) for w, h in sorted(weeks.items())],
            version=1,
        )
        if what == "stale":
            self._refused(Conflict, lambda s: self._patch(s, need, patch, offset=-1))
        elif what == "hours" and hours == 0:  # a need of no hours a week is no need
            self._refused(InvalidInput, lambda s: self._patch(s, need, patch), "hours")
        elif not need.first_week <= monday <= need.last_week and what == "week":
            wrong = f"weeks[{sorted(weeks).index(monday)}].week"
            self._refused(InvalidInput, lambda s: self._patch(s, need, patch), wrong)
        else:
            with transaction(self.factory) as session:
                self._patch(session, need, patch)
            changed = (need.hours, need.weeks) != (hours, weeks)
            need.hours, need.weeks = hours, weeks
            self._done(*([("update", "need")] if changed else []))

    def _patch(
        self, session: Session, need: NeedModel, patch: needs.NeedPatch, offset: int = 0
    ) -> None:
        version = session.get_one(Need, need.id).version + offset
        needs.edit_need(
            session, self.coordinator, need.id, patch.model_copy(update={"version": version})
        )

    def _close_or_reopen(self, need: NeedModel, *, close: bool) -> None:
        change = needs.close_need if close else needs.reopen_need

        def step(session: Session) -> None:
            change(session, self.coordinator, need.id, session.get_one(Need, need.id).version)

        if need.open != close:  # already closed, or already open
            self._refused(Conflict, step)
            return
        with transaction(self.factory) as session:
            step(session)
        need.open = not close
        self._done(("close" if close else "reopen", "need"))

    # --- rounds -----------------------------------------------------------------------

    @initialize(
        published=st.booleans(),
        offset=st.integers(min_value=0, max_value=2),
        weeks=st.sampled_from([2, 3, 1]),
        worker=WORKER,
    )
    def a_round_being_solved(self, published: bool, offset: int, weeks: int, worker: str) -> None:
        """Every run starts with a round being solved, half of them after a round over the
        first weeks was published, so that most runs get to the later steps of the life."""
        if published:
            self.create_round(0, 3, "runs")
            self._publish(self.rounds[0])
        self.create_round(offset, weeks, worker)

    @precondition(lambda self: len(self.rounds) < MAX_ROUNDS)
    @rule(new=st.builds(NewRound, st.integers(0, 3), st.sampled_from([2, 3, 1, 0]), NEW_WORKER))
    def hr_creates_a_round(self, new: NewRound) -> None:
        """HR creates a round, and mostly solves it at once (`worker`: see `WORKER`)."""
        self.create_round(*new)

    def create_round(self, offset: int, weeks: int, worker: str) -> None:
        start = WEEK0 + dt.timedelta(weeks=offset)
        if weeks == 0:
            self._refused(
                InvalidInput, lambda s: rounds.create_round(s, start=start, weeks=weeks), "weeks"
            )
            return
        with transaction(self.factory) as session:
            rnd = rounds.create_round(
                session, start=start, weeks=weeks, by=self.coordinator.user_id
            )
            made = RoundModel(rnd.id, start, weeks, dict(rnd.input_snapshot or {}))
            previous = rnd.previous_round_id
        self._check_snapshot(made, previous)
        self.rounds.append(made)
        self._done(("create", "round"))
        if worker != "none":
            self._solve(made, worker)

    def _check_snapshot(self, made: RoundModel, previous_id: int | None) -> None:
        """The new round plans the open needs with hours in its weeks, as edited, and starts
        from the latest published round that begins before it ends (`previous`): the plan in
        effect for those of its weeks that round covers."""
        snapshot = made.input
        mondays = [made.monday(w) for w in range(made.weeks)]
        wanted = {
            n.ref: [n.hours_in(m) for m in mondays]
            for n in self.needs
            if n.open and any(n.hours_in(m) > 0 for m in mondays)
        }
        assert {n.id: list(n.hours) for n in snapshot.needs} == wanted
        earlier = [self._round_by_id(i) for i in self.published_order]
        before = [rnd for rnd in earlier if rnd.start < made.monday(made.weeks)]
        previous = before[-1] if before else None
        assert previous_id == (previous.id if previous else None)
        expected = set()
        for (staff, need, w), (hours, _) in previous.rows.items() if previous else ():
            week = made.index_of(previous.monday(w)) if previous else -1
            if 0 <= week < made.weeks and need in wanted:
                expected.add((staff, need, week, hours))
        assert {(a.staff, a.need, a.week, a.hours) for a in snapshot.previous} == expected
        told = self._told()
        for a in snapshot.previous:  # never anything but what people were told
            assert told[a.staff][(a.need, made.monday(a.week))] == a.hours
        assert snapshot.pinned == []

    @precondition(lambda self: self.rounds)
    @rule(step=st.builds(HrStep, HR_ACTS, PICK, WORKER, STAFF, PICK, st.integers(-1, 3), HOURS))
    def hr(self, step: HrStep) -> None:
        """HR acts on a round: the `pick`th, counting first those the act moves on. `worker`
        says what the worker of a solve does at once; a pin is solved again at once when it
        says "runs". `staff`, `need`, `week` (of the round) and `hours` are the pin's."""
        act, pick, worker, staff, need, week, hours = step
        if act == "solve":
            self._solve(first_those(self.rounds, RoundModel.wants_solving, pick), worker)
        elif act == "cancel":
            self._cancel(first_those(self.rounds, RoundModel.solving, pick))
        elif act == "pin":
            rnd = first_those(self.rounds, RoundModel.changeable, pick)
            pinned = self._pin(rnd, staff, self.needs[need % len(self.needs)], week, hours)
            if pinned and worker == "runs":
                self._solve(rnd, worker)
        elif act == "unpin":
            self._unpin(first_those(self.rounds, RoundModel.has_pins, pick), need)
        else:
            self._publish(first_those(self.rounds, RoundModel.proposed, pick))

    def _pin(self, rnd: RoundModel, staff: str, target: NeedModel, week: int, hours: float) -> bool:
        """HR pins someone to a need for a week of the round; True if that was allowed."""

        def step(session: Session) -> None:
            rounds.pin_assignment(
                session,
                self.coordinator,
                rnd.id,
                person_id=self.person_ids[staff],
                need_id=target.id,
                week=rnd.monday(week),
                hours=hours,
            )

        snapshot = rnd.input
        wrong = [
            name
            for name, ok in [
                ("person_id", staff in {s.id for s in snapshot.staff}),  # approved volunteers
                ("need_id", target.ref in {n.id for n in snapshot.needs}),
                ("week", 0 <= week < rnd.weeks),
            ]
            if not ok
        ]
        if not rnd.changeable():
            self._refused(Conflict, step)
        elif wrong:
            self._refused(InvalidInput, step, wrong[0])
        else:
            with transaction(self.factory) as session:
                step(session)
            rnd.rows[(staff, target.ref, week)] = (hours, True)
            self._done(("pin", "assignment"))
            return True
        return False

    def _unpin(self, rnd: RoundModel, row: int) -> None:
        """Unpin one of the round's assignments, pinned ones first; or one of another round's,
        which is not found through this round."""
        with transaction(self.factory) as session:
            rows = session.scalars(select(Assignment).order_by(Assignment.id)).all()
            if not rows:
                return
            ordered = sorted(rows, key=lambda a: (a.round_id != rnd.id, not a.pinned))
            chosen = ordered[row % len(ordered)]
            assignment_id, owner = chosen.id, chosen.round_id
            week = self._round_by_id(owner).index_of(chosen.week)
            key = (chosen.person.employee_no, chosen.need.ref, week)

        def step(session: Session) -> None:
            rounds.unpin_assignment(session, self.coordinator, rnd.id, assignment_id)

        if owner != rnd.id:
            self._refused(NotFound, step)
        elif not rnd.changeable():
            self._refused(Conflict, step)
        else:
            with transaction(self.factory) as session:
                step(session)
            if key in rnd.solved:
                rnd.rows[key] = (rnd.solved[key], False)
            else:
                del rnd.rows[key]
            self._done(("unpin", "assignment"))

    def _publish(self, rnd: RoundModel) -> None:
        def step(session: Session) -> None:
            rounds.publish_round(session, self.coordinator, rnd.id)

        if rnd.status is RoundStatus.PUBLISHED:  # again: nothing changes, nothing is written
            with transaction(self.factory) as session:
                step(session)
            assert self._audit_total() == self.audit_total
        elif rnd.status is not RoundStatus.PROPOSED or not rnd.plan_is_solved():
            self._refused(Conflict, step)  # nothing to publish, or pins changed the plan
        else:
            told = self._told()
            with transaction(self.factory) as session:
                step(session)
                rnd.published_at = self._db_round(session, rnd.id).published_at
                rnd.published_rows = {
                    published_row(row)
                    for row in session.scalars(select(Assignment).filter_by(round_id=rnd.id))
                }
            rnd.status = RoundStatus.PUBLISHED
            self.published_order.append(rnd.id)
            self._check_announced(rnd, told)
            self._done(("publish", "round"))

    def _check_announced(self, rnd: RoundModel, told: Plans) -> None:
        """Everyone with hours in the round, or whose hours in its weeks it takes away, gets a
        message: "changed" when the round's weeks now differ from what they were told."""
        now: Plans = {}
        for (staff, need, w), (hours, _) in rnd.rows.items():
            now.setdefault(staff, {})[(need, rnd.monday(w))] = hours
        expected = {}
        for staff in told.keys() | now.keys():
            before = {key: h for key, h in told.get(staff, {}).items() if rnd.covers(key[1])}
            mine = now.get(staff, {})
            if before and before != mine:
                expected[self.person_ids[staff]] = MessageKind.ASSIGNMENT_CHANGED
            elif mine:
                expected[self.person_ids[staff]] = MessageKind.ROUND_PUBLISHED
        with transaction(self.factory) as session:
            sent = (
                session.execute(
                    select(OutboxMessage.person_id, OutboxMessage.kind).where(
                        OutboxMessage.dedupe_key.startswith(f"round:{rnd.id}:person:")
                    )
                )
                .tuples()
                .all()
            )
        assert len(sent) == len(expected) and dict(sent) == expected
