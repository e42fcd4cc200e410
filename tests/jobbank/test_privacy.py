"""Erasure in rounds still to be planned, retention of old rounds, and both commands.

The test municipality (tests/builders.py): Anne (e1) and Bo (e2, risk group) volunteer from
Borgerservice; Solgården's need n1 is exposed, n2 at Hjemmeplejen is for cleaning."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest
from click.testing import CliRunner
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from jobbank.checklists import create_checklists
from jobbank.cli.main import main
from jobbank.core.access import actor_for
from jobbank.db.models import (
    AllocationRound,
    Assignment,
    AuditEntry,
    Checklist,
    ChecklistItem,
    MessageStatus,
    OutboxMessage,
    RoundStatus,
    UserAccount,
)
from jobbank.notifications import announce_round
from jobbank.people import update_person
from jobbank.privacy import apply_retention, erase_person, plan_retention
from jobbank.report import report_of
from jobbank.rounds import create_round, store_result
from jobbank.seeding import load_municipality
from solver.contract import Assignment as Planned
from solver.contract import RoundResult, parse_round_input, parse_round_result
from tests import lookups
from tests.builders import a_municipality

MONDAY = dt.date(2026, 3, 16)
ENDED = MONDAY + dt.timedelta(weeks=4)
"""The day after the round's last week."""


@pytest.fixture
def seeded(session: Session) -> Session:
    load_municipality(session, a_municipality(), today=MONDAY)
    return session


def hr_user(session: Session) -> UserAccount:
    return lookups.user(session, "hr")


def a_round(session: Session, *, publish: bool, pin: bool = False) -> AllocationRound:
    """Anne on n1 (her only need) the first two weeks; published with checklists and
    announced, or only proposed."""
    rnd = create_round(session, start=MONDAY, weeks=4)
    planned = [Planned(staff="e1", need="n1", week=w, hours=12) for w in (0, 1)]
    store_result(session, rnd, RoundResult(status="feasible", assignments=planned))
    if pin:
        for row in rnd.assignments:
            row.pinned = True
    if publish:
        rnd.status, rnd.published_at = RoundStatus.PUBLISHED, dt.datetime.now(dt.UTC)
        session.flush()
        create_checklists(session, rnd, by=None)
        announce_round(session, rnd)
    session.flush()
    return rnd


def test_erasing_someone_in_a_proposal_unpins_them_and_keeps_them_out_of_a_re_solve(
    seeded: Session,
) -> None:
    rnd = a_round(seeded, publish=False, pin=True)
    anne = lookups.person(seeded, "e1")

    erase_person(seeded, actor_for(hr_user(seeded)), anne.id)

    snapshot = parse_round_input(rnd.input_snapshot)
    entry = next(s for s in snapshot.staff if s.id == f"erased-{anne.id}")
    assert entry.name == f"Slettet person {anne.id}" and not any(entry.available)
    assert [(row.person_id, row.pinned) for row in rnd.assignments] == [(anne.id, False)] * 2
    assert "e1" not in {a.staff for a in parse_round_result(rnd.result).assignments}


def test_an_erased_leader_leaves_shared_units_and_the_log_keeps_facts_not_identity(
    seeded: Session,
) -> None:
    hr = actor_for(hr_user(seeded))
    anne = lookups.person(seeded, "e1")
    solgaarden = lookups.unit(seeded, "solgaarden")
    solgaarden.leaders.append(anne)  # beside Dorte
    update_person(seeded, hr, anne.id, anne.version, {"email": "anne.j@x.example"})
    changed = seeded.scalars(select(AuditEntry).filter_by(entity="person", action="update")).one()

    erase_person(seeded, hr, anne.id)

    assert [leader.employee_no for leader in solgaarden.leaders] == ["e4"]
    seeded.refresh(changed)
    assert (changed.before, changed.after) == ({"email": "erased"}, {"email": "erased"})
    erased = seeded.scalars(select(AuditEntry).filter_by(action="erase")).one()
    assert erased.after is not None and erased.after["units_left"] == ["solgaarden"]
    assert "Anne" not in json.dumps(erased.after) and "e1" not in json.dumps(erased.after)


def test_retention_keeps_the_plan_but_not_who_and_changes_nothing_the_second_time(
    seeded: Session,
) -> None:
    rnd = a_round(seeded, publish=True)
    item = seeded.scalars(
        select(ChecklistItem).join(Checklist).where(Checklist.round_id == rnd.id)
    ).first()
    assert item is not None
    item.done_at, item.done_by_id = dt.datetime.now(dt.UTC), hr_user(seeded).id
    messages = seeded.scalars(select(OutboxMessage)).all()
    assert len(messages) >= 2
    sent, waiting = messages[0], messages[1]
    sent.status, waiting.status = MessageStatus.SENT, MessageStatus.PENDING
    for message in messages:
        message.created_at = dt.datetime(2026, 3, 1, tzinfo=dt.UTC)
    seeded.flush()
    too_soon = plan_retention(seeded, days=30, today=ENDED + dt.timedelta(days=10))
    assert too_soon.round_ids == [] and too_soon.checklist_items == 0

    dry = plan_retention(seeded, days=5, today=ENDED + dt.timedelta(days=10))
    assert (dry.round_ids, dry.checklist_items) == ([rnd.id], 1)
    assert "Anne Jensen" in json.dumps(rnd.input_snapshot)  # a dry run changes nothing
    done = apply_retention(seeded, days=5, today=ENDED + dt.timedelta(days=10))

    assert done.round_ids == [rnd.id] and done.messages == dry.messages == 1
    stored = json.dumps([rnd.input_snapshot, rnd.result], ensure_ascii=False)
    assert "Anne Jensen" not in stored and "Bo Nielsen" not in stored and '"e1"' not in stored
    snapshot = parse_round_input(rnd.input_snapshot)
    assert [s.id for s in snapshot.staff] == ["anon-1", "anon-2"]
    assert not any(s.risk_group for s in snapshot.staff)  # Bo's flag is gone
    assert {a.staff for a in parse_round_result(rnd.result).assignments} == {"anon-1"}
    assert seeded.scalar(select(func.count()).where(Assignment.round_id == rnd.id)) == 2
    assert report_of(seeded, rnd).people.lent_hours == 24.0  # the report still reads the round
    seeded.refresh(item)
    assert item.done_at is not None and item.done_by_id is None
    left = set(seeded.scalars(select(OutboxMessage.id)).all())
    assert sent.id not in left and waiting.id in left  # unsent messages are still to go out
    again = apply_retention(seeded, days=5, today=ENDED + dt.timedelta(days=10))
    assert (again.round_ids, again.checklist_items, again.messages) == ([], 0, 0)
    logged = seeded.scalars(select(AuditEntry).filter_by(action="retention")).all()
    assert len(logged) == 1 and logged[0].after is not None
    assert logged[0].after["rounds"] == [rnd.id]


def run(*args: str, given: str | None = None) -> tuple[int, str]:
    result = CliRunner().invoke(main, list(args), input=given)
    return result.exit_code, result.output


def test_the_commands_erase_after_asking_and_apply_retention(
    data_dir: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    fixture = tmp_path / "testrup.json"
    fixture.write_text(a_municipality().model_dump_json())
    assert run("seed", str(fixture), "--today", MONDAY.isoformat())[0] == 0

    exported = tmp_path / "carla.json"
    code, output = run("person", "export", "e3", "-o", str(exported))
    assert code == 0, output
    carla = json.loads(exported.read_text(encoding="utf-8"))
    assert carla["person"]["name"] == "Carla Hansen" and carla["plan_events"] == []
    assert "risk" not in exported.read_text(encoding="utf-8").lower()

    declined = run("person", "erase", "e3", given="n\n")
    assert declined[0] == 1 and "Erase Carla Hansen (e3)?" in declined[1]
    code, output = run("person", "erase", "e3", "--yes")
    assert code == 0 and "now 'Slettet person 3'" in output, output
    assert run("person", "erase", "e3")[0] == 2  # no such employee number any more
    code, output = run("person", "erase", "3", "--yes")
    assert code == 2 and "already erased" in output
    code, output = run("person", "erase", "e4", "--yes")  # Dorte alone leads Solgården
    assert code == 2 and "only leader of solgaarden" in output

    monkeypatch.setenv("JOBBANK_RETENTION_DAYS", "0")
    code, output = run("retention", "apply")
    assert code == 2 and "retention is off" in output
    code, output = run("retention", "apply", "--days", "1", "--dry-run")
    assert code == 0 and "would erase personal data of rounds none" in output, output
