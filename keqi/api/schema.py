"""OpenAPI generation: every operation documents its JSON errors too.

drf-spectacular describes the success responses from each view's
``@extend_schema``; this adds the error responses every endpoint can give
(400, 401, 403, 404, 429; 415 where a body is sent) in the shape of keqi.api.errors, so a client (and
schemathesis) knows every status code it may see.
"""

from __future__ import annotations

from typing import Any

from drf_spectacular import openapi
from drf_spectacular.utils import OpenApiResponse
from rest_framework import serializers

ERROR_CODES = {
    "400": "请求参数有误（errors 按字段列出中文说明）",
    "401": "未提供令牌，或令牌无效、已撤销",
    "403": "无权执行此操作（如只读角色写入）",
    "404": "不存在或不在您的管辖范围内",
    "429": "请求过于频繁",
}
BODY_ERROR_CODES = {"415": "不支持的请求内容类型"}


class CellErrorSerializer(serializers.Serializer[Any]):
    """One workbook problem: sheet, row (0 = the whole file), column, message."""

    sheet = serializers.CharField(help_text="工作表")
    row = serializers.IntegerField(help_text="行号（0 表示整个文件）")
    column = serializers.CharField(help_text="列名")
    message = serializers.CharField(help_text="中文说明")


class ErrorSerializer(serializers.Serializer[Any]):
    """An error: Chinese message, machine code and, for 400, messages per field."""

    detail = serializers.CharField(help_text="中文说明")
    code = serializers.CharField(help_text="错误代码，如 not_found、invalid")
    errors = serializers.DictField(  # type: ignore[assignment]
        child=serializers.ListField(child=serializers.CharField()),
        required=False,
        help_text="按字段列出的中文说明（仅 400）",
    )
    cell_errors = CellErrorSerializer(
        many=True, required=False, help_text="工作簿导入：每一处错误（表、行、列）"
    )
    warnings = serializers.ListField(
        child=serializers.CharField(), required=False, help_text="工作簿导入：提示"
    )


class AutoSchema(openapi.AutoSchema):
    """drf-spectacular's schema with the shared error responses added."""

    def get_operation_id(self) -> str:
        """The view function's name (plus the method when a view has several)."""
        name = str(getattr(self.view, "__name__", type(self.view).__name__))
        methods = [m for m in self.view.allowed_methods if m not in ("OPTIONS", "HEAD")]
        return name if len(methods) <= 1 else f"{name}_{self.method.lower()}"

    def get_description(self) -> str:  # type: ignore[override]
        """Only the Chinese description given with @extend_schema (never docstrings)."""
        return ""

    def _get_response_bodies(self, direction: Any = "response") -> Any:
        responses = super()._get_response_bodies(direction)
        codes = dict(ERROR_CODES)
        if self.method in ("POST", "PUT", "PATCH"):
            codes |= BODY_ERROR_CODES
        for code, text in codes.items():
            if code not in responses:
                error = OpenApiResponse(ErrorSerializer, text)
                responses[code] = self._get_response_for_code(  # type: ignore[no-untyped-call]
                    error, code, direction=direction
                )
        return responses
