"""Workbook imports and registry exports as background jobs (`keqi worker`).

The web pages only store the upload and queue a job; the worker reads, checks
and plans the file (no transaction, so no lock while parsing), stores the
preview, and after the owner confirms applies it in one short transaction. An
export writes its file under MEDIA_ROOT and the page offers it for download.
The same functions run inline from tests and are what the tasks call.
"""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.http import Http404, QueryDict
from django.utils import timezone

from keqi.accounts.models import Area
from keqi.accounts.scopes import can_edit_enterprises
from keqi.accounts.selectors import area_named_for
from keqi.registry.models import Enterprise, JobKind, JobStatus, WorkbookJob
from keqi.registry.workbook.importer import import_workbook
from keqi.registry.workbook.result import ImportResult
from keqi.registry.workbook.writer import registry_tables, write_xlsx

PREVIEW_LIMIT = 500


def media_path(relative: str) -> Path:
    """A job's file under MEDIA_ROOT (jobs store paths relative to it)."""
    return Path(settings.MEDIA_ROOT) / relative


def workbook_import_request(*, user: Any, name: str, relative: str) -> WorkbookJob:
    """Record an uploaded file (already stored at `relative`) and queue its check."""
    if not can_edit_enterprises(user):
        raise PermissionDenied("当前账号无权导入企业数据")
    job = WorkbookJob.objects.create(
        kind=JobKind.IMPORT, user=user, source_name=name, path=relative
    )
    _enqueue("check", job.pk)
    return job


def workbook_import_confirm(*, job: WorkbookJob, user: Any) -> WorkbookJob:
    """The owner confirms a checked import: queue its application."""
    if job.user_id != user.pk or job.status != JobStatus.CHECKED:
        raise PermissionDenied("该导入不在待确认状态")
    updated = WorkbookJob.objects.filter(pk=job.pk, status=JobStatus.CHECKED).update(
        status=JobStatus.QUEUED, stage="等待写入"
    )
    if updated:
        _enqueue("apply", job.pk)
    job.refresh_from_db()
    return job


def workbook_export_request(
    *, user: Any, params: dict[str, str], label: str
) -> WorkbookJob:
    """Queue an export of the enterprises `params` select (the list's filters)."""
    job = WorkbookJob.objects.create(
        kind=JobKind.EXPORT,
        user=user,
        params=params,
        source_name=f"{label}导出_{timezone.localdate():%Y%m%d}.xlsx",
    )
    _enqueue("export", job.pk)
    return job


def _enqueue(what: str, job_id: int) -> None:
    from keqi.registry import tasks

    task = {
        "check": tasks.workbook_check_task,
        "apply": tasks.workbook_apply_task,
        "export": tasks.workbook_export_task,
    }[what]
    task.enqueue(job_id)


def _progress(job: WorkbookJob) -> Any:
    def step(stage: str, done: int, total: int) -> None:
        WorkbookJob.objects.filter(pk=job.pk).update(
            stage=stage, updated_at=timezone.now()
        )

    return step


def _finish(job: WorkbookJob, status: str, **fields: Any) -> None:
    fields |= {"status": status, "stage": "", "finished_at": timezone.now()}
    for name, value in fields.items():
        setattr(job, name, value)
    job.save()


def _errors(result: ImportResult) -> list[list[Any]]:
    return [[e.sheet, e.row, e.column, e.message] for e in result.errors]


def _drop_upload(job: WorkbookJob) -> None:
    if job.path:
        shutil.rmtree(media_path(job.path).parent, ignore_errors=True)


def workbook_check_execute(*, job: WorkbookJob) -> WorkbookJob:
    """Read and check the upload; store the preview or every error."""
    job.status = JobStatus.CHECKING
    job.save(update_fields=["status", "updated_at"])
    result = import_workbook(
        media_path(job.path),
        actor=job.user,
        dry_run=True,
        source_name=job.source_name,
        progress=_progress(job),
    )
    if result.errors:
        _drop_upload(job)
        _finish(job, JobStatus.FAILED, errors=_errors(result), warnings=result.warnings)
        return job
    _finish(
        job,
        JobStatus.CHECKED,
        fingerprint=result.fingerprint(),
        counts=result.summary(),
        enterprises=result.enterprises,
        changed_total=result.changed_total,
        preview=_preview(result),
        warnings=result.warnings,
        finished_at=None,
    )
    return job


def _preview(result: ImportResult) -> list[list[Any]]:
    return [
        [c.sheet, c.row, c.label, c.outcome, [list(f) for f in c.fields]]
        for c in result.changes[:PREVIEW_LIMIT]
    ]


def workbook_apply_execute(*, job: WorkbookJob) -> WorkbookJob:
    """Apply a confirmed import exactly as previewed, all or nothing."""
    job.status = JobStatus.APPLYING
    job.save(update_fields=["status", "updated_at"])
    try:
        result = import_workbook(
            media_path(job.path),
            actor=job.user,
            source_name=job.source_name,
            expected_fingerprint=job.fingerprint,
            progress=_progress(job),
        )
    finally:
        _drop_upload(job)
    if result.errors:
        _finish(job, JobStatus.FAILED, errors=_errors(result))
        return job
    _finish(
        job,
        JobStatus.DONE,
        counts=result.summary(),
        enterprises=result.enterprises,
        event_first=result.events[0],
        event_last=result.events[1],
    )
    return job


def workbook_export_execute(
    *, job: WorkbookJob, enterprises: QuerySet[Enterprise]
) -> WorkbookJob:
    """Write the selected enterprises to the job's file under MEDIA_ROOT."""
    job.status = JobStatus.EXPORTING
    job.stage = "正在写出工作簿"
    job.save(update_fields=["status", "stage", "updated_at"])
    relative = f"exports/{job.user_id}/{job.pk}/{job.source_name}"
    target = media_path(relative)
    target.parent.mkdir(parents=True, exist_ok=True)
    tables = registry_tables(enterprises)
    with target.open("wb") as out:
        write_xlsx(out, tables)
    counts = {t.spec.name: t.count for t in tables}
    _finish(job, JobStatus.DONE, path=relative, counts=counts)
    return job


def workbook_job_fail(*, job: WorkbookJob, message: str) -> None:
    """A job that stopped on an unexpected error: say so, keep nothing half done."""
    if job.kind == JobKind.IMPORT:
        _drop_upload(job)
    _finish(job, JobStatus.FAILED, errors=[["", 0, "", message]])


def export_selection(
    user: Any, params: dict[str, str]
) -> tuple[QuerySet[Enterprise], Area | None]:
    """The enterprises an export of the list's filters `params` writes (always
    within the user's scope) and the area named by ``area`` (Http404 when it is
    unknown or outside the scope)."""
    from keqi.registry.forms import enterprise_search

    query = QueryDict(mutable=True)
    query.update(params)
    area = _area_param(user, params.get("area", ""))
    if area is not None:
        query["area"] = str(area.pk)
    enterprises: QuerySet[Enterprise] = enterprise_search(user, query).enterprises
    if area is not None:
        enterprises = enterprises.filter(area=area)
    return enterprises, area


def _area_param(user: Any, raw: str) -> Area | None:
    """The area named by ?area= (id, code or name); 404 outside the user's scope
    (their area, their district)."""
    raw = raw.strip()
    if not raw:
        return None
    found = area_named_for(user, raw)
    if found is None:
        raise Http404("街镇/园区不存在或不在您的管辖范围内")
    return found
