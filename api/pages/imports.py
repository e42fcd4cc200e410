"""HR's import page: upload staff or needs as CSV or XLSX, see every problem, then the result.

The page calls the same import as the API. Its guard turns away anyone but HR before the
upload is read. A refused file answers 422 with the table of its
problems (row, column, why) and stores nothing; a file too big or unreadable says so at the
file field. To anyone but an HR coordinator the page does not exist.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, get_args

from litestar import get, post
from litestar.datastructures import UploadFile
from litestar.params import MultipartBody
from litestar.response import Template
from litestar.status_codes import HTTP_200_OK, HTTP_422_UNPROCESSABLE_ENTITY

from api.auth import current_actor, hr_only
from api.deps import DB, AnyRequest
from api.imports import run_import
from api.pages.i18n import language_of, translate
from jobbank.core.access import Actor
from jobbank.core.errors import InvalidInput, NotFound
from jobbank.imports import ImportReport, Kind

KINDS: tuple[Kind, ...] = get_args(Kind)


def _(message: str) -> str:
    """Marks a message for the Danish catalogue; `translate` turns it into the caller's words."""
    return message


def _hr(request: AnyRequest) -> Actor:
    """The caller, if an HR coordinator; to anyone else the page is not there."""
    actor = current_actor(request)
    if not actor.is_hr:
        raise NotFound("imports: not found")
    return actor


@dataclass
class ImportForm:
    """The upload form as sent; a file input left empty arrives as a nameless, empty part."""

    kind: str = "staff"
    file: UploadFile | None = None
    mapping: UploadFile | None = None
    skip_invalid: str = ""
    dry_run: str = ""


def _chosen(upload: UploadFile | None) -> UploadFile | None:
    return upload if upload is not None and upload.filename else None


def _page(
    actor: Actor,
    form: ImportForm,
    *,
    report: ImportReport | None = None,
    errors: dict[str, str] | None = None,
    status: int = HTTP_200_OK,
) -> Template:
    return Template(
        "imports.html",
        context={
            "actor": actor,
            "form": form,
            "kinds": KINDS,
            "report": report,
            "errors": errors or {},
        },
        status_code=status,
    )


@get("/admin/imports", sync_to_thread=True, guards=[hr_only])
def imports_page(request: AnyRequest) -> Template:
    """The upload form, with the columns each kind of file holds."""
    return _page(_hr(request), ImportForm())


@post("/admin/imports", sync_to_thread=True, status_code=HTTP_200_OK, guards=[hr_only])
def upload_import(db_session: DB, request: AnyRequest, data: MultipartBody[ImportForm]) -> Template:
    """Import the uploaded file: the report's table of problems, then what was stored."""
    actor, language = _hr(request), language_of(request)
    upload, mapping = _chosen(data.file), _chosen(data.mapping)
    errors: dict[str, str] = {}
    if data.kind not in KINDS:
        errors["kind"] = translate(language, _("Choose staff or needs."))
    if upload is None:
        errors["file"] = translate(language, _("Choose a CSV or XLSX file."))
    if errors or upload is None:
        return _page(actor, data, errors=errors, status=HTTP_422_UNPROCESSABLE_ENTITY)
    kind: Any = data.kind
    try:
        report = run_import(
            request,
            db_session,
            kind,
            upload,
            mapping,
            skip_invalid=bool(data.skip_invalid),
            dry_run=bool(data.dry_run),
        )
    except InvalidInput as error:
        field = "mapping" if error.field.startswith("mapping") else "file"
        message = translate(language, _("The file was not imported: %(why)s"))
        errors[field] = message % {"why": str(error)}
        return _page(actor, data, errors=errors, status=HTTP_422_UNPROCESSABLE_ENTITY)
    status = HTTP_422_UNPROCESSABLE_ENTITY if report.refused else HTTP_200_OK
    return _page(actor, data, report=report, status=status)


ROUTES = [imports_page, upload_import]
