"""Excel exchange of the two lists: the export re-imports unchanged; an import is
all or nothing, every problem named by row and column (keqi.partners.excel)."""

from __future__ import annotations

import io
import shutil
import tempfile
from pathlib import Path
from typing import Any

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone

from keqi.core.uploads import request_too_large, upload_too_large
from keqi.partners.access import can_record
from keqi.partners.excel import ImportOutcome, Sheet, import_file, xlsx_bytes
from keqi.products.sheets import SHEETS
from keqi.products.views import kind_get

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
ACCEPTED = (".xlsx", ".xls", ".zip", ".csv")


def _sheet(slug: str) -> Sheet:
    if slug not in SHEETS:
        raise Http404("没有这个列表")
    return SHEETS[slug]


@login_required
def list_export(request: HttpRequest, slug: str) -> FileResponse:
    """The user's rows in the exchange format (?blank=1: the headers only)."""
    sheet = _sheet(slug)
    blank = bool(request.GET.get("blank"))
    rows = [] if blank else list(sheet.rows(request.user))
    stamp = timezone.localdate().strftime("%Y%m%d")
    name = f"{sheet.name}{'模板' if blank else '导出'}_{stamp}.xlsx"
    return FileResponse(
        io.BytesIO(xlsx_bytes(sheet, rows)),
        as_attachment=True,
        filename=name,
        content_type=XLSX,
    )


def upload_import(sheet: Sheet, upload: Any, user: Any) -> tuple[str, ImportOutcome]:
    """Save the upload to a private folder, import it, remove the folder."""
    name = Path(upload.name).name
    folder = Path(tempfile.mkdtemp(prefix="keqi-products-"))
    try:
        path = folder / name
        with path.open("wb") as out:
            for chunk in upload.chunks():
                out.write(chunk)
        return name, import_file(sheet, path, user)
    finally:
        shutil.rmtree(folder, ignore_errors=True)


def _refusal(request: HttpRequest) -> str | None:
    too_large = request_too_large(request)
    if too_large is not None:
        return too_large
    upload = request.FILES.get("file")
    name = Path(upload.name).name if upload is not None and upload.name else ""
    if not name.lower().endswith(ACCEPTED):
        return "请选择 .xlsx、.xls 文件，或 CSV 文件（可打包为 .zip）"
    return upload_too_large(upload)


@login_required
def list_import(request: HttpRequest, slug: str) -> HttpResponse:
    """Upload a file for one list: every row applied, or nothing and every error."""
    sheet = _sheet(slug)
    if not can_record(request.user):
        raise PermissionDenied("当前账号只能查看，不能导入")
    context: dict[str, Any] = {"sheet": sheet, "kind": kind_get(slug)}
    if request.method != "POST":
        return render(request, "products/import.html", context)
    refusal = _refusal(request)
    if refusal is not None:
        context["form_error"] = refusal
        return render(request, "products/import.html", context, status=400)
    name, outcome = upload_import(sheet, request.FILES["file"], request.user)
    context |= {"outcome": outcome, "file_name": name}
    status = 200 if outcome.ok else 400
    return render(request, "products/import.html", context, status=status)
