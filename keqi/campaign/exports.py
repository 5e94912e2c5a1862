"""The campaign's lists as Excel: the same rows and filters as the pages."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import Any

from keqi.campaign.metrics import Evidence, Metric
from keqi.campaign.models import Decision, Plan, ProgressReport, Target
from keqi.campaign.selectors import number_text
from keqi.core.exports import ListExport


def _num(value: Any) -> Any:
    return value if value is None else number_text(value)


def board_targets_export(plan: Plan, board: Any) -> ListExport:
    """The board's target table: value, actual, 序时进度, light and its reason."""
    columns = (
        ("目标", lambda t: t.target.name),
        ("目标值", lambda t: f"{_num(t.target.value)}{t.target.unit_label}"),
        ("截止日期", lambda t: t.target.deadline),
        ("累计完成", lambda t: t.actual),
        ("序时进度", lambda t: t.expected_text),
        ("完成率", lambda t: t.percent or ""),
        ("状态", lambda t: t.light.label),
        ("判定理由", lambda t: t.judgement.reason),
        ("数据来源", lambda t: t.actual_source),
        ("责任单位", lambda t: "、".join(str(u) for u in t.units)),
    )
    return ListExport(
        title=f"{plan.name}攻坚目标进度",
        columns=columns,
        rows=board.targets,
        filters=[("方案", str(plan))],
        as_of=board.as_of,
    )


def target_records_export(
    plan: Plan, target: Target, metric: Metric, rows: list[Evidence], as_of: dt.date
) -> ListExport:
    """The registry records behind one auto target."""
    columns = (
        ("企业", lambda r: r.enterprise_name),
        ("街镇/园区", lambda r: r.area_name),
        ("类型", lambda r: r.what),
        ("级别", lambda r: r.level),
        ("编号", lambda r: r.number),
        ("日期", lambda r: r.on),
    )
    return ListExport(
        title=f"{target.name}明细",
        columns=columns,
        rows=rows,
        filters=[("方案", str(plan)), ("统计口径", metric.rule)],
        as_of=as_of,
    )


def reports_export(plan: Plan, reports: Iterable[ProgressReport]) -> ListExport:
    """Monthly progress reports in the user's scope."""
    columns = (
        ("单位", lambda r: str(r.unit)),
        ("月份", lambda r: f"{r.month:%Y年%m月}"),
        ("状态", lambda r: r.get_status_display()),
        ("关账后更正", lambda r: bool(r.corrected_after_close)),
        ("首次报送", lambda r: _when(r.first_submitted_at)),
        ("责任人", lambda r: r.responsible_person),
        ("退回次数", lambda r: r.returned_count),
    )
    return ListExport(
        title=f"{plan.name}月度进展报告",
        columns=columns,
        rows=reports,
        filters=[("方案", str(plan))],
    )


def _when(value: dt.datetime | None) -> str:
    return f"{value:%Y-%m-%d %H:%M}" if value else ""


def decisions_export(
    plan: Plan, decisions: Iterable[Decision], as_of: dt.date
) -> ListExport:
    """Every agreed item (议定事项) with owner, due date and state."""

    def state(d: Decision) -> str:
        text = d.get_status_display()
        if d.status == "open" and d.due_on < as_of:
            text += "（逾期）"
        if d.done_on:
            text += f"（{d.done_on:%Y-%m-%d}）"
        return text

    columns = (
        ("会议", lambda d: str(d.meeting)),
        ("事项", lambda d: d.text),
        ("责任单位", lambda d: str(d.owner)),
        ("时限", lambda d: d.due_on),
        ("状态", state),
    )
    return ListExport(
        title=f"{plan.name}议定事项",
        columns=columns,
        rows=decisions,
        filters=[("方案", str(plan))],
        as_of=as_of,
    )


def assessment_export(plan: Plan, rows: list[Any], as_of: dt.date) -> ListExport:
    """Unit scores with each component's explanation."""
    labels = [f"{c.label}（{c.weight}）" for c in rows[0].components] if rows else []
    columns: list[tuple[str, Any]] = [
        ("单位", lambda r: str(r.unit)),
        ("得分", lambda r: r.score_text),
        ("通报事项", lambda r: "；".join(matter for matter, _ in r.named)),
    ]
    columns += [
        (label, lambda r, i=i: r.components[i].explain)
        for i, label in enumerate(labels)
    ]
    return ListExport(
        title=f"{plan.name}成员单位考核",
        columns=columns,
        rows=rows,
        filters=[("方案", str(plan))],
        as_of=as_of,
    )
