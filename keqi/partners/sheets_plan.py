"""Exchange formats of the plan-item lists (one sheet each), matched by a natural key:

| list | sheet | key |
|---|---|---|
| 联盟 | 产业技术创新战略联盟 | 联盟名称 |
| 载体 | 载体 | 载体名称 |
| 入驻 | 载体入驻 | 载体 + 企业 + 入驻日期 |
| 工作站 | 驻外招商工作站 | 工作站名称 |
| 标准 | 标准制定 | 标准类别 + 标准名称 |
| 军民融合 | 军民融合项目 | 项目名称 |
"""

from __future__ import annotations

from typing import Any

from django.db.models import Q

from keqi.partners import services_plan as sp
from keqi.partners.excel import Column, Sheet, choice, date, lookup, money, text
from keqi.partners.models import Institution
from keqi.partners.models_plan import (
    Alliance,
    AllianceLevel,
    Carrier,
    CarrierKind,
    CarrierSettlement,
    CivMilDirection,
    CivMilProject,
    OverseasStation,
    StandardLevel,
    StandardStage,
    StandardWork,
)
from keqi.partners.selectors_plan import (
    alliance_list_for,
    carrier_list_for,
    civmil_list_for,
    settlement_list_for,
    standard_list_for,
    station_list_for,
)
from keqi.partners.sheets import (
    ENTERPRISE,
    ENTERPRISE_NAME,
    NOTE,
    UNIT,
    _area,
    _enterprise,
    _enterprises,
    _many,
    _ref,
    _upsert,
)
from keqi.registry.workbook.cells import CellProblem, as_text


def _carrier(name: str, user: Any) -> Carrier:
    found = Carrier.objects.filter(name=name).first()
    if found is None:
        raise ValueError(f"载体“{name}”不在载体名单中，请先在“载体”中添加")
    return found


def _institutions(raw: Any, user: Any) -> list[Institution]:
    from keqi.partners.forms import split_names

    found, missing = [], []
    for name in split_names(as_text(raw)):
        row = Institution.objects.filter(Q(name=name) | Q(short_name=name)).first()
        if row is None:
            missing.append(name)
        else:
            found.append(row)
    if missing:
        raise CellProblem(f"院所“{'、'.join(missing)}”不在院所名单中")
    return found


def _lead(raw: Any, user: Any) -> Any:
    name = as_text(raw).strip()
    if not name:
        return None
    try:
        return _enterprise(name, user)
    except ValueError as exc:
        raise CellProblem(str(exc)) from exc


def _names(attr: str) -> Any:
    return lambda row: "\n".join(str(x) for x in getattr(row, attr).all())


def _lead_uscc(row: StandardWork) -> str | None:
    lead = row.lead_enterprise
    return lead.uscc if lead is not None else None


def _apply(model: Any, keys: tuple[str, ...], create: Any, update: Any) -> Any:
    def apply(values: dict[str, Any], user: Any) -> str:
        existing = model.objects.filter(**{k: values[k] for k in keys}).first()
        return _upsert(existing, values, user, create, update)

    return apply


ALLIANCES = Sheet(
    "alliances",
    "产业技术创新战略联盟",
    (
        Column("联盟名称", "name", text(200), True),
        Column("级别", "level", choice(AllianceLevel), True),
        Column("产业领域", "field", text(100)),
        Column("成立日期", "founded_on", date, True, kind="date"),
        Column("牵头单位", "lead", text(200)),
        Column("成员企业", "enterprises", _enterprises, True, _many("enterprises")),
        Column(
            "成员院所", "institutions", _institutions, export=_names("institutions")
        ),
        UNIT,
        NOTE,
    ),
    _apply(Alliance, ("name",), sp.alliance_create, sp.alliance_update),
    lambda user: alliance_list_for(user).order_by("founded_on", "name"),
)
CARRIERS = Sheet(
    "carriers",
    "载体",
    (
        Column("载体名称", "name", text(200), True),
        Column("类型", "kind", choice(CarrierKind), True),
        Column("所在街镇/园区", "area", lookup(_area), export=_ref("area")),
        Column("运营管理单位", "operator", text(200)),
        UNIT,
        NOTE,
    ),
    _apply(Carrier, ("name",), sp.carrier_create, sp.carrier_update),
    lambda user: carrier_list_for(user).order_by("name"),
)
SETTLEMENTS = Sheet(
    "settlements",
    "载体入驻",
    (
        Column("载体", "carrier", lookup(_carrier), True, _ref("carrier")),
        ENTERPRISE,
        ENTERPRISE_NAME,
        Column("入驻日期", "settled_on", date, True, kind="date"),
        Column("迁出日期", "left_on", date, kind="date"),
        UNIT,
        NOTE,
    ),
    _apply(
        CarrierSettlement,
        ("carrier", "enterprise", "settled_on"),
        sp.carrier_settlement_create,
        sp.carrier_settlement_update,
    ),
    lambda user: settlement_list_for(user).order_by("settled_on", "pk"),
)
STATIONS = Sheet(
    "stations",
    "驻外招商工作站",
    (
        Column("工作站名称", "name", text(200), True),
        Column("驻在地", "region", text(100), True),
        Column("设立日期", "opened_on", date, True, kind="date"),
        Column("撤销日期", "closed_on", date, kind="date"),
        Column("对接载体", "carrier", lookup(_carrier), export=_ref("carrier")),
        Column("负责人及电话", "contact", text(100)),
        UNIT,
        NOTE,
    ),
    _apply(
        OverseasStation,
        ("name",),
        sp.overseas_station_create,
        sp.overseas_station_update,
    ),
    lambda user: station_list_for(user).order_by("opened_on", "name"),
)
STANDARDS = Sheet(
    "standards",
    "标准制定",
    (
        Column("标准名称", "title", text(200), True),
        Column("标准类别", "level", choice(StandardLevel), True),
        Column("标准号", "number", text(60)),
        Column("进展", "stage", choice(StandardStage), True),
        Column("主导企业", "lead_enterprise", _lead, export=_lead_uscc),
        Column(
            "参与起草企业", "enterprises", _enterprises, export=_many("enterprises")
        ),
        Column("立项日期", "started_on", date, True, kind="date"),
        Column("发布日期", "published_on", date, kind="date"),
        UNIT,
        NOTE,
    ),
    _apply(
        StandardWork,
        ("level", "title"),
        sp.standard_work_create,
        sp.standard_work_update,
    ),
    lambda user: standard_list_for(user).order_by("started_on", "title"),
)
CIVMIL = Sheet(
    "civmil",
    "军民融合项目",
    (
        Column("项目名称", "title", text(200), True),
        Column("方向", "direction", choice(CivMilDirection), True),
        Column("承担企业", "enterprises", _enterprises, True, _many("enterprises")),
        Column("合作军工单位/院所", "partner", text(200)),
        Column("开始日期", "started_on", date, True, kind="date"),
        Column("投资额（万元）", "amount", money),
        Column("进展与成效", "outcome", text(500)),
        UNIT,
        NOTE,
    ),
    _apply(
        CivMilProject, ("title",), sp.civmil_project_create, sp.civmil_project_update
    ),
    lambda user: civmil_list_for(user).order_by("started_on", "title"),
)

PLAN_SHEETS: dict[str, Sheet] = {
    s.slug: s for s in (ALLIANCES, CARRIERS, SETTLEMENTS, STATIONS, STANDARDS, CIVMIL)
}
