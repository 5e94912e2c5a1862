"""Products and transformation pages (产品与转型): the year's overview toward the
plan's targets, the two lists (50 a page, filters, totals, Excel download), forms
to add, change and delete a record, and Excel import/export. Thin: reads come from
keqi.products.selectors, writes go through keqi.products.services."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from typing import Any, cast

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import Model, QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import urlencode

from keqi.accounts.context import DistrictChoice, district_choice
from keqi.accounts.models import District
from keqi.accounts.scopes import district_id_of
from keqi.activities.selectors import plan_loaded, plan_target_value
from keqi.activities.views import year_and_day
from keqi.campaign.metrics import METRICS, Metric
from keqi.core.dates import business_today
from keqi.core.exports import ListExport, export_requested, xlsx_list_response
from keqi.core.paging import paged
from keqi.cultivation.filters import Filters
from keqi.cultivation.libraries import scope_area_ids
from keqi.cultivation.views import area_picked, areas_for
from keqi.partners.access import can_record
from keqi.partners.views_entries import _initial as enterprise_initial
from keqi.partners.views_entries import next_url, save_form
from keqi.products import services
from keqi.products.forms import ProductForm, TransformationForm
from keqi.products.metrics import TRANSFORMED_METRIC, ZJTX_METRIC
from keqi.products.models import ProductKind, TransformationKind
from keqi.products.selectors import (
    RecordFilter,
    product_get_for,
    product_list_for,
    totals_by_kind,
    transformation_get_for,
    transformation_list_for,
)


@dataclass(frozen=True)
class Kind:
    """One of the two lists: its words, form, service and reads."""

    slug: str
    title: str
    list_name: str
    choices: Any
    day_label: str
    form: type[Any]
    save: Callable[..., Any]
    rows: Callable[[Any, RecordFilter], QuerySet[Any]]
    get: Callable[[Any, int], Any]


KINDS = {
    "products": Kind(
        "products",
        "产品与品牌",
        "products:product_list",
        ProductKind,
        "认定日期",
        ProductForm,
        services.product_save,
        product_list_for,
        product_get_for,
    ),
    "transformations": Kind(
        "transformations",
        "创新转型",
        "products:transformation_list",
        TransformationKind,
        "完成日期",
        TransformationForm,
        services.transformation_save,
        transformation_list_for,
        transformation_get_for,
    ),
}


def kind_get(slug: str) -> Kind:
    if slug not in KINDS:
        raise Http404("没有这个列表")
    return KINDS[slug]


@login_required
def index(request: HttpRequest) -> HttpResponse:
    """The year at a glance: the two plan targets counted live, and each kind.
    The city with no district picked sees 全市 and each district's target
    figures side by side (no target: each district's plan sets its own)."""
    district = district_choice(request)
    f = Filters(request.GET)
    year, as_of = year_and_day(f)
    user = request.user
    picked = district.picked_id
    flt = RecordFilter(year=year, until=as_of, district_id=picked)
    counted = picked if picked is not None else district_id_of(user)
    here = (
        district.picked.name if district.picked else ("全市" if district.mixed else "")
    )
    columns: list[tuple[str, int | None, str]] = [
        (here or "完成", counted, _district_query(district.picked))
    ]
    if district.mixed:
        columns += [(d.name, d.pk, _district_query(d)) for d in district.offered]
    targets = [
        (
            m,
            [
                (m.count(year, as_of, of), _with(_records(m, year, as_of), query))
                for _label, of, query in columns
            ],
            plan_target_value(m.key, year, user, picked),
        )
        for m in (METRICS[ZJTX_METRIC], METRICS[TRANSFORMED_METRIC])
    ]
    context = {
        "year": year,
        "as_of": as_of,
        "heads": [label for label, _of, _query in columns],
        "targets": targets,
        "plan_loaded": plan_loaded(year, user, picked),
        "products": _kind_rows(user, flt, district, product_list_for, ProductKind),
        "transformations": _kind_rows(
            user, flt, district, transformation_list_for, TransformationKind
        ),
        "may_record": can_record(user),
        "errors": f.errors,
        **district.context(),
    }
    return render(request, "products/index.html", context)


def _kind_rows(
    user: Any,
    flt: RecordFilter,
    district: DistrictChoice,
    rows_for: Callable[[Any, RecordFilter], QuerySet[Any]],
    choices: Any,
) -> list[tuple[Any, list[tuple[int, str]]]]:
    """Each kind's totals, with (when the city sees every district) each
    district's record count and the query narrowing the list to it."""
    totals = totals_by_kind(rows_for(user, flt), choices)
    split = [
        (
            totals_by_kind(rows_for(user, replace(flt, district_id=d.pk)), choices),
            _district_query(d),
        )
        for d in (district.offered if district.mixed else [])
    ]
    return [
        (t, [(theirs[i].records, query) for theirs, query in split])
        for i, t in enumerate(totals)
    ]


def _district_query(district: District | None) -> str:
    return urlencode({"district": district.code}) if district is not None else ""


def _with(url: str, query: str) -> str:
    """The url with the district's query added (when both are there)."""
    if not url or not query:
        return url
    return f"{url}{'&' if '?' in url else '?'}{query}"


def _records(metric: Metric, year: int, as_of: dt.date) -> str:
    """The list behind a target's figure (the metric names it)."""
    return metric.records_url(year, as_of) if metric.records_url else ""


def _filter(
    request: HttpRequest, kind: Kind, district: DistrictChoice
) -> tuple[RecordFilter, Filters]:
    f = Filters(request.GET)
    raw_year = request.GET.get("year", "").strip()
    year = f.year("year", "年度", business_today().year) if raw_year else None
    until = f.day("until", "截至日期") if request.GET.get("until") else None
    area_id = f.pk("area")
    scope_area_ids(request.user, area_id)  # 404 for another town's area
    chosen = f.choice("kind", list(kind.choices.values))
    q = request.GET.get("q", "").strip()[:100]
    return RecordFilter(chosen, year, until, area_id, q, district.picked_id), f


def _filter_lines(
    flt: RecordFilter, kind: Kind, area: Any, district: DistrictChoice
) -> list[tuple[str, str]]:
    picked = district.picked
    return [
        *([("区", picked.name if picked else "全市")] if district.offered else []),
        ("年度", str(flt.year) if flt.year else ""),
        (f"{kind.day_label}截至", flt.until.isoformat() if flt.until else ""),
        ("类型", flt.kind),
        ("街镇/园区", str(area) if area else ""),
        ("关键词", flt.q),
    ]


def _columns(kind: Kind, mixed: bool) -> list[tuple[str, Callable[[Any], object]]]:
    """The download's columns; 区 first when the rows mix districts."""
    head: list[tuple[str, Callable[[Any], object]]] = [
        *([("区", lambda r: r.enterprise.area.district.name)] if mixed else []),
        ("企业名称", lambda r: r.enterprise.name),
        ("统一社会信用代码", lambda r: r.enterprise.uscc),
        ("所属街镇/园区", lambda r: r.enterprise.area.name),
        ("类型", lambda r: r.get_kind_display()),
    ]
    if kind.slug == "products":
        return head + [
            ("产品（品牌）名称", lambda r: r.name),
            ("认定部门", lambda r: r.recognised_by),
            ("级别", lambda r: r.level),
            ("认定日期", lambda r: r.recognised_on),
            ("证明材料", lambda r: r.evidence),
            ("说明", lambda r: r.note),
        ]
    return head + [
        ("年度", lambda r: r.year),
        ("完成日期", lambda r: r.completed_on),
        ("技改投入（万元）", lambda r: r.amount),
        ("内容", lambda r: r.description),
    ]


def _list(request: HttpRequest, slug: str) -> HttpResponse:
    kind = kind_get(slug)
    district = district_choice(request)
    flt, f = _filter(request, kind, district)
    rows = kind.rows(request.user, flt)
    areas = areas_for(request.user, district.picked)
    area = area_picked(areas, flt.area_id)
    if export_requested(request):
        export = ListExport(
            f"{kind.title}清单",
            _columns(kind, district.mixed),
            rows.iterator(),
            _filter_lines(flt, kind, area, district),
        )
        return xlsx_list_response(export, request)
    context = {
        "kind": kind,
        "flt": flt,
        "pager": paged(cast("Sequence[Any]", rows), request.GET),  # counts, slices
        "totals": totals_by_kind(rows, kind.choices),
        # What a target counts: each enterprise once, whatever its records.
        "enterprises": rows.order_by().values("enterprise_id").distinct().count(),
        "kinds": kind.choices.choices,
        "areas": areas,
        "area": area,
        "may_record": can_record(request.user),
        "errors": f.errors,
        **district.context(),
    }
    return render(request, f"products/{slug}.html", context)


@login_required
def product_list(request: HttpRequest) -> HttpResponse:
    """Products and brands the user may see, filtered, 50 a page."""
    return _list(request, "products")


@login_required
def transformation_list(request: HttpRequest) -> HttpResponse:
    """Transformation records the user may see, filtered, 50 a page."""
    return _list(request, "transformations")


def _form_page(request: HttpRequest, form: Any, kind: Kind, title: str) -> HttpResponse:
    back = next_url(request, reverse(kind.list_name))
    context = {"form": form, "title": title, "kind": kind, "back": back}
    return render(request, "products/form.html", context)


def _initial(request: HttpRequest) -> dict[str, Any]:
    today = business_today()
    initial = enterprise_initial(request, "")  # ?enterprise=<pk>, only if visible
    return initial | {"recognised_on": today, "completed_on": today, "year": today.year}


def _ensure_can_record(request: HttpRequest) -> None:
    if not can_record(request.user):
        raise PermissionDenied("当前账号只能查看，不能录入或修改")


@login_required
def record_new(request: HttpRequest, slug: str) -> HttpResponse:
    """Record a product or a transformation for an enterprise the user may see."""
    kind = kind_get(slug)
    _ensure_can_record(request)
    data = request.POST if request.method == "POST" else None
    form = kind.form(data, user=request.user, initial=_initial(request))
    if data is not None:
        saved = save_form(form, lambda v: kind.save(values=v, actor=request.user))
        if saved is not None:
            messages.success(request, f"已保存{kind.title}“{saved.row}”。")
            return redirect(next_url(request, reverse(kind.list_name)))
    return _form_page(request, form, kind, f"新增{kind.title}")


@login_required
def record_edit(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    """Change a record (another town's is a 404)."""
    kind = kind_get(slug)
    row = kind.get(request.user, pk)
    _ensure_can_record(request)
    data = request.POST if request.method == "POST" else None
    form = kind.form(data, user=request.user, instance=row)
    if data is not None:
        saved = save_form(
            form, lambda v: kind.save(values=v, actor=request.user, row=row)
        )
        if saved is not None:
            changed = "已保存修改" if saved.outcome == "updated" else "没有改动"
            messages.success(request, f"{changed}：{row}。")
            return redirect(next_url(request, reverse(kind.list_name)))
    return _form_page(request, form, kind, f"修改{kind.title}")


@login_required
def record_delete(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    """Confirm, then delete a record (its values stay in the audit trail)."""
    kind = kind_get(slug)
    row: Model = kind.get(request.user, pk)
    _ensure_can_record(request)
    if request.method == "POST":
        services.record_delete(
            row=row,  # type: ignore[arg-type]
            actor=request.user,
            reason=request.POST.get("reason", ""),
        )
        messages.success(request, f"已删除{kind.title}“{row}”。")
        return redirect(reverse(kind.list_name))
    context = {"row": row, "kind": kind, "back": reverse(kind.list_name)}
    return render(request, "partners/confirm_delete.html", context)
