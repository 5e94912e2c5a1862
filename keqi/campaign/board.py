"""The command board (作战图): every target, measure, decision and unit with its light.

Computed live on a given day (`as_of`) from the registry and the submitted
monthly reports; nothing here is stored. A unit whose latest due monthly report
is late or missing has all its items shown red, with the reason.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal

from django.utils import timezone

from keqi.accounts.models import Unit
from keqi.campaign.metrics import METRICS, Metric
from keqi.campaign.models import (
    Decision,
    Measure,
    MeasureUnit,
    Plan,
    ProgressKind,
    ProgressReport,
    ReportLine,
    ReportStatus,
    Source,
    Target,
    TargetUnit,
)
from keqi.campaign.progress import (
    Judgement,
    Light,
    fraction_text,
    judge,
    month_index,
    month_start,
    next_month,
    report_due,
    report_late,
    worst,
)


@dataclass
class TargetStatus:
    """A target with its actual figure, 序时进度 and light."""

    target: Target
    units: list[Unit]
    actual: Decimal | None
    actual_source: str
    judgement: Judgement
    metric: Metric | None = None

    @property
    def light(self) -> Light:
        return self.judgement.light

    @property
    def expected_text(self) -> str:
        return fraction_text(self.judgement.expected)

    @property
    def percent(self) -> str:
        """Share of the full target achieved, to one decimal place."""
        if self.actual is None:
            return ""
        share = self.actual * 100 / self.target.value
        return f"{share.quantize(Decimal('0.1'))}%"


@dataclass
class MeasureStatus:
    """A measure with its light and the latest word from its lead unit."""

    measure: Measure
    units: list[Unit]
    light: Light
    reasons: list[str]
    targets: list[TargetStatus]
    latest: ReportLine | None
    decisive: str = ""  # the reason behind the worst light: the line a reader needs


@dataclass
class UnitItem:
    """One thing a unit answers for, with its light on the day."""

    kind: str
    label: str
    light: Light
    reasons: list[str]


@dataclass
class LateReport:
    unit: Unit
    month: dt.date
    due: dt.date
    reason: str


@dataclass
class Board:
    """Everything the office looks at on one day."""

    plan: Plan
    as_of: dt.date
    targets: list[TargetStatus]
    measures: list[MeasureStatus]
    decisions: list[tuple[Decision, Light, str]]
    units: list[Unit]
    items: dict[int, list[UnitItem]] = field(default_factory=dict)
    late: list[LateReport] = field(default_factory=list)

    def unit_light(self, unit: Unit) -> Light:
        return worst([i.light for i in self.items.get(unit.pk, [])])


def reporting_months(plan: Plan) -> list[dt.date]:
    """Months that need a report: the start month to the last deadline month."""
    deadlines = [t.deadline for t in plan.targets.all()] + [
        m.deadline for m in plan.measures.all() if m.deadline
    ]
    last = max(deadlines, default=plan.start_month)
    months, month = [], plan.start_month
    while month_index(month) <= month_index(last):
        months.append(month)
        month = next_month(month)
    return months


def reporting_month_error(plan: Plan, month: dt.date) -> str | None:
    """Why no report can be opened for that month (it is not one of the plan's
    reporting months), or None. The web page and the API refuse the same way."""
    months = reporting_months(plan)
    if month.replace(day=1) in months:
        return None
    span = f"{months[0]:%Y-%m} 至 {months[-1]:%Y-%m}" if months else "无"
    return f"该月份不需报送月报（报送月份：{span}）"


def due_months(plan: Plan, as_of: dt.date) -> list[dt.date]:
    """Reporting months whose due day has passed by as_of."""
    return [m for m in reporting_months(plan) if report_due(m, plan.report_day) < as_of]


def plan_units(plan: Plan) -> list[Unit]:
    """Every unit the plan or its meetings give work to, in the district's order."""
    ids = set(
        MeasureUnit.objects.filter(measure__plan=plan).values_list("unit", flat=True)
    )
    ids |= set(
        TargetUnit.objects.filter(target__plan=plan).values_list("unit", flat=True)
    )
    ids |= set(
        Decision.objects.filter(meeting__plan=plan).values_list("owner", flat=True)
    )
    return list(Unit.objects.filter(pk__in=ids).order_by("sort", "code"))


def submitted_on(report: ProgressReport | None) -> dt.date | None:
    """The local day a report was first submitted, if it was."""
    if report is None or report.first_submitted_at is None:
        return None
    return timezone.localdate(report.first_submitted_at)


def late_reports(plan: Plan, as_of: dt.date, *, latest_only: bool) -> list[LateReport]:
    """Late or missing reports by unit; only the last due month when latest_only."""
    months = due_months(plan, as_of)
    if latest_only:
        months = months[-1:]
    reports = {
        (r.unit_id, r.month): r
        for r in ProgressReport.objects.filter(plan=plan, month__in=months)
    }
    result = []
    for unit in plan_units(plan):
        for month in months:
            due = report_due(month, plan.report_day)
            report = reports.get((unit.pk, month))
            reason = report_late(
                submitted_on=submitted_on(report), due=due, as_of=as_of
            )
            if reason:
                result.append(
                    LateReport(unit, month, due, f"{month:%Y年%m月}月报{reason}")
                )
    return result


def _latest_lines(plan: Plan, as_of: dt.date) -> list[ReportLine]:
    """Lines of submitted reports up to as_of's month, newest month first."""
    return list(
        ReportLine.objects.filter(
            report__plan=plan,
            report__status=ReportStatus.SUBMITTED,
            report__month__lte=month_start(as_of),
        )
        .select_related("report__unit")
        .order_by("-report__month", "-report__id")
    )


def _target_status(
    plan: Plan,
    target: Target,
    units: list[Unit],
    lines: list[ReportLine],
    as_of: dt.date,
) -> TargetStatus:
    metric = METRICS.get(target.metric) if target.source == Source.AUTO else None
    if metric is not None:
        actual: Decimal | None = Decimal(
            metric.count(plan.year, as_of, plan.office_unit.district_id)
        )
        source = f"系统统计：{metric.rule}"
    else:
        actual, source = None, "尚无牵头单位报送的数据"
        lead = units[0].pk if units else None
        for line in lines:
            if (
                line.target_id == target.pk
                and line.report.unit_id == lead
                and (line.value is not None)
            ):
                actual = line.value
                source = f"{line.report.unit}{line.report.month:%Y年%m月}月报"
                break
    judgement = judge(
        value=target.value,
        actual=actual,
        start_month=plan.start_month,
        deadline=target.deadline,
        as_of=as_of,
        yellow_ratio=plan.yellow_ratio,
        milestone=target.milestone,
    )
    return TargetStatus(target, units, actual, source, judgement, metric)


def _progress_light(
    line: ReportLine | None, deadline: dt.date | None, as_of: dt.date
) -> tuple[Light, str]:
    """Light of an item judged by its reported progress and deadline."""
    done = line is not None and line.progress == ProgressKind.DONE
    if deadline is not None and as_of > deadline and not done:
        return Light.RED, f"已过时限 {deadline:%Y-%m-%d} 未报完成"
    if line is not None and line.report.no_progress and not line.progress:
        return Light.GREY, f"{line.report.unit}报：本月无进展"
    if line is None or not line.progress:
        return Light.GREY, "尚无进展报送"
    light = {
        ProgressKind.DONE: Light.GREEN,
        ProgressKind.ON_TRACK: Light.GREEN,
        ProgressKind.NOT_STARTED: Light.YELLOW,
        ProgressKind.BEHIND: Light.RED,
    }[ProgressKind(line.progress)]
    return light, f"{line.report.unit}报：{line.get_progress_display()}"


def _units_by(
    model: type[TargetUnit] | type[MeasureUnit], key: str, plan: Plan
) -> dict[int, list[Unit]]:
    found: dict[int, list[Unit]] = defaultdict(list)
    rows = model.objects.filter(**{f"{key}__plan": plan}).select_related("unit")
    for row in rows.order_by(key, "position"):
        found[getattr(row, f"{key}_id")].append(row.unit)
    return found


def _measure_status(
    measure: Measure,
    units: list[Unit],
    targets: list[TargetStatus],
    lines: list[ReportLine],
    as_of: dt.date,
) -> MeasureStatus:
    lead = units[0].pk if units else None
    latest = next(
        (
            li
            for li in lines
            if li.measure_id == measure.pk and li.report.unit_id == lead
        ),
        None,
    )
    lights, reasons = (
        [t.light for t in targets],
        [f"{t.target.name}：{t.light.label}（{t.judgement.reason}）" for t in targets],
    )
    if latest is not None or not targets:
        light, reason = _progress_light(latest, measure.deadline, as_of)
        lights.append(light)
        reasons.append(reason)
    overall = worst(lights)
    decisive = next(
        (r for li, r in zip(lights, reasons, strict=True) if li == overall), ""
    )
    return MeasureStatus(measure, units, overall, reasons, targets, latest, decisive)


def target_statuses(
    plan: Plan, as_of: dt.date, lines: list[ReportLine] | None = None
) -> list[TargetStatus]:
    """Every target with its figure, 序时进度 and light on as_of (the board's first
    table; the dashboard reads it without building the rest of the board)."""
    lines = _latest_lines(plan, as_of) if lines is None else lines
    t_units = _units_by(TargetUnit, "target", plan)
    return [
        _target_status(plan, t, t_units[t.pk], lines, as_of)
        for t in plan.targets.order_by("sort")
    ]


def board_build(plan: Plan, as_of: dt.date) -> Board:
    """The board on as_of: targets, measures, decisions and each unit's items."""
    lines = _latest_lines(plan, as_of)
    m_units = _units_by(MeasureUnit, "measure", plan)
    targets = target_statuses(plan, as_of, lines)
    by_target = {s.target.pk: s for s in targets}
    measures = [
        _measure_status(
            m,
            m_units[m.pk],
            [by_target[t.pk] for t in m.targets.order_by("sort")],
            lines,
            as_of,
        )
        for m in plan.measures.prefetch_related("targets").order_by("number")
    ]
    decisions = [_decision_light(d, as_of) for d in _decisions(plan)]
    board = Board(plan, as_of, targets, measures, decisions, plan_units(plan))
    board.late = late_reports(plan, as_of, latest_only=True)
    _fill_unit_items(board)
    return board


def _decisions(plan: Plan) -> list[Decision]:
    return list(
        Decision.objects.filter(meeting__plan=plan)
        .select_related("owner", "meeting")
        .order_by("due_on", "id")
    )


def _decision_light(decision: Decision, as_of: dt.date) -> tuple[Decision, Light, str]:
    if decision.status == "done":
        return decision, Light.GREEN, f"已于 {decision.done_on:%Y-%m-%d} 办结"
    if decision.is_overdue(as_of):
        return decision, Light.RED, f"超过办结时限 {decision.due_on:%Y-%m-%d} 未办结"
    return decision, Light.GREEN, f"办理中，时限 {decision.due_on:%Y-%m-%d}"


def _fill_unit_items(board: Board) -> None:
    items: dict[int, list[UnitItem]] = defaultdict(list)
    for m in board.measures:
        for unit in m.units:
            items[unit.pk].append(
                UnitItem("measure", f"措施{m.measure.number}", m.light, list(m.reasons))
            )
    for t in board.targets:
        for unit in t.units:
            items[unit.pk].append(
                UnitItem("target", t.target.name, t.light, [t.judgement.reason])
            )
    for decision, light, reason in board.decisions:
        label = f"议定事项：{decision.text[:30]}"
        items[decision.owner_id].append(UnitItem("decision", label, light, [reason]))
    for late in board.late:
        for item in items[late.unit.pk]:
            item.light = Light.RED
            item.reasons.insert(0, late.reason)
    board.items = dict(items)


@dataclass
class Reminder:
    """A unit that still owes the report now being collected."""

    unit: Unit
    month: dt.date
    due: dt.date
    text: str
    late: bool


def collecting_month(day: dt.date) -> dt.date:
    """The month whose report is being collected on `day`: the month before (each
    month's report is filed in the following month, by the plan's report day)."""
    return month_start(month_start(day) - dt.timedelta(days=1))


def current_reporting_month(plan: Plan, day: dt.date) -> dt.date | None:
    """The report a unit files now (the collecting month), kept inside the plan's
    reporting months: before the first, the first; after the last, the last."""
    months = reporting_months(plan)
    if not months:
        return None
    wanted = collecting_month(day)
    return max(min(wanted, months[-1]), months[0])


def report_reminders(plan: Plan, as_of: dt.date) -> list[Reminder]:
    """Who has not yet submitted last month's report: due soon, or already late."""
    collecting = collecting_month(as_of)
    if collecting not in reporting_months(plan):
        return []
    due = report_due(collecting, plan.report_day)
    sent = set(
        ProgressReport.objects.filter(
            plan=plan, month=collecting, first_submitted_at__isnull=False
        ).values_list("unit_id", flat=True)
    )
    reminders = []
    for unit in plan_units(plan):
        if unit.pk in sent:
            continue
        if as_of <= due:
            text = f"{collecting:%Y年%m月}月报于{due:%m月%d日}截止，还有{(due - as_of).days}天"
        else:
            text = f"{collecting:%Y年%m月}月报已逾期{(as_of - due).days}天未报"
        reminders.append(Reminder(unit, collecting, due, text, as_of > due))
    return reminders
