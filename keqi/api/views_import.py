"""Workbook import through the API: the web import's checks, all or nothing.

The upload goes to keqi.registry.workbook.import_workbook exactly as from the
import page: every problem is found before anything is written and listed by
sheet, row and column in Chinese; with dry_run nothing is written and the
planned changes come back with a fingerprint, which a second call may pass as
expected_fingerprint to apply exactly what was previewed.
"""

from __future__ import annotations

import tempfile
from pathlib import Path
from typing import Any

from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.decorators import api_view, parser_classes
from rest_framework.exceptions import PermissionDenied, ValidationError
from rest_framework.parsers import MultiPartParser
from rest_framework.request import Request
from rest_framework.response import Response

from keqi.accounts.scopes import can_edit_enterprises
from keqi.api.authentication import token_of
from keqi.api.errors import error_body
from keqi.api.services import api_write_record
from keqi.core.audit import to_jsonable
from keqi.core.uploads import upload_too_large
from keqi.registry.workbook import ImportResult, import_workbook

ACCEPTED = (".xlsx", ".xls", ".zip", ".csv")
CHANGES_SHOWN = 1000


class ImportRequestSerializer(serializers.Serializer[Any]):
    file = serializers.FileField(
        help_text="企业数据工作簿：.xlsx、.xls，或 CSV 文件（可打包为 .zip）"
    )
    dry_run = serializers.BooleanField(
        default=False, help_text="只检查并预览将做的修改，不写入企业库"
    )
    expected_fingerprint = serializers.CharField(
        required=False,
        allow_blank=True,
        max_length=64,
        help_text="预览返回的 fingerprint；给出时，只有修改与预览完全一致才写入",
    )


class FieldChangeSerializer(serializers.Serializer[Any]):
    column = serializers.CharField(help_text="列名")
    old = serializers.JSONField(help_text="原值")
    new = serializers.JSONField(help_text="新值")


class RowChangeSerializer(serializers.Serializer[Any]):
    sheet = serializers.CharField()
    row = serializers.IntegerField()
    label = serializers.CharField()  # type: ignore[assignment]
    outcome = serializers.ChoiceField(choices=["created", "updated"])
    fields = FieldChangeSerializer(many=True)  # type: ignore[assignment]


class CountsSerializer(serializers.Serializer[Any]):
    created = serializers.IntegerField(help_text="新增")
    updated = serializers.IntegerField(help_text="更新")
    unchanged = serializers.IntegerField(help_text="无变化")


class ImportResultSerializer(serializers.Serializer[Any]):
    source = serializers.CharField(help_text="文件名")  # type: ignore[assignment]
    dry_run = serializers.BooleanField()
    applied = serializers.BooleanField(help_text="已写入企业库")
    changed = serializers.BooleanField(help_text="有需要写入的修改")
    fingerprint = serializers.CharField(help_text="预览指纹，确认写入时回传")
    counts = serializers.DictField(child=CountsSerializer(), help_text="按工作表")
    summary = serializers.ListField(child=serializers.CharField())
    changes = RowChangeSerializer(
        many=True, help_text=f"修改明细（最多 {CHANGES_SHOWN} 条）"
    )
    changes_more = serializers.IntegerField(help_text="未列出的修改条数")
    warnings = serializers.ListField(child=serializers.CharField())


def result_body(result: ImportResult, dry_run: bool) -> dict[str, Any]:
    """An import's outcome as JSON (values as the audit trail stores them)."""
    changed = [c for c in result.changes if c.outcome != "unchanged"]
    return {
        "source": result.source,
        "dry_run": dry_run,
        "applied": result.applied,
        "changed": result.changed,
        "fingerprint": result.fingerprint(),
        "counts": result.summary(),
        "summary": result.summary_lines(),
        "changes": [
            {"sheet": c.sheet, "row": c.row, "label": c.label, "outcome": c.outcome}
            | {
                "fields": [
                    {"column": h, "old": to_jsonable(o), "new": to_jsonable(n)}
                    for h, o, n in c.fields
                ]
            }
            for c in changed[:CHANGES_SHOWN]
        ],
        "changes_more": max(0, result.changed_total - len(changed[:CHANGES_SHOWN])),
        "warnings": result.warnings,
    }


def _errors_body(result: ImportResult) -> dict[str, Any]:
    body = error_body(
        f"导入未执行：发现 {len(result.errors)} 处错误，企业库未做任何修改",
        "invalid_workbook",
        {"file": [str(e) for e in result.errors]},
    )
    body["cell_errors"] = [
        {"sheet": e.sheet, "row": e.row, "column": e.column, "message": e.message}
        for e in result.errors
    ]
    body["warnings"] = result.warnings
    return body


def _upload_name(upload: Any) -> str:
    name = Path(str(upload.name or "")).name
    if name.startswith(".") or not name.lower().endswith(ACCEPTED):
        message = "只能导入 .xlsx、.xls 文件，或 CSV 文件（可打包为 .zip）"
        raise ValidationError({"file": [message]})
    too_large = upload_too_large(upload)
    if too_large is not None:
        raise ValidationError({"file": [too_large]})
    return name


@extend_schema(
    summary="导入企业数据工作簿（可先预览）",
    description="与网页导入相同的格式和检查：全部无误才写入，否则一处不改并按"
    "“表 · 行 · 列”列出每一处错误（cell_errors）。dry_run=true 只预览。",
    request={"multipart/form-data": ImportRequestSerializer},
    responses={200: ImportResultSerializer},
    tags=["导入"],
)
@api_view(["POST"])
@parser_classes([MultiPartParser])
def workbook_import(request: Request) -> Response:
    """Check, preview or apply an uploaded workbook as the caller."""
    if not can_edit_enterprises(request.user):
        raise PermissionDenied("当前账号无权导入企业数据")
    given = ImportRequestSerializer(data=request.data)
    given.is_valid(raise_exception=True)
    data = given.validated_data
    name = _upload_name(data["file"])
    dry_run = bool(data["dry_run"])
    with tempfile.TemporaryDirectory(prefix="keqi-api-import-") as folder:
        path = Path(folder) / name
        with path.open("wb") as out:
            for chunk in data["file"].chunks():
                out.write(chunk)
        result = _run(request, path, name, dry_run, data.get("expected_fingerprint"))
    if result.errors:
        return Response(_errors_body(result), status=400)
    return Response(result_body(result, dry_run))


def _run(
    request: Request, path: Path, name: str, dry_run: bool, fingerprint: str | None
) -> ImportResult:
    """Parse and check outside any transaction; only the apply takes the write lock,
    and the API call is recorded inside that same transaction."""

    def record() -> None:
        api_write_record(
            token=token_of(request),
            actor=request.user,
            what=f"导入工作簿“{name}”",
            target=None,
        )

    return import_workbook(
        path,
        actor=request.user,
        dry_run=dry_run,
        source_name=name,
        expected_fingerprint=fingerprint or "",
        on_applied=None if dry_run else record,
    )
