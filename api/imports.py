"""Imports by upload (HR): staff from the HR system's export, needs from the units' sheets."""

from __future__ import annotations

from dataclasses import dataclass

from litestar import Controller, post
from litestar.datastructures import UploadFile
from litestar.params import FromQuery, MultipartBody
from litestar.status_codes import HTTP_200_OK, HTTP_422_UNPROCESSABLE_ENTITY

from api.auth import current_actor, hr_only
from api.deps import DB, AnyRequest
from api.errors import problem
from jobbank.core.settings import Settings
from jobbank.imports import ImportReport, Kind, Limits, import_file, read_mapping


@dataclass
class ImportUpload:
    """The file (CSV or XLSX) and, for another layout, its column mapping (TOML or JSON)."""

    file: UploadFile
    mapping: UploadFile | None = None


def run_import(
    request: AnyRequest,
    db_session: DB,
    kind: Kind,
    upload: UploadFile,
    mapping: UploadFile | None,
    *,
    skip_invalid: bool,
    dry_run: bool,
) -> ImportReport:
    """The import of one uploaded file with the app's limits; pages use it too."""
    settings: Settings = request.app.state["settings"]
    return import_file(
        db_session,
        current_actor(request),
        kind,
        upload.filename or "upload",
        upload.file.read(),
        limits=Limits.of(settings),
        mapping=read_mapping(mapping.filename or "", mapping.file.read()) if mapping else None,
        skip_invalid=skip_invalid,
        dry_run=dry_run,
    )


def _answer(report: ImportReport) -> ImportReport:
    """The report, or a 422 problem carrying it when the file was refused."""
    if not report.refused:
        return report
    first = report.problems[0]
    raise problem(
        HTTP_422_UNPROCESSABLE_ENTITY,
        f"{report.file}: {len(report.problems)} problems, nothing imported; first: {first}",
        errors=[p.model_dump() for p in report.problems],
        report=report.model_dump(mode="json"),
    )


class ImportController(Controller):
    path = "/api/imports"
    tags = ("imports",)
    guards = (hr_only,)

    @post("/staff", sync_to_thread=True, status_code=HTTP_200_OK)
    def import_staff(
        self,
        db_session: DB,
        request: AnyRequest,
        data: MultipartBody[ImportUpload],
        skip_invalid: FromQuery[bool] = False,
        dry_run: FromQuery[bool] = False,
    ) -> ImportReport:
        """Staff and their volunteer profiles from a CSV or XLSX file, by employee number.

        The whole file is checked first; unless every row is valid nothing is stored and the
        answer is 422 with each problem (row, column, message). `skip_invalid` stores the
        valid rows; `dry_run` stores nothing and counts what would change.
        """
        report = run_import(
            request,
            db_session,
            "staff",
            data.file,
            data.mapping,
            skip_invalid=skip_invalid,
            dry_run=dry_run,
        )
        return _answer(report)

    @post("/needs", sync_to_thread=True, status_code=HTTP_200_OK)
    def import_needs(
        self,
        db_session: DB,
        request: AnyRequest,
        data: MultipartBody[ImportUpload],
        skip_invalid: FromQuery[bool] = False,
        dry_run: FromQuery[bool] = False,
    ) -> ImportReport:
        """Needs from a CSV or XLSX file, by their reference; checked like the staff import."""
        report = run_import(
            request,
            db_session,
            "needs",
            data.file,
            data.mapping,
            skip_invalid=skip_invalid,
            dry_run=dry_run,
        )
        return _answer(report)
