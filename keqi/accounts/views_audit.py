"""The audit administrator's page: the whole audit trail, filtered, paged; its
Excel download through keqi.core.downloads (keqi/accounts/downloads.py)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django import forms
from django.apps import apps
from django.core.exceptions import FieldDoesNotExist
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from keqi.accounts import selectors
from keqi.accounts.models import Role
from keqi.accounts.views_admin import role_required
from keqi.core.audit import ACTION_LABELS
from keqi.core.downloads import offer
from keqi.core.exports import export_requested
from keqi.core.forms import SafeForm
from keqi.core.models import AuditEvent
from keqi.core.text_safety import control_character_error

PAGE_SIZE = 50


def _action_choices() -> list[tuple[str, str]]:
    """Every action by its Chinese name, grouped by what it acts on (the code's
    order), the code itself not shown: staff read Chinese (issue 16)."""
    return [("", "全部操作")] + sorted(
        ((code, label) for code, label in ACTION_LABELS.items()),
        key=lambda pair: pair[0],
    )


class AuditFilterForm(SafeForm):
    who = forms.CharField(label="操作人", required=False, max_length=50)
    action = forms.ChoiceField(label="操作", required=False, choices=())
    date_from = forms.DateField(
        label="起始日期",
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )
    date_to = forms.DateField(
        label="截止日期",
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )
    target = forms.CharField(label="对象", required=False, max_length=80)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        action = self.fields["action"]
        assert isinstance(action, forms.ChoiceField)
        action.choices = _action_choices()

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        for name in ("who", "target"):
            problem = control_character_error(data.get(name) or "")
            if problem:
                self.add_error(name, problem)
        start, end = data.get("date_from"), data.get("date_to")
        if start and end and start > end:
            self.add_error("date_to", "截止日期不能早于起始日期。")
        return data

    def filters(self) -> selectors.AuditFilters:
        """The valid filters; a field with an error narrows nothing."""
        data = self.cleaned_data if self.is_valid() else {}
        return selectors.AuditFilters(
            who=(data.get("who") or "").strip(),
            action=data.get("action") or "",
            date_from=data.get("date_from"),
            date_to=data.get("date_to"),
            target=(data.get("target") or "").strip(),
        )


def _shown(value: Any) -> str:
    if isinstance(value, bool):
        return "是" if value else "否"
    return "—" if value is None or value == "" else str(value)


def _field_name(target_type: str, key: str) -> str:
    """A changed field by its Chinese name (the model field's verbose name); a key
    that is not a field of the target's model stays as recorded."""
    try:
        field = apps.get_model(target_type)._meta.get_field(key)
    except (LookupError, ValueError, FieldDoesNotExist):
        return key
    return str(getattr(field, "verbose_name", key))


def _change_lines(event: AuditEvent) -> list[tuple[str, str]]:
    """Each changed field by name as “old → new” (a missing value shows as —)."""
    lines = []
    for key, pair in (event.changes or {}).items():
        name = _field_name(event.target_type, key)
        if isinstance(pair, list) and len(pair) == 2:
            lines.append((name, f"{_shown(pair[0])} → {_shown(pair[1])}"))
        else:
            lines.append((name, _shown(pair)))
    return lines


def audit_filters(params: Mapping[str, str]) -> selectors.AuditFilters:
    """The page's filters from its query (none given: the whole trail)."""
    if not params:
        return selectors.AuditFilters()
    return AuditFilterForm(params).filters()


@role_required(Role.AUDIT_ADMIN)
def audit_log(request: HttpRequest) -> HttpResponse:
    """Every audited action, newest first; the same filters give the download."""
    form = AuditFilterForm(request.GET or None)
    rows = selectors.audit_event_list_for(request.user, audit_filters(request.GET))
    if export_requested(request):
        return offer(request, "accounts.audit")
    page = Paginator(rows, PAGE_SIZE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    context = {
        "form": form,
        "page": page,
        "rows": [
            (e, ACTION_LABELS.get(e.action, e.action), _change_lines(e)) for e in page
        ],
        "query": query.urlencode(),
    }
    return render(request, "accounts/audit_log.html", context)
