"""A round's plan as CSV or XLSX downloads (HR only), beside the contract's JSON export."""

from __future__ import annotations

from litestar import Controller, Response, get
from litestar.params import FromPath

from api.auth import current_actor, hr_only
from api.deps import DB, AnyRequest, Id
from api.openapi_docs import downloads
from jobbank import exports
from jobbank.core.errors import NotFound
from jobbank.exports import FileFormat, View

MEDIA_TYPES = {
    FileFormat.CSV: "text/csv",  # Litestar adds "; charset=utf-8"
    FileFormat.XLSX: "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}


def _export_named(file: str) -> tuple[View, FileFormat]:
    """`persons.csv` -> (persons, csv); any other name is not an export."""
    view, _, suffix = file.partition(".")
    if view not in set(View) or suffix not in set(FileFormat):
        raise NotFound(
            f"export {file}: no such export; try persons, days, needs, unfilled or worked as "
            "csv or xlsx"
        )
    return View(view), FileFormat(suffix)


class RoundExportController(Controller):
    path = "/api/rounds"
    tags = ("rounds",)
    guards = (hr_only,)

    @get(
        "/{round_id:int}/export/{file:str}",
        sync_to_thread=True,
        operation_class=downloads(*MEDIA_TYPES.values()),
    )
    def export(
        self, db_session: DB, round_id: FromPath[Id], file: FromPath[str], request: AnyRequest
    ) -> Response[bytes]:
        """`/api/rounds/{id}/export/{view}.{csv|xlsx}`: the round's plan per person
        (`persons`; its XLSX has the days on a second sheet), per day of the weeks that have
        days (`days`: person, unit, need, date, start, end, hours), per need (`needs`), its
        unfilled need-weeks with reasons (`unfilled`), or the hours planned and worked per
        deployment-week (`worked`), as a download. CSV is UTF-8 with BOM, `;`-separated,
        with decimal commas, for Danish Excel. 409 before the round was solved."""
        view, file_format = _export_named(file)
        made = exports.export_round(db_session, current_actor(request), round_id, view, file_format)
        return Response(
            made.content,
            media_type=MEDIA_TYPES[made.file_format],
            headers={"Content-Disposition": f'attachment; filename="{made.filename}"'},
        )
