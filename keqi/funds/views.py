"""Funds pages (资金奖补): overview, rules, awards and their flow, 公示 lists.

Money pages (ledger, budgets, settlement) are in views_money.py.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import replace
from typing import Any, cast
from urllib.parse import quote

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from keqi.accounts.models import Area, User
from keqi.core.dates import business_today
from keqi.core.downloads import offer
from keqi.core.exports import export_requested
from keqi.core.paging import paged
from keqi.core.query import whole_number
from keqi.funds import awards as flow
from keqi.funds.access import (
    area_q,
    fund_q,
    is_area_staff_of,
    may_handle_money,
    may_manage,
    sees_whole_district,
)
from keqi.funds.award_rules import award_rule_save
from keqi.funds.award_rules import fund_create as award_fund_create
from keqi.funds.exports import notice_workbook
from keqi.funds.forms import ApplicationForm, NoticeForm, ReasonForm, RuleForm
from keqi.funds.ledger import award_net_paid
from keqi.funds.models import (
    Award,
    AwardRule,
    AwardStatus,
    EntryKind,
    Fund,
    Payer,
)
from keqi.funds.selectors import (
    award_get_for,
    award_history,
    award_list_for,
    award_totals,
    fund_budget_vs_paid,
    notice_get_for,
    notice_list_for,
    rule_list_for,
)
from keqi.registry.models import Enterprise
from keqi.registry.selectors import enterprise_list_for
from keqi.registry.views import HistoryEntry, history_entry

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def user_of(request: HttpRequest) -> User:
    """The signed-in user (every view here is login_required)."""
    return cast(User, request.user)


def year_of(request: HttpRequest) -> int:
    """The year asked for (?year=), else the business date's year."""
    text = request.GET.get("year") or request.POST.get("year") or ""
    if not text:
        return business_today().year
    year = whole_number(text, digits=4)
    if year is None or not 2000 <= year <= 2100:
        raise Http404("年度应为四位数字，如 2019")
    return year


def download(data: bytes, filename: str, ascii_name: str, kind: str) -> HttpResponse:
    """A file download with its Chinese file name."""
    response = HttpResponse(data, content_type=kind)
    response["Content-Disposition"] = (
        f"attachment; filename=\"{ascii_name}\"; filename*=UTF-8''{quote(filename)}"
    )
    return response


def _errors(request: HttpRequest, exc: ValidationError) -> None:
    for message in exc.messages:
        messages.error(request, message)


@login_required
def index(request: HttpRequest) -> HttpResponse:
    """Overview for a year: awards by step, budget against paid, the way through."""
    user, year = user_of(request), year_of(request)
    counts = {s: 0 for s in AwardStatus.values}
    for status in (
        award_list_for(user).filter(year=year).values_list("status", flat=True)
    ):
        counts[status] += 1
    steps = [(AwardStatus(s).label, s, n) for s, n in counts.items()]
    context = {"year": year, "steps": steps, "uses": fund_budget_vs_paid(year, user)}
    context |= {"whole": sees_whole_district(user), "money": may_handle_money(user)}
    context |= {"manager": may_manage(user)}
    return render(request, "funds/index.html", context)


# ------------------------------------------------------------------ rules


@login_required
def rule_list(request: HttpRequest) -> HttpResponse:
    """Every award rule with its dates, amount (and where it comes from) and clause."""
    user = user_of(request)
    rules = rule_list_for(user)
    return render(
        request,
        "funds/rules.html",
        {
            "rules": rules,
            "funds": Fund.objects.filter(fund_q(user)),
            "manager": may_manage(user_of(request)),
        },
    )


@login_required
@require_POST
def fund_add(request: HttpRequest) -> HttpResponse:
    """Create a fund (专项资金) from the rules page (HQ)."""
    code = request.POST.get("code", "").strip()
    name = request.POST.get("name", "").strip()
    if (
        not code
        or not name
        or not code.replace("-", "").isalnum()
        or not code.isascii()
    ):
        messages.error(request, "请填写资金名称和代码（代码用英文字母、数字或连字符）")
        return redirect("funds:rule_list")
    try:
        award_fund_create(code=code, name=name, actor=user_of(request))
    except ValidationError as exc:
        _errors(request, exc)
    else:
        messages.success(request, f"已新建专项资金“{name}”")
    return redirect("funds:rule_list")


def _rule_form_page(request: HttpRequest, rule: AwardRule | None) -> HttpResponse:
    user = user_of(request)
    if not may_manage(user):
        raise PermissionDenied("只有指挥部办公室可以维护奖励规则")
    initial = RuleForm.initial_for(rule) if rule else {}
    form = RuleForm(request.POST or None, initial=initial, user=user)
    if request.method == "POST" and form.is_valid():
        values = dict(form.cleaned_data)
        reason = values.pop("reason")
        try:
            award_rule_save(rule=rule, values=values, actor=user, reason=reason)
        except ValidationError as exc:
            for message in exc.messages:
                form.add_error(None, message)
        else:
            messages.success(request, f"已保存奖励规则“{values['name']}”")
            return redirect("funds:rule_list")
    title = f"修改奖励规则：{rule.name}" if rule else "新建奖励规则"
    context = {"form": form, "title": title, "back": "funds:rule_list"}
    return render(request, "funds/form.html", context)


@login_required
def rule_create(request: HttpRequest) -> HttpResponse:
    return _rule_form_page(request, None)


@login_required
def rule_edit(request: HttpRequest, pk: int) -> HttpResponse:
    rows = rule_list_for(user_of(request))
    return _rule_form_page(request, get_object_or_404(rows, pk=pk))


# ------------------------------------------------------------------ awards


def _award_filters(request: HttpRequest, user: User) -> tuple[Any, dict[str, Any]]:
    return award_filters(request.GET, user, year_of(request))


def award_filters(
    query: Mapping[str, str], user: Any, year: int
) -> tuple[Any, dict[str, Any]]:
    """The awards of `year` the list's filters (status, area, rule) select,
    within the user's scope, in the list's order; 404 for an unknown filter."""
    rows = award_list_for(user).filter(year=year)
    status = query.get("status", "")
    if status:
        if status not in AwardStatus.values:
            raise Http404("没有这个状态")
        rows = rows.filter(status=status)
    area = query.get("area", "")
    if area:
        rows = rows.filter(enterprise__area__code=area)
    rule = query.get("rule", "")
    if rule:
        rule_pk = whole_number(rule)
        if rule_pk is None or not rule_list_for(user).filter(pk=rule_pk).exists():
            raise Http404("没有这个奖励规则")
        rows = rows.filter(rule_id=rule_pk)
    chosen = {"year": year, "status": status, "area": area, "rule": rule}
    order = ("status", "enterprise__area__sort", "enterprise__name", "pk")
    return rows.order_by(*order), chosen


@login_required
def award_list(request: HttpRequest) -> HttpResponse:
    """Awards of a year in the user's scope, by step, area and rule, 50 a page with
    the count and amount of the whole list (the download has every award);
    candidates can be generated."""
    user = user_of(request)
    if export_requested(request):
        return offer(request, "funds.awards", year=str(year_of(request)))
    rows, chosen = _award_filters(request, user)
    totals = award_totals(rows)
    context = {
        "pager": paged(rows, request.GET),
        "totals": totals,
        "chosen": chosen,
        "statuses": AwardStatus.choices,
        "rules": rule_list_for(user).order_by("award_type", "pk"),
    }
    context |= {
        "areas": Area.objects.filter(area_q(user, "pk"))
        if sees_whole_district(user)
        else [],
        "manager": may_manage(user),
        "may_apply": may_manage(user) or user.area_id_in_scope is not None,
    }
    return render(request, "funds/awards.html", context)


@login_required
@require_POST
def award_generate(request: HttpRequest) -> HttpResponse:
    """免申即享: make candidates from the registry for a year (HQ)."""
    year = year_of(request)
    out = flow.award_candidates_generate(year=year, actor=user_of(request))
    messages.success(
        request,
        f"{year}年度：新生成候选 {len(out.created)} 项，已存在 {out.existing} 项（未重复生成）。",
    )
    for note in out.undetermined:
        messages.warning(request, f"未生成：{note}")
    return redirect(f"{_url('funds:award_list')}?year={year}")


def _url(name: str, *args: Any) -> str:
    return reverse(name, args=args)


def _enterprise_for(user: User, uscc: str) -> Enterprise:
    found = enterprise_list_for(user).filter(uscc=uscc.strip().upper()).first()
    if found is None:
        raise ValidationError(
            f"企业库中没有统一社会信用代码为 {uscc} 的企业（或不在您的管辖范围内）"
        )
    return found


@login_required
def award_apply(request: HttpRequest) -> HttpResponse:
    """Enter an application for an enterprise (HQ or its own area)."""
    user = user_of(request)
    form = ApplicationForm(
        request.POST or None, initial={"year": business_today().year}, user=user
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            award = flow.award_apply(
                enterprise=_enterprise_for(user, data["uscc"]),
                rule=data["rule"],
                year=data["year"],
                evidence=data,
                actor=user,
            )
        except ValidationError as exc:
            for message in exc.messages:
                form.add_error(None, message)
        else:
            messages.success(request, "已录入申请，待企业所在街镇/园区核实")
            return redirect("funds:award_detail", award.pk)
    context = {"form": form, "title": "录入奖励申请", "back": "funds:award_list"}
    return render(request, "funds/form.html", context)


def _actions(user: User, award: Award) -> dict[str, bool]:
    status = award.status
    open_ = status not in (AwardStatus.PAID, AwardStatus.REJECTED)
    return {
        "check": status == AwardStatus.CANDIDATE
        and is_area_staff_of(user, award.enterprise.area_id),
        "approve": status == AwardStatus.AREA_CHECKED and may_manage(user),
        "reject": open_ and flow.may_reject(user, award),
        "pay": status == AwardStatus.PUBLISHED and may_handle_money(user),
    }


@login_required
def award_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """One award: who, why (clause and data), how much, its steps, money and history."""
    user = user_of(request)
    award = award_get_for(user, pk)
    entries = list(
        award.entries.select_related("created_by").order_by("entry_date", "pk")
    )
    reversed_ids = {e.reverses_id for e in entries if e.kind == EntryKind.REVERSAL}
    q, paid = award.qualification, award_net_paid(award)
    context = {
        "a": award,
        "entries": entries,
        "reversed_ids": reversed_ids,
        "paid": paid,
        "left": award.amount - paid,
        "may": _actions(user, award),
        "money": may_handle_money(user),
        "history": [_labelled(history_entry(e)) for e in award_history(award)],
        "data_changed": award.source == "registry" and (q is None or q.revoked_on),
        "today": business_today(),
    }
    return render(request, "funds/award_detail.html", context)


_CODES = dict(AwardStatus.choices) | dict(Payer.choices)


def _labelled(entry: HistoryEntry) -> HistoryEntry:
    """Status and payer codes in a history entry shown as their Chinese labels."""
    changes = [(f, _CODES.get(o, o), _CODES.get(n, n)) for f, o, n in entry.changes]
    return replace(entry, changes=changes)


def _step(request: HttpRequest, pk: int, do: Any, done: str) -> HttpResponse:
    award = award_get_for(user_of(request), pk)
    try:
        do(award)
    except ValidationError as exc:
        _errors(request, exc)
    else:
        messages.success(request, done)
    return redirect("funds:award_detail", pk)


@login_required
@require_POST
def award_check(request: HttpRequest, pk: int) -> HttpResponse:
    note = request.POST.get("note", "")
    user = user_of(request)
    return _step(
        request,
        pk,
        lambda a: flow.award_area_check(award=a, actor=user, note=note),
        "已核实，报指挥部审批",
    )


@login_required
@require_POST
def award_approve(request: HttpRequest, pk: int) -> HttpResponse:
    note = request.POST.get("note", "")
    user = user_of(request)
    return _step(
        request,
        pk,
        lambda a: flow.award_approve(award=a, actor=user, note=note),
        "已审批通过，待列入公示",
    )


@login_required
@require_POST
def award_reject(request: HttpRequest, pk: int) -> HttpResponse:
    form = ReasonForm(request.POST)
    reason = form.cleaned_data["reason"] if form.is_valid() else ""
    user = user_of(request)
    return _step(
        request,
        pk,
        lambda a: flow.award_reject(award=a, reason=reason, actor=user),
        "已退回：不予奖励",
    )


# ------------------------------------------------------------------ 公示


@login_required
def notice_list(request: HttpRequest) -> HttpResponse:
    """Published notices; HQ picks approved awards of a year to publish a new one."""
    user, year = user_of(request), year_of(request)
    ready = award_list_for(user).filter(year=year, status=AwardStatus.APPROVED)
    context = {"notices": notice_list_for(user), "year": year, "ready": ready}
    context |= {"manager": may_manage(user), "form": NoticeForm()}
    context["min_days"] = settings.KEQI_NOTICE_MIN_DAYS
    return render(request, "funds/notices.html", context)


@login_required
@require_POST
def notice_create(request: HttpRequest) -> HttpResponse:
    """Publish the chosen approved awards as one 公示 list (HQ)."""
    user = user_of(request)
    form = NoticeForm(request.POST)
    ids = [
        pk for x in request.POST.getlist("award") if (pk := whole_number(x)) is not None
    ]
    chosen = list(award_list_for(user).filter(pk__in=ids))
    if not form.is_valid():
        for message in form.errors.values():
            messages.error(request, "；".join(str(m) for m in message))
        return redirect(f"{_url('funds:notice_list')}?year={year_of(request)}")
    try:
        notice = flow.notice_publish(awards=chosen, actor=user, **form.cleaned_data)
    except ValidationError as exc:
        _errors(request, exc)
        return redirect(f"{_url('funds:notice_list')}?year={year_of(request)}")
    messages.success(request, f"已发布公示，共 {len(chosen)} 项")
    return redirect("funds:notice_detail", notice.pk)


@login_required
def notice_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """A 公示 list: each row with its clause, the data that decided it and the amount."""
    notice, rows = notice_get_for(user_of(request), pk)
    return render(
        request,
        "funds/notice_detail.html",
        {"notice": notice, "rows": rows, "today": business_today()},
    )


@login_required
def notice_export(request: HttpRequest, pk: int) -> HttpResponse:
    """The 公示 list as Excel, limited to the rows the user may see."""
    notice, rows = notice_get_for(user_of(request), pk)
    return download(
        notice_workbook(notice, rows),
        f"{notice.title}.xlsx",
        f"notice_{notice.pk}.xlsx",
        XLSX,
    )
