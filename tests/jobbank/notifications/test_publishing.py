"""Publishing a round tells each person their part, in their language, by e-mail through the
outbox: who comes to a unit, what changed since the last round, and never more than one
message per event."""

from __future__ import annotations

from pathlib import Path

from jobbank.db import transaction
from jobbank.db.models import MessageKind, MessageStatus
from jobbank.notifications import announce_round
from jobbank.rounds import get_round, publish_round
from jobbank.runtime.mail import send_outbox
from solver.contract import Assignment as Planned
from tests.jobbank.notifications.conftest import (
    ANNE_AT_SOLGAARDEN,
    BO_AT_HJEMMEPLEJEN,
    Factory,
    Inbox,
    messages,
    publish,
    settings_for,
)
from tests.lookups import actor, person


def test_publishing_mails_each_person_their_part_in_their_language(
    factory: Factory, mail_server: tuple[Inbox, int], tmp_path: Path
) -> None:
    inbox, port = mail_server
    with transaction(factory) as session:
        person(session, "e1").language = "en"
    publish(factory, *ANNE_AT_SOLGAARDEN, BO_AT_HJEMMEPLEJEN)

    report = send_outbox(factory, settings_for(port, tmp_path))

    assert report.sent == 4
    assert sorted(to for recipients, _ in inbox.mails for to in recipients) == [
        "anne@x.example",
        "bo@x.example",
        "frida@x.example",
        "gustav@x.example",
    ]
    (anne,) = inbox.to("anne@x.example")
    assert anne["Subject"].startswith("Your assignments in the job bank")
    assert anne["From"] == "Jobbank <jobbank@x.example>"
    body = anne.get_content()
    assert "Plejecenter Solgården" in body and "12 hours" in body
    assert "Contact: Frida Leder, phone 55 55 55 55" in body
    (bo,) = inbox.to("bo@x.example")
    assert bo["Subject"].startswith("Dine opgaver i Jobbanken")
    assert "Hjemmeplejen" in bo.get_content() and "8 timer" in bo.get_content()
    (frida,) = inbox.to("frida@x.example")
    assert frida["Subject"].startswith("Hvem kommer til jer")
    assert "Anne Jensen" in frida.get_content() and "Bo Nielsen" not in frida.get_content()
    (gustav,) = inbox.to("gustav@x.example")
    assert "Bo Nielsen" in gustav.get_content() and "Anne Jensen" not in gustav.get_content()
    for _, sent in inbox.mails:  # Bo is in a risk group; no message may say so
        assert "risiko" not in sent.get_content().lower()
        assert "risk" not in sent.get_content().lower()
    statuses = {m.status for _, m in messages(factory)}
    assert statuses == {MessageStatus.SENT}


def test_a_later_round_tells_what_changed_also_to_who_lost_everything(factory: Factory) -> None:
    publish(factory, *ANNE_AT_SOLGAARDEN, BO_AT_HJEMMEPLEJEN)
    first = len(messages(factory))
    publish(
        factory,
        Planned(staff="e1", need="n1", week=0, hours=12),
        Planned(staff="e1", need="n1", week=1, hours=8),
    )

    later = dict(messages(factory)[first:])
    assert sorted(later) == ["e1", "e2", "e6"]  # Anne, Bo and Frida; Gustav gets nobody now
    assert later["e1"].kind is MessageKind.ASSIGNMENT_CHANGED
    assert "Plejecenter Solgården: 12 → 8 timer" in later["e1"].body
    assert later["e2"].kind is MessageKind.ASSIGNMENT_CHANGED
    assert "udgår (var 8 timer)" in later["e2"].body
    assert "Du har ikke længere opgaver" in later["e2"].body
    assert later["e6"].kind is MessageKind.ROUND_PUBLISHED


def test_an_unchanged_plan_is_told_as_published(factory: Factory) -> None:
    publish(factory, *ANNE_AT_SOLGAARDEN)
    first = len(messages(factory))
    publish(factory, *ANNE_AT_SOLGAARDEN)
    later = dict(messages(factory)[first:])
    assert later["e1"].kind is MessageKind.ROUND_PUBLISHED


def test_each_event_makes_at_most_one_message(factory: Factory) -> None:
    round_id = publish(factory, *ANNE_AT_SOLGAARDEN, BO_AT_HJEMMEPLEJEN)
    count = len(messages(factory))
    with transaction(factory) as session:
        publish_round(session, actor(session, "hr"), round_id)  # published already: no-op
        assert announce_round(session, get_round(session, round_id)) == 0
    assert len(messages(factory)) == count == 4
