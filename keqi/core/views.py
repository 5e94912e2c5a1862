"""The home page."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect


@login_required
def home(request: HttpRequest) -> HttpResponse:
    """Send people to the enterprise registry, the first working part of keqi."""
    return redirect("registry:enterprise_list")
