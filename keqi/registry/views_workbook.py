"""Workbook pages: upload, then a background job checks the file and shows a
preview before anything changes, confirm, the import's result; the error list,
blank template and registry export (scoped to the user).

The uploaded file is kept under MEDIA_ROOT/imports/<user>/<token>/ between the
check and the confirmation; the worker re-reads it on confirmation and applies it
only if the planned changes are exactly the ones previewed. Nothing long runs in
the request: checking, applying and a large export are `keqi worker`'s work.
"""

from __future__ import annotations

import io
import secrets
import shutil
import tempfile
import time
from pathlib import Path
from typing import Any

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import QuerySet
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from keqi.accounts.industries import key_industries_for
from keqi.accounts.scopes import can_edit_enterprises
from keqi.core.dates import business_today
from keqi.core.exports import ListExport, export_requested, xlsx_list_response
from keqi.core.models import AuditEvent
from keqi.core.uploads import request_too_large, upload_too_large
from keqi.registry.models import JobKind, JobStatus, WorkbookJob
from keqi.registry.selectors import (
    enterprise_list_for,
    workbook_job_get_for,
    workbook_job_list_for,
)
from keqi.registry.workbook import jobs, registry_tables, write_template
from keqi.registry.workbook import outcome as outcomes
from keqi.registry.workbook.result import CellError, RowChange
from keqi.registry.workbook.schema import SHEETS_BY_NAME
from keqi.registry.workbook.writer import write_xlsx

ACCEPTED = (".xlsx", ".xls", ".zip", ".csv")
KEEP_SECONDS = 24 * 3600
RESULT_PAGE = 50
EXPORT_INLINE_MAX = 2000  # enterprises written in the request; more go to the worker
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _require_editor(user: Any) -> None:
    if not can_edit_enterprises(user):
        raise PermissionDenied("当前账号无权导入企业数据")


def _user_dir(user: Any) -> Path:
    return Path(settings.MEDIA_ROOT) / "imports" / str(user.pk)


@login_required
def workbook_import(request: HttpRequest) -> HttpResponse:
    """The upload form; a posted file is stored and checked by the background
    worker, and the user is taken to the job's page (progress, then preview)."""
    _require_editor(request.user)
    if request.method != "POST":
        return _import_form(request, {})
    too_large = request_too_large(request)
    if too_large is not None:
        return _form_error(request, too_large)
    upload = request.FILES.get("file")
    if upload is None or not upload.name:
        return _form_error(request, "请选择要导入的文件")
    name = Path(upload.name).name
    if not name.lower().endswith(ACCEPTED) or name.startswith("."):
        return _form_error(
            request, "只能导入 .xlsx、.xls 文件，或 CSV 文件（可打包为 .zip）"
        )
    too_large = upload_too_large(upload)
    if too_large is not None:
        return _form_error(request, too_large)
    relative = _store(request.user, name, upload.chunks())
    job = jobs.workbook_import_request(user=request.user, name=name, relative=relative)
    return redirect("registry:workbook_job", job.pk)


def _job_for(request: HttpRequest, pk: int) -> WorkbookJob:
    return workbook_job_get_for(request.user, pk)


@login_required
def workbook_job(request: HttpRequest, pk: int) -> HttpResponse:
    """A job's page: progress while the worker has it, then the preview to
    confirm, the errors, the import's result or the export's download."""
    job = _job_for(request, pk)
    if job.kind == JobKind.IMPORT and job.status == JobStatus.DONE:
        return _result(request, job)
    context = {
        "job": job,
        "errors": [CellError(*e) for e in job.errors],
        "changed": _shown_preview(job.preview),
        "more": max(0, job.changed_total - len(job.preview)),
    }
    status = 400 if job.status == JobStatus.FAILED else 200
    return render(request, "registry/workbook_job.html", context, status=status)


@login_required
@require_POST
def workbook_job_confirm(request: HttpRequest, pk: int) -> HttpResponse:
    """Apply exactly what was previewed, in the background."""
    _require_editor(request.user)
    job = _job_for(request, pk)
    if job.kind != JobKind.IMPORT or job.status != JobStatus.CHECKED:
        raise Http404("该导入不在待确认状态")
    jobs.workbook_import_confirm(job=job, user=request.user)
    return redirect("registry:workbook_job", job.pk)


@login_required
def workbook_job_download(request: HttpRequest, pk: int) -> FileResponse:
    """The finished export's file."""
    job = _job_for(request, pk)
    if job.kind != JobKind.EXPORT or job.status != JobStatus.DONE or not job.path:
        raise Http404("导出文件不存在")
    path = jobs.media_path(job.path)
    if not path.is_file():
        raise Http404("导出文件不存在")
    return FileResponse(
        path.open("rb"), as_attachment=True, filename=job.source_name, content_type=XLSX
    )


def _result(request: HttpRequest, job: WorkbookJob) -> HttpResponse:
    """The imported enterprises with what changed and their verdicts now."""
    outcome = request.GET.get("outcome", "")
    outcome = outcome if outcome in outcomes.OUTCOMES else ""
    q = request.GET.get("q", "").strip()[:100]
    events = outcomes.import_events(job, outcome, q)
    if export_requested(request):
        return xlsx_list_response(_result_export(job, events, outcome, q), request)
    page = Paginator(events, RESULT_PAGE).get_page(request.GET.get("page"))
    day = business_today()
    rows = outcomes.imported_rows(
        list(page.object_list), enterprise_list_for(request.user), day
    )
    context = {
        "job": job,
        "page": page,
        "rows": rows,
        "outcome": outcome,
        "q": q,
        "outcomes": outcomes.OUTCOMES,
        "day": day,
    }
    return render(request, "registry/workbook_result.html", context)


def _result_export(
    job: WorkbookJob, events: QuerySet[AuditEvent], outcome: str, q: str
) -> ListExport:
    def changes(event: AuditEvent) -> str:
        lines = outcomes.change_lines(event.changes or {})
        return "；".join(f"{what}：{old} → {new}" for what, old, new in lines)

    return ListExport(
        title=f"导入结果_{Path(job.source_name).stem}",
        columns=[
            ("企业名称", lambda e: e.target_repr),
            ("导入结果", outcomes.outcome_label),
            ("修改内容（原值 → 新值）", changes),
        ],
        rows=events.iterator(chunk_size=2000),
        filters=[
            ("结果", outcomes.OUTCOMES.get(outcome, "")),
            ("企业名称包含", q),
        ],
    )


def _store(user: Any, name: str, chunks: Any) -> str:
    """Keep the upload under imports/<user>/<token>/ (the path relative to
    MEDIA_ROOT is returned); old abandoned ones are removed."""
    _sweep(_user_dir(user))
    token = secrets.token_urlsafe(18)
    folder = _user_dir(user) / token
    folder.mkdir(parents=True)
    with (folder / name).open("wb") as out:
        for chunk in chunks:
            out.write(chunk)
    return f"imports/{user.pk}/{token}/{name}"


def _sweep(folder: Path) -> None:
    if not folder.is_dir():
        return
    cutoff = time.time() - KEEP_SECONDS
    for item in folder.iterdir():
        if item.is_dir() and item.stat().st_mtime < cutoff:
            shutil.rmtree(item, ignore_errors=True)


def _import_form(
    request: HttpRequest, context: dict[str, Any], status: int = 200
) -> HttpResponse:
    recent = workbook_job_list_for(request.user)[:10]
    context = context | {"jobs": recent}
    return render(request, "registry/workbook_import.html", context, status=status)


def _form_error(request: HttpRequest, message: str) -> HttpResponse:
    return _import_form(request, {"form_error": message}, status=400)


def _shown(sheet: str, header: str, old: Any, new: Any) -> tuple[str, Any, Any]:
    """One changed value as a reader wants it: 是/否 for a yes/no column, a
    choice's Chinese name rather than its stored code, （空） for blank."""
    spec = SHEETS_BY_NAME.get(sheet)
    column = (
        next((c for c in spec.columns if c.header == header), None) if spec else None
    )

    def shown(value: Any) -> Any:
        if column is not None and column.choices is not None:
            value = dict(column.choices.choices).get(value, value)
        return outcomes.shown(value)

    return header, shown(old), shown(new)


def _shown_preview(preview: list[list[Any]]) -> list[RowChange]:
    return [
        RowChange(sheet, row, label, outcome, tuple(_shown(sheet, *f) for f in fields))
        for sheet, row, label, outcome, fields in preview
    ]


@login_required
def workbook_template(request: HttpRequest) -> FileResponse:
    """The blank template with notes and an example row per sheet; its 重点产业
    drop-down offers the user's district's list."""
    buffer = io.BytesIO()
    write_template(buffer, key_industries=key_industries_for(request.user))
    buffer.seek(0)
    name = "企业数据工作簿模板.xlsx"
    return FileResponse(buffer, as_attachment=True, filename=name, content_type=XLSX)


@login_required
def workbook_export(request: HttpRequest) -> HttpResponseBase:
    """The user's enterprises (narrowed by the list's filters) in the workbook format.

    Up to KEQI_EXPORT_INLINE_MAX enterprises are written at once; a larger export
    goes to the background worker and the user follows it on the job's page.
    `?area=` naming an area outside the user's scope is a 404.
    """
    params = {k: str(v) for k, v in request.GET.items() if k != "page"}
    enterprises, area = jobs.export_selection(request.user, params)
    limit = int(getattr(settings, "KEQI_EXPORT_INLINE_MAX", EXPORT_INLINE_MAX))
    label = area.name if area is not None else "企业库"
    if enterprises.count() > limit:
        job = jobs.workbook_export_request(
            user=request.user, params=params, label=label
        )
        return redirect("registry:workbook_job", job.pk)
    # written to a temporary file row by row and streamed from there; the file
    # goes when it is sent
    out = tempfile.TemporaryFile(prefix="keqi-export-")  # noqa: SIM115 - FileResponse closes it
    write_xlsx(out, registry_tables(enterprises))
    out.seek(0)
    name = f"{label}导出_{timezone.localdate():%Y%m%d}.xlsx"
    return FileResponse(out, as_attachment=True, filename=name, content_type=XLSX)
