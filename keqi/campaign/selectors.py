"""Reads of campaign data, scoped to the user asking.

Everyone signed in may read the plan, its targets and measures (they are public
work arrangements). Monthly reports: HQ, leaders and auditors read all; a member
unit or area office reads and edits only its own unit's reports (others → 404).
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.db.models import QuerySet
from django.http import Http404

from keqi.accounts.models import Role, Unit
from keqi.accounts.scopes import district_q
from keqi.campaign.models import (
    Decision,
    HqMember,
    Measure,
    MeasureUnit,
    Meeting,
    Plan,
    ProgressReport,
    Target,
    TargetUnit,
)

_READ_ALL = (Role.HQ_ADMIN, Role.LEADER, Role.AUDITOR)


def plan_list_for(user: Any) -> QuerySet[Plan]:
    """Plans of the user's district (its office unit's); every plan for the city
    and the system (None)."""
    plans = Plan.objects.select_related("office_unit")
    return (
        plans
        if user is None
        else plans.filter(district_q(user, "office_unit__district_id"))
    )


def plan_get(name: str | None = None, *, user: Any = None) -> Plan:
    """The named plan, or the latest loaded one, of the user's district (any
    district for user None: the command line); 404 when there is none."""
    plans = plan_list_for(user)
    plan = plans.filter(name=name).first() if name else plans.first()
    if plan is None:
        raise Http404("尚未载入实施方案（keqi plan load plans/方案.yaml）")
    return plan


def number_text(value: Decimal | None) -> str:
    """An exact number as people write it: 26, 0.5 (no trailing zeros)."""
    if value is None:
        return ""
    return format(value.normalize(), "f")


def _json_number(value: Decimal) -> int | str:
    return int(value) if value == value.to_integral() else number_text(value)


def target_units(target: Target) -> list[Unit]:
    """Responsible units, lead first."""
    rows = TargetUnit.objects.filter(target=target).select_related("unit")
    return [r.unit for r in rows.order_by("position")]


def measure_units(measure: Measure) -> list[Unit]:
    """Units of a measure, lead first."""
    rows = MeasureUnit.objects.filter(measure=measure).select_related("unit")
    return [r.unit for r in rows.order_by("position")]


def _unit_dict(unit: Unit) -> dict[str, str]:
    return {"code": unit.code, "name": str(unit)}


def _target_dict(t: Target) -> dict[str, Any]:
    return {
        "key": t.key,
        "name": t.name,
        "value": _json_number(t.value),
        "unit": t.unit_label,
        "deadline": t.deadline.isoformat(),
        "deadline_text": t.deadline_text,
        "source": t.source,
        "metric": t.metric or None,
        "milestone": t.milestone,
        "responsible": t.unit_refs,
        "units": [_unit_dict(u) for u in target_units(t)],
        "plan_text": t.plan_text,
    }


def _measure_dict(m: Measure) -> dict[str, Any]:
    return {
        "number": m.number,
        "title": m.title,
        "unit_refs": m.unit_refs,
        "units": [_unit_dict(u) for u in measure_units(m)],
        "units_text": m.units_text,
        "deadline": m.deadline.isoformat() if m.deadline else None,
        "deadline_text": m.deadline_text,
        "targets": sorted(m.targets.values_list("key", flat=True)),
        "text": m.text,
    }


def plan_as_dict(plan: Plan) -> dict[str, Any]:
    """The plan as plain data (what `keqi plan show --format json` prints)."""
    return {
        "name": plan.name,
        "title": plan.title,
        "issuer": plan.issuer,
        "document_number": plan.document_number or None,
        "document_date": plan.document_date.isoformat() if plan.document_date else None,
        "approved_by": plan.approved_by,
        "year": plan.year,
        "start_month": plan.start_month.strftime("%Y-%m"),
        "report_day": plan.report_day,
        "yellow_ratio": number_text(plan.yellow_ratio),
        "weights": plan.weights,
        "targets": [_target_dict(t) for t in plan.targets.order_by("sort")],
        "measures": [_measure_dict(m) for m in plan.measures.order_by("number")],
    }


def reads_all_reports(user: Any) -> bool:
    """HQ, leaders and auditors read every unit's reports."""
    return bool(user.is_authenticated and (user.is_superuser or user.role in _READ_ALL))


def report_list_for(user: Any, plan: Plan) -> QuerySet[ProgressReport]:
    """Reports the user may see: all for HQ/leaders, else only their unit's."""
    rows = ProgressReport.objects.filter(
        district_q(user, "plan__office_unit__district_id"), plan=plan
    ).select_related("unit")
    if reads_all_reports(user):
        return rows
    if user.is_authenticated and user.unit_id is not None:
        return rows.filter(unit_id=user.unit_id)
    return rows.none()


def report_get_for(user: Any, pk: int) -> ProgressReport:
    """One report in the user's scope, else 404."""
    report = ProgressReport.objects.filter(pk=pk).select_related("unit", "plan").first()
    if report is None or not report_list_for(user, report.plan).filter(pk=pk).exists():
        raise Http404("月报不存在或不属于您的单位")
    return report


def meeting_list_for(user: Any) -> QuerySet[Meeting]:
    """Joint meetings of the plans of the user's district (all for the city)."""
    return Meeting.objects.filter(plan__in=plan_list_for(user)).select_related("plan")


def meeting_get_for(user: Any, pk: int) -> Meeting:
    """One meeting of the user's district, else 404."""
    found = meeting_list_for(user).filter(pk=pk).first()
    if found is None:
        raise Http404("会议不存在或不属于本区")
    return found


def hq_member_get_for(user: Any, pk: int) -> HqMember:
    """One member of the 指挥部 of a plan of the user's district, else 404."""
    found = HqMember.objects.filter(plan__in=plan_list_for(user), pk=pk).first()
    if found is None:
        raise Http404("指挥部成员不存在或不属于本区")
    return found


def decision_get_for(user: Any, pk: int) -> Decision:
    """One agreed item of a meeting of the user's district, else 404."""
    found = (
        Decision.objects.filter(meeting__plan__in=plan_list_for(user), pk=pk)
        .select_related("owner")
        .first()
    )
    if found is None:
        raise Http404("议定事项不存在或不属于本区")
    return found


def decision_list(plan: Plan) -> QuerySet[Decision]:
    """All agreed items of a plan's meetings, earliest due first."""
    return Decision.objects.filter(meeting__plan=plan).select_related(
        "owner", "meeting"
    )
