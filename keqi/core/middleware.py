"""Refusing control characters in every request before any view sees them.

A NUL in a query parameter is a PostgreSQL error (500) the moment it reaches a
filter; BEL, ESC and the like stored in a name break every Excel file written
later. So a request whose path, query-string or form-field names or values, or
whose JSON body's keys or strings (the API), hold a control character
(``keqi.core.text_safety``; tab and line breaks are allowed) is answered 400 with
a Chinese message naming the parameter, and changes nothing.
Forms clean their fields too (``keqi.core.forms``), for callers that do not come
through a request and for file-upload forms, whose body the middleware leaves to
the view.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

from django.core.exceptions import RequestDataTooBig, TooManyFieldsSent
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


def _problem_in_json(value: Any, where: str) -> str | None:
    if isinstance(value, str):
        error = control_character_error(value)
        return None if error is None else f"提交内容的字段“{where}”{error}"
    if isinstance(value, dict):
        for key, item in value.items():
            name = f"{where}.{key}" if where else str(key)
            found = _problem_in_json(str(key), name) or _problem_in_json(item, name)
            if found is not None:
                return found
    if isinstance(value, list):
        for index, item in enumerate(value):
            found = _problem_in_json(item, f"{where}.{index}" if where else str(index))
            if found is not None:
                return found
    return None


def _json_body(request: HttpRequest) -> Any:
    """The request's JSON body, or None when it has none or it does not parse
    (the API answers a broken body itself)."""
    if request.content_type != "application/json":
        return None
    try:
        return json.loads(request.body or b"null")
    except (ValueError, RequestDataTooBig):
        return None


def request_control_character_problem(request: HttpRequest) -> str | None:
    """The Chinese description of the first control character in the request's
    path, query string or form fields, or None when there is none."""
    error = control_character_error(request.path)
    if error is not None:
        return f"网址{error}"
    problem = _problem_in(request.GET, "网址")
    if problem is None and request.method in ("POST", "PUT", "PATCH"):
        problem = _problem_in_json(_json_body(request), "")
    # A file upload is left to its view (which may set its own upload handlers and
    # size limits before parsing); the upload form's text fields are SafeForm's.
    if problem is None and request.method == "POST" and not _is_upload(request):
        try:
            problem = _problem_in(request.POST, "提交内容的")
        except (MultiPartParserError, RequestDataTooBig, TooManyFieldsSent):
            return None  # the view's own parsing answers a broken or huge body
    return problem


def _is_upload(request: HttpRequest) -> bool:
    return request.content_type == "multipart/form-data"


class ControlCharacterMiddleware:
    """Answer 400 to any request holding a control character (see module doc)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        problem = request_control_character_problem(request)
        if problem is not None:
            return bad_request_response(request, problem)
        return self.get_response(request)
