"""Who the provider's person is in Jobbank, and each log-in attempt good once."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from jobbank.core.roles import Role
from jobbank.db.models import AuditEntry, Person, UserAccount
from jobbank.seeding import load_municipality
from jobbank.sign_on import attempts
from jobbank.sign_on.config import SignOnSettings
from jobbank.sign_on.matching import account_for
from jobbank.sign_on.refusals import SignOnRefused
from tests.builders import a_municipality

NOW = dt.datetime(2026, 12, 7, 9, 0, tzinfo=dt.UTC)
BY_EMAIL = SignOnSettings(issuer="https://login.example.dk", client_id="jobbank")
BY_NUMBER = BY_EMAIL.model_copy(update={"match_claim": "employee_id", "match_field": "employee_no"})
BY_GROUPS = BY_EMAIL.model_copy(
    update={
        "groups_claim": "groups",
        "group_roles": {"jobbank-hr": Role.HR_COORDINATOR, "leaders": Role.UNIT_LEADER},
    }
)


@pytest.fixture
def world(session: Session) -> Session:
    load_municipality(session, a_municipality(), today=NOW.date())
    return session


def refusal(session: Session, claims: dict[str, object], settings: SignOnSettings) -> str:
    with pytest.raises(SignOnRefused) as refused:
        account_for(session, claims, settings)
    return refused.value.code


def test_a_person_with_an_account_signs_on_to_it_with_its_roles(world: Session) -> None:
    user = account_for(world, {"email": "ANNE@x.example"}, BY_EMAIL)  # e-mail case differs
    assert (user.username, user.roles) == ("anne", {Role.STAFF})


def test_the_employee_number_can_name_the_person(world: Session) -> None:
    user = account_for(world, {"employee_id": "e4"}, BY_NUMBER)
    assert user.username == "hr"
    assert user.roles == {Role.HR_COORDINATOR, Role.UNIT_LEADER}


def test_a_first_sign_on_makes_an_account_with_jobbanks_roles(world: Session) -> None:
    user = account_for(world, {"email": "bo@x.example"}, BY_EMAIL)
    assert (user.username, user.roles, user.person.name) == ("e2", {Role.STAFF}, "Bo Nielsen")
    made = world.scalars(select(AuditEntry).where(AuditEntry.entity_id == str(user.id))).one()
    assert made.action == "create" and made.after["via"] == "sign_on"
    assert account_for(world, {"email": "bo@x.example"}, BY_EMAIL).id == user.id  # once


def test_a_leader_signing_on_first_gets_the_leader_role(world: Session) -> None:
    dorte = world.scalars(select(Person).where(Person.employee_no == "e4")).one()
    world.delete(dorte.account)  # as if HR had made her a leader but never a log-in
    world.flush()
    world.expire(dorte)
    user = account_for(world, {"email": "dorte@x.example"}, BY_EMAIL)
    assert user.roles == {Role.STAFF, Role.UNIT_LEADER}


@pytest.mark.parametrize(
    ("claims", "code"),
    [
        ({"email": "nobody@x.example"}, "unknown_person"),
        ({}, "missing_claim"),
        ({"email": ""}, "missing_claim"),
        ({"email": ["anne@x.example"]}, "missing_claim"),
        ({"email": "a" * 255}, "missing_claim"),
    ],
)
def test_a_claim_naming_nobody_gets_no_account(
    world: Session, claims: dict[str, object], code: str
) -> None:
    accounts_before = world.scalars(select(UserAccount.id)).all()
    assert refusal(world, claims, BY_EMAIL) == code
    assert world.scalars(select(UserAccount.id)).all() == accounts_before


def test_an_erased_person_cannot_sign_on(world: Session) -> None:
    anne = world.scalars(select(Person).where(Person.employee_no == "e1")).one()
    anne.erased_at = NOW
    world.flush()
    assert refusal(world, {"email": "anne@x.example"}, BY_EMAIL) == "unknown_person"


def test_two_people_with_one_email_are_not_guessed_between(world: Session) -> None:
    carla = world.scalars(select(Person).where(Person.employee_no == "e3")).one()
    carla.email = "anne@x.example"
    world.flush()
    assert refusal(world, {"email": "anne@x.example"}, BY_EMAIL) == "ambiguous_person"


def test_a_switched_off_account_stays_off(world: Session) -> None:
    anne = world.scalars(select(UserAccount).where(UserAccount.username == "anne")).one()
    anne.is_active = False
    world.flush()
    assert refusal(world, {"email": "anne@x.example"}, BY_EMAIL) == "account_disabled"


def test_groups_decide_the_roles_at_every_sign_on_when_mapped(world: Session) -> None:
    claims: dict[str, object] = {"email": "anne@x.example", "groups": ["jobbank-hr", "x"]}
    assert account_for(world, claims, BY_GROUPS).roles == {Role.HR_COORDINATOR}
    claims["groups"] = []
    assert account_for(world, claims, BY_GROUPS).roles == {Role.STAFF}
    changes = world.scalars(select(AuditEntry).where(AuditEntry.action == "change_roles")).all()
    assert [c.after["roles"] for c in changes] == [["hr_coordinator"], ["staff"]]


def test_the_leader_role_from_a_group_needs_a_unit_to_lead(world: Session) -> None:
    anne = {"email": "anne@x.example", "groups": ["leaders"]}
    assert account_for(world, anne, BY_GROUPS).roles == {Role.STAFF}  # leads nothing
    dorte = {"email": "dorte@x.example", "groups": ["leaders"]}
    assert account_for(world, dorte, BY_GROUPS).roles == {Role.UNIT_LEADER}


def test_an_attempt_is_good_once_in_its_own_browser_and_while_fresh(session: Session) -> None:
    begun = attempts.begin(session, redirect_url="https://j/cb", now=NOW)
    with pytest.raises(SignOnRefused, match="other_browser"):
        attempts.take(session, state=begun.state, browser="another browser", now=NOW)
    taken = attempts.take(session, state=begun.state, browser=begun.browser, now=NOW)
    assert (taken.nonce, taken.code_verifier) == (begun.nonce, begun.code_verifier)
    with pytest.raises(SignOnRefused, match="state_replayed"):
        attempts.take(session, state=begun.state, browser=begun.browser, now=NOW)
    with pytest.raises(SignOnRefused, match="unknown_state"):
        attempts.take(session, state="made-up", browser=begun.browser, now=NOW)
    late = attempts.begin(session, redirect_url="https://j/cb", now=NOW)
    with pytest.raises(SignOnRefused, match="sign_on_expired"):
        attempts.take(
            session, state=late.state, browser=late.browser, now=NOW + attempts.ATTEMPT_LIFETIME * 2
        )


def test_old_attempts_are_swept_when_new_ones_begin(session: Session) -> None:
    attempts.begin(session, redirect_url="https://j/cb", now=NOW)
    later = NOW + attempts.ATTEMPT_LIFETIME + attempts.KEPT_AFTER_EXPIRY + dt.timedelta(minutes=1)
    fresh = attempts.begin(session, redirect_url="https://j/cb", now=later)
    with pytest.raises(SignOnRefused, match="unknown_state"):
        attempts.take(session, state="x", browser=fresh.browser, now=later)
    from jobbank.db.models import SignOnAttempt

    assert session.scalars(select(SignOnAttempt.id)).all() == [
        session.scalars(select(SignOnAttempt.id)).one()
    ]


def test_log_ins_under_way_have_a_bound(session: Session, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(attempts, "MAX_OPEN_ATTEMPTS", 2)
    for _ in range(2):
        attempts.begin(session, redirect_url="https://j/cb", now=NOW)
    with pytest.raises(SignOnRefused, match="too_many_sign_ons"):
        attempts.begin(session, redirect_url="https://j/cb", now=NOW)
    later = NOW + attempts.ATTEMPT_LIFETIME + dt.timedelta(seconds=1)  # those two went stale
    assert attempts.begin(session, redirect_url="https://j/cb", now=later).state
