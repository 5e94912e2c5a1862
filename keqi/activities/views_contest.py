"""Contest pages: rounds and entries of a 创新创业大赛 (organiser or HQ edits)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse

from keqi.activities import services
from keqi.activities.forms import EntryForm, RoundForm
from keqi.activities.models import Activity, ActivityKind
from keqi.activities.selectors import activity_get_editable, entries_for
from keqi.activities.views import _form_page


def _contest(request: HttpRequest, pk: int) -> Activity:
    activity = activity_get_editable(request.user, pk)
    if activity.kind != ActivityKind.CONTEST:
        raise Http404("只有“大赛”有轮次和参赛项目")
    return activity


@login_required
def round_add(request: HttpRequest, pk: int) -> HttpResponse:
    """Add (or rename, by its number) a round of the contest."""
    activity = _contest(request, pk)
    next_number = activity.rounds.count() + 1
    form = RoundForm(request.POST or None, initial={"number": next_number})
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.contest_round_set(
                activity=activity,
                number=data["number"],
                name=data["name"],
                held_on=data["held_on"],
                actor=request.user,
            )
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, f"已登记轮次：{data['name']}")
            return redirect("activities:activity_detail", pk=pk)
    back = reverse("activities:activity_detail", args=[pk])
    return _form_page(request, form, f"登记比赛轮次：{activity.title}", back, activity)


@login_required
def entry_edit(request: HttpRequest, pk: int, entry: int | None = None) -> HttpResponse:
    """Add an entry, or change one (how far it went, what it won)."""
    activity = _contest(request, pk)
    row = (
        get_object_or_404(entries_for(request.user, activity), pk=entry)
        if entry
        else None
    )
    form = EntryForm(
        request.POST or None, instance=row, user=request.user, activity=activity
    )
    if request.method == "POST" and form.is_valid():
        values = {**form.cleaned_data}
        values.pop("enterprise_ref", None)
        try:
            services.contest_entry_save(
                activity=activity, values=values, actor=request.user, entry=row
            )
        except (ValidationError, PermissionDenied) as exc:
            form.add_error(None, exc if isinstance(exc, ValidationError) else str(exc))
        else:
            messages.success(request, f"已保存参赛项目：{values['project']}")
            return redirect("activities:activity_detail", pk=pk)
    back = reverse("activities:activity_detail", args=[pk])
    title = "修改参赛项目" if row else "登记参赛项目"
    return _form_page(request, form, f"{title}：{activity.title}", back, activity)
