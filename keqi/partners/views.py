"""Partners pages (合作服务): overview, the lists with their figures, lead and
event pages, and the service log with overdue follow-ups. Thin: reads come from
keqi.partners.selectors, writes go through the services."""

from __future__ import annotations

from collections import Counter
from typing import Any, cast
from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db.models import Count, Prefetch, Q, QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from keqi.accounts.models import Area, Unit, User
from keqi.accounts.scopes import (
    area_q,
    district_id_of,
    enterprise_q,
    sees_every_district,
)
from keqi.activities.selectors import plan_target_value
from keqi.campaign.metrics import IP_MANAGEMENT_HELD, IP_MANAGEMENT_IN_YEAR, METRICS
from keqi.core.dates import business_today
from keqi.core.models import AuditEvent
from keqi.core.query import query_id
from keqi.partners import forms as f
from keqi.partners import services
from keqi.partners.access import can_record, is_district_wide
from keqi.partners.leads import lead_advance, lead_settle
from keqi.partners.metrics import METRIC
from keqi.partners.models import (
    EventTopic,
    FinanceKind,
    LeadSource,
    LeadStage,
    ServiceKind,
)
from keqi.partners.selectors import (
    chuying_bank_loans,
    entry_get,
    event_list_for,
    finance_list_for,
    finance_totals,
    institution_list,
    lead_list_for,
    overdue_for,
    project_counts_by_area,
    project_list_for,
    service_list_for,
    trademark_list_for,
    trademark_totals,
)
from keqi.partners.views_entries import editable_get, next_url, save_form
from keqi.registry.models import Enterprise
from keqi.registry.views import history_entry

PAGE_SIZE = 100


def _user(request: HttpRequest) -> User:
    """The signed-in user (every view here is login_required)."""
    return cast(User, request.user)


def _page(request: HttpRequest, rows: QuerySet[Any]) -> Any:
    return Paginator(rows, PAGE_SIZE).get_page(request.GET.get("page"))


def _visible(user: Any) -> QuerySet[Enterprise]:
    return Enterprise.objects.filter(enterprise_q(user)).select_related("area")


def _common(request: HttpRequest, **extra: Any) -> dict[str, Any]:
    return {"can_record": can_record(request.user), "today": business_today(), **extra}


@login_required
def index(request: HttpRequest) -> HttpResponse:
    """What each list holds, and the follow-ups past due for this unit (or all, HQ)."""
    user, today = request.user, business_today()
    counts = [
        ("招商线索", "partners:leads", lead_list_for(user).count()),
        ("合作服务活动", "partners:events", event_list_for(user).count()),
        ("产学研合作项目", "partners:projects", project_list_for(user).count()),
        ("合作院所", "partners:institutions", institution_list().count()),
        ("科技金融记录", "partners:finance", finance_list_for(user).count()),
        ("商标", "partners:trademarks", trademark_list_for(user).count()),
        ("走访服务记录", "partners:services", service_list_for(user).count()),
    ]
    overdue = list(overdue_for(user, today)[:50])
    introduced = _introduced(user, today)
    context = _common(request, counts=counts, overdue=overdue, introduced=introduced)
    return render(request, "partners/index.html", context)


def _introduced(user: Any, today: Any) -> dict[str, Any]:
    """This year's introduced 高企 as the campaign counts them, rows limited to scope."""
    rows = METRIC.evidence(today.year, today, district_id_of(user))
    visible = set(
        _visible(user)
        .filter(pk__in=[r.enterprise_id for r in rows])
        .values_list("pk", flat=True)
    )
    shown = [r for r in rows if r.enterprise_id in visible]
    return {
        "metric": METRIC,
        "year": today.year,
        "total": len(rows),
        "rows": shown,
        "hidden": len(rows) - len(shown),
    }


# ---------------------------------------------------------------- leads


@login_required
def leads(request: HttpRequest) -> HttpResponse:
    """Leads with their stages; filter by stage and source; settled per year."""
    rows = lead_list_for(request.user)
    all_rows = rows
    stage, source = request.GET.get("stage", ""), request.GET.get("source", "")
    if stage:
        rows = rows.filter(stage=stage)
    if source:
        rows = rows.filter(source=source)
    by_stage = Counter(all_rows.values_list("stage", flat=True))
    days = all_rows.values_list("registered_on", flat=True)
    settled = Counter(d.year for d in days if d is not None)
    context = _common(
        request,
        page=_page(request, rows.order_by("-contacted_on", "company")),
        stages=[(s, by_stage[s.value]) for s in LeadStage],
        sources=LeadSource.choices,
        stage=stage,
        source=source,
        settled=sorted(settled.items()),
        introduced=_introduced(request.user, business_today()),
    )
    return render(request, "partners/leads.html", context)


@login_required
def lead_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """One lead: its stages with days, who changed what, and the next step."""
    lead = entry_get(lead_list_for(request.user), pk)
    owner = can_record(request.user) and lead.unit_id == _user(request).unit_id
    history = (
        AuditEvent.objects.filter(target_type="partners.lead", target_id=str(lead.pk))
        .select_related("actor")
        .order_by("at")
    )
    areas = Area.objects.filter(area_q(request.user))
    context = _common(
        request,
        lead=lead,
        owner=owner,
        history=[history_entry(h) for h in history],
        advance=f.AdvanceForm(),
        settle=f.SettleForm(areas=areas, initial={"area": lead.area_id}),
        enterprise_visible=lead.enterprise_id is not None
        and _visible(request.user).filter(pk=lead.enterprise_id).exists(),
    )
    return render(request, "partners/lead_detail.html", context)


@login_required
@require_POST
def lead_advance_view(request: HttpRequest, pk: int) -> HttpResponse:
    """Move the lead of the user's unit to its next stage."""
    lead = editable_get(request.user, "leads", pk)
    form = f.AdvanceForm(request.POST)
    done = save_form(
        form,
        lambda v: lead_advance(
            lead=lead, stage=v["stage"], on=v["on"], actor=request.user
        ),
    )
    _report(request, form, done, f"已推进到“{lead.stage}”。")
    return redirect("partners:lead_detail", pk=lead.pk)


@login_required
@require_POST
def lead_settle_view(request: HttpRequest, pk: int) -> HttpResponse:
    """Register the lead in the district, linking or creating its enterprise."""
    lead = editable_get(request.user, "leads", pk)
    form = f.SettleForm(request.POST, areas=Area.objects.filter(area_q(request.user)))
    done = save_form(
        form,
        lambda v: lead_settle(
            lead=lead,
            on=v["on"],
            uscc=v["uscc"],
            area=v["area"],
            founded_on=v["founded_on"],
            actor=request.user,
        ),
    )
    _report(request, form, done, "已落地注册，并关联企业库中的企业。")
    return redirect("partners:lead_detail", pk=lead.pk)


def _report(request: HttpRequest, form: Any, done: Any, success: str) -> None:
    if done is not None:
        messages.success(request, success)
        return
    for field, errors in form.errors.items():
        label = form.fields[field].label if field in form.fields else ""
        for error in errors:
            messages.error(request, f"{label}：{error}" if label else error)


# ---------------------------------------------------------------- events


@login_required
def events(request: HttpRequest) -> HttpResponse:
    """Exhibitions, 推介会, matchmaking and IP-service events, by topic."""
    topic = request.GET.get("topic", "")
    rows = event_list_for(request.user, topic or None)
    visible = Q(participants__in=_visible(request.user))
    rows = rows.annotate(firms=Count("participants", filter=visible, distinct=True))
    context = _common(
        request,
        page=_page(request, rows.order_by("-held_on", "name")),
        topics=EventTopic.choices,
        topic=topic,
        topic_query=urlencode({"topic": topic}) if topic else "",
    )
    return render(request, "partners/events.html", context)


@login_required
def event_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """One event with the participating enterprises the user may see."""
    event = entry_get(event_list_for(request.user), pk)
    context = _common(
        request,
        event=event,
        owner=can_record(request.user) and event.unit_id == _user(request).unit_id,
        participants=_visible(request.user).filter(
            pk__in=event.participants.values("pk")
        ),
        any_participants=event.participants.exists(),
        leads=lead_list_for(request.user).filter(event=event),
        finance=finance_list_for(request.user).filter(event=event),
    )
    return render(request, "partners/event_detail.html", context)


# ---------------------------------------------------------------- 产学研


@login_required
def institutions(request: HttpRequest) -> HttpResponse:
    """The institution list, the plan's named partners first, with project counts."""
    visible = project_list_for(request.user).values("pk")
    rows = institution_list().annotate(
        n=Count("projects", filter=Q(projects__in=visible), distinct=True)
    )
    return render(request, "partners/institutions.html", _common(request, rows=rows))


@login_required
def projects(request: HttpRequest) -> HttpResponse:
    """产学研 projects with their visible enterprises, and counts per area."""
    rows = project_list_for(request.user).prefetch_related(
        Prefetch("enterprises", queryset=_visible(request.user))
    )
    institution = query_id(request.GET, "institution")
    if institution is not None:
        rows = rows.filter(institution_id=institution)
    context = _common(
        request,
        page=_page(request, rows.order_by("-started_on", "title")),
        by_area=project_counts_by_area(request.user),
    )
    return render(request, "partners/projects.html", context)


# ---------------------------------------------------------------- finance


@login_required
def finance(request: HttpRequest) -> HttpResponse:
    """Loans and investments, totals by kind, and this year's 雏鹰 loan triggers."""
    rows = finance_list_for(request.user)
    kind = request.GET.get("kind", "")
    if kind:
        rows = rows.filter(kind=kind)
    today = business_today()
    visible = (
        set(_visible(request.user).values_list("pk", flat=True))
        if not is_district_wide(request.user)
        else None
    )
    triggers = [
        t
        for t in chuying_bank_loans(today.replace(month=1, day=1), today)
        if visible is None or t.enterprise_id in visible
    ]
    context = _common(
        request,
        page=_page(request, rows.order_by("-on", "id")),
        totals=finance_totals(request.user),
        kinds=FinanceKind.choices,
        kind=kind,
        triggers=triggers,
        events=event_list_for(request.user, EventTopic.FINANCE)[:20],
    )
    return render(request, "partners/finance.html", context)


# ---------------------------------------------------------------- trademarks


@login_required
def trademarks(request: HttpRequest) -> HttpResponse:
    """Trademarks, with district (or area) totals by year for 区市场监管局."""
    rows = trademark_list_for(request.user)
    if request.GET.get("well_known"):
        rows = rows.filter(well_known=True)
    context = _common(
        request,
        page=_page(request, rows.order_by("-registered_on", "number")),
        totals=trademark_totals(request.user),
        ip_events=event_list_for(request.user, EventTopic.IP)[:20],
        ip_management=_ip_management(request.user, business_today()),
    )
    return render(request, "partners/trademarks.html", context)


def _ip_management(user: Any, today: Any) -> dict[str, Any]:
    """规范知识产权管理 as the campaign counts it (the user's district), with the
    year's newly certified enterprises listed as far as the user may see them.
    The city counts every district and has no target: each district's plan sets
    its own, which a city-wide count cannot be measured against."""
    district = district_id_of(user)
    city = sees_every_district(user)
    held, new = METRICS[IP_MANAGEMENT_HELD], METRICS[IP_MANAGEMENT_IN_YEAR]
    rows = new.evidence(today.year, today, district)
    visible = set(
        _visible(user)
        .filter(pk__in=[r.enterprise_id for r in rows])
        .values_list("pk", flat=True)
    )
    shown = [r for r in rows if r.enterprise_id in visible]
    return {
        "year": today.year,
        "held": held,
        "held_count": held.count(today.year, today, district),
        "held_url": held.records_url(today.year, today) if held.records_url else "",
        "new": new,
        "new_count": new.count(today.year, today, district),
        "target": None if city else plan_target_value(new.key, today.year, user),
        "city": city,
        "rows": shown,
        "hidden": len({r.enterprise_id for r in rows} - visible),
    }


# ---------------------------------------------------------------- service log


@login_required
def service_log(request: HttpRequest) -> HttpResponse:
    """Every unit's visits, calls and services; filter by unit, kind or overdue."""
    today = business_today()
    rows = service_list_for(request.user)
    unit, kind = query_id(request.GET, "unit"), request.GET.get("kind", "")
    if unit is not None:
        rows = rows.filter(unit_id=unit)
    if kind:
        rows = rows.filter(kind=kind)
    if request.GET.get("overdue"):
        rows = rows.filter(follow_up_due__lt=today, done_on__isnull=True)
    units = Unit.objects.filter(pk__in=service_list_for(request.user).values("unit_id"))
    context = _common(
        request,
        page=_page(request, rows.order_by("-on", "-id")),
        units=units,
        unit=unit,
        kinds=ServiceKind.choices,
        kind=kind,
        overdue_only=bool(request.GET.get("overdue")),
        overdue=overdue_for(request.user, today),
    )
    return render(request, "partners/services.html", context)


@login_required
def overdue(request: HttpRequest) -> HttpResponse:
    """Follow-ups past due: the unit's own, or every unit's for the HQ office."""
    today = business_today()
    rows = overdue_for(request.user, today)
    context = _common(
        request,
        rows=rows,
        all_units=_user(request).is_hq or not can_record(request.user),
    )
    return render(request, "partners/overdue.html", context)


@login_required
@require_POST
def service_done(request: HttpRequest, pk: int) -> HttpResponse:
    """Close a follow-up of the user's unit."""
    row = editable_get(request.user, "services", pk)
    form = f.DoneForm(request.POST)
    done = save_form(
        form,
        lambda v: services.service_entry_done(
            row=row, done_on=v["done_on"], note=v["done_note"], actor=request.user
        ),
    )
    _report(request, form, done, f"已办结：{row.enterprise}（{row}）。")
    return redirect(next_url(request, reverse("partners:services")))
