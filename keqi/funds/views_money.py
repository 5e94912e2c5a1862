"""Money pages: payments and reversals, the ledger, budgets, settlement and closing."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from keqi.accounts.models import Area, District
from keqi.accounts.scopes import (
    district_for,
    district_picked,
    district_q,
    sees_every_district,
)
from keqi.core.dates import business_today
from keqi.core.models import AuditEvent
from keqi.core.query import whole_number
from keqi.funds.access import area_q, fund_q, may_handle_money, sees_whole_district
from keqi.funds.actions import FundsAction
from keqi.funds.exports import ledger_workbook, statement_docx, statement_workbook
from keqi.funds.forms import BudgetForm, PaymentForm, RatioForm, ReverseForm
from keqi.funds.ledger import fund_budget_set, ledger_pay, ledger_reverse
from keqi.funds.models import AwardType, Fund, FundBudget, LedgerEntry
from keqi.funds.money import ROUNDING_RULE
from keqi.funds.selectors import (
    award_get_for,
    entry_list_for,
    fund_budget_vs_paid,
    ledger_balances,
    overrun_list_for,
)
from keqi.funds.settlement import (
    DEFAULT_AREA_PERCENT,
    Statement,
    ratio_history,
    ratios_for,
    settlement_areas_for,
    settlement_get_for,
    settlement_list_for,
    settlement_ratio_set,
    year_close,
    year_closes,
)
from keqi.funds.transfers import transfer_summary
from keqi.funds.views import XLSX, download, user_of, year_of
from keqi.registry.views import history_entry

PAGE_SIZE = 100
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


def _form_errors(request: HttpRequest, form: object) -> None:
    for errors in getattr(form, "errors", {}).values():
        for message in errors:
            messages.error(request, message)


def _refused(request: HttpRequest, exc: ValidationError) -> None:
    for message in exc.messages:
        messages.error(request, message)


@login_required
@require_POST
def award_pay(request: HttpRequest, pk: int) -> HttpResponse:
    """Record a payment for an award after its 公示 (区财政局 or HQ)."""
    user = user_of(request)
    award = award_get_for(user, pk)
    form = PaymentForm(request.POST)
    if not form.is_valid():
        _form_errors(request, form)
        return redirect("funds:award_detail", pk)
    try:
        ledger_pay(award=award, actor=user, **form.cleaned_data)
    except ValidationError as exc:
        _refused(request, exc)
    else:
        messages.success(request, "已登记拨付")
    return redirect("funds:award_detail", pk)


@login_required
@require_POST
def entry_reverse(request: HttpRequest, pk: int) -> HttpResponse:
    """Cancel a payment with a reversing entry; the payment stays visible."""
    user = user_of(request)
    entry = entry_list_for(user).filter(pk=pk).first()
    if entry is None:
        raise Http404("没有这条分录，或不在您的管辖范围内")
    form = ReverseForm(request.POST)
    if not form.is_valid():
        _form_errors(request, form)
    else:
        try:
            ledger_reverse(
                entry=entry,
                reason=form.cleaned_data["reason"],
                entry_date=form.cleaned_data["entry_date"],
                actor=user,
            )
        except ValidationError as exc:
            _refused(request, exc)
        else:
            messages.success(request, "已冲销：原分录与冲销分录都保留在台账中")
    return redirect("funds:award_detail", entry.award_id)


def _ledger_rows(
    request: HttpRequest,
) -> tuple[QuerySet[LedgerEntry], dict[str, Any]]:
    user = user_of(request)
    year = year_of(request) if request.GET.get("year") != "all" else None
    fund = _fund_of(request)
    area_id = None
    if request.GET.get("area"):
        area = Area.objects.filter(area_q(user, "pk"), code=request.GET["area"]).first()
        if area is None:
            raise Http404("没有这个街镇/园区，或不在您的管辖范围内")
        area_id = area.pk
    rows = entry_list_for(user, year=year, fund=fund, area_id=area_id)
    chosen = {"year": year, "fund": fund, "area": request.GET.get("area", "")}
    return rows, chosen


@login_required
def ledger(request: HttpRequest) -> HttpResponse:
    """The ledger in the user's scope, with balances per enterprise, area, fund, year."""
    rows, chosen = _ledger_rows(request)
    user = user_of(request)
    page = Paginator(rows, PAGE_SIZE).get_page(request.GET.get("page"))
    shown = [e.pk for e in page]
    reversed_ids = set(
        LedgerEntry.objects.filter(reverses__in=shown).values_list(
            "reverses_id", flat=True
        )
    )
    query = request.GET.copy()
    query.pop("page", None)
    context = {"page": page, "balances": ledger_balances(rows), "chosen": chosen}
    years = {d.year for d in entry_list_for(user).dates("entry_date", "year")} | {
        business_today().year
    }
    if chosen["year"] is not None:
        years.add(chosen["year"])
    context |= {
        "years": sorted(years, reverse=True),
        "funds": Fund.objects.filter(fund_q(user)),
        "areas": Area.objects.filter(area_q(user, "pk")),
        "reversed_ids": reversed_ids,
        "query": query.urlencode(),
    }
    return render(request, "funds/ledger.html", context)


@login_required
def ledger_export(request: HttpRequest) -> HttpResponse:
    """The same entries and balances as the ledger page, as Excel."""
    rows, chosen = _ledger_rows(request)
    label = f"{chosen['year']}年" if chosen["year"] else "全部年度"
    return download(
        ledger_workbook(rows.iterator(chunk_size=2000), ledger_balances(rows)),
        f"资金台账_{label}.xlsx",
        "ledger.xlsx",
        XLSX,
    )


def _fund_of(request: HttpRequest) -> Fund | None:
    """The fund asked for by code (?fund=kjfc) or by number (?fund=3), else None."""
    text = request.GET.get("fund", "")
    if not text:
        return None
    funds = Fund.objects.filter(fund_q(user_of(request)))
    found = funds.filter(code=text).first()
    if found is None and (pk := whole_number(text)) is not None:
        found = funds.filter(pk=pk).first()
    if found is None:
        raise Http404("没有这项资金")
    return found


@login_required
def budget_list(request: HttpRequest) -> HttpResponse:
    """Each fund's budget for a year against what was paid, and who set it when."""
    user, year = user_of(request), year_of(request)
    fund = _fund_of(request)
    uses = [u for u in fund_budget_vs_paid(year, user) if fund in (None, u.fund)]
    budgets = FundBudget.objects.filter(fund_q(user, "fund__"), year=year)
    history = AuditEvent.objects.filter(
        action=FundsAction.BUDGET_SET,
        target_type="funds.fundbudget",
        target_id__in=[str(pk) for pk in budgets.values_list("pk", flat=True)],
    ).select_related("actor")
    overruns = overrun_list_for(user, year)
    if fund is not None:
        overruns = overruns.filter(fund=fund)
    context = {"year": year, "uses": uses, "fund": fund, "overruns": overruns}
    context |= {
        "money": may_handle_money(user),
        "whole": sees_whole_district(user),
        "history": [history_entry(e) for e in history],
    }
    return render(request, "funds/budgets.html", context)


@login_required
@require_POST
def budget_set(request: HttpRequest) -> HttpResponse:
    """Set a fund's budget for a year (区财政局 or HQ)."""
    year = year_of(request)
    form = BudgetForm(request.POST, user=user_of(request))
    if not form.is_valid():
        _form_errors(request, form)
    else:
        try:
            fund_budget_set(year=year, actor=user_of(request), **form.cleaned_data)
        except ValidationError as exc:
            _refused(request, exc)
        else:
            messages.success(request, f"已设定{year}年度预算")
    return redirect(f"{reverse('funds:budget_list')}?year={year}")


# ------------------------------------------------------------------ settlement


def _ratio_grid(
    year: int, areas: list[Area]
) -> list[tuple[Area, list[tuple[Decimal, bool]]]]:
    """Per area, each award type's area % and whether it is the default."""
    set_ = ratios_for(year, areas)
    grid = []
    for area in areas:
        cells = []
        for kind in AwardType.values:
            value = set_.get((area.pk, kind))
            cells.append(
                (value if value is not None else DEFAULT_AREA_PERCENT, value is None)
            )
        grid.append((area, cells))
    return grid


def _settlement_district(request: HttpRequest) -> District | None:
    """The district whose settlement is shown: a district user's own; for those
    who see every district (the city), the one `?district=` names, else the first."""
    user = user_of(request)
    code = request.GET.get("district") or request.POST.get("district") or ""
    try:
        picked = district_picked(user, code)
    except LookupError:
        raise Http404("该区不存在或不在您的管辖范围内") from None
    if picked is not None:
        return picked
    if not sees_every_district(user):
        return district_for(user)
    return District.objects.order_by("sort", "pk").first()


@login_required
def settlement(request: HttpRequest) -> HttpResponse:
    """One district's settlement for a year: per area what was paid, shares and
    who owes whom; ratios; whether the district has closed the year."""
    user, year = user_of(request), year_of(request)
    district = _settlement_district(request)
    statements = settlement_list_for(user, year, district)
    areas = settlement_areas_for(user, district)
    closed = (
        None if district is None else year_closes(year, {district.pk}).get(district.pk)
    )
    context = {"year": year, "statements": statements, "rule": ROUNDING_RULE}
    context |= {
        "district": district,
        "districts": (
            District.objects.filter(district_q(user, "pk"))
            if sees_every_district(user)
            else None
        ),
        "closed": closed,
        "whole": sees_whole_district(user),
        "money": may_handle_money(user),
        "grid": _ratio_grid(year, areas),
        "types": AwardType.choices,
        "form": RatioForm(user=user),
        "may_close": district is not None
        and year < business_today().year
        and closed is None,
    }
    totals = _totals(statements) if sees_whole_district(user) else None
    context["totals"] = totals
    if totals is not None:  # the district's 转移支付 income (措施12), district view
        transfers = transfer_summary(year, user, district)
        context["transfers"] = transfers
        context["district_net"] = transfers.district_net_text(totals["district_share"])
    return render(request, "funds/settlement.html", context)


def _totals(statements: list[Statement]) -> dict[str, Decimal]:
    names = ("district_paid", "area_paid", "total", "area_share", "district_share")
    return {n: sum((getattr(s, n) for s in statements), Decimal("0.00")) for n in names}


@login_required
@require_POST
def ratio_set(request: HttpRequest) -> HttpResponse:
    """Set an area's share for an award type and year (区财政局 or HQ)."""
    year = year_of(request)
    form = RatioForm(request.POST, user=user_of(request))
    if not form.is_valid():
        _form_errors(request, form)
    else:
        try:
            settlement_ratio_set(year=year, actor=user_of(request), **form.cleaned_data)
        except ValidationError as exc:
            _refused(request, exc)
        else:
            messages.success(request, "已设定结算比例")
    return redirect(f"{reverse('funds:settlement')}?year={year}")


@login_required
@require_POST
def settlement_close(request: HttpRequest) -> HttpResponse:
    """Close (freeze) a finished year of the user's district (区财政局 or HQ)."""
    year = year_of(request)
    if not may_handle_money(user_of(request)):
        raise PermissionDenied("只有区财政局或指挥部办公室可以结算关账")
    district = _settlement_district(request)
    try:
        closed = year_close(year=year, actor=user_of(request), district=district)
    except ValidationError as exc:
        _refused(request, exc)
    else:
        messages.success(
            request,
            f"{closed.district.name}{year}年度已结算关账，该区该年度数据从此冻结",
        )
    query = f"?year={year}" + (f"&district={district.code}" if district else "")
    return redirect(reverse("funds:settlement") + query)


@login_required
def statement(request: HttpRequest, year: int, area: str) -> HttpResponse:
    """One area's statement for a year, line by line."""
    s = settlement_get_for(user_of(request), year, area)
    history = [history_entry(e) for e in ratio_history(year, s.area)]
    context = {"s": s, "rule": ROUNDING_RULE, "year": year, "history": history}
    return render(request, "funds/statement.html", context)


@login_required
def statement_export(
    request: HttpRequest, year: int, area: str, fmt: str
) -> HttpResponse:
    """The statement as Excel (xlsx) or Word (docx)."""
    s = settlement_get_for(user_of(request), year, area)
    name = f"{s.area.name}{year}年度结算单"
    if fmt == "xlsx":
        return download(
            statement_workbook(s), f"{name}.xlsx", f"statement_{year}.xlsx", XLSX
        )
    if fmt == "docx":
        return download(
            statement_docx(s), f"{name}.docx", f"statement_{year}.docx", DOCX
        )
    raise Http404("只提供 xlsx 或 docx")
