"""Refusing control characters in every request before any view sees them.

A NUL in a query parameter is a PostgreSQL error (500) the moment it reaches a
filter; BEL, ESC and the like stored in a name break every Excel file written
later. So a request whose path, query-string or form-field names or values hold a
control character (``keqi.core.text_safety``; tab and line breaks are allowed) is
answered 400 with a Chinese message naming the parameter, and changes nothing.
Forms clean their fields too (``keqi.core.forms``), for callers that do not come
through a request.
"""

from __future__ import annotations

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse, QueryDict
from django.http.multipartparser import MultiPartParserError

from keqi.core.errors import bad_request_response
from keqi.core.text_safety import control_character_error


def _problem_in(query: QueryDict, where: str) -> str | None:
    for name, values in query.lists():
        error = control_character_error(name)
        if error is not None:
            return f"{where}参数名{error}"
        for value in values:
            error = control_character_error(value)
            if error is not None:
                return f"{where}参数“{name}”{error}"
    return None


def request_control_character_problem(request: HttpRequest) -> str | None:
    """The Chinese description of the first control character in the request's
    path, query string or form fields, or None when there is none."""
    error = control_character_error(request.path)
    if error is not None:
        return f"网址{error}"
    problem = _problem_in(request.GET, "网址")
    if problem is None and request.method == "POST":
        try:
            problem = _problem_in(request.POST, "提交内容的")
        except MultiPartParserError:
            return None  # the view's own parsing answers a broken upload
        if problem is None:
            for name in request.FILES:
                error = control_character_error(name)
                if error is not None:
                    return f"上传文件的字段名{error}"
    return problem


class ControlCharacterMiddleware:
    """Answer 400 to any request holding a control character (see module doc)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        problem = request_control_character_problem(request)
        if problem is not None:
            return bad_request_response(request, problem)
        return self.get_response(request)
