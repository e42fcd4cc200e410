"""`jobbank report`: the impact report of a round, or of all published rounds over time,
as readable text tables or as CSV.

The CSV holds every table of the text one after the other. Each row's first column names
its table (`section`): a table starts with its header row (`section` and the column names),
then its rows, then an empty line. Filter on the first column to get one table, e.g. every
row starting `by_area`. Hours are plain numbers, shares fractions from 0 to 1, weeks and
dates ISO (`2026-03-16`). Text never reaches a cell as a formula (`jobbank.core.spreadsheets`).
"""

from __future__ import annotations

import csv
import datetime as dt
import io
from collections.abc import Sequence
from pathlib import Path
from typing import NamedTuple

import click

from jobbank.cli.common import fail, open_session
from jobbank.core.spreadsheets import cell_text
from jobbank.report import ReportOverTime, RoundReport

Cell = str | int | float | dt.date | None


class Table(NamedTuple):
    """One table of the report: its CSV section name, a title for people, columns, rows."""

    section: str
    title: str
    columns: Sequence[str]
    rows: Sequence[Sequence[Cell]]


def round_tables(report: RoundReport) -> list[Table]:
    """The round's report, table by table."""
    coverage = ("wanted_hours", "covered_hours", "share")
    people = report.people
    return [
        Table(
            "round",
            f"Round {report.round_id}: {report.name}",
            ("figure", "value"),
            [
                ("status", report.status.value),
                ("weeks", f"{report.start.isoformat()} to {report.end.isoformat()}"),
                ("published_at", report.published_at.isoformat() if report.published_at else ""),
                ("wanted_hours", report.total.wanted_hours),
                ("covered_hours", report.total.covered_hours),
                ("share", report.total.share),
                ("people_in_round", people.in_round),
                ("people_used", people.used),
                ("people_never_used", people.never_used),
                ("lent_hours", people.lent_hours),
                ("most_hours_one_person", people.most_hours_one_person),
                ("introductions", report.introductions),
                ("plan_events", report.changes.events),
                ("hours_moved", report.changes.hours_moved),
                ("people_disturbed", report.changes.people_disturbed),
                ("new_experiences", report.experience.new_units),
                ("new_areas", report.experience.new_areas),
                ("learners_placed", report.experience.learners_placed),
                ("checklists_judged_on", report.today),
            ],
        ),
        Table(
            "by_area",
            "Hours by area",
            ("area", *coverage),
            [(c.area, c.wanted_hours, c.covered_hours, c.share) for c in report.by_area],
        ),
        Table(
            "by_priority",
            "Hours by priority (5 = critical)",
            ("priority", *coverage),
            [(c.priority, c.wanted_hours, c.covered_hours, c.share) for c in report.by_priority],
        ),
        Table(
            "by_week",
            "Hours by week",
            ("week", *coverage),
            [(c.week, c.wanted_hours, c.covered_hours, c.share) for c in report.by_week],
        ),
        Table(
            "by_area_week",
            "Hours by area and week",
            ("week", "area", *coverage),
            [
                (c.week, c.area, c.wanted_hours, c.covered_hours, c.share)
                for c in report.by_area_week
            ],
        ),
        Table(
            "units",
            "Hours lent and received per unit (net = received - lent)",
            (
                "unit",
                "unit_name",
                "lent_hours",
                "people_lent",
                "received_hours",
                "people_received",
                "net_hours",
                "introductions",
            ),
            [
                (
                    u.unit,
                    u.unit_name,
                    u.lent_hours,
                    u.people_lent,
                    u.received_hours,
                    u.people_received,
                    u.net_hours,
                    u.introductions,
                )
                for u in report.units
            ],
        ),
        Table(
            "flows",
            "Hours from home unit to receiving unit",
            ("from_unit", "to_unit", "hours", "people"),
            [(f.from_unit, f.to_unit, f.hours, f.people) for f in report.flows],
        ),
        Table(
            "never_used",
            "Volunteers never used",
            ("employee_no", "name", "home_unit", "capacity_hours"),
            [
                (p.employee_no, p.name, p.home_unit_name, p.capacity_hours)
                for p in people.never_used_people
            ],
        ),
        Table(
            "worked",
            "Planned and worked hours per unit and week begun (worked = confirmed)",
            ("week", "unit", "planned_hours", "worked_hours", "waiting_hours", "share"),
            [
                (c.week, c.unit, c.planned_hours, c.worked_hours, c.waiting_hours, c.share)
                for c in report.worked.by_unit_week
            ],
        ),
        Table(
            "checklists",
            "Checklist items per audience",
            ("audience", "items", "done", "due", "overdue", "done_share"),
            [
                (c.audience.value, c.items, c.done, c.due, c.overdue, c.done_share)
                for c in report.checklists
            ],
        ),
    ]


def over_time_tables(report: ReportOverTime) -> list[Table]:
    """The key figures of each published round, one row per round in date order."""
    columns = (
        "round_id",
        "name",
        "start",
        "weeks",
        "wanted_hours",
        "covered_hours",
        "share",
        "people_in_round",
        "people_used",
        "people_never_used",
        "lent_hours",
        "introductions",
        "checklist_items",
        "checklist_done",
        "checklist_overdue",
        "plan_events",
        "hours_moved",
        "people_disturbed",
        "planned_hours_begun",
        "worked_hours",
        "waiting_hours",
        "new_experiences",
        "new_areas",
        "learners_placed",
        "new_experiences_so_far",
    )
    rows = [tuple(getattr(row, column) for column in columns) for row in report.rounds]
    span = " to ".join(d.isoformat() if d else "…" for d in (report.start, report.end))
    title = "Published rounds over time" + (f" ({span})" if report.start or report.end else "")
    quarters = Table(
        "experience_by_quarter",
        "New experience and learners per quarter a round starts in",
        ("quarter_starts", "rounds", "new_experiences", "new_areas", "learners_placed"),
        [
            (q.starts, q.rounds, q.new_experiences, q.new_areas, q.learners_placed)
            for q in report.experience_by_quarter
        ],
    )
    return [Table("over_time", title, columns, rows), quarters]


def _cell(value: Cell) -> str:
    """A value as the text tables show it."""
    if value is None:
        return ""
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, float):
        return f"{value:g}"
    return str(value)


def _csv_cell(value: Cell) -> str:
    """A value as the CSV holds it: text never as a formula (see `jobbank.core.spreadsheets`)."""
    return cell_text(value) if isinstance(value, str) else _cell(value)


def _text_cell(value: Cell, *, share: bool) -> str:
    """A share as a percentage, anything else as in the CSV."""
    return f"{value:.1%}" if share and isinstance(value, float) else _cell(value)


def _is_share(table: Table, row: Sequence[Cell], column: int) -> bool:
    """Shares are the columns named so, or in the round's figures the row named so."""
    if table.section == "round":
        return column == 1 and row[0] == "share"
    return "share" in table.columns[column]


def as_text(tables: Sequence[Table]) -> str:
    """Each table under its title, columns aligned; shares as percentages."""
    blocks = []
    for table in tables:
        header = list(table.columns)
        rows = [
            [_text_cell(value, share=_is_share(table, row, i)) for i, value in enumerate(row)]
            for row in table.rows
        ]
        widths = [max(len(line[i]) for line in [header, *rows]) for i in range(len(header))]
        lines = [
            table.title,
            "  ".join(h.ljust(w) for h, w in zip(header, widths, strict=True)).rstrip(),
        ]
        lines.append("  ".join("-" * w for w in widths))
        lines += [
            "  ".join(c.ljust(w) for c, w in zip(line, widths, strict=True)).rstrip()
            for line in rows
        ]
        if not rows:
            lines.append("(none)")
        blocks.append("\n".join(lines))
    return "\n\n".join(blocks) + "\n"


def as_csv(tables: Sequence[Table]) -> str:
    """Every table as CSV rows whose first column names the table; a blank line between."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    for number, table in enumerate(tables):
        if number:
            writer.writerow([])
        writer.writerow(["section", *table.columns])
        writer.writerows([table.section, *(_csv_cell(v) for v in row)] for row in table.rows)
    return out.getvalue()


@click.command(name="report")
@click.argument("round_id", type=int, required=False)
@click.option("--over-time", is_flag=True, help="Key figures of every published round, by date.")
@click.option(
    "--from",
    "start",
    type=click.DateTime(formats=["%Y-%m-%d"]),
    help="With --over-time: only rounds whose weeks reach this day or later.",
)
@click.option(
    "--to",
    "end",
    type=click.DateTime(formats=["%Y-%m-%d"]),
    help="With --over-time: only rounds that start on or before this day.",
)
@click.option(
    "--today",
    type=click.DateTime(formats=["%Y-%m-%d"]),
    help="Judge checklist items due or overdue on this day (default: today).",
)
@click.option(
    "--format",
    "output_format",
    type=click.Choice(["text", "csv"]),
    default="text",
    show_default=True,
    help="Text tables, or CSV with the table's name in the first column of each row.",
)
@click.option("-o", "--out", type=click.Path(dir_okay=False, path_type=Path), help="Write here.")
def report(
    round_id: int | None,
    over_time: bool,
    start: dt.datetime | None,
    end: dt.datetime | None,
    today: dt.datetime | None,
    output_format: str,
    out: Path | None,
) -> None:
    """The impact report of ROUND_ID, or with --over-time of all published rounds: hours
    wanted and covered by area, priority and week, people used and never used, hours lent
    and received per unit, introductions and checklist completion."""
    from jobbank import report as impact
    from jobbank.core.settings import load_settings
    from jobbank.rounds import get_round

    if over_time == (round_id is not None):
        fail("give a ROUND_ID or --over-time, not both or neither")
    if not over_time and (start or end):
        fail("--from and --to go with --over-time")
    day = today.date() if today else None
    with open_session(load_settings()) as session:
        if round_id is not None:
            tables = round_tables(
                impact.report_of(session, get_round(session, round_id), today=day)
            )
        else:
            figures = impact.over_time(
                session,
                start=start.date() if start else None,
                end=end.date() if end else None,
                today=day,
            )
            tables = over_time_tables(figures)
    text = as_csv(tables) if output_format == "csv" else as_text(tables)
    if out is None:
        click.echo(text, nl=False)
        return
    out.write_text(text, encoding="utf-8")
    click.echo(f"wrote {out}", err=True)
