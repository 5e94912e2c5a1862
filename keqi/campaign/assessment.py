"""Supervision and assessment (督查考核): a transparent score per unit, and who is named.

Score = Σ 权重 × 得分率, weights from the plan file (organisation.assessment.weights):
    按时报送率 on_time   = 按期报送的到期月报数 ÷ 到期月报数（无到期月报时为 1）
    措施推进 schedule     = 本单位参与的措施中绿灯的条数 ÷ 措施条数（无措施时为 1）
    目标完成 results      = 本单位负责的各目标 min(实际 ÷ 序时进度, 1) 的平均值
                            （序时进度为 0 时计 1；无数据计 0；无目标时为 1）
    数据质量 data_quality = 已报送月报中从未被退回的份数 ÷ 已报送份数（未报送时为 0）
All ratios are exact fractions; the score is shown to two decimals (四舍五入).
Lights here are the items' own lights, before a late report paints them red, so a
late report is counted once (in on_time), not twice.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from fractions import Fraction

from keqi.accounts.models import Unit
from keqi.campaign.board import (
    Board,
    TargetStatus,
    board_build,
    due_months,
    late_reports,
    submitted_on,
)
from keqi.campaign.models import Plan, ProgressReport
from keqi.campaign.progress import Light, fraction_text, report_due

LABELS = {
    "on_time": "按时报送率",
    "schedule": "措施推进",
    "results": "目标完成",
    "data_quality": "数据质量",
}
FORMULA = (
    "得分 = 按时报送率 × {on_time} + 措施推进 × {schedule} + 目标完成 × {results}"
    " + 数据质量 × {data_quality}"
)


@dataclass
class Component:
    key: str
    weight: Decimal
    ratio: Fraction
    explain: str

    @property
    def label(self) -> str:
        return LABELS[self.key]

    @property
    def points(self) -> Fraction:
        return Fraction(self.weight) * self.ratio

    @property
    def points_text(self) -> str:
        """Points to two decimals (四舍五入), as the score is shown."""
        return _two_places(self.points)


@dataclass
class UnitAssessment:
    """One unit's score, its parts, and the named shortcomings with their facts."""

    unit: Unit
    components: list[Component]
    named: list[tuple[str, list[str]]] = field(default_factory=list)

    @property
    def score(self) -> Fraction:
        return sum((c.points for c in self.components), Fraction(0))

    @property
    def score_text(self) -> str:
        return _two_places(self.score)


def _two_places(value: Fraction) -> str:
    exact = Decimal(value.numerator) / Decimal(value.denominator)
    return str(exact.quantize(Decimal("0.01"), rounding=ROUND_HALF_UP))


def formula_text(plan: Plan) -> str:
    """The formula with this plan's weights filled in."""
    return FORMULA.format(**plan.weights)


def _ratio(part: int, whole: int, empty: Fraction) -> Fraction:
    return Fraction(part, whole) if whole else empty


def _on_time(
    plan: Plan, months: list[dt.date], reports: dict[dt.date, ProgressReport]
) -> Component:
    on_time = sum(
        1
        for m in months
        if (day := submitted_on(reports.get(m))) is not None
        and day <= report_due(m, plan.report_day)
    )
    explain = f"到期月报 {len(months)} 份，按期报送 {on_time} 份"
    return Component(
        "on_time",
        _w(plan, "on_time"),
        _ratio(on_time, len(months), Fraction(1)),
        explain,
    )


def _schedule(plan: Plan, unit: Unit, board: Board) -> Component:
    mine = [m for m in board.measures if unit in m.units]
    green = sum(1 for m in mine if m.light == Light.GREEN)
    explain = f"参与措施 {len(mine)} 条，绿灯 {green} 条"
    return Component(
        "schedule", _w(plan, "schedule"), _ratio(green, len(mine), Fraction(1)), explain
    )


def _target_ratio(status: TargetStatus) -> Fraction:
    if status.actual is None:
        return Fraction(0)
    if status.judgement.expected == 0:
        return Fraction(1)
    return min(Fraction(status.actual) / status.judgement.expected, Fraction(1))


def _results(plan: Plan, unit: Unit, board: Board) -> Component:
    mine = [t for t in board.targets if unit in t.units]
    ratios = [_target_ratio(t) for t in mine]
    ratio = sum(ratios, Fraction(0)) / len(ratios) if ratios else Fraction(1)
    parts = "、".join(
        f"{t.target.name} {fraction_text(r)}" for t, r in zip(mine, ratios, strict=True)
    )
    explain = f"负责目标 {len(mine)} 项" + (f"：{parts}" if parts else "")
    return Component("results", _w(plan, "results"), ratio, explain)


def _quality(plan: Plan, reports: dict[dt.date, ProgressReport]) -> Component:
    sent = [r for r in reports.values() if r.first_submitted_at is not None]
    clean = sum(1 for r in sent if r.returned_count == 0)
    explain = f"已报送 {len(sent)} 份，未被退回 {clean} 份"
    return Component(
        "data_quality",
        _w(plan, "data_quality"),
        _ratio(clean, len(sent), Fraction(0)),
        explain,
    )


def _w(plan: Plan, key: str) -> Decimal:
    return Decimal(str(plan.weights.get(key, "0")))


def assess(plan: Plan, as_of: dt.date) -> list[UnitAssessment]:
    """Every unit with work under the plan, scored on as_of, lowest score first."""
    board = board_build(plan, as_of)
    months = due_months(plan, as_of)
    all_reports = ProgressReport.objects.filter(plan=plan, month__in=months)
    by_unit: dict[int, dict[dt.date, ProgressReport]] = {}
    for report in all_reports:
        by_unit.setdefault(report.unit_id, {})[report.month] = report
    late = late_reports(plan, as_of, latest_only=False)
    result = []
    for unit in board.units:
        reports = by_unit.get(unit.pk, {})
        row = UnitAssessment(
            unit,
            [
                _on_time(plan, months, reports),
                _schedule(plan, unit, board),
                _results(plan, unit, board),
                _quality(plan, reports),
            ],
        )
        row.named = _named(
            plan,
            unit,
            board,
            reports,
            [x.reason for x in late if x.unit == unit],
            as_of,
        )
        result.append(row)
    return sorted(result, key=lambda r: (r.score, r.unit.sort))


def _facts(
    unit: Unit,
    board: Board,
    reports: dict[dt.date, ProgressReport],
    late: list[str],
    as_of: dt.date,
) -> dict[str, list[str]]:
    red = [
        f"{m.measure}：{'；'.join(m.reasons)}"
        for m in board.measures
        if unit in m.units and m.light == Light.RED
    ]
    red += [
        f"{t.target.name}：{t.judgement.reason}"
        for t in board.targets
        if unit in t.units and t.light == Light.RED
    ]
    return {
        "late_reports_at_least": late,
        "reports_without_person_at_least": [
            f"{r.month:%Y年%m月}月报未填写责任人"
            for r in reports.values()
            if r.first_submitted_at is not None and not r.responsible_person
        ],
        "red_items_at_least": red,
        "missed_targets_at_least": [
            f"{t.target.name}：截止 {t.target.deadline:%Y-%m-%d} 未完成"
            for t in board.targets
            if unit in t.units and as_of > t.target.deadline and t.light == Light.RED
        ],
        "overdue_decisions_at_least": [
            f"议定事项“{d.text}”{why}"
            for d, light, why in board.decisions
            if d.owner_id == unit.pk and light == Light.RED
        ],
    }


def _named(
    plan: Plan,
    unit: Unit,
    board: Board,
    reports: dict[dt.date, ProgressReport],
    late: list[str],
    as_of: dt.date,
) -> list[tuple[str, list[str]]]:
    """The plan's 点名 categories this unit falls under, each with its facts."""
    facts = _facts(unit, board, reports, late, as_of)
    named = []
    for label, rules in plan.naming.items():
        hits = [
            facts[rule] for rule, n in rules.items() if len(facts.get(rule, [])) >= n
        ]
        if hits:
            named.append((label, [fact for group in hits for fact in group]))
    return named


def escalations(plan: Plan, as_of: dt.date) -> list[tuple[str, str, str]]:
    """Overdue matters the office must take up (督办): (unit, matter, fact).

    Reports still missing after their due day, agreed items past due, and targets
    or measures past their deadline and not done."""
    board = board_build(plan, as_of)
    rows = [
        (str(x.unit), "月报", x.reason)
        for x in late_reports(plan, as_of, latest_only=False)
        if "未报" in x.reason
    ]
    rows += [
        (str(d.owner), f"议定事项：{d.text}", why)
        for d, light, why in board.decisions
        if light == Light.RED
    ]
    rows += [
        (
            str(t.units[0]) if t.units else "",
            f"目标：{t.target.name}",
            t.judgement.reason,
        )
        for t in board.targets
        if as_of > t.target.deadline and t.light == Light.RED
    ]
    rows += [
        (str(m.units[0]) if m.units else "", str(m.measure), "；".join(m.reasons))
        for m in board.measures
        if m.measure.deadline and as_of > m.measure.deadline and m.light == Light.RED
    ]
    return rows
