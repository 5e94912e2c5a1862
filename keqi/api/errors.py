"""Every API error as JSON with a Chinese message, never an HTML page.

Shape: ``{"detail": "中文说明", "code": "not_found"}``; a 400 adds
``"errors": {"字段": ["中文说明", …]}`` (nested fields as ``lines.0.value``).
An unexpected exception is logged and answered 500 in the same shape.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Mapping
from typing import Any

from django.core.exceptions import BadRequest
from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404, HttpRequest, JsonResponse
from django.urls import Resolver404, resolve
from django.views.decorators.csrf import csrf_exempt
from rest_framework import exceptions
from rest_framework.response import Response
from rest_framework.views import set_rollback

log = logging.getLogger("keqi.api")
_CJK = re.compile(r"[\u4e00-\u9fff]")

NOT_AUTHENTICATED = "未提供身份凭证：请在请求头中加入 Authorization: Token <令牌>"
SERVER_ERROR = "服务器内部错误，已记录，请联系系统管理员"


def _chinese(text: Any, fallback: str) -> str:
    """The message when it is already Chinese, else our own wording."""
    text = str(text or "")
    return text if _CJK.search(text) else fallback


def flatten(detail: Any, prefix: str = "") -> dict[str, list[str]]:
    """DRF's nested error detail as {"a.0.b": ["message", …]}."""
    out: dict[str, list[str]] = {}
    if isinstance(detail, Mapping):
        for key, value in detail.items():
            name = f"{prefix}.{key}" if prefix else str(key)
            out.update(flatten(value, name))
    elif isinstance(detail, list | tuple):
        if all(not isinstance(v, Mapping | list | tuple) for v in detail):
            out.setdefault(prefix or "non_field_errors", []).extend(map(str, detail))
        else:
            for i, value in enumerate(detail):
                out.update(flatten(value, f"{prefix}.{i}" if prefix else str(i)))
    else:
        out.setdefault(prefix or "non_field_errors", []).append(str(detail))
    return out


def error_body(detail: str, code: str, errors: Any = None) -> dict[str, Any]:
    body: dict[str, Any] = {"detail": detail, "code": code}
    if errors:
        body["errors"] = errors
    return body


def _invalid(errors: dict[str, list[str]]) -> Response:
    first = next(iter(errors.values()), ["请求参数有误"])[0]
    detail = f"请求参数有误：{first}" if len(errors) == 1 else "请求参数有误，见 errors"
    return Response(error_body(detail, "invalid", errors), status=400)


def _django_validation(exc: DjangoValidationError) -> Response:
    if hasattr(exc, "error_dict"):
        return _invalid({k: list(v) for k, v in exc.message_dict.items()})
    detail = "；".join(exc.messages) or "请求参数有误"
    return Response(error_body(detail, "invalid"), status=400)


def _message(exc: exceptions.APIException, request: Any) -> str:
    """A Chinese message for each kind of DRF error."""
    if isinstance(exc, exceptions.NotAuthenticated):
        return NOT_AUTHENTICATED
    if isinstance(exc, exceptions.AuthenticationFailed):
        return _chinese(exc.detail, "身份凭证无效")
    if isinstance(exc, exceptions.PermissionDenied):
        return _chinese(exc.detail, "无权执行此操作")
    if isinstance(exc, exceptions.NotFound):
        return _chinese(exc.detail, "未找到请求的资源")
    if isinstance(exc, exceptions.MethodNotAllowed):
        method = getattr(request, "method", "") or ""
        return f"该地址不支持 {method} 请求"
    if isinstance(exc, exceptions.NotAcceptable):
        return "只能返回 JSON：Accept 请求头请用 application/json"
    if isinstance(exc, exceptions.UnsupportedMediaType):
        return "不支持的请求内容类型：请使用 application/json 或 multipart/form-data"
    if isinstance(exc, exceptions.Throttled):
        wait = int(getattr(exc, "wait", None) or 60)
        return f"请求过于频繁，请 {max(wait, 1)} 秒后再试"
    if isinstance(exc, exceptions.ParseError):
        return "请求内容无法解析：请检查 JSON 格式或上传的表单"
    return _chinese(exc.detail, "请求无法处理")


def _headers(exc: exceptions.APIException) -> dict[str, str]:
    headers = {}
    if getattr(exc, "auth_header", None):
        headers["WWW-Authenticate"] = str(getattr(exc, "auth_header", ""))
    if getattr(exc, "wait", None):
        headers["Retry-After"] = str(int(getattr(exc, "wait", 0)))
    return headers


def exception_handler(exc: Exception, context: Mapping[str, Any]) -> Response:
    """DRF's EXCEPTION_HANDLER: Chinese JSON for every error, 500 included."""
    set_rollback()
    request = context.get("request")
    if isinstance(exc, Http404):
        exc = exceptions.NotFound(*exc.args)
    elif isinstance(exc, DjangoPermissionDenied):
        exc = exceptions.PermissionDenied(*exc.args)
    if isinstance(exc, DjangoValidationError):
        return _django_validation(exc)
    if isinstance(exc, BadRequest):  # keqi.core.query's refusals of ids and years
        body = error_body(_chinese(exc, "请求参数有误"), "invalid")
        return Response(body, status=400)
    if isinstance(exc, exceptions.ValidationError):
        return _invalid(flatten(exc.detail))
    if isinstance(exc, exceptions.APIException):
        codes = exc.get_codes()
        code = codes if isinstance(codes, str) else str(exc.default_code)
        body = error_body(_message(exc, request), code)
        return Response(body, status=exc.status_code, headers=_headers(exc))
    log.exception("API 请求出错：%s", getattr(request, "path", ""))
    return Response(error_body(SERVER_ERROR, "server_error"), status=500)


@csrf_exempt  # it changes nothing; a stray POST must get JSON, not the CSRF page
def not_found(request: HttpRequest, rest: str = "") -> JsonResponse:
    """Any /api/ address that names no endpoint: a JSON 404, with a hint for a
    missing trailing slash."""
    detail = "没有这个接口地址，接口列表见 /api/"
    if not request.path.endswith("/"):
        try:
            if resolve(request.path + "/").func is not not_found:
                detail = f"接口地址应以 / 结尾：{request.path}/"
        except Resolver404:
            pass
    return JsonResponse(
        error_body(detail, "not_found"),
        status=404,
        json_dumps_params={"ensure_ascii": False},
    )
