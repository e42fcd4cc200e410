"""The round snapshot: `RoundInput` in, `RoundResult` out (schema version 2; version 1 is read
and upgraded, see `solver.round_input`).

This is the one contract the solver, the CLI, the API export and the benchmark share.
Per-week values (`home_load`, `available`, `hours`) may be given as a single value; they
are expanded to one value per week on input, so code reading a validated model always
sees lists of length `weeks`.

`parse_round_input` turns raw JSON data into a `RoundInput` or raises `ContractError`
whose messages name the field and the id (`need n17: priority: must be 1–5, got 9`).

The shapes themselves live in `solver.round_input` and `solver.round_result`; this module
reads raw data into them and is where every caller takes the contract's names from.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, TypeVar

from pydantic import BaseModel, ValidationError

from solver.bounds import BOUND_ERRORS, describe
from solver.repair_contract import (
    MAX_MOVES,
    REPAIR_SCHEMA_VERSION,
    Candidate,
    Change,
    ChangeKind,
    LeftOpen,
    NeedWeek,
    RepairCoverage,
    RepairInput,
    RepairMetrics,
    RepairResult,
    StaffWeek,
    change_kind,
)
from solver.round_input import (
    DEFAULT_MAX_UNITS_PER_WEEK,
    DEFAULT_MIN_BLOCK,
    MAX_WEEKS,
    SCHEMA_VERSION,
    Assignment,
    DailyHours,
    Hours,
    Id,
    Need,
    PersonHours,
    PerWeekFlags,
    PerWeekHours,
    PerWeekLoad,
    Purpose,
    RoundInput,
    Rules,
    Shift,
    Staff,
    Unit,
    WeekHours,
    check_assignments,
    check_days,
)
from solver.round_result import (
    Metrics,
    NeedTaken,
    Reason,
    ReasonCode,
    ReasonDetail,
    ReasonValues,
    RoundResult,
    StopReason,
    Unfilled,
)
from solver.shift_times import WEEKDAYS, ShiftTime, Weekday, WorkDay

__all__ = [
    "DEFAULT_MAX_UNITS_PER_WEEK",
    "DEFAULT_MIN_BLOCK",
    "MAX_MOVES",
    "MAX_WEEKS",
    "REPAIR_SCHEMA_VERSION",
    "SCHEMA_VERSION",
    "WEEKDAYS",
    "Assignment",
    "Candidate",
    "Change",
    "ChangeKind",
    "ContractError",
    "DailyHours",
    "Hours",
    "Id",
    "LeftOpen",
    "Metrics",
    "Need",
    "NeedTaken",
    "NeedWeek",
    "PerWeekFlags",
    "PerWeekHours",
    "PerWeekLoad",
    "PersonHours",
    "Purpose",
    "Reason",
    "ReasonCode",
    "ReasonDetail",
    "ReasonValues",
    "RepairCoverage",
    "RepairInput",
    "RepairMetrics",
    "RepairResult",
    "RoundInput",
    "RoundResult",
    "Rules",
    "Shift",
    "ShiftTime",
    "Staff",
    "StaffWeek",
    "StopReason",
    "Unfilled",
    "Unit",
    "WeekHours",
    "Weekday",
    "WorkDay",
    "change_kind",
    "check_assignments",
    "check_days",
    "describe_errors",
    "parse_repair_input",
    "parse_round_input",
    "parse_round_result",
]


class ContractError(ValueError):
    """Invalid round data; each message names the field and, where there is one, the id."""

    def __init__(self, messages: list[str]) -> None:
        super().__init__("\n".join(messages))
        self.messages = messages


_SECTION_KIND = {"units": "unit", "staff": "staff", "needs": "need"}
_M = TypeVar("_M", bound=BaseModel)


def parse_round_input(data: Any) -> RoundInput:
    """Validate raw JSON data as a `RoundInput`, or raise `ContractError` naming each problem."""
    return _parse(RoundInput, data)


def parse_repair_input(data: Any) -> RepairInput:
    """Validate raw JSON data as a `RepairInput`, or raise `ContractError` naming each problem."""
    return _parse(RepairInput, data)


def parse_round_result(data: Any) -> RoundResult:
    """Validate raw JSON data as a `RoundResult`, or raise `ContractError` naming each problem."""
    return _parse(RoundResult, data)


def _parse(model: type[_M], data: Any) -> _M:
    try:
        return model.model_validate(data)
    except ValidationError as exc:
        raise ContractError(describe_errors(exc, data)) from None


def describe_errors(exc: ValidationError, data: Any) -> list[str]:
    """Turn pydantic's errors into sentences that name the row by its id, not its index."""
    messages: list[str] = []
    for error in exc.errors(include_url=False):
        loc = error["loc"]
        if not loc and error["type"] == "value_error":
            # Our own cross-reference checks: already phrased with ids, one per line.
            messages += str(error["ctx"]["error"]).splitlines()
            continue
        messages.append(f"{_describe_location(loc, data)}: {_describe_problem(error)}")
    return messages


def _describe_location(loc: tuple[int | str, ...], data: Any) -> str:
    """`('needs', 2, 'priority')` becomes `need n17: priority`."""
    if len(loc) >= 2 and isinstance(loc[1], int) and loc[0] in _SECTION_KIND:
        row_id = _raw_id(data, str(loc[0]), loc[1])
        where = f"{_SECTION_KIND[str(loc[0])]} {row_id}" if row_id else _dotted(loc[:2])
        rest = loc[2:]
    elif len(loc) >= 2 and isinstance(loc[1], int):
        where, rest = _dotted(loc[:2]), loc[2:]
    else:
        where, rest = _dotted(loc) or "round", ()
    return f"{where}: {_dotted(rest)}" if rest else where


def _dotted(parts: Sequence[int | str]) -> str:
    text = ""
    for part in parts:
        text += f"[{part}]" if isinstance(part, int) else (f".{part}" if text else str(part))
    return text


def _raw_id(data: Any, section: str, index: int) -> str | None:
    try:
        row_id = data[section][index]["id"]
    except (KeyError, IndexError, TypeError):
        return None
    return str(row_id) if isinstance(row_id, str | int) else None


def _describe_problem(error: Any) -> str:
    kind = error["type"]
    if kind == "extra_forbidden":
        return "unknown field"
    if kind == "missing":
        return "required field is missing"
    if kind in BOUND_ERRORS:
        return describe(error)
    got = error.get("input")
    message = str(error["msg"])
    if kind == "value_error":
        message = str(error["ctx"]["error"])
    if isinstance(got, str | int | float | bool) and kind not in ("value_error",):
        return f"{message[0].lower()}{message[1:]}, got {got!r}"
    return f"{message[0].lower()}{message[1:]}"
