"""The import report, and reading one row's cells into values with each problem named.

Cells are text; numbers may use a decimal comma ("12,5"), flags may be Danish ("ja"/"nej").
A wrong cell is not an exception but a line of the report (row, column, why), so one pass
over the file finds every problem at once.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable
from typing import Literal, ParamSpec, TypeVar

from pydantic import BaseModel, Field, computed_field

from jobbank.core.errors import InvalidInput
from jobbank.imports.tables import ColumnMapping, Row, Table

T = TypeVar("T")
P = ParamSpec("P")
Kind = Literal["staff", "needs"]

TRUE_WORDS = frozenset({"yes", "y", "true", "1", "x", "ja", "j", "sand"})
FALSE_WORDS = frozenset({"no", "n", "false", "0", "nej", "falsk"})
LIST_SEPARATORS = re.compile(r"[,;|]")
LOOKUP, CHOICE, FLAG = "a code looked up", "one of a few words", "yes or no"
SHIFT_TIMES = "weekdays and times"
"""Column kinds without a bound of their own (see each importer's `COLUMNS`); shift times are
checked as wherever they enter (`jobbank.core.days`)."""


class RowProblem(BaseModel):
    row: int = Field(description="The row in the file; the header is row 1 (0: the whole file).")
    column: str = Field(description="The file's column header ('' for the whole row).")
    message: str

    def __str__(self) -> str:
        where = f"row {self.row}" + (f", column {self.column}" if self.column else "")
        return f"{where}: {self.message}"


class ImportReport(BaseModel):
    """What an import found and did: every problem, the rows skipped, and the counts."""

    kind: Kind
    file: str
    rows: int = Field(0, description="Data rows in the file.")
    problems: list[RowProblem] = Field(default_factory=list)
    skipped: list[int] = Field(
        default_factory=list, description="Rows left out with --skip-invalid / skip_invalid."
    )
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    dry_run: bool = False
    written: bool = Field(False, description="True when the rows were stored.")

    @computed_field  # type: ignore[prop-decorator]
    @property
    def valid(self) -> bool:
        """True when no row has a problem."""
        return not self.problems

    @computed_field  # type: ignore[prop-decorator]
    @property
    def refused(self) -> bool:
        """True when the file was turned down whole: it has problems and no rows were taken."""
        return bool(self.problems) and not self.skipped

    def summary(self) -> str:
        """One line: what was (or, in a dry run, would be) done."""
        if self.dry_run:
            counts = f"would create {self.created}, update {self.updated}, leave {self.unchanged}"
            counts += " unchanged (dry run: nothing written)"
        else:
            counts = f"created {self.created}, updated {self.updated}, unchanged {self.unchanged}"
        if self.skipped:
            counts += f"; skipped {len(self.skipped)} invalid rows"
        if self.refused:
            counts = f"nothing written, the file has {len(self.problems)} problems"
        counts = f"{self.rows} rows: {counts}"
        return f"{self.kind} import of {self.file}: {counts}"

    def lines(self) -> list[str]:
        return [str(problem) for problem in self.problems] + [self.summary()]


class RowReader:
    """A row's cells as values; each wrong one adds a problem naming the file's column."""

    def __init__(self, table: Table, row: Row, mapping: ColumnMapping) -> None:
        self.table, self.row, self.mapping = table, row, mapping
        self.problems: list[RowProblem] = []

    def problem(self, field: str, message: str) -> None:
        self.problems.append(
            RowProblem(row=self.row.number, column=self.column(field), message=message)
        )

    def column(self, field: str) -> str:
        return self.table.column(field)

    def has(self, field: str) -> bool:
        """Whether the file has this column at all (a missing optional column keeps values)."""
        return field in self.table.headers

    def text(self, field: str, *, required: bool = False) -> str | None:
        """The cell, translated by the mapping; None when absent, or missing though required."""
        if not self.has(field):
            return None  # a missing required column is reported once, for the header
        value = self.row.cells.get(field, "")
        if required and not value:
            self.problem(field, "missing field: must be filled in")
            return None
        return self.mapping.translate(field, value) if value else value

    def parsed(self, field: str, parse: Callable[[str], T], *, required: bool = False) -> T | None:
        """The cell read by `parse`; its ValueError becomes the problem's words."""
        value = self.text(field, required=required)
        if not value:
            return None
        try:
            return parse(value)
        except ValueError as error:
            self.problem(field, str(error))
            return None

    def codes(self, field: str) -> list[str] | None:
        """A list cell ("nurse, cleaning"; also `;` or `|`), each item translated."""
        if not self.has(field):
            return None
        value = self.row.cells.get(field, "")
        items = [item.strip() for item in LIST_SEPARATORS.split(value) if item.strip()]
        return [self.mapping.translate(field, item) for item in items]

    def checked(
        self, field: str, check: Callable[P, T], *args: P.args, **kwargs: P.kwargs
    ) -> T | None:
        """Run one of the domain's own checks; its `InvalidInput` is reported at `field`."""
        try:
            return check(*args, **kwargs)
        except InvalidInput as error:
            for problem in error.problems:  # a check may refuse several things at once
                self.problem(field, problem.message)
            return None


def number(text: str) -> float:
    """`12,5`, `12.5` or `1.234,5` (a Danish thousands point) as a float."""
    cleaned = text.replace(" ", "").replace("\u00a0", "")
    if "," in cleaned:
        cleaned = cleaned.replace(".", "").replace(",", ".")
    try:
        return float(cleaned)
    except ValueError:
        raise ValueError(f"not a number: {text!r}") from None


def whole_number(text: str) -> int:
    value = number(text)
    if not value.is_integer():
        raise ValueError(f"not a whole number: {text!r}")
    return int(value)


def flag(text: str) -> bool:
    word = text.strip().casefold()
    if word in TRUE_WORDS:
        return True
    if word in FALSE_WORDS:
        return False
    raise ValueError(f"not yes or no: {text!r}")


def day(text: str) -> dt.date:
    """An ISO date (2026-03-16), or the Danish 16-03-2026 / 16.03.2026."""
    value = text.strip()
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        pass
    for pattern in ("%d-%m-%Y", "%d.%m.%Y", "%d/%m/%Y"):
        try:
            return dt.datetime.strptime(value, pattern).date()
        except ValueError:
            continue
    raise ValueError(f"not a date (use YYYY-MM-DD): {text!r}")
