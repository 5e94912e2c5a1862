"""Builders for campaign tests: the Baodi plan loaded, reports filed on given days."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from pathlib import Path
from typing import Any

from django.utils import timezone

from keqi.accounts.models import Unit
from keqi.campaign.models import Plan, ProgressReport
from keqi.campaign.services import (
    plan_file_load,
    progress_report_open,
    progress_report_save,
    progress_report_submit,
)
from keqi.core.testing import load_baodi, make_enterprise
from keqi.registry.models import Area
from keqi.registry.services import qualification_upsert

BAODI = Path(__file__).resolve().parents[3] / "plans" / "baodi-2019.yaml"


def baodi_plan() -> Plan:
    """The seed plan loaded into the test database."""
    if not Area.objects.exists():
        load_baodi()
    return plan_file_load(path=BAODI, actor=None).plan


# A target a unit types in. The seed plan has none left that is a count: every
# number it sets is counted from records (only the three-year plan is reported).
TYPED_TARGET = """  - key: visits
    name: 走访服务科技企业
    value: 100
    unit: 家
    deadline: 2019-12-31
    deadline_text: 年内
    source: reported
    responsible: [gxj]
    plan_text: （测试用）年内走访服务科技企业100家
"""


def plan_with_typed_target(folder: Path) -> Plan:
    """The seed plan plus one count that 区工信局 types in (key `visits`, 100家)."""
    if not Area.objects.exists():
        load_baodi()
    text = BAODI.read_text(encoding="utf-8")
    path = folder / "baodi-2019.yaml"
    path.write_text(
        text.replace("\nmeasures:", TYPED_TARGET + "\nmeasures:", 1), "utf-8"
    )
    return plan_file_load(path=path, actor=None).plan


def at(day: dt.date, hour: int = 10) -> dt.datetime:
    """A moment on that local day."""
    return timezone.make_aware(dt.datetime(day.year, day.month, day.day, hour))


def file_report(
    plan: Plan,
    unit_code: str,
    month: dt.date,
    on: dt.date,
    *,
    figures: dict[str, str] | None = None,
    progress: str = "on_track",
    person: str = "张三",
) -> ProgressReport:
    """A unit's report for `month`, submitted on day `on` with the given figures."""
    unit = Unit.objects.get(code=unit_code)
    report = progress_report_open(plan=plan, unit=unit, month=month, actor=None)
    lines: dict[int, dict[str, Any]] = {}
    for line in report.lines.select_related("target"):
        if line.target is not None and figures and line.target.key in figures:
            lines[line.pk] = {"value": Decimal(figures[line.target.key])}
        elif line.target is not None:  # a complete report says why there is none
            lines[line.pk] = {"note": "本月暂无新数据"}
        elif line.target is None:
            lines[line.pk] = {"progress": progress, "note": "按计划推进"}
    progress_report_save(
        report=report,
        values={"responsible_person": person, "narrative": "本月开展了工作。"},
        lines=lines,
        actor=None,
    )
    return progress_report_submit(report=report, actor=None, now=at(on))


def grant(kind: str, on: dt.date, area: str = "dakoutun", **values: Any) -> None:
    """A new enterprise holding one qualification granted on that day."""
    enterprise = make_enterprise(area=area)
    qualification_upsert(
        enterprise=enterprise,
        kind=kind,
        values={"granted_on": on, "number": values.pop("number", ""), **values},
        actor=None,
    )
