"""Campaign demo data: the Baodi 2019 plan as the office lived it, May to September.

Called by `keqi demo` after the enterprises are loaded (see keqi.core.demo). It
loads plans/baodi-2019.yaml through the plan-load service, then replays the
campaign's calendar up to `as_of` through the campaign services, in date order:
units file their monthly reports (most on time, a few late, one never, one
returned for correction and fixed, one returned and still waiting), HQ holds the
monthly joint meeting (agenda from the board of that day, minutes, agreed items),
agreed items are closed as they are done, and HQ closes each month once its
reports are in. Every step checks whether it already happened, so a second run
changes nothing.
"""

from __future__ import annotations

import datetime as dt
import io
from collections import Counter
from collections.abc import Callable
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone

from keqi.accounts.models import Role, Unit, UnitKind, User
from keqi.campaign import demo_texts as words
from keqi.campaign.board import plan_units
from keqi.campaign.demo_organisation import organisation_load
from keqi.campaign.meetings import (
    decision_add,
    decision_close,
    meeting_create,
    meeting_minutes_save,
)
from keqi.campaign.models import (
    Decision,
    DecisionStatus,
    Meeting,
    MonthClose,
    Plan,
    ProgressReport,
    ReportStatus,
)
from keqi.campaign.progress import month_index, next_month
from keqi.campaign.services import (
    month_close,
    plan_file_load,
    progress_report_open,
    progress_report_return,
    progress_report_save,
    progress_report_submit,
    report_attachment_add,
)
from keqi.registry.models import Enterprise

PLAN_NAME = "baodi-2019"
FIRST_MONTH = dt.date(2019, 5, 1)
LAST_FILED_MONTH = dt.date(2019, 8, 1)  # reports due by the demo's 2019-09-30
DRAFT_MONTH = dt.date(2019, 9, 1)  # HQ's own September report, still a draft
D = dt.date

# (unit code, month number) → the day the report was first submitted, when late.
LATE = {
    ("jjxc-jgw", 5): D(2019, 6, 10),
    ("huogezhuang-gov", 6): D(2019, 7, 8),
    ("kx", 7): D(2019, 8, 7),
    ("kx", 8): D(2019, 9, 9),
}
MISSING = {("scjgj", 8)}  # never filed: 逾期未报
# (unit, month) → (day HQ returned it, reason, day the unit resubmitted or None)
RETURNED = {
    ("koudong-gov", 6): (D(2019, 7, 9), words.EARLY_RETURN_REASON, D(2019, 7, 11)),
    ("rsj", 8): (D(2019, 9, 10), words.RETURN_REASON, None),
}
INCOMPLETE = {("koudong-gov", 6)}  # filed without problems and next steps
CLOSED_MONTHS = {
    D(2019, 5, 1): D(2019, 6, 20),
    D(2019, 6, 1): D(2019, 7, 19),
    D(2019, 7, 1): D(2019, 8, 20),
}  # August stays open: one report missing, one returned

# Evidence attached to a report: (unit, month) → file name.
ATTACHMENTS = {("hq", 7): "第二期国家科技型中小企业入库申报培训签到表.xlsx"}

# Cumulative figures the lead unit reports for targets keqi cannot count itself.
# Only the three-year plan is left: trainings, the contest and trainees are counted
# from keqi.activities' demo, the libraries from the registry, products and
# transformations from keqi.products' demo.
REPORTED = {"three-year-plan": {5: 1}}
# Progress the units report on a measure, from a month on (default 正常推进).
MEASURE_PROGRESS = {
    1: {5: "done"},
    4: {5: "on_track", 7: "behind"},
    9: {5: "not_started", 6: "on_track"},
    13: {5: "on_track", 8: "behind"},
}


def demo_load(as_of: dt.date) -> list[str]:
    """Load the plan and replay the campaign up to as_of; the lines to print."""
    with transaction.atomic():
        plan, plan_line = _plan_ensure()
        done: Counter[str] = Counter()
        for _day, _order, step in sorted(_calendar(), key=lambda s: s[:2]):
            if _day <= as_of:
                step(plan, done)
        organisation = organisation_load(plan)  # after the meetings it records
    return [plan_line, *_summary(done), *organisation]


def _plan_ensure() -> tuple[Plan, str]:
    """Load the plan file unless the same file is already loaded."""
    import hashlib

    path = settings.BASE_DIR / "plans" / f"{PLAN_NAME}.yaml"
    digest = hashlib.sha256(path.read_bytes()).hexdigest()
    plan = Plan.objects.filter(name=PLAN_NAME, source_sha256=digest).first()
    if plan is not None:
        return plan, f"攻坚行动：实施方案 {PLAN_NAME} 已载入，未改动。"
    plan = plan_file_load(path=path, actor=_hq_actor()).plan
    counts = f"目标 {plan.targets.count()} 项、措施 {plan.measures.count()} 条"
    return plan, f"攻坚行动：已载入实施方案 {PLAN_NAME}（{counts}）。"


def _summary(done: Counter[str]) -> list[str]:
    if not done:
        return ["  月报、联席会议和关账：已存在，未改动。"]
    return [
        f"  月报：新建 {done['report']} 份（其中迟报 {done['late']} 份、"
        f"退回修改 {done['returned']} 次、草稿 {done['draft']} 份）",
        f"  联席会议：新建 {done['meeting']} 次，议定事项 {done['decision']} 项"
        f"（办结 {done['decision_done']} 项）",
        f"  月度关账：{done['close']} 个月",
    ]


Step = Callable[[Plan, Counter[str]], None]


def _calendar() -> list[tuple[dt.date, int, Step]]:
    """Every step of the demo campaign with its day (and an order within the day)."""
    steps: list[tuple[dt.date, int, Step]] = []
    month = FIRST_MONTH
    while month_index(month) <= month_index(LAST_FILED_MONTH):
        steps += _month_steps(month)
        month = next_month(month)
    steps.append((D(2019, 9, 27), 0, _draft_step(DRAFT_MONTH)))
    for meeting in words.MEETINGS:
        steps.append((meeting.held_on, 5, _meeting_step(meeting)))
        for number, spec in enumerate(meeting.decisions, start=1):
            if spec.done_on is not None:
                steps.append((spec.done_on, 6, _close_step(meeting, number, spec)))
    steps += [(day, 9, _month_close_step(m)) for m, day in CLOSED_MONTHS.items()]
    return steps


def _month_steps(month: dt.date) -> list[tuple[dt.date, int, Step]]:
    """Reports for one month from every unit the plan gives work to."""
    steps: list[tuple[dt.date, int, Step]] = []
    for code in _unit_codes():
        key = (code, month.month)
        if key in MISSING:
            continue
        day = LATE.get(key) or _on_time_day(code, month)
        steps.append((day, 1, _report_step(code, month, day)))
        if key in RETURNED:
            back_on, reason, again_on = RETURNED[key]
            steps.append((back_on, 2, _return_step(code, month, reason)))
            if again_on is not None:
                steps.append((again_on, 3, _resubmit_step(code, month, again_on)))
    return steps


def _unit_codes() -> list[str]:
    """The units that report: the plan's units, in the district's order."""
    plan = Plan.objects.get(name=PLAN_NAME)
    return [u.code for u in plan_units(plan)]


def _on_time_day(code: str, month: dt.date) -> dt.date:
    """A day between the 1st and the 5th (the due day) of the next month."""
    spread = sum(code.encode()) + month.month
    return next_month(month).replace(day=1 + spread % 5)


def _at(day: dt.date, code: str) -> dt.datetime:
    hour = 9 + sum(code.encode()) % 8
    return timezone.make_aware(dt.datetime(day.year, day.month, day.day, hour, 20))


# ---------------------------------------------------------------- actors


def _hq_actor() -> User | None:
    """The HQ office's first officer, or the command line (None) when there is none."""
    return (
        User.objects.filter(role=Role.HQ_ADMIN, is_active=True).order_by("pk").first()
    )


def _unit_actor(unit: Unit) -> User | None:
    """Someone of the unit who files its reports, or the command line."""
    if unit.kind == UnitKind.HQ:
        return _hq_actor()
    return (
        User.objects.filter(
            unit=unit, role__in=[Role.MEMBER, Role.AREA_STAFF], is_active=True
        )
        .order_by("pk")
        .first()
    )


# ---------------------------------------------------------------- reports


def _report_step(code: str, month: dt.date, day: dt.date) -> Step:
    def run(plan: Plan, done: Counter[str]) -> None:
        unit = Unit.objects.get(code=code)
        if ProgressReport.objects.filter(plan=plan, unit=unit, month=month).exists():
            return
        actor = _unit_actor(unit)
        report = progress_report_open(plan=plan, unit=unit, month=month, actor=actor)
        progress_report_save(
            report=report,
            values=_report_values(unit, month),
            lines=_line_values(report, month),
            actor=actor,
        )
        if (code, month.month) in ATTACHMENTS:
            upload = ContentFile(_sign_in_sheet(), ATTACHMENTS[code, month.month])
            report_attachment_add(report=report, upload=upload, actor=actor)
        progress_report_submit(report=report, actor=actor, now=_at(day, code))
        done["report"] += 1
        done["late"] += (code, month.month) in LATE

    return run


def _sign_in_sheet() -> bytes:
    """A training's sign-in sheet: demo enterprises and the person each sent."""
    from openpyxl import Workbook  # type: ignore[import-untyped]

    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = "签到表"
    sheet.append(["序号", "企业名称", "所属街镇/园区", "参训人员"])
    rows = Enterprise.objects.select_related("area").order_by("pk")[:40]
    for number, enterprise in enumerate(rows, start=1):
        sheet.append([number, enterprise.name, str(enterprise.area), _person(number)])
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def _draft_step(month: dt.date) -> Step:
    def run(plan: Plan, done: Counter[str]) -> None:
        unit = Unit.objects.get(code="hq")
        if ProgressReport.objects.filter(plan=plan, unit=unit, month=month).exists():
            return
        actor = _hq_actor()
        report = progress_report_open(plan=plan, unit=unit, month=month, actor=actor)
        progress_report_save(
            report=report,
            values=_report_values(unit, month),
            lines=_line_values(report, month),
            actor=actor,
        )
        done["report"] += 1
        done["draft"] += 1

    return run


def _return_step(code: str, month: dt.date, reason: str) -> Step:
    def run(plan: Plan, done: Counter[str]) -> None:
        report = ProgressReport.objects.get(plan=plan, unit__code=code, month=month)
        if report.returned_count or report.status != ReportStatus.SUBMITTED:
            return
        progress_report_return(report=report, reason=reason, actor=_hq_actor())
        done["returned"] += 1

    return run


def _resubmit_step(code: str, month: dt.date, day: dt.date) -> Step:
    def run(plan: Plan, done: Counter[str]) -> None:
        report = ProgressReport.objects.get(plan=plan, unit__code=code, month=month)
        if report.status != ReportStatus.RETURNED:
            return
        actor = _unit_actor(report.unit)
        values = _report_values(report.unit, month, first_filing=False)
        progress_report_save(report=report, values=values, lines={}, actor=actor)
        progress_report_submit(report=report, actor=actor, now=_at(day, code))

    return run


def _report_values(
    unit: Unit, month: dt.date, *, first_filing: bool = True
) -> dict[str, str]:
    """The report's text: the unit's own words, or an area's filled template."""
    index = unit.sort + sum(unit.code.encode())
    own = words.UNIT_WORDS.get(unit.code)
    if own is not None:
        narrative = own.get(month.month) or own.get("other", "")
        problems, next_steps = own["problems"], own["next_steps"]
    else:
        narrative = _area_narrative(unit, month, index)
        problems = words.AREA_PROBLEMS[index % len(words.AREA_PROBLEMS)]
        next_steps = words.AREA_NEXT_STEPS[(index + month.month) % 3]
    if first_filing and (unit.code, month.month) in INCOMPLETE:
        problems = next_steps = ""  # what HQ returns the report for
    return {
        "responsible_person": _person(index),
        "narrative": narrative,
        "problems": problems,
        "next_steps": next_steps,
    }


def _area_narrative(unit: Unit, month: dt.date, index: int) -> str:
    visits = 6 + (index * 7 + month.month * 3) % 15
    found = 2 + (index + month.month) % 6
    text = words.AREA_NARRATIVES[(index + month.month) % len(words.AREA_NARRATIVES)]
    return text.format(
        area=unit.area.name if unit.area else unit,
        visits=visits,
        found=found,
        signed=max(found - 1, 1),
        helped=1 + (index + 2 * month.month) % 4,
    )


def _person(index: int) -> str:
    surname = words.SURNAMES[index % len(words.SURNAMES)]
    return surname + words.GIVEN_NAMES[(index * 5) % len(words.GIVEN_NAMES)]


def _line_values(report: ProgressReport, month: dt.date) -> dict[int, dict[str, Any]]:
    """Figures for the targets the unit leads, progress on its measures and items."""
    lines: dict[int, dict[str, Any]] = {}
    for line in report.lines.select_related("target", "measure", "decision"):
        if line.target is not None:
            value = _as_of_month(REPORTED.get(line.target.key, {}), month)
            if value is not None:
                lines[line.pk] = {"value": Decimal(value)}
            elif line.value is None:  # a complete report says why there is none
                lines[line.pk] = {"note": "本月尚无统计数据，待统计后报送"}
        elif line.measure is not None:
            lines[line.pk] = _measure_line(line.measure.number, report, month)
        elif line.decision is not None:
            lines[line.pk] = _decision_line(line.decision)
    return lines


def _as_of_month(values: dict[int, Any], month: dt.date) -> Any:
    """The value given for the latest month up to this one."""
    known = [m for m in values if m <= month.month]
    return values[max(known)] if known else None


def _measure_line(
    number: int, report: ProgressReport, month: dt.date
) -> dict[str, str]:
    progress = _as_of_month(MEASURE_PROGRESS.get(number, {}), month) or "on_track"
    lead = report.plan.measures.get(number=number).measureunit_set.get(position=0)
    note = words.PROGRESS_NOTES[progress]
    if lead.unit_id != report.unit_id and progress != "done":
        note = words.CO_UNIT_NOTE
    return {"progress": progress, "note": note}


def _decision_line(decision: Decision) -> dict[str, str]:
    done = decision.status == DecisionStatus.DONE
    progress = "done" if done else "on_track"
    return {"progress": progress, "note": words.DECISION_NOTES[progress]}


# ---------------------------------------------------------------- meetings, closes


def _meeting_step(spec: words.MeetingSpec) -> Step:
    def run(plan: Plan, done: Counter[str]) -> None:
        if Meeting.objects.filter(plan=plan, held_on=spec.held_on).exists():
            return
        actor = _hq_actor()
        meeting = meeting_create(plan=plan, held_on=spec.held_on, actor=actor)
        meeting_minutes_save(meeting=meeting, minutes=spec.minutes, actor=actor)
        for item in spec.decisions:
            decision_add(
                meeting=meeting,
                text=item.text,
                owner=Unit.objects.get(code=item.owner),
                due_on=item.due_on,
                actor=actor,
            )
        done["meeting"] += 1
        done["decision"] += len(spec.decisions)

    return run


def _close_step(
    meeting: words.MeetingSpec, number: int, spec: words.DecisionSpec
) -> Step:
    def run(plan: Plan, done: Counter[str]) -> None:
        decision = Decision.objects.get(
            meeting__plan=plan, meeting__held_on=meeting.held_on, number=number
        )
        if decision.status == DecisionStatus.DONE or spec.done_on is None:
            return
        owner_actor = _unit_actor(decision.owner)
        decision_close(
            decision=decision,
            done_on=spec.done_on,
            note=spec.done_note,
            actor=owner_actor,
        )
        done["decision_done"] += 1

    return run


def _month_close_step(month: dt.date) -> Step:
    def run(plan: Plan, done: Counter[str]) -> None:
        if MonthClose.objects.filter(plan=plan, month=month).exists():
            return
        month_close(plan=plan, month=month, actor=_hq_actor())
        done["close"] += 1

    return run
