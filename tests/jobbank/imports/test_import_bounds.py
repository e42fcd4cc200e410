"""Every column an import reads keeps its bound or the text policy, walked from the
importers' own `COLUMNS`, so a column added later must say what it holds and is walked too.

A number just beyond its bound, a date outside 2000–2099 and text against the policy are each
a problem naming the row and the file's column; the bound itself is taken."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from pydantic import TypeAdapter
from sqlalchemy.orm import Session

from jobbank.core.access import Actor
from jobbank.imports import IMPORTERS, Kind
from jobbank.imports.rows import CHOICE, FLAG, LOOKUP, SHIFT_TIMES
from tests.jobbank.imports.test_imports import csv_bytes, has_problem, hr, run  # noqa: F401 (a fixture)

MONDAY = dt.date(2027, 1, 4)
VALID = {
    "staff": {
        "employee_no": "e90",
        "name": "Ida Holm",
        "email": "ida@x.example",
        "home_unit": "borgerservice",
        "skills": "nurse",
        "normal_hours": "37",
        "phone": "12 34 56 78",
        "language": "da",
        "opted_in": "ja",
        "daily_hours": "7,5",
        "away_days": "mon-wed, fri",
    },
    "needs": {
        "ref": "y90",
        "unit": "solgaarden",
        "skill": "nurse",
        "hours": "8",
        "first_week": MONDAY.isoformat(),
        "last_week": MONDAY.isoformat(),
        "shift": "day",
        "priority": "3",
        "exposed": "nej",
        "min_block": "4",
        "description": "Aftenvagt",
        "shift_times": "mon-fri 15:00-23:00",
        "accepts_learners": "ja",
        "learner_share": "0,5",
    },
}
BAD_TEXTS = ("Ida\x01Holm", "Ida \u202emloH", "\u200b\u200b")
NOT_BOUNDED = {LOOKUP, CHOICE, FLAG, SHIFT_TIMES}


def _import(session: Session, actor: Actor, kind: Kind, column: str, value: str) -> Any:
    row = VALID[kind] | {column: value}
    content = csv_bytes(";".join(row), ";".join(row.values()))
    return run(session, actor, kind, content, dry_run=True)


def _columns(kind: Kind) -> dict[str, Any]:
    return IMPORTERS[kind].columns


def _bounds(bound: Any) -> dict[str, Any]:
    return TypeAdapter(bound).json_schema()


@pytest.mark.parametrize("kind", ["staff", "needs"])
def test_every_column_says_what_it_holds(kind: Kind) -> None:
    assert set(_columns(kind)) == set(IMPORTERS[kind].fields)
    assert set(VALID[kind]) == set(IMPORTERS[kind].fields)


@pytest.mark.parametrize("kind", ["staff", "needs"])
def test_the_valid_row_imports(session: Session, hr: Actor, kind: Kind) -> None:  # noqa: F811
    assert _import(session, hr, kind, "ref" if kind == "needs" else "name", "y91").valid


@pytest.mark.parametrize("kind", ["staff", "needs"])
def test_numbers_beyond_their_bound_are_named_by_row_and_column(
    session: Session,
    hr: Actor,  # noqa: F811
    kind: Kind,
) -> None:
    walked = []
    for column, bound in _columns(kind).items():
        schema = _bounds(bound) if bound not in NOT_BOUNDED else {}
        if schema.get("type") not in ("number", "integer"):
            continue
        walked.append(column)
        step = schema.get("multipleOf", 1)
        low = schema.get("minimum", schema.get("exclusiveMinimum", 0) + step)
        high = schema.get("maximum", schema.get("exclusiveMaximum", 0) - step)
        beyond_low = schema["minimum"] - step if "minimum" in schema else low - step
        for value in (beyond_low, high + step):
            report = _import(session, hr, kind, column, f"{value:g}")
            assert has_problem(report, 2, column, "must be"), (column, value, report.problems)
        for value in (low, high):
            report = _import(session, hr, kind, column, f"{value:g}")
            assert report.valid, (column, value, report.problems)
    walks = {
        "staff": ["normal_hours", "daily_hours"],
        "needs": ["hours", "priority", "min_block", "learner_share"],
    }
    assert walked == walks[kind]


def test_dates_outside_this_century_are_named_by_row_and_column(
    session: Session,
    hr: Actor,  # noqa: F811
) -> None:
    for column in ("first_week", "last_week"):
        for value in ("1999-12-27", "2100-01-04"):
            report = _import(session, hr, "needs", column, value)
            assert has_problem(report, 2, column, "2000–2099"), (column, value, report.problems)


@pytest.mark.parametrize("kind", ["staff", "needs"])
def test_text_against_the_policy_is_named_by_row_and_column(
    session: Session,
    hr: Actor,  # noqa: F811
    kind: Kind,
) -> None:
    texts = [c for c, bound in _columns(kind).items() if _bounds_text(bound)]
    assert texts
    for column in texts:
        for value in BAD_TEXTS:
            report = _import(session, hr, kind, column, value)
            assert has_problem(report, 2, column, ""), (column, value, report.problems)
            assert not report.valid


def _bounds_text(bound: Any) -> bool:
    return (
        bound not in NOT_BOUNDED
        and _bounds(bound).get("type") == "string"
        and ("format" not in _bounds(bound))
    )
