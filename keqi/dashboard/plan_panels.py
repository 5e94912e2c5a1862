"""The campaign's panels: target progress and units' report timeliness.

Both come from keqi.campaign's own functions (target_statuses, the board's targets
with their 序时进度, due_months / plan_units / report_late for reports), so the dashboard
shows exactly what the command board (作战图) shows on the same day.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

from django.http import Http404

from keqi.accounts.models import Unit
from keqi.campaign.board import (
    TargetStatus,
    due_months,
    plan_units,
    submitted_on,
    target_statuses,
)
from keqi.campaign.models import Plan, ProgressReport
from keqi.campaign.progress import report_due, report_late
from keqi.campaign.selectors import plan_get


def plan_or_none(user: Any = None) -> Plan | None:
    """The latest loaded plan of the user's district, or None when there is none."""
    try:
        return plan_get(None, user=user)
    except Http404:
        return None


def targets_on(plan: Plan, as_of: dt.date) -> list[TargetStatus]:
    """Every target with its figure, 序时进度 and light, as on the command board."""
    return target_statuses(plan, as_of)


class Timeliness(StrEnum):
    """How a due monthly report stands on the day asked about."""

    ON_TIME = "on_time"
    LATE = "late"
    MISSING = "missing"

    @property
    def label(self) -> str:
        return {"on_time": "按时报送", "late": "迟报", "missing": "逾期未报"}[
            self.value
        ]


@dataclass(frozen=True)
class DueReport:
    """One unit's report for one month whose due day has passed."""

    unit: Unit
    month: dt.date
    due: dt.date
    submitted: dt.date | None
    status: Timeliness
    report_id: int | None


@dataclass
class UnitTimeliness:
    """A unit's due reports counted by how they stand."""

    unit: Unit
    counts: dict[Timeliness, int] = field(default_factory=dict)

    @property
    def due(self) -> int:
        return sum(self.counts.values())


def _status(report: ProgressReport | None, due: dt.date, as_of: dt.date) -> Timeliness:
    day = submitted_on(report)
    if report_late(submitted_on=day, due=due, as_of=as_of) is None:
        return Timeliness.ON_TIME
    return Timeliness.MISSING if day is None else Timeliness.LATE


def due_reports(plan: Plan, as_of: dt.date, units: list[Unit]) -> list[DueReport]:
    """Every (unit, month) report due by `as_of` for the given units, in their order."""
    months = due_months(plan, as_of)
    reports = {
        (r.unit_id, r.month): r
        for r in ProgressReport.objects.filter(plan=plan, month__in=months)
    }
    rows = []
    for unit in units:
        for month in months:
            due = report_due(month, plan.report_day)
            report = reports.get((unit.pk, month))
            rows.append(
                DueReport(
                    unit,
                    month,
                    due,
                    submitted_on(report),
                    _status(report, due, as_of),
                    report.pk if report else None,
                )
            )
    return rows


def unit_timeliness(plan: Plan, as_of: dt.date) -> list[UnitTimeliness]:
    """Every unit the plan gives work to, with its due reports counted by status."""
    units = plan_units(plan)
    found = {unit.pk: UnitTimeliness(unit) for unit in units}
    for row in due_reports(plan, as_of, units):
        counts = found[row.unit.pk].counts
        counts[row.status] = counts.get(row.status, 0) + 1
    return list(found.values())


def report_rows(
    plan: Plan, as_of: dt.date, unit_code: str, status: Timeliness | None
) -> list[DueReport]:
    """The due reports of one unit (code; blank for all), with one status or all."""
    units = plan_units(plan)
    if unit_code:
        units = [u for u in units if u.code == unit_code]
        if not units:
            raise Http404("该单位不承担本方案的任务")
    rows = due_reports(plan, as_of, units)
    return [r for r in rows if status is None or r.status == status]
