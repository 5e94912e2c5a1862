"""Registry pages (list, detail, edit, import, export)."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from keqi.registry.selectors import enterprise_list_for


@login_required
def enterprise_list(request: HttpRequest) -> HttpResponse:
    """The enterprises in the user's scope."""
    rows = enterprise_list_for(request.user)[:200]
    return render(request, "registry/enterprise_list.html", {"enterprises": rows})
