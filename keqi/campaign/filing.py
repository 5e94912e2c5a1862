"""What a monthly report must hold before it counts as filed (issue 16).

An untouched form is not a report: every item the unit owns is answered — a
progress for each measure and agreed item, a figure (or a note saying why there is
none) for each target it reports itself — and the month's 工作进展 is written. A
unit with nothing to report says so: 本月无进展, with the reason. The web page, the
API and the demo all submit through `progress_report_submit`, which asks this.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass

from keqi.campaign.models import (
    ProgressKind,
    ProgressReport,
    ReportLine,
    Source,
)
from keqi.campaign.selectors import number_text

NO_PROGRESS_HINT = "如本月确无进展，请勾选“本月无进展”并写明原因"


def line_label(line: ReportLine) -> str:
    """The item a line answers for, as the unit reads it on the form."""
    if line.measure is not None:
        return str(line.measure)
    if line.target is not None:
        return f"目标：{line.target.name}"
    text = line.decision.text if line.decision is not None else ""
    return f"议定事项：{text[:20]}{'…' if len(text) > 20 else ''}"


def _line_gap(line: ReportLine) -> str | None:
    if line.target is not None:
        if line.target.source == Source.AUTO:
            return None  # the registry counts it; nothing to fill in
        if line.value is None and not line.note.strip():
            return (
                f"{line_label(line)}：请填写累计完成，或在情况说明中写明暂无数据的原因"
            )
        return None
    if not line.progress:
        return f"{line_label(line)}：请选择进度"
    return None


def report_gaps(report: ProgressReport) -> dict[str, list[str]]:
    """What is still missing before the report may be submitted, by field (empty
    when it is complete). Messages are Chinese and name the field or the item."""
    if report.no_progress:
        if not report.no_progress_reason.strip():
            return {"no_progress_reason": ["无进展原因：勾选“本月无进展”时须写明原因"]}
        return {}
    gaps: dict[str, list[str]] = {}
    if not report.narrative.strip():
        gaps["narrative"] = [f"工作进展：请填写本月工作进展；{NO_PROGRESS_HINT}"]
    lines = report.lines.select_related("target", "measure", "decision").order_by(
        "measure__number", "target__sort", "decision_id"
    )
    missing = [gap for line in lines if (gap := _line_gap(line)) is not None]
    if missing:
        gaps["lines"] = missing
    return gaps


@dataclass(frozen=True)
class FilingSummary:
    """What the unit is about to submit, in a few lines, for the confirmation step."""

    progress: list[tuple[str, int]]
    figures: list[tuple[str, str]]
    no_progress_reason: str


def filing_summary(report: ProgressReport) -> FilingSummary:
    """Counts of progress by kind and the reported figures (for 确认报送)."""
    lines = list(report.lines.select_related("target"))
    count = Counter(li.progress for li in lines if li.progress)
    progress = [(label, count[v]) for v, label in ProgressKind.choices if count[v]]
    figures = [
        (li.target.name, f"{number_text(li.value)}{li.target.unit_label}")
        for li in lines
        if li.target is not None
        and li.target.source != Source.AUTO
        and li.value is not None
    ]
    reason = report.no_progress_reason if report.no_progress else ""
    return FilingSummary(progress, figures, reason)
