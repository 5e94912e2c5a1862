"""How big an uploaded file may be, checked the same way on every import page.

The limit is a setting (KEQI_IMPORT_MAX_MB, 50 MB by default). A request whose
declared length is already over it is refused before its body is read; a file
that turns out larger is refused before it is parsed. Either way the user sees a
Chinese sentence with both sizes.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.http import HttpRequest

MB = 1024 * 1024
DEFAULT_MAX_MB = 50
# What a multipart body carries besides the file: boundaries, the CSRF token, …
FORM_OVERHEAD = MB


def upload_limit_bytes() -> int:
    """The most bytes one uploaded file may have."""
    return int(getattr(settings, "KEQI_IMPORT_MAX_MB", DEFAULT_MAX_MB)) * MB


def _message(size: int) -> str:
    limit = upload_limit_bytes() // MB
    return (
        f"文件过大：本文件约 {size / MB:.1f} MB，最多 {limit} MB，"
        "请拆分为几个较小的文件分别导入"
    )


def request_too_large(request: HttpRequest) -> str | None:
    """A message when the request body is declared larger than a file may be.

    Call it before touching request.FILES, so an oversized body is never read.
    """
    try:
        length = int(request.META.get("CONTENT_LENGTH") or 0)
    except ValueError:
        return None
    if length > upload_limit_bytes() + FORM_OVERHEAD:
        return _message(length)
    return None


def upload_too_large(upload: Any) -> str | None:
    """A message when the uploaded file is over the limit, else None."""
    size = int(getattr(upload, "size", 0) or 0)
    if size > upload_limit_bytes():
        return _message(size)
    return None
