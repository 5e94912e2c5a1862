"""Demo rows of the plan items (`keqi demo`): alliances, carriers and 入驻,
overseas 招商 stations, standards and 军民融合 projects — all invented.

Baodi's rows follow the plan's wording (京津中关村科技城 and the development zone
as carriers, the Beijing and Shenzhen stations the leads already name, the
graphene and drone alliances the forums speak of); 示范区 gets a carrier with its
settled enterprises and one station. Enterprises are picked by rule (sorted by
code), rows are found by their natural key, so a second run changes nothing.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from decimal import Decimal
from typing import Any

from keqi.accounts.models import Area, Unit
from keqi.partners import services_plan as sp
from keqi.partners.models import Institution
from keqi.partners.models_plan import (
    Alliance,
    Carrier,
    CarrierSettlement,
    CivMilProject,
    OverseasStation,
    StandardWork,
)
from keqi.registry.models import Enterprise

D = dt.date
Save = tuple[Any, Any]  # (create, update) services


def _save(
    counts: Counter[str], label: str, existing: Any, services: Save, values: Any
) -> Any:
    create, update = services
    if existing is None:
        counts[label + "新建"] += 1
        return create(values=values, actor=None)
    outcome = update(row=existing, values=values, actor=None).outcome
    counts[label + ("更新" if outcome == "updated" else "未变")] += 1
    return existing


def _in_area(code: str, count: int, skip: int = 0) -> list[Enterprise]:
    """`count` enterprises of an area (after the first `skip`), topped up from the
    rest of its district when it has fewer (a small demo)."""
    area = Area.objects.get(code=code)
    same = Enterprise.objects.filter(area__district=area.district)
    own = list(same.filter(area=area).order_by("uscc"))
    rest = list(same.exclude(area=area).order_by("uscc"))
    return (own + rest)[skip : skip + count]


# ---------------------------------------------------------------- carriers


CARRIERS = (  # (name, kind, area, operator, recording unit, note)
    ("京津中关村科技城", "科技城", "zgc", "京津中关村科技城发展有限公司", "zgc-gwh",
     "京津冀协同发展重点载体，承接北京科技企业转移（演示数据）"),
    ("宝坻经济开发区科技企业加速器", "产业园区", "bdkfq", "宝坻经济开发区管委会",
     "bdkfq-gwh", "标准厂房和研发楼，面向成长期科技企业（演示数据）"),
    ("宝坻区科技企业孵化器", "孵化器", "bdkfq", "天津宝创科技企业孵化器有限公司（虚构）",
     "hq", "市级科技企业孵化器（演示数据）"),
)  # fmt: skip
# (carrier, area the enterprises come from, how many, skip, first day, left index)
SETTLED = (
    ("京津中关村科技城", "zgc", 6, 0, D(2019, 3, 12), 5),
    ("宝坻经济开发区科技企业加速器", "bdkfq", 4, 10, D(2019, 5, 8), None),
    ("宝坻区科技企业孵化器", "bdkfq", 3, 14, D(2019, 6, 18), None),
)


def _carriers(units: dict[str, Unit], counts: Counter[str]) -> dict[str, Carrier]:
    areas = {a.code: a for a in Area.objects.all()}
    found = {}
    for name, kind, area, operator, unit, note in CARRIERS:
        values = {"name": name, "kind": kind, "area": areas[area],
                  "operator": operator, "unit": units[unit], "note": note}  # fmt: skip
        found[name] = _save(
            counts,
            "载体",
            Carrier.objects.filter(name=name).first(),
            (sp.carrier_create, sp.carrier_update),
            values,
        )
    for carrier, area, n, skip, first, left in SETTLED:
        row = found[carrier]
        for i, firm in enumerate(_in_area(area, n, skip)):
            day = first + dt.timedelta(days=23 * i)
            values = {
                "carrier": row, "enterprise": firm, "settled_on": day,
                "left_on": D(2019, 9, 2) if i == left else None, "unit": row.unit,
                "note": "迁至外区（演示数据）" if i == left else "",
            }  # fmt: skip
            _save(
                counts,
                "入驻记录",
                CarrierSettlement.objects.filter(
                    carrier=row, enterprise=firm, settled_on=day
                ).first(),
                (sp.carrier_settlement_create, sp.carrier_settlement_update),
                values,
            )
    return found


def _stations(
    units: dict[str, Unit], carriers: dict[str, Carrier], counts: Counter[str]
) -> None:
    specs = (
        ("驻北京招商工作站", "北京市海淀区", D(2018, 6, 1), "京津中关村科技城",
         "陈刚（区合作交流办）", "与京津中关村科技城合署对接北京科技企业（演示数据）"),
        ("驻深圳招商工作站", "深圳市南山区", D(2019, 3, 15),
         "宝坻经济开发区科技企业加速器", "孙立（区合作交流办）",
         "面向珠三角电子信息企业定点招商（演示数据）"),
        ("驻上海招商工作站", "上海市浦东新区", D(2019, 7, 1), None,
         "吴敏（区合作交流办）", "新材料企业招商，尚未确定对接载体（演示数据）"),
    )  # fmt: skip
    for name, region, opened, carrier, contact, note in specs:
        values = {"name": name, "region": region, "opened_on": opened,
                  "carrier": carriers.get(carrier) if carrier else None,
                  "contact": contact, "note": note, "unit": units["hzjlb"]}  # fmt: skip
        _save(
            counts,
            "驻外招商工作站",
            OverseasStation.objects.filter(name=name).first(),
            (sp.overseas_station_create, sp.overseas_station_update),
            values,
        )


# ---------------------------------------------------------------- alliances


def _of_industry(units: dict[str, Unit], industry: str, count: int) -> list[Enterprise]:
    """Baodi's first enterprises of a 重点产业 (by code)."""
    rows = Enterprise.objects.filter(
        area__district=units["hq"].district, key_industry=industry
    )
    return list(rows.order_by("uscc")[:count])


def _alliances(units: dict[str, Unit], counts: Counter[str]) -> None:
    graphene = _of_industry(units, "新能源新材料", 6)
    drones = _of_industry(units, "人工智能", 5)
    specs = (
        ("宝坻区石墨烯产业技术创新战略联盟", "区级", "新材料", D(2019, 6, 28),
         graphene, ["北京大学"], "gxj", "石墨烯论坛上签约成立（演示数据）"),
        ("京津冀无人机产业技术创新战略联盟宝坻分盟", "市级", "无人机与人工智能",
         D(2019, 8, 15), drones, ["清华大学", "中国科学院电工研究所"], "hq",
         "联合开展飞控与植保应用研发（演示数据）"),
    )  # fmt: skip
    for name, level, field, day, firms, institutes, unit, note in specs:
        if not firms:
            continue
        values = {
            "name": name, "level": level, "field": field, "founded_on": day,
            "lead": firms[0].name, "enterprises": firms,
            "institutions": list(Institution.objects.filter(name__in=institutes)),
            "note": note, "unit": units[unit],
        }  # fmt: skip
        _save(
            counts,
            "产业技术创新战略联盟",
            Alliance.objects.filter(name=name).first(),
            (sp.alliance_create, sp.alliance_update),
            values,
        )


# ---------------------------------------------------------------- standards


def _standards(units: dict[str, Unit], counts: Counter[str]) -> None:
    park = _in_area("bdkfq", 6, 20)
    if len(park) < 6:
        return
    specs: tuple[tuple[Any, ...], ...] = (
        ("石墨烯导热膜 热扩散系数测试方法", "团体标准", "T/TJGX 012—2019", "发布",
         park[0], park[1:3], D(2019, 3, 20), D(2019, 8, 30)),
        ("植保无人机 飞行控制系统通用技术要求", "行业标准", "", "起草", park[3],
         [], D(2019, 5, 16), None),
        ("设施农业物联网监测数据采集规范", "地方标准", "", "立项", park[4], park[5:6],
         D(2019, 9, 10), None),
    )  # fmt: skip
    for title, level, number, stage, lead, others, start, published in specs:
        values = {
            "title": title, "level": level, "number": number, "stage": stage,
            "lead_enterprise": lead, "enterprises": others, "started_on": start,
            "published_on": published, "note": "演示数据", "unit": units["scjgj"],
        }  # fmt: skip
        _save(
            counts,
            "标准制定",
            StandardWork.objects.filter(level=level, title=title).first(),
            (sp.standard_work_create, sp.standard_work_update),
            values,
        )


# ---------------------------------------------------------------- 军民融合


def _civmil(units: dict[str, Unit], counts: Counter[str]) -> None:
    makers = _of_industry(units, "高端装备制造", 6)
    if len(makers) < 4:
        return
    specs: tuple[tuple[Any, ...], ...] = (
        ("高可靠伺服电机军用技术转民用", "军转民", makers[:2], "某军工研究所（虚构）",
         D(2019, 4, 10), "320", "完成民用型号样机，进入小批量试产（演示数据）"),
        ("特种线缆企业参与军品配套", "民参军", makers[2:3], "某军工集团配套办（虚构）",
         D(2019, 6, 5), None, "取得武器装备质量管理体系认证，申报保密资格（演示数据）"),
        ("军民两用北斗导航终端产业化项目", "产业化", makers[3:4],
         "某军民融合创新研究院（虚构）", D(2019, 8, 20), "1500",
         "完成厂房改造，设备进场调试（演示数据）"),
    )  # fmt: skip
    for title, direction, firms, partner, start, amount, outcome in specs:
        values = {
            "title": title, "direction": direction, "enterprises": firms,
            "partner": partner, "started_on": start,
            "amount": Decimal(amount) if amount else None, "outcome": outcome,
            "unit": units["gxj"],
        }  # fmt: skip
        _save(
            counts,
            "军民融合项目",
            CivMilProject.objects.filter(title=title).first(),
            (sp.civmil_project_create, sp.civmil_project_update),
            values,
        )


LABELS = ("载体", "入驻记录", "驻外招商工作站", "产业技术创新战略联盟", "标准制定",
          "军民融合项目")  # fmt: skip


def plan_items_load(units: dict[str, Unit], counts: Counter[str]) -> None:
    """Baodi's plan-item rows (the partners demo calls it)."""
    carriers = _carriers(units, counts)
    _stations(units, carriers, counts)
    _alliances(units, counts)
    _standards(units, counts)
    _civmil(units, counts)


# ---------------------------------------------------------------- 示范区


def shifan_plan_items_load() -> None:
    """示范区's carrier with settled enterprises and one station (the second
    district's demo calls it after loading its enterprises)."""
    units = {u.code: u for u in Unit.objects.filter(code__startswith="sf-")}
    area = Area.objects.get(code="sf-gxq")
    counts: Counter[str] = Counter()
    values = {"name": "示范高新园创新创业中心（虚构）", "kind": "孵化器", "area": area,
              "operator": "示范高新园管委会", "unit": units["sf-gxq-gwh"],
              "note": "示范区的演示载体"}  # fmt: skip
    carrier = _save(
        counts,
        "载体",
        Carrier.objects.filter(name=values["name"]).first(),
        (sp.carrier_create, sp.carrier_update),
        values,
    )
    for i, firm in enumerate(_in_area("sf-gxq", 4)):
        day = D(2019, 4, 10) + dt.timedelta(days=30 * i)
        row = {"carrier": carrier, "enterprise": firm, "settled_on": day,
               "left_on": None, "unit": units["sf-gxq-gwh"]}  # fmt: skip
        _save(
            counts,
            "入驻记录",
            CarrierSettlement.objects.filter(
                carrier=carrier, enterprise=firm, settled_on=day
            ).first(),
            (sp.carrier_settlement_create, sp.carrier_settlement_update),
            row,
        )
    station = {"name": "示范区驻杭州招商工作站（虚构）", "region": "杭州市",
               "opened_on": D(2019, 5, 20), "carrier": carrier,
               "contact": "钱进（示范区科技局）", "note": "演示数据",
               "unit": units["sf-hq"]}  # fmt: skip
    _save(
        counts,
        "驻外招商工作站",
        OverseasStation.objects.filter(name=station["name"]).first(),
        (sp.overseas_station_create, sp.overseas_station_update),
        station,
    )
