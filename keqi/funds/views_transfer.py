"""上级转移支付 income pages: the list (paged, filters, totals, Excel) and entry."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from keqi.core.dates import business_today
from keqi.core.exports import ListExport, export_requested, xlsx_list_response
from keqi.core.forms import errors_onto_form
from keqi.core.query import whole_number
from keqi.funds.access import may_handle_money
from keqi.funds.forms import DistrictForm, YuanField
from keqi.funds.models import Fund
from keqi.funds.models_transfer import TransferLevel
from keqi.funds.money import ZERO
from keqi.funds.transfers import (
    ensure_reads_transfers,
    transfer_income_correct,
    transfer_income_record,
    transfer_list_for,
    transfer_summary,
)
from keqi.funds.views import user_of

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class TransferForm(DistrictForm):
    """One receipt of 上级转移支付."""

    year = forms.IntegerField(label="预算年度", min_value=2000, max_value=2100)
    level = forms.ChoiceField(label="来源", choices=TransferLevel.choices)
    title = forms.CharField(label="资金名称", max_length=200)
    document = forms.CharField(label="下达文号", max_length=100, required=False)
    fund = forms.ModelChoiceField(
        label="纳入资金", queryset=Fund.objects.all(), required=False
    )
    received_on = forms.DateField(label="到账日期", widget=DATE)
    amount = YuanField(label="金额（元）")
    note = forms.CharField(label="说明", max_length=500, required=False)


def _export(rows: Any, year: int | None) -> ListExport:
    columns = (
        ("预算年度", lambda r: r.year),
        ("来源", lambda r: r.get_level_display()),
        ("资金名称", lambda r: r.title),
        ("下达文号", lambda r: r.document),
        ("纳入资金", lambda r: str(r.fund or "")),
        ("到账日期", lambda r: r.received_on),
        ("金额（元）", lambda r: r.amount),
        ("更正的收入", lambda r: str(r.corrects or "")),
        ("说明", lambda r: r.note),
    )
    filters = [("年度", str(year) if year else "全部")]
    return ListExport("上级转移支付收入", columns, rows, filters)


@login_required
def transfer_list(request: HttpRequest) -> HttpResponse:
    """The district's 转移支付 income; 区财政局 or HQ record it here."""
    user = user_of(request)
    ensure_reads_transfers(user)
    year = whole_number(request.GET.get("year", ""), digits=4)
    rows = transfer_list_for(user)
    if year is not None:
        rows = rows.filter(year=year)
    level = request.GET.get("level", "")
    if level in TransferLevel.values:
        rows = rows.filter(level=level)
    if export_requested(request):
        return xlsx_list_response(_export(rows, year), request)
    today = business_today()
    form = TransferForm(request.POST or None, initial={"year": today.year}, user=user)
    if request.method == "POST":
        if not may_handle_money(user):
            raise PermissionDenied("只有区财政局或指挥部办公室可以登记")
        if form.is_valid():
            try:
                transfer_income_record(actor=user, **form.cleaned_data)
                messages.success(request, "已登记上级转移支付收入")
                return redirect(reverse("funds:transfer_list"))
            except ValidationError as exc:
                errors_onto_form(form, exc)
    context = {
        "page": Paginator(rows, 50).get_page(request.GET.get("page")),
        "total": sum((r.amount for r in rows), ZERO),
        "summary": transfer_summary(year or today.year, user),
        "year": year,
        "level": level,
        "levels": TransferLevel.choices,
        "form": form,
        "money": may_handle_money(user),
        "corrected": set(
            rows.filter(corrects__isnull=False).values_list("corrects_id", flat=True)
        ),
    }
    return render(request, "funds/transfers.html", context)


@login_required
@require_POST
def transfer_correct(request: HttpRequest, pk: int) -> HttpResponse:
    """Cancel a receipt with a negative entry and the reason."""
    user = user_of(request)
    ensure_reads_transfers(user)
    row = get_object_or_404(transfer_list_for(user), pk=pk)
    try:
        transfer_income_correct(
            row=row,
            reason=request.POST.get("reason", ""),
            actor=user,
        )
        messages.success(request, f"已更正“{row}”")
    except ValidationError as exc:
        messages.error(request, "；".join(exc.messages))
    return redirect(reverse("funds:transfer_list"))
