"""Workbook pages: upload with a preview before anything changes, confirm, error
list, blank template and registry export (scoped to the user).

The uploaded file is kept under MEDIA_ROOT/imports/<user>/<token>/ between the
preview and the confirmation; the confirmation re-reads and re-checks it and
applies it only if the planned changes are exactly the ones previewed.
"""

from __future__ import annotations

import io
import re
import secrets
import shutil
import tempfile
import time
from dataclasses import replace
from pathlib import Path
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_POST

from keqi.accounts.models import Area
from keqi.accounts.scopes import can_edit_enterprises
from keqi.accounts.selectors import area_named_for
from keqi.core.uploads import request_too_large, upload_too_large
from keqi.registry.forms import enterprise_search
from keqi.registry.models import Enterprise
from keqi.registry.workbook import (
    ImportResult,
    import_workbook,
    registry_tables,
    write_template,
)
from keqi.registry.workbook.schema import SHEETS_BY_NAME
from keqi.registry.workbook.writer import write_xlsx

ACCEPTED = (".xlsx", ".xls", ".zip", ".csv")
SESSION_KEY = "workbook_imports"
TOKEN = re.compile(r"[A-Za-z0-9_-]{16,64}")
KEEP_SECONDS = 24 * 3600
PREVIEW_LIMIT = 500
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _require_editor(user: Any) -> None:
    if not can_edit_enterprises(user):
        raise PermissionDenied("当前账号无权导入企业数据")


def _user_dir(user: Any) -> Path:
    return Path(settings.MEDIA_ROOT) / "imports" / str(user.pk)


@login_required
def workbook_import(request: HttpRequest) -> HttpResponse:
    """The upload form; a posted file is checked and its changes previewed."""
    _require_editor(request.user)
    if request.method != "POST":
        return render(request, "registry/workbook_import.html", {})
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
    token, path = _store(request.user, name, upload.chunks())
    result = import_workbook(path, actor=request.user, dry_run=True, source_name=name)
    if result.errors:
        shutil.rmtree(path.parent, ignore_errors=True)
        return _errors(request, result)
    pending = request.session.get(SESSION_KEY, {})
    pending[token] = {"name": name, "fingerprint": result.fingerprint()}
    request.session[SESSION_KEY] = pending
    return _preview(request, result, token)


@login_required
@require_POST
def workbook_import_confirm(request: HttpRequest, token: str) -> HttpResponse:
    """Apply exactly what was previewed (re-checked against the registry now)."""
    _require_editor(request.user)
    meta = request.session.get(SESSION_KEY, {}).get(token)
    folder = _user_dir(request.user) / token
    if not TOKEN.fullmatch(token) or meta is None or not folder.is_dir():
        raise Http404("导入任务不存在或已过期，请重新上传")
    path = next(folder.iterdir())
    result = import_workbook(
        path,
        actor=request.user,
        source_name=meta["name"],
        expected_fingerprint=meta["fingerprint"],
    )
    shutil.rmtree(folder, ignore_errors=True)
    request.session[SESSION_KEY] = {
        k: v for k, v in request.session[SESSION_KEY].items() if k != token
    }
    if result.errors:
        return _errors(request, result)
    messages.success(request, f"已导入“{meta['name']}”。")
    return _preview(request, result, token, applied=True)


def _store(user: Any, name: str, chunks: Any) -> tuple[str, Path]:
    """Keep the upload under imports/<user>/<token>/; old abandoned ones are removed."""
    _sweep(_user_dir(user))
    token = secrets.token_urlsafe(18)
    folder = _user_dir(user) / token
    folder.mkdir(parents=True)
    path = folder / name
    with path.open("wb") as out:
        for chunk in chunks:
            out.write(chunk)
    return token, path


def _sweep(folder: Path) -> None:
    if not folder.is_dir():
        return
    cutoff = time.time() - KEEP_SECONDS
    for item in folder.iterdir():
        if item.is_dir() and item.stat().st_mtime < cutoff:
            shutil.rmtree(item, ignore_errors=True)


def _form_error(request: HttpRequest, message: str) -> HttpResponse:
    context = {"form_error": message}
    return render(request, "registry/workbook_import.html", context, status=400)


def _errors(request: HttpRequest, result: ImportResult) -> HttpResponse:
    context = {"result": result}
    return render(request, "registry/workbook_import.html", context, status=400)


def _shown(sheet: str, header: str, old: Any, new: Any) -> tuple[str, Any, Any]:
    """One changed value as a reader wants it: 是/否 for a yes/no column and a
    choice's Chinese name rather than its stored code."""
    spec = SHEETS_BY_NAME.get(sheet)
    column = (
        next((c for c in spec.columns if c.header == header), None) if spec else None
    )

    def shown(value: Any) -> Any:
        if isinstance(value, bool):
            return "是" if value else "否"
        if column is not None and column.choices is not None:
            return dict(column.choices.choices).get(value, value)
        return value

    return header, shown(old), shown(new)


def _preview(
    request: HttpRequest, result: ImportResult, token: str, applied: bool = False
) -> HttpResponse:
    changed = [c for c in result.changes if c.outcome != "unchanged"]
    context = {
        "result": result,
        "token": token,
        "applied": applied,
        "changed": [
            replace(c, fields=tuple(_shown(c.sheet, *f) for f in c.fields))
            for c in changed[:PREVIEW_LIMIT]
        ],
        "more": max(0, len(changed) - PREVIEW_LIMIT),
    }
    return render(request, "registry/workbook_preview.html", context)


@login_required
def workbook_template(request: HttpRequest) -> FileResponse:
    """The blank template with notes and an example row per sheet."""
    buffer = io.BytesIO()
    write_template(buffer)
    buffer.seek(0)
    name = "企业数据工作簿模板.xlsx"
    return FileResponse(buffer, as_attachment=True, filename=name, content_type=XLSX)


@login_required
def workbook_export(request: HttpRequest) -> FileResponse:
    """The user's enterprises (narrowed by the list's filters) in the workbook format.

    `?area=` naming an area outside the user's scope, or no area at all, is a 404.
    """
    params = request.GET.copy()
    area = _area_param(request.user, params.get("area", ""))
    if area is not None:
        params["area"] = str(area.pk)
    enterprises: QuerySet[Enterprise] = enterprise_search(
        request.user, params
    ).enterprises
    if area is not None:
        enterprises = enterprises.filter(area=area)
    # written to a temporary file row by row and streamed from there, so a
    # city's registry never sits in memory; the file goes when it is sent
    out = tempfile.TemporaryFile(prefix="keqi-export-")  # noqa: SIM115 - FileResponse closes it
    write_xlsx(out, registry_tables(enterprises))
    out.seek(0)
    label = area.name if area is not None else "企业库"
    name = f"{label}导出_{timezone.localdate():%Y%m%d}.xlsx"
    return FileResponse(out, as_attachment=True, filename=name, content_type=XLSX)


def _area_param(user: Any, raw: str) -> Area | None:
    """The area named by ?area= (id, code or name); 404 outside the user's scope."""
    raw = raw.strip()
    if not raw:
        return None
    found = area_named_for(user, raw)
    if found is None:
        raise Http404("街镇/园区不存在或不在您的管辖范围内")
    return found
