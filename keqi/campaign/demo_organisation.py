"""Demo rows of 组织保障 (`keqi demo`): the 指挥部's members, units' own work plans
and who attended each joint meeting — names and phones are invented.

The same people appear in the service log and the reports (张伟 of 区科技局,
李明 of 区工信局 …). Work-plan tasks follow the plan's measures with a named person
and a time line; by 30 September most are done or under way, two are overdue.
Rows are found by their natural key, so a second run changes nothing.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter

from keqi.accounts.models import Unit
from keqi.campaign.models import (
    HqMember,
    HqRole,
    Meeting,
    Plan,
    UnitWorkTask,
    WorkTaskStatus,
)
from keqi.campaign.organisation import (
    AttendanceLine,
    attendance_units,
    hq_member_save,
    meeting_attendance_save,
    work_task_create,
    work_task_update,
)

D = dt.date
DONE, DOING, NOT_STARTED = (
    WorkTaskStatus.DONE,
    WorkTaskStatus.DOING,
    WorkTaskStatus.NOT_STARTED,
)
NOTE = "演示数据（虚构）"
# (unit, measure, task, route, person, starts, due, status, done on, progress)
Task = tuple[str, int, str, str, str, dt.date, dt.date, str, dt.date | None, str]

# (unit, name, post, 指挥部职务)
BAODI_MEMBERS = (
    ("hq", "刘振华", "区政府副区长（虚构）", HqRole.COMMANDER),
    ("hq", "张明远", "区科技局局长", HqRole.DEPUTY),
    ("gxj", "周建军", "区工信局局长", HqRole.DEPUTY),
    ("hq", "张伟", "区科技局副局长", HqRole.OFFICE_HEAD),
    ("gxj", "李明", "区工信局副局长", HqRole.MEMBER),
    ("jrj", "王芳", "区金融局副局长", HqRole.MEMBER),
    ("czj", "赵磊", "区财政局副局长", HqRole.MEMBER),
    ("scjgj", "赵静", "区市场监管局副局长", HqRole.MEMBER),
    ("hzjlb", "陈刚", "区合作交流办副主任", HqRole.MEMBER),
    ("kx", "马林", "区科协副主席", HqRole.MEMBER),
    ("rcb", "何平", "区人才办副主任", HqRole.MEMBER),
    ("rsj", "宋洁", "区人社局副局长", HqRole.MEMBER),
    ("bdkfq-gwh", "郑凯", "宝坻经济开发区管委会副主任", HqRole.MEMBER),
    ("zgc-gwh", "刘洋", "京津中关村科技城管委会副主任", HqRole.MEMBER),
    ("hq", "孙悦", "区科技局高新科科长", HqRole.LIAISON),
)
SHIFAN_MEMBERS = (
    ("sf-hq", "钱进", "示范区科技局局长", HqRole.COMMANDER),
    ("sf-hq", "林晓", "示范区科技局副局长", HqRole.OFFICE_HEAD),
    ("sf-gxj", "高峰", "示范区工信局副局长", HqRole.MEMBER),
    ("sf-czj", "韩雪", "示范区财政局副局长", HqRole.MEMBER),
    ("sf-gxq-gwh", "罗毅", "示范高新园管委会副主任", HqRole.MEMBER),
)

# (unit, measure, task, route, person, starts, due, status, done on, progress)
BAODI_TASKS: tuple[Task, ...] = (
    ("hq", 2, "分三期组织科技型中小企业入库申报培训", "5月、7月各办一期全区培训，6月在开发区办专场",
     "孙悦", D(2019, 5, 1), D(2019, 7, 31), DONE, D(2019, 7, 26), "三期培训已办完"),
    ("hq", 3, "建立雏鹰、瞪羚、科技领军（培育）企业库", "按评价规则筛选入库，每季度更新",
     "张伟", D(2019, 5, 1), D(2019, 6, 30), DONE, D(2019, 6, 28), "三库已建立"),
    ("hq", 5, "建立技术领先型企业库并开展研发投入监测", "按年报研发费用建立监测台账，异常企业上门核实",
     "孙悦", D(2019, 6, 1), D(2019, 12, 31), DOING, None, "监测台账已建立，核实异常企业12家"),
    ("gxj", 13, "组织申报“专精特新”产品和市级企业技术中心", "梳理重点企业产品清单，分批组织申报",
     "李明", D(2019, 5, 10), D(2019, 11, 30), DOING, None, "已获认定6项"),
    ("gxj", 13, "推动100家企业完成创新转型", "上云、“互联网+”和技改项目逐家建档",
     "李明", D(2019, 5, 10), D(2019, 12, 31), DOING, None, "已完成28家"),
    ("jrj", 4, "组织银企对接会并推动股份制改造", "联合银行召开对接会，筛选股改后备企业",
     "王芳", D(2019, 5, 15), D(2019, 8, 31), DOING, None, "对接会已召开，股改进度滞后"),
    ("czj", 12, "争取上级转移支付资金", "对接市财政局、市科技局专项资金，及时登记到账",
     "赵磊", D(2019, 5, 1), D(2019, 12, 31), DOING, None, "已到账两笔"),
    ("scjgj", 8, "举办商标注册与驰名商标认定培训", "邀请代理机构专家授课，现场答疑",
     "赵静", D(2019, 6, 1), D(2019, 7, 31), DONE, D(2019, 7, 25), "培训已办，85人参加"),
    ("scjgj", 8, "推动企业参与标准制定", "摸排有意愿的企业，对接标准化技术委员会",
     "赵静", D(2019, 6, 1), D(2019, 9, 15), NOT_STARTED, None, "尚未启动，已列入下月计划"),
    ("hzjlb", 9, "驻外招商工作站与区内载体对接", "北京、深圳工作站分别对接科技城和开发区加速器",
     "陈刚", D(2019, 5, 1), D(2019, 8, 31), DONE, D(2019, 8, 20), "两站均已确定对接载体"),
    ("bdkfq-gwh", 2, "开发区科技型中小企业应评尽评", "逐家走访园区企业，指导填报",
     "郑凯", D(2019, 5, 20), D(2019, 9, 20), DOING, None, "已走访46家，完成入库19家"),
    ("zgc-gwh", 6, "推动清华信研学院项目落户", "签订合作协议，建设联合实验室",
     "刘洋", D(2019, 6, 1), D(2019, 9, 30), DONE, D(2019, 6, 20), "联合实验室已挂牌"),
    ("kx", 10, "组织院士专家“宝坻行”活动", "对接市科协院士专家服务团，安排企业行程",
     "马林", D(2019, 7, 1), D(2019, 8, 31), DONE, D(2019, 8, 28), "活动已举办"),
    ("rsj", 11, "全年培训职业技能人才8000人", "按月统计定点培训机构培训人数",
     "宋洁", D(2019, 5, 1), D(2019, 12, 31), DOING, None, "截至9月累计3900人"),
)  # fmt: skip
SHIFAN_TASKS: tuple[Task, ...] = (
    ("sf-hq", 1, "梳理高新技术企业后备库", "筛选后备企业，逐家辅导", "林晓",
     D(2019, 5, 15), D(2019, 7, 31), DONE, D(2019, 7, 20), "后备库已建立"),
    ("sf-hq", 2, "组织科技型中小企业评价入库培训", "每季度一期", "林晓",
     D(2019, 6, 1), D(2019, 12, 31), DOING, None, "已办两期"),
    ("sf-gxj", 3, "推动企业建设技术中心", "走访规上企业，指导申报", "高峰",
     D(2019, 6, 1), D(2019, 9, 15), NOT_STARTED, None, "尚未启动"),
)  # fmt: skip
# (meeting month, unit) → why the unit was absent; the others attended.
ABSENT = {
    (6, "kx"): "参加市科协院士专家服务团对接活动",
    (7, "scjgj"): "参加市市场监管委专项检查",
    (8, "rsj"): "参加市人社局技能培训工作会议",
    (8, "dakoutun-gov"): "镇防汛值班",
}


def _members(plan: Plan, specs: tuple[tuple[str, str, str, str], ...]) -> int:
    made = 0
    for code, name, post, role in specs:
        unit = Unit.objects.get(code=code)
        if HqMember.objects.filter(plan=plan, unit=unit, name=name).exists():
            continue
        values = {"unit": unit, "name": name, "post": post, "role": role, "note": NOTE}
        hq_member_save(plan=plan, values=values, actor=None)
        made += 1
    return made


def _tasks(plan: Plan, specs: tuple[Task, ...]) -> int:
    made = 0
    measures = {m.number: m for m in plan.measures.all()}
    for code, number, title, route, person, start, due, status, done, note in specs:
        unit = Unit.objects.get(code=code)
        values = {
            "measure": measures.get(number), "title": title, "route": route,
            "person": person, "starts_on": start, "due_on": due, "status": status,
            "done_on": done, "note": note,
        }  # fmt: skip
        task = UnitWorkTask.objects.filter(plan=plan, unit=unit, title=title).first()
        if task is None:
            work_task_create(plan=plan, values=values, actor=None, unit=unit)
            made += 1
        else:
            work_task_update(task=task, values=values, actor=None)
    return made


def _attendance(plan: Plan) -> int:
    """Each joint meeting held so far, unless its attendance is recorded."""
    names: dict[int, str] = {}  # who comes for a unit: its office head or member
    leads = (HqRole.COMMANDER, HqRole.DEPUTY, HqRole.LIAISON)
    for member in HqMember.objects.filter(plan=plan).order_by("id"):
        if member.role not in leads:
            names.setdefault(member.unit_id, member.name)
    units = attendance_units(plan)
    recorded = 0
    for meeting in Meeting.objects.filter(plan=plan).order_by("held_on"):
        if meeting.attendance.exists():
            continue
        lines = [
            AttendanceLine(
                unit=u,
                present=(meeting.held_on.month, u.code) not in ABSENT,
                attendee=names.get(u.pk, "分管负责同志"),
                absence_reason=ABSENT.get((meeting.held_on.month, u.code), ""),
            )
            for u in units
        ]
        meeting_attendance_save(meeting=meeting, lines=lines, actor=None)
        recorded += 1
    return recorded


def organisation_load(plan: Plan) -> list[str]:
    """Baodi's 指挥部, work plans and meeting attendance; the line to print."""
    done: Counter[str] = Counter()
    done["member"] = _members(plan, BAODI_MEMBERS)
    done["task"] = _tasks(plan, BAODI_TASKS)
    done["attendance"] = _attendance(plan)
    return [
        f"  组织保障：指挥部成员新建 {done['member']} 人，单位工作方案任务新建 "
        f"{done['task']} 项，登记联席会议出席情况 {done['attendance']} 次"
    ]


def shifan_organisation_load(plan: Plan) -> None:
    """示范区's 指挥部 and a few work-plan tasks."""
    _members(plan, SHIFAN_MEMBERS)
    _tasks(plan, SHIFAN_TASKS)
