"""List pages of the plan items (联盟, 载体, 入驻, 驻外工作站, 标准, 军民融合).

One thin view serves all six: `LISTS` says the scoped rows, the filters and the
columns. Entry, edit, delete, import and export go through views_entries like
every partners list (KINDS / PLAN_SHEETS)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.contrib.auth.decorators import login_required
from django.db.models import Q, QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render

from keqi.core.dates import business_today
from keqi.core.query import whole_number
from keqi.partners import selectors_plan as sel
from keqi.partners.models_plan import (
    AllianceLevel,
    CarrierKind,
    CivMilDirection,
    StandardLevel,
    StandardStage,
)
from keqi.partners.views import _common, _page


def _names(rows: Any) -> str:
    return "、".join(e.name for e in rows.all()) or "—"


def _day(value: Any) -> str:
    return value.strftime("%Y-%m-%d") if value else "—"


@dataclass(frozen=True)
class PlanList:
    """One list page: title, plan text, rows, filters and columns."""

    title: str
    plan_text: str
    add_label: str
    rows: Callable[[Any], QuerySet[Any]]
    search: tuple[str, ...]
    year_field: str
    choice_field: str
    choices: list[tuple[str, str]]
    columns: tuple[tuple[str, Callable[[Any], Any]], ...]


LISTS: dict[str, PlanList] = {
    "alliances": PlanList(
        "产业技术创新战略联盟",
        "三、（一）3：组建产业技术创新战略联盟，深化产学研合作。",
        "登记联盟",
        sel.alliance_list_for,
        ("name", "field", "lead"),
        "founded_on",
        "level",
        AllianceLevel.choices,
        (
            ("联盟名称", lambda r: r.name),
            ("级别", lambda r: r.level),
            ("产业领域", lambda r: r.field or "—"),
            ("成立日期", lambda r: _day(r.founded_on)),
            ("牵头单位", lambda r: r.lead or "—"),
            ("成员企业", lambda r: _names(r.enterprises)),
            (
                "成员院所",
                lambda r: "、".join(str(i) for i in r.institutions.all()) or "—",
            ),
        ),
    ),
    "carriers": PlanList(
        "载体",
        "三、（一）3：推动京津中关村科技城等载体建设；措施9：各街镇、园区做好科技型企业入驻承载工作。",
        "登记载体",
        sel.carrier_list_for,
        ("name", "operator"),
        "",
        "kind",
        CarrierKind.choices,
        (
            ("载体名称", lambda r: r.name),
            ("类型", lambda r: r.kind),
            ("所在街镇/园区", lambda r: str(r.area or "—")),
            ("运营管理单位", lambda r: r.operator or "—"),
        ),
    ),
    "settlements": PlanList(
        "载体入驻",
        "措施9：各街镇、园区做好科技型企业入驻承载工作。一家企业入驻一个载体记一条，迁出时填写迁出日期。",
        "登记入驻",
        sel.settlement_list_for,
        ("enterprise__name", "enterprise__uscc", "carrier__name"),
        "settled_on",
        "carrier__kind",
        CarrierKind.choices,
        (
            ("载体", lambda r: str(r.carrier)),
            ("企业", lambda r: r.enterprise.name),
            ("街镇/园区", lambda r: str(r.enterprise.area)),
            ("入驻日期", lambda r: _day(r.settled_on)),
            ("迁出日期", lambda r: _day(r.left_on)),
        ),
    ),
    "stations": PlanList(
        "驻外招商工作站",
        "措施9：充分发挥外派招商工作组作用，将外派招商工作站与区内载体单位有机融合。",
        "登记工作站",
        sel.station_list_for,
        ("name", "region", "contact"),
        "opened_on",
        "",
        [],
        (
            ("工作站名称", lambda r: r.name),
            ("驻在地", lambda r: r.region),
            ("设立日期", lambda r: _day(r.opened_on)),
            ("撤销日期", lambda r: _day(r.closed_on)),
            ("对接载体", lambda r: str(r.carrier or "—")),
            ("负责人及电话", lambda r: r.contact or "—"),
        ),
    ),
    "standards": PlanList(
        "标准制定",
        "三、（一）2：鼓励企业参与国际、国内和行业标准制定，增强行业话语权。从立项、起草到发布逐项跟踪。",
        "登记标准",
        sel.standard_list_for,
        ("title", "number", "lead_enterprise__name"),
        "started_on",
        "stage",
        StandardStage.choices,
        (
            ("标准名称", lambda r: r.title),
            ("类别", lambda r: r.level),
            ("标准号", lambda r: r.number or "—"),
            ("进展", lambda r: r.stage),
            (
                "主导企业",
                lambda r: r.lead_enterprise.name if r.lead_enterprise else "—",
            ),
            ("参与起草企业", lambda r: _names(r.enterprises)),
            ("立项日期", lambda r: _day(r.started_on)),
            ("发布日期", lambda r: _day(r.published_on)),
        ),
    ),
    "civmil": PlanList(
        "军民融合项目",
        "三、（一）3：抢抓军民融合重大国家战略机遇，促进军民两用技术双向转化和军民融合产业化项目实施。",
        "登记项目",
        sel.civmil_list_for,
        ("title", "partner"),
        "started_on",
        "direction",
        CivMilDirection.choices,
        (
            ("项目名称", lambda r: r.title),
            ("方向", lambda r: r.get_direction_display()),
            ("承担企业", lambda r: _names(r.enterprises)),
            ("合作单位", lambda r: r.partner or "—"),
            ("开始日期", lambda r: _day(r.started_on)),
            (
                "投资额（万元）",
                lambda r: "—" if r.amount is None else f"{r.amount.normalize():f}",
            ),
            ("进展与成效", lambda r: r.outcome or "—"),
        ),
    ),
}
# 标准的类别 is a second filter (进展 is the first).
LEVELS = {"standards": StandardLevel.choices}


def _filtered(spec: PlanList, request: HttpRequest, rows: QuerySet[Any]) -> Any:
    words = request.GET.get("q", "").strip()
    if words:
        q = Q()
        for name in spec.search:
            q |= Q(**{f"{name}__icontains": words})
        rows = rows.filter(q)
    year = whole_number(request.GET.get("year", ""))
    if spec.year_field and year is not None:
        rows = rows.filter(**{f"{spec.year_field}__year": year})
    picked = request.GET.get("choice", "")
    if spec.choice_field and picked in dict(spec.choices):
        rows = rows.filter(**{spec.choice_field: picked})
    level = request.GET.get("level", "")
    if level and level in dict(LEVELS.get("standards", [])):
        rows = rows.filter(level=level)
    return rows


def _amount_total(rows: Any) -> Decimal | None:
    """The exact sum of the amounts given (summed in Python, never a float)."""
    amounts = [r for r in rows.values_list("amount", flat=True) if r is not None]
    return sum(amounts, Decimal(0)) if amounts else None


@login_required
def plan_list(request: HttpRequest, kind: str) -> HttpResponse:
    """One plan-item list: filters kept, paged, totals, Excel out and in."""
    spec = LISTS.get(kind)
    if spec is None:
        raise Http404("没有这个列表")
    rows = _filtered(spec, request, spec.rows(request.user))
    page = _page(request, rows)
    table = [(row, [col(row) for _, col in spec.columns]) for row in page]
    context = _common(
        request,
        kind=kind,
        spec=spec,
        page=page,
        table=table,
        total=page.paginator.count,
        amount_total=_amount_total(rows) if kind == "civmil" else None,
        levels=LEVELS.get(kind, []),
        carrier_counts=(
            sel.carrier_counts(request.user, business_today())
            if kind == "carriers"
            else []
        ),
    )
    return render(request, "partners/plan_list.html", context)
