"""Input shapes of campaign pages: report lines, dates and months, with Chinese errors."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal, InvalidOperation
from typing import Any

from django import forms
from django.core.exceptions import ValidationError

from keqi.accounts.models import Unit
from keqi.campaign.models import ProgressReport
from keqi.core.forms import SafeForm
from keqi.core.numbers import DATE_FIRST_YEAR, DATE_LAST_YEAR, parse_date


def parse_month(text: str | None, default: dt.date) -> dt.date:
    """'2019-06' → 1 June 2019; blank → default; anything else → ValidationError."""
    if not text:
        return default.replace(day=1)
    try:
        month = dt.date.fromisoformat(f"{text.strip()}-01")
    except ValueError as exc:
        raise ValidationError(
            f"月份应写作 2019-09 这样的格式（实际为 {text}）"
        ) from exc
    return _within_years(month, text)


def parse_day(text: str | None, default: dt.date) -> dt.date:
    """'2019-07-08' → that day; blank → default."""
    if not text:
        return default
    try:
        day = dt.date.fromisoformat(text.strip())
    except ValueError as exc:
        raise ValidationError(
            f"日期应写作 2019-09-30 这样的格式（实际为 {text}）"
        ) from exc
    return _within_years(day, text)


def _within_years(day: dt.date, typed: str) -> dt.date:
    """Far years (9999-12) would overflow the month arithmetic of the board."""
    try:
        return parse_date(day) or day
    except ValueError:
        raise ValidationError(
            f"“{typed}”超出可接受的年份（{DATE_FIRST_YEAR}–{DATE_LAST_YEAR}年）"
        ) from None


def report_lines_from_post(
    report: ProgressReport, data: Any
) -> dict[int, dict[str, Any]]:
    """The line inputs of a report form (line-<id>-value/progress/note), cleaned."""
    lines: dict[int, dict[str, Any]] = {}
    errors = []
    for line in report.lines.select_related("target", "measure", "decision"):
        prefix = f"line-{line.pk}-"
        entry: dict[str, Any] = {}
        if prefix + "value" in data:
            raw = data[prefix + "value"].strip().replace(",", "")
            try:
                entry["value"] = Decimal(raw) if raw else None
            except InvalidOperation:
                errors.append(f"{line.target}：累计完成应为数字（实际为 {raw}）")
        for name in ("progress", "note"):
            if prefix + name in data:
                entry[name] = data[prefix + name].strip()
        lines[line.pk] = entry
    if errors:
        raise ValidationError(errors)
    return lines


class ReportTextForm(SafeForm):
    responsible_person = forms.CharField(label="责任人", max_length=40, required=False)
    narrative = forms.CharField(
        label="工作进展", widget=forms.Textarea(attrs={"rows": 4}), required=False
    )
    problems = forms.CharField(
        label="存在问题", widget=forms.Textarea(attrs={"rows": 3}), required=False
    )
    next_steps = forms.CharField(
        label="下步打算", widget=forms.Textarea(attrs={"rows": 3}), required=False
    )
    no_progress = forms.BooleanField(label="本月无进展", required=False)
    no_progress_reason = forms.CharField(
        label="无进展原因", widget=forms.Textarea(attrs={"rows": 2}), required=False
    )
    reason = forms.CharField(label="更正原因（关账后更正必填）", required=False)


class DecisionForm(SafeForm):
    text = forms.CharField(label="议定事项", widget=forms.Textarea)
    owner = forms.ModelChoiceField(label="责任单位", queryset=Unit.objects.all())
    due_on = forms.DateField(label="办结时限", help_text="如 2019-10-31")
