"""Reading an uploaded file into rows of text by our field names: CSV or XLSX, any layout.

A CSV may be separated by `;` (what Danish Excel writes) or `,`, and encoded in UTF-8 (with
or without the byte-order mark Excel adds) or, failing that, Windows-1252. An XLSX is read
with openpyxl in read-only mode, first sheet unless the mapping names one. Row numbers are
the file's own as a spreadsheet shows them (the header is row 1), so a report points at the
row a person sees.

A column mapping (TOML or JSON) says which of the file's headers holds which of our fields
and, optionally, how the file's words translate into our codes:

    [columns]
    "Medarbejdernr." = "employee_no"
    "Kompetencer" = "skills"

    [values.skills]
    "Sygeplejerske" = "nurse"

    [options]
    sheet = "Ark1"      # XLSX only; default the first sheet
    delimiter = ";"     # CSV only; default sniffed
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import tomllib
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import PurePath
from typing import Any, NamedTuple

from openpyxl import load_workbook
from pydantic import BaseModel, ConfigDict, Field, ValidationError

from jobbank.core.errors import InvalidInput
from jobbank.core.settings import Settings

XLSX_MAGIC = b"PK\x03\x04"
"""An XLSX file is a zip archive; its first bytes say so whatever its name."""


class Limits(NamedTuple):
    """The most an import takes: bytes of the file and data rows in it."""

    max_bytes: int
    max_rows: int

    @classmethod
    def of(cls, settings: Settings) -> Limits:
        return cls(settings.import_max_bytes, settings.import_max_rows)


class Options(BaseModel):
    model_config = ConfigDict(extra="forbid")

    sheet: str | None = Field(None, description="XLSX: the sheet to read (default the first).")
    delimiter: str | None = Field(
        None, min_length=1, max_length=1, description="CSV: the separator (default sniffed)."
    )


class ColumnMapping(BaseModel):
    """Which header holds which field, and the file's words for our codes, per field."""

    model_config = ConfigDict(extra="forbid")

    columns: dict[str, str] = Field(default_factory=dict)
    values: dict[str, dict[str, str]] = Field(default_factory=dict)
    options: Options = Field(default_factory=Options)

    def check(self, fields: Sequence[str]) -> None:
        """Refuse a mapping onto fields this import does not have, naming the entry."""
        for header, field in self.columns.items():
            if field not in fields:
                raise InvalidInput(
                    f"mapping: columns.{header!r}",
                    f"unknown field {field!r}; the fields are {', '.join(fields)}",
                    code="unknown_field",
                    params={"field": field, "fields": list(fields)},
                )
        for field in self.values:
            if field not in fields:
                raise InvalidInput(
                    f"mapping: values.{field}",
                    f"unknown field {field!r}",
                    code="unknown_field",
                    params={"field": field, "fields": list(fields)},
                )

    def field_of(self, header: str) -> str:
        """Our field for a header: the mapped one, else the header itself in lower case."""
        for mapped, field in self.columns.items():
            if _key(mapped) == _key(header):
                return field
        return _key(header)

    def translate(self, field: str, value: str) -> str:
        """The file's word for `field` as our code (matched ignoring case), else the word."""
        words = {_key(word): code for word, code in self.values.get(field, {}).items()}
        return words.get(_key(value), value)


def read_mapping(name: str, content: bytes) -> ColumnMapping:
    """A mapping file: TOML, or JSON when its name ends in `.json` (or it starts with `{`)."""
    try:
        text = content.decode("utf-8-sig")
        as_json = name.lower().endswith(".json") or text.lstrip().startswith("{")
        raw: Any = json.loads(text) if as_json else tomllib.loads(text)
        return ColumnMapping.model_validate(raw)
    except (UnicodeDecodeError, json.JSONDecodeError, tomllib.TOMLDecodeError) as error:
        raise InvalidInput("mapping", f"cannot be read: {error}", code="unreadable_file") from None
    except ValidationError as error:
        first = error.errors()[0]
        where = ".".join(str(part) for part in first["loc"])
        raise InvalidInput(f"mapping: {where}", first["msg"], code="unreadable_file") from None


@dataclass(frozen=True)
class Row:
    """One data row of the file: its number there, and its cells by our field names."""

    number: int
    cells: dict[str, str]


@dataclass(frozen=True)
class Table:
    """The file's rows, with the header the file used for each of our fields."""

    headers: dict[str, str]
    rows: list[Row]

    def column(self, field: str) -> str:
        """The file's header for `field`, so a report names the column the person sees."""
        return self.headers.get(field, field)


def read_table(
    name: str, content: bytes, mapping: ColumnMapping, limits: Limits, fields: Sequence[str]
) -> Table:
    """The rows of a CSV or XLSX file, refused whole when too big or unreadable."""
    mapping.check(fields)
    if len(content) > limits.max_bytes:
        raise InvalidInput(
            "file",
            f"is {len(content):,} bytes; at most {limits.max_bytes:,} are accepted "
            "(setting JOBBANK_IMPORT_MAX_BYTES)",
            code="file_too_big",
            params={"most": limits.max_bytes},
        )
    lines = (
        _xlsx_lines(content, mapping) if _is_xlsx(name, content) else _csv_lines(content, mapping)
    )
    header: list[str] | None = None
    rows: list[Row] = []
    for number, line in lines:
        if not any(cell.strip() for cell in line):
            continue
        if header is None:
            header = [cell.strip() for cell in line]
            continue
        if len(rows) == limits.max_rows:
            raise InvalidInput(
                "file",
                f"has more than {limits.max_rows:,} rows; split it "
                "(setting JOBBANK_IMPORT_MAX_ROWS)",
                code="too_many_rows",
                params={"most": limits.max_rows},
            )
        rows.append(Row(number, _cells(header, line, mapping)))
    if header is None:
        raise InvalidInput(
            "file", "is empty; the first row must name the columns", code="empty_file"
        )
    return Table(headers=_headers(header, mapping), rows=rows)


def _headers(header: list[str], mapping: ColumnMapping) -> dict[str, str]:
    return {mapping.field_of(title): title for title in header if title}


def _cells(header: list[str], line: list[str], mapping: ColumnMapping) -> dict[str, str]:
    cells: dict[str, str] = {}
    for title, value in zip(header, line, strict=False):
        if title:
            field = mapping.field_of(title)
            cells[field] = value.strip()
    return cells


def _key(text: str) -> str:
    return text.strip().casefold()


def _is_xlsx(name: str, content: bytes) -> bool:
    return content.startswith(XLSX_MAGIC) or PurePath(name).suffix.lower() == ".xlsx"


def _csv_lines(content: bytes, mapping: ColumnMapping) -> Iterator[tuple[int, list[str]]]:
    try:
        text = content.decode("utf-8-sig")
    except UnicodeDecodeError:
        text = content.decode("cp1252", errors="replace")
    delimiter = mapping.options.delimiter or _delimiter(text)
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    number = 0
    try:
        # Records, not lines, as a spreadsheet numbers its rows (a quoted cell may hold a newline).
        for number, line in enumerate(reader, start=1):
            yield number, line
    except csv.Error as error:
        raise InvalidInput(
            f"row {number + 1}", f"cannot be read as CSV: {error}", code="unreadable_file"
        ) from None


def _delimiter(text: str) -> str:
    """`;` or `,` (or a tab), as the first lines use them."""
    sample = "\n".join(text.splitlines()[:20])
    try:
        return csv.Sniffer().sniff(sample, delimiters=";,\t").delimiter
    except csv.Error:
        first = sample.split("\n", 1)[0]
        return ";" if first.count(";") >= first.count(",") else ","


def _xlsx_lines(content: bytes, mapping: ColumnMapping) -> Iterator[tuple[int, list[str]]]:
    try:
        book = load_workbook(io.BytesIO(content), read_only=True, data_only=True)
    except Exception as error:  # openpyxl raises many kinds for a file that is not XLSX
        raise InvalidInput(
            "file", f"cannot be read as XLSX: {error}", code="unreadable_file"
        ) from None
    try:
        sheet_name = mapping.options.sheet
        if sheet_name is not None and sheet_name not in book.sheetnames:
            raise InvalidInput(
                "mapping: options.sheet",
                f"the file has no sheet {sheet_name!r}",
                code="no_such_sheet",
                params={"sheet": sheet_name},
            )
        sheet = book[sheet_name] if sheet_name else book.worksheets[0]
        for number, values in enumerate(sheet.iter_rows(values_only=True), start=1):
            yield number, [_text(value) for value in values]
    finally:
        book.close()


def _text(value: object) -> str:
    """A cell as the text a CSV would hold: whole numbers without `.0`, dates as ISO."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, dt.datetime):
        return value.date().isoformat() if value.time() == dt.time() else value.isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    return str(value)
