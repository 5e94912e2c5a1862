"""Importing activities and attendance from Excel, and the blank template."""

from __future__ import annotations

import tempfile
from pathlib import Path

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from keqi.activities.exports import Sheet, xlsx_response
from keqi.activities.selectors import may_record
from keqi.activities.workbook import (
    ACTIVITY_COLUMNS,
    ACTIVITY_SHEET,
    ATTENDANCE_COLUMNS,
    ATTENDANCE_SHEET,
    ImportReport,
    activities_import,
)
from keqi.core.uploads import request_too_large, upload_too_large

SUFFIXES = (".xlsx", ".xls", ".zip")


def _run(request: HttpRequest) -> tuple[ImportReport | None, str]:
    too_large = request_too_large(request)
    if too_large is not None:
        return None, too_large
    upload = request.FILES.get("file")
    if upload is None:
        return None, "请选择要导入的工作簿"
    suffix = Path(upload.name or "").suffix.lower()
    if suffix not in SUFFIXES:
        return None, "请上传 .xlsx、.xls 或 CSV 压缩包（.zip）"
    too_large = upload_too_large(upload)
    if too_large is not None:
        return None, too_large
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / f"upload{suffix}"
        with path.open("wb") as out:
            for chunk in upload.chunks():
                out.write(chunk)
        report = activities_import(
            path=path,
            actor=request.user,
            dry_run=request.POST.get("dry_run") == "1",
            reason=f"导入工作簿 {upload.name}",
        )
    return report, ""


@login_required
def import_page(request: HttpRequest) -> HttpResponse:
    """Upload, check every row, and apply all or nothing."""
    if not may_record(request.user):
        raise PermissionDenied("当前账号只能查看，不能导入")
    report, problem = (None, "")
    if request.method == "POST":
        report, problem = _run(request)
    context = {
        "report": report,
        "problem": problem,
        "sheets": [
            (ACTIVITY_SHEET, ACTIVITY_COLUMNS),
            (ATTENDANCE_SHEET, ATTENDANCE_COLUMNS),
        ],
    }
    return render(request, "activities/import.html", context)


@login_required
def import_template(request: HttpRequest) -> HttpResponse:
    """A blank workbook with both sheets' headers and a sheet explaining them."""
    about = [("用途", "批量导入活动（培训、论坛、大赛等）及参加企业；全部正确才会导入")]
    for sheet, columns in (
        (ACTIVITY_SHEET, ACTIVITY_COLUMNS),
        (ATTENDANCE_SHEET, ATTENDANCE_COLUMNS),
    ):
        for c in columns:
            need = "必填" if c.required else "选填"
            about.append(
                (f"{sheet} · {c.header}", f"{need}{'；' + c.note if c.note else ''}")
            )
    sheets: list[Sheet] = [
        (ACTIVITY_SHEET, [c.header for c in ACTIVITY_COLUMNS], []),
        (ATTENDANCE_SHEET, [c.header for c in ATTENDANCE_COLUMNS], []),
    ]
    return xlsx_response("活动导入模板.xlsx", about, sheets)
