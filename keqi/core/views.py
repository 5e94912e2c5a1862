"""The home page."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe

from keqi.accounts.models import Role

ADMIN_HOMES = {
    Role.SYS_ADMIN: "user_list",
    Role.SEC_ADMIN: "lock_list",
    Role.AUDIT_ADMIN: "audit_log",
}


@login_required
def home(request: HttpRequest) -> HttpResponse:
    """Leaders land on their dashboard, the three administrators on their own page,
    everyone else on the enterprise registry."""
    role = getattr(request.user, "role", None)
    if role == Role.LEADER:
        return redirect("dashboard:index")
    if role == Role.CITY:
        return redirect("dashboard:districts")
    if role in ADMIN_HOMES:
        return redirect(ADMIN_HOMES[role])
    return redirect("registry:enterprise_list")


@login_required
def report_list(request: HttpRequest) -> HttpResponse:
    """Reports generated so far, newest first, each with its data version."""
    from django.core.paginator import Paginator
    from django.shortcuts import render

    from keqi.core.exports import data_version
    from keqi.core.reports import generated_report_list_for

    reports = generated_report_list_for(request.user)
    page = Paginator(reports, 50).get_page(request.GET.get("page"))
    context = {"page": page, "current_version": data_version()}
    return render(request, "core/report_list.html", context)


@login_required
def report_download(request: HttpRequest, pk: int) -> HttpResponse:
    """One kept report, byte for byte as it was generated (404 outside scope)."""
    from urllib.parse import quote

    from django.shortcuts import get_object_or_404

    from keqi.core.reports import generated_report_list_for

    report = get_object_or_404(
        generated_report_list_for(request.user).defer(None), pk=pk
    )
    response = HttpResponse(bytes(report.content), content_type=report.content_type)
    disposition = f"attachment; filename*=UTF-8''{quote(report.filename)}"
    response["Content-Disposition"] = disposition
    return response


@never_cache
@require_safe
def healthz(request: HttpRequest) -> HttpResponse:
    """For monitoring, no login: 200 when the database and task worker work, else
    503, with the reasons in Chinese (no secrets, no error text)."""
    from keqi.core.health import health_check

    health = health_check()
    return JsonResponse(
        health.as_json(),
        status=200 if health.ok else 503,
        json_dumps_params={"ensure_ascii": False},
    )
