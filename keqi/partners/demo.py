"""Demo data for the partners pages (`keqi demo`), written through the services.

Some of each: promotion, matchmaking and IP-service events; leads at every stage
(one settled into a certified 高企, so the introduced-高企 figure shows 1, one
settled as a new registry enterprise that is not certified yet); 产学研 projects
with the plan's named institutions; loans (one to a 雏鹰 enterprise) and a venture
investment; trademarks with 驰名商标; and service log entries of several units,
some past their follow-up day on the demo's "today". Enterprises are picked from
the demo registry by rule (sorted by code), so a second run finds the same rows
and changes nothing.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from decimal import Decimal
from typing import Any

from keqi.accounts.models import Area, Unit
from keqi.core.uscc import make_uscc
from keqi.partners import services
from keqi.partners.demo_plan import LABELS as PLAN_LABELS
from keqi.partners.demo_plan import plan_items_load
from keqi.partners.leads import lead_advance, lead_create, lead_settle
from keqi.partners.metrics import valid_q
from keqi.partners.models import (
    STAGE_ORDER,
    CooperationProject,
    Event,
    FinanceRecord,
    Institution,
    Lead,
    ServiceEntry,
    Trademark,
)
from keqi.registry.models import Enterprise, Qualification, QualificationKind

D = dt.date
NEW_FIRM_USCC = make_uscc("91120224", "MA06KQ001")


class Picker:
    """Demo enterprises chosen by rule, each used once at most per role."""

    def __init__(self, as_of: dt.date) -> None:
        self.as_of = as_of
        self.all = list(Enterprise.objects.select_related("area").order_by("uscc"))

    def holding(self, kind: str, day: dt.date | None = None) -> list[Enterprise]:
        """Enterprises holding a valid qualification of `kind` on `day`."""
        valid = valid_q(day or self.as_of)
        rows = Qualification.objects.filter(valid, kind=kind)
        ids = set(rows.values_list("enterprise_id", flat=True))
        return [e for e in self.all if e.pk in ids]

    def in_area(self, code: str, count: int) -> list[Enterprise]:
        """`count` enterprises of an area, topped up from others when it has fewer."""
        own = [e for e in self.all if e.area.code == code]
        return (own + [e for e in self.all if e.area.code != code])[:count]


def _save(
    counts: Counter[str],
    label: str,
    existing: Any,
    create: Any,
    update: Any,
    values: Any,
) -> Any:
    """Create the row, or update the one found (unchanged when equal)."""
    if existing is None:
        counts[label + "新建"] += 1
        return create(values=values, actor=None)
    outcome = update(row=existing, values=values, actor=None).outcome
    counts[label + ("更新" if outcome == "updated" else "未变")] += 1
    return existing


def _units() -> dict[str, Unit]:
    return {u.code: u for u in Unit.objects.all()}


# ---------------------------------------------------------------- events


def _events(
    units: dict[str, Unit], pick: Picker, counts: Counter[str]
) -> dict[str, Event]:
    park, zgc = pick.in_area("bdkfq", 6), pick.in_area("zgc", 4)
    specs = [
        ("招商", "展会", "京津冀智能制造专业展（宝坻区组团参展）", D(2019, 5, 22), "北京",
         "", 60, "hzjlb", park[:4]),
        ("招商", "推介会", "宝坻区科技招商推介会（中关村专场）", D(2019, 6, 18),
         "北京市海淀区", "京津中关村科技城管委会", 120, "hzjlb", zgc[:2]),
        ("招商", "工作站活动", "驻深圳招商工作站企业对接", D(2019, 7, 9), "深圳", "",
         25, "hzjlb", []),
        ("金融", "银企对接会", "宝坻区科技型企业银企对接会", D(2019, 6, 26), "区科技局",
         "中国银行宝坻支行、农业银行宝坻支行、天津科技融资控股集团", 90, "jrj",
         park[2:6] + zgc[2:4]),
        ("知识产权", "培训", "商标注册与驰名商标认定专题培训", D(2019, 7, 25),
         "区市场监管局", "知识产权代理机构专家", 85, "scjgj", park[:3]),
        ("知识产权", "专家答疑", "知识产权专家企业行答疑会", D(2019, 9, 12),
         "宝坻经济开发区", "专利、商标代理专家3名", 40, "scjgj", zgc[:3]),
    ]  # fmt: skip
    found = {}
    for topic, kind, name, day, place, orgs, people, unit, firms in specs:
        values = {
            "topic": topic, "kind": kind, "name": name, "held_on": day, "place": place,
            "organisations": orgs, "attendance": people, "participants": firms,
            "unit": units[unit],
        }  # fmt: skip
        existing = Event.objects.filter(
            unit=units[unit], name=name, held_on=day
        ).first()
        found[kind] = _save(
            counts,
            "活动",
            existing,
            services.event_create,
            services.event_update,
            values,
        )
    return found


# ---------------------------------------------------------------- leads


def _lead(
    counts: Counter[str], unit: Unit, values: dict[str, Any], stages: dict[str, dt.date]
) -> Lead:
    """A lead brought up to the given stages (never back)."""
    lead = Lead.objects.filter(unit=unit, company=values["company"]).first()
    if lead is None:
        counts["招商线索新建"] += 1
        lead = lead_create(values={**values, "unit": unit}, actor=None)
    else:
        counts["招商线索未变"] += 1
    for stage in STAGE_ORDER[lead.stage_index + 1 :]:
        if stage in stages and stage != "已落地":
            lead = lead_advance(lead=lead, stage=stage, on=stages[stage], actor=None)
    return lead


def _leads(
    units: dict[str, Unit], pick: Picker, events: dict[str, Event], counts: Counter[str]
) -> None:
    plain = [
        ("北京智造云科技有限公司", "推介会", "", events["推介会"], "zgc", "先进制造与自动化",
         {"已接洽": D(2019, 6, 18), "已考察": D(2019, 7, 3), "已签约": D(2019, 8, 20)}),
        ("深圳芯测电子有限公司", "招商工作站", "驻深圳招商工作站", events["工作站活动"],
         "bdkfq", "电子信息", {"已接洽": D(2019, 7, 9), "已考察": D(2019, 8, 28)}),
        ("上海润材新材料有限公司", "展会", "", events["展会"], "jjxc", "新材料",
         {"已接洽": D(2019, 5, 22)}),
    ]  # fmt: skip
    areas = {a.code: a for a in Area.objects.all()}
    for company, source, detail, event, area, field, stages in plain:
        values = {
            "company": company, "source": source, "source_detail": detail,
            "event": event, "area": areas[area], "tech_field": field,
            "contacted_on": stages["已接洽"],
        }  # fmt: skip
        _lead(counts, units["hzjlb"], values, stages)
    _settled_leads(units, pick, areas, counts)


def _settled_leads(
    units: dict[str, Unit], pick: Picker, areas: dict[str, Area], counts: Counter[str]
) -> None:
    """One into a certified 高企 (counts), one a new enterprise (does not yet)."""
    holders = pick.holding(QualificationKind.HIGH_TECH)
    if holders:
        _settled_certified(units, max(holders, key=lambda e: e.founded_on), counts)
    days = {"已接洽": D(2019, 4, 2), "已签约": D(2019, 6, 10)}
    values = {
        "company": "天津京宝智联科技有限公司", "source": "推介会", "area": areas["zgc"],
        "tech_field": "电子信息", "contacted_on": days["已接洽"],
    }  # fmt: skip
    lead = _lead(counts, units["zgc-gwh"], values, days)
    if lead.enterprise_id is None:
        lead_settle(lead=lead, on=D(2019, 8, 8), uscc=NEW_FIRM_USCC, actor=None)


def _settled_certified(
    units: dict[str, Unit], certified: Enterprise, counts: Counter[str]
) -> None:
    days = {
        "已接洽": D(2019, 1, 15),
        "已考察": D(2019, 2, 20),
        "已签约": D(2019, 3, 28),
    }
    values = {
        "company": certified.name, "source": "招商工作站",
        "source_detail": "驻北京招商工作站", "area": certified.area,
        "contacted_on": days["已接洽"],
    }  # fmt: skip
    lead = _lead(counts, units["hzjlb"], values, days)
    if lead.enterprise_id is None:
        lead_settle(lead=lead, on=D(2019, 4, 16), uscc=certified.uscc, actor=None)


# ---------------------------------------------------------------- projects


def _projects(units: dict[str, Unit], pick: Picker, counts: Counter[str]) -> None:
    park, zgc = pick.in_area("bdkfq", 8), pick.in_area("zgc", 6)
    town = pick.in_area("dakoutun", 2)
    specs = [
        ("中国科学院电工研究所", "高效电机驱动控制技术联合研发", park[:2], D(2019, 3, 1),
         D(2021, 2, 28), "180", (True, False, False), "联合申请发明专利2项", "hq"),
        ("清华大学", "工业视觉检测算法合作开发", zgc[:1], D(2019, 5, 10), None, "60",
         (False, True, False), "视觉检测设备样机1台", "zgc-gwh"),
        ("北京大学", "石墨烯复合材料中试", park[6:8], D(2018, 11, 1), D(2019, 10, 31),
         "120", (True, False, True), "共建中试线", "bdkfq-gwh"),
        ("中国科学院北京分院", "农产品精深加工技术服务", town[:1], D(2019, 7, 1), None,
         "35", (False, False, False), "", "hq"),
        ("清华信研学院", "智能传感项目落户", zgc[1:3], D(2019, 6, 20), None, None,
         (False, False, True), "联合实验室挂牌", "zgc-gwh"),
    ]  # fmt: skip
    for short, title, firms, start, end, amount, yields, outcome, unit in specs:
        institution = Institution.objects.get(name=short)
        values = {
            "title": title, "institution": institution, "enterprises": firms,
            "started_on": start, "ended_on": end,
            "amount": Decimal(amount) if amount else None,
            "yields_ip": yields[0], "yields_product": yields[1],
            "yields_platform": yields[2], "outcome": outcome, "unit": units[unit],
        }  # fmt: skip
        existing = CooperationProject.objects.filter(
            institution=institution, title=title
        ).first()
        _save(
            counts, "产学研项目", existing, services.project_create,
            services.project_update, values,
        )  # fmt: skip


# ---------------------------------------------------------------- finance


def _finance(
    units: dict[str, Unit], pick: Picker, events: dict[str, Event], counts: Counter[str]
) -> None:
    chuying = pick.holding(QualificationKind.CHUYING, D(2019, 7, 5))
    park = pick.in_area("bdkfq", 10)
    specs = [
        (firm, "银行贷款", bank, amount, day, True)
        for firm, bank, amount, day in zip(
            chuying,
            ("中国银行宝坻支行", "农业银行宝坻支行"),
            ("300", "150"),
            (D(2019, 7, 5), D(2019, 8, 16)),
            strict=False,
        )
    ]
    specs += [
        (park[4], "银行贷款", "农业银行宝坻支行", "500", D(2019, 7, 12), True),
        (park[5], "创业投资", "津宝创业投资有限公司", "150", D(2019, 6, 3), False),
        (park[8], "股权融资", "天津科技融资控股集团", "800", D(2019, 9, 2), False),
        (park[9], "融资担保", "天津科技融资控股集团", "200", D(2019, 8, 30), True),
    ]
    for firm, kind, provider, amount, day, matched in specs:
        values = {
            "enterprise": firm, "kind": kind, "provider": provider,
            "amount": Decimal(amount).quantize(Decimal("0.000001")), "on": day,
            "event": events["银企对接会"] if matched else None, "unit": units["jrj"],
        }  # fmt: skip
        existing = FinanceRecord.objects.filter(
            enterprise=firm, kind=kind, provider=provider, on=day
        ).first()
        _save(
            counts, "金融记录", existing, services.finance_record_create,
            services.finance_record_update, values,
        )  # fmt: skip


# ---------------------------------------------------------------- trademarks


def _trademarks(units: dict[str, Unit], pick: Picker, counts: Counter[str]) -> None:
    firms = pick.in_area("bdkfq", 8) + pick.in_area("zgc", 4)
    classes = (7, 9, 42, 1, 11, 29, 31, 35, 9, 7, 42, 17)
    marks = ("睿泽", "德鼎", "宝通", "津科", "华宇", "瑞霖", "嘉航", "智联", "博远",
             "鑫源", "恒泰", "中科宝")  # fmt: skip
    for index, firm in enumerate(firms):
        year = 2016 + index % 4
        famous = index in (0, 5)
        values = {
            "enterprise": firm, "number": f"{21300000 + index * 7919}",
            "name": marks[index],
            "nice_class": classes[index], "registered_on": D(year, 3 + index % 9, 12),
            "well_known": famous, "well_known_on": D(2018, 12, 20) if famous else None,
            "unit": units["scjgj"],
        }  # fmt: skip
        existing = Trademark.objects.filter(number=values["number"]).first()
        _save(
            counts, "商标", existing, services.trademark_create,
            services.trademark_update, values,
        )  # fmt: skip


# ---------------------------------------------------------------- service log


def _service_log(units: dict[str, Unit], pick: Picker, counts: Counter[str]) -> None:
    park, zgc, town = (
        pick.in_area("bdkfq", 6),
        pick.in_area("zgc", 3),
        pick.in_area("dakoutun", 3),
    )
    specs = [
        (park[0], "gxj", "李明", "走访", D(2019, 8, 20), "新厂房用电增容审批进度慢",
         "协调供电部门两周内答复", D(2019, 9, 5), None, ""),
        (park[0], "hq", "张伟", "走访", D(2019, 9, 3), "想了解高企认定材料准备要点",
         "安排专人上门辅导", D(2019, 9, 20), None, ""),
        (park[0], "jrj", "王芳", "电话", D(2019, 9, 10), "流动资金周转紧张，咨询贷款贴息",
         "推荐参加下期银企对接会", D(2019, 10, 15), None, ""),
        (park[1], "hq", "张伟", "服务", D(2019, 6, 12), "科技型中小企业入库填报问题",
         "现场指导填报", D(2019, 6, 20), D(2019, 6, 18), "已完成入库填报"),
        (park[2], "scjgj", "赵静", "走访", D(2019, 7, 30), "商标被抢注风险",
         "协助提出异议申请", D(2019, 8, 30), D(2019, 8, 26), "已提交异议申请"),
        (zgc[0], "zgc-gwh", "刘洋", "走访", D(2019, 8, 2), "研发人员子女入学",
         "协调教育部门", D(2019, 9, 1), None, ""),
        (zgc[1], "hzjlb", "陈刚", "电话", D(2019, 9, 16), "希望对接北京高校技术团队",
         "推荐清华大学相关团队", None, None, ""),
        (town[0], "dakoutun-gov", "周磊", "走访", D(2019, 9, 18), "厂区道路维修",
         "报镇政府研究", D(2019, 10, 18), None, ""),
        (town[1], "dakoutun-gov", "周磊", "走访", D(2019, 7, 8), "环评手续咨询",
         "协调区生态环境局", D(2019, 8, 8), None, ""),
    ]  # fmt: skip
    for firm, unit, person, kind, day, asked, promised, due, done, note in specs:
        values = {
            "enterprise": firm, "unit": units[unit], "person": person, "kind": kind,
            "on": day, "asked": asked, "promised": promised, "follow_up_due": due,
            "done_on": done, "done_note": note,
        }  # fmt: skip
        existing = ServiceEntry.objects.filter(
            enterprise=firm, unit=units[unit], on=day, kind=kind, person=person
        ).first()
        _save(
            counts, "走访服务记录", existing, services.service_entry_create,
            services.service_entry_update, values,
        )  # fmt: skip


def demo_load(as_of: dt.date) -> list[str]:
    """Write the partners demo rows (idempotent); return the summary lines."""
    pick = Picker(as_of)
    if len(pick.all) < 50:
        return ["合作服务：企业库中的演示企业不足，未载入合作服务演示数据。"]
    units, counts = _units(), Counter[str]()
    events = _events(units, pick, counts)
    _leads(units, pick, events, counts)
    _projects(units, pick, counts)
    _finance(units, pick, events, counts)
    _trademarks(units, pick, counts)
    _service_log(units, pick, counts)
    plan_items_load(units, counts)
    labels = ("活动", "招商线索", "产学研项目", "金融记录", "商标", "走访服务记录",
              *PLAN_LABELS)  # fmt: skip
    parts = [
        f"{label}新建 {counts[label + '新建']}、更新 {counts[label + '更新']}、"
        f"未变 {counts[label + '未变']}"
        for label in labels
    ]
    return ["合作服务演示数据：" + "；".join(parts)]
