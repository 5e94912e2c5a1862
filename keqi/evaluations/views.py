"""Evaluation pages: runs and progress, one stored verdict reproduced, flips."""

from __future__ import annotations

from typing import Any, cast

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from keqi.accounts.models import User
from keqi.accounts.scopes import sees_every_district
from keqi.core.dates import business_today
from keqi.cultivation.filters import Filters
from keqi.cultivation.views import area_picked, areas_for
from keqi.evaluations.models import EvaluationRun
from keqi.evaluations.reproduce import figure_table, stored_result, verdict_reproduce
from keqi.evaluations.selectors import (
    OUTCOME_ORDER,
    flips_for,
    outcome_counts_for,
    run_get_for,
    run_list_for,
    runs_done_for,
    verdict_get_for,
    verdict_history_for,
    verdict_list_for,
)
from keqi.evaluations.services import evaluation_run_request
from keqi.evaluations.texts import verdicts_prepare

PAGE_SIZE = 100


def _user(request: HttpRequest) -> User:
    return cast(User, request.user)


@login_required
def index(request: HttpRequest) -> HttpResponse:
    """The district's runs with their progress; its HQ starts a new one here."""
    context = {
        "runs": run_list_for(request.user)[:50],
        "day": business_today(),
        "can_run": _user(request).is_hq,
        "show_district": sees_every_district(request.user),
    }
    return render(request, "evaluations/index.html", context)


@login_required
@require_POST
def start(request: HttpRequest) -> HttpResponse:
    """HQ's button: queue an evaluation of the district's enterprises as of a date."""
    if not _user(request).is_hq:
        raise PermissionDenied("只有指挥部办公室可以发起评价")
    f = Filters(request.POST)
    day = f.day("as_of", "评价基准日")
    if f.errors:
        messages.error(request, f.errors[0])
        return redirect("evaluations:index")
    try:
        run = evaluation_run_request(as_of=day, actor=request.user)
    except (ValidationError, PermissionDenied) as exc:
        text = exc.messages[0] if isinstance(exc, ValidationError) else str(exc)
        messages.error(request, text)
        return redirect("evaluations:index")
    messages.success(request, f"已发起评价（基准日 {day.isoformat()}），正在后台进行。")
    return redirect("evaluations:run", run.pk)


@login_required
def run_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """A run: progress while it runs, then counts and verdicts by programme."""
    run = run_get_for(request.user, pk)
    f = Filters(request.GET)
    areas = areas_for(request.user)
    area_id = f.pk("area")
    counts = outcome_counts_for(request.user, run, area_id)
    keys = [c.programme for c in counts]
    programme = f.choice("programme", keys) or (keys[0] if keys else "")
    outcome = f.choice("outcome", OUTCOME_ORDER)
    rows = verdict_list_for(request.user, run, programme, outcome, area_id)
    context: dict[str, Any] = {"run": run, "counts": counts, "areas": areas}
    context |= {"area": area_picked(areas, area_id), "programme": programme}
    context |= {"outcome": outcome, "errors": f.errors}
    page = Paginator(rows, PAGE_SIZE).get_page(request.GET.get("page"))
    page.object_list = verdicts_prepare(run, page.object_list)
    context["page"] = page
    return render(request, "evaluations/run.html", context)


@login_required
def verdict_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """One stored verdict: inputs, rules, conditions, and a reproduce check."""
    verdict = verdict_get_for(request.user, pk)
    again = verdict_reproduce(verdict)
    years, figures = figure_table(again.facts)
    context = {
        "v": verdict,
        "run": verdict.run,
        "stored": stored_result(verdict, again),
        "again": again,
        "years": years,
        "figures": figures,
        "history": verdict_history_for(request.user, verdict)[:20],
    }
    return render(request, "evaluations/verdict.html", context)


def _picked(runs: list[EvaluationRun], pk: int | None, default: int) -> Any:
    if pk is None:
        return runs[default] if len(runs) > default else None
    found = next((r for r in runs if r.pk == pk), None)
    if found is None:
        raise Http404("没有这次已完成的评价")
    return found


@login_required
def compare(request: HttpRequest) -> HttpResponse:
    """Enterprises whose outcome changed between two finished runs."""
    runs = list(runs_done_for(request.user)[:100])
    f = Filters(request.GET)
    after = _picked(runs, f.pk("after"), 0)
    before = _picked(runs, f.pk("before"), 1)
    areas = areas_for(request.user)
    area_id = f.pk("area")
    groups = flips_for(request.user, before, after, area_id) if before and after else []
    context = {"runs": runs, "before": before, "after": after, "groups": groups}
    context |= {"areas": areas, "area": area_picked(areas, area_id)}
    return render(request, "evaluations/compare.html", context)
