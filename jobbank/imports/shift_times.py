"""A need's shift times as a sheet writes them: `mon-fri 07:00-15:00; sat 22:00-06:00`.

Shifts are separated by `;` or `|`; each names its weekdays (`mon`, `tue`, …, comma-separated
or as a range `mon-fri`, in English or Danish: `man`, `tir`, `ons`, `tor`, `fre`, `lør`,
`søn`) and then its start and end. `none` (or `ingen`) is a need planned by the week alone.
The rules (a weekday once, half hours, at most 13 hours) are checked as wherever shift times
enter (`jobbank.core.days`).
"""

from __future__ import annotations

import datetime as dt
import re

from jobbank.core.days import ShiftTimeBody
from solver.contract import WEEKDAYS, Weekday

DANISH = dict(zip(("man", "tir", "ons", "tor", "fre", "lør", "søn"), WEEKDAYS, strict=True))
NAMES = {day.value: day for day in WEEKDAYS} | DANISH
NOTHING = frozenset({"none", "ingen"})
SHIFT = re.compile(
    r"^(?P<days>.+?)\s+(?P<start>\d{1,2}[:.]\d{2})\s*[-–]\s*(?P<end>\d{1,2}[:.]\d{2})$"
)
MOST_SHIFTS = 7
"""A need has at most one shift a weekday."""


def shift_times_of_text(text: str) -> list[ShiftTimeBody]:
    """The shifts a cell names; a ValueError says what cannot be read."""
    if text.strip().lower() in NOTHING:
        return []
    parts = [part.strip() for part in re.split(r"[;|\n]", text) if part.strip()]
    if len(parts) > MOST_SHIFTS:
        raise ValueError(f"at most {MOST_SHIFTS} shifts, one a weekday; got {len(parts)}")
    return [_shift(part) for part in parts]


def weekdays_of_text(text: str) -> list[Weekday]:
    """The weekdays a cell names (`mon-fri`, `man, tir`); `none` is no day."""
    if text.strip().lower() in NOTHING:
        return []
    return _weekdays(text)


def _shift(text: str) -> ShiftTimeBody:
    found = SHIFT.match(text)
    if found is None:
        raise ValueError(f"write weekdays and times, e.g. mon-fri 07:00-15:00; got {text!r}")
    return ShiftTimeBody(
        days=_weekdays(found["days"]), start=_time(found["start"]), end=_time(found["end"])
    )


def _weekdays(text: str) -> list[Weekday]:
    days: list[Weekday] = []
    for part in re.split(r"[,;|\s]+", text.strip().lower()):
        first, _, last = part.partition("-")
        if first not in NAMES or (last and last not in NAMES):
            raise ValueError(f"{part!r} is not a weekday (mon … sun)")
        start, end = WEEKDAYS.index(NAMES[first]), WEEKDAYS.index(NAMES[last or first])
        if end < start:
            raise ValueError(f"{part!r}: a range of weekdays runs from Monday towards Sunday")
        days += WEEKDAYS[start : end + 1]
    return days


def _time(text: str) -> dt.time:
    hours, minutes = (int(part) for part in re.split(r"[:.]", text))
    try:
        return dt.time(hours, minutes)
    except ValueError:
        raise ValueError(f"{text!r} is not a time of day") from None
