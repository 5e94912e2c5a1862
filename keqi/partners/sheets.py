"""The exchange format of each partners list (one sheet each) and how a row is
applied. Rows are matched by a natural key; a match recorded by another unit is
an error naming that unit (only the recording unit changes an entry).

| list | sheet | key |
|---|---|---|
| 招商线索 | 招商线索 | 企业名称 (within the importing unit) |
| 活动 | 合作服务活动 | 活动名称 + 举办日期 (within the importing unit) |
| 合作院所 | 合作院所 | 名称 |
| 产学研 | 产学研合作项目 | 合作院所 + 项目名称 |
| 科技金融 | 科技金融 | 企业 + 类型 + 银行或投资机构 + 日期 |
| 商标 | 商标 | 注册号 |
| 走访服务 | 走访服务台账 | 企业 + 服务单位 + 日期 + 方式 + 服务人员 |
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.db.models import Prefetch, Q

from keqi.accounts.models import Area
from keqi.accounts.scopes import enterprise_q
from keqi.partners import services
from keqi.partners.excel import (
    Column,
    RowProblem,
    Sheet,
    choice,
    date,
    flag,
    integer,
    lookup,
    money,
    text,
)
from keqi.partners.leads import (
    LEAD_FIELDS,
    lead_advance,
    lead_create,
    lead_settle,
    lead_update,
)
from keqi.partners.models import (
    STAGE_DATES,
    STAGE_ORDER,
    CooperationProject,
    Event,
    EventKind,
    EventTopic,
    FinanceKind,
    FinanceRecord,
    Institution,
    InstitutionKind,
    Lead,
    LeadSource,
    LeadStage,
    ServiceEntry,
    ServiceKind,
    Trademark,
)
from keqi.partners.selectors import (
    enterprise_resolve,
    event_list_for,
    finance_list_for,
    institution_list,
    lead_list_for,
    project_list_for,
    service_list_for,
    service_visits_nearby,
    trademark_list_for,
)
from keqi.registry.models import Enterprise, TechField
from keqi.registry.workbook.cells import CellProblem

# ---------------------------------------------------------------- references


def _enterprise(text_: str, user: Any) -> Enterprise:
    return enterprise_resolve(user, text_)


def _enterprises(raw: Any, user: Any) -> list[Enterprise]:
    from keqi.partners.forms import split_names
    from keqi.registry.workbook.cells import as_text

    found, problems = [], []
    for name in split_names(as_text(raw)):
        try:
            found.append(enterprise_resolve(user, name))
        except ValueError as exc:
            problems.append(str(exc))
    if problems:
        raise CellProblem("；".join(problems))
    return found


def _institution(name: str, user: Any) -> Institution:
    found = Institution.objects.filter(Q(name=name) | Q(short_name=name)).first()
    if found is None:
        raise ValueError(f"合作院所“{name}”不在院所名单中，请先在“合作院所”中添加")
    return found


def _area(name: str, user: Any) -> Area:
    found = Area.objects.filter(Q(name=name) | Q(code=name)).first()
    if found is None:
        raise ValueError(f"没有名为“{name}”的街镇/园区")
    return found


def _event(topic: str) -> Callable[[str, Any], Event]:
    def find(name: str, user: Any) -> Event:
        found = list(Event.objects.filter(topic=topic, name=name)[:2])
        if len(found) != 1:
            why = "有多个同名活动" if found else "找不到该活动，请先登记活动"
            raise ValueError(f"活动“{name}”：{why}")
        return found[0]

    return find


def _uscc(row: Any) -> str:
    return str(row.enterprise.uscc)


def _name(row: Any) -> str:
    return str(row.enterprise.name)


def _unit(row: Any) -> str:
    return str(row.unit) if row.unit_id else "系统预置"


def _many(attr: str) -> Callable[[Any], str]:
    return lambda row: "\n".join(e.uscc for e in getattr(row, attr).all())


def _ref(attr: str) -> Callable[[Any], Any]:
    return lambda row: str(getattr(row, attr)) if getattr(row, attr) else None


def _event_name(row: Any) -> str | None:
    return row.event.name if row.event_id else None


def _visible(user: Any) -> Any:
    return Enterprise.objects.filter(enterprise_q(user)).order_by("uscc")


ENTERPRISE = Column("统一社会信用代码", "enterprise", lookup(_enterprise), True, _uscc)
ENTERPRISE_NAME = Column(
    "企业名称", "enterprise_name", text(200), export=_name, imported=False
)
UNIT = Column("登记单位", "unit_name", text(80), export=_unit, imported=False)
NOTE = Column("说明", "note", text(500))


def _upsert(
    existing: Any,
    values: dict[str, Any],
    user: Any,
    create: Callable[..., Any],
    update: Callable[..., Any],
) -> str:
    """Create, or update the matched row if the user's unit recorded it."""
    if existing is None:
        create(values=values, actor=user)
        return "created"
    if existing.unit_id != getattr(user, "unit_id", None):
        raise RowProblem(f"该记录已由{_unit(existing)}登记，只能由其修改")
    return str(update(row=existing, values=values, actor=user).outcome)


# ---------------------------------------------------------------- institutions


def _institution_apply(values: dict[str, Any], user: Any) -> str:
    existing = Institution.objects.filter(name=values["name"]).first()
    if existing is not None and existing.unit_id is None:
        if user is not None and not user.is_hq:
            raise RowProblem("预置的合作院所只能由指挥部办公室修改", "名称")
        return services.institution_update(
            row=existing, values=values, actor=user
        ).outcome
    return _upsert(
        existing, values, user, services.institution_create, services.institution_update
    )


INSTITUTIONS = Sheet(
    "institutions",
    "合作院所",
    (
        Column("名称", "name", text(100), True),
        Column("简称", "short_name", text(40)),
        Column("类型", "kind", choice(InstitutionKind), True),
        Column("所在地", "region", text(60)),
        Column(
            "实施方案点名",
            "named",
            text(4),
            export=lambda r: r.named_in_plan,
            imported=False,
        ),
        NOTE,
    ),
    _institution_apply,
    lambda user: institution_list().order_by("name"),
)


# ---------------------------------------------------------------- events


def _event_apply(values: dict[str, Any], user: Any) -> str:
    unit_id = user.unit_id
    existing = Event.objects.filter(
        unit_id=unit_id, name=values["name"], held_on=values["held_on"]
    ).first()
    return _upsert(existing, values, user, services.event_create, services.event_update)


EVENTS = Sheet(
    "events",
    "合作服务活动",
    (
        Column("活动类别", "topic", choice(EventTopic), True),
        Column("形式", "kind", choice(EventKind), True),
        Column("活动名称", "name", text(200), True),
        Column("举办日期", "held_on", date, True, kind="date"),
        Column("地点", "place", text(200)),
        Column("参加机构/专家", "organisations", text(500)),
        Column("参加人次", "attendance", integer),
        Column("参加企业", "participants", _enterprises, export=_many("participants")),
        UNIT,
        NOTE,
    ),
    _event_apply,
    lambda user: (
        event_list_for(user)
        .prefetch_related(Prefetch("participants", queryset=_visible(user)))
        .order_by("held_on", "name")
    ),
)


# ---------------------------------------------------------------- projects


def _project_apply(values: dict[str, Any], user: Any) -> str:
    existing = CooperationProject.objects.filter(
        institution=values["institution"], title=values["title"]
    ).first()
    return _upsert(
        existing, values, user, services.project_create, services.project_update
    )


PROJECTS = Sheet(
    "projects",
    "产学研合作项目",
    (
        Column("项目名称", "title", text(200), True),
        Column(
            "合作院所", "institution", lookup(_institution), True, _ref("institution")
        ),
        Column("合作企业", "enterprises", _enterprises, True, _many("enterprises")),
        Column("开始日期", "started_on", date, True, kind="date"),
        Column("结束日期", "ended_on", date, kind="date"),
        Column("合同金额（万元）", "amount", money),
        Column("产出知识产权", "yields_ip", flag),
        Column("产出新产品", "yields_product", flag),
        Column("共建平台", "yields_platform", flag),
        Column("成果说明", "outcome", text(500)),
        UNIT,
        NOTE,
    ),
    _project_apply,
    lambda user: (
        project_list_for(user)
        .prefetch_related(Prefetch("enterprises", queryset=_visible(user)))
        .order_by("started_on", "title")
    ),
)


# ---------------------------------------------------------------- finance


def _finance_apply(values: dict[str, Any], user: Any) -> str:
    existing = FinanceRecord.objects.filter(
        enterprise=values["enterprise"],
        kind=values["kind"],
        provider=values["provider"],
        on=values["on"],
    ).first()
    return _upsert(
        existing,
        values,
        user,
        services.finance_record_create,
        services.finance_record_update,
    )


FINANCE = Sheet(
    "finance",
    "科技金融",
    (
        ENTERPRISE,
        ENTERPRISE_NAME,
        Column("类型", "kind", choice(FinanceKind), True),
        Column("银行或投资机构", "provider", text(200), True),
        Column("金额（万元）", "amount", money, True),
        Column("放款/到账日期", "on", date, True, kind="date"),
        Column(
            "对接活动", "event", lookup(_event(EventTopic.FINANCE)), export=_event_name
        ),
        UNIT,
        NOTE,
    ),
    _finance_apply,
    lambda user: finance_list_for(user).order_by("on", "enterprise__uscc", "id"),
    notes=(
        "“创业投资”为单一投资方的单笔投资，评价引擎据此判断雏鹰（2021）的单笔创业投资条件。",
    ),
)


# ---------------------------------------------------------------- trademarks


def _trademark_apply(values: dict[str, Any], user: Any) -> str:
    existing = Trademark.objects.filter(number=values["number"]).first()
    return _upsert(
        existing, values, user, services.trademark_create, services.trademark_update
    )


TRADEMARKS = Sheet(
    "trademarks",
    "商标",
    (
        ENTERPRISE,
        ENTERPRISE_NAME,
        Column("注册号", "number", text(40), True),
        Column("商标名称", "name", text(100)),
        Column("类别（尼斯分类）", "nice_class", integer, True),
        Column("注册日期", "registered_on", date, True, kind="date"),
        Column("驰名商标", "well_known", flag),
        Column("驰名商标认定日期", "well_known_on", date, kind="date"),
        UNIT,
        NOTE,
    ),
    _trademark_apply,
    lambda user: trademark_list_for(user).order_by("registered_on", "number"),
)


# ---------------------------------------------------------------- service log


def _service_apply(values: dict[str, Any], user: Any) -> str:
    existing = ServiceEntry.objects.filter(
        enterprise=values["enterprise"],
        unit_id=user.unit_id,
        on=values["on"],
        kind=values["kind"],
        person=values["person"],
    ).first()
    return _upsert(
        existing,
        values,
        user,
        services.service_entry_create,
        services.service_entry_update,
    )


def _service_warn(values: dict[str, Any], user: Any) -> list[str]:
    """避免重复走访: other units' visits to the enterprise near the row's day."""
    enterprise, on = values.get("enterprise"), values.get("on")
    if enterprise is None or on is None:
        return []
    nearby = service_visits_nearby(
        enterprise=enterprise,
        unit_id=getattr(user, "unit_id", None),
        on=on,
        kind=values.get("kind", ""),
    )
    return [
        f"避免重复走访：{v.unit}已于{v.on:%Y-%m-%d}{v.get_kind_display()}该企业"
        f"（{v.person}），前后{settings.KEQI_SERVICE_REVISIT_DAYS}天内"
        for v in nearby
    ]


SERVICES = Sheet(
    "services",
    "走访服务台账",
    (
        ENTERPRISE,
        ENTERPRISE_NAME,
        Column("方式", "kind", choice(ServiceKind), True),
        Column("日期", "on", date, True, kind="date"),
        Column("服务人员", "person", text(60), True),
        Column("企业诉求", "asked", text(1000), True),
        Column("答复或承诺事项", "promised", text(1000)),
        Column("跟进期限", "follow_up_due", date, kind="date"),
        Column("办结日期", "done_on", date, kind="date"),
        Column("办结情况", "done_note", text(500)),
        Column("服务单位", "unit_name", text(80), export=_unit, imported=False),
    ),
    _service_apply,
    lambda user: service_list_for(user).order_by("on", "enterprise__uscc", "id"),
    notes=(
        "前后若干天内（默认30天）其他单位走访过同一企业的行，上传后先列出提醒"
        "（哪个单位、哪天走访），确认后才导入。",
    ),
    warn=_service_warn,
)


# ---------------------------------------------------------------- leads


def _lead_stages(lead: Lead, values: dict[str, Any], user: Any) -> None:
    """Advance to the row's stage (never back), then correct reached days."""
    target = values.get("stage") or lead.stage
    for stage in STAGE_ORDER[lead.stage_index + 1 : STAGE_ORDER.index(target) + 1]:
        day = values.get(STAGE_DATES[stage])
        if stage == LeadStage.REGISTERED:
            _lead_settle(lead, values, user)
        elif day is not None or stage == target:
            if day is None:
                raise RowProblem(f"阶段为“{stage}”时须填写日期", "阶段")
            lead = lead_advance(lead=lead, stage=stage, on=day, actor=user)


def _lead_settle(lead: Lead, values: dict[str, Any], user: Any) -> None:
    if not values.get("uscc") or values.get("registered_on") is None:
        message = "已落地的线索须填写统一社会信用代码和落地注册日期"
        raise RowProblem(message, "统一社会信用代码")
    lead_settle(
        lead=lead,
        on=values["registered_on"],
        uscc=values["uscc"],
        area=values.get("area"),
        actor=user,
    )


def _lead_apply(values: dict[str, Any], user: Any) -> str:
    unit_id = user.unit_id
    existing = Lead.objects.filter(unit_id=unit_id, company=values["company"]).first()
    details = {k: v for k, v in values.items() if k in LEAD_FIELDS}
    reached = [
        STAGE_DATES[s] for s in STAGE_ORDER[: (existing or Lead()).stage_index + 1]
    ]
    now = {
        k: v
        for k, v in details.items()
        if k not in STAGE_DATES.values() or k in reached
    }
    target = values.get("stage")
    if existing and target and STAGE_ORDER.index(target) < existing.stage_index:
        raise RowProblem(f"阶段不能倒退（系统中已是“{existing.stage}”）", "阶段")
    if existing is None:
        lead = lead_create(values=now, actor=user)
        outcome = "created"
    else:
        lead = existing
        outcome = lead_update(row=existing, values=now, actor=user).outcome
    before = lead.stage
    _lead_stages(lead, values, user)
    lead.refresh_from_db()
    return "updated" if outcome == "unchanged" and lead.stage != before else outcome


def _settled_uscc(row: Lead) -> str | None:
    return row.enterprise.uscc if row.enterprise else None


LEADS = Sheet(
    "leads",
    "招商线索",
    (
        Column("企业名称", "company", text(200), True),
        Column("来源", "source", choice(LeadSource), True),
        Column("来源说明", "source_detail", text(200)),
        Column(
            "招商活动",
            "event",
            lookup(_event(EventTopic.PROMOTION)),
            export=_event_name,
        ),
        Column("拟落地街镇/园区", "area", lookup(_area), export=_ref("area")),
        Column("技术领域", "tech_field", choice(TechField)),
        Column("联系人及电话", "contact", text(100)),
        Column("阶段", "stage", choice(LeadStage)),
        Column("接洽日期", "contacted_on", date, True, kind="date"),
        Column("考察日期", "visited_on", date, kind="date"),
        Column("签约日期", "signed_on", date, kind="date"),
        Column("落地注册日期", "registered_on", date, kind="date"),
        Column("统一社会信用代码", "uscc", text(18), export=_settled_uscc),
        Column("责任单位", "unit_name", text(80), export=_unit, imported=False),
        NOTE,
    ),
    _lead_apply,
    lambda user: lead_list_for(user).order_by("contacted_on", "company"),
    notes=(
        "阶段只能向前推进；填“已落地”时须同时填写落地注册日期和统一社会信用代码，"
        "企业库中没有该企业时按“拟落地街镇/园区”新建。",
    ),
)

SHEETS: dict[str, Sheet] = {
    s.slug: s
    for s in (LEADS, EVENTS, INSTITUTIONS, PROJECTS, FINANCE, TRADEMARKS, SERVICES)
}
