"""The monthly summary (月度汇总上报): the content, shared by the Word and PDF files.

Everything in the documents comes from here, so the two files always agree and a
test can check the content without opening either.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from keqi.campaign.board import Board, board_build, late_reports
from keqi.campaign.models import Plan, ProgressReport, ReportLine, ReportStatus
from keqi.campaign.progress import RULE_TEXT, Light, fraction_text, month_start
from keqi.campaign.selectors import number_text

TARGET_HEADERS = [
    "序号",
    "攻坚目标",
    "目标值",
    "截止日期",
    "累计完成",
    "序时进度",
    "完成率",
    "状态",
    "数据来源",
]


@dataclass
class MeasureSection:
    title: str
    units: str
    light: str
    reasons: str
    narratives: list[tuple[str, str]]


@dataclass
class Summary:
    """What the office sends upward for one month."""

    plan: Plan
    month: dt.date
    as_of: dt.date
    board: Board
    target_rows: list[list[str]]
    measures: list[MeasureSection]
    progress: list[tuple[str, str]]
    problems: list[tuple[str, str]]
    next_steps: list[tuple[str, str]]
    late: list[str]
    overview: str
    rule: str

    @property
    def title(self) -> str:
        return f"{self.plan.title}进展情况汇总（{self.month:%Y年%m月}）"


def _target_row(n: int, status) -> list[str]:  # type: ignore[no-untyped-def]
    t = status.target
    actual = "" if status.actual is None else number_text(status.actual)
    source = "系统统计" if status.metric else status.actual_source
    return [
        str(n),
        t.name,
        f"{number_text(t.value)}{t.unit_label}",
        f"{t.deadline:%Y-%m-%d}",
        actual or "无数据",
        fraction_text(status.judgement.expected),
        status.percent or "—",
        status.light.label,
        source,
    ]


def summary_build(plan: Plan, month: dt.date, as_of: dt.date) -> Summary:
    """The summary of `month`, with figures as they stand on as_of."""
    month = month_start(month)
    board = board_build(plan, as_of)
    reports = list(
        ProgressReport.objects.filter(
            plan=plan, month=month, status=ReportStatus.SUBMITTED
        ).select_related("unit")
    )
    notes = _measure_notes(reports)
    measures = [
        MeasureSection(
            title=str(m.measure),
            units=m.measure.units_text or "、".join(str(u) for u in m.units),
            light=m.light.label,
            reasons="；".join(m.reasons),
            narratives=notes.get(m.measure.pk, []),
        )
        for m in board.measures
    ]
    return Summary(
        plan=plan,
        month=month,
        as_of=as_of,
        board=board,
        target_rows=[_target_row(i, s) for i, s in enumerate(board.targets, 1)],
        measures=measures,
        progress=[
            (str(r.unit), _progress_text(r)) for r in reports if _progress_text(r)
        ],
        problems=[(str(r.unit), r.problems) for r in reports if r.problems],
        next_steps=[(str(r.unit), r.next_steps) for r in reports if r.next_steps],
        late=[
            x.reason + f"：{x.unit}"
            for x in late_reports(plan, as_of, latest_only=True)
        ],
        overview=_overview(board, len(reports)),
        rule=RULE_TEXT.format(ratio=number_text(plan.yellow_ratio)),
    )


def _progress_text(report: ProgressReport) -> str:
    """A unit's 工作进展; a report of 本月无进展 says so with its reason."""
    if report.no_progress:
        return f"本月无进展（{report.no_progress_reason}）"
    return report.narrative


def _measure_notes(reports: list[ProgressReport]) -> dict[int, list[tuple[str, str]]]:
    """Each unit's own words on each measure (the report line's 情况说明)."""
    notes: dict[int, list[tuple[str, str]]] = {}
    lines = ReportLine.objects.filter(
        report__in=reports, measure__isnull=False
    ).select_related("report__unit")
    for line in lines.order_by("report__unit__sort", "id"):
        if line.note and line.measure_id is not None:
            notes.setdefault(line.measure_id, []).append(
                (str(line.report.unit), line.note)
            )
    return notes


def _overview(board: Board, reports: int) -> str:
    count = {light: 0 for light in Light}
    for status in board.targets:
        count[status.light] += 1
    return (
        f"截至{board.as_of:%Y年%m月%d日}，{len(board.targets)}项攻坚目标中绿灯"
        f"{count[Light.GREEN]}项、黄灯{count[Light.YELLOW]}项、红灯{count[Light.RED]}项、"
        f"无数据{count[Light.GREY]}项；本月收到成员单位月报{reports}份，"
        f"迟报或未报{len(board.late)}家。"
    )
