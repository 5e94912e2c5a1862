"""JSON shapes of monthly reports: what a client sends and what it gets back."""

from __future__ import annotations

import datetime as dt
from typing import Any

from rest_framework import serializers
from rest_framework.exceptions import ValidationError

from keqi.campaign.board import submitted_on
from keqi.campaign.models import (
    MonthClose,
    ProgressKind,
    ProgressReport,
    ReportLine,
    ReportStatus,
)
from keqi.campaign.progress import report_due, report_late
from keqi.campaign.selectors import number_text
from keqi.core.dates import business_today

MONTH_HELP = "所属月份 YYYY-MM，如 2019-08"


def month_of(text: str, field: str) -> dt.date:
    """'2019-08' → 1 August 2019, else a 400 on `field`."""
    try:
        return dt.date.fromisoformat(f"{text.strip()}-01")
    except ValueError:
        raise ValidationError(
            {field: [f"月份格式应为 YYYY-MM（实际为 {text}）"]}
        ) from None


class ReportOpenSerializer(serializers.Serializer[Any]):
    plan = serializers.CharField(
        required=False, max_length=60, help_text="方案代码，默认最近载入的方案"
    )
    month = serializers.RegexField(r"^\d{4}-\d{2}$", help_text=MONTH_HELP)
    unit = serializers.CharField(
        required=False, max_length=40, help_text="单位代码（仅指挥部可为其他单位打开）"
    )


class LineInSerializer(serializers.Serializer[Any]):
    id = serializers.IntegerField(min_value=1, max_value=2**62, help_text="条目编号")
    value = serializers.DecimalField(
        max_digits=20,
        decimal_places=4,
        min_value=0,
        allow_null=True,
        required=False,
        help_text="累计完成（单位填报的目标）；系统统计的目标忽略此值",
    )
    progress = serializers.ChoiceField(
        choices=["", *ProgressKind.values], required=False, help_text="进度"
    )
    note = serializers.CharField(
        allow_blank=True, max_length=5000, required=False, help_text="情况说明"
    )


def _text(label: str, limit: int) -> serializers.CharField:
    return serializers.CharField(
        allow_blank=True, max_length=limit, required=False, help_text=label
    )


class ReportSaveSerializer(serializers.Serializer[Any]):
    responsible_person = _text("责任人", 40)
    narrative = _text("工作进展", 20000)
    problems = _text("存在问题", 20000)
    next_steps = _text("下步打算", 20000)
    no_progress = serializers.BooleanField(
        required=False, help_text="本月无进展（为 true 时各条目可不填，须写无进展原因）"
    )
    no_progress_reason = _text("无进展原因（本月无进展时必填）", 5000)
    reason = _text("更正原因（关账后更正必填）", 500)
    lines = LineInSerializer(many=True, required=False, help_text="要修改的条目")


class ReportReturnSerializer(serializers.Serializer[Any]):
    reason = serializers.CharField(max_length=500, help_text="退回原因")


class LineSerializer(serializers.Serializer[Any]):
    id = serializers.IntegerField()
    kind = serializers.ChoiceField(
        choices=["target", "measure", "decision"], help_text="目标、措施或议定事项"
    )
    subject = serializers.CharField(help_text="目标代码、措施序号或议定事项编号")
    label = serializers.CharField()  # type: ignore[assignment]
    source = serializers.CharField(  # type: ignore[assignment]
        allow_null=True, help_text="目标：auto 系统统计 / reported 单位填报"
    )
    prefilled = serializers.CharField(allow_null=True, help_text="系统预填")
    value = serializers.CharField(allow_null=True, help_text="累计完成")
    progress = serializers.CharField(help_text="进度代码；空为未填")
    progress_label = serializers.CharField()
    note = serializers.CharField()


class UnitRefSerializer(serializers.Serializer[Any]):
    code = serializers.CharField()
    name = serializers.CharField()


class ReportSerializer(serializers.Serializer[Any]):
    id = serializers.IntegerField()
    plan = serializers.CharField()
    unit = UnitRefSerializer()
    month = serializers.CharField(help_text="YYYY-MM")
    status = serializers.ChoiceField(choices=ReportStatus.values)
    status_label = serializers.CharField()
    responsible_person = serializers.CharField()
    narrative = serializers.CharField()
    problems = serializers.CharField()
    next_steps = serializers.CharField()
    no_progress = serializers.BooleanField(help_text="本月无进展")
    no_progress_reason = serializers.CharField(help_text="无进展原因")
    first_submitted_at = serializers.DateTimeField(allow_null=True)
    submitted_at = serializers.DateTimeField(allow_null=True)
    return_reason = serializers.CharField()
    returned_count = serializers.IntegerField()
    corrected_after_close = serializers.BooleanField(help_text="关账后更正过")
    due_on = serializers.DateField(help_text="报送截止日（含）")
    late = serializers.CharField(allow_null=True, help_text="迟报或逾期未报的说明")
    month_closed = serializers.BooleanField(help_text="该月已关账（更正须填原因）")
    editable = serializers.BooleanField(help_text="本账号现在可以修改")
    lines = LineSerializer(many=True, required=False, help_text="条目（列表中不含）")


def _line(line: ReportLine) -> dict[str, Any]:
    if line.target is not None:
        kind, subject, source = "target", line.target.key, line.target.source
    elif line.measure is not None:
        kind, subject, source = "measure", str(line.measure.number), None
    else:
        kind, subject, source = "decision", str(line.decision_id), None
    return {
        "id": line.pk,
        "kind": kind,
        "subject": subject,
        "label": str(line.target or line.measure or line.decision),
        "source": source,
        "prefilled": number_text(line.prefilled)
        if line.prefilled is not None
        else None,
        "value": number_text(line.value) if line.value is not None else None,
        "progress": line.progress,
        "progress_label": line.get_progress_display() if line.progress else "",
        "note": line.note,
    }


def editable(report: ProgressReport, user: Any) -> bool:
    """Whether the user may change the report now (as the web page decides)."""
    if user.is_hq:
        return True
    own = user.unit_id == report.unit_id and user.role in ("member", "area_staff")
    return own and report.status != ReportStatus.SUBMITTED


def report_dict(
    report: ProgressReport, user: Any, *, lines: bool = True
) -> dict[str, Any]:
    """A report as the API shows it, with due day, lateness and (detail) lines."""
    due = report_due(report.month, report.plan.report_day)
    closed = MonthClose.objects.filter(plan=report.plan, month=report.month).exists()
    body: dict[str, Any] = {
        "id": report.pk,
        "plan": report.plan.name,
        "unit": {"code": report.unit.code, "name": str(report.unit)},
        "month": f"{report.month:%Y-%m}",
        "status": report.status,
        "status_label": report.get_status_display(),
        **{f: getattr(report, f) for f in _TEXT},
        "no_progress": report.no_progress,
        "no_progress_reason": report.no_progress_reason,
        "first_submitted_at": report.first_submitted_at,
        "submitted_at": report.submitted_at,
        "return_reason": report.return_reason,
        "returned_count": report.returned_count,
        "corrected_after_close": report.corrected_after_close,
        "due_on": due,
        "late": report_late(
            submitted_on=submitted_on(report), due=due, as_of=business_today()
        ),
        "month_closed": closed,
        "editable": editable(report, user),
    }
    if lines:
        rows = report.lines.select_related("target", "measure", "decision").order_by(
            "measure__number", "target__sort", "decision_id", "id"
        )
        body["lines"] = [_line(line) for line in rows]
    return body


_TEXT = ("responsible_person", "narrative", "problems", "next_steps")
