"""Demo data for `keqi demo`: the 2019 campaign's activities, contest and talent.

Written through the services as the system (actor None), after the enterprises are
loaded. Enterprises are picked from the registry by fixed rules (ordered by code),
so every run picks the same ones and a second run changes nothing:
- three 科技型中小企业 registration trainings (May, the development zone's in June,
  July — as the HQ's monthly reports tell), part of the attendees registered later
  in 2019, the others not (they fill the follow-up list);
- a 高企 policy training that does not count toward the three;
- the drone and graphene forums, two expert-workstation events, a 推介会;
- two 新型企业家培育 events (a three-day course, a salon) for 高企 founders;
- the third 创新创业大赛, launched on 25 September: its schedule of three rounds and
  the enterprise and team entries registered so far (results come in December);
- 区人社局's monthly trainee figures May–September, and 海河英才 introductions.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db.models import Exists, OuterRef, QuerySet

from keqi.accounts.models import Unit
from keqi.activities.models import (
    Activity,
    ActivityKind,
    ContestEntry,
    TalentCategory,
    TalentIntroduction,
)
from keqi.activities.services import (
    AttendanceValues,
    activity_create,
    activity_update,
    attendance_set,
    contest_entry_save,
    contest_round_set,
)
from keqi.activities.talent import talent_introduction_save, trainee_report_file
from keqi.registry.models import Enterprise, Qualification, QualificationKind

REASON = "演示数据（系统自带的示例，仅供演示）"
D = dt.date
TECH_SME = QualificationKind.TECH_SME
# (code, kind, title, day, organiser, extra fields)
EVENTS: tuple[tuple[str, str, str, dt.date, str, dict[str, Any]], ...] = (
    ("DEMO-PX-01", ActivityKind.TRAINING, "2019年第一期国家科技型中小企业入库申报培训",
     D(2019, 5, 9), "hq", {"tech_sme_training": True, "venue": "区科技局三楼会议室",
     "guests": "市科技局高新处、市科技型中小企业评价工作机构"}),
    ("DEMO-PX-02", ActivityKind.TRAINING, "开发区科技型中小企业入库申报专场培训",
     D(2019, 6, 13), "bdkfq-gwh", {"tech_sme_training": True,
     "venue": "宝坻经济开发区服务中心"}),
    ("DEMO-PX-03", ActivityKind.TRAINING, "2019年第二期国家科技型中小企业入库申报培训",
     D(2019, 7, 26), "hq", {"tech_sme_training": True, "venue": "区政务服务中心报告厅",
     "summary": "重点讲解研发费用归集和知识产权要求。"}),
    ("DEMO-PX-04", ActivityKind.TRAINING, "高新技术企业认定政策解读培训",
     D(2019, 6, 27), "hq", {"venue": "区科技局三楼会议室"}),
    ("DEMO-LT-01", ActivityKind.FORUM, "京津冀无人机产业创新发展论坛",
     D(2019, 6, 12), "hq", {"co_organisers": "京津中关村科技城管委会",
     "venue": "京津中关村科技城", "guests": "中国航空学会无人机专家、京津冀无人机企业代表"}),
    ("DEMO-LT-02", ActivityKind.FORUM, "石墨烯新材料产业技术论坛",
     D(2019, 9, 6), "gxj", {"co_organisers": "区科技局、宝坻经济开发区管委会",
     "venue": "宝坻经济开发区", "guests": "石墨烯产业技术创新战略联盟专家"}),
    ("DEMO-GZZ-01", ActivityKind.WORKSTATION, "院士专家工作站产学研对接会",
     D(2019, 4, 24), "kx", {"guests": "中国科学院电工研究所专家团队"}),
    ("DEMO-GZZ-02", ActivityKind.WORKSTATION, "院士专家“宝坻行”活动",
     D(2019, 8, 28), "kx", {"guests": "天津市科协院士专家服务团"}),
    ("DEMO-TJ-01", ActivityKind.OTHER, "京津冀三地科技成果转化推介会（宝坻分会场）",
     D(2019, 9, 19), "kx", {"co_organisers": "天津市科协"}),
    ("DEMO-QYJ-01", ActivityKind.ENTREPRENEUR,
     "新型企业家培育·科技型企业家创新能力提升研修班（第一期）", D(2019, 6, 20), "hq",
     {"ends_on": D(2019, 6, 22), "co_organisers": "区工商联",
      "venue": "京津中关村科技城企业服务中心",
      "guests": "高校管理学院教授、上市公司创始人（演示数据，虚构）",
      "summary": "三天集中研修：创新战略、股权激励与资本市场、数字化转型。"}),
    ("DEMO-QYJ-02", ActivityKind.ENTREPRENEUR, "新型企业家培育·企业家沙龙：从技术到市场",
     D(2019, 9, 17), "gxj", {"co_organisers": "区科技局",
     "venue": "宝坻经济开发区", "guests": "投资机构合伙人、专精特新企业负责人（演示数据，虚构）"}),
    ("DEMO-DS-03", ActivityKind.CONTEST, "宝坻区第三届创新创业大赛",
     D(2019, 9, 25), "hq", {"ends_on": D(2019, 12, 12), "edition": 3, "people_total": 260,
     "co_organisers": "区工信局", "venue": "区科技馆",
     "summary": "9月25日举行启动仪式并开始报名；初赛、复赛、决赛日期为赛程安排。"}),
)  # fmt: skip
# The contest was launched on 25 September; its rounds are the published schedule,
# so on the demo's 30 September it has entries but no results yet.
ROUNDS = (
    (1, "初赛", D(2019, 10, 24)),
    (2, "复赛", D(2019, 11, 21)),
    (3, "决赛", D(2019, 12, 12)),
)
TEAMS = {  # teams not yet registered as enterprises → their field
    "农业植保无人机项目团队": "现代农业",
    "石墨烯散热材料创客团队": "新能源新材料",
    "智能康养机器人团队": "人工智能",
}
# 区人社局's monthly figures since the plan began (May): people trained, cumulative
# from 1 January to the month's end. 3900 on 30 September is just under the 序时进度.
TRAINEES = {5: 600, 6: 1500, 7: 2300, 8: 3400, 9: 3900}


def _firms(qs: QuerySet[Enterprise], n: int) -> list[Enterprise]:
    return list(qs.select_related("area").order_by("uscc")[:n])


def _registered_after(day: dt.date, area: str = "") -> QuerySet[Enterprise]:
    """Enterprises that became 科技型中小企业 later in 2019 than `day`."""
    later = Qualification.objects.filter(
        enterprise=OuterRef("pk"), kind=TECH_SME, granted_on__gt=day,
        granted_on__year=2019,
    )  # fmt: skip
    qs = Enterprise.objects.filter(Exists(later))
    return qs.filter(area__code=area) if area else qs


def _never_registered(area: str = "") -> QuerySet[Enterprise]:
    qs = Enterprise.objects.exclude(qualifications__kind=TECH_SME)
    return qs.filter(area__code=area) if area else qs


def _event(
    code: str, kind: str, title: str, day: dt.date, org: str, extra: dict[str, Any]
) -> tuple[Activity, str]:
    values = {"kind": kind, "title": title, "held_on": day, **extra}
    values["organiser"] = Unit.objects.get(code=org)
    existing = Activity.objects.filter(code=code).first()
    if existing is None:
        return activity_create(
            values=values, actor=None, code=code, reason=REASON
        ), "created"
    changed = activity_update(
        activity=existing, values=values, actor=None, reason=REASON
    )
    return existing, "updated" if changed else "unchanged"


def _attend(activity: Activity, firms: list[Enterprise], absent: int = 0) -> int:
    """The last `absent` firms were invited but did not come; returns people."""
    people = 0
    for i, firm in enumerate(firms):
        came = i < len(firms) - absent
        n = firm.pk % 3 + 1 if came else 0
        attendance_set(
            activity=activity, enterprise=firm, actor=None,
            values=AttendanceValues(invited=True, attended=came, people=n),
        )  # fmt: skip
        people += n
    return people


def _attendees(code: str) -> list[Enterprise]:
    """Who is invited to each demo event (the absent ones last)."""
    if code == "DEMO-PX-01":  # “120余家企业参加” (the HQ's May report)
        later = _firms(_registered_after(D(2019, 5, 9)), 45)
        return later + _firms(_never_registered(), 78)
    if code == "DEMO-PX-02":
        park = _registered_after(D(2019, 6, 13), "bdkfq")
        return _firms(park, 6) + _firms(_never_registered("bdkfq").order_by("-uscc"), 6)
    if code == "DEMO-PX-03":  # “150余家企业参加” (the HQ's July report)
        later = _firms(_registered_after(D(2019, 7, 26)), 40)
        return later + _firms(_never_registered().order_by("-uscc"), 135)
    if code.startswith("DEMO-QYJ"):  # the founders of 高企 and their successors
        holders = Enterprise.objects.filter(
            qualifications__kind=QualificationKind.HIGH_TECH
        ).distinct()
        found = _firms(holders, 32)
        half = max(1, len(found) // 2)
        return found[:half] if code == "DEMO-QYJ-01" else found[half:] or found
    industry = {"DEMO-LT-01": "人工智能", "DEMO-LT-02": "新能源新材料"}.get(code)
    if industry:
        return _firms(Enterprise.objects.filter(key_industry=industry), 12)
    if code.startswith("DEMO-GZZ") or code == "DEMO-TJ-01":
        offset = {"DEMO-GZZ-01": 0, "DEMO-GZZ-02": 6, "DEMO-TJ-01": 12}[code]
        makers = _firms(Enterprise.objects.filter(key_industry="高端装备制造"), 18)
        return makers[offset : offset + 6]
    return _firms(Enterprise.objects.filter(key_industry="其他"), 10)  # 高企 training


def _contest(contest: Activity) -> None:
    for n, name, day in ROUNDS:
        contest_round_set(
            activity=contest, number=n, name=name, held_on=day, actor=None
        )
    firms = _firms(Enterprise.objects.exclude(key_industry="其他"), 40)[::3][:13]
    entrants: list[tuple[str, Enterprise | None, str]] = [
        (f"{f.name.split('有限公司')[0]}创新项目", f, "企业组") for f in firms
    ]
    entrants += [(t.replace("团队", ""), None, "团队组") for t in TEAMS]
    for i, (project, firm, group) in enumerate(entrants):
        values: dict[str, Any] = {
            "project": project,
            "enterprise": firm,
            "group": group,
        }
        team = "" if firm else list(TEAMS)[i - len(firms)]
        values |= {"team": team, "field": firm.key_industry if firm else TEAMS[team]}
        row = ContestEntry.objects.filter(activity=contest, project=project).first()
        contest_entry_save(activity=contest, values=values, actor=None, entry=row)


def _talent() -> None:
    rsj = Unit.objects.get(code="rsj")
    for month, cumulative in TRAINEES.items():
        trainee_report_file(
            unit=rsj, month=D(2019, month, 1), cumulative=cumulative, actor=None,
            note="区人社局培训学校及定点培训机构", reason=REASON,
        )  # fmt: skip
    rcb = Unit.objects.get(code="rcb")
    hiring = Enterprise.objects.filter(key_industry__in=["人工智能", "生物医药"])
    firms = _firms(hiring, 12)
    categories = list(TalentCategory.values)
    for i, firm in enumerate(firms):
        day = D(2019, 3 + i % 7, 5 + i)
        category = categories[i % len(categories)]
        row = TalentIntroduction.objects.filter(
            enterprise=firm, introduced_on=day, category=category
        ).first()
        values = {"enterprise": firm, "introduced_on": day, "category": category}
        values |= {"people": 1 + i % 4, "unit": rcb}
        talent_introduction_save(values=values, actor=None, row=row, reason=REASON)


def demo_load(as_of: dt.date) -> list[str]:
    """Write the demo activities and talent; returns the Chinese summary lines."""
    outcomes: dict[str, int] = {"created": 0, "updated": 0, "unchanged": 0}
    for code, kind, title, day, org, extra in EVENTS:
        if day > as_of:
            continue
        activity, outcome = _event(code, kind, title, day, org, extra)
        outcomes[outcome] += 1
        if kind == ActivityKind.CONTEST:
            _contest(activity)
            continue
        people = _attend(activity, _attendees(code), absent=3)
        if activity.people_total is None:
            total = {"people_total": people + 12}  # officials and speakers too
            activity_update(activity=activity, values=total, actor=None, reason=REASON)
    _talent()
    return [
        f"  活动：新建 {outcomes['created']}，更新 {outcomes['updated']}，"
        f"未变 {outcomes['unchanged']}（含3次科技型中小企业入库申报培训、"
        "无人机与石墨烯论坛、2次新型企业家培育、第三届创新创业大赛报名）；"
        f"区人社局技能人才培训月报 {len(TRAINEES)} 期；海河英才引进记录已载入"
    ]


def shifan_demo_load() -> None:
    """示范区's 新型企业家培育 course (the second district's demo)."""
    firms = _firms(Enterprise.objects.filter(area__district__code="shifan"), 8)
    activity, _ = _event(
        "DEMO-SF-QYJ-01", ActivityKind.ENTREPRENEUR,
        "示范区新型企业家培育·青年企业家创新训练营（虚构）", D(2019, 8, 23), "sf-hq",
        {"venue": "示范高新园创新创业中心（虚构）", "summary": "演示数据。"},
    )  # fmt: skip
    if activity.people_total is None:
        people = _attend(activity, firms, absent=1)
        activity_update(
            activity=activity, values={"people_total": people + 5}, actor=None,
            reason=REASON,
        )  # fmt: skip
