"""组织保障 lists as Excel: units' work plans and the 指挥部's members."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from keqi.campaign.models import HqMember, Plan, UnitWorkTask
from keqi.core.exports import ListExport


def work_tasks_export(
    plan: Plan, tasks: Iterable[UnitWorkTask], as_of: dt.date
) -> ListExport:
    """Units' work-plan tasks with person, time line and whether overdue."""

    def state(t: UnitWorkTask) -> str:
        text = t.get_status_display()
        return text + ("（逾期）" if t.is_overdue(as_of) else "")

    columns = (
        ("责任单位", lambda t: str(t.unit)),
        ("任务", lambda t: t.title),
        ("对应工作措施", lambda t: str(t.measure or "")),
        ("路线图（工作举措）", lambda t: t.route),
        ("责任人", lambda t: t.person),
        ("开始日期", lambda t: t.starts_on),
        ("完成时限", lambda t: t.due_on),
        ("状态", state),
        ("完成日期", lambda t: t.done_on),
        ("进展说明", lambda t: t.note),
    )
    return ListExport(
        title="单位工作方案",
        columns=columns,
        rows=tasks,
        filters=[("方案", str(plan))],
        as_of=as_of,
    )


def hq_members_export(plan: Plan, members: Iterable[HqMember]) -> ListExport:
    """The 指挥部's members."""
    columns = (
        ("指挥部职务", lambda m: m.get_role_display()),
        ("姓名", lambda m: m.name),
        ("所在单位", lambda m: str(m.unit)),
        ("职务", lambda m: m.post),
        ("联系电话", lambda m: m.phone),
        ("说明", lambda m: m.note),
    )
    return ListExport(
        title="指挥部成员", columns=columns, rows=members, filters=[("方案", str(plan))]
    )
