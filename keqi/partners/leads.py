"""Investment promotion leads (招商线索): 已接洽 → 已考察 → 已签约 → 已落地.

Every stage change is audited with the day it happened; a lead only moves forward.
It settles (已落地) by linking the registry enterprise it became: found by its
统一社会信用代码, or created through keqi.registry.services in the area it
settled in (which needs an account that may add enterprises to the registry).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction

from keqi.accounts.models import Area
from keqi.core.uscc import check_uscc
from keqi.partners.access import ensure_owner, ensure_sees
from keqi.partners.models import STAGE_DATES, STAGE_ORDER, Lead, LeadStage
from keqi.partners.services import PartnersAction, owned_new, write_row
from keqi.registry.models import Enterprise
from keqi.registry.services import Upserted, enterprise_upsert

LEAD_FIELDS = (
    "company",
    "source",
    "source_detail",
    "event",
    "area",
    "tech_field",
    "contact",
    "note",
    "contacted_on",
    "visited_on",
    "signed_on",
)
STAGE_FIELDS = ("stage", *STAGE_DATES.values(), "enterprise", "area")


def _label(field: str) -> str:
    return str(getattr(Lead._meta.get_field(field), "verbose_name", field))


def check_lead(row: Lead) -> None:
    """Each stage reached has its day, days never go back, later stages are blank."""
    reached = STAGE_ORDER.index(row.stage)
    last: tuple[dt.date, str] | None = None
    for index, (stage, field) in enumerate(STAGE_DATES.items()):
        day = getattr(row, field)
        if index > reached and day is not None:
            message = f"线索尚未到“{stage}”阶段，不应填写{_label(field)}"
            raise ValidationError({field: message})
        if index == reached and day is None:
            raise ValidationError({field: f"阶段为“{stage}”时须填写{_label(field)}"})
        if day is None:
            continue
        if last is not None and day < last[0]:
            raise ValidationError({field: f"{_label(field)}不能早于{last[1]}"})
        last = (day, _label(field))
    if row.stage == LeadStage.REGISTERED and row.enterprise_id is None:
        raise ValidationError({"enterprise": "已落地的线索须关联企业库中的企业"})


def _subject(row: Lead) -> str:
    return f"lead:{row.pk}"


@transaction.atomic
def lead_create(*, values: dict[str, Any], actor: Any) -> Lead:
    """Record a new lead at 已接洽 (later stages through lead_advance/lead_settle)."""
    row = owned_new(Lead, values, actor)
    if Lead.objects.filter(unit=row.unit, company=values.get("company")).exists():
        raise ValidationError({"company": "本单位已有这家企业的招商线索"})
    return write_row(
        row,
        values,
        fields=LEAD_FIELDS,
        actor=actor,
        actions=(PartnersAction.LEAD_CREATE, ""),
        subject=_subject,
        check=check_lead,
    ).row


@transaction.atomic
def lead_update(*, row: Lead, values: dict[str, Any], actor: Any) -> Upserted[Lead]:
    """Change a lead's details or the days of stages it has reached."""
    ensure_owner(actor, row)
    return write_row(
        row,
        values,
        fields=LEAD_FIELDS,
        actor=actor,
        actions=("", PartnersAction.LEAD_UPDATE),
        subject=_subject,
        check=check_lead,
    )


@transaction.atomic
def lead_advance(*, lead: Lead, stage: str, on: dt.date, actor: Any) -> Lead:
    """Move a lead forward to 已考察 or 已签约 on a day (never back)."""
    ensure_owner(actor, lead)
    if stage not in STAGE_ORDER:
        raise ValidationError({"stage": f"未知的阶段“{stage}”"})
    if stage == LeadStage.REGISTERED:
        raise ValidationError({"stage": "落地注册请使用“办理落地”，须关联企业"})
    if STAGE_ORDER.index(stage) <= lead.stage_index:
        message = f"线索已处于“{lead.stage}”阶段，阶段只能向前推进"
        raise ValidationError({"stage": message})
    return write_row(
        lead,
        {"stage": stage, STAGE_DATES[stage]: on},
        fields=STAGE_FIELDS,
        actor=actor,
        actions=("", PartnersAction.LEAD_ADVANCE),
        subject=_subject,
        check=check_lead,
    ).row


def _settled_enterprise(
    lead: Lead, uscc: str, area: Area | None, founded_on: dt.date, actor: Any
) -> Enterprise:
    """The registry enterprise with this code, created in `area` when new."""
    checked = check_uscc(uscc)
    if not checked.ok:
        raise ValidationError({"uscc": checked.error})
    found = Enterprise.objects.filter(uscc=checked.code).first()
    if found is not None:
        ensure_sees(actor, found)
        return found
    if area is None:
        raise ValidationError({"area": "企业库中还没有这家企业，请填写落地街镇/园区"})
    values = {"name": lead.company, "founded_on": founded_on, "area": area}
    try:
        return enterprise_upsert(
            uscc=checked.code, values=values, actor=actor, reason=f"招商落地：{lead}"
        ).row
    except PermissionDenied as exc:
        raise PermissionDenied(
            "企业库中还没有这家企业，当前账号无权在该街镇/园区新建企业：请所在街镇/园区"
            "或指挥部办公室先将企业录入企业库，再办理落地"
        ) from exc


@transaction.atomic
def lead_settle(
    *,
    lead: Lead,
    on: dt.date,
    uscc: str,
    actor: Any,
    area: Area | None = None,
    founded_on: dt.date | None = None,
) -> Lead:
    """The lead registered in the district on `on`: link (or create) its enterprise.

    An existing registry enterprise is found by its code; a new one is created
    through keqi.registry.services in `area` (default: the lead's intended area),
    founded on `founded_on` (default: `on`). The lead takes the enterprise's area.
    """
    ensure_owner(actor, lead)
    if lead.stage == LeadStage.REGISTERED:
        raise ValidationError({"stage": "该线索已落地"})
    enterprise = _settled_enterprise(
        lead, uscc, area or lead.area, founded_on or on, actor
    )
    if Lead.objects.filter(enterprise=enterprise).exclude(pk=lead.pk).exists():
        message = f"企业“{enterprise.name}”已是另一条招商线索的落地企业"
        raise ValidationError({"uscc": message})
    values = {
        "stage": LeadStage.REGISTERED,
        "registered_on": on,
        "enterprise": enterprise,
        "area": enterprise.area,
    }
    return write_row(
        lead,
        values,
        fields=STAGE_FIELDS,
        actor=actor,
        actions=("", PartnersAction.LEAD_SETTLE),
        subject=lambda r: str(enterprise.subject),
        check=check_lead,
    ).row
