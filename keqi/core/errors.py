"""Answering a bad request (400) in Chinese, as a page or, under /api/, as JSON.

One way to refuse input that cannot be handled: raise Django's ``BadRequest`` with
a Chinese message (``bad_request`` is the site's handler400 and shows it), or call
``bad_request_response`` directly where no exception fits (middleware). Nothing
has been changed when either answers.
"""

from __future__ import annotations

import re

from django.http import HttpRequest, HttpResponse, JsonResponse
from django.template.loader import render_to_string

_CJK = re.compile(r"[\u4e00-\u9fff]")
GENERIC = "地址或提交的内容有误，无法处理"


def is_api(request: HttpRequest) -> bool:
    """Requests under /api/ get JSON answers, never an HTML page."""
    return request.path.startswith("/api/")


def bad_request_response(request: HttpRequest, problem: str) -> HttpResponse:
    """A 400 naming the problem: the Chinese page, or the API's JSON error shape."""
    if is_api(request):
        body = {"detail": f"请求参数有误：{problem}", "code": "invalid"}
        return JsonResponse(body, status=400, json_dumps_params={"ensure_ascii": False})
    page = render_to_string("400.html", {"problem": problem}, request=request)
    return HttpResponse(page, status=400)


def bad_request(request: HttpRequest, exception: Exception) -> HttpResponse:
    """handler400: the exception's message when it is Chinese, else a general one
    (Django's own SuspiciousOperation texts are English and may name internals)."""
    text = str(exception.args[0]) if exception.args else ""
    return bad_request_response(request, text if _CJK.search(text) else GENERIC)


def permission_denied(request: HttpRequest, exception: Exception) -> HttpResponse:
    """handler403: the page says why when the refusal's message is Chinese (a
    rule only the city keeps, a read-only account), else only the general text."""
    text = str(exception.args[0]) if exception.args else ""
    reason = text if _CJK.search(text) else ""
    page = render_to_string("403.html", {"reason": reason}, request=request)
    return HttpResponse(page, status=403)
