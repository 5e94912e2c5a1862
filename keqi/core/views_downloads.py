"""A prepared download's page (progress, then the file) and the file itself."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import FileResponse, HttpRequest, HttpResponse
from django.shortcuts import render

from keqi.core.downloads import download_file, download_get_for, keep_for


@login_required
def download_page(request: HttpRequest, pk: int) -> HttpResponse:
    """Progress while the worker writes the file, then the link to it; the error
    in Chinese when it failed (404 for anyone but its requester or their HQ)."""
    found = download_get_for(request.user, pk)
    context = {"d": found, "keep_hours": int(keep_for().total_seconds() // 3600)}
    return render(request, "core/download.html", context)


@login_required
def download_fetch(request: HttpRequest, pk: int) -> FileResponse:
    """The finished file (404 before it is written, after it expired, or for
    anyone but its requester or their HQ)."""
    found = download_get_for(request.user, pk)
    path = download_file(found)
    return FileResponse(path.open("rb"), as_attachment=True, filename=found.filename)
